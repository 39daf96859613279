//===- SplitPartition.cpp - slice_grad with its output rows split ---------===//
//
// sparse.slice_grad partitioned by rows where output_indices and
// backprop_val_grad are split by rows too: process p holds m_p output rows,
// a contiguous run in process order after o_p = m_0 + ... + m_{p-1}, as a
// row-split forward SparseSlice leaves them. The fast path assumes that
// p's output rows are the ones TensorFlow's loop matches on p's input rows,
// and proves it with a few words per process (docs/Sharding.md):
//
//   1. An all_reduce gives every process every m_p and input row count,
//      the process count and the fingerprints of input_start; another
//      (8 columns at a time) gives t_p, the first output row of the next
//      process that has output rows.
//   2. Each process runs TensorFlow's loop on its rows against its own
//      output rows from j = 0 (sparse.slice_grad_resume) and accepts if it
//      ends at m_p (all matched) and, where a later process has output
//      rows, none of its rows equals t_p (sparse.slice_grad_count of the
//      one-row box {t_p}). If every process accepts, then by induction
//      from o_0 = 0 the whole loop stands at o_p at p's first row, matches
//      what p's run matched, compares p's later rows with t_p only, and
//      leaves p at o_{p+1}; it ends at N_out.
//   3. An all_reduce of the acceptances. Where any process refuses, the
//      exact path gathers the output rows and gradients (sums of
//      zero-padded integer words, 64 Ki words per all_reduce: MLIR 22
//      lowers no other collective) and runs the replicated algorithm.
//   4. TensorFlow's global checks.
//
//===----------------------------------------------------------------------===//

#include "Partition.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Shard/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::partition;

namespace {
/// Words per all_reduce of the exact path's gather (static sizes, as
/// kColumnsPerReduce).
constexpr int64_t kWordsPerReduce = 1 << 16;

/// One value of type `elt` that is zero, as tensor<1 x elt>.
Value zeroValue(ImplicitLocOpBuilder &b, Type elt) {
  auto type = RankedTensorType::get({1}, elt);
  if (auto complex = dyn_cast<ComplexType>(elt)) {
    APFloat z = APFloat::getZero(
        cast<FloatType>(complex.getElementType()).getFloatSemantics());
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(type, ArrayRef<std::complex<APFloat>>{
                                            std::complex<APFloat>(z, z)}));
  }
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, ArrayRef<Attribute>{b.getZeroAttr(elt)}));
}

/// A float or signless integer scalar as an i64 word (its bits, zero
/// extended), and back.
Value toWord(OpBuilder &b, Location l, Value x) {
  Type t = x.getType();
  auto bits = b.getIntegerType(t.getIntOrFloatBitWidth());
  if (isa<FloatType>(t))
    x = arith::BitcastOp::create(b, l, bits, x);
  if (bits.getWidth() < 64)
    x = arith::ExtUIOp::create(b, l, b.getI64Type(), x);
  return x;
}
Value fromWord(OpBuilder &b, Location l, Value w, Type t) {
  auto bits = b.getIntegerType(t.getIntOrFloatBitWidth());
  if (bits.getWidth() < 64)
    w = arith::TruncIOp::create(b, l, bits, w);
  if (isa<FloatType>(t))
    w = arith::BitcastOp::create(b, l, t, w);
  return w;
}

class SplitRowsPartitioner {
public:
  SplitRowsPartitioner(ImplicitLocOpBuilder &b, const Group &group,
                       ArrayRef<Value> operands)
      : b(b), group(group), grad(operands[kGrad]), inIdx(operands[kInIdx]),
        start(operands[kStart]), outIdx(operands[kOutIdx]) {
    valueType = cast<RankedTensorType>(grad.getType()).getElementType();
    resultType = RankedTensorType::get(
        {cast<RankedTensorType>(inIdx.getType()).getDimSize(0)}, valueType);
    staticR = cast<RankedTensorType>(outIdx.getType()).getDimSize(1);
  }

