//===- JitRunMode.h - sparse-opt --run --------------------------*- C++ -*-===//

#ifndef SLICEGRAD_TOOLS_SPARSEOPT_JITRUNMODE_H
#define SLICEGRAD_TOOLS_SPARSEOPT_JITRUNMODE_H

#include "llvm/ADT/StringRef.h"

namespace llvm {
class raw_ostream;
}

namespace mlir {
class DialectRegistry;
}

namespace sparse_opt {

/// Whether the parsed command line asks for the JIT (`--run`).
bool isRunMode();

/// Prints --run's flags (their option category of --help).
void printRunFlagsHelp(llvm::raw_ostream &os);

/// Fails with a message if a flag of --run's was given without --run.
bool checkRunFlagsUnused();

/// Lowers `inputFilename` with the passes given on the command line (or
/// `sparse-lower-to-llvm`), JIT-compiles it and calls the entry function:
/// on the arrays given with --input, or, for a function without arguments
/// that returns nothing or one i32, i64 or f32, as mlir-runner does.
/// Returns the process exit code.
int runJit(llvm::StringRef inputFilename, mlir::DialectRegistry &registry);

} // namespace sparse_opt

#endif // SLICEGRAD_TOOLS_SPARSEOPT_JITRUNMODE_H
