//===- Pipelines.h - Registered sparse pipelines ----------------*- C++ -*-===//

#ifndef SLICEGRAD_PIPELINES_PIPELINES_H
#define SLICEGRAD_PIPELINES_PIPELINES_H

#include "SliceGrad/Conversion/Passes.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
class OpPassManager;

namespace sparse {

/// The registered names of the pipelines below.
inline constexpr llvm::StringLiteral kSparseLowerToLLVMPipelineName =
    "sparse-lower-to-llvm";
inline constexpr llvm::StringLiteral kSparseToNVVMPipelineName =
    "sparse-to-nvvm";
inline constexpr llvm::StringLiteral kSparseShardToLLVMPipelineName =
    "sparse-shard-to-llvm";
inline constexpr llvm::StringLiteral kSparsePipelineNames[] = {
    kSparseLowerToLLVMPipelineName, kSparseShardToLLVMPipelineName,
    kSparseToNVVMPipelineName};

/// Options of the `sparse-lower-to-llvm` pipeline.
struct SparseLowerToLLVMOptions
    : public PassPipelineOptions<SparseLowerToLLVMOptions> {
  PassOptions::Option<bool> deallocate{
      *this, "deallocate",
      llvm::cl::desc("Insert deallocations for the buffers bufferization "
                     "allocates (buffer-deallocation-pipeline)"),
      llvm::cl::init(true)};
  PassOptions::Option<SliceGradStrategy> strategy{
      *this, "strategy", llvm::cl::desc("convert-sparse-to-loops strategy"),
      llvm::cl::init(SliceGradStrategy::Parallel),
      llvm::cl::values(
          clEnumValN(SliceGradStrategy::Sequential, "sequential",
                     "TensorFlow's loop, one thread"),
          clEnumValN(SliceGradStrategy::Parallel, "parallel",
                     "Blocks on threads: order-free flags, look-back and "
                     "verify, else the greedy loop from the first "
                     "differing row"))};
  PassOptions::Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("convert-sparse-to-loops vector-width"),
      llvm::cl::init(8)};
  PassOptions::Option<int64_t> chunkRows{
      *this, "chunk-rows", llvm::cl::desc("convert-sparse-to-loops chunk-rows"),
      llvm::cl::init(8192)};
  PassOptions::Option<bool> gpuAlgorithm{
      *this, "gpu-algorithm",
      llvm::cl::desc("Lower sparse.slice_grad with convert-sparse-to-gpu on "
                     "host buffers (device-memory=false) instead of "
                     "convert-sparse-to-loops: the GPU kernels on CPU "
                     "threads, for testing"),
      llvm::cl::init(false)};
  PassOptions::Option<bool> gpuFallback{
      *this, "gpu-fallback",
      llvm::cl::desc("With gpu-algorithm: convert-sparse-to-gpu fallback "
                     "(false, for tests of the kernels: a failed "
                     "verification is an error)"),
      llvm::cl::init(true)};
  PassOptions::Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Run scf.parallel loops on OpenMP threads "
                     "(convert-scf-to-openmp); otherwise they run in order"),
      llvm::cl::init(true)};
  PassOptions::Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("OpenMP threads of the parallel loops (0: OMP_NUM_THREADS "
                     "at run time, else all cores; at most 4096)"),
      llvm::cl::init(0)};
};

/// Options of the `sparse-shard-to-llvm` pipeline: those of the local
/// lowering (sparse-lower-to-llvm's). The grid is the module's shard.grid;
/// the MPI implementation its `dlti.map` entry "MPI:Implementation"
/// (MPICH where none).
struct SparseShardToLLVMOptions
    : public PassPipelineOptions<SparseShardToLLVMOptions> {
  PassOptions::Option<SliceGradStrategy> strategy{
      *this, "strategy",
      llvm::cl::desc("convert-sparse-to-loops strategy of each process"),
      llvm::cl::init(SliceGradStrategy::Parallel),
      llvm::cl::values(
          clEnumValN(SliceGradStrategy::Sequential, "sequential",
                     "TensorFlow's loop, one thread"),
          clEnumValN(SliceGradStrategy::Parallel, "parallel",
                     "Blocks on threads: order-free flags, look-back and "
                     "verify"))};
  PassOptions::Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("convert-sparse-to-loops vector-width"),
      llvm::cl::init(8)};
  PassOptions::Option<int64_t> chunkRows{
      *this, "chunk-rows", llvm::cl::desc("convert-sparse-to-loops chunk-rows"),
      llvm::cl::init(8192)};
  PassOptions::Option<bool> openmp{
      *this, "openmp",
      llvm::cl::desc("Each process runs its parallel loops on OpenMP threads"),
      llvm::cl::init(true)};
  PassOptions::Option<unsigned> numThreads{
      *this, "num-threads",
      llvm::cl::desc("OpenMP threads per process (0: OMP_NUM_THREADS at run "
                     "time, else all cores)"),
      llvm::cl::init(0)};
};

/// The most threads `num-threads` may ask for.
constexpr unsigned kMaxNumThreads = 4096;

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
      *this, "opt-level", llvm::cl::desc("NVPTX optimization level"),
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
      *this, "block-size", llvm::cl::desc("GPU threads per block"),
      llvm::cl::init(256)};
  PassOptions::Option<bool> deallocate{
      *this, "deallocate",
      llvm::cl::desc("Insert deallocations for the buffers bufferization "
                     "allocates (buffer-deallocation-pipeline)"),
      llvm::cl::init(true)};
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
/// dialect (sparse-shard-to-llvm).
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

/// Registers `sparse-lower-to-llvm` and `sparse-to-nvvm`.
void registerSparsePipelines();

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_PIPELINES_PIPELINES_H
