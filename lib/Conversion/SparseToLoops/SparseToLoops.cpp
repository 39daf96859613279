//===- SparseToLoops.cpp - sparse.slice_grad to scf loops -----------------===//
//
// The pass: lowers the memref form of sparse.slice_grad and of its
// partition ops with the strategy its options select
// (SliceGradCodegen/SequentialLowering.cpp, SliceGradCodegen/LookBack.cpp).
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "SliceGradCodegen/CodegenUtils.h"
#include "SliceGradCodegen/ConversionDriver.h"
#include "SliceGradCodegen/Outlining.h"
#include "SliceGradCodegen/RuntimeCalls.h"
#include "SliceGradCodegen/SliceCompaction.h"
#include "SliceGradCodegen/SliceGradOperands.h"
#include "SliceGradCodegen/Strategies.h"

// The pass's dependent dialects.
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

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
/// The loop of the strategy `options` select, from output row `from` (0 if
/// null); returns the j it ends with.
Value buildStrategyLoop(OpBuilder &b, Location loc,
                        const lowering::SliceGradOperands &ops,
                        const ConvertSparseToLoopsPassOptions &options,
                        Value from = Value()) {
  switch (options.strategy) {
  case SliceGradStrategy::Parallel:
    return lowering::buildParallelLoop(b, loc, ops, options.chunkRows,
                                       options.vectorWidth, from);
  case SliceGradStrategy::Sequential:
    return lowering::buildSequentialLoop(b, loc, ops, options.vectorWidth,
                                         from);
  }
  llvm_unreachable("unknown strategy");
}

/// What an outlined kernel's name says of the options its code depends on.
std::string kernelKey(const ConvertSparseToLoopsPassOptions &options) {
  std::string key = options.strategy == SliceGradStrategy::Parallel
                        ? "parallel_c" + std::to_string(options.chunkRows)
                        : "sequential";
  return key + "_w" + std::to_string(options.vectorWidth);
}

/// Rewrites a partition op with an index result (its memref form): the
/// shape checks of one process's rows, then `build` for each R. The checks
/// nest what follows them in scf.if (a check's handler may return), so the
/// result goes through a stack slot, loaded where the op was (0 if a check
/// failed).
template <typename OpTy>
LogicalResult rewriteWithIndexResult(
    ConversionPatternRewriter &rewriter, OpTy op,
    typename OpTy::Adaptor adaptor, Value out,
    function_ref<Value(OpBuilder &, const lowering::SliceGradOperands &)>
        build) {
  if (isa<RankedTensorType>(op.getInputIndices().getType()))
    return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
  Location loc = op.getLoc();
  Value slot = memref::AllocaOp::create(
      rewriter, loc, MemRefType::get({}, rewriter.getIndexType()));
  memref::StoreOp::create(rewriter, loc,
                          lowering::constantIndex(rewriter, loc, 0), slot);
  OpBuilder::InsertPoint where = rewriter.saveInsertionPoint();
  lowering::SliceGradOperands ops = lowering::emitShapeChecks(
      rewriter, op, adaptor.getBackpropValGrad(), adaptor.getInputIndices(),
      adaptor.getInputStart(), adaptor.getOutputIndices(), out,
      /*oneProcessRows=*/true);
  ops.box = adaptor.getBox();
  Value result = lowering::buildForEachRank(rewriter, loc, ops, build);
  memref::StoreOp::create(rewriter, loc, result, slot);
  rewriter.restoreInsertionPoint(where);
  rewriter.replaceOp(op, memref::LoadOp::create(rewriter, loc, slot));
  return success();
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
    auto build = [&](OpBuilder &b, const lowering::SliceGradOperands &rankOps) {
      return buildStrategyLoop(b, b.getUnknownLoc(), rankOps, options);
    };
    Value where = lowering::buildWhere(rewriter, op);
    if (options.outline &&
        lowering::buildOutlinedOp(
            rewriter, loc, op->getParentOfType<ModuleOp>(), where,
            adaptor.getOperands(), kernelKey(options), build)) {
      rewriter.eraseOp(op);
      return success();
    }
    lowering::SliceGradOperands ops = lowering::emitShapeChecks(
        rewriter, loc, where, adaptor.getBackpropValGrad(),
        adaptor.getInputIndices(), adaptor.getInputStart(),
        adaptor.getOutputIndices(), adaptor.getOut());
    lowering::buildForEachRank(
        rewriter, loc, ops,
        [&](OpBuilder &b, const lowering::SliceGradOperands &rankOps) {
          Value used = buildStrategyLoop(b, loc, rankOps, options);
          lowering::emitAllPropagatedCheck(b, loc, rankOps, used);
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
    return rewriteWithIndexResult(
        rewriter, op, adaptor, adaptor.getOut(),
        [&](OpBuilder &b, const lowering::SliceGradOperands &rankOps) {
          return buildStrategyLoop(b, op.getLoc(), rankOps, options,
                                   adaptor.getFrom());
        });
  }
};

/// sparse.slice_grad_count: the parallel strategy's box and count (both
/// strategies: it is one streaming pass).
struct SliceGradCountToLoops : public WithOptions<SliceGradCountOp> {
  using WithOptions::WithOptions;

  LogicalResult
  matchAndRewrite(SliceGradCountOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    return rewriteWithIndexResult(
        rewriter, op, adaptor, /*out=*/Value(),
        [&](OpBuilder &b, const lowering::SliceGradOperands &rankOps) {
          return lowering::buildBoxCount(
              b, op.getLoc(), rankOps, options.chunkRows, options.vectorWidth);
        });
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
        adaptor.getUsed(), adaptor.getProcesses(), adaptor.getPartitionedFor(),
        adaptor.getReplicasMin(), adaptor.getReplicasMax());
    rewriter.eraseOp(op);
    return success();
  }
};

