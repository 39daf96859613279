//===- SliceGradKernels.cpp - The kernel library's C ABI and dispatch -----===//
//
// sparseSliceGradRun and sparseSliceRun: TensorFlow's rank checks (which
// the memref kernels' types cannot express), then the kernel of the value
// width for the CPU level chosen once, called through its C interface in a
// status scope.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Kernels/SliceGradKernels.h"
#include "SliceGrad/Runtime/SliceGradRuntime.h"

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
/// The slice's: indices, values, shape, start, size; then the caller's
/// buffers for output indices (flat), values, shape and positions. Returns
/// the number of kept rows.
using SliceKernelFn =
    int64_t(StridedMemRefType<int64_t, 2> *, StridedMemRefType<char, 1> *,
            StridedMemRefType<int64_t, 1> *, StridedMemRefType<int64_t, 1> *,
            StridedMemRefType<int64_t, 1> *, StridedMemRefType<int64_t, 1> *,
            StridedMemRefType<char, 1> *, StridedMemRefType<int64_t, 1> *,
            StridedMemRefType<int64_t, 1> *);
using SliceKernel = SliceKernelFn *;

/// One CPU level's kernels, by value width.
struct Target {
  const char *name;
  Kernel b1, b2, b4, b8, b16;
  SliceKernel s1, s2, s4, s8, s16;
};
} // namespace

// The kernels the build compiled (lib/Kernels/CMakeLists.txt), highest
// level first.
#define SLICE_GRAD_KERNEL_TARGET(SUFFIX, NAME)                                 \
  extern "C" KernelFn _mlir_ciface_sparse_slice_grad_b1_##SUFFIX,              \
      _mlir_ciface_sparse_slice_grad_b2_##SUFFIX,                              \
      _mlir_ciface_sparse_slice_grad_b4_##SUFFIX,                              \
      _mlir_ciface_sparse_slice_grad_b8_##SUFFIX,                              \
      _mlir_ciface_sparse_slice_grad_b16_##SUFFIX;                             \
  extern "C" SliceKernelFn _mlir_ciface_sparse_slice_b1_##SUFFIX,              \
      _mlir_ciface_sparse_slice_b2_##SUFFIX,                                   \
      _mlir_ciface_sparse_slice_b4_##SUFFIX,                                   \
      _mlir_ciface_sparse_slice_b8_##SUFFIX,                                   \
      _mlir_ciface_sparse_slice_b16_##SUFFIX;
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
   _mlir_ciface_sparse_slice_grad_b16_##SUFFIX,                                \
   _mlir_ciface_sparse_slice_b1_##SUFFIX,                                      \
   _mlir_ciface_sparse_slice_b2_##SUFFIX,                                      \
   _mlir_ciface_sparse_slice_b4_##SUFFIX,                                      \
   _mlir_ciface_sparse_slice_b8_##SUFFIX,                                      \
   _mlir_ciface_sparse_slice_b16_##SUFFIX},
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

