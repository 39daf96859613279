//===- OpForms.h - Tensor and memref forms of the sparse ops ----*- C++ -*-===//
//
// What sparse.slice_grad and the ops of its partition share about their two
// forms: operands all tensors or all memrefs, a destination of its own, and
// the memref form's memory effects.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_DIALECT_SPARSE_IR_OPFORMS_H
#define SLICEGRAD_LIB_DIALECT_SPARSE_IR_OPFORMS_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir {
namespace sparse {
/// Sets `isTensor` from the first of `operands`; fails with a diagnostic on
/// `op` unless all are tensors or all are memrefs.
inline LogicalResult verifyOneForm(Operation *op, ValueRange operands,
                                   bool &isTensor) {
  isTensor = isa<RankedTensorType>(operands.front().getType());
  for (Value v : operands)
    if (isa<RankedTensorType>(v.getType()) != isTensor)
      return op->emitOpError("operands must be all tensors or all memrefs");
  return success();
}

/// Fails with a diagnostic on `op` where the destination `out` (null: the
/// tensor form) is one of `operands`: the op would read what it wrote. A
/// partial overlap is found at run time (DestinationOverlaps).
inline LogicalResult verifySeparateDestination(Operation *op, Value out,
                                               ValueRange operands) {
  for (auto [number, operand] : llvm::enumerate(operands))
    if (out && operand == out)
      return op->emitOpError("destination is operand #")
             << number + 1
             << ": a memref form needs a separate destination buffer";
  return success();
}

/// The memref form's effects: it writes `out` (null: nothing) and reads
/// every other memref operand.
inline void addMemrefFormEffects(
    Operation *op, OpOperand *out,
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  for (OpOperand &operand : op->getOpOperands()) {
    if (&operand == out)
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else if (isa<MemRefType>(operand.get().getType()))
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_DIALECT_SPARSE_IR_OPFORMS_H
