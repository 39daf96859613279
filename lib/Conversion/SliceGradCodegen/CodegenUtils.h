//===- CodegenUtils.h - Shared pieces of the slice_grad lowerings -*- C++
//-*-===//
//
// The code generation of sparse.slice_grad (memref form) that both
// convert-sparse-to-loops and convert-sparse-to-gpu use: the operands and
// sizes, the zero of a value type, TensorFlow's run-time checks, row
// comparisons, and the algorithms (SliceGradBuilder.h). These files build
// IR; they are not passes.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CODEGENUTILS_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CODEGENUTILS_H

#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// The memref operands of one sparse.slice_grad and the sizes every lowering
/// needs.
struct SliceGradOperands {
  Value grad, inIdx, start, outIdx, out;
  /// The op's "@function (location)" for run-time errors (an !llvm.ptr).
  Value where;
  /// N_in, R and N_out as index values.
  Value nIn, numDims, nOut;
  /// R when the index types fix it, else ShapedType::kDynamic.
  int64_t staticNumDims;
  Type eltType;
};

/// The body of the lowering passes: checks chunk-rows >= 1 and that every
/// sparse.slice_grad is in its memref form (a diagnostic naming the reason
/// otherwise), declares the run-time check function, and converts every op
/// with the patterns `addPatterns` adds. Ops on device memory
/// (#gpu.address_space<global>) are refused unless `deviceMemory`.
LogicalResult
lowerSliceGradOps(ModuleOp module, StringRef passName, int64_t chunkRows,
                  function_ref<void(RewritePatternSet &)> addPatterns,
                  bool deviceMemory = false);

/// Declares (where missing) the runtime functions that report failed checks:
/// sparseSliceGradCheckFailed(!llvm.ptr, i32, i64, i64) and, with its C
/// interface, sparseSliceGradShapeCheckFailed(!llvm.ptr, i32,
/// memref<?xi64>, memref<?xi64>).
void declareRuntimeFunctions(ModuleOp module, OpBuilder &b);

/// The zero of a TensorFlow value type.
Value buildZero(OpBuilder &b, Location loc, Type type);

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

/// Reads the sizes and emits TensorFlow's shape checks, in its order, where
/// the static types leave them open (the verifier decided the others);
/// leaves `b` where every check passed. `out` is null for
/// sparse.slice_grad_count; `oneProcessRows` leaves out the check of the row
/// counts (a partitioned op's global check).
SliceGradOperands emitShapeChecks(OpBuilder &b, Operation *op, Value grad,
                                  Value inIdx, Value start, Value outIdx,
                                  Value out, bool oneProcessRows = false);

/// The first column d < R where input row i differs from output row j
/// shifted by input_start, or R when the rows are equal (an scf.while that
/// stops at the first difference, as TensorFlow's comparison does).
Value buildFirstDifferingColumn(OpBuilder &b, Location loc,
                                const SliceGradOperands &ops, Value i, Value j);

/// i1: input row i equals output row j shifted by input_start. With a
/// static R, `startCols` holds input_start's R values and the comparison is
/// unrolled and branch-free; otherwise it is buildFirstDifferingColumn.
Value buildRowsEqual(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                     ArrayRef<Value> startCols, Value i, Value j);

/// TensorFlow's sequential loop from output row `from` (0 if null); returns
/// the j it ends with.
Value buildSequentialLoop(OpBuilder &b, Location loc,
                          const SliceGradOperands &ops, unsigned vectorWidth,
                          Value from = Value());

/// TensorFlow's sequential loop, then its "all propagated" check.
void buildSequentialLowering(OpBuilder &b, Location loc,
                             const SliceGradOperands &ops,
                             unsigned vectorWidth);

/// The order-free parallel lowering (LookBack.cpp) with flagged rows
/// numbered from output row `from` (0 if null); returns the j of
/// TensorFlow's loop after the last row.
Value buildParallelLoop(OpBuilder &b, Location loc,
                        const SliceGradOperands &ops, int64_t chunkRows,
                        unsigned vectorWidth, Value from = Value());

/// buildParallelLoop from row 0, then the "all propagated" check.
void buildParallelLowering(OpBuilder &b, Location loc,
                           const SliceGradOperands &ops, int64_t chunkRows,
                           unsigned vectorWidth);

/// The number of input rows inside the bounding box of the shifted output
/// rows (sparse.slice_grad_count): the look-back pass's box and count.
Value buildBoxCount(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                    int64_t chunkRows, unsigned vectorWidth);

/// The process count, then TensorFlow's two checks on all rows of a
/// partitioned op (sparse.slice_grad_global_checks).
void emitGlobalChecks(OpBuilder &b, Operation *op, Value nIn, Value nOut,
                      Value used, Value processes, Value partitionedFor);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CODEGENUTILS_H
