//===- Pipelines.cpp - Registered sparse pipelines ------------------------===//

#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

/// Tensors to memrefs; sparse.slice_grad goes to its memref form.
static void addBufferization(OpPassManager &pm) {
  // Loops of cf.br blocks become scf loops: buffer deallocation supports
  // structured loops only.
  pm.addPass(createLiftControlFlowToSCFPass());
  pm.addNestedPass<func::FuncOp>(createConvertElementwiseToLinalgPass());
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  bufferization::OneShotBufferizePassOptions bufferizeOptions;
  bufferizeOptions.bufferizeFunctionBoundaries = true;
  // A result carried through a loop's iter_args (a training step's state)
  // is a new buffer on every iteration.
  bufferizeOptions.allowReturnAllocsFromLoops = true;
  bufferizeOptions.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferizeOptions));
  // scf.forall has no lowering of its own: a parallel loop (threads where
  // the pipeline maps them).
  pm.addNestedPass<func::FuncOp>(createForallToParallelLoopPass());
}

/// The host's loops and memrefs to the LLVM dialect, OpenMP included if
/// asked.
static void addHostToLLVM(OpPassManager &pm, bool openmp) {
  pm.addPass(createLowerAffinePass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createSCFToControlFlowPass());
  if (openmp)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertComplexToLLVMPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  // ub.poison, e.g. from lift-cf-to-scf.
  pm.addPass(createUBToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
}

void sparse::buildSparseLowerToLLVMPipeline(
    OpPassManager &pm, const SparseLowerToLLVMOptions &options) {
  addBufferization(pm);
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.deallocate)
    bufferization::buildBufferDeallocationPipeline(pm);
  // Deallocation clones buffers a function returns without owning them
  // (e.g. a folded constant result).
  pm.addPass(createConvertBufferizationToMemRefPass());

  // Our op to loops, with its run-time checks, after deallocation: both
  // lowerings free the scratch buffers they allocate.
  if (!options.gpuAlgorithm) {
    sparse::ConvertSparseToLoopsPassOptions loopOptions;
    loopOptions.strategy = options.strategy;
    loopOptions.vectorWidth = options.vectorWidth;
    loopOptions.chunkRows = options.chunkRows;
    pm.addPass(sparse::createConvertSparseToLoopsPass(loopOptions));
  } else {
    // The GPU lowering's algorithm on host buffers.
    sparse::ConvertSparseToGPUPassOptions gpuOptions;
    gpuOptions.chunkRows = options.chunkRows;
    gpuOptions.deviceMemory = false;
    pm.addPass(sparse::createConvertSparseToGPUPass(gpuOptions));
  }
  // Threads: scf.parallel to OpenMP (libomp at run time). Without it,
  // scf-to-cf runs the parallel loops in order.
  if (options.openmp) {
    ConvertSCFToOpenMPPassOptions ompOptions;
    ompOptions.numThreads = options.numThreads;
    pm.addPass(createConvertSCFToOpenMPPass(ompOptions));
  }

  // Loops and memrefs to the LLVM dialect.
  pm.addPass(createConvertVectorToSCFPass());
  addHostToLLVM(pm, options.openmp);
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void sparse::buildSparseToNVVMPipeline(OpPassManager &pm,
                                       const SparseToNVVMOptions &options) {
  addBufferization(pm);
  // The program's own parallel loops run in order on the host: only the
  // loop that convert-sparse-to-gpu emits becomes a kernel (a user's loop
  // around the op would otherwise be mapped to the GPU with the op's host
  // code inside).
  pm.addNestedPass<func::FuncOp>(createParallelForToNestedForsPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (options.deallocate)
    bufferization::buildBufferDeallocationPipeline(pm);
  pm.addPass(createConvertBufferizationToMemRefPass());
  // After deallocation: the lowering frees its own buffers.
  sparse::ConvertSparseToGPUPassOptions gpuOptions;
  gpuOptions.chunkRows = options.chunkRows;
  pm.addPass(sparse::createConvertSparseToGPUPass(gpuOptions));

  // The chunk loop to a kernel: blocks of block-size threads (a guard, not
  // min/max bounds, keeps the thread loop's bound constant).
  pm.addNestedPass<func::FuncOp>(createParallelLoopTilingPass(
      {options.blockSize}, /*noMinMaxBounds=*/true));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createGpuKernelOutliningPass());
  // gpu-to-llvm lowers the async forms of alloc/memcpy/dealloc.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createConvertVectorToSCFPass());

  // The kernel to NVVM, the host to LLVM, the kernel to a binary.
  GpuNVVMAttachTargetOptions target;
  target.chip = options.chip;
  target.features = options.features;
  target.optLevel = options.optLevel;
  pm.addPass(createGpuNVVMAttachTarget(target));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  addHostToLLVM(pm, /*openmp=*/false);
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = options.format;
  pm.addPass(createGpuModuleToBinaryPass(binary));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void sparse::registerSparsePipelines() {
  // Registered by hand (not PassPipelineRegistration) to refuse options
  // with a message.
  registerPassPipeline(
      kSparseLowerToLLVMPipelineName,
      "Lower tensor-level sparse dialect code (with func, arith, tensor, "
      "linalg, scf, complex and vector) to the LLVM dialect, ready for the "
      "JIT; sparse.slice_grad lowers with the parallel strategy on OpenMP "
      "threads by default",
      [](OpPassManager &pm, StringRef text,
         function_ref<LogicalResult(const Twine &)> errorHandler) {
        SparseLowerToLLVMOptions options;
        if (failed(options.parseFromString(text)))
          return failure();
        // libomp aborts when it cannot start the threads asked for.
        if (options.numThreads > kMaxNumThreads)
          return errorHandler(kSparseLowerToLLVMPipelineName +
                              ": num-threads must be at most " +
                              Twine(kMaxNumThreads) + ", got " +
                              Twine(options.numThreads));
        buildSparseLowerToLLVMPipeline(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optHandler) {
        optHandler(SparseLowerToLLVMOptions());
      });
  PassPipelineRegistration<SparseToNVVMOptions>(
      kSparseToNVVMPipelineName,
      "Lower tensor-level sparse dialect code to the LLVM dialect with "
      "sparse.slice_grad as an NVIDIA GPU kernel (gpu.binary for `chip`); "
      "sparse-opt --run executes it where a CUDA device is present",
      buildSparseToNVVMPipeline);
}
