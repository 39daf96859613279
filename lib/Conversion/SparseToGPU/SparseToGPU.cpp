//===- SparseToGPU.cpp - sparse.slice_grad to a GPU-parallel box pass -----===//
//
// The memref op becomes host code that copies the operands to the device,
// runs the parallel strategy's box pass as one scf.parallel over small
// chunks (mapped to GPU threads by the sparse-to-nvvm pipeline), copies the
// per-chunk verdicts back and, if every chunk's guess was proved, the
// result; otherwise the host runs TensorFlow's sequential loop. So the
// result and the run-time error are the CPU kernel's on every input.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Conversion/Passes.h"

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
/// Device buffers (gpu.alloc/gpu.memcpy/gpu.dealloc) or, to run the same
/// algorithm on the CPU, host buffers (memref.alloc/copy/dealloc).
struct Buffers {
  bool device;

  Value alloc(OpBuilder &b, Location loc, MemRefType type,
              ValueRange dynamicSizes) const {
    if (device)
      return gpu::AllocOp::create(b, loc, type, Type(), ValueRange{},
                                  dynamicSizes, ValueRange{})
          .getMemref();
    return memref::AllocOp::create(b, loc, type, dynamicSizes);
  }
  void copy(OpBuilder &b, Location loc, Value from, Value to) const {
    if (device)
      gpu::MemcpyOp::create(b, loc, Type(), ValueRange{}, to, from);
    else
      memref::CopyOp::create(b, loc, from, to);
  }
  void free(OpBuilder &b, Location loc, Value buffer) const {
    if (device)
      gpu::DeallocOp::create(b, loc, Type(), ValueRange{}, buffer);
    else
      memref::DeallocOp::create(b, loc, buffer);
  }
  /// A buffer like `host` (identity layout), with its sizes.
  Value allocLike(OpBuilder &b, Location loc, Value host) const {
    auto type = cast<MemRefType>(host.getType());
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        sizes.push_back(memref::DimOp::create(b, loc, host, d));
    return alloc(b, loc, type, sizes);
  }
};

/// The box chunks need a static R >= 1 (a run-time R is specialized to
/// 1..8 first); the copies need identity layouts.
bool canRunOnDevice(const lowering::SliceGradOperands &ops) {
  auto identity = [](Value v) {
    return cast<MemRefType>(v.getType()).getLayout().isIdentity();
  };
  return ops.staticNumDims != ShapedType::kDynamic && ops.staticNumDims > 0 &&
         llvm::all_of(
             ValueRange{ops.grad, ops.inIdx, ops.start, ops.outIdx, ops.out},
             identity);
}

struct SliceGradToGPU : public OpConversionPattern<SliceGradOp> {
  SliceGradToGPU(MLIRContext *ctx, const ConvertSparseToGPUPassOptions &options)
      : OpConversionPattern(ctx), chunkRows(options.chunkRows),
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
    lowering::buildForEachRank(
        b, loc, ops,
        [&](OpBuilder &rb, const lowering::SliceGradOperands &rankOps) {
          if (canRunOnDevice(rankOps))
            buildOnDevice(rb, loc, rankOps);
          else
            lowering::buildSequentialLowering(rb, loc, rankOps,
                                              /*vectorWidth=*/8);
          return Value();
        });
    rewriter.eraseOp(op);
    return success();
  }

