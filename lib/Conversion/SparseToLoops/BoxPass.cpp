//===- BoxPass.cpp - The parallel strategy's box pass ---------------------===//
//
// One streaming, branch-free pass that is final when the output rows really
// are the input rows inside a box, in order: each chunk numbers its input
// rows from its guess of j, flags those inside a box that holds the output
// row of their number, checks each flagged row against that row and writes
// its gradient (or zero). If every check holds and the count meets the next
// chunk's guess, the greedy loop matches exactly the flagged rows: an
// unflagged row lies outside a box that holds the output row the loop
// would compare it with. The proof is in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "ParallelBuilder.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

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

  // input_start of column d in every flat lane r * R + d.
  SmallVector<Value> startLanes;
  for (int64_t r = 0; r < width; ++r)
    startLanes.append(startCols.begin(), startCols.end());
  Value startPat =
      vector::FromElementsOp::create(b, loc, flatType, startLanes);
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
            Value col =
                extractColumn(nb, l, insideWords, width, numDims, d);
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
