//===- LookBack.cpp - The parallel strategy: flags, look-back, verify -----===//
//
// The parallel strategy needs no order of the rows (docs/Rationale.md has
// the proof). B is the bounding box of the shifted output rows; a row is
// flagged when it lies in B, and its number pos is the count of flagged rows
// before it. Blocks of input rows are handed out in order (an atomic
// counter); each counts its flagged rows, waits for its predecessor's
// inclusive count (decoupled look-back), publishes its own, then writes its
// rows from cache: a flagged row with pos < N_out must equal output row pos
// and gets its gradient, every other row gets zero. Where a flagged row
// differs, the rows before it are final, and TensorFlow's greedy loop
// resumes there with j = pos (in parallel parts, SplitLoop.cpp); blocks that
// start past such a row stop early.
// Blocks after the first whose inclusive count reaches N_out are zero: the
// loop stopped before them (a slice keeping only the first rows costs the
// rows up to its last output row, plus the zero fill, as TensorFlow's loop).
//
//===----------------------------------------------------------------------===//

#include "Box.h"
#include "SliceGradBuilder.h"
#include "Strategies.h"

#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

/// `if (cond) then() else otherwise()`, each branch yielding the one value
/// its builder returns.
static Value buildIfElse(OpBuilder &b, Location loc, Value cond,
                         function_ref<Value(OpBuilder &)> then,
                         function_ref<Value(OpBuilder &)> otherwise) {
  auto ifOp = scf::IfOp::create(
      b, loc, cond,
      [&](OpBuilder &tb, Location tl) {
        scf::YieldOp::create(tb, tl, then(tb));
      },
      [&](OpBuilder &eb, Location el) {
        scf::YieldOp::create(eb, el, otherwise(eb));
      });
  return ifOp.getResult(0);
}

namespace {
class LookBackBuilder {
public:
  /// Flagged rows are numbered from `from` (an index below N_out).
  LookBackBuilder(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                  unsigned vectorWidth, Value from)
      : pb(b, loc, ops, vectorWidth), ops(ops), loc(loc), width(vectorWidth),
        from(from) {}

  /// The proof for from < N_out with blocks of blockRows rows: returns the
  /// first differing row in order and the loop's j there, where TensorFlow's
  /// loop must go on, or N_in and the loop's final j (indices).
  std::pair<Value, Value> build(OpBuilder &b, Value blockRows);

  /// Only the count of flagged rows, by blocks of blockRows rows in
  /// parallel (N_out >= 1).
  Value buildCountOnly(OpBuilder &b, Value blockRows);

private:
  // The stages of build(), in order.
  /// The per-block state (see the members), the block counter and the
  /// lowest differing row.
  void allocState(OpBuilder &b, Value nBlocks);
  /// One iteration of the block loop: takes the next block and skips it
  /// (past a differing row), zeroes it (after a block whose inclusive count
  /// reached N_out) or counts, looks back and writes it (buildCountedBlock).
  void buildBlock(OpBuilder &b);
  void buildCountedBlock(OpBuilder &b, Value blk, Value lo, Value hi);
  void buildZeroBlock(OpBuilder &b, Value blk, Value lo, Value hi);
  /// The inclusive count of the block before blk (`from` for the first);
  /// waits until it is published.
  Value buildPredecessorCount(OpBuilder &b, Value blk);
  /// The first differing row and its number, or N_in and min(total,
  /// N_out).
  std::pair<Value, Value> buildResult(OpBuilder &b, Value nBlocks);

  /// Where block blk's inclusive count lives in `status`.
  Value statusIndex(OpBuilder &b, Value blk) {
    return arith::MulIOp::create(b, loc, blk,
                                 constantIndex(b, loc, kStatusStride));
  }
  static constexpr int64_t kStatusStride = 8;

  Value atomic(OpBuilder &b, arith::AtomicRMWKind kind, Value v, Value mem,
               Value at);

  // B, the box: partial boxes of blocks of output rows in parallel, then
  // combined.
  /// B into boxLo/boxHi (R words each) and, with a static R, into
  /// loCols/hiCols (and their lane patterns).
  void buildBox(OpBuilder &b, Value chunkLen);
  /// B from the op's `box` operand (a partition computed it).
  void copyGivenBox(OpBuilder &b);
  /// B from the output rows: partial boxes of chunks in parallel, combined.
  void buildBoxOfOutputRows(OpBuilder &b, Value chunkLen);
  /// Static R: the partial box of output rows [lo, hi) (vector steps, then
  /// the rows left) into `parts` at loBase and hiBase.
  void buildStaticPartialBox(OpBuilder &b, Value lo, Value hi, Value parts,
                             Value loBase, Value hiBase);
  /// The bounds of the vector steps over output rows [lo, tailLo), folded
  /// into 2R scalars (R minima, R maxima) that start from `init`.
  SmallVector<Value> buildVectorPartialBounds(OpBuilder &b, Value lo,
                                              Value tailLo,
                                              SmallVector<Value> init);
  /// Run-time R: the partial box of output rows [lo, hi), column by column.
  void buildDynamicPartialBox(OpBuilder &b, Value lo, Value hi, Value parts,
                              Value loBase, Value hiBase);
  /// The partial boxes' minima and maxima, per column.
  void buildCombinedBox(OpBuilder &b, Value parts, Value nParts);
  /// i1: input row i lies in B.
  Value buildInside(OpBuilder &b, Value i);

