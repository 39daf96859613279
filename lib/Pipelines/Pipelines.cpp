//===- Pipelines.cpp - Registered sparse pipelines ------------------------===//
//
// Each pipeline as a list of named stages (bufferization, the op's
// lowering, threads, host code to LLVM), the passes' options projected
// from the pipeline's options struct (Pipelines.h), and one registration
// path for every pipeline of Pipelines.def.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Transforms/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Shard/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::sparse;

GpuNVVMAttachTargetOptions
SparseToNVVMOptions::nvvmAttachTargetOptions() const {
  GpuNVVMAttachTargetOptions options;
  options.chip = chip;
  options.features = features;
  options.optLevel = optLevel;
  return options;
}

GpuModuleToBinaryPassOptions
SparseToNVVMOptions::moduleToBinaryOptions() const {
  GpuModuleToBinaryPassOptions options;
  options.compilationTarget = format;
  return options;
}

LogicalResult SparseToNVVMOptions::verify(StringRef pipeline,
                                          PipelineOptionError error) const {
  // gpu-module-to-binary's names of its formats.
  static constexpr StringLiteral formats[] = {
      "offloading", "llvm", "assembly",  "isa",
      "binary",     "bin",  "fatbinary", "fatbin"};
  if (!llvm::is_contained(formats, StringRef(format)))
    return error(pipeline + ": format must be isa, bin or fatbin, got '" +
                 format + "'");
  // sm_ and a compute capability, with an optional suffix (sm_90a, sm_100f).
  StringRef capability(chip);
  if (!capability.consume_front("sm_") || capability.empty() ||
      !llvm::isDigit(capability.front()) ||
      !llvm::all_of(capability.rtrim("af"), llvm::isDigit))
    return error(pipeline +
                 ": chip must name an NVIDIA GPU, e.g. sm_90, got '" + chip +
                 "'");
  // NVVM's oldest target.
  unsigned version = 0;
  if (capability.rtrim("af").getAsInteger(10, version) || version < 20)
    return error(pipeline + ": chip must be sm_20 or later, got '" + chip +
                 "'");
  // LLVM's levels; CUDA's most threads per block.
  if (optLevel > 3)
    return error(pipeline + ": opt-level must be 0, 1, 2 or 3, got " +
                 Twine(optLevel.getValue()));
  if (blockSize < 1 || blockSize > 1024)
    return error(pipeline + ": block-size must be 1..1024, got " +
                 Twine(blockSize.getValue()));
  if (chunkRows < 1)
    return error(pipeline + ": chunk-rows must be at least 1, got " +
                 Twine(chunkRows.getValue()));
  return success();
}

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
  // expand-strided-metadata emits affine.apply for strided views (e.g. a
  // strided tensor.extract_slice): lower-affine after it.
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
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

/// Linalg to loops and, if asked, the deallocations of what bufferization
/// allocated.
static void addDeallocation(OpPassManager &pm, bool deallocate) {
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  if (deallocate)
    bufferization::buildBufferDeallocationPipeline(pm);
  // Deallocation clones buffers a function returns without owning them
  // (e.g. a folded constant result).
  pm.addPass(createConvertBufferizationToMemRefPass());
}

