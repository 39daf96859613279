//===- ParallelLowering.cpp - Chunked, verified slice_grad ----------------===//
//
// TensorFlow's greedy loop is sequential only through j, the next output row
// to match. Split the input rows into chunks and start each chunk's greedy
// loop from a guess of j (a binary search of the chunk's first row among the
// shifted output rows: exact when the rows are sorted and unique). Chunk k,
// started from the j the sequential loop has at its first row, computes
// exactly the sequential loop's values for its rows and ends with the
// sequential loop's j at its end. So a chain of chunks whose guesses equal
// their predecessor's end is correct by induction from chunk 0 (guess 0); a
// sequential fix-up walks the chain and reruns each chunk whose guess was
// wrong from the true j. No order is assumed: a bad guess costs time, never
// a wrong value.
//
// Before that greedy pass, a box pass handles the common case (the output
// rows really are the input rows inside a box, in order) in one streaming,
// branch-free pass: each chunk flags the input rows inside the bounding box
// of its guessed output rows (plus the first output row after them),
// numbers the flagged rows from its guess and checks each against the
// output row of that number. When every chunk's check holds and its count
// meets the next chunk's guess, the greedy loop matches exactly the flagged
// rows (an unflagged row lies outside a box that holds the next output
// row, so it cannot match it): the result is final. Otherwise the greedy
// pass runs and overwrites everything.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

/// Vector steps per box window of the box pass: the window's output rows
/// stay in L1 between computing the box and the checks.
static constexpr int64_t kWindowSteps = 8;

namespace {
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
} // namespace

Value ParallelBuilder::buildLowerBound(OpBuilder &b, Value i) {
  Type indexType = b.getIndexType();
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType}, ValueRange{c0, ops.nOut},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value more = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                           args[0], args[1]);
        scf::ConditionOp::create(nb, l, more, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value lo = args[0], hi = args[1];
        Value c1 = arith::ConstantIndexOp::create(nb, l, 1);
        Value sum = arith::AddIOp::create(nb, l, lo, hi);
        Value mid = arith::ShRUIOp::create(nb, l, sum, c1);
        // shifted output row mid < input row i?
        Value d = buildFirstDifferingColumn(nb, l, ops, i, mid);
        Value differs = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                              d, ops.numDims);
        auto less = scf::IfOp::create(
            nb, l, differs,
            [&](OpBuilder &tb, Location tl) {
              Value a =
                  memref::LoadOp::create(tb, tl, ops.inIdx, ValueRange{i, d});
              Value o = memref::LoadOp::create(tb, tl, ops.outIdx,
                                               ValueRange{mid, d});
              Value s = memref::LoadOp::create(tb, tl, ops.start, d);
              Value shifted = arith::AddIOp::create(tb, tl, o, s);
              Value lt = arith::CmpIOp::create(
                  tb, tl, arith::CmpIPredicate::slt, shifted, a);
              scf::YieldOp::create(tb, tl, lt);
            },
            [&](OpBuilder &eb, Location el) {
              Value f = arith::ConstantIntOp::create(eb, el, 0, /*width=*/1);
              scf::YieldOp::create(eb, el, f);
            });
        Value isLess = less.getResult(0);
        Value midPlus1 = arith::AddIOp::create(nb, l, mid, c1);
        Value newLo = arith::SelectOp::create(nb, l, isLess, midPlus1, lo);
        Value newHi = arith::SelectOp::create(nb, l, isLess, hi, mid);
        scf::YieldOp::create(nb, l, ValueRange{newLo, newHi});
      });
  return loop.getResult(0);
}

Value ParallelBuilder::buildGuess(OpBuilder &b, Value k, Value chunkLen,
                                  Value nChunks) {
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value isFirst =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k, c0);
  Value isEnd =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, k, nChunks);
  auto guess = scf::IfOp::create(
      b, loc, arith::OrIOp::create(b, loc, isFirst, isEnd),
      [&](OpBuilder &tb, Location tl) {
        Value j = arith::SelectOp::create(tb, tl, isFirst, c0, ops.nOut);
        scf::YieldOp::create(tb, tl, j);
      },
      [&](OpBuilder &eb, Location el) {
        Value lo = arith::MulIOp::create(eb, el, k, chunkLen);
        scf::YieldOp::create(eb, el, buildLowerBound(eb, lo));
      });
  return guess.getResult(0);
}

std::pair<Value, Value> ParallelBuilder::buildScalarStep(OpBuilder &b,
                                                         Value i, Value j) {
  Value same = buildRowsEqual(b, loc, ops, startCols, i, j);
  Value g = memref::LoadOp::create(b, loc, ops.grad, j);
  Value v = arith::SelectOp::create(b, loc, same, g, zero);
  memref::StoreOp::create(b, loc, v, ops.out, i);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value nextI = arith::AddIOp::create(b, loc, i, c1);
  Value jPlus1 = arith::AddIOp::create(b, loc, j, c1);
  Value nextJ = arith::SelectOp::create(b, loc, same, jPlus1, j);
  return {nextI, nextJ};
}