/// The compaction of sparse.slice and its gradient scatter: blocks of
/// chunk-rows rows on threads (parallel), or one block (sequential).
lowering::CompactionOptions
compactionOptions(const ConvertSparseToLoopsPassOptions &options) {
  lowering::CompactionOptions compaction;
  compaction.parallel = options.strategy == SliceGradStrategy::Parallel;
  compaction.chunkRows = options.chunkRows;
  return compaction;
}

struct SliceToLoops : public WithOptions<SliceOp> {
  using WithOptions::WithOptions;

  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.hasBufferSemantics())
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    rewriter.replaceOp(op,
                       lowering::buildSlice(rewriter, op, adaptor.getOperands(),
                                            compactionOptions(options)));
    return success();
  }
};

struct SliceGradScatterToLoops : public WithOptions<SliceGradScatterOp> {
  using WithOptions::WithOptions;

  LogicalResult
  matchAndRewrite(SliceGradScatterOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.hasBufferSemantics())
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    lowering::emitDestinationOverlapChecks(
        rewriter, op.getLoc(), lowering::buildWhere(rewriter, op),
        adaptor.getOut(),
        {adaptor.getBackpropValGrad(), adaptor.getPositions()});
    lowering::buildSliceGradScatter(rewriter, op, adaptor.getBackpropValGrad(),
                                    adaptor.getPositions(), adaptor.getOut(),
                                    compactionOptions(options));
    rewriter.eraseOp(op);
    return success();
  }
};

struct ConvertSparseToLoopsPass
    : public sparse::impl::ConvertSparseToLoopsPassBase<
          ConvertSparseToLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    ConvertSparseToLoopsPassOptions options;
    options.strategy = strategy;
    options.vectorWidth = vectorWidth;
    options.chunkRows = chunkRows;
    options.outline = outline;
    // Wider steps unroll into code that grows with the width (1024 takes
    // 20 s to compile) without being faster.
    if (vectorWidth > kMaxVectorWidth) {
      emitError(getOperation().getLoc())
          << getArgument() << ": vector-width must be at most "
          << kMaxVectorWidth << ", got " << static_cast<uint64_t>(vectorWidth);
      return signalPassFailure();
    }
    if (failed(lowering::lowerSliceGradOps(
            getOperation(), getArgument(), options,
            populateSparseToLoopsConversionPatterns)))
      signalPassFailure();
  }
};
} // namespace

void sparse::populateSparseToLoopsConversionPatterns(
    RewritePatternSet &patterns,
    const ConvertSparseToLoopsPassOptions &options) {
  patterns.add<SliceGradToLoops, SliceGradResumeToLoops, SliceGradCountToLoops,
               SliceToLoops, SliceGradScatterToLoops>(patterns.getContext(),
                                                      options);
  patterns.add<SliceGradGlobalChecksToLoops>(patterns.getContext());
}