private:
  /// The box chunks on the device, the host loop where they cannot prove
  /// their result.
  void buildOnDevice(OpBuilder &b, Location loc,
                     const lowering::SliceGradOperands &ops) const {
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
    Value hasOut =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, ops.nOut, c0);
    auto proved = scf::IfOp::create(
        b, loc, hasOut,
        [&](OpBuilder &tb, Location tl) {
          Value chunkLen = arith::ConstantIndexOp::create(tb, tl, chunkRows);
          Value nChunks = arith::CeilDivUIOp::create(tb, tl, ops.nIn, chunkLen);
          // The operands on the device.
          lowering::SliceGradOperands dev = ops;
          dev.grad = buffers.allocLike(tb, tl, ops.grad);
          dev.inIdx = buffers.allocLike(tb, tl, ops.inIdx);
          dev.start = buffers.allocLike(tb, tl, ops.start);
          dev.outIdx = buffers.allocLike(tb, tl, ops.outIdx);
          dev.out = buffers.allocLike(tb, tl, ops.out);
          auto verdictType =
              MemRefType::get({ShapedType::kDynamic}, tb.getIndexType());
          Value verdicts = buffers.alloc(tb, tl, verdictType, nChunks);
          for (auto [host, device] : {std::pair{ops.grad, dev.grad},
                                      {ops.inIdx, dev.inIdx},
                                      {ops.start, dev.start},
                                      {ops.outIdx, dev.outIdx}})
            buffers.copy(tb, tl, host, device);

          // The kernel: one thread per chunk.
          scf::ParallelOp::create(
              tb, tl, ValueRange{c0}, ValueRange{nChunks}, ValueRange{c1},
              [&](OpBuilder &nb, Location l, ValueRange ivs) {
                Value ok = lowering::buildBoxPassChunk(nb, l, dev, ivs[0],
                                                       chunkLen, nChunks);
                Value word =
                    arith::IndexCastUIOp::create(nb, l, nb.getIndexType(), ok);
                memref::StoreOp::create(nb, l, word, verdicts, ivs[0]);
              });

          // The verdicts on the host; the result only if all hold.
          Value hostVerdicts =
              memref::AllocOp::create(tb, tl, verdictType, nChunks);
          buffers.copy(tb, tl, verdicts, hostVerdicts);
          Value allProved =
              lowering::buildAllProved(tb, tl, hostVerdicts, nChunks);
          scf::IfOp::create(tb, tl, allProved, [&](OpBuilder &nb, Location l) {
            buffers.copy(nb, l, dev.out, ops.out);
            scf::YieldOp::create(nb, l);
          });
          memref::DeallocOp::create(tb, tl, hostVerdicts);
          for (Value buffer :
               {dev.grad, dev.inIdx, dev.start, dev.outIdx, dev.out, verdicts})
            buffers.free(tb, tl, buffer);
          scf::YieldOp::create(tb, tl, allProved);
        },
        [&](OpBuilder &eb, Location el) {
          Value no = arith::ConstantIntOp::create(eb, el, 0, /*width=*/1);
          scf::YieldOp::create(eb, el, no);
        });

    // Anything else (no output rows, guesses the box pass could not prove)
    // runs TensorFlow's loop on the host, with its run-time error.
    Value notProved = arith::XOrIOp::create(
        b, loc, proved.getResult(0),
        arith::ConstantIntOp::create(b, loc, 1, /*width=*/1));
    scf::IfOp::create(b, loc, notProved, [&](OpBuilder &nb, Location l) {
      lowering::buildSequentialLowering(nb, l, ops, /*vectorWidth=*/8);
      scf::YieldOp::create(nb, l);
    });
  }

  int64_t chunkRows;
  Buffers buffers;
};

struct ConvertSparseToGPUPass
    : public sparse::impl::ConvertSparseToGPUPassBase<ConvertSparseToGPUPass> {
  using Base::Base;

  void runOnOperation() override {
    ConvertSparseToGPUPassOptions options{chunkRows, deviceMemory};
    auto addPatterns = [&](RewritePatternSet &patterns) {
      populateSparseToGPUConversionPatterns(patterns, options);
    };
    if (failed(lowering::lowerSliceGradOps(getOperation(), getArgument(),
                                           static_cast<int64_t>(chunkRows),
                                           addPatterns)))
      signalPassFailure();
  }
};
} // namespace

void sparse::populateSparseToGPUConversionPatterns(
    RewritePatternSet &patterns, const ConvertSparseToGPUPassOptions &options) {
  patterns.add<SliceGradToGPU>(patterns.getContext(), options);
}
