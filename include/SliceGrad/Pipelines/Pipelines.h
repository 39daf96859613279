//===- Pipelines.h - Registered sparse pipelines ----------------*- C++ -*-===//

#ifndef SLICEGRAD_PIPELINES_PIPELINES_H
#define SLICEGRAD_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;

namespace sparse {

/// Options of the `sparse-lower-to-llvm` pipeline.
struct SparseLowerToLLVMOptions
    : public PassPipelineOptions<SparseLowerToLLVMOptions> {
  PassOptions::Option<bool> deallocate{
      *this, "deallocate",
      llvm::cl::desc("Insert deallocations for the buffers bufferization "
                     "allocates (buffer-deallocation-pipeline)"),
      llvm::cl::init(true)};
};

/// Takes a module of tensor-level `sparse` code with func, arith, tensor,
/// linalg, scf, complex and vector ops all the way to the LLVM dialect:
/// one-shot-bufferize (function boundaries with identity layouts),
/// convert-sparse-to-loops, buffer deallocation, then the standard
/// conversions to LLVM.
void buildSparseLowerToLLVMPipeline(OpPassManager &pm,
                                    const SparseLowerToLLVMOptions &options);

/// Registers `sparse-lower-to-llvm`.
void registerSparsePipelines();

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_PIPELINES_PIPELINES_H
