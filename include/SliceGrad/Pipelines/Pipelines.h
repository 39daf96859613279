//===- Pipelines.h - Registered sparse pipelines ----------------*- C++ -*-===//
//
// The project's pipelines (Pipelines.def lists them) and their options:
// one options struct per family, as upstream's SparsifierOptions, whose
// projection methods build each pass's options by field name. The CPU
// family (sparse-lower-to-llvm, and each process of sparse-shard-to-llvm)
// shares SparseCPUPipelineOptions; sparse-to-nvvm has its own.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_PIPELINES_PIPELINES_H
#define SLICEGRAD_PIPELINES_PIPELINES_H

#include "SliceGrad/Conversion/Passes.h"

#include "mlir/Conversion/SCFToOpenMP/SCFToOpenMP.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;
struct GpuModuleToBinaryPassOptions;
struct GpuNVVMAttachTargetOptions;

namespace sparse {

/// The registered names of the pipelines, from Pipelines.def.
inline constexpr llvm::StringLiteral kSparsePipelineNames[] = {
#define SPARSE_PIPELINE(NAME, OPTIONS, BUILD, DESCRIPTION) NAME,
#include "SliceGrad/Pipelines/Pipelines.def"
};

/// The most threads `num-threads` may ask for (libomp aborts when it cannot
/// start the threads asked for).
constexpr unsigned kMaxNumThreads = 4096;

/// Reports an option value a pipeline cannot take (a registered pipeline's
/// error callback).
using PipelineOptionError = function_ref<LogicalResult(const Twine &)>;

/// The options of the CPU pipelines: how the op lowers
/// (convert-sparse-to-loops), whether buffers are freed, and the threads
/// that run the parallel loops.
template <typename Derived>
struct SparseCPUPipelineOptions : public PassPipelineOptions<Derived> {
  template <typename T, typename... Mods>
  using Option = mlir::detail::PassOptions::Option<T, Mods...>;

  Option<SliceGradStrategy> strategy{
      *this, "strategy", llvm::cl::desc("convert-sparse-to-loops strategy"),
      llvm::cl::init(SliceGradStrategy::Parallel), sliceGradStrategyValues()};
  Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("convert-sparse-to-loops vector-width: rows per vector "
                     "step (0 or 1: scalar code only; at most 64)"),
      llvm::cl::init(8)};
  Option<int64_t> chunkRows{
      *this, "chunk-rows",
      llvm::cl::desc("convert-sparse-to-loops chunk-rows: input rows per "
                     "block of the parallel strategy"),
      llvm::cl::init(8192)};
  Option<bool> outlineKernels{
      *this, "outline-kernels",
      llvm::cl::desc("convert-sparse-to-loops outline: each op is a call "
                     "of private functions shared by the module's ops (one "
                     "kernel per value type and R)"),
      llvm::cl::init(true)};
  Option<bool> deallocate{
      *this, "deallocate",
      llvm::cl::desc("Insert deallocations for the buffers bufferization "
                     "allocates (buffer-deallocation-pipeline)"),
      llvm::cl::init(true)};
  Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Run scf.parallel loops on OpenMP threads "
                     "(convert-scf-to-openmp); otherwise they run in order"),
      llvm::cl::init(true)};
  Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("OpenMP threads of the parallel loops, per process (0: "
                     "OMP_NUM_THREADS at run time, else all cores; at most "
                     "4096)"),
      llvm::cl::init(0)};

  /// convert-sparse-to-loops' options.
  ConvertSparseToLoopsPassOptions sparseToLoopsOptions() const {
    ConvertSparseToLoopsPassOptions options;
    options.strategy = strategy;
    options.vectorWidth = vectorWidth;
    options.chunkRows = chunkRows;
    options.outline = outlineKernels;
    return options;
  }

  /// convert-scf-to-openmp's options.
  ConvertSCFToOpenMPPassOptions scfToOpenMPOptions() const {
    ConvertSCFToOpenMPPassOptions options;
    options.numThreads = numThreads;
    return options;
  }

  /// Refuses what the passes cannot take, with a message naming the option.
  LogicalResult verify(StringRef pipeline, PipelineOptionError error) const {
    if (vectorWidth > kMaxVectorWidth)
      return error(pipeline + ": vector-width must be at most " +
                   Twine(kMaxVectorWidth) + ", got " + Twine(vectorWidth));
    if (chunkRows < 1)
      return error(pipeline + ": chunk-rows must be at least 1, got " +
                   Twine(chunkRows));
    if (numThreads > kMaxNumThreads)
      return error(pipeline + ": num-threads must be at most " +
                   Twine(kMaxNumThreads) + ", got " + Twine(numThreads));
    return success();
  }
};