  // The count and the write of one block.
  /// The count of flagged rows in [lo, hi) (index). Vector steps store
  /// their rows' flags as the bits of a word in `flagWords` from `base`.
  Value buildCount(OpBuilder &b, Value lo, Value hi, Value base);
  /// Writes rows [lo, hi) numbered from p0; returns the first row that
  /// differs from its output row (N_in if none) and its number.
  std::pair<Value, Value> buildWrite(OpBuilder &b, Value lo, Value hi, Value p0,
                                     Value base);
  /// Where a write loop stopped: its last (row, number) where `good`, else
  /// the ones it carried beside them (the step that failed).
  std::pair<Value, Value> selectStopRow(OpBuilder &b, scf::WhileOp loop,
                                        Value good);
  /// One row of the scalar write (i1: it is flagged and differs from output
  /// row pos): branch-free, storing the gradient or zero (the rows the
  /// vector steps left)...
  Value buildRowSelect(OpBuilder &b, Value flag, Value i, Value pos);
  /// ... or, where the block was zeroed first, storing a flagged row's
  /// gradient behind a branch (no vector steps).
  Value buildFlaggedRowStore(OpBuilder &b, Value flag, Value i, Value pos);
  /// Vector steps: the flags of `width` rows as the bits of an integer of
  /// `width` bits (bit r for row r).
  Value buildRowBits(OpBuilder &b, Value rows);
  /// One vector step of the write: rows [i, i + width) with their flag
  /// bits, numbered from pos (pos + width <= N_out). Returns whether every
  /// flagged row equals its output row (the values are stored only then)
  /// and the number after the step. It is one of the kinds below, by the
  /// number of flagged rows.
  std::pair<Value, Value> buildWriteStep(OpBuilder &b, Value i, Value pos,
                                         Value bits);
  /// The same for values that vectors cannot hold, in a block zeroed
  /// already: each flagged row in turn.
  std::pair<Value, Value> buildFlaggedStep(OpBuilder &b, Value i, Value pos,
                                           Value bits);
  /// No row inside B (a sparse slice): zeros, without reading rows.
  Value buildZeroStep(OpBuilder &b, Value i);
  /// Every row inside B (a dense slice): a run of output rows, or nothing
  /// is stored.
  Value buildRunStep(OpBuilder &b, Value i, Value pos);
  /// Few rows inside: zeros (unless the rows are zero already), then each
  /// flagged row (set bits of `bits`) from number pos; returns whether all
  /// matched.
  Value buildFlaggedRows(OpBuilder &b, Value i, Value pos, Value bits,
                         bool zeroFirst = true);
  /// Some rows inside: row by row, branch-free.
  Value buildMixedStep(OpBuilder &b, Value i, Value pos, Value bits);
  /// The word type of the flag buffer (at least `width` bits).
  IntegerType flagWordType(OpBuilder &b) const {
    return b.getIntegerType(std::max<int64_t>(8, llvm::PowerOf2Ceil(width)));
  }
  bool useBitMasks() const {
    int64_t flat = width * ops.staticNumDims;
    return flat <= 64 && llvm::isPowerOf2_64(width);
  }
  Value chunkLen;
  /// Vector steps per block (blocks start at multiples of chunkLen).
  Value stepsPerBlock;
  /// Per vector step, its rows' flags (bit r for row r).
  Value flagWords;
  /// Per block: its inclusive count (-1 until published), its first
  /// differing row (N_in if none) and that row's number.
  Value status, badRows, badPos;
  /// Words: the next block to hand out, the lowest differing row seen, and
  /// the lowest block whose inclusive count reached N_out (kControlWords).
  Value control;
  enum : int64_t { kNextBlock, kFirstBad, kSaturated, kControlWords };

  SliceGradBuilder pb;
  const SliceGradOperands &ops;
  Location loc;
  int64_t width;
  Value boxLo, boxHi;
  Value from;
  /// Static R: B's bounds per column, and as flat lane patterns.
  SmallVector<Value> loCols, hiCols;
  Value loPat, hiPat;
};
} // namespace

void LookBackBuilder::buildBox(OpBuilder &b, Value chunkLen) {
  if (ops.box)
    copyGivenBox(b);
  else
    buildBoxOfOutputRows(b, chunkLen);
  if (!ops.hasStaticNumDims())
    return;
  for (int64_t d = 0; d < ops.staticNumDims; ++d) {
    Value col = constantIndex(b, loc, d);
    loCols.push_back(memref::LoadOp::create(b, loc, boxLo, col));
    hiCols.push_back(memref::LoadOp::create(b, loc, boxHi, col));
  }
  if (!pb.canVectorizeInputRows())
    return;
  loPat = pb.buildLanePattern(b, loCols);
  hiPat = pb.buildLanePattern(b, hiCols);
}

void LookBackBuilder::copyGivenBox(OpBuilder &b) {
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  auto wordsType = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  boxLo = memref::AllocOp::create(b, loc, wordsType, ops.numDims);
  boxHi = memref::AllocOp::create(b, loc, wordsType, ops.numDims);
  scf::ForOp::create(
      b, loc, c0, ops.numDims, c1, ValueRange{},
      [&](OpBuilder &nb, Location l, Value d, ValueRange) {
        Value hiAt = arith::AddIOp::create(nb, l, d, ops.numDims);
        memref::StoreOp::create(
            nb, l, memref::LoadOp::create(nb, l, ops.box, d), boxLo, d);
        memref::StoreOp::create(
            nb, l, memref::LoadOp::create(nb, l, ops.box, hiAt), boxHi, d);
        scf::YieldOp::create(nb, l);
      });
}

void LookBackBuilder::buildBoxOfOutputRows(OpBuilder &b, Value chunkLen) {
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1),
        c2 = constantIndex(b, loc, 2);
  auto wordsType = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  Value numDims = ops.numDims;
  Value nParts = arith::CeilDivUIOp::create(b, loc, ops.nOut, chunkLen);
  // Part k: lo of column d at (2k) R + d, hi at (2k + 1) R + d.
  Value partWords = arith::MulIOp::create(
      b, loc, arith::MulIOp::create(b, loc, nParts, c2), numDims);
  Value parts = memref::AllocOp::create(b, loc, wordsType, partWords);
  scf::ParallelOp::create(
      b, loc, ValueRange{c0}, ValueRange{nParts}, ValueRange{c1},
      [&](OpBuilder &nb, Location l, ValueRange ivs) {
        Value k = ivs[0];
        Value lo = arith::MulIOp::create(nb, l, k, chunkLen);
        Value hi = arith::MinUIOp::create(
            nb, l, arith::AddIOp::create(nb, l, lo, chunkLen), ops.nOut);
        Value loBase = arith::MulIOp::create(
            nb, l, arith::MulIOp::create(nb, l, k, c2), numDims);
        Value hiBase = arith::AddIOp::create(nb, l, loBase, numDims);
        if (ops.hasStaticNumDims())
          buildStaticPartialBox(nb, lo, hi, parts, loBase, hiBase);
        else
          buildDynamicPartialBox(nb, lo, hi, parts, loBase, hiBase);
      });
  buildCombinedBox(b, parts, nParts);
  memref::DeallocOp::create(b, loc, parts);
}

void LookBackBuilder::buildStaticPartialBox(OpBuilder &b, Value lo, Value hi,
                                            Value parts, Value loBase,
                                            Value hiBase) {
  int64_t r = ops.staticNumDims;
  SmallVector<Value> init = buildEmptyBounds(b, loc, r);
  Value tailLo = lo;
  if (pb.canVectorizeOutputRows()) {
    // Whole vector steps first; the rows left go one by one.
    Value cW = constantIndex(b, loc, width);
    Value steps = arith::DivUIOp::create(
        b, loc, arith::SubIOp::create(b, loc, hi, lo), cW);
    tailLo = arith::AddIOp::create(b, loc, lo,
                                   arith::MulIOp::create(b, loc, steps, cW));
    init = buildVectorPartialBounds(b, lo, tailLo, init);
  }
  SmallVector<Value> bounds = buildStaticRowBounds(
      b, loc, ops, pb.startCols, tailLo, hi, constantIndex(b, loc, 1), init);
  for (int64_t d = 0; d < r; ++d) {
    Value cd = constantIndex(b, loc, d);
    memref::StoreOp::create(
        b, loc, bounds[d], parts,
        ValueRange{arith::AddIOp::create(b, loc, loBase, cd)});
    memref::StoreOp::create(
        b, loc, bounds[r + d], parts,
        ValueRange{arith::AddIOp::create(b, loc, hiBase, cd)});
  }
}

