//===- Pipelines.cpp - Registered sparse pipelines ------------------------===//

#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MPI/IR/MPI.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Shard/Transforms/Passes.h"
#include "mlir/IR/AttrTypeSubElements.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace {
/// Stops the pipeline where sharding-propagation could not shard a
/// sparse.slice_grad (an unsupported sharding of an operand): the pass
/// reports it but succeeds, and MLIR 22's shard-partition then crashes on
/// the op without annotations.
struct CheckSliceGradShardedPass
    : public PassWrapper<CheckSliceGradShardedPass,
                         OperationPass<func::FuncOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(CheckSliceGradShardedPass)
  StringRef getArgument() const override {
    return "sparse-check-slice-grad-sharded";
  }
  StringRef getDescription() const override {
    return "Fail where sharding-propagation left a sparse.slice_grad without "
           "a sharding";
  }
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.getOps<shard::ShardOp>().empty() &&
        !func.walk([](shard::ShardOp) { return WalkResult::interrupt(); })
             .wasInterrupted())
      return;
    func.walk([&](sparse::SliceGradOp op) {
      if (op.hasBufferSemantics() ||
          llvm::any_of(op->getUsers(), llvm::IsaPred<shard::ShardOp>))
        return;
      op.emitOpError("has no sharding: sharding-propagation could not shard "
                     "it (an operand's sharding is not supported, see the "
                     "diagnostic before)");
      signalPassFailure();
    });
  }
};

/// Device memory (`#gpu.address_space<global>`) as the NVPTX address space
/// 1 everywhere, host code included: MLIR 22 maps the GPU memory spaces
/// only inside kernels (convert-gpu-to-nvvm), and the host lowering of a
/// function with device-resident memref arguments fails without this.
struct LowerDeviceMemorySpacePass
    : public PassWrapper<LowerDeviceMemorySpacePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(LowerDeviceMemorySpacePass)
  StringRef getArgument() const override {
    return "sparse-lower-device-memory-space";
  }

  void runOnOperation() override {
    auto global = IntegerAttr::get(IntegerType::get(&getContext(), 64), 1);
    AttrTypeReplacer replacer;
    replacer.addReplacement(
        [&](gpu::AddressSpaceAttr space) -> std::optional<Attribute> {
          if (space.getValue() != gpu::AddressSpace::Global)
            return std::nullopt;
          return global;
        });
    replacer.recursivelyReplaceElementsIn(getOperation(),
                                          /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
  }
};

/// What MLIR 22's convert-shard-to-mpi leaves that MPI or the LLVM
/// lowering cannot take: an mpi.allreduce whose send and receive buffers
/// are one buffer (MPI forbids aliased buffers; the reduced values are
/// wrong) gets a separate receive buffer, copied back; a communicator split
/// with one color for all processes (a group of the whole grid) is the
/// communicator it splits (the split made a new communicator on every call
/// and never freed it: MPICH runs out after a few thousand calls); the
/// shard.grid declarations (no LLVM form) are erased once nothing refers to
/// them.
struct FinishShardToMPIPass
    : public PassWrapper<FinishShardToMPIPass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(FinishShardToMPIPass)
  StringRef getArgument() const override {
    return "sparse-finish-shard-to-mpi";
  }
  StringRef getDescription() const override {
    return "Unalias mpi.allreduce buffers; erase unused shard.grid ops";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<DLTIDialect, memref::MemRefDialect>();
  }
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // MLIR 22's MPI lowering takes MPICH where the module names no MPI
    // implementation, after an error diagnostic; name it.
    if (!module->hasAttr("dlti.map") &&
        module.walk([](mpi::AllReduceOp) { return WalkResult::interrupt(); })
            .wasInterrupted()) {
      MLIRContext *ctx = module.getContext();
      DataLayoutEntryInterface entry =
          DataLayoutEntryAttr::get(StringAttr::get(ctx, "MPI:Implementation"),
                                   StringAttr::get(ctx, "MPICH"));
      module->setAttr("dlti.map", MapAttr::get(ctx, {entry}));
    }
    module.walk([](mpi::CommSplitOp op) {
      // The key orders the group by the process's index on the grid axes,
      // which is its rank in the communicator when as many processes run
      // as the grid has (the partition checks that).
      if (matchPattern(op.getColor(), m_Constant())) {
        op.getNewcomm().replaceAllUsesWith(op.getComm());
        op.erase();
      }
    });
    module.walk([](mpi::AllReduceOp op) {
      if (op.getSendbuf() != op.getRecvbuf())
        return;
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto type = cast<MemRefType>(op.getRecvbuf().getType());
      Value received = memref::AllocOp::create(
          b, loc, MemRefType::get(type.getShape(), type.getElementType()));
      op.getRecvbufMutable().assign(received);
      b.setInsertionPointAfter(op);
      // Buffer deallocation frees `received`.
      memref::CopyOp::create(b, loc, received, op.getSendbuf());
    });
    for (auto grid : llvm::make_early_inc_range(module.getOps<shard::GridOp>()))
      if (SymbolTable::symbolKnownUseEmpty(grid, module))
        grid.erase();
  }
};
} // namespace

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

