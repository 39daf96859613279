//===- ShardingInterfaceImpl.cpp - sparse.slice_grad on a grid ------------===//
//
// sparse.slice_grad partitioned by rows: each process of the group that
// splits input_indices holds N_in / P of its rows and all of the other
// operands, and computes its part of the result. TensorFlow's loop carries
// j from one process's rows to the next; the partition guesses each
// process's start and proves it (docs/Sharding.md has the argument):
//
//   1. c_p = rows of process p inside the box of the shifted output rows
//      (sparse.slice_grad_count); one all_reduce gives every process all
//      counts and row counts, so s_p = c_0 + ... + c_{p-1}.
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

#include "SliceGrad/Dialect/Sparse/Transforms/ShardingInterfaceImpl.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MPI/IR/MPI.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Shard/Interfaces/ShardingInterface.h"
#include "mlir/Dialect/Shard/Interfaces/ShardingInterfaceImpl.h"
#include "mlir/Dialect/Shard/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::shard;

namespace {
/// Operand numbers of sparse.slice_grad.
enum : unsigned { kGrad = 0, kInIdx = 1, kStart = 2, kOutIdx = 3 };

/// Whether `sharding` splits any tensor dimension.
static bool isSplit(const Sharding &sharding) {
  return sharding && llvm::any_of(sharding.getSplitAxes(),
                                  [](GridAxesAttr a) { return !a.empty(); });
}

/// The grid axes that split dimension 0 of `sharding` (empty if none).
static ArrayRef<GridAxis> rowAxes(const Sharding &sharding) {
  if (!sharding || sharding.getSplitAxes().empty())
    return {};
  return sharding.getSplitAxes()[0].asArrayRef();
}

/// The partitioned algorithm of one sparse.slice_grad whose input_indices
/// and result are split by rows on `axes` (the file comment's steps, one
/// method each). Every process builds the same collectives in the same
/// order.
class SliceGradPartitioner {
public:
  SliceGradPartitioner(ImplicitLocOpBuilder &b, GridOp gridOp,
                       ArrayRef<GridAxis> axes, int64_t numProcs,
                       ArrayRef<Value> operands)
      : b(b), grid(gridOp.getSymName()), axes(axes), numProcs(numProcs),
        grad(operands[kGrad]), inIdx(operands[kInIdx]), start(operands[kStart]),
        outIdx(operands[kOutIdx]) {
    resultType = RankedTensorType::get(
        {cast<RankedTensorType>(inIdx.getType()).getDimSize(0)},
        cast<RankedTensorType>(grad.getType()).getElementType());
  }

