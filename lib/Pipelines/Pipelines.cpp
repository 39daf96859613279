//===- Pipelines.cpp - Registered sparse pipelines ------------------------===//

#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

void sparse::buildSparseLowerToLLVMPipeline(
    OpPassManager &pm, const SparseLowerToLLVMOptions &options) {
  // Tensors to memrefs; sparse.slice_grad goes to its memref form.
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));

  // Our op to loops, with its run-time checks.
  sparse::ConvertSparseToLoopsPassOptions loopOptions;
  loopOptions.strategy = options.strategy;
  loopOptions.vectorWidth = options.vectorWidth;
  loopOptions.chunkRows = options.chunkRows;
  loopOptions.boxPass = options.boxPass;
  pm.addPass(sparse::createConvertSparseToLoopsPass(loopOptions));
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.deallocate)
    bufferization::buildBufferDeallocationPipeline(pm);
  // Deallocation clones buffers a function returns without owning them
  // (e.g. a folded constant result).
  pm.addPass(createConvertBufferizationToMemRefPass());
  // Threads: scf.parallel to OpenMP (libomp at run time). Without it,
  // scf-to-cf runs the parallel loops in order.
  if (options.openmp) {
    ConvertSCFToOpenMPPassOptions ompOptions;
    ompOptions.numThreads = options.numThreads;
    pm.addPass(createConvertSCFToOpenMPPass(ompOptions));
  }

  // Loops and memrefs to the LLVM dialect.
  pm.addPass(createConvertVectorToSCFPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  if (options.openmp)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertComplexToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void sparse::registerSparsePipelines() {
  PassPipelineRegistration<SparseLowerToLLVMOptions>(
      "sparse-lower-to-llvm",
      "Lower tensor-level sparse dialect code (with func, arith, tensor, "
      "linalg, scf, complex and vector) to the LLVM dialect, ready for the "
      "JIT; sparse.slice_grad lowers with the parallel strategy on OpenMP "
      "threads by default",
      buildSparseLowerToLLVMPipeline);
}
