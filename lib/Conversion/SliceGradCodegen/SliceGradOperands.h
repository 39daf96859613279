//===- SliceGradOperands.h - The op's operands as the lowerings see them -===//
//
// The memref operands of one sparse.slice_grad (or of a partition op) with
// the sizes every lowering needs; TensorFlow's checks on them; the
// comparison of an input row with a shifted output row; and the
// specialization of a run-time R to static ones.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICEGRADOPERANDS_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICEGRADOPERANDS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// The memref operands of one sparse.slice_grad and the sizes every lowering
/// needs.
struct SliceGradOperands {
  Value grad, inIdx, start, outIdx, out;
  /// The bounding box of the shifted output rows where the op is given it
  /// (a partition op's `box`: R minima, then R maxima), else null.
  Value box;
  /// The op's "@function (location)" for run-time errors (an !llvm.ptr).
  Value where;
  /// N_in, R and N_out as index values.
  Value nIn, numDims, nOut;
  /// R when the index types fix it, else ShapedType::kDynamic.
  int64_t staticNumDims;
  Type eltType;

  bool hasStaticNumDims() const {
    return staticNumDims != ShapedType::kDynamic;
  }
};

/// Reads the sizes and emits TensorFlow's shape checks, in its order, where
/// the static types leave them open (the verifier decided the others);
/// leaves `b` where every check passed. `out` is null for
/// sparse.slice_grad_count; `oneProcessRows` leaves out the check of the row
/// counts (a partitioned op's global check).
SliceGradOperands emitShapeChecks(OpBuilder &b, Operation *op, Value grad,
                                  Value inIdx, Value start, Value outIdx,
                                  Value out, bool oneProcessRows = false);

/// The same with the op's "@function (location)" text given (`where`, an
/// !llvm.ptr): the checks of an op outlined into a function of its own.
SliceGradOperands emitShapeChecks(OpBuilder &b, Location loc, Value where,
                                  Value grad, Value inIdx, Value start,
                                  Value outIdx, Value out,
                                  bool oneProcessRows = false);

/// Fails (DestinationOverlaps) where the bytes of `out` overlap those of one
/// of `operands` (numbered from 1): the op would read what it already
/// wrote. Leaves `b` where no operand overlaps.
void emitDestinationOverlapChecks(OpBuilder &b, Location loc, Value where,
                                  Value out, ValueRange operands);

/// TensorFlow's run-time error unless every gradient found its row: `used`
/// is the j that TensorFlow's loop ends with.
void emitAllPropagatedCheck(OpBuilder &b, Location loc,
                            const SliceGradOperands &ops, Value used);

/// The process count, the replicated operands' fingerprints, then
/// TensorFlow's two checks on all rows of a partitioned op
/// (sparse.slice_grad_global_checks).
void emitGlobalChecks(OpBuilder &b, Operation *op, Value nIn, Value nOut,
                      Value used, Value processes, Value partitionedFor,
                      Value replicasMin, Value replicasMax);

/// The first column d < R where input row i differs from output row j
/// shifted by input_start, or R when the rows are equal (an scf.while that
/// stops at the first difference, as TensorFlow's comparison does).
Value buildFirstDifferingColumn(OpBuilder &b, Location loc,
                                const SliceGradOperands &ops, Value i, Value j);

/// The index operands as flat vectors of coordinates (memref<?xi64>), for
/// vector loads of rows; null where the rows are not contiguous.
struct FlatRows {
  Value in, out;
};

/// i1: input row i equals output row j shifted by input_start. With a
/// static R, `startCols` holds input_start's R values and the comparison is
/// unrolled and branch-free, or one vector compare where R >= 4 and `flat`
/// has both views; otherwise it is buildFirstDifferingColumn.
Value buildRowsEqual(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                     ArrayRef<Value> startCols, Value i, Value j,
                     FlatRows flat = {});

/// The highest R that a dynamic R is specialized to.
constexpr int64_t kMaxSpecializedRank = 8;

/// R where the operands' static sizes fix it (also through memref.cast
/// sources), ShapedType::kDynamic where none does, std::nullopt where two
/// disagree (a run-time check fails before the lowering's code runs: casts
/// to either size would be invalid IR).
std::optional<int64_t> fixedNumDims(const SliceGradOperands &ops);

/// The lowering of one op with a static R (or the generic code for a
/// dynamic one): `build` is called with the operands, casted to a static R
/// of 1..kMaxSpecializedRank where R is only known at run time, so that
/// every R that real tensors have gets the unrolled, vectorized code. A
/// larger R, static or not, gets the generic loops over columns, so that
/// compile time does not grow with R. `build` returns the lowering's
/// value (null for none), which this returns.
Value buildForEachRank(
    OpBuilder &b, Location loc, const SliceGradOperands &ops,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICEGRADOPERANDS_H
