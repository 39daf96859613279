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
#define SG_MGPU(name)                                                          \
  void name() { noCudaRuntime(); }
#include "MgpuFunctions.def"
}
