//===- SparseSliceChecks.h - TensorFlow's checks of SparseSlice -*- C++ -*-===//
//
// TensorFlow's checks of SparseSlice (sparse_slice_op.cc, sparse_utils.cc's
// ValidateSparseTensor) and its output shape (SparseTensor::Slice), with
// TensorFlow's messages, in its order. The output shape goes through
// TensorShape (InitDims, AddDimWithStatus, SetDimWithStatus), whose
// messages depend on how it stores the sizes (16-bit, 32-bit or out of
// line): that representation is modelled too, so that every error reads
// as TensorFlow's. Arithmetic wraps as TensorFlow's compiled int64
// arithmetic does. Header-only, without LLVM: the runtime (at run time),
// the verifier and the folds (on static sizes and constants) share it.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNTIME_SPARSESLICECHECKS_H
#define SLICEGRAD_RUNTIME_SPARSESLICECHECKS_H

#include "SliceGrad/Runtime/SliceGradChecks.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace sparse {
namespace slice_checks {

/// Two's-complement int64 arithmetic (TensorFlow's, compiled).
inline int64_t wrapAdd(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) +
                              static_cast<uint64_t>(b));
}
inline int64_t wrapSub(int64_t a, int64_t b) {
  return static_cast<int64_t>(static_cast<uint64_t>(a) -
                              static_cast<uint64_t>(b));
}

/// TensorFlow's MultiplyWithoutOverflow: -1 for a negative operand or a
/// product past 2^64, else the product as int64 (negative past 2^63, which
/// its callers also treat as an overflow).
inline int64_t multiplyWithoutOverflow(int64_t x, int64_t y) {
  if (x < 0 || y < 0)
    return -1;
  uint64_t ux = x, uy = y, uxy = ux * uy;
  if (((ux | uy) >> 32) != 0 && ux != 0 && uxy / ux != uy)
    return -1;
  return static_cast<int64_t>(uxy);
}

/// TensorShape's sizes and the representation its messages depend on.
class TFShape {
public:
  /// TensorShapeBase::BuildTensorShapeBase (InitDims).
  static std::optional<std::string> build(const std::vector<int64_t> &sizes,
                                          TFShape &out) {
    out = TFShape();
    // InitDims' fast path: sizes up to kint64max^0.25 cannot overflow a
    // product of four.
    constexpr int64_t kMaxSmall = 0xd744;
    bool large = false;
    for (int64_t s : sizes)
      large |= s > kMaxSmall;
    if (!large) {
      for (int64_t s : sizes)
        if (s < 0)
          return "Expected shape dimensions to be non-negative, got " +
                 std::to_string(s);
      if (sizes.size() >= 1 && sizes.size() <= 4) {
        out.dims = sizes;
        out.numElements = 1;
        for (int64_t s : sizes)
          out.numElements *= s;
        return std::nullopt;
      }
    }
    for (int64_t s : sizes)
      if (auto error = out.addDim(s))
        return error;
    return std::nullopt;
  }

  /// TensorShapeBase::SetDimWithStatus.
  std::optional<std::string> setDim(size_t d, int64_t size) {
    if (size < 0)
      return "Expected a non-negative size, got " + std::to_string(size);
    if ((tag == Rep16 && size < kMaxRep16) ||
        (tag == Rep32 && size < kMaxRep32) || tag == OutOfLine) {
      dims[d] = size;
    } else {
      std::vector<int64_t> vals = dims;
      vals[d] = size;
      *this = TFShape();
      for (int64_t v : vals)
        if (auto error = addDim(v))
          return error;
    }
    return recomputeNumElements();
  }

  const std::vector<int64_t> &sizes() const { return dims; }

private:
  enum Tag { Rep16, Rep32, OutOfLine };
  static constexpr int64_t kMaxRep16 = 0xffff, kMaxRep32 = 0xffffffff;
  static constexpr size_t kMaxDimensions = 254;

  std::string debugString() const {
    std::string s = "[";
    for (size_t d = 0; d < dims.size(); ++d)
      s += (d ? "," : "") + std::to_string(dims[d]);
    return s + "]";
  }