SmallVector<Value>
LookBackBuilder::buildVectorPartialBounds(OpBuilder &b, Value lo, Value tailLo,
                                          SmallVector<Value> init) {
  int64_t r = ops.staticNumDims;
  auto flatType = VectorType::get({width * r}, b.getI64Type());
  Value cW = constantIndex(b, loc, width), cR = constantIndex(b, loc, r);
  SmallVector<Value> empty = buildEmptyBounds(b, loc, 1);
  auto splat = [&](Value v) {
    return vector::BroadcastOp::create(b, loc, flatType, v).getResult();
  };
  auto vecLoop = scf::ForOp::create(
      b, loc, lo, tailLo, cW, ValueRange{splat(empty[0]), splat(empty[1])},
      [&](OpBuilder &fb, Location fl, Value j, ValueRange acc) {
        Value rows = vector::LoadOp::create(
            fb, fl, flatType, pb.outFlat,
            ValueRange{arith::MulIOp::create(fb, fl, j, cR)});
        Value v = arith::AddIOp::create(fb, fl, rows, pb.startPat);
        scf::YieldOp::create(
            fb, fl,
            ValueRange{arith::MinSIOp::create(fb, fl, acc[0], v),
                       arith::MaxSIOp::create(fb, fl, acc[1], v)});
      });
  // Lane k R + d holds column d of row k. Halving the vector log2(width)
  // times keeps that pattern and leaves R lanes: R scalar steps rather than
  // width R (a long chain of scalar min/max that LLVM's SLP vectorizer
  // spends most of -O3's time on).
  Value mins = vecLoop.getResult(0), maxs = vecLoop.getResult(1);
  for (int64_t lanes = width * r; lanes > r && lanes % (2 * r) == 0;
       lanes /= 2) {
    auto half = [&](Value v, int64_t offset) {
      return vector::ExtractStridedSliceOp::create(
                 b, loc, v, ArrayRef<int64_t>{offset},
                 ArrayRef<int64_t>{lanes / 2}, ArrayRef<int64_t>{1})
          .getResult();
    };
    mins = arith::MinSIOp::create(b, loc, half(mins, 0), half(mins, lanes / 2));
    maxs = arith::MaxSIOp::create(b, loc, half(maxs, 0), half(maxs, lanes / 2));
  }
  int64_t lanes = cast<VectorType>(mins.getType()).getNumElements();
  for (int64_t lane = 0; lane < lanes; ++lane) {
    int64_t d = lane % r;
    init[d] = arith::MinSIOp::create(
        b, loc, init[d],
        vector::ExtractOp::create(b, loc, mins, ArrayRef<int64_t>{lane}));
    init[r + d] = arith::MaxSIOp::create(
        b, loc, init[r + d],
        vector::ExtractOp::create(b, loc, maxs, ArrayRef<int64_t>{lane}));
  }
  return init;
}

void LookBackBuilder::buildDynamicPartialBox(OpBuilder &b, Value lo, Value hi,
                                             Value parts, Value loBase,
                                             Value hiBase) {
  buildDynamicRowBounds(
      b, loc, ops, lo, hi, constantIndex(b, loc, 1),
      [&](OpBuilder &db, Location dl, Value d, Value min, Value max) {
        memref::StoreOp::create(
            db, dl, min, parts,
            ValueRange{arith::AddIOp::create(db, dl, loBase, d)});
        memref::StoreOp::create(
            db, dl, max, parts,
            ValueRange{arith::AddIOp::create(db, dl, hiBase, d)});
      });
}

void LookBackBuilder::buildCombinedBox(OpBuilder &b, Value parts,
                                       Value nParts) {
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1),
        c2 = constantIndex(b, loc, 2);
  Value numDims = ops.numDims;
  auto wordsType = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  SmallVector<Value> empty = buildEmptyBounds(b, loc, 1);
  boxLo = memref::AllocOp::create(b, loc, wordsType, numDims);
  boxHi = memref::AllocOp::create(b, loc, wordsType, numDims);
  scf::ForOp::create(
      b, loc, c0, numDims, c1, ValueRange{},
      [&](OpBuilder &db, Location dl, Value d, ValueRange) {
        auto loop = scf::ForOp::create(
            db, dl, c0, nParts, c1, empty,
            [&](OpBuilder &fb, Location fl, Value k, ValueRange acc) {
              Value loAt = arith::AddIOp::create(
                  fb, fl,
                  arith::MulIOp::create(
                      fb, fl, arith::MulIOp::create(fb, fl, k, c2), numDims),
                  d);
              Value hiAt = arith::AddIOp::create(fb, fl, loAt, numDims);
              Value lo = memref::LoadOp::create(fb, fl, parts, loAt);
              Value hi = memref::LoadOp::create(fb, fl, parts, hiAt);
              scf::YieldOp::create(
                  fb, fl,
                  ValueRange{arith::MinSIOp::create(fb, fl, acc[0], lo),
                             arith::MaxSIOp::create(fb, fl, acc[1], hi)});
            });
        memref::StoreOp::create(db, dl, loop.getResult(0), boxLo, d);
        memref::StoreOp::create(db, dl, loop.getResult(1), boxHi, d);
        scf::YieldOp::create(db, dl);
      });
}

Value LookBackBuilder::buildInside(OpBuilder &b, Value i) {
  return buildInsideBox(
      b, loc, ops, i, loCols, hiCols, [&](OpBuilder &nb, Location l, Value d) {
        return std::pair<Value, Value>{memref::LoadOp::create(nb, l, boxLo, d),
                                       memref::LoadOp::create(nb, l, boxHi, d)};
      });
}

