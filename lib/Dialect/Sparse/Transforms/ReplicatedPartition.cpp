//===- ReplicatedPartition.cpp - slice_grad, output rows on each process --===//
//
// sparse.slice_grad partitioned by rows where every process holds all
// output rows and their gradients: each process of the group holds
// N_in / P input rows and computes its part of the result. TensorFlow's
// loop carries j from one process's rows to the next; the partition
// guesses each process's start and proves it (docs/Sharding.md has the
// argument):
//
//   1. The box of the shifted output rows, each process over a share of
//      them, combined by a max all_reduce; c_p = rows of process p inside
//      it (sparse.slice_grad_count); one all_reduce gives every process
//      all counts and row counts, so s_p = c_0 + ... + c_{p-1}.
//   2. Each process runs TensorFlow's loop on its rows from j = s_p
//      (sparse.slice_grad_resume, the CPU lowering's parallel algorithm)
//      and gets its end e_p; a second all_reduce gives every process all
//      ends.
//   3. s_0 = 0 is exact; if s_q is exact, e_q is the loop's j after
//      process q. So every start up to the first q with e_{q-1} != s_q is
//      exact. From there on the exact starts pass from process to process:
//      where the exact start equals the guess, the end is already known to
//      all; where not, that process reruns its rows from the exact start
//      and an all_reduce hands its end to the others. Every process takes
//      the same branches (they depend only on reduced values).
//   4. That as many processes ran as the grid has, then TensorFlow's
//      checks on all rows (sparse.slice_grad_global_checks), the same on
//      every process.
//
//===----------------------------------------------------------------------===//

#include "Partition.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Shard/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::partition;
using namespace mlir::shard;

namespace {
/// The partitioned algorithm of one sparse.slice_grad whose input_indices
/// and result are split by rows on the group's axes (the file comment's steps,
/// one method each). Every process builds the same collectives in the same
/// order.
class SliceGradPartitioner {
public:
  SliceGradPartitioner(ImplicitLocOpBuilder &b, const Group &group,
                       ArrayRef<Value> operands)
      : b(b), group(group), numProcs(group.numProcs), grad(operands[kGrad]),
        inIdx(operands[kInIdx]), start(operands[kStart]),
        outIdx(operands[kOutIdx]) {
    resultType = RankedTensorType::get(
        {cast<RankedTensorType>(inIdx.getType()).getDimSize(0)},
        cast<RankedTensorType>(grad.getType()).getElementType());
  }

  /// Steps 1-4; returns the op that yields this process's val_grad (result
  /// #0) and TensorFlow's j after all rows (result #1).
  Operation *build() {
    me = createProcessLinearIndex(group.grid, group.axes, b);
    cP = index(numProcs);
    buildCounts();
    buildGuessedRun();
    Operation *outcome = buildExactRun(buildFirstWrong());
    Value nOut = tensor::DimOp::create(b, outIdx, index(0));
    SliceGradGlobalChecksOp::create(b, nIn, nOut, outcome->getResult(1),
                                    processes, cP, fpMin, fpMax);
    return outcome;
  }

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  /// The guess of process q: the sum of the counts before q.
  Value buildGuessOf(ImplicitLocOpBuilder &ib, Value q) {
    Value c0 = arith::ConstantIndexOp::create(ib, 0);
    Value c1 = arith::ConstantIndexOp::create(ib, 1);
    auto sum = scf::ForOp::create(
        ib, c0, q, c1, ValueRange{c0},
        [&](OpBuilder &fb, Location fl, Value r, ValueRange acc) {
          scf::YieldOp::create(
              fb, fl,
              arith::AddIOp::create(fb, fl, acc[0], element(fb, fl, counts, r))
                  .getResult());
        });
    return sum.getResult(0);
  }

