//===- PartitionOps.cpp - The ops of a partitioned sparse.slice_grad ------===//
//
// Verifiers and memory effects of sparse.slice_grad_count and
// sparse.slice_grad_resume: sparse.slice_grad's shape checks, less the one
// that compares the row counts of both index operands (a process holds only
// some input rows).
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

using namespace mlir;
using namespace mlir::sparse;

/// Operands all tensors or all memrefs.
static LogicalResult verifyOneForm(Operation *op, ValueRange operands,
                                   bool &isTensor) {
  isTensor = isa<RankedTensorType>(operands.front().getType());
  for (Value v : operands)
    if (isa<RankedTensorType>(v.getType()) != isTensor)
      return op->emitOpError("operands must be all tensors or all memrefs");
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
  return SliceGradOp::verifyShapes(
      getBackpropValGrad().getType(), inIdx, getInputStart().getType(),
      getOutputIndices().getType(), values, [&] { return emitOpError(); },
      /*oneProcessRows=*/true);
}

void SliceGradCountOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (isa<RankedTensorType>(getInputIndices().getType()))
    return;
  for (OpOperand &operand : getOperation()->getOpOperands())
    effects.emplace_back(MemoryEffects::Read::get(), &operand,
                         SideEffects::DefaultResource::get());
}

LogicalResult SliceGradResumeOp::verify() {
  bool isTensor;
  SmallVector<Value, 4> operands{getBackpropValGrad(), getInputIndices(),
                                 getInputStart(), getOutputIndices()};
  if (failed(verifyOneForm(*this, operands, isTensor)))
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
  if (!hasBufferSemantics())
    return;
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    if (&operand == &getOutMutable()[0])
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else if (isa<MemRefType>(operand.get().getType()))
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}
