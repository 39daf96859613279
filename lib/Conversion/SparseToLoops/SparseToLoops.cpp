//===- SparseToLoops.cpp - sparse.slice_grad to scf loops -----------------===//
//
// The pass: lowers the memref form of sparse.slice_grad with the strategy
// its options select (SequentialLowering.cpp, ParallelLowering.cpp).
//
//===----------------------------------------------------------------------===//

#include "SliceGradCodegen/SliceGradBuilder.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_CONVERTSPARSETOLOOPSPASS
#include "SliceGrad/Conversion/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;
using namespace mlir::sparse;

namespace {
struct SliceGradToLoops : public OpConversionPattern<SliceGradOp> {
  SliceGradToLoops(MLIRContext *ctx,
                   const ConvertSparseToLoopsPassOptions &options)
      : OpConversionPattern(ctx), options(options) {}

  LogicalResult
  matchAndRewrite(SliceGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.hasBufferSemantics())
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    Location loc = op.getLoc();
    lowering::SliceGradOperands ops = lowering::emitShapeChecks(
        rewriter, op, adaptor.getBackpropValGrad(), adaptor.getInputIndices(),
        adaptor.getInputStart(), adaptor.getOutputIndices(), adaptor.getOut());
    lowering::buildForEachRank(
        rewriter, loc, ops,
        [&](OpBuilder &b, const lowering::SliceGradOperands &rankOps) {
          if (options.strategy == SliceGradStrategy::Parallel)
            lowering::buildParallelLowering(b, loc, rankOps, options.chunkRows,
                                            options.vectorWidth);
          else
            lowering::buildSequentialLowering(b, loc, rankOps,
                                              options.vectorWidth);
        });
    rewriter.eraseOp(op);
    return success();
  }

private:
  ConvertSparseToLoopsPassOptions options;
};

struct ConvertSparseToLoopsPass
    : public sparse::impl::ConvertSparseToLoopsPassBase<
          ConvertSparseToLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    ConvertSparseToLoopsPassOptions options{strategy, vectorWidth, chunkRows};
    auto addPatterns = [&](RewritePatternSet &patterns) {
      populateSparseToLoopsConversionPatterns(patterns, options);
    };
    if (failed(lowering::lowerSliceGradOps(getOperation(), getArgument(),
                                           static_cast<int64_t>(chunkRows),
                                           addPatterns)))
      signalPassFailure();
  }
};
} // namespace

void sparse::populateSparseToLoopsConversionPatterns(
    RewritePatternSet &patterns,
    const ConvertSparseToLoopsPassOptions &options) {
  patterns.add<SliceGradToLoops>(patterns.getContext(), options);
}