  /// 1. Every process's count and row count (slot 2P: a 1 from each
  /// process, the number of processes running; slots 2P + 1 + p: the
  /// fingerprints); this process's guessed start and N_in.
  void buildCounts() {
    Value c0 = index(0), c1 = index(1);
    Value nLocal = tensor::DimOp::create(b, inIdx, c0);
    box = buildGroupBox(b, group, me, start, outIdx);
    Value count = SliceGradCountOp::create(b, b.getIndexType(), grad, inIdx,
                                           start, outIdx, box);
    Value fpBase = index(2 * numProcs + 1);
    counts =
        allSum(b, group,
               {{count, me},
                {nLocal, arith::AddIOp::create(b, cP, me)},
                {c1, index(2 * numProcs)},
                {buildFingerprint(b, grad, start, outIdx, /*wholeOutput=*/true),
                 arith::AddIOp::create(b, fpBase, me)}},
               3 * numProcs + 1);
    processes = element(b, b.getLoc(), counts, index(2 * numProcs));
    // The guess, N_in, and the least and greatest fingerprint of the group
    // (equal where the replicated operands are).
    Value firstFp = element(b, b.getLoc(), counts, fpBase);
    auto sums = scf::ForOp::create(
        b, c0, cP, c1, ValueRange{c0, c0, firstFp, firstFp},
        [&](OpBuilder &nb, Location l, Value q, ValueRange acc) {
          Value c = element(nb, l, counts, q);
          Value before =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, q, me);
          Value add = arith::SelectOp::create(nb, l, before, c, c0);
          Value n = element(nb, l, counts, arith::AddIOp::create(nb, l, q, cP));
          Value fp =
              element(nb, l, counts, arith::AddIOp::create(nb, l, q, fpBase));
          scf::YieldOp::create(
              nb, l,
              ValueRange{arith::AddIOp::create(nb, l, acc[0], add),
                         arith::AddIOp::create(nb, l, acc[1], n),
                         arith::MinUIOp::create(nb, l, acc[2], fp),
                         arith::MaxUIOp::create(nb, l, acc[3], fp)});
        });
    guess = sums.getResult(0);
    nIn = sums.getResult(1);
    fpMin = sums.getResult(2);
    fpMax = sums.getResult(3);
  }

  /// 2. TensorFlow's loop on this process's rows from the guess; every
  /// process's end.
  void buildGuessedRun() {
    guessed =
        SliceGradResumeOp::create(b, TypeRange{resultType, b.getIndexType()},
                                  grad, inIdx, start, outIdx, guess, box,
                                  /*out=*/Value());
    ends = allSum(b, group, {{guessed.getEnd(), me}}, numProcs);
  }

