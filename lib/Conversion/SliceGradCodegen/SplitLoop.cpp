//===- SplitLoop.cpp - TensorFlow's loop in parts from guessed j ----------===//
//
// TensorFlow's loop over input rows [lo, hi) from j0, in parts run in
// parallel: the loop's only state between rows is j, so a part run from the
// j the loop has at its first row gives the loop's own values for its rows.
// Part 0 starts from j0; every other part from a guess (the number of
// shifted output rows below its first row, by binary search: exact where
// the output rows are sorted and unique, as when they hold one copy of each
// repeated input row). A pass in order then keeps each part whose guess was
// the j the loop reached, and runs the loop again over any other. Where a
// sample of the output rows does not ascend, guesses would be wrong: the
// loop runs as one part. The parallel strategy resumes with it where its
// look-back could not prove a row (docs/Rationale.md).
//
//===----------------------------------------------------------------------===//

#include "SliceGradBuilder.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

/// Part p's first row: min(lo + p * partRows, hi), moved past rows equal to
/// the row before them (a copy the loop may have skipped or matched: the
/// guess would not know which), at most to the next part's nominal start.
static Value buildPartStart(OpBuilder &b, Location loc,
                            const SliceGradOperands &ops, Value lo, Value hi,
                            Value partRows, Value p) {
  Type indexType = b.getIndexType();
  Value c1 = constantIndex(b, loc, 1);
  Value base = arith::MinUIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, lo,
                            arith::MulIOp::create(b, loc, p, partRows)),
      hi);
  Value limit = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, base, partRows), hi);
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType}, ValueRange{base},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = args[0];
        Value movable = arith::AndIOp::create(
            nb, l,
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, i, limit),
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ugt, i, lo));
        auto copy = scf::IfOp::create(
            nb, l, movable,
            [&](OpBuilder &tb, Location tl) {
              Value prev = arith::SubIOp::create(tb, tl, i, c1);
              Value d = buildFirstDifferingColumn(tb, tl, ops.numDims,
                                                  ops.inIdx, i, prev);
              scf::YieldOp::create(
                  tb, tl,
                  arith::CmpIOp::create(tb, tl, arith::CmpIPredicate::eq, d,
                                        ops.numDims)
                      .getResult());
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, constantBool(eb, el, false));
            });
        scf::ConditionOp::create(nb, l, copy.getResult(0), args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        scf::YieldOp::create(
            nb, l, arith::AddIOp::create(nb, l, args[0], c1).getResult());
      });
  return loop.getResult(0);
}

/// The first output row k in [j0, N_out) whose shifted row is not below
/// input row i (lexicographic, signed; N_out if none): by binary search,
/// which only sorted output rows make meaningful. Only a guess.
static Value buildGuess(OpBuilder &b, Location loc,
                        const SliceGradOperands &ops, Value i, Value j0) {
  Type indexType = b.getIndexType();
  Value c1 = constantIndex(b, loc, 1);
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType}, ValueRange{j0, ops.nOut},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value open = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                           args[0], args[1]);
        scf::ConditionOp::create(nb, l, open, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value mid = arith::AddIOp::create(
            nb, l, args[0],
            arith::ShRUIOp::create(
                nb, l, arith::SubIOp::create(nb, l, args[1], args[0]), c1));
        // Below: the first differing column has the smaller shifted
        // coordinate.
        Value d = buildFirstDifferingColumn(nb, l, ops, i, mid);
        Value differs = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                              d, ops.numDims);
        auto below = scf::IfOp::create(
            nb, l, differs,
            [&](OpBuilder &tb, Location tl) {
              Value a =
                  memref::LoadOp::create(tb, tl, ops.inIdx, ValueRange{i, d});
              Value o = memref::LoadOp::create(tb, tl, ops.outIdx,
                                               ValueRange{mid, d});
              Value s = memref::LoadOp::create(tb, tl, ops.start, d);
              Value shifted = arith::AddIOp::create(tb, tl, o, s);
              scf::YieldOp::create(
                  tb, tl,
                  arith::CmpIOp::create(tb, tl, arith::CmpIPredicate::slt,
                                        shifted, a)
                      .getResult());
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, constantBool(eb, el, false));
            });
        Value next = arith::AddIOp::create(nb, l, mid, c1);
        scf::YieldOp::create(
            nb, l,
            ValueRange{arith::SelectOp::create(nb, l, below.getResult(0), next,
                                               args[0]),
                       arith::SelectOp::create(nb, l, below.getResult(0),
                                               args[1], mid)});
      });
  return loop.getResult(0);
}