Value LookBackBuilder::buildRowBits(OpBuilder &b, Value rows) {
  int64_t numDims = ops.staticNumDims;
  int64_t flatWidth = width * numDims;
  Value above =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, rows, loPat);
  Value below =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, rows, hiPat);
  Value inside = arith::AndIOp::create(b, loc, above, below);
  auto toBits = [&](Value mask, int64_t lanes) {
    auto type = VectorType::get({1}, b.getIntegerType(lanes));
    Value v = vector::BitCastOp::create(b, loc, type, mask);
    return vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{0})
        .getResult();
  };
  if (!useBitMasks()) {
    // As i64 words: shuffles of i1 vectors lower to long mask register
    // sequences on x86.
    auto flatType = VectorType::get({flatWidth}, b.getI64Type());
    auto splat = [&](VectorType type, int64_t v) {
      return arith::ConstantOp::create(
                 b, loc, DenseElementsAttr::get(type, b.getI64IntegerAttr(v)))
          .getResult();
    };
    Value words = arith::SelectOp::create(b, loc, inside, splat(flatType, -1),
                                          splat(flatType, 0));
    Value flagWords;
    for (int64_t d = 0; d < numDims; ++d) {
      Value col = extractColumn(b, loc, words, width, numDims, d);
      flagWords =
          flagWords ? arith::AndIOp::create(b, loc, flagWords, col).getResult()
                    : col;
    }
    auto rowType = VectorType::get({width}, b.getI64Type());
    Value flags = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                        flagWords, splat(rowType, 0));
    return toBits(flags, width);
  }
  // As bits of an integer: lane r * R + d is bit r * R + d. AND each row's R
  // bits into bit r * R, then gather bits 0, R, 2R, ... into bits 0, 1, 2.
  Type bitsType = b.getIntegerType(flatWidth);
  auto constant = [&](Type type, uint64_t v) {
    return arith::ConstantOp::create(
               b, loc,
               IntegerAttr::get(type, APInt(type.getIntOrFloatBitWidth(), v)))
        .getResult();
  };
  auto shr = [&](Value v, uint64_t by) {
    return arith::ShRUIOp::create(b, loc, v, constant(v.getType(), by))
        .getResult();
  };
  auto andC = [&](Value v, uint64_t c) {
    return arith::AndIOp::create(b, loc, v, constant(v.getType(), c))
        .getResult();
  };
  uint64_t rowBits = 0;
  for (int64_t r = 0; r < width; ++r)
    rowBits |= uint64_t(1) << (r * numDims);
  Value all = toBits(inside, flatWidth);
  Value acc = all;
  for (int64_t d = 1; d < numDims; ++d)
    acc = arith::AndIOp::create(b, loc, acc, shr(all, d));
  // Halve the distance between neighbouring bits log2(width) times.
  Value packed = andC(acc, rowBits);
  for (int64_t group = 1; group < width; group *= 2) {
    packed = arith::OrIOp::create(b, loc, packed,
                                  shr(packed, uint64_t(group) * (numDims - 1)));
    uint64_t keep = 0;
    for (int64_t g = 0; g * group * 2 < width; ++g)
      for (int64_t k = 0; k < 2 * group; ++k)
        keep |= uint64_t(1) << (g * 2 * group * numDims + k);
    packed = andC(packed, keep);
  }
  (void)bitsType;
  if (flatWidth == width)
    return packed;
  return arith::TruncIOp::create(b, loc, b.getIntegerType(width), packed);
}

Value LookBackBuilder::buildCount(OpBuilder &b, Value lo, Value hi,
                                  Value base) {
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value vecEnd = lo, count = c0;
  if (pb.canVectorizeInputRows()) {
    // Whole steps of `width` rows: compare with B, count the flags and keep
    // them for the write.
    Value cW = constantIndex(b, loc, width);
    Value steps = arith::DivUIOp::create(
        b, loc, arith::SubIOp::create(b, loc, hi, lo), cW);
    Value cR = constantIndex(b, loc, ops.staticNumDims);
    auto flatType =
        VectorType::get({width * ops.staticNumDims}, b.getI64Type());
    IntegerType wordType = flagWordType(b);
    auto loop = scf::ForOp::create(
        b, loc, c0, steps, c1, ValueRange{c0},
        [&](OpBuilder &nb, Location l, Value s, ValueRange acc) {
          Value i = arith::AddIOp::create(nb, l, lo,
                                          arith::MulIOp::create(nb, l, s, cW));
          Value flat = arith::MulIOp::create(nb, l, i, cR);
          Value rows = vector::LoadOp::create(nb, l, flatType, pb.inFlat,
                                              ValueRange{flat});
          Value bits = buildRowBits(nb, rows);
          Value word = bits;
          if (word.getType() != wordType)
            word = arith::ExtUIOp::create(nb, l, wordType, bits);
          if (flagWords)
            memref::StoreOp::create(
                nb, l, word, flagWords,
                ValueRange{arith::AddIOp::create(nb, l, base, s)});
          Value n = arith::IndexCastUIOp::create(
              nb, l, nb.getIndexType(), math::CtPopOp::create(nb, l, word));
          scf::YieldOp::create(
              nb, l, arith::AddIOp::create(nb, l, acc[0], n).getResult());
        });
    count = loop.getResult(0);
    vecEnd = arith::AddIOp::create(b, loc, lo,
                                   arith::MulIOp::create(b, loc, steps, cW));
  }
  auto tail = scf::ForOp::create(
      b, loc, vecEnd, hi, c1, ValueRange{count},
      [&](OpBuilder &nb, Location l, Value i, ValueRange acc) {
        Value one = arith::IndexCastUIOp::create(nb, l, nb.getIndexType(),
                                                 buildInside(nb, i));
        scf::YieldOp::create(
            nb, l, arith::AddIOp::create(nb, l, acc[0], one).getResult());
      });
  return tail.getResult(0);
}

Value LookBackBuilder::buildFlaggedRows(OpBuilder &b, Value i, Value pos,
                                        Value bits, bool zeroFirst) {
  Type indexType = b.getIndexType(), i1 = b.getI1Type();
  Type bitsType = bits.getType();
  Value isTrue = constantBool(b, loc, true);
  if (zeroFirst) {
    auto valuesType = VectorType::get({width}, ops.eltType);
    Value zeros = vector::BroadcastOp::create(b, loc, valuesType, pb.zero);
    vector::StoreOp::create(b, loc, zeros, ops.out, i);
  }
  Value noBits = arith::ConstantIntOp::create(b, loc, bitsType, 0);
  Value oneBit = arith::ConstantIntOp::create(b, loc, bitsType, 1);
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{bitsType, indexType, i1}, ValueRange{bits, pos, isTrue},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value more = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne,
                                           args[0], noBits);
        scf::ConditionOp::create(nb, l, more, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value rest = args[0], p = args[1];
        Value k = arith::IndexCastUIOp::create(
            nb, l, indexType, math::CountTrailingZerosOp::create(nb, l, rest));
        Value row = arith::AddIOp::create(nb, l, i, k);
        Value same = pb.buildRowEqual(nb, row, p);
        Value g = memref::LoadOp::create(nb, l, ops.grad, p);
        memref::StoreOp::create(nb, l, g, ops.out, row);
        Value nextRest = arith::AndIOp::create(
            nb, l, rest, arith::SubIOp::create(nb, l, rest, oneBit));
        Value nextP =
            arith::AddIOp::create(nb, l, p, constantIndex(nb, loc, 1));
        scf::YieldOp::create(
            nb, l,
            ValueRange{nextRest, nextP,
                       arith::AndIOp::create(nb, l, args[2], same)});
      });
  return loop.getResult(2);
}

