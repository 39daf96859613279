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
#include "SliceGradCodegen/CodegenUtils.h"
#include "SliceGradCodegen/ConversionDriver.h"
#include "SliceGradCodegen/RuntimeCalls.h"
#include "SliceGradCodegen/SliceCompaction.h"
#include "SliceGradCodegen/Strategies.h"

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

// The pass's dependent dialects.
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
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
          if (inPlace) {
            lowering::emitAllPropagatedCheck(rb, loc, rankOps,
                                             buildKernels(rb, loc, rankOps));
          } else if (identityLayouts(rankOps)) {
            buildWithCopies(rb, loc, rankOps);
          } else {
            Value used = lowering::buildSequentialLoop(rb, loc, rankOps,
                                                       /*vectorWidth=*/8);
            lowering::emitAllPropagatedCheck(rb, loc, rankOps, used);
          }
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
      Value at = lowering::constantIndex(b, loc, k);
      Value v = memref::LoadOp::create(b, loc, host, at);
      return arith::IndexCastUIOp::create(b, loc, b.getIndexType(), v);
    };
    Value used = word(gpu_lowering::kUsed);
    if (!fallback) {
      Value refuted = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                            word(gpu_lowering::kRefuted),
                                            lowering::constantIndex(b, loc, 0));
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
    lowering::emitAllPropagatedCheck(b, loc, ops, used);
  }

  int64_t chunkRows;
  bool deviceResident;
  bool fallback;
  Buffers buffers;
};

/// sparse.slice: the compaction's count and write loops as kernels on
/// device copies of the indices and values (or, on host buffers, on CPU
/// threads), one block of chunk-rows rows per GPU thread; the checks, the
/// output shape and the prefix over blocks on the host.
struct SliceToGPU : public OpConversionPattern<SliceOp> {
  SliceToGPU(MLIRContext *ctx, const ConvertSparseToGPUPassOptions &options)
      : OpConversionPattern(ctx), chunkRows(options.chunkRows),
        buffers{options.deviceMemory} {}

  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.hasBufferSemantics())
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    lowering::KernelBuffers kernels;
    Buffers where = buffers;
    kernels.alloc = [where](OpBuilder &b, Location loc, MemRefType type,
                            ValueRange sizes) {
      return where.alloc(b, loc, type, sizes);
    };
    if (where.device)
      kernels.copy = [where](OpBuilder &b, Location loc, Value from, Value to) {
        where.copy(b, loc, from, to);
      };
    kernels.free = [where](OpBuilder &b, Location loc, Value buffer) {
      where.free(b, loc, buffer);
    };
    lowering::CompactionOptions options;
    options.parallel = true;
    options.chunkRows = chunkRows;
    rewriter.replaceOp(op,
                       lowering::buildSlice(rewriter, op, adaptor.getOperands(),
                                            options, &kernels));
    return success();
  }

private:
  int64_t chunkRows;
  Buffers buffers;
};

struct ConvertSparseToGPUPass
    : public sparse::impl::ConvertSparseToGPUPassBase<ConvertSparseToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ConvertSparseToGPUPassOptions options;
    options.chunkRows = chunkRows;
    options.deviceMemory = deviceMemory;
    options.deviceResident = deviceResident;
    options.fallback = fallback;
    if (failed(lowering::lowerSliceGradOps(
            getOperation(), getArgument(), options,
            populateSparseToGPUConversionPatterns, deviceMemory,
            /*lowersScatter=*/false)))
      signalPassFailure();
  }
};
} // namespace

void sparse::populateSparseToGPUConversionPatterns(
    RewritePatternSet &patterns, const ConvertSparseToGPUPassOptions &options) {
  patterns.add<SliceGradToGPU, SliceToGPU>(patterns.getContext(), options);
}
