//===- Sparse.h - The sparse dialect and its ops ----------------*- C++ -*-===//

#ifndef SLICEGRAD_DIALECT_SPARSE_IR_SPARSE_H
#define SLICEGRAD_DIALECT_SPARSE_IR_SPARSE_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "SliceGrad/Dialect/Sparse/IR/SparseOpsDialect.h.inc"

#define GET_OP_CLASSES
#include "SliceGrad/Dialect/Sparse/IR/SparseOps.h.inc"

namespace mlir::sparse {
/// Whether `type` is a value type of sparse.slice_grad (its ODS constraint).
#include "SliceGrad/Dialect/Sparse/IR/SparseTypeConstraints.h.inc"

/// Whether a memref memory space is device memory
/// (`#gpu.address_space<global>`), which only convert-sparse-to-gpu lowers.
bool isDeviceMemorySpace(Attribute space);
} // namespace mlir::sparse

#endif // SLICEGRAD_DIALECT_SPARSE_IR_SPARSE_H