/// sparse-lower-to-llvm; `mpi`: the module has mpi ops (convert-to-llvm
/// lowers them through their dialect interface).
static void addLowerToLLVM(OpPassManager &pm,
                           const sparse::SparseLowerToLLVMOptions &options,
                           bool mpi) {
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
    gpuOptions.fallback = options.gpuFallback;
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
  if (mpi)
    pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

void sparse::buildSparseLowerToLLVMPipeline(
    OpPassManager &pm, const SparseLowerToLLVMOptions &options) {
  addLowerToLLVM(pm, options, /*mpi=*/false);
}

void sparse::buildSparseShardToLLVMPipeline(
    OpPassManager &pm, const SparseShardToLLVMOptions &options) {
  // The annotated function to one process's program with shard
  // collectives (sparse.slice_grad partitions through its
  // ShardingInterface), then the collectives to MPI calls.
  pm.addNestedPass<func::FuncOp>(shard::createShardingPropagation());
  pm.addNestedPass<func::FuncOp>(std::make_unique<CheckSliceGradShardedPass>());
  pm.addNestedPass<func::FuncOp>(shard::createPartition());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createConvertShardToMPIPass());
  pm.addPass(std::make_unique<FinishShardToMPIPass>());
  sparse::SparseLowerToLLVMOptions lower;
  lower.strategy = options.strategy;
  lower.vectorWidth = options.vectorWidth;
  lower.chunkRows = options.chunkRows;
  lower.openmp = options.openmp;
  lower.numThreads = options.numThreads;
  addLowerToLLVM(pm, lower, /*mpi=*/true);
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
  gpuOptions.deviceResident = options.deviceResident;
  pm.addPass(sparse::createConvertSparseToGPUPass(gpuOptions));

  // Each kernel loop to a launch: blocks of block-size threads (a guard,
  // not min/max bounds, keeps the thread loop's bound constant).
  pm.addNestedPass<func::FuncOp>(createParallelLoopTilingPass(
      {options.blockSize}, /*noMinMaxBounds=*/true));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(std::make_unique<LowerDeviceMemorySpacePass>());
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

/// Registers a pipeline whose options have `num-threads`, refusing more
/// than kMaxNumThreads with a message (libomp aborts when it cannot start
/// the threads asked for). By hand, not PassPipelineRegistration, to refuse
/// options with a message.
template <typename Options>
static void registerWithThreadCheck(StringRef name, StringRef description,
                                    void (*build)(OpPassManager &,
                                                  const Options &)) {
  std::string argument = name.str();
  registerPassPipeline(
      name, description,
      [argument, build](OpPassManager &pm, StringRef text,
                        function_ref<LogicalResult(const Twine &)> error) {
        Options options;
        if (failed(options.parseFromString(text)))
          return failure();
        if (options.numThreads > sparse::kMaxNumThreads)
          return error(argument + ": num-threads must be at most " +
                       Twine(sparse::kMaxNumThreads) + ", got " +
                       Twine(options.numThreads));
        build(pm, options);
        return success();
      },
      [](function_ref<void(const mlir::detail::PassOptions &)> optHandler) {
        optHandler(Options());
      });
}

void sparse::registerSparsePipelines() {
  registerWithThreadCheck<SparseLowerToLLVMOptions>(
      kSparseLowerToLLVMPipelineName,
      "Lower tensor-level sparse dialect code (with func, arith, tensor, "
      "linalg, scf, complex and vector) to the LLVM dialect, ready for the "
      "JIT; sparse.slice_grad lowers with the parallel strategy on OpenMP "
      "threads by default",
      buildSparseLowerToLLVMPipeline);
  registerWithThreadCheck<SparseShardToLLVMOptions>(
      kSparseShardToLLVMPipelineName,
      "Partition a function annotated with shard shardings into one MPI "
      "process's program (sharding-propagation, shard-partition: "
      "sparse.slice_grad split by rows of input_indices), lower its "
      "collectives to MPI (convert-shard-to-mpi) and the rest as "
      "sparse-lower-to-llvm does; run it with mpirun",
      buildSparseShardToLLVMPipeline);
  PassPipelineRegistration<SparseToNVVMOptions>(
      kSparseToNVVMPipelineName,
      "Lower tensor-level sparse dialect code to the LLVM dialect with "
      "sparse.slice_grad as an NVIDIA GPU kernel (gpu.binary for `chip`); "
      "sparse-opt --run executes it where a CUDA device is present",
      buildSparseToNVVMPipeline);
}