  /// Steps 1-4; returns this process's val_grad.
  Value build() {
    c0 = index(0);
    c1 = index(1);
    cP = index(group.numProcs);
    me = shard::createProcessLinearIndex(group.grid, group.axes, b);
    m = tensor::DimOp::create(b, outIdx, c0);
    r = tensor::DimOp::create(b, outIdx, c1);
    buildCounts();
    Value nextRow = buildNextRow();
    auto local = SliceGradResumeOp::create(
        b, TypeRange{resultType, b.getIndexType()}, grad, inIdx, start, outIdx,
        c0, /*box=*/Value(), /*out=*/Value());
    Value allAccept = buildAcceptance(local.getEnd(), nextRow);
    auto outcome = scf::IfOp::create(
        b, allAccept,
        [&](OpBuilder &tb, Location tl) {
          SliceGradGlobalChecksOp::create(tb, tl, nIn, nOut, nOut, processes,
                                          cP, fpMin, fpMax);
          scf::YieldOp::create(tb, tl, local.getValGrad());
        },
        [&](OpBuilder &eb, Location el) {
          ImplicitLocOpBuilder e(el, eb);
          scf::YieldOp::create(
              e, overwrite(e, buildExactPath(e), local.getValGrad()));
        });
    return outcome.getResult(0);
  }

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }

  /// 1. Every m_q and input row count (slot 2P: a 1 from each process;
  /// slots 2P + 1 + q: the fingerprints): N_in, N_out, o_p, the next
  /// process with output rows (P if none).
  void buildCounts() {
    int64_t numProcs = group.numProcs;
    Value nLocal = tensor::DimOp::create(b, inIdx, c0);
    Value fpBase = index(2 * numProcs + 1);
    Value fp = buildFingerprint(b, grad, start, outIdx, /*wholeOutput=*/false);
    counts = allSum(b, group,
                    {{m, me},
                     {nLocal, arith::AddIOp::create(b, cP, me)},
                     {c1, index(2 * numProcs)},
                     {fp, arith::AddIOp::create(b, fpBase, me)}},
                    3 * numProcs + 1);
    processes = element(b, b.getLoc(), counts, index(2 * numProcs));
    Value firstFp = element(b, b.getLoc(), counts, fpBase);
    auto sums = scf::ForOp::create(
        b, c0, cP, c1, ValueRange{c0, c0, c0, firstFp, firstFp, cP},
        [&](OpBuilder &nb, Location l, Value q, ValueRange acc) {
          Value mq = element(nb, l, counts, q);
          Value nq =
              element(nb, l, counts, arith::AddIOp::create(nb, l, q, cP));
          Value fq =
              element(nb, l, counts, arith::AddIOp::create(nb, l, q, fpBase));
          Value before =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, q, me);
          Value after =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ugt, q, me);
          Value has =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ne, mq, c0);
          Value none = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq,
                                             acc[5], cP);
          Value isNext = arith::AndIOp::create(
              nb, l, arith::AndIOp::create(nb, l, after, has), none);
          scf::YieldOp::create(
              nb, l,
              ValueRange{arith::AddIOp::create(nb, l, acc[0], nq),
                         arith::AddIOp::create(nb, l, acc[1], mq),
                         arith::AddIOp::create(
                             nb, l, acc[2],
                             arith::SelectOp::create(nb, l, before, mq, c0)),
                         arith::MinUIOp::create(nb, l, acc[3], fq),
                         arith::MaxUIOp::create(nb, l, acc[4], fq),
                         arith::SelectOp::create(nb, l, isNext, q, acc[5])});
        });
    nIn = sums.getResult(0);
    nOut = sums.getResult(1);
    offset = sums.getResult(2);
    fpMin = sums.getResult(3);
    fpMax = sums.getResult(4);
    next = sums.getResult(5);
  }

  /// t_p as a 1 x R tensor: every process's first output row, 8 columns
  /// per all_reduce; the next process's (any process's where none).
  Value buildNextRow() {
    int64_t numProcs = group.numProcs;
    int64_t width = kColumnsPerReduce;
    Value cW = index(width);
    SmallVector<Value> dyn;
    if (ShapedType::isDynamic(staticR))
      dyn.push_back(r);
    Value hasOwn = arith::CmpIOp::create(b, arith::CmpIPredicate::ne, m, c0);
    Value from = arith::MinUIOp::create(b, next, index(numProcs - 1));
    return buildColumnChunks(
        b, r, filledWords(b, {1, staticR}, dyn),
        [&](ImplicitLocOpBuilder &n, Value col0, Value cols, Value row) {
          // This process's columns col0.. of its first row, or zeros.
          auto mine = scf::IfOp::create(
              n, hasOwn,
              [&](OpBuilder &tb, Location tl) {
                ImplicitLocOpBuilder t(tl, tb);
                auto fill = scf::ForOp::create(
                    t, c0, cols, c1, ValueRange{filledWords(t, {width}, {})},
                    [&](OpBuilder &fb, Location fl, Value d, ValueRange v) {
                      Value word = tensor::ExtractOp::create(
                          fb, fl, outIdx,
                          ValueRange{c0,
                                     arith::AddIOp::create(fb, fl, col0, d)});
                      scf::YieldOp::create(
                          fb, fl,
                          tensor::InsertOp::create(fb, fl, word, v[0], d)
                              .getResult());
                    });
                scf::YieldOp::create(t, fill.getResult(0));
              },
              [&](OpBuilder &eb, Location el) {
                ImplicitLocOpBuilder e(el, eb);
                scf::YieldOp::create(e, filledWords(e, {width}, {}));
              });
          Value slots = tensor::InsertSliceOp::create(
              n, mine.getResult(0), filledWords(n, {numProcs * width}, {}),
              ArrayRef<OpFoldResult>{
                  arith::MulIOp::create(n, me, cW).getResult()},
              ArrayRef<OpFoldResult>{n.getIndexAttr(width)},
              ArrayRef<OpFoldResult>{n.getIndexAttr(1)});
          Value all = shard::AllReduceOp::create(n, slots.getType(), group.grid,
                                                 group.axes, slots,
                                                 shard::ReductionKind::Sum);
          Value base = arith::MulIOp::create(n, from, cW);
          auto take = scf::ForOp::create(
              n, c0, cols, c1, ValueRange{row},
              [&](OpBuilder &fb, Location fl, Value d, ValueRange acc) {
                Value word = tensor::ExtractOp::create(
                    fb, fl, all,
                    ValueRange{arith::AddIOp::create(fb, fl, base, d)});
                Value col = arith::AddIOp::create(fb, fl, col0, d);
                scf::YieldOp::create(
                    fb, fl,
                    tensor::InsertOp::create(fb, fl, word, acc[0],
                                             ValueRange{c0, col})
                        .getResult());
              });
          return take.getResult(0);
        });
  }

  /// 3. Whether every process accepted its run: it matched all its output
  /// rows and, where a later process has output rows, none of its rows
  /// equals t_p (sparse.slice_grad_count with t_p as the only output row:
  /// the rows inside its one-point box). That is stronger than "none after
  /// its last match" (a duplicate of t_p before it refuses too, and the
  /// exact path runs) but reads the rows once, with no copy. Not where
  /// the operands' R differ: the run has raised TensorFlow's error.
  Value buildAcceptance(Value end, Value nextRow) {
    Value ownAll = arith::CmpIOp::create(b, arith::CmpIPredicate::eq, end, m);
    Value hasNext =
        arith::CmpIOp::create(b, arith::CmpIPredicate::ne, next, cP);
    Value sameR = arith::AndIOp::create(
        b,
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                              tensor::DimOp::create(b, inIdx, c1), r),
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                              tensor::DimOp::create(b, start, c0), r));
    Value check = arith::AndIOp::create(
        b, arith::AndIOp::create(b, ownAll, hasNext), sameR);
    auto hits = scf::IfOp::create(
        b, check,
        [&](OpBuilder &tb, Location tl) {
          ImplicitLocOpBuilder t(tl, tb);
          Value count = SliceGradCountOp::create(
              t, t.getIndexType(), zeroValue(t, valueType), inIdx, start,
              nextRow, /*box=*/Value());
          scf::YieldOp::create(t, count);
        },
        [&](OpBuilder &eb, Location el) { scf::YieldOp::create(eb, el, c0); });
    Value none = arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                       hits.getResult(0), c0);
    Value accept = arith::SelectOp::create(
        b, arith::AndIOp::create(b, ownAll, none), c1, c0);
    Value accepted =
        element(b, b.getLoc(), allSum(b, group, {{accept, c0}}, 1), c0);
    return arith::CmpIOp::create(b, arith::CmpIPredicate::eq, accepted, cP);
  }

  /// `words` (this process's, `total` in all, this process's from `at`)
  /// gathered on every process: zero-padded sums of kWordsPerReduce words.
  Value gatherWords(ImplicitLocOpBuilder &e, Value words, Value at,
                    Value total) {
    Value cK = arith::ConstantIndexOp::create(e, kWordsPerReduce);
    Value chunks = arith::CeilDivUIOp::create(e, total, cK);
    Value buffer =
        filledWords(e, {ShapedType::kDynamic},
                    {arith::MulIOp::create(e, chunks, cK).getResult()});
    Value own = tensor::DimOp::create(e, words, c0);
    OpFoldResult one = e.getIndexAttr(1);
    buffer =
        tensor::InsertSliceOp::create(e, words, buffer, {at}, {own}, {one});
    auto loop = scf::ForOp::create(
        e, c0, chunks, c1, ValueRange{buffer},
        [&](OpBuilder &nb, Location l, Value c, ValueRange acc) {
          ImplicitLocOpBuilder n(l, nb);
          OpFoldResult size = n.getIndexAttr(kWordsPerReduce);
          OpFoldResult from = arith::MulIOp::create(n, c, cK).getResult();
          Value piece =
              tensor::ExtractSliceOp::create(n, acc[0], {from}, {size}, {one});
          Value sum = shard::AllReduceOp::create(n, piece.getType(), group.grid,
                                                 group.axes, piece,
                                                 shard::ReductionKind::Sum);
          scf::YieldOp::create(n, tensor::InsertSliceOp::create(
                                      n, sum, acc[0], {from}, {size}, {one})
                                      .getResult());
        });
    return tensor::ExtractSliceOp::create(e, loop.getResult(0),
                                          {e.getIndexAttr(0)}, {total}, {one});
  }

  /// The values' words: each value's bits (a complex value's two parts).
  Value gatherValues(ImplicitLocOpBuilder &e) {
    auto complex = dyn_cast<ComplexType>(valueType);
    Value perValue = arith::ConstantIndexOp::create(e, complex ? 2 : 1);
    Value own = arith::MulIOp::create(e, m, perValue);
    auto wordType =
        RankedTensorType::get({ShapedType::kDynamic}, e.getI64Type());
    Value words = tensor::GenerateOp::create(
        e, wordType, ValueRange{own},
        [&](OpBuilder &nb, Location l, ValueRange k) {
          Value v = tensor::ExtractOp::create(
              nb, l, grad,
              arith::DivUIOp::create(nb, l, k[0], perValue).getResult());
          if (complex) {
            Value even = arith::CmpIOp::create(
                nb, l, arith::CmpIPredicate::eq,
                arith::RemUIOp::create(nb, l, k[0], perValue), c0);
            v = arith::SelectOp::create(nb, l, even,
                                        complex::ReOp::create(nb, l, v),
                                        complex::ImOp::create(nb, l, v));
          }
          tensor::YieldOp::create(nb, l, toWord(nb, l, v));
        });
    Value all =
        gatherWords(e, words, arith::MulIOp::create(e, offset, perValue),
                    arith::MulIOp::create(e, nOut, perValue));
    auto gradType = RankedTensorType::get({ShapedType::kDynamic}, valueType);
    return tensor::GenerateOp::create(
        e, gradType, ValueRange{nOut},
        [&](OpBuilder &nb, Location l, ValueRange i) {
          auto word = [&](Value at) {
            return tensor::ExtractOp::create(nb, l, all, at).getResult();
          };
          if (!complex) {
            tensor::YieldOp::create(nb, l,
                                    fromWord(nb, l, word(i[0]), valueType));
            return;
          }
          Type part = complex.getElementType();
          Value at = arith::MulIOp::create(nb, l, i[0], perValue);
          Value re = fromWord(nb, l, word(at), part);
          Value im =
              fromWord(nb, l, word(arith::AddIOp::create(nb, l, at, c1)), part);
          tensor::YieldOp::create(
              nb, l, complex::CreateOp::create(nb, l, complex, re, im));
        });
  }

  /// The exact path: every output row and gradient on every process, then
  /// the replicated algorithm.
  Value buildExactPath(ImplicitLocOpBuilder &e) {
    Value flat = tensor::CollapseShapeOp::create(
        e, outIdx, ArrayRef<ReassociationIndices>{{0, 1}});
    Value rows = gatherWords(e, flat, arith::MulIOp::create(e, offset, r),
                             arith::MulIOp::create(e, nOut, r));
    // A generate, not an expand_shape: MLIR 22's expand-strided-metadata
    // crashes on a group of two dynamic sizes (R known at run time).
    auto outType =
        RankedTensorType::get({ShapedType::kDynamic, staticR}, e.getI64Type());
    SmallVector<Value> sizes{nOut};
    if (ShapedType::isDynamic(staticR))
      sizes.push_back(r);
    Value allRows = tensor::GenerateOp::create(
        e, outType, sizes, [&](OpBuilder &nb, Location l, ValueRange at) {
          Value k = arith::AddIOp::create(
              nb, l, arith::MulIOp::create(nb, l, at[0], r), at[1]);
          tensor::YieldOp::create(
              nb, l, tensor::ExtractOp::create(nb, l, rows, k).getResult());
        });
    Value allGrad = gatherValues(e);
    return buildReplicatedPartition(e, group, {allGrad, inIdx, start, allRows})
        ->getResult(0);
  }

  ImplicitLocOpBuilder &b;
  const Group &group;
  Value grad, inIdx, start, outIdx;
  Type valueType;
  RankedTensorType resultType;
  int64_t staticR;
  Value c0, c1, cP, me, m, r;
  /// Step 1.
  Value counts, processes, nIn, nOut, offset, fpMin, fpMax, next;
};
} // namespace

Value sparse::partition::buildSplitPartition(ImplicitLocOpBuilder &b,
                                             const Group &group,
                                             ArrayRef<Value> operands) {
  return SplitRowsPartitioner(b, group, operands).build();
}
