//===- BufferizableOpInterfaceImpl.cpp - sparse bufferization -------------===//
//
// sparse.slice_grad on tensors reads its four operands and returns a fresh
// tensor that aliases none of them: it bufferizes to the memref form writing
// into a new allocation of N_in elements. sparse.slice_grad_resume does the
// same (its index result stays); sparse.slice_grad_count only reads.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Dialect/Sparse/Transforms/BufferizableOpInterfaceImpl.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/DialectRegistry.h"

using namespace mlir;
using namespace mlir::bufferization;
using namespace mlir::sparse;

namespace {
/// The memref form of `op` on `buffers` (writing into `alloc`).
static Operation *createMemrefForm(RewriterBase &rewriter, Location loc,
                                   SliceGradOp, ArrayRef<Value> buffers,
                                   Value alloc) {
  return SliceGradOp::create(rewriter, loc, buffers[0], buffers[1], buffers[2],
                             buffers[3], alloc);
}

static Operation *createMemrefForm(RewriterBase &rewriter, Location loc,
                                   SliceGradResumeOp op,
                                   ArrayRef<Value> buffers, Value alloc) {
  // buffers[4]: the box's, where the op has one.
  return SliceGradResumeOp::create(
      rewriter, loc, TypeRange{rewriter.getIndexType()}, buffers[0], buffers[1],
      buffers[2], buffers[3], op.getFrom(),
      buffers.size() > 4 ? buffers[4] : Value(), alloc);
}

static Operation *createMemrefForm(RewriterBase &rewriter, Location loc,
                                   SliceGradScatterOp, ArrayRef<Value> buffers,
                                   Value alloc) {
  return SliceGradScatterOp::create(rewriter, loc, TypeRange{}, buffers[0],
                                    buffers[1], buffers[2], alloc);
}

/// The tensor operands (the partition's `from` is an index) and the one
/// whose rows the result has.
static unsigned numTensorOperands(Operation *op) {
  return isa<SliceGradScatterOp>(op) ? 3 : 4;
}
static unsigned rowsOperand(Operation *op) {
  return isa<SliceGradScatterOp>(op) ? 2 : 1;
}

/// The ops read their tensor operands, write none of them and alias none:
/// the result is a new buffer.
template <typename ConcreteModel, typename OpTy>
struct ReadsOperandsModel
    : public BufferizableOpInterface::ExternalModel<ConcreteModel, OpTy> {
  bool bufferizesToMemoryRead(Operation *, OpOperand &,
                              const AnalysisState &) const {
    return true;
  }

  bool bufferizesToMemoryWrite(Operation *, OpOperand &,
                               const AnalysisState &) const {
    return false;
  }

  AliasingValueList getAliasingValues(Operation *, OpOperand &,
                                      const AnalysisState &) const {
    return {};
  }
};

/// The buffers of `operands`, or failure.
static FailureOr<SmallVector<Value, 4>>
getBuffers(RewriterBase &rewriter, ValueRange operands,
           const BufferizationOptions &options, BufferizationState &state) {
  SmallVector<Value, 4> buffers;
  for (Value operand : operands) {
    FailureOr<Value> buffer = getBuffer(rewriter, operand, options, state);
    if (failed(buffer))
      return failure();
    buffers.push_back(*buffer);
  }
  return buffers;
}

template <typename OpTy>
struct SliceGradOpInterface
    : public ReadsOperandsModel<SliceGradOpInterface<OpTy>, OpTy> {
  bool bufferizesToAllocation(Operation *, Value) const { return true; }

  FailureOr<BufferLikeType> getBufferType(Operation *op, Value value,
                                          const BufferizationOptions &,
                                          const BufferizationState &,
                                          SmallVector<Value> &) const {
    auto type = cast<RankedTensorType>(value.getType());
    return cast<BufferLikeType>(
        MemRefType::get(type.getShape(), type.getElementType()));
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    auto sliceGrad = cast<OpTy>(op);
    Location loc = op->getLoc();
    FailureOr<SmallVector<Value, 4>> maybeBuffers = getBuffers(
        rewriter, op->getOperands().take_front(numTensorOperands(op)), options,
        state);
    if (failed(maybeBuffers))
      return failure();
    SmallVector<Value, 4> &buffers = *maybeBuffers;
    if (auto resume = dyn_cast<SliceGradResumeOp>(op);
        resume && resume.getBox()) {
      FailureOr<Value> box =
          getBuffer(rewriter, resume.getBox(), options, state);
      if (failed(box))
        return failure();
      buffers.push_back(*box);
    }

    // One output element per input row.
    auto resultType = cast<RankedTensorType>(sliceGrad.getValGrad().getType());
    auto memrefType =
        MemRefType::get(resultType.getShape(), resultType.getElementType());
    SmallVector<Value, 1> dynSizes;
    if (resultType.isDynamicDim(0))
      dynSizes.push_back(
          memref::DimOp::create(rewriter, loc, buffers[rowsOperand(op)], 0));
    FailureOr<Value> alloc =
        options.createAlloc(rewriter, loc, memrefType, dynSizes);
    if (failed(alloc))
      return failure();

    Operation *memrefForm =
        createMemrefForm(rewriter, loc, sliceGrad, buffers, *alloc);
    SmallVector<Value, 2> replacements{*alloc};
    replacements.append(memrefForm->result_begin(), memrefForm->result_end());
    replaceOpWithBufferizedValues(rewriter, op, replacements);
    return success();
  }
};

/// sparse.slice_grad_count reads its operands and has no tensor result.
struct SliceGradCountOpInterface
    : public ReadsOperandsModel<SliceGradCountOpInterface, SliceGradCountOp> {
  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    FailureOr<SmallVector<Value, 4>> buffers =
        getBuffers(rewriter, op->getOperands(), options, state);
    if (failed(buffers))
      return failure();
    replaceOpWithNewBufferizedOp<SliceGradCountOp>(
        rewriter, op, rewriter.getIndexType(), (*buffers)[0], (*buffers)[1],
        (*buffers)[2], (*buffers)[3],
        buffers->size() > 4 ? (*buffers)[4] : Value());
    return success();
  }
};
/// sparse.slice reads its operands and allocates its results (their row
/// counts are data dependent): the memref form of the same op.
struct SliceOpInterface : public ReadsOperandsModel<SliceOpInterface, SliceOp> {
  bool bufferizesToAllocation(Operation *, Value) const { return true; }

