//===- SliceGradFolds.cpp - Folds and canonicalizations of slice_grad -----===//
//
// Each rewrite keeps TensorFlow's semantics, errors included: nothing folds
// away a check that could fail at run time.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "ValueByteWidth.h"

// The dialects the op's definition and folds use (its dependent dialects).
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/Verifier.h"

using namespace mlir;
using namespace mlir::sparse;

/// Operands of at most this many index and value elements in all fold to a
/// constant; larger ones would bloat the IR.
static constexpr int64_t kMaxFoldElements = 1 << 16;

static int64_t dimSize(Value v, unsigned d) {
  return cast<ShapedType>(v.getType()).getDimSize(d);
}

/// True when the static types decide all of TensorFlow's shape checks (the
/// verifier has then passed them), so that no run-time check is left.
static bool shapesAreStaticallyChecked(SliceGradOp op) {
  Value grad = op.getBackpropValGrad(), inIdx = op.getInputIndices(),
        start = op.getInputStart(), outIdx = op.getOutputIndices();
  return !ShapedType::isDynamic(dimSize(inIdx, 1)) &&
         !ShapedType::isDynamic(dimSize(outIdx, 1)) &&
         !ShapedType::isDynamic(dimSize(outIdx, 0)) &&
         !ShapedType::isDynamic(dimSize(inIdx, 0)) &&
         !ShapedType::isDynamic(dimSize(grad, 0)) &&
         !ShapedType::isDynamic(dimSize(start, 0));
}

/// Constant operands: runs TensorFlow's loop at compile time. An input
/// whose loop would fail (not every gradient propagated) does not fold, so
/// the run-time error stays.
LogicalResult SliceGradOp::fold(FoldAdaptor adaptor,
                                SmallVectorImpl<OpFoldResult> &results) {
  if (hasBufferSemantics() || !shapesAreStaticallyChecked(*this))
    return failure();
  auto grad =
      dyn_cast_if_present<DenseElementsAttr>(adaptor.getBackpropValGrad());
  auto inIdx =
      dyn_cast_if_present<DenseElementsAttr>(adaptor.getInputIndices());
  auto start = dyn_cast_if_present<DenseElementsAttr>(adaptor.getInputStart());
  auto outIdx =
      dyn_cast_if_present<DenseElementsAttr>(adaptor.getOutputIndices());
  auto resultType = cast<RankedTensorType>(getValGrad().getType());
  if (!grad || !inIdx || !start || !outIdx || !resultType.hasStaticShape())
    return failure();
  int64_t nIn = dimSize(getInputIndices(), 0);
  int64_t numDims = dimSize(getInputIndices(), 1);
  int64_t nOut = dimSize(getOutputIndices(), 0);
  // Each size bounded first, so that the product cannot overflow.
  if (nIn > kMaxFoldElements || nOut > kMaxFoldElements ||
      numDims > kMaxFoldElements ||
      (nIn + nOut) * (numDims + 1) > kMaxFoldElements)
    return failure();
  std::optional<size_t> width = valueByteWidth(resultType.getElementType());
  if (!width)
    return failure();
  size_t eltBytes = *width;

  SmallVector<int64_t> in(inIdx.getValues<int64_t>());
  SmallVector<int64_t> off(start.getValues<int64_t>());
  SmallVector<int64_t> out(outIdx.getValues<int64_t>());
  // TensorFlow's loop; coordinates add with wrap-around.
  std::vector<char> result(nIn * eltBytes, 0);
  ArrayRef<char> gradBytes = grad.getRawData();
  int64_t j = 0;
  for (int64_t i = 0; i < nIn && j < nOut; ++i) {
    bool same = true;
    for (int64_t d = 0; d < numDims && same; ++d)
      same = in[i * numDims + d] ==
             static_cast<int64_t>(static_cast<uint64_t>(out[j * numDims + d]) +
                                  static_cast<uint64_t>(off[d]));
    if (!same)
      continue;
    size_t from = grad.isSplat() ? 0 : j * eltBytes;
    std::copy_n(gradBytes.begin() + from, eltBytes,
                result.begin() + i * eltBytes);
    ++j;
  }
  if (j != nOut)
    return failure();
  results.push_back(DenseElementsAttr::getFromRawBuffer(resultType, result));
  return success();
}