/// i1: kSamples output rows spread evenly over [j0, N_out) ascend (signed,
/// lexicographic). Otherwise the guesses' binary search means nothing (output
/// rows in no order: each part would run twice), and the loop runs as one part.
static Value buildSampleAscends(OpBuilder &b, Location loc,
                                const SliceGradOperands &ops, Value j0) {
  constexpr int64_t kSamples = 32;
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value gaps = constantIndex(b, loc, kSamples - 1);
  Value span = arith::SubIOp::create(
      b, loc, arith::SubIOp::create(b, loc, ops.nOut, j0), c1);
  auto sample = [&](OpBuilder &nb, Location l, Value k) -> Value {
    Value at = arith::DivUIOp::create(
        nb, l, arith::MulIOp::create(nb, l, k, span), gaps);
    return arith::AddIOp::create(nb, l, j0, at);
  };
  auto loop = scf::ForOp::create(
      b, loc, c0, gaps, c1, ValueRange{constantBool(b, loc, true)},
      [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
        Value a = sample(nb, l, k);
        Value next = sample(nb, l, arith::AddIOp::create(nb, l, k, c1));
        Value d =
            buildFirstDifferingColumn(nb, l, ops.numDims, ops.outIdx, a, next);
        Value differs = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                              d, ops.numDims);
        auto ascends = scf::IfOp::create(
            nb, l, differs,
            [&](OpBuilder &tb, Location tl) {
              Value x =
                  memref::LoadOp::create(tb, tl, ops.outIdx, ValueRange{a, d});
              Value y = memref::LoadOp::create(tb, tl, ops.outIdx,
                                               ValueRange{next, d});
              scf::YieldOp::create(
                  tb, tl,
                  arith::CmpIOp::create(tb, tl, arith::CmpIPredicate::slt, x, y)
                      .getResult());
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, constantBool(eb, el, true));
            });
        scf::YieldOp::create(
            nb, l,
            arith::AndIOp::create(nb, l, acc[0], ascends.getResult(0))
                .getResult());
      });
  return loop.getResult(0);
}

