//===- SliceGradCudaRuntime.cpp - mgpu* functions over the CUDA driver ----===//
//
// The functions that MLIR's gpu-to-llvm lowering calls (module load, kernel
// launch, streams, events, device memory), implemented against the CUDA
// driver API. Debian's MLIR does not ship libmlir_cuda_runtime.so, so
// sparse-opt --run loads this library instead.
//
// The driver (libcuda.so.1) is opened on first use, not linked: the library
// loads on machines without a GPU, and GPU code then stops with a clear "no
// CUDA device" message and exit status 1. Every failing CUDA call is
// reported with its error name and also exits with status 1.
//
//===----------------------------------------------------------------------===//

#include <cuda.h>
#include <dlfcn.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>

namespace {
#define SG_STRINGIFY(x) #x
// Stringifies after macro expansion: cuda.h maps cuMemAlloc to
// cuMemAlloc_v2 and so on, and dlsym needs the versioned names.
#define SG_SYMBOL(x) SG_STRINGIFY(x)

[[noreturn]] void fail(const char *what) {
  std::fprintf(stderr, "sparse-opt: %s\n", what);
  std::fflush(stderr);
  std::exit(1);
}

/// The driver entry points used here, resolved from libcuda.so.1.
#define SG_DRIVER_ENTRIES(X)                                                   \
  X(cuInit)                                                                    \
  X(cuDeviceGetCount)                                                          \
  X(cuDeviceGet)                                                               \
  X(cuDevicePrimaryCtxRetain)                                                  \
  X(cuCtxPushCurrent)                                                          \
  X(cuCtxPopCurrent)                                                           \
  X(cuGetErrorName)                                                            \
  X(cuGetErrorString)                                                          \
  X(cuModuleLoadData)                                                          \
  X(cuModuleLoadDataEx)                                                        \
  X(cuModuleUnload)                                                            \
  X(cuModuleGetFunction)                                                       \
  X(cuLaunchKernel)                                                            \
  X(cuStreamCreate)                                                            \
  X(cuStreamDestroy)                                                           \
  X(cuStreamSynchronize)                                                       \
  X(cuStreamWaitEvent)                                                         \
  X(cuEventCreate)                                                             \
  X(cuEventDestroy)                                                            \
  X(cuEventSynchronize)                                                        \
  X(cuEventRecord)                                                             \
  X(cuMemAlloc)                                                                \
  X(cuMemAllocManaged)                                                         \
  X(cuMemFree)                                                                 \
  X(cuMemcpyAsync)                                                             \
  X(cuMemsetD32Async)                                                          \
  X(cuMemsetD16Async)

struct Driver {
#define SG_ENTRY(fn) decltype(&fn) fn##Ptr = nullptr;
  SG_DRIVER_ENTRIES(SG_ENTRY)
#undef SG_ENTRY
  CUcontext context = nullptr;
};

int defaultDevice = 0;

/// Opens the driver, initializes it and retains the default device's
/// primary context, once; stops the program where that is impossible.
Driver &driver() {
  static Driver d;
  static std::once_flag once;
  std::call_once(once, [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_GLOBAL);
    if (!lib) {
      std::fprintf(stderr,
                   "sparse-opt: no CUDA device is available: the CUDA driver "
                   "(libcuda.so.1) cannot be loaded (%s)\n",
                   dlerror());
      std::exit(1);
    }
#define SG_LOAD(fn)                                                            \
  d.fn##Ptr = reinterpret_cast<decltype(&fn)>(dlsym(lib, SG_SYMBOL(fn)));      \
  if (!d.fn##Ptr)                                                              \
    fail("the CUDA driver lacks " SG_SYMBOL(fn));
    SG_DRIVER_ENTRIES(SG_LOAD)
#undef SG_LOAD
    CUresult init = d.cuInitPtr(0);
    int count = 0;
    if (init == CUDA_SUCCESS)
      init = d.cuDeviceGetCountPtr(&count);
    if (init != CUDA_SUCCESS || count == 0) {
      const char *name = "no devices";
      if (init != CUDA_SUCCESS && d.cuGetErrorNamePtr(init, &name))
        name = "unknown error";
      std::fprintf(stderr,
                   "sparse-opt: no CUDA device is available (cuInit / "
                   "cuDeviceGetCount: %s)\n",
                   name);
      std::exit(1);
    }
    if (defaultDevice >= count) {
      std::fprintf(stderr,
                   "sparse-opt: CUDA device %d requested, %d available\n",
                   defaultDevice, count);
      std::exit(1);
    }
    CUdevice device;
    CUresult r = d.cuDeviceGetPtr(&device, defaultDevice);
    if (r == CUDA_SUCCESS)
      r = d.cuDevicePrimaryCtxRetainPtr(&d.context, device);
    if (r != CUDA_SUCCESS)
      fail("cannot create a CUDA context on the default device");
  });
  return d;
}

/// Stops the program with the call and CUDA's name for a failed result.
void check(CUresult result, const char *call) {
  if (result == CUDA_SUCCESS)
    return;
  const char *name = "unknown CUDA error", *text = "";
  driver().cuGetErrorNamePtr(result, &name);
  driver().cuGetErrorStringPtr(result, &text);
  std::fprintf(stderr, "sparse-opt: CUDA error in %s: %s (%s)\n", call, name,
               text ? text : "");
  std::fflush(stderr);
  std::exit(1);
}

#define SG_CHECK(call) check(call, #call)

/// Makes the primary context current for the duration of a call.
struct ContextScope {
  ContextScope() { SG_CHECK(driver().cuCtxPushCurrentPtr(driver().context)); }
  ~ContextScope() {
    CUcontext previous;
    SG_CHECK(driver().cuCtxPopCurrentPtr(&previous));
  }
};
} // namespace

