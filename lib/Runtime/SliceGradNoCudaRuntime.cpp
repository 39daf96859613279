//===- SliceGradNoCudaRuntime.cpp - mgpu* stand-ins without CUDA ----------===//
//
// Where sparse-opt has no CUDA runtime wrappers (cuda.h was not found at
// build time, or SLICE_GRAD_NO_CUDA_RUNTIME is set), it loads this library
// instead: GPU code then resolves, and stops at its first GPU call with a
// clear message and exit status 1 instead of a JIT link error.
//
//===----------------------------------------------------------------------===//

#include <cstdio>
#include <cstdlib>

namespace {
[[noreturn]] void noCudaRuntime() {
  std::fflush(stdout);
  std::fprintf(stderr,
               "sparse-opt: no CUDA device is available: no CUDA runtime "
               "wrappers (libSliceGradCudaRuntime.so is not built or "
               "SLICE_GRAD_NO_CUDA_RUNTIME is set)\n");
  std::exit(1);
}
} // namespace

// The functions gpu-to-llvm emits calls to; their arguments do not matter.
extern "C" {
#define SG_STAND_IN(name)                                                      \
  void name() { noCudaRuntime(); }
SG_STAND_IN(mgpuModuleLoad)
SG_STAND_IN(mgpuModuleLoadJIT)
SG_STAND_IN(mgpuModuleUnload)
SG_STAND_IN(mgpuModuleGetFunction)
SG_STAND_IN(mgpuLaunchKernel)
SG_STAND_IN(mgpuStreamCreate)
SG_STAND_IN(mgpuStreamDestroy)
SG_STAND_IN(mgpuStreamSynchronize)
SG_STAND_IN(mgpuStreamWaitEvent)
SG_STAND_IN(mgpuEventCreate)
SG_STAND_IN(mgpuEventDestroy)
SG_STAND_IN(mgpuEventSynchronize)
SG_STAND_IN(mgpuEventRecord)
SG_STAND_IN(mgpuMemAlloc)
SG_STAND_IN(mgpuMemFree)
SG_STAND_IN(mgpuMemcpy)
SG_STAND_IN(mgpuMemset32)
SG_STAND_IN(mgpuMemset16)
SG_STAND_IN(mgpuSetDefaultDevice)
#undef SG_STAND_IN
}
