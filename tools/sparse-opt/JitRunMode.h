//===- JitRunMode.h - sparse-opt --run --------------------------*- C++ -*-===//

#ifndef SLICEGRAD_TOOLS_SPARSEOPT_JITRUNMODE_H
#define SLICEGRAD_TOOLS_SPARSEOPT_JITRUNMODE_H

namespace mlir {
class DialectRegistry;
}

/// Whether the command line asks for the JIT (`--run` / `-run`).
bool isRunMode(int argc, char **argv);

/// mlir-runner with our pipeline: lowers the input with the passes given on
/// the command line (or `sparse-lower-to-llvm`), JIT-compiles it and calls
/// the entry function. Returns the process exit code.
int runJit(int argc, char **argv, mlir::DialectRegistry &registry);

#endif // SLICEGRAD_TOOLS_SPARSEOPT_JITRUNMODE_H