  /// Steps 1-4; returns the op that yields this process's val_grad (result
  /// #0) and TensorFlow's j after all rows (result #1).
  Operation *build() {
    me = createProcessLinearIndex(grid, axes, b);
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
  Value asI64(OpBuilder &nb, Location l, Value v) {
    return getValueOrCreateCastToIndexLike(nb, l, nb.getI64Type(), v);
  }
  /// Word `at` of a reduced vector, as an index.
  Value element(OpBuilder &nb, Location l, Value vec, Value at) {
    return getValueOrCreateCastToIndexLike(
        nb, l, nb.getIndexType(), tensor::ExtractOp::create(nb, l, vec, at));
  }
  /// A vector of n words, zero but for each value at its place, summed
  /// over the group.
  Value allSum(ImplicitLocOpBuilder &ib,
               ArrayRef<std::pair<Value, Value>> entries, int64_t n) {
    auto type = RankedTensorType::get({n}, ib.getI64Type());
    Value vec = arith::ConstantOp::create(
        ib, DenseElementsAttr::get(type, ib.getI64IntegerAttr(0)));
    for (auto [v, at] : entries)
      vec = tensor::InsertOp::create(ib, asI64(ib, ib.getLoc(), v), vec, at);
    return AllReduceOp::create(ib, type, grid, axes, vec, ReductionKind::Sum)
        .getResult();
  }
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

  /// A fingerprint of what every process holds whole and the partition
  /// reads (output_indices, input_start, backprop_val_grad's length): their
  /// sizes and two sums of output_indices' words (plain and weighted by
  /// position: a changed or a moved word shows), mixed and cut to 62 bits
  /// (a nonnegative word of the summed vector). Two loops of additions that
  /// vectorize, O(N_out R) like the op itself.
  Value buildFingerprint() {
    Type i64 = b.getI64Type();
    Value c0 = index(0), c1 = index(1);
    Value flat = tensor::CollapseShapeOp::create(
        b, outIdx, ArrayRef<ReassociationIndices>{{0, 1}});
    Value words = tensor::DimOp::create(b, flat, c0);
    Value zero = arith::ConstantIntOp::create(b, i64, 0);
    auto sums = scf::ForOp::create(
        b, c0, words, c1, ValueRange{zero, zero},
        [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
          Value x = tensor::ExtractOp::create(nb, l, flat, k);
          Value weight = asI64(nb, l, arith::AddIOp::create(nb, l, k, c1));
          scf::YieldOp::create(
              nb, l,
              ValueRange{
                  arith::AddIOp::create(nb, l, acc[0], x),
                  arith::AddIOp::create(
                      nb, l, acc[1], arith::MulIOp::create(nb, l, x, weight))});
        });
    Value nStart = tensor::DimOp::create(b, start, c0);
    auto startSum = scf::ForOp::create(
        b, c0, nStart, c1, ValueRange{zero},
        [&](OpBuilder &nb, Location l, Value d, ValueRange acc) {
          Value x = tensor::ExtractOp::create(nb, l, start, d);
          Value weight = asI64(nb, l, arith::AddIOp::create(nb, l, d, c1));
          scf::YieldOp::create(
              nb, l,
              arith::AddIOp::create(nb, l, acc[0],
                                    arith::MulIOp::create(nb, l, x, weight))
                  .getResult());
        });
    // h = (h ^ x) * an odd constant, word by word.
    Value h = arith::ConstantIntOp::create(b, i64, 0x2545F4914F6CDD1DLL);
    Value k = arith::ConstantIntOp::create(b, i64, 0x9E3779B97F4A7C15LL);
    for (Value x :
         {asI64(b, b.getLoc(), words),
          asI64(b, b.getLoc(), tensor::DimOp::create(b, outIdx, c1)),
          asI64(b, b.getLoc(), nStart),
          asI64(b, b.getLoc(), tensor::DimOp::create(b, grad, c0)),
          sums.getResult(0), sums.getResult(1), startSum.getResult(0)})
      h = arith::MulIOp::create(b, arith::XOrIOp::create(b, h, x), k);
    h = arith::XOrIOp::create(
        b, h,
        arith::ShRUIOp::create(b, h, arith::ConstantIntOp::create(b, i64, 31)));
    Value mask = arith::ConstantIntOp::create(b, i64, (1LL << 62) - 1);
    return arith::IndexCastOp::create(b, b.getIndexType(),
                                      arith::AndIOp::create(b, h, mask));
  }

  /// 1. Every process's count and row count (slot 2P: a 1 from each
  /// process, the number of processes running; slots 2P + 1 + p: the
  /// fingerprints); this process's guessed start and N_in.
  void buildCounts() {
    Value c0 = index(0), c1 = index(1);
    Value nLocal = tensor::DimOp::create(b, inIdx, c0);
    Value count = SliceGradCountOp::create(b, b.getIndexType(), grad, inIdx,
                                           start, outIdx);
    Value fpBase = index(2 * numProcs + 1);
    counts =
        allSum(b,
               {{count, me},
                {nLocal, arith::AddIOp::create(b, cP, me)},
                {c1, index(2 * numProcs)},
                {buildFingerprint(), arith::AddIOp::create(b, fpBase, me)}},
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
                                  grad, inIdx, start, outIdx, guess,
                                  /*out=*/Value());
    ends = allSum(b, {{guessed.getEnd(), me}}, numProcs);
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
                    inIdx, start, outIdx, j, /*out=*/Value());
                scf::YieldOp::create(
                    rb, rl, ValueRange{again.getValGrad(), again.getEnd()});
              },
              [&](OpBuilder &rb, Location rl) {
                scf::YieldOp::create(rb, rl, ValueRange{vals, c0});
              });
          Value end = allSum(f, {{rerun.getResult(1), c0}}, 1);
          scf::YieldOp::create(
              fb, fl, ValueRange{element(fb, fl, end, c0), rerun.getResult(0)});
        });
    return SmallVector<Value>(step.getResults());
  }

  ImplicitLocOpBuilder &b;
  StringRef grid;
  ArrayRef<GridAxis> axes;
  int64_t numProcs;
  Value grad, inIdx, start, outIdx;
  RankedTensorType resultType;
  /// This process's index on the axes, and P.
  Value me, cP;
  /// Step 1: the reduced counts, the processes running, the guess, N_in.
  Value counts, processes, guess, nIn, fpMin, fpMax;
  /// Step 2: the run from the guess and every process's end.
  SliceGradResumeOp guessed;
  Value ends;
};