/// The kernel of `kernels` (b1..b16 or s1..s16) for values of `valueBytes`
/// bytes, or null.
template <typename K>
K ofWidth(int64_t valueBytes, K b1, K b2, K b4, K b8, K b16) {
  switch (valueBytes) {
  case 1:
    return b1;
  case 2:
    return b2;
  case 4:
    return b4;
  case 8:
    return b8;
  case 16:
    return b16;
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

StridedMemRefType<int64_t, 1> viewWords(int64_t *data, int64_t length) {
  return {data, data, 0, {length}, {1}};
}

StridedMemRefType<int64_t, 1> shapeOf(const SparseSliceGradArray &a) {
  int64_t *p = const_cast<int64_t *>(a.shape);
  return {p, p, 0, {a.rank}, {1}};
}

constexpr const char *kWhere = "sparseSliceGradRun";
constexpr const char *kSliceWhere = "sparseSliceRun";

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
struct CallChecks {
  const char *op, *where;

  bool fail(const std::string &message) const {
    sparseSliceGradReportError(op, where, SPARSE_SLICE_GRAD_INVALID_ARGUMENT,
                               message.c_str());
    return false;
  }

  /// Whether `a` describes an array a kernel may read: a shape where its
  /// rank says, sizes >= 0 whose product (times the element's bytes) fits
  /// in int64, and data wherever there are elements.
  bool wellFormed(const char *name, const SparseSliceGradArray &a,
                  int64_t elementBytes) const {
    std::string array = name;
    if (a.rank < 0 || (a.rank > 0 && !a.shape))
      return fail(array + ": rank " + std::to_string(a.rank) +
                  " needs a shape of that length");
    int64_t bytes = elementBytes;
    for (int64_t d = 0; d < a.rank; ++d) {
      if (a.shape[d] < 0)
        return fail(array + ": size " + std::to_string(a.shape[d]) +
                    " in dimension " + std::to_string(d) + " is negative");
      if (__builtin_mul_overflow(bytes, a.shape[d], &bytes))
        return fail(array + ": its byte count overflows int64");
    }
    if (bytes != 0 && !a.data)
      return fail(array + ": null data for " + std::to_string(bytes) +
                  " bytes");
    return true;
  }

  /// A destination of `length` elements of `elementBytes` bytes.
  bool wellFormedOutput(const char *name, const void *data, int64_t length,
                        int64_t elementBytes) const {
    int64_t shape[1] = {length};
    return wellFormed(name, {data, 1, shape}, elementBytes);
  }

  bool knownWidth(int64_t valueBytes) const {
    for (int64_t width : {1, 2, 4, 8, 16})
      if (valueBytes == width)
        return true;
    return fail("values of " + std::to_string(valueBytes) +
                " bytes have no kernel (1, 2, 4, 8 or 16)");
  }
};

/// The operands and the destination as the C ABI takes them.
bool wellFormedCall(int64_t valueBytes, const SparseSliceGradArray &grad,
                    const SparseSliceGradArray &in,
                    const SparseSliceGradArray &start,
                    const SparseSliceGradArray &out, void *valGrad,
                    int64_t valGradLength) {
  CallChecks c{"sparse.slice_grad", kWhere};
  return c.knownWidth(valueBytes) &&
         c.wellFormed("backprop_val_grad", grad, valueBytes) &&
         c.wellFormed("input_indices", in, 8) &&
         c.wellFormed("input_start", start, 8) &&
         c.wellFormed("output_indices", out, 8) &&
         c.wellFormedOutput("val_grad", valGrad, valGradLength, valueBytes);
}

/// TensorFlow's checks of SparseSlice's ranks (ValidateSparseTensor, then
/// sparse_slice_op.cc), in its order, with the two size checks between
/// them that the kernel repeats; false when one failed (reported).
bool checkSliceRanks(const SparseSliceGradArray &indices,
                     const SparseSliceGradArray &values,
                     const SparseSliceGradArray &shape,
                     const SparseSliceGradArray &start,
                     const SparseSliceGradArray &size) {
  auto failed = [](SliceGradCheck check, int64_t a, int64_t b = 0) {
    sparseSliceGradCheckFailed(kSliceWhere, static_cast<int32_t>(check), a, b);
    return false;
  };
  auto notVector = [](SliceGradCheck check, const SparseSliceGradArray &a) {
    StridedMemRefType<int64_t, 1> sa = shapeOf(a);
    _mlir_ciface_sparseSliceGradShapeCheckFailed(
        kSliceWhere, static_cast<int32_t>(check), &sa, nullptr);
    return false;
  };
  if (indices.rank != 2)
    return failed(SliceGradCheck::SliceIndicesMatrix, indices.rank);
  if (values.rank != 1)
    return failed(SliceGradCheck::SliceValuesVector, values.rank);
  if (shape.rank != 1)
    return failed(SliceGradCheck::SliceShapeVector, shape.rank);
  if (values.shape[0] != indices.shape[0])
    return failed(SliceGradCheck::SliceValuesLength, indices.shape[0],
                  values.shape[0]);
  if (shape.shape[0] != indices.shape[1])
    return failed(SliceGradCheck::SliceIndexRank, indices.shape[1],
                  shape.shape[0]);
  if (start.rank != 1)
    return notVector(SliceGradCheck::SliceStartVector, start);
  if (size.rank != 1)
    return notVector(SliceGradCheck::SliceSizeVector, size);
  return true;
}
/// The slice's operands and destinations as the C ABI takes them.
bool wellFormedSliceCall(int64_t valueBytes,
                         const SparseSliceGradArray &indices,
                         const SparseSliceGradArray &values,
                         const SparseSliceGradArray &shape,
                         const SparseSliceGradArray &start,
                         const SparseSliceGradArray &size,
                         const int64_t *outputIndices, const void *outputValues,
                         const int64_t *outputShape, const int64_t *positions,
                         const int64_t *count) {
  CallChecks c{"sparse.slice", kSliceWhere};
  if (!c.knownWidth(valueBytes) || !c.wellFormed("indices", indices, 8) ||
      !c.wellFormed("values", values, valueBytes) ||
      !c.wellFormed("shape", shape, 8) || !c.wellFormed("start", start, 8) ||
      !c.wellFormed("size", size, 8))
    return false;
  // The destinations' sizes follow from the operands once their ranks are
  // TensorFlow's.
  if (!checkSliceRanks(indices, values, shape, start, size))
    return false;
  int64_t n = indices.shape[0], r = indices.shape[1];
  return c.wellFormedOutput("output_indices", outputIndices, n * r, 8) &&
         c.wellFormedOutput("output_values", outputValues, n, valueBytes) &&
         c.wellFormedOutput("output_shape", outputShape, shape.shape[0], 8) &&
         c.wellFormedOutput("positions", positions, n, 8) &&
         (count || c.fail("count: null"));
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
  const Target &t = target();
  if (wellFormedCall(valueBytes, backpropValGrad, inputIndices, inputStart,
                     outputIndices, valGrad, valGradLength) &&
      checkRanks(backpropValGrad, inputIndices, inputStart, outputIndices)) {
    Kernel kernel = ofWidth(valueBytes, t.b1, t.b2, t.b4, t.b8, t.b16);
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

extern "C" int32_t
sparseSliceRun(int64_t valueBytes, SparseSliceGradArray indices,
               SparseSliceGradArray values, SparseSliceGradArray shape,
               SparseSliceGradArray start, SparseSliceGradArray size,
               int64_t *outputIndices, void *outputValues, int64_t *outputShape,
               int64_t *positions, int64_t *count,
               SparseSliceGradStatus *status) {
  SparseSliceGradStatus local;
  SparseSliceGradStatus &s = status ? *status : local;
  SparseSliceGradStatus *previous = sparseSliceGradBeginCall(&s);
  const Target &t = target();
  if (wellFormedSliceCall(valueBytes, indices, values, shape, start, size,
                          outputIndices, outputValues, outputShape, positions,
                          count)) {
    SliceKernel kernel = ofWidth(valueBytes, t.s1, t.s2, t.s4, t.s8, t.s16);
    int64_t n = indices.shape[0], r = indices.shape[1];
    auto ii = viewIndices<2>(indices);
    auto v = viewValues(values.data, values.shape[0]);
    auto sh = viewIndices<1>(shape);
    auto st = viewIndices<1>(start);
    auto sz = viewIndices<1>(size);
    auto oi = viewWords(outputIndices, n * r);
    auto ov = viewValues(outputValues, n);
    auto os = viewWords(outputShape, shape.shape[0]);
    auto pos = viewWords(positions, n);
    *count = kernel(&ii, &v, &sh, &st, &sz, &oi, &ov, &os, &pos);
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
