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
/// Lowers a partition op with an index result: the shape checks nest what
/// follows them in scf.if (a check's handler may return), so the result
/// goes through a stack slot, loaded where the op was (0 if a check failed).
static Value lowerWithIndexResult(ConversionPatternRewriter &rewriter,
                                  Location loc, function_ref<Value()> build) {
  Value slot = memref::AllocaOp::create(
      rewriter, loc, MemRefType::get({}, rewriter.getIndexType()));
  memref::StoreOp::create(
      rewriter, loc, arith::ConstantIndexOp::create(rewriter, loc, 0), slot);
  OpBuilder::InsertPoint where = rewriter.saveInsertionPoint();
  Value result = build();
  memref::StoreOp::create(rewriter, loc, result, slot);
  rewriter.restoreInsertionPoint(where);
  return memref::LoadOp::create(rewriter, loc, slot);
}

/// A pattern that lowers with the pass's options.
template <typename OpTy> struct WithOptions : public OpConversionPattern<OpTy> {
  WithOptions(MLIRContext *ctx, const ConvertSparseToLoopsPassOptions &options)
      : OpConversionPattern<OpTy>(ctx), options(options) {}

protected:
  ConvertSparseToLoopsPassOptions options;
};

struct SliceGradToLoops : public WithOptions<SliceGradOp> {
  using WithOptions::WithOptions;

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
          return Value();
        });
    rewriter.eraseOp(op);
    return success();
  }
};

/// sparse.slice_grad_resume: the op's lowering from row `from`, returning
/// the loop's j instead of checking it.
struct SliceGradResumeToLoops : public WithOptions<SliceGradResumeOp> {
  using WithOptions::WithOptions;

  LogicalResult
  matchAndRewrite(SliceGradResumeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.hasBufferSemantics())
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    Location loc = op.getLoc();
    Value end = lowerWithIndexResult(rewriter, loc, [&] {
      lowering::SliceGradOperands ops = lowering::emitShapeChecks(
          rewriter, op, adaptor.getBackpropValGrad(), adaptor.getInputIndices(),
          adaptor.getInputStart(), adaptor.getOutputIndices(), adaptor.getOut(),
          /*oneProcessRows=*/true);
      return lowering::buildForEachRank(
          rewriter, loc, ops,
          [&](OpBuilder &b, const lowering::SliceGradOperands &rankOps) {
            return options.strategy == SliceGradStrategy::Parallel
                       ? lowering::buildParallelLoop(
                             b, loc, rankOps, options.chunkRows,
                             options.vectorWidth, adaptor.getFrom())
                       : lowering::buildSequentialLoop(b, loc, rankOps,
                                                       options.vectorWidth,
                                                       adaptor.getFrom());
          });
    });
    rewriter.replaceOp(op, end);
    return success();
  }
};

/// sparse.slice_grad_count: the parallel strategy's box and count (both
/// strategies: it is one streaming pass).
struct SliceGradCountToLoops : public WithOptions<SliceGradCountOp> {
  using WithOptions::WithOptions;

  LogicalResult
  matchAndRewrite(SliceGradCountOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (isa<RankedTensorType>(op.getInputIndices().getType()))
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    Location loc = op.getLoc();
    Value count = lowerWithIndexResult(rewriter, loc, [&] {
      lowering::SliceGradOperands ops = lowering::emitShapeChecks(
          rewriter, op, adaptor.getBackpropValGrad(), adaptor.getInputIndices(),
          adaptor.getInputStart(), adaptor.getOutputIndices(), /*out=*/Value(),
          /*oneProcessRows=*/true);
      return lowering::buildForEachRank(
          rewriter, loc, ops,
          [&](OpBuilder &b, const lowering::SliceGradOperands &rankOps) {
            return lowering::buildBoxCount(b, loc, rankOps, options.chunkRows,
                                           options.vectorWidth);
          });
    });
    rewriter.replaceOp(op, count);
    return success();
  }
};

struct SliceGradGlobalChecksToLoops
    : public OpConversionPattern<SliceGradGlobalChecksOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SliceGradGlobalChecksOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    lowering::emitGlobalChecks(
        rewriter, op, adaptor.getNumIn(), adaptor.getNumOut(),
        adaptor.getUsed(), adaptor.getProcesses(), adaptor.getPartitionedFor());
    rewriter.eraseOp(op);
    return success();
  }
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
  patterns.add<SliceGradToLoops, SliceGradResumeToLoops, SliceGradCountToLoops>(
      patterns.getContext(), options);
  patterns.add<SliceGradGlobalChecksToLoops>(patterns.getContext());
}
