//===- GreedyLoop.cpp - TensorFlow's greedy loop over a range of rows -----===//
//
// TensorFlow's loop over input rows [lo, hi) from a given j: the rows are
// zeroed, then each row is compared with output row j and a match stores
// its gradient (a branch, as in TensorFlow's kernel); with a static R, a
// vector step first checks whether the next vectorWidth rows are the next
// vectorWidth output rows (a dense slice) and takes them at once. The
// sequential strategy runs it over all rows; the parallel strategy resumes with
// it, in parallel parts (SplitLoop.cpp), where its look-back pass could not
// prove a row.
//
//===----------------------------------------------------------------------===//

#include "SliceGradBuilder.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

std::pair<Value, Value> SliceGradBuilder::buildScalarStep(OpBuilder &b, Value i,
                                                          Value j) {
  // A branch on the match, as TensorFlow's loop has: it predicts well on
  // real data, and breaks the dependence of the next row's loads on this
  // row's comparison (a select would chain them). The rows were zeroed.
  Value same = buildRowEqual(b, i, j);
  auto next = scf::IfOp::create(
      b, loc, same,
      [&](OpBuilder &tb, Location tl) {
        Value g = memref::LoadOp::create(tb, tl, ops.grad, j);
        memref::StoreOp::create(tb, tl, g, ops.out, i);
        Value c1 = constantIndex(tb, tl, 1);
        scf::YieldOp::create(tb, tl,
                             arith::AddIOp::create(tb, tl, j, c1).getResult());
      },
      [&](OpBuilder &eb, Location el) { scf::YieldOp::create(eb, el, j); });
  Value c1 = constantIndex(b, loc, 1);
  return {arith::AddIOp::create(b, loc, i, c1), next.getResult(0)};
}

std::pair<Value, Value>
SliceGradBuilder::buildRunOrScalarSteps(OpBuilder &b, Value i, Value j) {
  int64_t width = vectorWidth;
  Value cW = constantIndex(b, loc, width);
  // A run: the next vectorWidth rows are the next vectorWidth output rows
  // (a dense slice), so the loop matches them all.
  Value same = buildStepCompare(b, arith::CmpIPredicate::eq, i, j);
  Value isRun =
      vector::ReductionOp::create(b, loc, vector::CombiningKind::AND, same);
  auto step = scf::IfOp::create(
      b, loc, isRun,
      [&](OpBuilder &tb, Location tl) {
        auto valuesType = VectorType::get({width}, ops.eltType);
        Value v =
            vector::LoadOp::create(tb, tl, valuesType, ops.grad, ValueRange{j});
        vector::StoreOp::create(tb, tl, v, ops.out, i);
        scf::YieldOp::create(tb, tl,
                             arith::AddIOp::create(tb, tl, j, cW).getResult());
      },
      [&](OpBuilder &eb, Location el) {
        // vectorWidth scalar steps (j + vectorWidth <= N_out keeps every
        // one in bounds).
        Value c0 = constantIndex(eb, el, 0);
        Value c1 = constantIndex(eb, el, 1);
        auto steps = scf::ForOp::create(
            eb, el, c0, cW, c1, ValueRange{j},
            [&](OpBuilder &fb, Location fl, Value k, ValueRange acc) {
              Value row = arith::AddIOp::create(fb, fl, i, k);
              scf::YieldOp::create(fb, fl,
                                   buildScalarStep(fb, row, acc[0]).second);
            });
        scf::YieldOp::create(eb, el, steps.getResult(0));
      });
  return {arith::AddIOp::create(b, loc, i, cW), step.getResult(0)};
}

Value SliceGradBuilder::buildGreedyLoop(OpBuilder &b, Value lo, Value hi,
                                        Value j0) {
  Type indexType = b.getIndexType();
  // val_grad[lo..hi) = 0, then the matches (LLVM makes this a memset).
  buildZeroFill(b, lo, hi);
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType}, ValueRange{lo, j0},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value iInRange = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                               args[0], hi);
        Value jInRange = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                               args[1], ops.nOut);
        Value cond = arith::AndIOp::create(nb, l, iInRange, jInRange);
        scf::ConditionOp::create(nb, l, cond, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = args[0], j = args[1];
        if (!canVectorizeExpand()) {
          auto [nextI, nextJ] = buildScalarStep(nb, i, j);
          scf::YieldOp::create(nb, l, ValueRange{nextI, nextJ});
          return;
        }
        Value cW = constantIndex(nb, l, vectorWidth);
        Value rowsLeft =
            arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule,
                                  arith::AddIOp::create(nb, l, i, cW), hi);
        Value outLeft = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::ule,
            arith::AddIOp::create(nb, l, j, cW), ops.nOut);
        auto step = scf::IfOp::create(
            nb, l, arith::AndIOp::create(nb, l, rowsLeft, outLeft),
            [&](OpBuilder &tb, Location tl) {
              auto [nextI, nextJ] = buildRunOrScalarSteps(tb, i, j);
              scf::YieldOp::create(tb, tl, ValueRange{nextI, nextJ});
            },
            [&](OpBuilder &eb, Location el) {
              auto [nextI, nextJ] = buildScalarStep(eb, i, j);
              scf::YieldOp::create(eb, el, ValueRange{nextI, nextJ});
            });
        scf::YieldOp::create(nb, l, step.getResults());
      });
  return loop.getResult(1);
}
