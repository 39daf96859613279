//===- SliceGradBuilder.h - The CPU algorithms' common pieces ---*- C++ -*-===//
//
// What the CPU strategies build with for one op (SliceGradBuilder.cpp):
// input_start in registers, the flat views and lane patterns of the vector
// steps, the row compare and the "is this step a run" test, the zero fill;
// and TensorFlow's greedy loop over a range of rows (GreedyLoop.cpp: the
// sequential strategy, and the parallel strategy's exact resumption). The
// look-back pass (LookBack.cpp) builds on it.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICEGRADBUILDER_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICEGRADBUILDER_H

#include "CodegenUtils.h"
#include "SliceGradOperands.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// Column d of `rows`, a vector of `width` rows of `numDims` coordinates
/// laid out row by row (lanes d, numDims + d, 2 numDims + d, ...).
inline Value extractColumn(OpBuilder &b, Location loc, Value rows,
                           int64_t width, int64_t numDims, int64_t d) {
  if (numDims == 1)
    return rows;
  SmallVector<int64_t> mask;
  for (int64_t r = 0; r < width; ++r)
    mask.push_back(r * numDims + d);
  return vector::ShuffleOp::create(b, loc, rows, rows, mask);
}

/// The split loop's parts (SplitLoop.cpp): part p's rows are [starts[p],
/// starts[p + 1]), its guessed j guesses[p] (i64 buffers).
struct SplitPlan {
  Value starts, guesses, nParts;
};

/// Builds the pieces of the lowering of one op.
class SliceGradBuilder {
public:
  SliceGradBuilder(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                   unsigned vectorWidth);

  /// TensorFlow's greedy loop over input rows [lo, hi) from output row j0:
  /// writes val_grad[lo..hi) and returns the j it ends with.
  Value buildGreedyLoop(OpBuilder &b, Value lo, Value hi, Value j0);

  /// The same loop over [lo, hi) (lo < hi) in parts of about partRows rows
  /// run in parallel, each from a guessed j, then verified in order
  /// (SplitLoop.cpp); the same values and j.
  Value buildSplitGreedyLoop(OpBuilder &b, Value lo, Value hi, Value j0,
                             Value partRows);
  /// Its stages: the runtime's plan (one part where the output rows from
  /// j0 neither ascend nor are the input rows from lo in order) in new
  /// buffers, or in given ones (as large as a plan of more rows needs;
  /// returns the number of parts), and the rounds that run it.
  SplitPlan buildSplitPlan(OpBuilder &b, Value lo, Value hi, Value j0,
                           Value partRows);
  Value callSplitPlan(OpBuilder &b, Value lo, Value hi, Value j0,
                      Value partRows, Value starts, Value guesses);
  Value buildSplitRounds(OpBuilder &b, const SplitPlan &plan, Value j0);
  void freeSplitPlan(OpBuilder &b, const SplitPlan &plan);

  /// i1: input row `row` equals output row j shifted by input_start; with
  /// a static R >= 4 and contiguous operands, one vector compare.
  Value buildRowEqual(OpBuilder &b, Value row, Value j);

  /// The "is this step a run" test of both CPU strategies, lane by lane:
  /// the vectorWidth input rows from i `pred` the vectorWidth output rows
  /// from j, shifted (canVectorizeExpand only). All lanes eq: a run of a
  /// dense slice. (Each caller reduces it in the form its IR always had:
  /// the generated code, block layout included, stays what it was.)
  Value buildStepCompare(OpBuilder &b, arith::CmpIPredicate pred, Value i,
                         Value j);

  /// `cols` (R values) repeated in the vectorWidth x R lanes of a flat
  /// vector of rows.
  Value buildLanePattern(OpBuilder &b, ArrayRef<Value> cols);

  /// val_grad[lo..hi) = 0.
  void buildZeroFill(OpBuilder &b, Value lo, Value hi);

  /// The vector steps need contiguous rows of a static, non-zero width and
  /// a value type that vectors can hold.
  bool canVectorize() const;

  /// Vector steps over input rows alone (the count of rows inside the
  /// box, and their flags): any value type.
  bool canVectorizeInputRows() const;

  /// Vector steps over output rows alone (the box): any value type.
  bool canVectorizeOutputRows() const;

  /// The look-back pass's vector steps also need contiguous output indices
  /// and gradients (expanding loads), and values whose bits vectors move
  /// exactly (expandStepsMoveValues).
  bool canVectorizeExpand() const;

  /// Values that the expanding steps (the greedy loop's runs, the write's
  /// vector steps) can move: not complex, not 16-bit floats.
  static bool expandStepsMoveValues(Type eltType);

  const SliceGradOperands &ops;
  Location loc;
  unsigned vectorWidth;
  Value zero;
  /// input_start's R values (static R only).
  SmallVector<Value> startCols;
  /// The index operands as flat vectors of coordinates (vector steps only).
  Value inFlat, outFlat;
  /// input_start as buildLanePattern lanes (with outFlat).
  Value startPat;

private:
  /// One row with j < N_out: if it equals output row j, store g[j] and
  /// advance j (the row was zeroed).
  std::pair<Value, Value> buildScalarStep(OpBuilder &b, Value i, Value j);

  /// vectorWidth rows with i + vectorWidth <= hi and j + vectorWidth <=
  /// N_out: at once where they are the next vectorWidth output rows (a run
  /// of matches), else one scalar step each.
  std::pair<Value, Value> buildRunOrScalarSteps(OpBuilder &b, Value i, Value j);
};

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICEGRADBUILDER_H
