//===- Engine.h - JIT-compiling lowered code for the host -------*- C++ -*-===//
//
// How `sparse-opt --run` JIT-compiles a module lowered to the LLVM dialect,
// for any host that runs lowered code: MLIR's ExecutionEngine for the host
// CPU (its features, so that LLVM's passes and codegen tune for it), LLVM's
// -O0..-O3 pipeline, and the runtime's entry points (SliceGradRuntime.h)
// resolved in this process. slice-grad-bench compiles with it too, so that
// its figures are what users run.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNNER_ENGINE_H
#define SLICEGRAD_RUNNER_ENGINE_H

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include "llvm/Support/Error.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir::sparse::runner {

struct EngineOptions {
  /// LLVM's optimization pipeline and codegen level (mlir-runner's
  /// -O0..-O3); none: no IR passes and LLVM's default codegen level.
  std::optional<unsigned> optLevel;
  /// Libraries to load into the JIT, in order.
  std::vector<std::string> sharedLibs;
  /// Keep the object code, for ExecutionEngine::dumpToObjectFile.
  bool enableObjectDump = false;
};

/// JIT-compiles `module` (LLVM dialect) for the host, with the runtime's
/// entry points registered, and runs its global constructors.
llvm::Expected<std::unique_ptr<ExecutionEngine>>
createEngine(ModuleOp module, const EngineOptions &options);

} // namespace mlir::sparse::runner

#endif // SLICEGRAD_RUNNER_ENGINE_H
