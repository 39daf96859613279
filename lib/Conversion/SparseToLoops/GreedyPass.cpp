//===- GreedyPass.cpp - The parallel strategy's greedy pass ---------------===//
//
// TensorFlow's greedy loop is sequential only through j, the next output row
// to match. Each chunk of input rows starts the greedy loop from a guess of
// j (a binary search of the chunk's first row among the shifted output rows:
// exact when the rows are sorted and unique). A chunk started from the j the
// sequential loop has at its first row computes exactly the sequential
// loop's values for its rows and ends with its j, so ParallelLowering.cpp
// walks the chain of chunks and reruns each whose guess was wrong.
//
//===----------------------------------------------------------------------===//

#include "ParallelBuilder.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

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
    Value col = extractColumn(b, loc, rows, width, numDims, d);
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