extern "C" {
void *mgpuModuleLoad(void *data, size_t /*size*/) {
  ContextScope scope;
  CUmodule module = nullptr;
  SG_CHECK(driver().cuModuleLoadDataPtr(&module, data));
  return module;
}

void *mgpuModuleLoadJIT(void *ptx, int optLevel) {
  ContextScope scope;
  CUmodule module = nullptr;
  CUjit_option options[] = {CU_JIT_OPTIMIZATION_LEVEL};
  void *values[] = {reinterpret_cast<void *>(static_cast<intptr_t>(optLevel))};
  SG_CHECK(driver().cuModuleLoadDataExPtr(&module, ptx, 1, options, values));
  return module;
}

void mgpuModuleUnload(void *module) {
  // Global destructors unload the modules at exit, possibly after the driver
  // has shut down (CUDA_ERROR_DEINITIALIZED), which released them already.
  CUresult pushed = driver().cuCtxPushCurrentPtr(driver().context);
  if (pushed == CUDA_ERROR_DEINITIALIZED)
    return;
  SG_CHECK(pushed);
  CUresult unloaded = driver().cuModuleUnloadPtr(static_cast<CUmodule>(module));
  CUcontext previous;
  driver().cuCtxPopCurrentPtr(&previous);
  if (unloaded != CUDA_ERROR_DEINITIALIZED)
    SG_CHECK(unloaded);
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  ContextScope scope;
  CUfunction function = nullptr;
  SG_CHECK(driver().cuModuleGetFunctionPtr(
      &function, static_cast<CUmodule>(module), name));
  return function;
}

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedMemBytes, void *stream,
                      void **params, void **extra, size_t /*paramsCount*/) {
  ContextScope scope;
  SG_CHECK(driver().cuLaunchKernelPtr(
      static_cast<CUfunction>(function), gridX, gridY, gridZ, blockX, blockY,
      blockZ, sharedMemBytes, static_cast<CUstream>(stream), params, extra));
}

void *mgpuStreamCreate() {
  ContextScope scope;
  CUstream stream = nullptr;
  SG_CHECK(driver().cuStreamCreatePtr(&stream, CU_STREAM_NON_BLOCKING));
  return stream;
}

void mgpuStreamDestroy(void *stream) {
  ContextScope scope;
  SG_CHECK(driver().cuStreamDestroyPtr(static_cast<CUstream>(stream)));
}

void mgpuStreamSynchronize(void *stream) {
  ContextScope scope;
  SG_CHECK(driver().cuStreamSynchronizePtr(static_cast<CUstream>(stream)));
}

void mgpuStreamWaitEvent(void *stream, void *event) {
  ContextScope scope;
  SG_CHECK(driver().cuStreamWaitEventPtr(static_cast<CUstream>(stream),
                                         static_cast<CUevent>(event), 0));
}

void *mgpuEventCreate() {
  ContextScope scope;
  CUevent event = nullptr;
  SG_CHECK(driver().cuEventCreatePtr(&event, CU_EVENT_DISABLE_TIMING));
  return event;
}

void mgpuEventDestroy(void *event) {
  ContextScope scope;
  SG_CHECK(driver().cuEventDestroyPtr(static_cast<CUevent>(event)));
}

void mgpuEventSynchronize(void *event) {
  ContextScope scope;
  SG_CHECK(driver().cuEventSynchronizePtr(static_cast<CUevent>(event)));
}

void mgpuEventRecord(void *event, void *stream) {
  ContextScope scope;
  SG_CHECK(driver().cuEventRecordPtr(static_cast<CUevent>(event),
                                     static_cast<CUstream>(stream)));
}

void *mgpuMemAlloc(uint64_t sizeBytes, void * /*stream*/, bool isHostShared) {
  ContextScope scope;
  CUdeviceptr ptr = 0;
  if (sizeBytes == 0)
    return nullptr;
  if (isHostShared)
    SG_CHECK(
        driver().cuMemAllocManagedPtr(&ptr, sizeBytes, CU_MEM_ATTACH_GLOBAL));
  else
    SG_CHECK(driver().cuMemAllocPtr(&ptr, sizeBytes));
  return reinterpret_cast<void *>(ptr);
}

void mgpuMemFree(void *ptr, void * /*stream*/) {
  if (!ptr)
    return;
  ContextScope scope;
  SG_CHECK(driver().cuMemFreePtr(reinterpret_cast<CUdeviceptr>(ptr)));
}

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream) {
  if (sizeBytes == 0)
    return;
  ContextScope scope;
  SG_CHECK(driver().cuMemcpyAsyncPtr(reinterpret_cast<CUdeviceptr>(dst),
                                     reinterpret_cast<CUdeviceptr>(src),
                                     sizeBytes, static_cast<CUstream>(stream)));
}

void mgpuMemset32(void *dst, unsigned value, size_t count, void *stream) {
  ContextScope scope;
  SG_CHECK(driver().cuMemsetD32AsyncPtr(reinterpret_cast<CUdeviceptr>(dst),
                                        value, count,
                                        static_cast<CUstream>(stream)));
}

void mgpuMemset16(void *dst, unsigned short value, size_t count, void *stream) {
  ContextScope scope;
  SG_CHECK(driver().cuMemsetD16AsyncPtr(reinterpret_cast<CUdeviceptr>(dst),
                                        value, count,
                                        static_cast<CUstream>(stream)));
}

void mgpuSetDefaultDevice(int32_t device) { defaultDevice = device; }
} // extern "C"

// Each function of the shared list is defined above (a name missing here
// does not compile).
#define SG_MGPU(name) static_assert(sizeof(&name) > 0);
#include "MgpuFunctions.def"
