//===- SparseToGPU.cpp - sparse.slice_grad to GPU kernels -----------------===//
//
// The memref op becomes host code around the order-free kernels
// (OrderFreeKernels.cpp): TensorFlow's shape checks on the host, the
// kernels on the operands where they already are (device memory, or host
// memory for a run on CPU threads) or on device copies of host operands,
// then TensorFlow's run-time error from the 24-byte status the kernels
// leave. Strided host operands, which gpu.memcpy cannot copy, run
// TensorFlow's loop on the host.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Conversion/Passes.h"

#include "OrderFreeKernels.h"
#include "SliceGradCodegen/SliceGradBuilder.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_CONVERTSPARSETOGPUPASS
#include "SliceGrad/Conversion/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;
using namespace mlir::sparse;

namespace {
using gpu_lowering::Buffers;

bool identityLayouts(const lowering::SliceGradOperands &ops) {
  return llvm::all_of(
      ValueRange{ops.grad, ops.inIdx, ops.start, ops.outIdx, ops.out},
      [](Value v) {
        return cast<MemRefType>(v.getType()).getLayout().isIdentity();
      });
}

struct SliceGradToGPU : public OpConversionPattern<SliceGradOp> {
  SliceGradToGPU(MLIRContext *ctx, const ConvertSparseToGPUPassOptions &options)
      : OpConversionPattern(ctx), chunkRows(options.chunkRows),
        deviceResident(options.deviceResident), fallback(options.fallback),
        buffers{options.deviceMemory} {}

  LogicalResult
  matchAndRewrite(SliceGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.hasBufferSemantics())
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    lowering::SliceGradOperands ops = lowering::emitShapeChecks(
        b, op, adaptor.getBackpropValGrad(), adaptor.getInputIndices(),
        adaptor.getInputStart(), adaptor.getOutputIndices(), adaptor.getOut());
    // Operands that already are where the kernels run: device memory, or
    // host memory when the kernels run on CPU threads.
    bool inPlace = !buffers.device || deviceResident ||
                   isDeviceMemorySpace(
                       cast<MemRefType>(ops.grad.getType()).getMemorySpace());
    lowering::buildForEachRank(
        b, loc, ops,
        [&](OpBuilder &rb, const lowering::SliceGradOperands &rankOps) {
          if (inPlace)
            checkUsed(rb, loc, rankOps, buildKernels(rb, loc, rankOps));
          else if (identityLayouts(rankOps))
            buildWithCopies(rb, loc, rankOps);
          else
            lowering::buildSequentialLowering(rb, loc, rankOps,
                                              /*vectorWidth=*/8);
          return Value();
        });
    rewriter.eraseOp(op);
    return success();
  }

private:
  /// The kernels on `ops`; returns the j of TensorFlow's loop from the
  /// status buffer (the only bytes that come back to the host).
  Value buildKernels(OpBuilder &b, Location loc,
                     const lowering::SliceGradOperands &ops) const {
    auto statusType =
        MemRefType::get({gpu_lowering::kStatusWords}, b.getI64Type());
    Value status = buffers.alloc(b, loc, statusType, ValueRange{});
    gpu_lowering::buildOrderFreeKernels(b, loc, ops, chunkRows, fallback,
                                        buffers, status);
    Value host = status;
    if (buffers.device) {
      host = memref::AllocOp::create(b, loc, statusType);
      buffers.copy(b, loc, status, host);
    }
    auto word = [&](int64_t k) -> Value {
      Value at = arith::ConstantIndexOp::create(b, loc, k);
      Value v = memref::LoadOp::create(b, loc, host, at);
      return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
    };
    Value used = word(gpu_lowering::kUsed);
    if (!fallback) {
      Value refuted = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ne, word(gpu_lowering::kRefuted),
          arith::ConstantIndexOp::create(b, loc, 0));
      Value flagged = word(gpu_lowering::kFlagged);
      scf::IfOp::create(b, loc, refuted, [&](OpBuilder &tb, Location tl) {
        lowering::emitCheckFailedCall(tb, tl, ops.where,
                                      SliceGradCheck::GPUVerificationFailed,
                                      flagged, ops.nOut);
        scf::YieldOp::create(tb, tl);
      });
    }
    if (host != status)
      memref::DeallocOp::create(b, loc, host);
    buffers.free(b, loc, status);
    return used;
  }

  /// TensorFlow's run-time error unless every gradient found its row.
  static void checkUsed(OpBuilder &b, Location loc,
                        const lowering::SliceGradOperands &ops, Value used) {
    lowering::emitCheck(b, loc, ops.where, arith::CmpIPredicate::ne,
                        SliceGradCheck::AllPropagated, ops.nOut, used,
                        /*guardRest=*/false);
  }

  /// Host operands: copied to the device, the result copied back.
  void buildWithCopies(OpBuilder &b, Location loc,
                       const lowering::SliceGradOperands &ops) const {
    lowering::SliceGradOperands dev = ops;
    dev.grad = buffers.allocLike(b, loc, ops.grad);
    dev.inIdx = buffers.allocLike(b, loc, ops.inIdx);
    dev.start = buffers.allocLike(b, loc, ops.start);
    dev.outIdx = buffers.allocLike(b, loc, ops.outIdx);
    dev.out = buffers.allocLike(b, loc, ops.out);
    for (auto [host, device] : {std::pair{ops.grad, dev.grad},
                                {ops.inIdx, dev.inIdx},
                                {ops.start, dev.start},
                                {ops.outIdx, dev.outIdx}})
      buffers.copy(b, loc, host, device);
    Value used = buildKernels(b, loc, dev);
    buffers.copy(b, loc, dev.out, ops.out);
    for (Value buffer : {dev.grad, dev.inIdx, dev.start, dev.outIdx, dev.out})
      buffers.free(b, loc, buffer);
    // Last: the error handler may return.
    checkUsed(b, loc, ops, used);
  }

  int64_t chunkRows;
  bool deviceResident;
  bool fallback;
  Buffers buffers;
};

struct ConvertSparseToGPUPass
    : public sparse::impl::ConvertSparseToGPUPassBase<ConvertSparseToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ConvertSparseToGPUPassOptions options{chunkRows, deviceMemory,
                                          deviceResident, fallback};
    auto addPatterns = [&](RewritePatternSet &patterns) {
      populateSparseToGPUConversionPatterns(patterns, options);
    };
    if (failed(lowering::lowerSliceGradOps(getOperation(), getArgument(),
                                           static_cast<int64_t>(chunkRows),
                                           addPatterns,
                                           /*deviceMemory=*/deviceMemory)))
      signalPassFailure();
  }
};
} // namespace

void sparse::populateSparseToGPUConversionPatterns(
    RewritePatternSet &patterns, const ConvertSparseToGPUPassOptions &options) {
  patterns.add<SliceGradToGPU>(patterns.getContext(), options);
}