std::pair<Value, Value> LookBackBuilder::buildWriteStep(OpBuilder &b, Value i,
                                                        Value pos, Value bits) {
  Type indexType = b.getIndexType();
  Value n = arith::IndexCastUIOp::create(b, loc, indexType,
                                         math::CtPopOp::create(b, loc, bits));
  Value nextPos = arith::AddIOp::create(b, loc, pos, n);
  Value none = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, bits,
      arith::ConstantIntOp::create(b, loc, bits.getType(), 0));
  auto allBits =
      APInt::getLowBitsSet(bits.getType().getIntOrFloatBitWidth(), width);
  Value all = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq, bits,
      arith::ConstantOp::create(b, loc,
                                IntegerAttr::get(bits.getType(), allBits)));
  Value sparse = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ule, n,
      constantIndex(b, loc, std::max<int64_t>(1, width / 4)));
  // One kind by the number of flagged rows: none, all, few, some.
  Value good = buildIfElse(
      b, loc, none, [&](OpBuilder &tb) { return buildZeroStep(tb, i); },
      [&](OpBuilder &eb) {
        return buildIfElse(
            eb, loc, all,
            [&](OpBuilder &tb) { return buildRunStep(tb, i, pos); },
            [&](OpBuilder &sb) {
              return buildIfElse(
                  sb, loc, sparse,
                  [&](OpBuilder &tb) {
                    return buildFlaggedRows(tb, i, pos, bits);
                  },
                  [&](OpBuilder &tb) {
                    return buildMixedStep(tb, i, pos, bits);
                  });
            });
      });
  return {good, nextPos};
}

std::pair<Value, Value> LookBackBuilder::buildFlaggedStep(OpBuilder &b, Value i,
                                                          Value pos,
                                                          Value bits) {
  Value n = arith::IndexCastUIOp::create(b, loc, b.getIndexType(),
                                         math::CtPopOp::create(b, loc, bits));
  return {buildFlaggedRows(b, i, pos, bits, /*zeroFirst=*/false),
          arith::AddIOp::create(b, loc, pos, n)};
}

Value LookBackBuilder::buildZeroStep(OpBuilder &b, Value i) {
  auto valuesType = VectorType::get({width}, ops.eltType);
  Value zeros = vector::BroadcastOp::create(b, loc, valuesType, pb.zero);
  vector::StoreOp::create(b, loc, zeros, ops.out, i);
  return constantBool(b, loc, true);
}

Value LookBackBuilder::buildRunStep(OpBuilder &b, Value i, Value pos) {
  // The next output rows and gradients with plain loads.
  Value differs = pb.buildStepCompare(b, arith::CmpIPredicate::ne, i, pos);
  Value anyBad =
      vector::ReductionOp::create(b, loc, vector::CombiningKind::OR, differs);
  Value good =
      arith::XOrIOp::create(b, loc, anyBad, constantBool(b, loc, true));
  scf::IfOp::create(b, loc, good, [&](OpBuilder &gb, Location gl) {
    auto valuesType = VectorType::get({width}, ops.eltType);
    Value v =
        vector::LoadOp::create(gb, gl, valuesType, ops.grad, ValueRange{pos});
    vector::StoreOp::create(gb, gl, v, ops.out, i);
    scf::YieldOp::create(gb, gl);
  });
  return good;
}

Value LookBackBuilder::buildMixedStep(OpBuilder &b, Value i, Value pos,
                                      Value bits) {
  // Expanding loads would be a branch per lane without AVX-512.
  Type i1 = b.getI1Type(), indexType = b.getIndexType();
  Value isTrue = constantBool(b, loc, true);
  Value p = pos, ok = isTrue;
  for (int64_t r = 0; r < width; ++r) {
    Value row = arith::AddIOp::create(b, loc, i, constantIndex(b, loc, r));
    Value bit = arith::TruncIOp::create(
        b, loc, i1,
        arith::ShRUIOp::create(
            b, loc, bits,
            arith::ConstantIntOp::create(b, loc, bits.getType(), r)));
    Value same = pb.buildRowEqual(b, row, p);
    Value bad = arith::AndIOp::create(
        b, loc, bit, arith::XOrIOp::create(b, loc, same, isTrue));
    ok = arith::AndIOp::create(b, loc, ok,
                               arith::XOrIOp::create(b, loc, bad, isTrue));
    Value g = memref::LoadOp::create(b, loc, ops.grad, p);
    Value v = arith::SelectOp::create(b, loc, bit, g, pb.zero);
    memref::StoreOp::create(b, loc, v, ops.out, row);
    p = arith::AddIOp::create(
        b, loc, p, arith::IndexCastUIOp::create(b, loc, indexType, bit));
  }
  return ok;
}

Value LookBackBuilder::buildRowSelect(OpBuilder &b, Value flag, Value i,
                                      Value pos) {
  Value isTrue = constantBool(b, loc, true);
  // Scalar loads: the loop runs over the rows the vector steps left.
  Value same = buildRowsEqual(b, loc, ops, pb.startCols, i, pos);
  Value g = memref::LoadOp::create(b, loc, ops.grad, pos);
  Value v = arith::SelectOp::create(b, loc, flag, g, pb.zero);
  memref::StoreOp::create(b, loc, v, ops.out, i);
  return arith::AndIOp::create(b, loc, flag,
                               arith::XOrIOp::create(b, loc, same, isTrue));
}

Value LookBackBuilder::buildFlaggedRowStore(OpBuilder &b, Value flag, Value i,
                                            Value pos) {
  Value isTrue = constantBool(b, loc, true);
  return buildIfElse(
      b, loc, flag,
      [&](OpBuilder &tb) {
        Value same = buildRowsEqual(tb, loc, ops, pb.startCols, i, pos);
        scf::IfOp::create(tb, loc, same, [&](OpBuilder &sb, Location sl) {
          Value g = memref::LoadOp::create(sb, sl, ops.grad, pos);
          memref::StoreOp::create(sb, sl, g, ops.out, i);
          scf::YieldOp::create(sb, sl);
        });
        return arith::XOrIOp::create(tb, loc, same, isTrue).getResult();
      },
      [&](OpBuilder &eb) { return constantBool(eb, loc, false); });
}

