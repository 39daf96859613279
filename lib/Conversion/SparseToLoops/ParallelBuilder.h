//===- ParallelBuilder.h - Pieces of the parallel lowering ------*- C++ -*-===//
//
// The IR builders of the parallel strategy (ParallelLowering.cpp), shared by
// its greedy pass (GreedyPass.cpp), its box pass (BoxPass.cpp) and the GPU
// lowering, which runs the box pass one chunk per thread.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SPARSETOLOOPS_PARALLELBUILDER_H
#define SLICEGRAD_LIB_CONVERSION_SPARSETOLOOPS_PARALLELBUILDER_H

#include "LoweringUtils.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// Vector steps per box window of the box pass: the window's output rows
/// stay in L1 between computing the box and the checks.
constexpr int64_t kWindowSteps = 8;

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

/// Builds the pieces of the parallel lowering of one op.
class ParallelBuilder {
public:
  ParallelBuilder(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                  unsigned vectorWidth)
      : ops(ops), loc(loc), vectorWidth(vectorWidth) {
    zero = buildZero(b, loc, ops.eltType);
    // A static R lets the row comparison unroll and input_start stay in
    // registers.
    if (ops.staticNumDims != ShapedType::kDynamic) {
      for (int64_t d = 0; d < ops.staticNumDims; ++d) {
        Value col = arith::ConstantIndexOp::create(b, loc, d);
        startCols.push_back(memref::LoadOp::create(b, loc, ops.start, col));
      }
    }
    if (canVectorize())
      inFlat = memref::CollapseShapeOp::create(
          b, loc, ops.inIdx, ArrayRef<ReassociationIndices>{{0, 1}});
    if (canVectorizeBox())
      outFlat = memref::CollapseShapeOp::create(
          b, loc, ops.outIdx, ArrayRef<ReassociationIndices>{{0, 1}});
  }

  /// Index of the first shifted output row that is not less than input row
  /// i (lexicographic, signed): where the sequential loop's j stands at row i
  /// when both index lists are sorted and unique.
  Value buildLowerBound(OpBuilder &b, Value i);

  /// Where the sequential loop's j stands at the first row of chunk k (of
  /// nChunks chunks of chunkLen rows), if the rows are sorted: 0 for the
  /// first chunk, N_out past the last, else buildLowerBound.
  Value buildGuess(OpBuilder &b, Value k, Value chunkLen, Value nChunks);

  /// The greedy loop over input rows [lo, hi) from output row j0: writes
  /// val_grad[lo..hi) and returns the j it ends with.
  Value buildChunk(OpBuilder &b, Value lo, Value hi, Value j0);

  /// The box pass over input rows [lo, hi), guessed to match output rows
  /// [j0, jEnd): writes val_grad[lo..hi) and returns an i1 that holds when
  /// the guess is proved (see the file comment). Needs a static R >= 1 and
  /// N_out >= 1.
  Value buildBoxChunk(OpBuilder &b, Value lo, Value hi, Value j0, Value jEnd);

  bool canUseBoxPass() const {
    return ops.staticNumDims != ShapedType::kDynamic && ops.staticNumDims > 0;
  }

private:
  /// The box pass's vector steps also need contiguous output indices and
  /// gradients (expanding loads).
  bool canVectorizeBox() const {
    return canVectorize() &&
           cast<MemRefType>(ops.outIdx.getType()).getLayout().isIdentity() &&
           cast<MemRefType>(ops.grad.getType()).getLayout().isIdentity();
  }

  /// Box-pass steps of vectorWidth rows from row lo and output row j0 while
  /// whole steps fit; returns the row, output row and check they end with.
  std::tuple<Value, Value, Value> buildBoxVectorSteps(OpBuilder &b, Value lo,
                                                      Value hi, Value j0);

  /// The box (as flat lane patterns) of the shifted output rows
  /// [j, min(j + kWindowSteps * vectorWidth, N_out)), and that end. Needs
  /// j + vectorWidth <= N_out.
  std::tuple<Value, Value, Value> buildWindowBox(OpBuilder &b, Value j,
                                                 Value startPat);

private:
  /// The vector step needs contiguous rows of a static, non-zero width and
  /// a value type that vectors can hold.
  bool canVectorize() const {
    auto identity = [](Value v) {
      return cast<MemRefType>(v.getType()).getLayout().isIdentity();
    };
    return vectorWidth > 1 && ops.staticNumDims != ShapedType::kDynamic &&
           ops.staticNumDims > 0 && identity(ops.inIdx) &&
           identity(ops.out) && VectorType::isValidElementType(ops.eltType) &&
           !isa<ComplexType>(ops.eltType);
  }

  /// One row: val_grad[i] = equal ? g[j] : 0, j += equal. Branch-free.
  std::pair<Value, Value> buildScalarStep(OpBuilder &b, Value i, Value j);

  /// vectorWidth rows at once: compares them all with output row j, zeroes
  /// them, and stores g[j] at the first that matches (if any). Rows past the
  /// match are zeroed early and written again by later steps.
  std::pair<Value, Value> buildVectorStep(OpBuilder &b, Value i, Value j);

  const SliceGradOperands &ops;
  Location loc;
  unsigned vectorWidth;
  Value zero;
  SmallVector<Value> startCols;
  Value inFlat, outFlat;
};

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SPARSETOLOOPS_PARALLELBUILDER_H