/// Options of the `sparse-lower-to-llvm` pipeline: the CPU family's, and
/// the GPU kernels on CPU threads for testing.
struct SparseLowerToLLVMOptions
    : public SparseCPUPipelineOptions<SparseLowerToLLVMOptions> {
  Option<bool> gpuAlgorithm{
      *this, "gpu-algorithm",
      llvm::cl::desc("Lower sparse.slice_grad with convert-sparse-to-gpu on "
                     "host buffers (device-memory=false) instead of "
                     "convert-sparse-to-loops: the GPU kernels on CPU "
                     "threads, for testing"),
      llvm::cl::init(false)};
  Option<bool> gpuFallback{
      *this, "gpu-fallback",
      llvm::cl::desc("With gpu-algorithm: convert-sparse-to-gpu fallback "
                     "(false, for tests of the kernels: a failed "
                     "verification is an error)"),
      llvm::cl::init(true)};
  Option<bool> fuseSliceGrad{
      *this, "fuse-slice-grad",
      llvm::cl::desc("Compute each sparse.slice_grad of a sparse.slice's "
                     "output indices from the slice's kept positions "
                     "(sparse-fuse-slice-grad); false keeps TensorFlow's "
                     "loop"),
      llvm::cl::init(true)};

  /// convert-sparse-to-gpu's options (gpu-algorithm): the kernels on host
  /// buffers.
  ConvertSparseToGPUPassOptions sparseToGPUOptions() const {
    ConvertSparseToGPUPassOptions options;
    options.chunkRows = chunkRows;
    options.deviceMemory = false;
    options.fallback = gpuFallback;
    return options;
  }
};

/// Options of the `sparse-shard-to-llvm` pipeline: the CPU family's, for
/// each process. The grid is the module's shard.grid; the MPI
/// implementation its `dlti.map` entry "MPI:Implementation" (MPICH where
/// none).
struct SparseShardToLLVMOptions
    : public SparseCPUPipelineOptions<SparseShardToLLVMOptions> {};

/// Options of the `sparse-to-nvvm` pipeline.
struct SparseToNVVMOptions : public PassPipelineOptions<SparseToNVVMOptions> {
  PassOptions::Option<std::string> chip{
      *this, "chip", llvm::cl::desc("The NVIDIA GPU to compile for"),
      llvm::cl::init("sm_90")};
  PassOptions::Option<std::string> features{
      *this, "features", llvm::cl::desc("PTX features (sm_90 needs PTX 8.0)"),
      llvm::cl::init("+ptx80")};
  PassOptions::Option<std::string> format{
      *this, "format",
      llvm::cl::desc("gpu-module-to-binary format: isa (PTX, compiled by the "
                     "driver at load; needs no CUDA toolkit), bin (cubin) or "
                     "fatbin (both need ptxas)"),
      llvm::cl::init("isa")};
  PassOptions::Option<unsigned> optLevel{
      *this, "opt-level", llvm::cl::desc("NVPTX optimization level (0..3)"),
      llvm::cl::init(3)};
  PassOptions::Option<int64_t> chunkRows{
      *this, "chunk-rows",
      llvm::cl::desc("convert-sparse-to-gpu chunk-rows (input rows per GPU "
                     "thread)"),
      llvm::cl::init(64)};
  PassOptions::Option<bool> deviceResident{
      *this, "device-resident",
      llvm::cl::desc("convert-sparse-to-gpu device-resident: the functions' "
                     "memref operands of sparse.slice_grad are device memory "
                     "(a host compiler's device buffers): nothing is copied"),
      llvm::cl::init(false)};
  PassOptions::Option<int64_t> blockSize{
      *this, "block-size", llvm::cl::desc("GPU threads per block (1..1024)"),
      llvm::cl::init(256)};
  PassOptions::Option<bool> deallocate{
      *this, "deallocate",
      llvm::cl::desc("Insert deallocations for the buffers bufferization "
                     "allocates (buffer-deallocation-pipeline)"),
      llvm::cl::init(true)};

  /// convert-sparse-to-gpu's options: the kernels on the device.
  ConvertSparseToGPUPassOptions sparseToGPUOptions() const {
    ConvertSparseToGPUPassOptions options;
    options.chunkRows = chunkRows;
    options.deviceResident = deviceResident;
    return options;
  }
  /// nvvm-attach-target's options (defined in Pipelines.cpp).
  GpuNVVMAttachTargetOptions nvvmAttachTargetOptions() const;
  /// gpu-module-to-binary's options (defined in Pipelines.cpp).
  GpuModuleToBinaryPassOptions moduleToBinaryOptions() const;

  /// Refuses a format gpu-module-to-binary does not know and an empty chip
  /// (upstream's target verification crashes on it).
  LogicalResult verify(StringRef pipeline, PipelineOptionError error) const;
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

/// A sharded tensor-level module to one MPI process's program in the LLVM
/// dialect (sparse-shard-to-llvm): sharding propagation and partition,
/// shard collectives to MPI, then each process's program as
/// sparse-lower-to-llvm lowers it.
void buildSparseShardToLLVMPipeline(OpPassManager &pm,
                                    const SparseShardToLLVMOptions &options);

/// Takes the same input as sparse-lower-to-llvm to the LLVM dialect with the
/// op on an NVIDIA GPU: bufferization and deallocation, then
/// convert-sparse-to-gpu, the kernel's scf.parallel tiled into blocks and
/// mapped to gpu.launch, outlined, made async, the kernel to NVVM and
/// `gpu.binary` (gpu-module-to-binary), the host to LLVM with gpu-to-llvm.
/// The JIT needs the mgpu* runtime wrappers (libSliceGradCudaRuntime.so,
/// which sparse-opt --run loads where CUDA was found at build time).
void buildSparseToNVVMPipeline(OpPassManager &pm,
                               const SparseToNVVMOptions &options);

/// Registers every pipeline of Pipelines.def.
void registerSparsePipelines();

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_PIPELINES_PIPELINES_H