std::pair<Value, Value> ParallelBuilder::buildVectorStep(OpBuilder &b,
                                                         Value i, Value j) {
  int64_t numDims = ops.staticNumDims;
  int64_t width = vectorWidth;
  auto rowsType = VectorType::get({width * numDims}, b.getI64Type());
  auto colType = VectorType::get({width}, b.getI64Type());
  auto laneType = VectorType::get({width}, b.getI32Type());

  // width rows of R coordinates, one contiguous load.
  Value cR = arith::ConstantIndexOp::create(b, loc, numDims);
  Value flatPos = arith::MulIOp::create(b, loc, i, cR);
  Value rows = vector::LoadOp::create(b, loc, rowsType, inFlat, flatPos);

  // Lane r is set when row i + r equals output row j + input_start.
  Value same;
  for (int64_t d = 0; d < numDims; ++d) {
    Value col = rows;
    if (numDims > 1) {
      SmallVector<int64_t> mask;
      for (int64_t r = 0; r < width; ++r)
        mask.push_back(r * numDims + d);
      col = vector::ShuffleOp::create(b, loc, colType, rows, rows, mask);
    }
    Value cd = arith::ConstantIndexOp::create(b, loc, d);
    Value o = memref::LoadOp::create(b, loc, ops.outIdx, ValueRange{j, cd});
    Value target = arith::AddIOp::create(b, loc, o, startCols[d]);
    Value splat = vector::BroadcastOp::create(b, loc, colType, target);
    Value eq = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, col,
                                     splat);
    same = same ? arith::AndIOp::create(b, loc, same, eq).getResult() : eq;
  }

  // The first matching lane, or width when none matches.
  SmallVector<int32_t> iota;
  for (int32_t r = 0; r < width; ++r)
    iota.push_back(r);
  Value lanes = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(laneType, ArrayRef<int32_t>(iota)));
  Value none = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(laneType, static_cast<int32_t>(width)));
  Value candidates = arith::SelectOp::create(b, loc, same, lanes, none);
  Value first = vector::ReductionOp::create(b, loc, vector::CombiningKind::MINUI,
                                            candidates);
  Value firstIdx =
      arith::IndexCastUIOp::create(b, loc, b.getIndexType(), first);

  auto valuesType = VectorType::get({width}, ops.eltType);
  Value zeros = vector::BroadcastOp::create(b, loc, valuesType, zero);
  vector::StoreOp::create(b, loc, zeros, ops.out, i);

  Value cWidth = arith::ConstantIndexOp::create(b, loc, width);
  Value found = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                      firstIdx, cWidth);
  auto step = scf::IfOp::create(
      b, loc, found,
      [&](OpBuilder &tb, Location tl) {
        Value c1 = arith::ConstantIndexOp::create(tb, tl, 1);
        Value row = arith::AddIOp::create(tb, tl, i, firstIdx);
        Value g = memref::LoadOp::create(tb, tl, ops.grad, j);
        memref::StoreOp::create(tb, tl, g, ops.out, row);
        Value nextI = arith::AddIOp::create(tb, tl, row, c1);
        Value nextJ = arith::AddIOp::create(tb, tl, j, c1);
        scf::YieldOp::create(tb, tl, ValueRange{nextI, nextJ});
      },
      [&](OpBuilder &eb, Location el) {
        Value nextI = arith::AddIOp::create(eb, el, i, cWidth);
        scf::YieldOp::create(eb, el, ValueRange{nextI, j});
      });
  return {step.getResult(0), step.getResult(1)};
}

Value ParallelBuilder::buildChunk(OpBuilder &b, Value lo, Value hi, Value j0) {
  Type indexType = b.getIndexType();
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType}, ValueRange{lo, j0},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value iInRange = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::ult, args[0], hi);
        Value jInRange = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::ult, args[1], ops.nOut);
        Value cond = arith::AndIOp::create(nb, l, iInRange, jInRange);
        scf::ConditionOp::create(nb, l, cond, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = args[0], j = args[1];
        if (!canVectorize()) {
          auto [nextI, nextJ] = buildScalarStep(nb, i, j);
          scf::YieldOp::create(nb, l, ValueRange{nextI, nextJ});
          return;
        }
        Value cWidth = arith::ConstantIndexOp::create(nb, l, vectorWidth);
        Value vecEnd = arith::AddIOp::create(nb, l, i, cWidth);
        Value fits = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule,
                                           vecEnd, hi);
        auto step = scf::IfOp::create(
            nb, l, fits,
            [&](OpBuilder &tb, Location tl) {
              auto [nextI, nextJ] = buildVectorStep(tb, i, j);
              scf::YieldOp::create(tb, tl, ValueRange{nextI, nextJ});
            },
            [&](OpBuilder &eb, Location el) {
              auto [nextI, nextJ] = buildScalarStep(eb, i, j);
              scf::YieldOp::create(eb, el, ValueRange{nextI, nextJ});
            });
        scf::YieldOp::create(nb, l, step.getResults());
      });

  // Every output row matched: the rest of the chunk is zero.
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  scf::ForOp::create(b, loc, loop.getResult(0), hi, c1, ValueRange{},
                     [&](OpBuilder &nb, Location l, Value i, ValueRange) {
                       memref::StoreOp::create(nb, l, zero, ops.out, i);
                       scf::YieldOp::create(nb, l);
                     });
  return loop.getResult(1);
}