/// The CPU pipelines' end: threads (scf.parallel to OpenMP, libomp at run
/// time; without it, scf-to-cf runs the parallel loops in order), then
/// loops and memrefs to the LLVM dialect. `mpi`: the module has mpi ops
/// (convert-to-llvm lowers them through their dialect interface).
template <typename Options>
static void addThreadsAndLLVM(OpPassManager &pm,
                              const SparseCPUPipelineOptions<Options> &options,
                              bool mpi) {
  if (options.openmp)
    pm.addPass(createConvertSCFToOpenMPPass(options.scfToOpenMPOptions()));
  pm.addPass(createConvertVectorToSCFPass());
  addHostToLLVM(pm, options.openmp);
  if (mpi)
    pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void sparse::buildSparseLowerToLLVMPipeline(
    OpPassManager &pm, const SparseLowerToLLVMOptions &options) {
  // The gradient of a slice from its kept positions (inlining only the
  // calls that hold the forward a gradient needs).
  if (options.fuseSliceGrad)
    pm.addPass(createSparseFuseSliceGradPass());
  addBufferization(pm);
  addDeallocation(pm, options.deallocate);
  // Our ops to loops, with their run-time checks, after deallocation: the
  // lowerings free the scratch buffers they allocate. With gpu-algorithm,
  // the GPU kernels lower sparse.slice_grad and the loops the rest.
  if (options.gpuAlgorithm)
    pm.addPass(createConvertSparseToGPUPass(options.sparseToGPUOptions()));
  pm.addPass(createConvertSparseToLoopsPass(options.sparseToLoopsOptions()));
  pm.addPass(createSparseCheckAllocationsPass());
  addThreadsAndLLVM(pm, options, /*mpi=*/false);
}

void sparse::buildSparseShardToLLVMPipeline(
    OpPassManager &pm, const SparseShardToLLVMOptions &options) {
  // The annotated function to one process's program with shard
  // collectives (sparse.slice_grad partitions through its
  // ShardingInterface), then the collectives to MPI calls.
  pm.addNestedPass<func::FuncOp>(shard::createShardingPropagation());
  pm.addNestedPass<func::FuncOp>(createSparseCheckSliceGradShardedPass());
  pm.addNestedPass<func::FuncOp>(shard::createPartition());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertShardToMPIPass());
  pm.addPass(createSparseFinishShardToMPIPass());
  // Each process's program, as sparse-lower-to-llvm lowers it. The
  // partition's branches yield the fast path's buffer on both sides
  // (partition::overwrite); canonicalization folds such an scf.if away, so
  // that deallocation sees the buffer the function owns and does not copy
  // the result before returning it.
  addBufferization(pm);
  pm.addPass(createCanonicalizerPass());
  addDeallocation(pm, options.deallocate);
  pm.addPass(createConvertSparseToLoopsPass(options.sparseToLoopsOptions()));
  pm.addPass(createSparseCheckAllocationsPass());
  addThreadsAndLLVM(pm, options, /*mpi=*/true);
}

void sparse::buildSparseToNVVMPipeline(OpPassManager &pm,
                                       const SparseToNVVMOptions &options) {
  addBufferization(pm);
  // The program's own parallel loops run in order on the host: only the
  // loop that convert-sparse-to-gpu emits becomes a kernel (a user's loop
  // around the op would otherwise be mapped to the GPU with the op's host
  // code inside).
  pm.addNestedPass<func::FuncOp>(createParallelForToNestedForsPass());
  addDeallocation(pm, options.deallocate);
  // After deallocation: the lowering frees its own buffers.
  pm.addPass(createConvertSparseToGPUPass(options.sparseToGPUOptions()));

  // Each kernel loop to a launch: blocks of block-size threads (a guard,
  // not min/max bounds, keeps the thread loop's bound constant).
  pm.addNestedPass<func::FuncOp>(createParallelLoopTilingPass(
      {options.blockSize}, /*noMinMaxBounds=*/true));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createSparseLowerDeviceMemorySpacePass());
  // gpu-to-llvm lowers the async forms of alloc/memcpy/dealloc.
  pm.addNestedPass<func::FuncOp>(createGpuAsyncRegionPass());
  pm.addPass(createConvertVectorToSCFPass());

  // The kernel to NVVM, the host to LLVM, the kernel to a binary.
  pm.addPass(createGpuNVVMAttachTarget(options.nvvmAttachTargetOptions()));
  pm.addPass(createSparseAttachGpuDataLayoutPass());
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  addHostToLLVM(pm, /*openmp=*/false);
  pm.addPass(createGpuToLLVMConversionPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createGpuModuleToBinaryPass(options.moduleToBinaryOptions()));
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Registers a pipeline whose options are parsed, then verified
/// (Options::verify refuses values with a message). By hand, not
/// PassPipelineRegistration, which has no way to refuse a value.
template <typename Options>
static void registerPipeline(StringRef name, StringRef description,
                             void (*build)(OpPassManager &, const Options &)) {
  std::string argument = name.str();
  registerPassPipeline(
      name, description,
      [argument, build](OpPassManager &pm, StringRef text,
                        function_ref<LogicalResult(const Twine &)> error) {
        // The pipelines run module passes: nested under another op (e.g.
        // `func.func(sparse-lower-to-llvm)`) the pass manager would abort.
        if (pm.getOpAnchorName() != ModuleOp::getOperationName())
          return error(
              argument + " runs on builtin.module, not nested under '" +
              pm.getOpAnchorName() +
              "' (e.g. --pass-pipeline='builtin.module(" + argument + ")')");
        Options options;
        if (failed(options.parseFromString(text)) ||
            failed(options.verify(argument, error)))
          return failure();
        build(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optHandler) {
        optHandler(Options());
      });
}

void sparse::registerSparsePipelines() {
#define SPARSE_PIPELINE(NAME, OPTIONS, BUILD, DESCRIPTION)                     \
  registerPipeline<OPTIONS>(NAME, DESCRIPTION, BUILD);
#include "SliceGrad/Pipelines/Pipelines.def"
}
