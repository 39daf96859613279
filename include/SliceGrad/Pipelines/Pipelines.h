//===- Pipelines.h - Registered sparse pipelines ----------------*- C++ -*-===//

#ifndef SLICEGRAD_PIPELINES_PIPELINES_H
#define SLICEGRAD_PIPELINES_PIPELINES_H

#include "SliceGrad/Conversion/Passes.h"
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
  PassOptions::Option<SliceGradStrategy> strategy{
      *this, "strategy",
      llvm::cl::desc("convert-sparse-to-loops strategy"),
      llvm::cl::init(SliceGradStrategy::Parallel),
      llvm::cl::values(
          clEnumValN(SliceGradStrategy::Sequential, "sequential",
                     "TensorFlow's loop, one thread"),
          clEnumValN(SliceGradStrategy::Parallel, "parallel",
                     "Chunks on threads: verified box pass, else greedy"))};
  PassOptions::Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("convert-sparse-to-loops vector-width"),
      llvm::cl::init(8)};
  PassOptions::Option<int64_t> chunkRows{
      *this, "chunk-rows", llvm::cl::desc("convert-sparse-to-loops chunk-rows"),
      llvm::cl::init(65536)};
  PassOptions::Option<bool> boxPass{
      *this, "box-pass", llvm::cl::desc("convert-sparse-to-loops box-pass"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Run scf.parallel loops on OpenMP threads "
                     "(convert-scf-to-openmp); otherwise they run in order"),
      llvm::cl::init(true)};
  PassOptions::Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("OpenMP threads of the parallel loops (0: OMP_NUM_THREADS "
                     "at run time, else all cores)"),
      llvm::cl::init(0)};
};

/// Takes a module of tensor-level `sparse` code with func, arith, tensor,
/// linalg, scf, complex and vector ops all the way to the LLVM dialect:
/// one-shot-bufferize (function boundaries with identity layouts),
/// convert-sparse-to-loops (parallel strategy by default), buffer
/// deallocation, scf.parallel to OpenMP, then the standard conversions to
/// LLVM. The JIT needs libomp for the OpenMP calls (sparse-opt --run loads
/// it).
void buildSparseLowerToLLVMPipeline(OpPassManager &pm,
                                    const SparseLowerToLLVMOptions &options);

/// Registers `sparse-lower-to-llvm`.
void registerSparsePipelines();

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_PIPELINES_PIPELINES_H