std::pair<Value, Value> LookBackBuilder::buildWrite(OpBuilder &b, Value lo,
                                                    Value hi, Value p0,
                                                    Value base) {
  Type indexType = b.getIndexType();
  Type i1 = b.getI1Type();
  Value c1 = constantIndex(b, loc, 1);
  Value isTrue = constantBool(b, loc, true);
  Value isFalse = constantBool(b, loc, false);
  Value startI = lo, startPos = p0;
  // Without vector steps for the values (complex and 16-bit float values)
  // the block is zeroed first (a memset), and only flagged rows are
  // compared and stored.
  bool rowsAlone = !pb.canVectorizeExpand();
  if (rowsAlone)
    pb.buildZeroFill(b, lo, hi);
  if (flagWords) {
    // Steps of `width` rows, with the flags the count stored, while their
    // numbers stay below N_out; the first step with a differing row is
    // left to the scalar loop. Values that vectors cannot hold take the
    // flagged rows of a step one by one (its set bits): rows outside B
    // cost nothing, rows inside one comparison with their output row.
    Value cW = constantIndex(b, loc, width);
    auto loop = scf::WhileOp::create(
        b, loc, TypeRange{indexType, indexType, i1, indexType, indexType},
        ValueRange{lo, p0, isTrue, lo, p0},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value rowsLeft = arith::CmpIOp::create(
              nb, l, arith::CmpIPredicate::ule,
              arith::AddIOp::create(nb, l, args[0], cW), hi);
          Value outLeft = arith::CmpIOp::create(
              nb, l, arith::CmpIPredicate::ule,
              arith::AddIOp::create(nb, l, args[1], cW), ops.nOut);
          Value cond = arith::AndIOp::create(
              nb, l, arith::AndIOp::create(nb, l, rowsLeft, outLeft), args[2]);
          scf::ConditionOp::create(nb, l, cond, args);
        },
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value i = args[0], pos = args[1];
          Value s = arith::DivUIOp::create(
              nb, l, arith::SubIOp::create(nb, l, i, lo), cW);
          Value word = memref::LoadOp::create(
              nb, l, flagWords,
              ValueRange{arith::AddIOp::create(nb, l, base, s)});
          auto [good, nextPos] = rowsAlone ? buildFlaggedStep(nb, i, pos, word)
                                           : buildWriteStep(nb, i, pos, word);
          Value nextI = arith::AddIOp::create(nb, l, i, cW);
          scf::YieldOp::create(nb, l, ValueRange{nextI, nextPos, good, i, pos});
        });
    std::tie(startI, startPos) = selectStopRow(b, loop, loop.getResult(2));
  }

  // Without vector steps for the values, only flagged rows are compared
  // and stored, behind a branch, as TensorFlow's loop does; a branch-free
  // row costs several times more. One row at a time, up to the first flagged
  // row that differs from its output row or until the numbers reach N_out.
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType, i1, indexType, indexType},
      ValueRange{startI, startPos, isFalse, startI, startPos},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value more = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                           args[0], hi);
        Value outLeft = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                              args[1], ops.nOut);
        Value cond = arith::AndIOp::create(
            nb, l, arith::AndIOp::create(nb, l, more, outLeft),
            arith::XOrIOp::create(nb, l, args[2], isTrue));
        scf::ConditionOp::create(nb, l, cond, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = args[0], pos = args[1];
        Value flag = buildInside(nb, i);
        Value bad = rowsAlone ? buildFlaggedRowStore(nb, flag, i, pos)
                              : buildRowSelect(nb, flag, i, pos);
        Value nextPos = arith::AddIOp::create(
            nb, l, pos,
            arith::IndexCastUIOp::create(nb, l, nb.getIndexType(), flag));
        Value nextI = arith::AddIOp::create(nb, l, i, c1);
        scf::YieldOp::create(nb, l, ValueRange{nextI, nextPos, bad, i, pos});
      });
  Value bad = loop.getResult(2);
  auto [endI, endPos] =
      selectStopRow(b, loop, arith::XOrIOp::create(b, loc, bad, isTrue));
  // Numbers past N_out: the loop has stopped, the rest is zero (after a
  // differing row the greedy loop rewrites these rows anyway).
  if (!rowsAlone)
    pb.buildZeroFill(b, endI, hi);
  Value badRow = arith::SelectOp::create(b, loc, bad, endI, ops.nIn);
  return {badRow, endPos};
}

std::pair<Value, Value>
LookBackBuilder::selectStopRow(OpBuilder &b, scf::WhileOp loop, Value good) {
  // The write loops carry the next row and number unconditionally and the
  // current ones beside them, so that no loop-carried value depends on the
  // loaded output rows: the next step's loads issue without waiting for the
  // comparison (a select on it made every step wait for the previous one's
  // loads, which costs a memory latency a row on large inputs).
  return {arith::SelectOp::create(b, loc, good, loop.getResult(0),
                                  loop.getResult(3)),
          arith::SelectOp::create(b, loc, good, loop.getResult(1),
                                  loop.getResult(4))};
}

Value LookBackBuilder::atomic(OpBuilder &b, arith::AtomicRMWKind kind, Value v,
                              Value mem, Value at) {
  return memref::AtomicRMWOp::create(b, loc, kind, v, mem, ValueRange{at});
}

void LookBackBuilder::allocState(OpBuilder &b, Value nBlocks) {
  Type i64 = b.getI64Type();
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  auto wordsType = MemRefType::get({ShapedType::kDynamic}, i64);
  auto indicesType = MemRefType::get({ShapedType::kDynamic}, b.getIndexType());
  // One cache line per block: a block spins on its predecessor's word
  // while other blocks publish theirs.
  status = memref::AllocOp::create(
      b, loc, wordsType,
      ValueRange{arith::MulIOp::create(b, loc, nBlocks,
                                       constantIndex(b, loc, kStatusStride))});
  badRows = memref::AllocOp::create(b, loc, indicesType, nBlocks);
  badPos = memref::AllocOp::create(b, loc, indicesType, nBlocks);
  control = memref::AllocOp::create(b, loc, wordsType,
                                    constantIndex(b, loc, kControlWords));
  if (pb.canVectorizeInputRows()) {
    stepsPerBlock =
        arith::DivUIOp::create(b, loc, chunkLen, constantIndex(b, loc, width));
    flagWords = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, flagWordType(b)),
        ValueRange{arith::MulIOp::create(b, loc, nBlocks, stepsPerBlock)});
  }
  Value minusOne = constantI64(b, loc, -1);
  scf::ForOp::create(b, loc, c0, nBlocks, c1, ValueRange{},
                     [&](OpBuilder &nb, Location l, Value k, ValueRange) {
                       memref::StoreOp::create(nb, l, minusOne, status,
                                               statusIndex(nb, k));
                       scf::YieldOp::create(nb, l);
                     });
  auto init = [&](int64_t word, Value v) {
    memref::StoreOp::create(b, loc, v, control, constantIndex(b, loc, word));
  };
  init(kNextBlock, constantI64(b, loc, 0));
  init(kFirstBad, toI64(b, loc, ops.nIn));
  init(kSaturated, toI64(b, loc, nBlocks));
}