Value ParallelBuilder::buildBoxChunk(OpBuilder &b, Value lo, Value hi,
                                     Value j0, Value jEnd) {
  int64_t numDims = ops.staticNumDims;
  Type i64 = b.getI64Type();
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value isTrue = arith::ConstantIntOp::create(b, loc, 1, /*width=*/1);
  Value nOutMinus1 = arith::SubIOp::create(b, loc, ops.nOut, c1);
  SmallVector<Value> cols;
  for (int64_t d = 0; d < numDims; ++d)
    cols.push_back(arith::ConstantIndexOp::create(b, loc, d));
  auto shiftedOut = [&](OpBuilder &nb, Location l, Value j, int64_t d) {
    Value o = memref::LoadOp::create(nb, l, ops.outIdx, ValueRange{j, cols[d]});
    return arith::AddIOp::create(nb, l, o, startCols[d]).getResult();
  };

  // One row: flagged when inside the box [boxLo, boxHi] (or, without a box,
  // when it equals output row j: the greedy step itself); a flagged row must
  // equal output row j. Writes g[j] or zero; returns the next j and check.
  auto row = [&](OpBuilder &nb, Location l, Value i, Value j, Value ok,
                 ValueRange boxLo, ValueRange boxHi) -> std::pair<Value, Value> {
    // Loads stay in bounds even where the guess was wrong.
    Value jLoad = arith::MinUIOp::create(nb, l, j, nOutMinus1);
    Value jValid =
        arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, j, ops.nOut);
    Value flag, same;
    for (int64_t d = 0; d < numDims; ++d) {
      Value x =
          memref::LoadOp::create(nb, l, ops.inIdx, ValueRange{i, cols[d]});
      Value eq = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, x,
                                       shiftedOut(nb, l, jLoad, d));
      same = same ? arith::AndIOp::create(nb, l, same, eq).getResult() : eq;
      if (boxLo.empty())
        continue;
      Value above = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, x,
                                          boxLo[d]);
      Value below = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sle, x,
                                          boxHi[d]);
      Value inside = arith::AndIOp::create(nb, l, above, below);
      flag = flag ? arith::AndIOp::create(nb, l, flag, inside).getResult()
                  : inside;
    }
    Value good = arith::AndIOp::create(nb, l, same, jValid);
    if (!flag)
      flag = good;
    Value notGood = arith::XOrIOp::create(nb, l, good, isTrue);
    Value bad = arith::AndIOp::create(nb, l, flag, notGood);
    Value notBad = arith::XOrIOp::create(nb, l, bad, isTrue);
    Value nextOk = arith::AndIOp::create(nb, l, ok, notBad);
    Value g = memref::LoadOp::create(nb, l, ops.grad, jLoad);
    Value v = arith::SelectOp::create(nb, l, flag, g, zero);
    memref::StoreOp::create(nb, l, v, ops.out, i);
    Value jPlus1 = arith::AddIOp::create(nb, l, j, c1);
    Value nextJ = arith::SelectOp::create(nb, l, flag, jPlus1, j);
    return {nextJ, nextOk};
  };

  Value tailStart = lo, tailJ = j0, tailOk = isTrue;
  SmallVector<Value> boxLo, boxHi;
  if (canVectorizeBox()) {
    // Vector steps, each with the box of the output rows it can meet; the
    // rows after them take the greedy step.
    auto [i, j, ok] = buildBoxVectorSteps(b, lo, hi, j0);
    tailStart = i;
    tailJ = j;
    tailOk = ok;
  } else {
    // One box for the chunk: of the shifted output rows [j0, min(jEnd,
    // N_out - 1)], the rows the chunk should match and the one after them;
    // empty (lo > hi) when there are none.
    SmallVector<Value> init;
    init.append(numDims, arith::ConstantIntOp::create(
                             b, loc, i64, std::numeric_limits<int64_t>::max()));
    init.append(numDims, arith::ConstantIntOp::create(
                             b, loc, i64, std::numeric_limits<int64_t>::min()));
    Value jEndPlus1 = arith::AddIOp::create(b, loc, jEnd, c1);
    Value boxEnd = arith::MinUIOp::create(b, loc, jEndPlus1, ops.nOut);
    auto box = scf::ForOp::create(
        b, loc, j0, boxEnd, c1, init,
        [&](OpBuilder &nb, Location l, Value j, ValueRange bounds) {
          SmallVector<Value> next(numDims * 2);
          for (int64_t d = 0; d < numDims; ++d) {
            Value v = shiftedOut(nb, l, j, d);
            next[d] = arith::MinSIOp::create(nb, l, bounds[d], v);
            next[numDims + d] =
                arith::MaxSIOp::create(nb, l, bounds[numDims + d], v);
          }
          scf::YieldOp::create(nb, l, next);
        });
    boxLo.assign(box.getResults().begin(), box.getResults().begin() + numDims);
    boxHi.assign(box.getResults().begin() + numDims, box.getResults().end());
  }
  auto pass = scf::ForOp::create(
      b, loc, tailStart, hi, c1, ValueRange{tailJ, tailOk},
      [&](OpBuilder &nb, Location l, Value i, ValueRange state) {
        auto [nextJ, nextOk] = row(nb, l, i, state[0], state[1], boxLo, boxHi);
        scf::YieldOp::create(nb, l, ValueRange{nextJ, nextOk});
      });
  Value meets = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      pass.getResult(0), jEnd);
  return arith::AndIOp::create(b, loc, pass.getResult(1), meets);
}