struct SliceGradShardingInterface
    : public ShardingInterface::ExternalModel<SliceGradShardingInterface,
                                              SliceGradOp> {
  /// One loop, over the input rows.
  SmallVector<utils::IteratorType> getLoopIteratorTypes(Operation *) const {
    return {utils::IteratorType::parallel};
  }

  SmallVector<AffineMap> getIndexingMaps(Operation *op) const {
    MLIRContext *ctx = op->getContext();
    AffineExpr row = getAffineDimExpr(0, ctx),
               zero = getAffineConstantExpr(0, ctx);
    auto map = [&](ArrayRef<AffineExpr> results) {
      return AffineMap::get(1, 0, results, ctx);
    };
    return {map({zero}), map({row, zero}), map({zero}), map({zero, zero}),
            map({row})};
  }

  FailureOr<ShardingOption>
  getShardingOption(Operation *op, ArrayRef<Sharding> operandShardings,
                    ArrayRef<Sharding> resultShardings) const {
    if (cast<SliceGradOp>(op).hasBufferSemantics())
      return op->emitOpError("on memrefs cannot be sharded; shard the tensor "
                             "form");
    // Every process needs all output rows, their gradients and the start.
    const char *names[] = {"backprop_val_grad", "input_indices", "input_start",
                           "output_indices"};
    for (unsigned i : {kGrad, kStart, kOutIdx})
      if (isSplit(operandShardings[i]))
        return op->emitOpError()
               << names[i]
               << " is split; sharding supports it only replicated (every "
                  "process needs all output rows): annotate it with a "
                  "replicated sharding (split_axes = [[]])";
    const Sharding &inIdx = operandShardings[kInIdx];
    if (inIdx && inIdx.getSplitAxes().size() > 1 &&
        !inIdx.getSplitAxes()[1].empty())
      return op->emitOpError("input_indices is split by columns; sharding "
                             "supports a split by rows only");
    for (const Sharding &s : {inIdx, resultShardings[0]})
      if (s && (!s.getStaticHaloSizes().empty() ||
                !s.getDynamicHaloSizes().empty() ||
                !s.getStaticShardedDimsOffsets().empty() ||
                !s.getDynamicShardedDimsOffsets().empty()))
        return op->emitOpError("sharding with halos or explicit shard "
                               "offsets is not supported");
    ArrayRef<GridAxis> inAxes = rowAxes(inIdx);
    ArrayRef<GridAxis> outAxes = rowAxes(resultShardings[0]);
    if (!inAxes.empty() && !outAxes.empty() &&
        (inAxes != outAxes ||
         inIdx.getGridAttr() != resultShardings[0].getGridAttr()))
      return op->emitOpError("input_indices and the result must be split by "
                             "rows on the same grid axes");
    const Sharding &chosen = !inAxes.empty() ? inIdx : resultShardings[0];
    FlatSymbolRefAttr grid;
    for (const Sharding &s : operandShardings)
      if (s)
        grid = s.getGridAttr();
    if (chosen)
      grid = chosen.getGridAttr();
    if (!grid)
      return ShardingOption::makeEmpty();
    ShardingArray array(1);
    array[0].assign(rowAxes(chosen).begin(), rowAxes(chosen).end());
    return ShardingOption(array, grid);
  }

  FailureOr<std::vector<Sharding>>
  getShardingAnnotations(Operation *op, const ShardingOption &option) const {
    MLIRContext *ctx = op->getContext();
    auto replicated = Sharding::get(option.grid, {});
    auto axes = GridAxesAttr::get(ctx, option.shardingArray[0]);
    auto rows = Sharding::get(option.grid, {axes});
    return std::vector<Sharding>{replicated, rows, replicated, replicated,
                                 rows};
  }

  LogicalResult addShardingAnnotations(Operation *op, OpBuilder &b,
                                       const ShardingOption &option) const {
    FailureOr<std::vector<Sharding>> shardings =
        getShardingAnnotations(op, option);
    if (failed(shardings))
      return failure();
    for (OpOperand &operand : op->getOpOperands())
      maybeInsertSourceShardingAnnotation(
          (*shardings)[operand.getOperandNumber()], operand, b);
    maybeInsertTargetShardingAnnotation((*shardings)[4], op->getResult(0), b);
    return success();
  }

  LogicalResult partition(Operation *op, ArrayRef<Value> partitionedOperands,
                          ArrayRef<Sharding> operandShardings,
                          ArrayRef<Sharding> resultShardings,
                          IRMapping &partitionMap,
                          SymbolTableCollection &symbolTable,
                          OpBuilder &builder) const {
    // sharding-propagation reports an unsupported sharding but goes on;
    // refuse it here too, so that the partition fails.
    for (unsigned i : {kGrad, kStart, kOutIdx})
      if (isSplit(operandShardings[i]))
        return op->emitOpError("cannot be partitioned with a split operand #")
               << i << " (only input_indices may be split, by rows)";
    ArrayRef<GridAxis> axes = rowAxes(resultShardings[0]);
    if (rowAxes(operandShardings[kInIdx]) != axes)
      return op->emitOpError("cannot be partitioned: input_indices and the "
                             "result must be split by rows on the same axes");
    if (axes.empty()) {
      // Replicated: every process computes the whole op.
      partitionFullyReplicatedOperation(*op, partitionedOperands,
                                        operandShardings, resultShardings,
                                        partitionMap, symbolTable, builder);
      return success();
    }
    GridOp gridOp = getGrid(op, resultShardings[0].getGridAttr(), symbolTable);
    int64_t numProcs = collectiveProcessGroupSize(axes, gridOp.getShape());
    if (ShapedType::isDynamic(numProcs))
      return op->emitOpError("sharding needs a static number of processes "
                             "on the split axes");
    ImplicitLocOpBuilder b(op->getLoc(), builder);
    Operation *outcome =
        SliceGradPartitioner(b, gridOp, axes, numProcs, partitionedOperands)
            .build();
    partitionMap.map(op->getResult(0), outcome->getResult(0));
    partitionMap.map(op, outcome);
    return success();
  }
};
} // namespace

namespace {
/// mpi.allreduce reads its send buffer and writes its receive buffer. MLIR
/// 22 declares no memory effects on it, and buffer deallocation refuses ops
/// with unknown effects on memrefs, so the partitioned program could not
/// free its buffers without this.
struct AllReduceMemoryEffects
    : public MemoryEffectOpInterface::ExternalModel<AllReduceMemoryEffects,
                                                    mpi::AllReduceOp> {
  void
  getEffects(Operation *op,
             SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
                 &effects) const {
    auto allReduce = cast<mpi::AllReduceOp>(op);
    effects.emplace_back(MemoryEffects::Read::get(),
                         &allReduce.getSendbufMutable(),
                         SideEffects::DefaultResource::get());
    effects.emplace_back(MemoryEffects::Write::get(),
                         &allReduce.getRecvbufMutable(),
                         SideEffects::DefaultResource::get());
  }
};
} // namespace

void mlir::sparse::registerShardingInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, SparseDialect *) {
    SliceGradOp::attachInterface<SliceGradShardingInterface>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, mpi::MPIDialect *) {
    mpi::AllReduceOp::attachInterface<AllReduceMemoryEffects>(*ctx);
  });
}