Value SliceGradBuilder::buildSplitGreedyLoop(OpBuilder &b, Value lo, Value hi,
                                             Value j0, Value partRows) {
  Type indexType = b.getIndexType();
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value rows = arith::SubIOp::create(b, loc, hi, lo);
  Value anyLeft =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, j0, ops.nOut);
  auto ascends = scf::IfOp::create(
      b, loc, anyLeft,
      [&](OpBuilder &tb, Location tl) {
        scf::YieldOp::create(tb, tl, buildSampleAscends(tb, tl, ops, j0));
      },
      [&](OpBuilder &eb, Location el) {
        scf::YieldOp::create(eb, el, constantBool(eb, el, false));
      });
  partRows =
      arith::SelectOp::create(b, loc, ascends.getResult(0), partRows, rows);
  Value nParts = arith::CeilDivUIOp::create(b, loc, rows, partRows);
  auto bufType = MemRefType::get({ShapedType::kDynamic}, indexType);
  Value starts = memref::AllocOp::create(
      b, loc, bufType,
      ValueRange{arith::AddIOp::create(b, loc, nParts, c1).getResult()});
  Value guesses = memref::AllocOp::create(b, loc, bufType, nParts);
  Value ends = memref::AllocOp::create(b, loc, bufType, nParts);
  // Each part's first row and guess, in order (a few row comparisons per
  // part); part p's rows are [starts[p], starts[p + 1]).
  scf::ForOp::create(
      b, loc, c0, nParts, c1, ValueRange{},
      [&](OpBuilder &nb, Location l, Value p, ValueRange) {
        Value first = buildPartStart(nb, l, ops, lo, hi, partRows, p);
        memref::StoreOp::create(nb, l, first, starts, p);
        memref::StoreOp::create(nb, l, buildGuess(nb, l, ops, first, j0),
                                guesses, p);
        scf::YieldOp::create(nb, l);
      });
  memref::StoreOp::create(b, loc, hi, starts, nParts);
  // Rounds: parts [q, until) run in parallel, part q from the loop's own j
  // (jq), the others from their guesses; then the parts after q whose j
  // was right are kept, in order, up to the first wrong one, which the
  // next round runs alone. The first round runs every part. One loop
  // body serves both, so the op's code holds TensorFlow's loop once.
  auto rounds = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType, indexType},
      ValueRange{c0, j0, nParts},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value q = args[0], jq = args[1], until = args[2];
        memref::StoreOp::create(nb, l, jq, guesses, q);
        scf::ParallelOp::create(
            nb, l, ValueRange{q}, ValueRange{until}, ValueRange{c1},
            [&](OpBuilder &pb, Location pl, ValueRange ivs) {
              Value p = ivs[0];
              Value first = memref::LoadOp::create(pb, pl, starts, p);
              Value next = memref::LoadOp::create(
                  pb, pl, starts,
                  ValueRange{arith::AddIOp::create(pb, pl, p, c1).getResult()});
              Value j = memref::LoadOp::create(pb, pl, guesses, p);
              memref::StoreOp::create(
                  pb, pl, buildGreedyLoop(pb, first, next, j), ends, p);
            });
        // The parts after q that ran from the j the loop reached.
        Value endQ = memref::LoadOp::create(nb, l, ends, q);
        auto kept = scf::WhileOp::create(
            nb, l, TypeRange{indexType, indexType},
            ValueRange{arith::AddIOp::create(nb, l, q, c1), endQ},
            [&](OpBuilder &cb, Location cl, ValueRange kargs) {
              Value inRange = arith::CmpIOp::create(
                  cb, cl, arith::CmpIPredicate::ult, kargs[0], nParts);
              auto right = scf::IfOp::create(
                  cb, cl, inRange,
                  [&](OpBuilder &tb, Location tl) {
                    Value g = memref::LoadOp::create(tb, tl, guesses, kargs[0]);
                    scf::YieldOp::create(
                        tb, tl,
                        arith::CmpIOp::create(tb, tl, arith::CmpIPredicate::eq,
                                              g, kargs[1])
                            .getResult());
                  },
                  [&](OpBuilder &eb, Location el) {
                    scf::YieldOp::create(eb, el, constantBool(eb, el, false));
                  });
              scf::ConditionOp::create(cb, cl, right.getResult(0), kargs);
            },
            [&](OpBuilder &cb, Location cl, ValueRange kargs) {
              Value end = memref::LoadOp::create(cb, cl, ends, kargs[0]);
              scf::YieldOp::create(
                  cb, cl,
                  ValueRange{arith::AddIOp::create(cb, cl, kargs[0], c1), end});
            });
        Value wrong = kept.getResult(0), j = kept.getResult(1);
        Value more = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                           wrong, nParts);
        scf::ConditionOp::create(
            nb, l, more,
            ValueRange{wrong, j, arith::AddIOp::create(nb, l, wrong, c1)});
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        scf::YieldOp::create(nb, l, args);
      });
  for (Value v : {starts, guesses, ends})
    memref::DeallocOp::create(b, loc, v);
  return rounds.getResult(1);
}
