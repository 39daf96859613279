//===- Box.h - The bounding box of the shifted output rows ------*- C++ -*-===//
//
// Both order-free algorithms (the CPU look-back, the GPU kernels) flag an
// input row when it lies in B, the bounding box of the output rows shifted
// by input_start. These build the bounds of a set of output rows and the
// inside test of one input row; each algorithm lays out and combines the
// partial boxes in its own way.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_BOX_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_BOX_H

#include "SliceGradOperands.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// The bounds of an empty box, where every fold of rows starts: r copies
/// of INT64_MAX (the minima), then r of INT64_MIN (the maxima).
SmallVector<Value> buildEmptyBounds(OpBuilder &b, Location loc, int64_t r);

/// Static R: `init` (R minima, then R maxima) widened by the shifted
/// output rows lo, lo + step, ... below hi; returns the 2R bounds. Every
/// row is read once, all columns at a time.
SmallVector<Value> buildStaticRowBounds(OpBuilder &b, Location loc,
                                        const SliceGradOperands &ops,
                                        ArrayRef<Value> startCols, Value lo,
                                        Value hi, Value step, ValueRange init);

/// Run-time R: column by column, the minimum and maximum of shifted column
/// d over output rows lo, lo + step, ... below hi, handed to `store`.
void buildDynamicRowBounds(
    OpBuilder &b, Location loc, const SliceGradOperands &ops, Value lo,
    Value hi, Value step,
    function_ref<void(OpBuilder &, Location, Value d, Value min, Value max)>
        store);

/// i1: input row i lies in the box. With a static R, `lo` and `hi` hold
/// the R bounds; with a run-time R, `loadBounds` gives column d's.
Value buildInsideBox(
    OpBuilder &b, Location loc, const SliceGradOperands &ops, Value i,
    ArrayRef<Value> lo, ArrayRef<Value> hi,
    function_ref<std::pair<Value, Value>(OpBuilder &, Location, Value d)>
        loadBounds);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_BOX_H
