//===- RuntimeCalls.h - The lowerings' calls into the runtime ---*- C++ -*-===//
//
// How lowered code reports a failed check: the "@function (location)"
// string of the op, the call of the runtime's check function, and the
// declarations of those functions. With the leaf (CodegenUtils.h), this is
// all the TensorFlow importer needs of the code generation.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_RUNTIMECALLS_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_RUNTIMECALLS_H

#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// Declares (where missing) the runtime functions that report failed checks:
/// sparseSliceGradCheckFailed(!llvm.ptr, i32, i64, i64) and, with its C
/// interface, sparseSliceGradShapeCheckFailed(!llvm.ptr, i32,
/// memref<?xi64>, memref<?xi64>).
void declareRuntimeFunctions(ModuleOp module, OpBuilder &b);

/// Declares (where missing), with its C interface, the split loop's plan
/// sparseSliceGradSplitPlan (SliceGradRuntime.h): i64 (two
/// memref<?x?xi64>, memref<?xi64>, four i64, two memref<?xi64>), strided.
void declareSplitPlan(ModuleOp module, OpBuilder &b);

/// The runtime's memref type of i64 and `rank`: every size and stride
/// dynamic (memref<?xi64, strided<[?], offset: ?>> for rank 1).
MemRefType runtimeMemRefType(MLIRContext *context, int64_t rank);

/// `v` (i64 elements) cast to runtimeMemRefType of its rank.
Value castForRuntime(OpBuilder &b, Location loc, Value v);

/// The address of a constant string naming `op` for run-time errors:
/// "@function (file:line:col)".
Value buildWhere(OpBuilder &b, Operation *op);

/// Emits the call `sparseSliceGradCheckFailed(where, check, a, b)` for two
/// index values.
void emitCheckFailedCall(OpBuilder &b, Location loc, Value where,
                         SliceGradCheck check, Value a, Value b2);

/// Emits `if (a <pred> b) sparseSliceGradCheckFailed(where, check, a, b)`,
/// where `pred` is the failing comparison of two index values. With
/// `guardRest`, leaves `b` in the else branch, so that what is built next
/// runs only if the check passed (the runtime's handler may return).
void emitCheck(OpBuilder &b, Location loc, Value where,
               arith::CmpIPredicate pred, SliceGradCheck check, Value a,
               Value b2, bool guardRest = true);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_RUNTIMECALLS_H