std::tuple<Value, Value, Value>
ParallelBuilder::buildWindowBox(OpBuilder &b, Value j, Value startPat) {
  int64_t numDims = ops.staticNumDims;
  int64_t width = vectorWidth;
  auto flatType = VectorType::get({width * numDims}, b.getI64Type());
  Value cR = arith::ConstantIndexOp::create(b, loc, numDims);
  Value cWidth = arith::ConstantIndexOp::create(b, loc, width);
  Value cWindow = arith::ConstantIndexOp::create(b, loc, kWindowSteps * width);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  // [j, end) with end = min(j + window, N_out) >= j + width (the steps run
  // only while width output rows remain). Loads of width rows from j on; the
  // last one ends at `end` and may overlap the one before.
  Value end = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, j, cWindow), ops.nOut);
  Value lastStart = arith::SubIOp::create(b, loc, end, cWidth);
  Value span = arith::SubIOp::create(b, loc, end, j);
  Value loads = arith::CeilDivUIOp::create(b, loc, span, cWidth);
  auto shiftedRows = [&](OpBuilder &nb, Location l, Value row) {
    Value flat = arith::MulIOp::create(nb, l, row, cR);
    Value rows =
        vector::LoadOp::create(nb, l, flatType, outFlat, ValueRange{flat});
    return arith::AddIOp::create(nb, l, rows, startPat).getResult();
  };
  Value first = shiftedRows(b, loc, j);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  auto acc = scf::ForOp::create(
      b, loc, c1, loads, c1, ValueRange{first, first},
      [&](OpBuilder &nb, Location l, Value t, ValueRange bounds) {
        Value row = arith::MinUIOp::create(
            nb, l, arith::AddIOp::create(nb, l, j,
                                         arith::MulIOp::create(nb, l, t, cWidth)),
            lastStart);
        Value v = shiftedRows(nb, l, row);
        Value lo = arith::MinSIOp::create(nb, l, bounds[0], v);
        Value hi = arith::MaxSIOp::create(nb, l, bounds[1], v);
        scf::YieldOp::create(nb, l, ValueRange{lo, hi});
      });
  (void)c0;
  // Rotating by 1, 2, 4, ... rows spreads each column's min and max to
  // every lane of that column.
  Value lo = acc.getResult(0), hi = acc.getResult(1);
  for (int64_t shift = 1; shift < width; shift *= 2) {
    SmallVector<int64_t> mask;
    for (int64_t r = 0; r < width; ++r)
      for (int64_t d = 0; d < numDims; ++d)
        mask.push_back(((r + shift) % width) * numDims + d);
    Value loRot = vector::ShuffleOp::create(b, loc, lo, lo, mask);
    Value hiRot = vector::ShuffleOp::create(b, loc, hi, hi, mask);
    lo = arith::MinSIOp::create(b, loc, lo, loRot);
    hi = arith::MaxSIOp::create(b, loc, hi, hiRot);
  }
  return {lo, hi, end};
}