Value LookBackBuilder::buildPredecessorCount(OpBuilder &b, Value blk) {
  Value c0 = constantIndex(b, loc, 0);
  Value isFirst =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, blk, c0);
  auto prev = scf::IfOp::create(
      b, loc, isFirst,
      [&](OpBuilder &tb, Location tl) {
        scf::YieldOp::create(tb, tl, toI64(tb, loc, from));
      },
      [&](OpBuilder &eb, Location el) {
        Value before =
            arith::SubIOp::create(eb, el, blk, constantIndex(eb, loc, 1));
        auto spin = scf::WhileOp::create(
            eb, el, TypeRange{eb.getI64Type()}, ValueRange{},
            [&](OpBuilder &sb, Location sl, ValueRange) {
              Value v = atomic(sb, arith::AtomicRMWKind::addi,
                               constantI64(sb, loc, 0), status,
                               statusIndex(sb, before));
              Value notYet =
                  arith::CmpIOp::create(sb, sl, arith::CmpIPredicate::slt, v,
                                        constantI64(sb, loc, 0));
              scf::ConditionOp::create(sb, sl, notYet, ValueRange{v});
            },
            [&](OpBuilder &sb, Location sl, ValueRange) {
              scf::YieldOp::create(sb, sl);
            });
        scf::YieldOp::create(eb, el, spin.getResult(0));
      });
  return prev.getResult(0);
}

void LookBackBuilder::buildZeroBlock(OpBuilder &b, Value blk, Value lo,
                                     Value hi) {
  pb.buildZeroFill(b, lo, hi);
  // N_out is at most the true inclusive count here (a block before reached
  // it), which is all that later blocks and the total need.
  atomic(b, arith::AtomicRMWKind::assign, toI64(b, loc, ops.nOut), status,
         statusIndex(b, blk));
  memref::StoreOp::create(b, loc, ops.nIn, badRows, blk);
}

void LookBackBuilder::buildCountedBlock(OpBuilder &b, Value blk, Value lo,
                                        Value hi) {
  Value base = constantIndex(b, loc, 0);
  if (stepsPerBlock)
    base = arith::MulIOp::create(b, loc, blk, stepsPerBlock);
  Value count = toI64(b, loc, buildCount(b, lo, hi, base));
  Value p0 = buildPredecessorCount(b, blk);
  Value inclusive = arith::AddIOp::create(b, loc, p0, count);
  // Recorded before the count is published, so that any block after this one
  // that sees the count also sees that it may skip.
  Value saturated = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                          inclusive, toI64(b, loc, ops.nOut));
  scf::IfOp::create(b, loc, saturated, [&](OpBuilder &tb, Location tl) {
    atomic(tb, arith::AtomicRMWKind::mins, toI64(tb, loc, blk), control,
           constantIndex(tb, loc, kSaturated));
    scf::YieldOp::create(tb, tl);
  });
  atomic(b, arith::AtomicRMWKind::assign, inclusive, status,
         statusIndex(b, blk));
  auto [badRow, pos] = buildWrite(b, lo, hi, toIndex(b, loc, p0), base);
  memref::StoreOp::create(b, loc, badRow, badRows, blk);
  memref::StoreOp::create(b, loc, pos, badPos, blk);
  Value isBad =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, badRow, ops.nIn);
  Value badRow64 = toI64(b, loc, badRow);
  scf::IfOp::create(b, loc, isBad, [&](OpBuilder &tb, Location tl) {
    atomic(tb, arith::AtomicRMWKind::mins, badRow64, control,
           constantIndex(tb, loc, kFirstBad));
    scf::YieldOp::create(tb, tl);
  });
}

void LookBackBuilder::buildBlock(OpBuilder &b) {
  // Blocks go out in order whatever the thread schedule, so a block waits
  // only for blocks that running iterations already hold.
  Value blk =
      toIndex(b, loc,
              atomic(b, arith::AtomicRMWKind::addi, constantI64(b, loc, 1),
                     control, constantIndex(b, loc, kNextBlock)));
  Value lo = arith::MulIOp::create(b, loc, blk, chunkLen);
  Value hi = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, lo, chunkLen), ops.nIn);
  auto read = [&](OpBuilder &nb, int64_t word) {
    return toIndex(nb, loc,
                   atomic(nb, arith::AtomicRMWKind::addi,
                          constantI64(nb, loc, 0), control,
                          constantIndex(nb, loc, word)));
  };
  Value firstBad = read(b, kFirstBad);
  Value past =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, firstBad, lo);
  scf::IfOp::create(
      b, loc, past,
      [&](OpBuilder &tb, Location tl) {
        // Past a differing row: the greedy loop redoes these rows.
        atomic(tb, arith::AtomicRMWKind::assign, constantI64(tb, loc, 0),
               status, statusIndex(tb, blk));
        memref::StoreOp::create(tb, tl, ops.nIn, badRows, blk);
        scf::YieldOp::create(tb, tl);
      },
      [&](OpBuilder &eb, Location el) {
        // A block before this one reached N_out: the loop stopped before
        // this block, whose rows are all zero (a slice of the first rows,
        // the second half of duplicate-heavy inputs). Any earlier block will
        // do, not only the one before, which may still be counting.
        Value done = arith::CmpIOp::create(eb, el, arith::CmpIPredicate::ult,
                                           read(eb, kSaturated), blk);
        scf::IfOp::create(
            eb, el, done,
            [&](OpBuilder &tb, Location tl) {
              buildZeroBlock(tb, blk, lo, hi);
              scf::YieldOp::create(tb, tl);
            },
            [&](OpBuilder &cb, Location cl) {
              buildCountedBlock(cb, blk, lo, hi);
              scf::YieldOp::create(cb, cl);
            });
        scf::YieldOp::create(eb, el);
      });
}

std::pair<Value, Value> LookBackBuilder::buildResult(OpBuilder &b,
                                                     Value nBlocks) {
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  // The first block in order with a differing row: the rows before it are
  // final, and the greedy loop resumes there.
  auto first = scf::ForOp::create(
      b, loc, c0, nBlocks, c1, ValueRange{ops.nIn, c0},
      [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
        Value none = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                           acc[0], ops.nIn);
        Value row = memref::LoadOp::create(nb, l, badRows, k);
        Value pos = memref::LoadOp::create(nb, l, badPos, k);
        scf::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, none, row, acc[0]),
                       arith::SelectOp::create(nb, l, none, pos, acc[1])});
      });
  Value resumeRow = first.getResult(0);
  Value resume = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                       resumeRow, ops.nIn);
  // Every block verified: the loop used min(total, N_out) gradients.
  Value last = arith::SubIOp::create(b, loc, nBlocks, c1);
  Value total = toIndex(
      b, loc, memref::LoadOp::create(b, loc, status, statusIndex(b, last)));
  Value used = arith::MinUIOp::create(b, loc, total, ops.nOut);
  return {resumeRow,
          arith::SelectOp::create(b, loc, resume, first.getResult(1), used)};
}