  FailureOr<BufferLikeType> getBufferType(Operation *, Value value,
                                          const BufferizationOptions &,
                                          const BufferizationState &,
                                          SmallVector<Value> &) const {
    auto type = cast<RankedTensorType>(value.getType());
    return cast<BufferLikeType>(
        MemRefType::get(type.getShape(), type.getElementType()));
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const BufferizationOptions &options,
                          BufferizationState &state) const {
    FailureOr<SmallVector<Value, 4>> buffers =
        getBuffers(rewriter, op->getOperands(), options, state);
    if (failed(buffers))
      return failure();
    SmallVector<Type, 4> types;
    for (Type t : op->getResultTypes()) {
      auto type = cast<RankedTensorType>(t);
      types.push_back(MemRefType::get(type.getShape(), type.getElementType()));
    }
    auto memrefForm = SliceOp::create(rewriter, op->getLoc(), types, *buffers);
    replaceOpWithBufferizedValues(rewriter, op, memrefForm->getResults());
    return success();
  }
};
} // namespace

void mlir::sparse::registerBufferizableOpInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, SparseDialect *) {
    SliceGradOp::attachInterface<SliceGradOpInterface<SliceGradOp>>(*ctx);
    SliceGradResumeOp::attachInterface<SliceGradOpInterface<SliceGradResumeOp>>(
        *ctx);
    SliceGradCountOp::attachInterface<SliceGradCountOpInterface>(*ctx);
    SliceGradScatterOp::attachInterface<
        SliceGradOpInterface<SliceGradScatterOp>>(*ctx);
    SliceOp::attachInterface<SliceOpInterface>(*ctx);
  });
}