std::tuple<Value, Value, Value>
ParallelBuilder::buildBoxVectorSteps(OpBuilder &b, Value lo, Value hi,
                                     Value j0) {
  int64_t numDims = ops.staticNumDims;
  int64_t width = vectorWidth;
  int64_t flatWidth = width * numDims;
  Type i64 = b.getI64Type();
  auto flatType = VectorType::get({flatWidth}, i64);
  auto valuesType = VectorType::get({width}, ops.eltType);
  auto countType = VectorType::get({width}, b.getI32Type());

  // Per flat lane r * R + d: the box bounds and input_start of column d.
  auto pattern = [&](auto column) {
    SmallVector<Value> lanes;
    for (int64_t r = 0; r < width; ++r)
      for (int64_t d = 0; d < numDims; ++d)
        lanes.push_back(column(d));
    return vector::FromElementsOp::create(b, loc, flatType, lanes).getResult();
  };
  Value startPat = pattern([&](int64_t d) { return startCols[d]; });
  Value zeros = vector::BroadcastOp::create(b, loc, valuesType, zero);
  auto splat = [&](VectorType type, int64_t v) {
    return arith::ConstantOp::create(
               b, loc, DenseElementsAttr::get(type, b.getI64IntegerAttr(v)))
        .getResult();
  };
  Value allOnes = splat(flatType, -1), noBits = splat(flatType, 0);
  // Masks as integer bits where they fit one and halve evenly.
  bool useBitMasks = flatWidth <= 64 && llvm::isPowerOf2_64(width);
  Value rowZeros = splat(VectorType::get({width}, i64), 0);
  Value cR = arith::ConstantIndexOp::create(b, loc, numDims);
  Value cWidth = arith::ConstantIndexOp::create(b, loc, width);
  Value isTrue = arith::ConstantIntOp::create(b, loc, 1, /*width=*/1);
  Type indexType = b.getIndexType();
  Value lastFlat = arith::SubIOp::create(
      b, loc, arith::MulIOp::create(b, loc, ops.nOut, cR),
      arith::ConstantIndexOp::create(b, loc, 1));

  // Steps run while width rows remain and width output rows exist past j,
  // so that the expanding loads stay in bounds whatever the guess.
  // State: row, output row, check, the window's end and its box.
  auto loop = scf::WhileOp::create(
      b, loc,
      TypeRange{indexType, indexType, b.getI1Type(), indexType, flatType,
                flatType},
      ValueRange{lo, j0, isTrue, j0, noBits, noBits},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value iEnd = arith::AddIOp::create(nb, l, args[0], cWidth);
        Value jEnd = arith::AddIOp::create(nb, l, args[1], cWidth);
        Value rowsLeft =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule, iEnd, hi);
        Value outLeft = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule,
                                              jEnd, ops.nOut);
        Value cond = arith::AndIOp::create(nb, l, rowsLeft, outLeft);
        scf::ConditionOp::create(nb, l, cond, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = args[0], j = args[1], ok = args[2];
        Value iFlat = arith::MulIOp::create(nb, l, i, cR);
        Value rows =
            vector::LoadOp::create(nb, l, flatType, inFlat, ValueRange{iFlat});
        // The box of a window of output rows [j, windowEnd) that holds
        // every row this step's rows can meet (j .. j + width - 1);
        // recomputed when j gets too close to the window's end.
        Value windowEnd = args[3];
        Value stepEnd = arith::AddIOp::create(nb, l, j, cWidth);
        Value stale = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ugt,
                                            stepEnd, windowEnd);
        auto window = scf::IfOp::create(
            nb, l, stale,
            [&](OpBuilder &tb, Location tl) {
              auto [lo2, hi2, end2] = buildWindowBox(tb, j, startPat);
              scf::YieldOp::create(tb, tl, ValueRange{lo2, hi2, end2});
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, ValueRange{args[4], args[5],
                                                      windowEnd});
            });
        Value loPat = window.getResult(0), hiPat = window.getResult(1);
        Value jFlat = arith::MulIOp::create(nb, l, j, cR);
        // The next window's output rows, ahead of time (in bounds).
        for (int64_t q = 0; q * 8 < flatWidth; ++q) {
          Value ahead = arith::AddIOp::create(
              nb, l, jFlat,
              arith::ConstantIndexOp::create(
                  nb, l, kWindowSteps * flatWidth + q * 8));
          Value clamped = arith::MinUIOp::create(nb, l, ahead, lastFlat);
          memref::PrefetchOp::create(nb, l, outFlat, ValueRange{clamped},
                                     /*isWrite=*/false, /*localityHint=*/3,
                                     /*isDataCache=*/true);
        }
        Value above = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge,
                                            rows, loPat);
        Value below = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sle,
                                            rows, hiPat);
        Value inside = arith::AndIOp::create(nb, l, above, below);
        // A row is flagged when all its coordinates are inside the box.
        Value flags, flatFlags;
        if (useBitMasks) {
          // As bits of an integer: lane r * R + d is bit r * R + d. AND each
          // row's R bits into bit r * R; R copies of it are the flat mask;
          // gathering bits 0, R, 2R, ... gives the row mask.
          Type bitsType = nb.getIntegerType(flatWidth);
          auto bits = [&](Value mask) {
            auto type = VectorType::get({1}, bitsType);
            Value v = vector::BitCastOp::create(nb, l, type, mask);
            return vector::ExtractOp::create(nb, l, v, ArrayRef<int64_t>{0})
                .getResult();
          };
          auto constant = [&](Type type, uint64_t v) {
            return arith::ConstantOp::create(
                       nb, l, IntegerAttr::get(type, APInt(
                                  type.getIntOrFloatBitWidth(), v)))
                .getResult();
          };
          auto shr = [&](Value v, uint64_t by) {
            return arith::ShRUIOp::create(nb, l, v,
                                          constant(v.getType(), by))
                .getResult();
          };
          auto andC = [&](Value v, uint64_t c) {
            return arith::AndIOp::create(nb, l, v, constant(v.getType(), c))
                .getResult();
          };
          auto toMask = [&](Value v, int64_t lanes) {
            auto type = VectorType::get({1}, v.getType());
            Value vec = vector::BroadcastOp::create(nb, l, type, v);
            return vector::BitCastOp::create(
                       nb, l, VectorType::get({lanes}, nb.getI1Type()), vec)
                .getResult();
          };
          uint64_t rowBits = 0;
          for (int64_t r = 0; r < width; ++r)
            rowBits |= uint64_t(1) << (r * numDims);
          Value all = bits(inside);
          Value acc = all;
          for (int64_t d = 1; d < numDims; ++d)
            acc = arith::AndIOp::create(nb, l, acc, shr(all, d));
          Value rowAll = andC(acc, rowBits);
          Value copies = arith::MulIOp::create(
              nb, l, rowAll,
              constant(bitsType, (uint64_t(1) << numDims) - 1));
          flatFlags = toMask(copies, flatWidth);
          // Halve the distance between neighbouring bits log2(width) times.
          Value packed = rowAll;
          for (int64_t group = 1; group < width; group *= 2) {
            packed = arith::OrIOp::create(
                nb, l, packed, shr(packed, uint64_t(group) * (numDims - 1)));
            uint64_t keep = 0;
            for (int64_t g = 0; g * group * 2 < width; ++g)
              for (int64_t k = 0; k < 2 * group; ++k)
                keep |= uint64_t(1) << (g * 2 * group * numDims + k);
            packed = andC(packed, keep);
          }
          Value rowBitsValue =
              flatWidth == width
                  ? packed
                  : arith::TruncIOp::create(nb, l, nb.getIntegerType(width),
                                            packed)
                        .getResult();
          flags = toMask(rowBitsValue, width);
        } else {
          // As i64 words: shuffles of i1 vectors lower to long mask register
          // sequences on x86.
          Value insideWords =
              arith::SelectOp::create(nb, l, inside, allOnes, noBits);
          Value flagWords;
          for (int64_t d = 0; d < numDims; ++d) {
            Value col = insideWords;
            if (numDims > 1) {
              SmallVector<int64_t> mask;
              for (int64_t r = 0; r < width; ++r)
                mask.push_back(r * numDims + d);
              col = vector::ShuffleOp::create(nb, l, insideWords, insideWords,
                                              mask);
            }
            flagWords = flagWords ? arith::AndIOp::create(nb, l, flagWords, col)
                                        .getResult()
                                  : col;
          }
          Value flatFlagWords = flagWords;
          if (numDims > 1) {
            SmallVector<int64_t> mask;
            for (int64_t r = 0; r < width; ++r)
              mask.append(numDims, r);
            flatFlagWords =
                vector::ShuffleOp::create(nb, l, flagWords, flagWords, mask);
          }
          flags = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne,
                                        flagWords, rowZeros);
          flatFlags = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne,
                                            flatFlagWords, noBits);
        }
        // The flagged rows take output rows j, j + 1, ... in order: expand
        // them (and their gradients) into the flagged lanes.
        // Where every row is flagged (a dense slice), plain loads do.
        Value allFlagged = vector::ReductionOp::create(
            nb, l, vector::CombiningKind::AND, flags);
        auto loads = scf::IfOp::create(
            nb, l, allFlagged,
            [&](OpBuilder &tb, Location tl) {
              Value e = vector::LoadOp::create(tb, tl, flatType, outFlat,
                                               ValueRange{jFlat});
              Value v = vector::LoadOp::create(tb, tl, valuesType, ops.grad,
                                               ValueRange{j});
              scf::YieldOp::create(tb, tl, ValueRange{e, v});
            },
            [&](OpBuilder &eb, Location el) {
              Value e = vector::ExpandLoadOp::create(
                  eb, el, flatType, outFlat, ValueRange{jFlat}, flatFlags,
                  rows);
              Value v = vector::ExpandLoadOp::create(
                  eb, el, valuesType, ops.grad, ValueRange{j}, flags, zeros);
              scf::YieldOp::create(eb, el, ValueRange{e, v});
            });
        Value expected = loads.getResult(0);
        Value shifted = arith::AddIOp::create(nb, l, expected, startPat);
        Value differs = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne,
                                              rows, shifted);
        Value bad = arith::AndIOp::create(nb, l, differs, flatFlags);
        Value anyBad = vector::ReductionOp::create(
            nb, l, vector::CombiningKind::OR, bad);
        Value nextOk = arith::AndIOp::create(
            nb, l, ok, arith::XOrIOp::create(nb, l, anyBad, isTrue));
        vector::StoreOp::create(nb, l, loads.getResult(1), ops.out, i);
        Value counts = arith::ExtUIOp::create(nb, l, countType, flags);
        Value count = vector::ReductionOp::create(
            nb, l, vector::CombiningKind::ADD, counts);
        Value nextJ = arith::AddIOp::create(
            nb, l, j,
            arith::IndexCastUIOp::create(nb, l, nb.getIndexType(), count));
        Value nextI = arith::AddIOp::create(nb, l, i, cWidth);
        scf::YieldOp::create(nb, l,
                             ValueRange{nextI, nextJ, nextOk,
                                        window.getResult(2), loPat, hiPat});
      });
  return {loop.getResult(0), loop.getResult(1), loop.getResult(2)};
}