std::pair<Value, Value> LookBackBuilder::build(OpBuilder &b, Value blockRows) {
  chunkLen = blockRows;
  buildBox(b, chunkLen);
  Value nBlocks = arith::CeilDivUIOp::create(b, loc, ops.nIn, chunkLen);
  allocState(b, nBlocks);
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  scf::ParallelOp::create(
      b, loc, ValueRange{c0}, ValueRange{nBlocks}, ValueRange{c1},
      [&](OpBuilder &nb, Location, ValueRange) { buildBlock(nb); });
  std::pair<Value, Value> result = buildResult(b, nBlocks);
  for (Value v : {status, badRows, badPos, control, boxLo, boxHi, flagWords})
    if (v)
      memref::DeallocOp::create(b, loc, v);
  return result;
}

Value LookBackBuilder::buildCountOnly(OpBuilder &b, Value blockRows) {
  buildBox(b, blockRows);
  Value nBlocks = arith::CeilDivUIOp::create(b, loc, ops.nIn, blockRows);
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  // Per block its count, then their sum.
  Value counts = memref::AllocOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, b.getIndexType()),
      nBlocks);
  scf::ParallelOp::create(
      b, loc, ValueRange{c0}, ValueRange{nBlocks}, ValueRange{c1},
      [&](OpBuilder &nb, Location l, ValueRange ivs) {
        Value lo = arith::MulIOp::create(nb, l, ivs[0], blockRows);
        Value hi = arith::MinUIOp::create(
            nb, l, arith::AddIOp::create(nb, l, lo, blockRows), ops.nIn);
        memref::StoreOp::create(nb, l, buildCount(nb, lo, hi, Value()), counts,
                                ivs[0]);
      });
  auto sum = scf::ForOp::create(
      b, loc, c0, nBlocks, c1, ValueRange{c0},
      [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
        Value n = memref::LoadOp::create(nb, l, counts, k);
        scf::YieldOp::create(
            nb, l, arith::AddIOp::create(nb, l, acc[0], n).getResult());
      });
  for (Value v : {counts, boxLo, boxHi})
    memref::DeallocOp::create(b, loc, v);
  return sum.getResult(0);
}

/// From this static R on, output rows that the plan can guess take the
/// split loop from the start (see buildParallelLoop). At R = 1 the
/// look-back won on sparse slices (5% kept: prefix, runs and suffix input in
/// f32, sorted in complex<f64>: 1.9-4.3x the C++ loop against 1.5-3.1x
/// split); from R = 2 the split loop won on most classes (up to 2.6x on
/// dense slices) and lost at most 15% on a few 5% slices, for f32 and
/// complex<f64> (BENCHMARKS.md, issue 24).
static constexpr int64_t kSplitFirstRank = 2;

Value lowering::buildParallelLoop(OpBuilder &b, Location loc,
                                  const SliceGradOperands &ops,
                                  int64_t chunkRows, unsigned vectorWidth,
                                  Value from) {
  Value c0 = constantIndex(b, loc, 0);
  if (!from)
    from = c0;
  // A partition's block may have no rows (the look-back needs a block).
  Value hasOut = arith::AndIOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, from, ops.nOut),
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, ops.nIn, c0));
  return buildIfElse(
      b, loc, hasOut,
      [&](OpBuilder &tb) {
        Value blockRows = constantIndex(tb, loc, chunkRows);
        SliceGradBuilder sb(tb, loc, ops, vectorWidth);
        auto lookBack = [&](OpBuilder &lb) {
          LookBackBuilder builder(lb, loc, ops, vectorWidth, from);
          return builder.build(lb, blockRows);
        };
        // Where the look-back stopped (row < N_in), TensorFlow's loop runs
        // on from (row, j) in parallel parts (`rounds`); else j is final.
        auto resumeFrom = [&](OpBuilder &rb, Value row, Value j,
                              function_ref<Value(OpBuilder &)> rounds) {
          Value resume = arith::CmpIOp::create(
              rb, loc, arith::CmpIPredicate::ult, row, ops.nIn);
          return buildIfElse(rb, loc, resume, rounds,
                             [&](OpBuilder &) { return j; });
        };
        if (!ops.hasStaticNumDims() || ops.staticNumDims < kSplitFirstRank) {
          std::pair<Value, Value> stop = lookBack(tb);
          Value row = stop.first, j = stop.second;
          return resumeFrom(tb, row, j, [&](OpBuilder &pb) {
            return sb.buildSplitGreedyLoop(pb, row, ops.nIn, j, blockRows);
          });
        }
        // Rows whose parts the plan can guess (output rows that ascend, as
        // in a slice of sorted input, or that are the input rows in order,
        // as when every row is kept): TensorFlow's loop in parallel parts
        // from the first row reads each row once, where the look-back
        // reads output_indices twice (the box, then the write). Otherwise
        // the look-back, and its resume, which reuses the plan's buffers:
        // one instance of the rounds serves both (compile cost).
        SplitPlan plan = sb.buildSplitPlan(tb, c0, ops.nIn, from, blockRows);
        Value split =
            arith::CmpIOp::create(tb, loc, arith::CmpIPredicate::ugt,
                                  plan.nParts, constantIndex(tb, loc, 1));
        auto start = scf::IfOp::create(
            tb, loc, split,
            [&](OpBuilder &rb, Location l) {
              scf::YieldOp::create(rb, l, ValueRange{c0, from});
            },
            [&](OpBuilder &lb, Location l) {
              auto [row, j] = lookBack(lb);
              scf::YieldOp::create(lb, l, ValueRange{row, j});
            });
        Value row = start.getResult(0), j = start.getResult(1);
        Value used = resumeFrom(tb, row, j, [&](OpBuilder &pb) {
          // From row 0 the first plan holds; from the look-back's row the
          // plan is made again in its buffers.
          Value nParts = buildIfElse(
              pb, loc, split, [&](OpBuilder &) { return plan.nParts; },
              [&](OpBuilder &rb) {
                return sb.callSplitPlan(rb, row, ops.nIn, j, blockRows,
                                        plan.starts, plan.guesses);
              });
          return sb.buildSplitRounds(pb, {plan.starts, plan.guesses, nParts},
                                     j);
        });
        sb.freeSplitPlan(tb, plan);
        return used;
      },
      [&](OpBuilder &eb) {
        // No output rows left (or no rows): the loop stops at once and
        // every value is zero.
        SliceGradBuilder builder(eb, loc, ops, /*vectorWidth=*/0);
        builder.buildZeroFill(eb, c0, ops.nIn);
        return from;
      });
}

Value lowering::buildBoxCount(OpBuilder &b, Location loc,
                              const SliceGradOperands &ops, int64_t chunkRows,
                              unsigned vectorWidth) {
  Value c0 = constantIndex(b, loc, 0);
  Value hasOut =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, ops.nOut, c0);
  return buildIfElse(
      b, loc, hasOut,
      [&](OpBuilder &tb) {
        LookBackBuilder builder(tb, loc, ops, vectorWidth, c0);
        return builder.buildCountOnly(tb, constantIndex(tb, loc, chunkRows));
      },
      // No output rows: the box is empty.
      [&](OpBuilder &) { return c0; });
}
