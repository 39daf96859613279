//===- PartitionOps.cpp - The ops of a partitioned sparse.slice_grad ------===//
//
// Verifiers and memory effects of sparse.slice_grad_count and
// sparse.slice_grad_resume: sparse.slice_grad's shape checks, less the one
// that compares the row counts of both index operands (a process holds only
// some input rows), and the optional box's shape.
//
//===----------------------------------------------------------------------===//

#include "OpForms.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

using namespace mlir;
using namespace mlir::sparse;

/// The optional box: a vector of 2R words, the minima then the maxima.
static LogicalResult verifyBox(Operation *op, Value box, Type outIdx) {
  if (!box)
    return success();
  auto type = cast<ShapedType>(box.getType());
  if (type.getRank() != 1)
    return op->emitOpError("box must be a vector of 2R words (the minima, "
                           "then the maxima), got rank ")
           << type.getRank();
  auto rows = cast<ShapedType>(outIdx);
  if (rows.getRank() == 2 && !rows.isDynamicDim(1) && !type.isDynamicDim(0) &&
      type.getDimSize(0) != 2 * rows.getDimSize(1))
    return op->emitOpError("box must have 2R = ")
           << 2 * rows.getDimSize(1) << " words, got " << type.getDimSize(0);
  return success();
}

LogicalResult SliceGradCountOp::verify() {
  bool isTensor;
  SmallVector<Value, 4> operands(getOperands());
  if (failed(verifyOneForm(*this, operands, isTensor)))
    return failure();
  // The values a sparse.slice_grad on these operands would have.
  auto inIdx = cast<ShapedType>(getInputIndices().getType());
  Type eltType =
      cast<ShapedType>(getBackpropValGrad().getType()).getElementType();
  int64_t nIn = inIdx.getRank() >= 1 ? inIdx.getDimSize(0) : 1;
  Type values = isTensor ? Type(RankedTensorType::get({nIn}, eltType))
                         : Type(MemRefType::get({nIn}, eltType));
  if (failed(verifyBox(*this, getBox(), getOutputIndices().getType())))
    return failure();
  return SliceGradOp::verifyShapes(
      getBackpropValGrad().getType(), inIdx, getInputStart().getType(),
      getOutputIndices().getType(), values, [&] { return emitOpError(); },
      /*oneProcessRows=*/true);
}

void SliceGradCountOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (isa<MemRefType>(getInputIndices().getType()))
    addMemrefFormEffects(*this, /*out=*/nullptr, effects);
}

LogicalResult SliceGradResumeOp::verify() {
  bool isTensor;
  SmallVector<Value, 5> operands{getBackpropValGrad(), getInputIndices(),
                                 getInputStart(), getOutputIndices()};
  if (getBox())
    operands.push_back(getBox());
  if (failed(verifyOneForm(*this, operands, isTensor)) ||
      failed(verifyBox(*this, getBox(), getOutputIndices().getType())))
    return failure();
  if (isTensor && (getOut() || !getValGrad()))
    return emitOpError("on tensors has no destination and a tensor result");
  if (!isTensor && (!getOut() || getValGrad()))
    return emitOpError("on memrefs takes a destination after 'into' and has "
                       "no tensor result");
  return SliceGradOp::verifyShapes(
      getBackpropValGrad().getType(), getInputIndices().getType(),
      getInputStart().getType(), getOutputIndices().getType(),
      getValGradOrOut().getType(), [&] { return emitOpError(); },
      /*oneProcessRows=*/true);
}

void SliceGradResumeOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (hasBufferSemantics())
    addMemrefFormEffects(*this, &getOutMutable()[0], effects);
}
