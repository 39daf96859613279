//===- Strategies.h - The CPU strategies' entry points ----------*- C++ -*-===//
//
// What convert-sparse-to-loops (and the GPU lowering's host fallback)
// call: the two strategies' loops build TensorFlow's result for one op's
// operands and return the j that TensorFlow's loop ends with, which the
// caller checks (emitAllPropagatedCheck) or hands on
// (sparse.slice_grad_resume); buildBoxCount is the partition's count.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_STRATEGIES_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_STRATEGIES_H

#include "SliceGradOperands.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// TensorFlow's sequential loop (GreedyLoop.cpp) from output row `from` (0
/// if null); returns the j it ends with.
Value buildSequentialLoop(OpBuilder &b, Location loc,
                          const SliceGradOperands &ops, unsigned vectorWidth,
                          Value from = Value());

/// The order-free parallel strategy (LookBack.cpp) with flagged rows
/// numbered from output row `from` (0 if null); returns the j of
/// TensorFlow's loop after the last row.
Value buildParallelLoop(OpBuilder &b, Location loc,
                        const SliceGradOperands &ops, int64_t chunkRows,
                        unsigned vectorWidth, Value from = Value());

/// The number of input rows inside the bounding box of the shifted output
/// rows (sparse.slice_grad_count): the look-back pass's box and count.
Value buildBoxCount(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                    int64_t chunkRows, unsigned vectorWidth);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_STRATEGIES_H