  /// TensorShapeBase::AddDimWithStatus, then UnsafeAddDim's choice of
  /// representation.
  std::optional<std::string> addDim(int64_t size) {
    if (size < 0)
      return "Expected a non-negative size, got " + std::to_string(size);
    if (dims.size() >= kMaxDimensions)
      return std::string("Too many dimensions in tensor");
    int64_t n = multiplyWithoutOverflow(numElements, size);
    if (n < 0)
      return "Encountered overflow when multiplying " +
             std::to_string(numElements) + " with " + std::to_string(size) +
             ", result: " + std::to_string(n);
    size_t nd = dims.size();
    if (!((tag == Rep16 && nd < 6 && size < kMaxRep16) ||
          (tag == Rep32 && nd < 3 && size < kMaxRep32) || tag == OutOfLine)) {
      bool rep32 = nd + 1 <= 3 && size < kMaxRep32;
      for (int64_t v : dims)
        rep32 &= v < kMaxRep32;
      tag = rep32 ? Rep32 : OutOfLine;
    }
    dims.push_back(size);
    numElements = n;
    return std::nullopt;
  }

  /// TensorShapeBase::RecomputeNumElements.
  std::optional<std::string> recomputeNumElements() {
    int64_t n = 1;
    for (int64_t d : dims) {
      n = multiplyWithoutOverflow(n, d);
      if (n < 0)
        return "Shape " + debugString() +
               " results in overflow when computing number of elements";
    }
    numElements = n;
    return std::nullopt;
  }

  std::vector<int64_t> dims;
  Tag tag = Rep16;
  int64_t numElements = 1;
};

/// The operands' sizes TensorFlow checks before it reads a value. A
/// negative size stands for one the caller does not know (a static check
/// then skips it).
struct OperandSizes {
  int64_t indicesRows, indicesCols, values, shape, start, size;
};

/// ValidateSparseTensor's and SparseSliceOpImpl's size checks, in order
/// (the rank checks are the caller's: the op's types are ranked). Unknown
/// sizes pass.
/// With `onlySparseTensor`, ValidateSparseTensor's two only (TensorFlow
/// checks the ranks of start and size between them and the others).
inline std::optional<std::string> checkSizes(const OperandSizes &s,
                                             bool onlySparseTensor = false) {
  auto known = [](int64_t a, int64_t b) { return a >= 0 && b >= 0; };
  auto message = [](SliceGradCheck check, int64_t a, int64_t b) {
    return formatSliceGradMessage(check, std::to_string(a), std::to_string(b));
  };
  if (known(s.values, s.indicesRows) && s.values != s.indicesRows)
    return message(SliceGradCheck::SliceValuesLength, s.indicesRows, s.values);
  if (known(s.shape, s.indicesCols) && s.shape != s.indicesCols)
    return message(SliceGradCheck::SliceIndexRank, s.indicesCols, s.shape);
  if (onlySparseTensor)
    return std::nullopt;
  if (known(s.shape, s.start) && s.start != s.shape)
    return message(SliceGradCheck::SliceStartLength, s.shape, s.start);
  if (known(s.shape, s.size) && s.size != s.shape)
    return message(SliceGradCheck::SliceSizeLength, s.shape, s.size);
  return std::nullopt;
}

/// SparseTensor::Slice's output shape (after the input shape is built),
/// written to `out`; or TensorFlow's message.
inline std::optional<std::string> outputShape(const std::vector<int64_t> &shape,
                                              const std::vector<int64_t> &start,
                                              const std::vector<int64_t> &size,
                                              std::vector<int64_t> &out) {
  TFShape result;
  if (auto error = TFShape::build(shape, result))
    return error;
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t inputSize = result.sizes()[d];
    std::optional<std::string> error;
    if (start[d] < wrapSub(inputSize, size[d]))
      error = result.setDim(d, size[d]);
    else if (start[d] < inputSize)
      error = result.setDim(d, wrapSub(inputSize, start[d]));
    else
      error = result.setDim(d, 0);
    if (error)
      return error;
  }
  out = result.sizes();
  return std::nullopt;
}

} // namespace slice_checks
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_RUNTIME_SPARSESLICECHECKS_H