/// At most this many chunks: the chain needs two words per chunk, kept on the
/// stack (16 KiB), and 1024 chunks balance any thread count we run on.
static constexpr int64_t kMaxChunks = 1024;

void lowering::buildParallelLowering(OpBuilder &b, Location loc,
                                     const SliceGradOperands &ops,
                                     int64_t chunkRows, unsigned vectorWidth,
                                     bool boxPass) {
  ParallelBuilder builder(b, loc, ops, vectorWidth);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  // chunkLen = max(chunk-rows, ceil(N_in / kMaxChunks)); the last chunk is
  // the only short one and none is empty.
  Value cChunk = arith::ConstantIndexOp::create(b, loc, chunkRows);
  Value cMax = arith::ConstantIndexOp::create(b, loc, kMaxChunks);
  Value minLen = arith::CeilDivUIOp::create(b, loc, ops.nIn, cMax);
  Value chunkLen = arith::MaxUIOp::create(b, loc, cChunk, minLen);
  Value nChunks = arith::CeilDivUIOp::create(b, loc, ops.nIn, chunkLen);
  auto chunkBounds = [&](OpBuilder &nb, Value k) -> std::pair<Value, Value> {
    Value lo = arith::MulIOp::create(nb, loc, k, chunkLen);
    Value end = arith::AddIOp::create(nb, loc, lo, chunkLen);
    Value hi = arith::MinUIOp::create(nb, loc, end, ops.nIn);
    return {lo, hi};
  };
  auto guessAt = [&](OpBuilder &nb, Location l, Value k) {
    return builder.buildGuess(nb, k, chunkLen, nChunks);
  };

  // The chain lives in an alloca scope, so that an op inside a loop does
  // not grow the stack. The scope returns the final j as i64: LLVM 22's
  // finalize-memref-to-llvm leaves index-typed scope results unconverted.
  Type indexType = b.getIndexType();
  auto scope =
      memref::AllocaScopeOp::create(b, loc, TypeRange{b.getI64Type()});
  {
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&scope.getBodyRegion());
    // Two words per chunk: the j it started from and the j it ended with
    // (the box pass: whether its guess was proved).
    auto chunkArrayType = MemRefType::get({kMaxChunks}, indexType);
    Value guesses = memref::AllocaOp::create(b, loc, chunkArrayType);
    Value ends = memref::AllocaOp::create(b, loc, chunkArrayType);

    // The greedy pass: right on every input; returns the final j.
    auto buildGreedy = [&](OpBuilder &gb) -> Value {
      scf::ParallelOp::create(
          gb, loc, ValueRange{c0}, ValueRange{nChunks}, ValueRange{c1},
          [&](OpBuilder &nb, Location l, ValueRange ivs) {
            Value k = ivs[0];
            auto [lo, hi] = chunkBounds(nb, k);
            Value j0 = guessAt(nb, l, k);
            memref::StoreOp::create(nb, l, j0, guesses, k);
            Value jEnd = builder.buildChunk(nb, lo, hi, j0);
            memref::StoreOp::create(nb, l, jEnd, ends, k);
          });

      // Walk the chain; rerun every chunk whose guess was not its
      // predecessor's end, from that end.
      Value hasChunks = arith::CmpIOp::create(
          gb, loc, arith::CmpIPredicate::ugt, nChunks, c0);
      auto first = scf::IfOp::create(
          gb, loc, hasChunks,
          [&](OpBuilder &tb, Location tl) {
            Value e = memref::LoadOp::create(tb, tl, ends, c0);
            scf::YieldOp::create(tb, tl, e);
          },
          [&](OpBuilder &eb, Location el) {
            scf::YieldOp::create(eb, el, c0);
          });
      auto chain = scf::ForOp::create(
          gb, loc, c1, nChunks, c1, ValueRange{first.getResult(0)},
          [&](OpBuilder &nb, Location l, Value k, ValueRange iterArgs) {
            Value j = iterArgs[0];
            Value guess = memref::LoadOp::create(nb, l, guesses, k);
            Value chained = arith::CmpIOp::create(
                nb, l, arith::CmpIPredicate::eq, guess, j);
            auto next = scf::IfOp::create(
                nb, l, chained,
                [&](OpBuilder &tb, Location tl) {
                  Value e = memref::LoadOp::create(tb, tl, ends, k);
                  scf::YieldOp::create(tb, tl, e);
                },
                [&](OpBuilder &eb, Location el) {
                  auto [lo, hi] = chunkBounds(eb, k);
                  scf::YieldOp::create(eb, el,
                                       builder.buildChunk(eb, lo, hi, j));
                });
            scf::YieldOp::create(nb, l, next.getResults());
          });
      return arith::IndexCastUIOp::create(gb, loc, gb.getI64Type(),
                                          chain.getResult(0));
    };

    Value used;
    if (boxPass && builder.canUseBoxPass()) {
      // The box pass first (it needs an output row to number from); the
      // greedy pass only where it could not prove its result.
      Value hasOut =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, ops.nOut, c0);
      auto tryBox = scf::IfOp::create(
          b, loc, hasOut,
          [&](OpBuilder &tb, Location tl) {
            scf::ParallelOp::create(
                tb, tl, ValueRange{c0}, ValueRange{nChunks}, ValueRange{c1},
                [&](OpBuilder &nb, Location l, ValueRange ivs) {
                  Value k = ivs[0];
                  auto [lo, hi] = chunkBounds(nb, k);
                  Value kNext = arith::AddIOp::create(nb, l, k, c1);
                  Value proved = builder.buildBoxChunk(
                      nb, lo, hi, guessAt(nb, l, k), guessAt(nb, l, kNext));
                  Value word = arith::IndexCastUIOp::create(
                      nb, l, nb.getIndexType(), proved);
                  memref::StoreOp::create(nb, l, word, ends, k);
                });
            scf::YieldOp::create(tb, tl,
                                 buildAllProved(tb, tl, ends, nChunks));
          },
          [&](OpBuilder &eb, Location el) {
            Value no = arith::ConstantIntOp::create(eb, el, 0, /*width=*/1);
            scf::YieldOp::create(eb, el, no);
          });
      auto result = scf::IfOp::create(
          b, loc, tryBox.getResult(0),
          [&](OpBuilder &tb, Location tl) {
            Value all = arith::IndexCastUIOp::create(tb, tl, tb.getI64Type(),
                                                     ops.nOut);
            scf::YieldOp::create(tb, tl, all);
          },
          [&](OpBuilder &eb, Location el) {
            scf::YieldOp::create(eb, el, buildGreedy(eb));
          });
      used = result.getResult(0);
    } else {
      used = buildGreedy(b);
    }
    memref::AllocaScopeReturnOp::create(b, loc, used);
  }
  Value used = arith::IndexCastUIOp::create(b, loc, indexType,
                                            scope.getResult(0));

  // TensorFlow's run-time error when not every gradient found its row.
  emitCheck(b, loc, arith::CmpIPredicate::ne, SliceGradCheck::AllPropagated,
            ops.nOut, used);
}

Value lowering::buildBoxPassChunk(OpBuilder &b, Location loc,
                                  const SliceGradOperands &ops, Value k,
                                  Value chunkLen, Value nChunks) {
  ParallelBuilder builder(b, loc, ops, /*vectorWidth=*/0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value lo = arith::MulIOp::create(b, loc, k, chunkLen);
  Value end = arith::AddIOp::create(b, loc, lo, chunkLen);
  Value hi = arith::MinUIOp::create(b, loc, end, ops.nIn);
  Value kNext = arith::AddIOp::create(b, loc, k, c1);
  return builder.buildBoxChunk(b, lo, hi,
                               builder.buildGuess(b, k, chunkLen, nChunks),
                               builder.buildGuess(b, kNext, chunkLen, nChunks));
}
