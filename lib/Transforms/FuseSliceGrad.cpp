//===- FuseSliceGrad.cpp - The gradient of a slice from its positions -----===//
//
// sparse.slice_grad of a sparse.slice's output indices (same input indices,
// same start) is a scatter of the gradient by the slice's kept positions
// (docs/Rationale.md: TensorFlow's loop matches exactly the kept rows, in
// order).
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Transforms/Passes.h"

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Analysis/CallGraph.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "mlir/Transforms/Inliner.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_SPARSEFUSESLICEGRADPASS
#include "SliceGrad/Transforms/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;
using namespace mlir::sparse;

/// `v` before any tensor.cast (a cast changes the type, not the elements).
static Value stripCasts(Value v) {
  while (auto castOp = v.getDefiningOp<tensor::CastOp>())
    v = castOp.getSource();
  return v;
}

/// The same elements: the same value, or equal constants.
static bool sameElements(Value a, Value b) {
  a = stripCasts(a);
  b = stripCasts(b);
  if (a == b)
    return true;
  DenseElementsAttr x, y;
  return matchPattern(a, m_Constant(&x)) && matchPattern(b, m_Constant(&y)) &&
         x == y;
}

namespace {
struct FuseSliceGrad : public OpRewritePattern<SliceGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(SliceGradOp grad,
                                PatternRewriter &rewriter) const override {
    if (grad.hasBufferSemantics())
      return failure();
    auto result = dyn_cast<OpResult>(stripCasts(grad.getOutputIndices()));
    auto slice = result ? dyn_cast<SliceOp>(result.getOwner()) : SliceOp();
    if (!slice || slice.hasBufferSemantics() || result.getResultNumber() != 0)
      return rewriter.notifyMatchFailure(grad, "not a slice's output indices");
    if (!sameElements(slice.getIndices(), grad.getInputIndices()) ||
        !sameElements(slice.getStart(), grad.getInputStart()))
      return rewriter.notifyMatchFailure(grad, "another input or start");

    // The slice with its positions, where it has none yet.
    Value positions = slice.getPositions();
    if (!positions) {
      rewriter.setInsertionPoint(slice);
      auto withPositions = SliceOp::create(
          rewriter, slice.getLoc(), slice.getIndices(), slice.getValues(),
          slice.getShape(), slice.getStart(), slice.getSize(),
          /*withPositions=*/true);
      // The results keep their types (a refined R stays as it was).
      SmallVector<Value, 3> replacements;
      for (auto [from, to] :
           llvm::zip(slice.getResults(), withPositions.getResults())) {
        Value v = to;
        if (v.getType() != from.getType())
          v = tensor::CastOp::create(rewriter, slice.getLoc(), from.getType(),
                                     v);
        replacements.push_back(v);
      }
      rewriter.replaceOp(slice, replacements);
      positions = withPositions.getPositions();
    }
    rewriter.setInsertionPoint(grad);
    rewriter.replaceOpWithNewOp<SliceGradScatterOp>(
        grad, grad.getValGrad().getType(), grad.getBackpropValGrad(), positions,
        grad.getInputIndices(), /*out=*/Value());
    return success();
  }
};

/// Whether inlining `call` can bring a slice next to its gradient: a
/// result of the call is (through casts) a sparse.slice_grad's output
/// indices, and the callee holds a sparse.slice.
static bool feedsSliceGrad(const Inliner::ResolvedCall &resolved) {
  Operation *call = resolved.call;
  bool feeds = false;
  for (Value result : call->getResults())
    for (Operation *user : result.getUsers()) {
      SmallVector<Operation *> users{user};
      while (!users.empty() && !feeds) {
        Operation *u = users.pop_back_val();
        if (auto grad = dyn_cast<SliceGradOp>(u))
          feeds = stripCasts(grad.getOutputIndices()) == result;
        else if (isa<tensor::CastOp>(u))
          llvm::append_range(users, u->getUsers());
      }
    }
  if (!feeds || resolved.targetNode->isExternal())
    return false;
  bool hasSlice = false;
  resolved.targetNode->getCallableRegion()->walk([&](Operation *op) {
    hasSlice |= isa<SliceOp>(op) || isa<CallOpInterface>(op);
  });
  return hasSlice;
}

struct SparseFuseSliceGradPass
    : public sparse::impl::SparseFuseSliceGradPassBase<
          SparseFuseSliceGradPass> {
  using Base::Base;

  void runOnOperation() override {
    // The calls whose forward a gradient needs, inlined (no simplification:
    // the program stays as written).
    CallGraph &cg = getAnalysis<CallGraph>();
    InlinerConfig config;
    config.setDefaultPipeline([](OpPassManager &) {});
    auto runPipeline = [](Pass &pass, OpPassManager &pipeline, Operation *op) {
      return static_cast<SparseFuseSliceGradPass &>(pass).runPipeline(pipeline,
                                                                      op);
    };
    Inliner inliner(getOperation(), cg, *this, getAnalysisManager(),
                    runPipeline, config, feedsSliceGrad);
    if (failed(inliner.doInlining()))
      return signalPassFailure();

    RewritePatternSet patterns(&getContext());
    patterns.add<FuseSliceGrad>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