namespace {
/// A tensor.cast that only erases static sizes folds into the op, which
/// then sees the more precise type (upstream's usual cast folding). A result
/// whose length becomes known gets the static type, cast back for its users.
/// Skipped when the precise types would fail the verifier: the error then
/// stays a run-time one, as the input program asked.
struct FoldCastsIntoSliceGrad : public OpRewritePattern<SliceGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SliceGradOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasBufferSemantics())
      return failure();
    SmallVector<Value, 4> operands(op->getOperands());
    bool changed = false;
    for (Value &v : operands) {
      auto castOp = v.getDefiningOp<tensor::CastOp>();
      if (castOp && tensor::canFoldIntoConsumerOp(castOp)) {
        v = castOp.getSource();
        changed = true;
      }
    }
    if (!changed)
      return failure();
    auto oldType = cast<RankedTensorType>(op.getValGrad().getType());
    int64_t nIn = cast<ShapedType>(operands[1].getType()).getDimSize(0);
    RankedTensorType newType = oldType;
    if (oldType.isDynamicDim(0) && !ShapedType::isDynamic(nIn))
      newType = RankedTensorType::get({nIn}, oldType.getElementType());

    // The verifier's predicate on the refined types, quietly.
    if (failed(SliceGradOp::verifyShapes(
            operands[0].getType(), operands[1].getType(), operands[2].getType(),
            operands[3].getType(), newType,
            [] { return InFlightDiagnostic(); })))
      return failure();

    auto newOp =
        SliceGradOp::create(rewriter, op.getLoc(), newType, operands[0],
                            operands[1], operands[2], operands[3]);
    Value result = newOp.getValGrad();
    if (newType != oldType)
      result = tensor::CastOp::create(rewriter, op.getLoc(), oldType, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// No output rows: once the types have decided every shape check that
/// involves more than N_in, the result is N_in zeros (TensorFlow's loop
/// matches nothing and the all-propagated check holds).
struct NoOutputRowsToZeros : public OpRewritePattern<SliceGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SliceGradOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasBufferSemantics() || dimSize(op.getOutputIndices(), 0) != 0)
      return failure();
    for (auto [v, d] : {std::make_pair(op.getInputIndices(), 1u),
                        std::make_pair(op.getOutputIndices(), 1u),
                        std::make_pair(op.getInputStart(), 0u),
                        std::make_pair(op.getBackpropValGrad(), 0u)})
      if (ShapedType::isDynamic(dimSize(v, d)))
        return failure();
    Location loc = op.getLoc();
    auto type = cast<RankedTensorType>(op.getValGrad().getType());
    std::optional<size_t> eltBytes = valueByteWidth(type.getElementType());
    if (!eltBytes)
      return failure();
    // A splat: its size does not depend on N_in.
    std::vector<char> raw(*eltBytes, 0);
    int64_t nIn = dimSize(op.getInputIndices(), 0);
    if (!ShapedType::isDynamic(nIn)) {
      auto staticType = RankedTensorType::get({nIn}, type.getElementType());
      Value zeros = arith::ConstantOp::create(
          rewriter, loc, staticType,
          DenseElementsAttr::getFromRawBuffer(staticType, raw));
      if (staticType != type)
        zeros = tensor::CastOp::create(rewriter, loc, type, zeros);
      rewriter.replaceOp(op, zeros);
      return success();
    }
    // Dynamic N_in: splat a zero (taken from a one-element constant, since
    // arith has no signed/unsigned scalar constants).
    auto oneType = RankedTensorType::get({1}, type.getElementType());
    Value one = arith::ConstantOp::create(
        rewriter, loc, oneType,
        DenseElementsAttr::getFromRawBuffer(oneType, raw));
    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value zero = tensor::ExtractOp::create(rewriter, loc, one, c0);
    Value n = tensor::DimOp::create(rewriter, loc, op.getInputIndices(), c0);
    Value zeros =
        tensor::SplatOp::create(rewriter, loc, zero, type, ValueRange{n});
    rewriter.replaceOp(op, zeros);
    return success();
  }
};
} // namespace

void SliceGradOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<FoldCastsIntoSliceGrad, NoOutputRowsToZeros>(context);
}
