//===- SliceGradKernels.cpp - The kernel library's C ABI and dispatch -----===//
//
// sparseSliceGradRun: TensorFlow's rank checks (which the memref kernels'
// types cannot express), then the kernel of the value width for the CPU
// level chosen once, called through its C interface in a status scope.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Kernels/SliceGradKernels.h"
#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using mlir::sparse::SliceGradCheck;

namespace {
/// The kernels' C interface, with the values typed by their bytes (a
/// descriptor's layout does not depend on its element type).
using KernelFn = void(StridedMemRefType<char, 1> *,
                      StridedMemRefType<int64_t, 2> *,
                      StridedMemRefType<int64_t, 1> *,
                      StridedMemRefType<int64_t, 2> *,
                      StridedMemRefType<char, 1> *);
using Kernel = KernelFn *;

/// One CPU level's kernels, by value width.
struct Target {
  const char *name;
  Kernel b1, b2, b4, b8, b16;
};
} // namespace

// The kernels the build compiled (lib/Kernels/CMakeLists.txt), highest
// level first.
#define SLICE_GRAD_KERNEL_TARGET(SUFFIX, NAME)                                 \
  extern "C" KernelFn _mlir_ciface_sparse_slice_grad_b1_##SUFFIX,              \
      _mlir_ciface_sparse_slice_grad_b2_##SUFFIX,                              \
      _mlir_ciface_sparse_slice_grad_b4_##SUFFIX,                              \
      _mlir_ciface_sparse_slice_grad_b8_##SUFFIX,                              \
      _mlir_ciface_sparse_slice_grad_b16_##SUFFIX;
#include "SliceGradKernelTargets.inc"
#undef SLICE_GRAD_KERNEL_TARGET