  /// 3a. The first process whose guess differs from its predecessor's end
  /// (P if none).
  Value buildFirstWrong() {
    Value c0 = index(0), c1 = index(1);
    auto firstWrong = scf::ForOp::create(
        b, c0, cP, c1, ValueRange{c0, cP},
        [&](OpBuilder &nb, Location l, Value q, ValueRange acc) {
          Value prefix = acc[0], first = acc[1];
          Value notFirst =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ugt, q, c0);
          Value prevEnd = element(
              nb, l, ends,
              arith::SelectOp::create(nb, l, notFirst,
                                      arith::SubIOp::create(nb, l, q, c1), c0));
          Value wrong = arith::AndIOp::create(
              nb, l, notFirst,
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne, prevEnd,
                                    prefix));
          Value none =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, first, cP);
          Value take = arith::AndIOp::create(nb, l, wrong, none);
          scf::YieldOp::create(
              nb, l,
              ValueRange{arith::AddIOp::create(nb, l, prefix,
                                               element(nb, l, counts, q)),
                         arith::SelectOp::create(nb, l, take, q, first)});
        });
    return firstWrong.getResult(1);
  }

  /// 3b. The guessed run where every guess was right; else the exact
  /// starts passed on from the first wrong process.
  Operation *buildExactRun(Value first) {
    Value lastEnd =
        element(b, b.getLoc(), ends, arith::SubIOp::create(b, cP, index(1)));
    Value allRight =
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, first, cP);
    return scf::IfOp::create(
        b, allRight,
        [&](OpBuilder &tb, Location tl) {
          scf::YieldOp::create(tb, tl,
                               ValueRange{guessed.getValGrad(), lastEnd});
        },
        [&](OpBuilder &eb, Location el) {
          ImplicitLocOpBuilder e(el, eb);
          // The exact start of the first wrong process: its predecessor's
          // end. Then each process in turn.
          Value c1 = arith::ConstantIndexOp::create(e, 1);
          Value j0 = element(eb, el, ends, arith::SubIOp::create(e, first, c1));
          auto chain = scf::ForOp::create(
              e, first, cP, c1, ValueRange{j0, guessed.getValGrad()},
              [&](OpBuilder &nb, Location l, Value q, ValueRange acc) {
                ImplicitLocOpBuilder n(l, nb);
                scf::YieldOp::create(nb, l,
                                     buildChainStep(n, q, acc[0], acc[1]));
              });
          scf::YieldOp::create(
              eb, el, ValueRange{chain.getResult(1), chain.getResult(0)});
        });
  }

  /// One process q of the chain from exact start j: where the guess was
  /// right, its end is known to all; else q reruns its rows from j and an
  /// all_reduce hands its end to the others. Returns (q's end, val_grad).
  SmallVector<Value> buildChainStep(ImplicitLocOpBuilder &n, Value q, Value j,
                                    Value vals) {
    Value c0 = arith::ConstantIndexOp::create(n, 0);
    Value right = arith::CmpIOp::create(n, arith::CmpIPredicate::eq,
                                        buildGuessOf(n, q), j);
    auto step = scf::IfOp::create(
        n, right,
        [&](OpBuilder &tb, Location tl) {
          scf::YieldOp::create(tb, tl,
                               ValueRange{element(tb, tl, ends, q), vals});
        },
        [&](OpBuilder &fb, Location fl) {
          ImplicitLocOpBuilder f(fl, fb);
          Value mine =
              arith::CmpIOp::create(f, arith::CmpIPredicate::eq, q, me);
          auto rerun = scf::IfOp::create(
              f, mine,
              [&](OpBuilder &rb, Location rl) {
                auto again = SliceGradResumeOp::create(
                    rb, rl, TypeRange{resultType, rb.getIndexType()}, grad,
                    inIdx, start, outIdx, j, box, /*out=*/Value());
                ImplicitLocOpBuilder r(rl, rb);
                scf::YieldOp::create(
                    r, ValueRange{overwrite(r, again.getValGrad(), vals),
                                  again.getEnd()});
              },
              [&](OpBuilder &rb, Location rl) {
                scf::YieldOp::create(rb, rl, ValueRange{vals, c0});
              });
          Value end = allSum(f, group, {{rerun.getResult(1), c0}}, 1);
          scf::YieldOp::create(
              fb, fl, ValueRange{element(fb, fl, end, c0), rerun.getResult(0)});
        });
    return SmallVector<Value>(step.getResults());
  }

  ImplicitLocOpBuilder &b;
  const Group &group;
  int64_t numProcs;
  Value grad, inIdx, start, outIdx;
  RankedTensorType resultType;
  /// This process's index on the axes, and P.
  Value me, cP;
  /// Step 1: the box of the output rows (computed in shares), the reduced
  /// counts, the processes running, the guess, N_in.
  Value box, counts, processes, guess, nIn, fpMin, fpMax;
  /// Step 2: the run from the guess and every process's end.
  SliceGradResumeOp guessed;
  Value ends;
};
} // namespace

Operation *sparse::partition::buildReplicatedPartition(
    ImplicitLocOpBuilder &b, const Group &group, ArrayRef<Value> operands) {
  return SliceGradPartitioner(b, group, operands).build();
}
