//===- SplitLoop.cpp - TensorFlow's loop in parts from guessed j ----------===//
//
// TensorFlow's loop over input rows [lo, hi) from j0, in parts run in
// parallel: the loop's only state between rows is j, so a part run from the
// j the loop has at its first row gives the loop's own values for its rows.
// Part 0 starts from j0; every other part from a guess (its row number
// from lo, where the output rows are the input rows in order; else the
// number of shifted output rows below its first row, by binary search:
// exact where the output rows are sorted and unique, as when they hold one
// copy of each repeated input row). A pass in order then keeps each part
// whose guess was the j the loop reached, and the loop runs again over the
// first other one, and so on. The runtime's sparseSliceGradSplitPlan
// chooses the parts and the guesses (one part where a sample of the rows
// fits neither guess), so that each kernel holds only the rounds. Parts go
// to threads one at a time (their work is uneven). The parallel strategy
// resumes with it where its look-back could not prove a row, and runs it
// from the first row for wide rows (docs/Rationale.md).
//
//===----------------------------------------------------------------------===//

#include "RuntimeCalls.h"
#include "SliceGradBuilder.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

SplitPlan SliceGradBuilder::buildSplitPlan(OpBuilder &b, Value lo, Value hi,
                                           Value j0, Value partRows) {
  Value c1 = constantIndex(b, loc, 1);
  Value maxParts = arith::CeilDivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, hi, lo), partRows);
  auto bufType = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  Value starts = memref::AllocOp::create(
      b, loc, bufType,
      ValueRange{arith::AddIOp::create(b, loc, maxParts, c1).getResult()});
  Value guesses = memref::AllocOp::create(b, loc, bufType, maxParts);
  return {starts, guesses,
          callSplitPlan(b, lo, hi, j0, partRows, starts, guesses)};
}

Value SliceGradBuilder::callSplitPlan(OpBuilder &b, Value lo, Value hi,
                                      Value j0, Value partRows, Value starts,
                                      Value guesses) {
  // The insertion block may not be attached yet (a region under
  // construction); the operands' blocks are.
  Value anchor = ops.inIdx;
  auto module =
      anchor.getParentBlock()->getParentOp()->getParentOfType<ModuleOp>();
  declareSplitPlan(module, b);
  return toIndex(
      b, loc,
      func::CallOp::create(
          b, loc, kSparseSliceGradSplitPlanName, TypeRange{b.getI64Type()},
          ValueRange{castForRuntime(b, loc, ops.inIdx),
                     castForRuntime(b, loc, ops.outIdx),
                     castForRuntime(b, loc, ops.start), toI64(b, loc, lo),
                     toI64(b, loc, hi), toI64(b, loc, j0),
                     toI64(b, loc, partRows), castForRuntime(b, loc, starts),
                     castForRuntime(b, loc, guesses)})
          .getResult(0));
}

void SliceGradBuilder::freeSplitPlan(OpBuilder &b, const SplitPlan &plan) {
  for (Value v : {plan.starts, plan.guesses})
    memref::DeallocOp::create(b, loc, v);
}

Value SliceGradBuilder::buildSplitRounds(OpBuilder &b, const SplitPlan &plan,
                                         Value j0) {
  Type indexType = b.getIndexType(), i64Type = b.getI64Type();
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value starts = plan.starts, guesses = plan.guesses, nParts = plan.nParts;
  Value ends = memref::AllocOp::create(
      b, loc, cast<MemRefType>(guesses.getType()), nParts);
  // The next part to hand out: parts go to threads one at a time, since
  // their work is uneven (those past the last output row only zero-fill,
  // and a static schedule gave one thread every part of a prefix slice).
  Value nextPart =
      memref::AllocOp::create(b, loc, MemRefType::get({1}, i64Type));
  auto load = [&](OpBuilder &nb, Location l, Value buf, Value at) {
    return toIndex(nb, l, memref::LoadOp::create(nb, l, buf, at));
  };
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
        memref::StoreOp::create(nb, l, toI64(nb, l, jq), guesses, q);
        memref::StoreOp::create(nb, l, toI64(nb, l, q), nextPart, c0);
        scf::ParallelOp::create(
            nb, l, ValueRange{q}, ValueRange{until}, ValueRange{c1},
            [&](OpBuilder &pb, Location pl, ValueRange) {
              Value p = toIndex(pb, pl,
                                memref::AtomicRMWOp::create(
                                    pb, pl, arith::AtomicRMWKind::addi,
                                    constantI64(pb, pl, 1), nextPart, c0));
              Value first = load(pb, pl, starts, p);
              Value next =
                  load(pb, pl, starts, arith::AddIOp::create(pb, pl, p, c1));
              Value j = load(pb, pl, guesses, p);
              memref::StoreOp::create(
                  pb, pl, toI64(pb, pl, buildGreedyLoop(pb, first, next, j)),
                  ends, p);
            });
        // The parts after q that ran from the j the loop reached.
        Value endQ = load(nb, l, ends, q);
        auto kept = scf::WhileOp::create(
            nb, l, TypeRange{indexType, indexType},
            ValueRange{arith::AddIOp::create(nb, l, q, c1), endQ},
            [&](OpBuilder &cb, Location cl, ValueRange kargs) {
              Value inRange = arith::CmpIOp::create(
                  cb, cl, arith::CmpIPredicate::ult, kargs[0], nParts);
              auto right = scf::IfOp::create(
                  cb, cl, inRange,
                  [&](OpBuilder &tb, Location tl) {
                    Value g = load(tb, tl, guesses, kargs[0]);
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
              Value end = load(cb, cl, ends, kargs[0]);
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
  for (Value v : {ends, nextPart})
    memref::DeallocOp::create(b, loc, v);
  return rounds.getResult(1);
}

Value SliceGradBuilder::buildSplitGreedyLoop(OpBuilder &b, Value lo, Value hi,
                                             Value j0, Value partRows) {
  SplitPlan plan = buildSplitPlan(b, lo, hi, j0, partRows);
  Value j = buildSplitRounds(b, plan, j0);
  freeSplitPlan(b, plan);
  return j;
}