namespace {
const Target targets[] = {
#define SLICE_GRAD_KERNEL_TARGET(SUFFIX, NAME)                                 \
  {NAME,                                                                       \
   _mlir_ciface_sparse_slice_grad_b1_##SUFFIX,                                 \
   _mlir_ciface_sparse_slice_grad_b2_##SUFFIX,                                 \
   _mlir_ciface_sparse_slice_grad_b4_##SUFFIX,                                 \
   _mlir_ciface_sparse_slice_grad_b8_##SUFFIX,                                 \
   _mlir_ciface_sparse_slice_grad_b16_##SUFFIX},
#include "SliceGradKernelTargets.inc"
#undef SLICE_GRAD_KERNEL_TARGET
};

/// Whether this CPU runs code built for `name` (the x86-64 levels' features
/// that the compiler uses for these kernels).
bool cpuRuns(const char *name) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
  bool v2 = __builtin_cpu_supports("sse4.2") &&
            __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("ssse3");
  bool v3 = v2 && __builtin_cpu_supports("avx2") &&
            __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") &&
            __builtin_cpu_supports("fma");
  bool v4 = v3 && __builtin_cpu_supports("avx512f") &&
            __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512cd") &&
            __builtin_cpu_supports("avx512dq") &&
            __builtin_cpu_supports("avx512vl");
  if (!std::strcmp(name, "x86-64-v4"))
    return v4;
  if (!std::strcmp(name, "x86-64-v3"))
    return v3;
  if (!std::strcmp(name, "x86-64-v2"))
    return v2;
#endif
  return !std::strcmp(name, "generic");
}

/// The level SLICE_GRAD_KERNEL_TARGET names if built and runnable, else the
/// highest runnable one (the build always includes one every CPU of its
/// architecture runs: x86-64-v2 or generic).
const Target &chooseTarget() {
  if (const char *wanted = std::getenv("SLICE_GRAD_KERNEL_TARGET"))
    for (const Target &t : targets)
      if (!std::strcmp(t.name, wanted) && cpuRuns(t.name))
        return t;
  for (const Target &t : targets)
    if (cpuRuns(t.name))
      return t;
  return targets[sizeof(targets) / sizeof(targets[0]) - 1];
}

const Target &target() {
  static const Target &chosen = chooseTarget();
  return chosen;
}

Kernel kernelOfWidth(int64_t valueBytes) {
  const Target &t = target();
  switch (valueBytes) {
  case 1:
    return t.b1;
  case 2:
    return t.b2;
  case 4:
    return t.b4;
  case 8:
    return t.b8;
  case 16:
    return t.b16;
  default:
    return nullptr;
  }
}

template <int N>
StridedMemRefType<int64_t, N> viewIndices(const SparseSliceGradArray &a) {
  StridedMemRefType<int64_t, N> m;
  m.basePtr = m.data = static_cast<int64_t *>(const_cast<void *>(a.data));
  m.offset = 0;
  int64_t stride = 1;
  for (int d = N - 1; d >= 0; --d) {
    m.sizes[d] = a.shape[d];
    m.strides[d] = stride;
    stride *= a.shape[d];
  }
  return m;
}

StridedMemRefType<char, 1> viewValues(const void *data, int64_t length) {
  char *p = static_cast<char *>(const_cast<void *>(data));
  return {p, p, 0, {length}, {1}};
}

StridedMemRefType<int64_t, 1> shapeOf(const SparseSliceGradArray &a) {
  int64_t *p = const_cast<int64_t *>(a.shape);
  return {p, p, 0, {a.rank}, {1}};
}

constexpr const char *kWhere = "sparseSliceGradRun";

void shapeCheckFailed(SliceGradCheck check, const SparseSliceGradArray &a,
                      const SparseSliceGradArray *b) {
  StridedMemRefType<int64_t, 1> sa = shapeOf(a), sb = {};
  if (b)
    sb = shapeOf(*b);
  _mlir_ciface_sparseSliceGradShapeCheckFailed(
      kWhere, static_cast<int32_t>(check), &sa, b ? &sb : nullptr);
}

/// TensorFlow's checks of the operands' ranks, in its order, up to the
/// first the kernel's memref types cannot express (sparse_slice_grad_op.cc:
/// matrices, vector, same ndims, rows, elements, start vector); false when
/// one failed (reported to the scope).
bool checkRanks(const SparseSliceGradArray &grad,
                const SparseSliceGradArray &in,
                const SparseSliceGradArray &start,
                const SparseSliceGradArray &out) {
  if (in.rank != 2 || out.rank != 2) {
    shapeCheckFailed(SliceGradCheck::IndicesMatrices, in, &out);
    return false;
  }
  if (grad.rank != 1) {
    shapeCheckFailed(SliceGradCheck::GradVector, grad, nullptr);
    return false;
  }
  // The kernel repeats these three; here they come before the start check,
  // as in TensorFlow.
  auto failed = [](SliceGradCheck check, int64_t a, int64_t b) {
    sparseSliceGradCheckFailed(kWhere, static_cast<int32_t>(check), a, b);
    return false;
  };
  if (in.shape[1] != out.shape[1])
    return failed(SliceGradCheck::SameNumDims, in.shape[1], out.shape[1]);
  if (out.shape[0] > in.shape[0])
    return failed(SliceGradCheck::OutputRowsNotGreater, out.shape[0],
                  in.shape[0]);
  if (grad.shape[0] != out.shape[0])
    return failed(SliceGradCheck::GradMatchesOutputRows, grad.shape[0],
                  out.shape[0]);
  if (start.rank != 1) {
    shapeCheckFailed(SliceGradCheck::StartVector, start, nullptr);
    return false;
  }
  return true;
}

/// A call the C ABI cannot take (not one of TensorFlow's checks: its
/// tensors cannot be malformed), as an INVALID_ARGUMENT of the call.
template <typename... Args>
void callFailed(SparseSliceGradStatus &status, const char *format,
                Args... args) {
  status.failed = 1;
  std::snprintf(status.messageBuffer, sizeof(status.messageBuffer), format,
                args...);
  std::snprintf(status.whereBuffer, sizeof(status.whereBuffer), "%s", kWhere);
  status.error = {status.whereBuffer, SPARSE_SLICE_GRAD_INVALID_ARGUMENT,
                  "INVALID_ARGUMENT", status.messageBuffer};
}

/// Whether `a` describes an array a kernel may read: a shape where its
/// rank says, sizes >= 0 whose product (times the element's bytes) fits in
/// int64, and data wherever there are elements.
bool wellFormed(SparseSliceGradStatus &status, const char *name,
                const SparseSliceGradArray &a, int64_t elementBytes) {
  if (a.rank < 0 || (a.rank > 0 && !a.shape)) {
    callFailed(status, "%s: rank %lld needs a shape of that length", name,
               static_cast<long long>(a.rank));
    return false;
  }
  int64_t bytes = elementBytes;
  for (int64_t d = 0; d < a.rank; ++d) {
    if (a.shape[d] < 0) {
      callFailed(status, "%s: size %lld in dimension %lld is negative", name,
                 static_cast<long long>(a.shape[d]), static_cast<long long>(d));
      return false;
    }
    if (__builtin_mul_overflow(bytes, a.shape[d], &bytes)) {
      callFailed(status, "%s: its byte count overflows int64", name);
      return false;
    }
  }
  if (bytes != 0 && !a.data) {
    callFailed(status, "%s: null data for %lld bytes", name,
               static_cast<long long>(bytes));
    return false;
  }
  return true;
}

/// The operands and the destination as the C ABI takes them.
bool wellFormedCall(SparseSliceGradStatus &status, int64_t valueBytes,
                    const SparseSliceGradArray &grad,
                    const SparseSliceGradArray &in,
                    const SparseSliceGradArray &start,
                    const SparseSliceGradArray &out, void *valGrad,
                    int64_t valGradLength) {
  if (!wellFormed(status, "backprop_val_grad", grad, valueBytes) ||
      !wellFormed(status, "input_indices", in, 8) ||
      !wellFormed(status, "input_start", start, 8) ||
      !wellFormed(status, "output_indices", out, 8))
    return false;
  int64_t length[1] = {valGradLength};
  return wellFormed(status, "val_grad", {valGrad, 1, length}, valueBytes);
}
} // namespace

