//===- ChunkGuess.cpp - Box chunks from guessed starts (GPU lowering) -----===//
//
// The GPU lowering's algorithm, one chunk of input rows per thread: each
// chunk guesses the j the sequential loop has at its first row (a binary
// search among the shifted output rows: exact when the rows are sorted and
// unique), flags its rows inside the box of its guessed output rows and the
// next chunk's first, checks each flagged row against the output row of its
// number and writes its gradient (or zero). If every check holds and the
// count meets the next chunk's guess, the greedy loop matches exactly the
// flagged rows (docs/Rationale.md has the proof).
//
//===----------------------------------------------------------------------===//

#include "SliceGradBuilder.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

Value SliceGradBuilder::buildLowerBound(OpBuilder &b, Value i) {
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

Value SliceGradBuilder::buildGuess(OpBuilder &b, Value k, Value chunkLen,
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

Value SliceGradBuilder::buildBoxChunk(OpBuilder &b, Value lo, Value hi,
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
                 ValueRange boxLo,
                 ValueRange boxHi) -> std::pair<Value, Value> {
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
      Value above =
          arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, x, boxLo[d]);
      Value below =
          arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sle, x, boxHi[d]);
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

  SmallVector<Value> boxLo, boxHi;
  {
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
      b, loc, lo, hi, c1, ValueRange{j0, isTrue},
      [&](OpBuilder &nb, Location l, Value i, ValueRange state) {
        auto [nextJ, nextOk] = row(nb, l, i, state[0], state[1], boxLo, boxHi);
        scf::YieldOp::create(nb, l, ValueRange{nextJ, nextOk});
      });
  Value meets = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      pass.getResult(0), jEnd);
  return arith::AndIOp::create(b, loc, pass.getResult(1), meets);
}

Value lowering::buildBoxPassChunk(OpBuilder &b, Location loc,
                                  const SliceGradOperands &ops, Value k,
                                  Value chunkLen, Value nChunks) {
  SliceGradBuilder builder(b, loc, ops, /*vectorWidth=*/0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value lo = arith::MulIOp::create(b, loc, k, chunkLen);
  Value end = arith::AddIOp::create(b, loc, lo, chunkLen);
  Value hi = arith::MinUIOp::create(b, loc, end, ops.nIn);
  Value kNext = arith::AddIOp::create(b, loc, k, c1);
  return builder.buildBoxChunk(b, lo, hi,
                               builder.buildGuess(b, k, chunkLen, nChunks),
                               builder.buildGuess(b, kNext, chunkLen, nChunks));
}
