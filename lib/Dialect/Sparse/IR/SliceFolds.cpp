//===- SliceFolds.cpp - Canonicalizations of sparse.slice -----------------===//
//
// Each rewrite keeps TensorFlow's semantics, errors included: a result is
// replaced only where it is known at compile time, and the op stays for the
// others (and for its run-time checks) until nothing uses it.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGrad/Runtime/SparseSliceChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::sparse;

/// The elements of a constant i64 vector, if `v` is one.
static std::optional<std::vector<int64_t>> constantVector(Value v) {
  DenseIntElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  std::vector<int64_t> elements;
  for (const APInt &x : attr.getValues<APInt>())
    elements.push_back(x.getSExtValue());
  return elements;
}

/// A constant of `type`'s element type and `shape`, from `values` (i64),
/// cast to `type` where that is less static.
static Value buildI64Constant(PatternRewriter &rewriter, Location loc,
                              ArrayRef<int64_t> shape, ArrayRef<int64_t> values,
                              Type type) {
  auto constType = RankedTensorType::get(shape, rewriter.getI64Type());
  Value c = arith::ConstantOp::create(
      rewriter, loc, DenseIntElementsAttr::get(constType, values));
  if (constType != type)
    c = tensor::CastOp::create(rewriter, loc, type, c);
  return c;
}

namespace {
/// Constant shape, start and size: the output shape at compile time (where
/// TensorFlow's checks pass; otherwise the run-time error stays).
struct ConstantOutputShape : public OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasBufferSemantics() || op.getOutputShape().use_empty())
      return failure();
    auto shape = constantVector(op.getShape());
    auto start = constantVector(op.getStart());
    auto size = constantVector(op.getSize());
    auto indices = cast<ShapedType>(op.getIndices().getType());
    auto values = cast<ShapedType>(op.getValues().getType());
    if (!shape || !start || !size || !indices.hasStaticShape() ||
        !values.hasStaticShape())
      return failure();
    std::vector<int64_t> out;
    if (slice_checks::checkSizes({indices.getDimSize(0), indices.getDimSize(1),
                                  values.getDimSize(0),
                                  static_cast<int64_t>(shape->size()),
                                  static_cast<int64_t>(start->size()),
                                  static_cast<int64_t>(size->size())}) ||
        slice_checks::outputShape(*shape, *start, *size, out))
      return failure();
    Value c = buildI64Constant(rewriter, op.getLoc(),
                               {static_cast<int64_t>(out.size())}, out,
                               op.getOutputShape().getType());
    rewriter.replaceAllUsesWith(op.getOutputShape(), c);
    return success();
  }
};

/// No row can be kept: no input rows, or a constant box that is empty in
/// some column (start + size <= start, with TensorFlow's wrap-around). The
/// kept rows, values and positions are then empty.
struct NothingKept : public OpRewritePattern<SliceOp> {
  using OpRewritePattern::OpRewritePattern;

  static bool boxIsEmpty(SliceOp op) {
    auto start = constantVector(op.getStart());
    auto size = constantVector(op.getSize());
    if (!start || !size || start->size() != size->size())
      return false;
    for (size_t d = 0; d < start->size(); ++d)
      if (slice_checks::wrapAdd((*start)[d], (*size)[d]) <= (*start)[d])
        return true;
    return false;
  }

  LogicalResult matchAndRewrite(SliceOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasBufferSemantics())
      return failure();
    auto indices = cast<ShapedType>(op.getIndices().getType());
    if (indices.isDynamicDim(1))
      return failure();
    if (indices.getDimSize(0) != 0 && !boxIsEmpty(op))
      return failure();
    bool changed = false;
    Location loc = op.getLoc();
    auto replace = [&](Value result, ArrayRef<int64_t> shape, Type elt) {
      if (!result || result.use_empty())
        return;
      auto type = RankedTensorType::get(shape, elt);
      Value empty = arith::ConstantOp::create(
          rewriter, loc,
          DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>{}));
      rewriter.replaceAllUsesWith(
          result,
          tensor::CastOp::create(rewriter, loc, result.getType(), empty));
      changed = true;
    };
    replace(op.getOutputIndices(), {0, indices.getDimSize(1)},
            rewriter.getI64Type());
    replace(op.getOutputValues(), {0},
            cast<ShapedType>(op.getValues().getType()).getElementType());
    replace(op.getPositions(), {0}, rewriter.getI64Type());
    return success(changed);
  }
};
} // namespace

void SliceOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                          MLIRContext *context) {
  results.add<ConstantOutputShape, NothingKept>(context);
}