extern "C" int32_t sparseSliceGradRun(int64_t valueBytes,
                                      SparseSliceGradArray backpropValGrad,
                                      SparseSliceGradArray inputIndices,
                                      SparseSliceGradArray inputStart,
                                      SparseSliceGradArray outputIndices,
                                      void *valGrad, int64_t valGradLength,
                                      SparseSliceGradStatus *status) {
  SparseSliceGradStatus local;
  SparseSliceGradStatus &s = status ? *status : local;
  SparseSliceGradStatus *previous = sparseSliceGradBeginCall(&s);
  Kernel kernel = kernelOfWidth(valueBytes);
  if (!kernel) {
    callFailed(s, "values of %lld bytes have no kernel (1, 2, 4, 8 or 16)",
               static_cast<long long>(valueBytes));
  } else if (wellFormedCall(s, valueBytes, backpropValGrad, inputIndices,
                            inputStart, outputIndices, valGrad,
                            valGradLength) &&
             checkRanks(backpropValGrad, inputIndices, inputStart,
                        outputIndices)) {
    auto g = viewValues(backpropValGrad.data, backpropValGrad.shape[0]);
    auto ii = viewIndices<2>(inputIndices);
    auto st = viewIndices<1>(inputStart);
    auto oi = viewIndices<2>(outputIndices);
    auto o = viewValues(valGrad, valGradLength);
    kernel(&g, &ii, &st, &oi, &o);
  }
  sparseSliceGradEndCall(previous);
  return s.failed ? s.error.code : 0;
}

extern "C" const char *sparseSliceGradKernelTarget(void) {
  return target().name;
}

extern "C" const char *sparseSliceGradKernelTargets(void) {
  static const std::string names = [] {
    std::string all;
    for (const Target &t : targets)
      all += (all.empty() ? "" : ",") + std::string(t.name);
    return all;
  }();
  return names.c_str();
}
