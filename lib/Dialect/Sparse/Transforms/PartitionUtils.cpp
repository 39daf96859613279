//===- PartitionUtils.cpp - Collectives of a partitioned slice_grad -------===//
//
// The words the processes of a partitioned sparse.slice_grad exchange:
// vectors summed over the group, the fingerprint of what they must hold
// alike, and the box of the output rows computed in shares.
//
//===----------------------------------------------------------------------===//

#include "Partition.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace mlir::sparse::partition;

Value sparse::partition::asI64(OpBuilder &b, Location l, Value v) {
  return getValueOrCreateCastToIndexLike(b, l, b.getI64Type(), v);
}

Value sparse::partition::element(OpBuilder &b, Location l, Value vec,
                                 Value at) {
  return getValueOrCreateCastToIndexLike(
      b, l, b.getIndexType(), tensor::ExtractOp::create(b, l, vec, at));
}

Value sparse::partition::allSum(ImplicitLocOpBuilder &b, const Group &group,
                                ArrayRef<std::pair<Value, Value>> entries,
                                int64_t n) {
  auto type = RankedTensorType::get({n}, b.getI64Type());
  Value vec = arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getI64IntegerAttr(0)));
  for (auto [v, at] : entries)
    vec = tensor::InsertOp::create(b, asI64(b, b.getLoc(), v), vec, at);
  return shard::AllReduceOp::create(b, type, group.grid, group.axes, vec,
                                    shard::ReductionKind::Sum)
      .getResult();
}

Value sparse::partition::overwrite(ImplicitLocOpBuilder &b, Value values,
                                   Value dest) {
  OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
  OpFoldResult size = tensor::getMixedSize(b, b.getLoc(), dest, 0);
  return tensor::InsertSliceOp::create(b, values, dest, {zero}, {size}, {one});
}

/// The sums of `words` plain and weighted by position (1-based): a changed
/// or a moved word shows. A loop of additions that vectorizes.
static std::pair<Value, Value> weightedSums(ImplicitLocOpBuilder &b,
                                            Value words) {
  Value c0 = arith::ConstantIndexOp::create(b, 0);
  Value c1 = arith::ConstantIndexOp::create(b, 1);
  Value zero = arith::ConstantIntOp::create(b, b.getI64Type(), 0);
  Value n = tensor::DimOp::create(b, words, c0);
  auto sums = scf::ForOp::create(
      b, c0, n, c1, ValueRange{zero, zero},
      [&](OpBuilder &nb, Location l, Value k, ValueRange acc) {
        Value x = tensor::ExtractOp::create(nb, l, words, k);
        Value weight = asI64(nb, l, arith::AddIOp::create(nb, l, k, c1));
        scf::YieldOp::create(
            nb, l,
            ValueRange{
                arith::AddIOp::create(nb, l, acc[0], x),
                arith::AddIOp::create(
                    nb, l, acc[1], arith::MulIOp::create(nb, l, x, weight))});
      });
  return {sums.getResult(0), sums.getResult(1)};
}

Value sparse::partition::buildFingerprint(ImplicitLocOpBuilder &b, Value grad,
                                          Value start, Value outIdx,
                                          bool wholeOutput) {
  Type i64 = b.getI64Type();
  Value c0 = arith::ConstantIndexOp::create(b, 0);
  Value c1 = arith::ConstantIndexOp::create(b, 1);
  auto word = [&](Value v) { return asI64(b, b.getLoc(), v); };
  SmallVector<Value> mixed{word(tensor::DimOp::create(b, outIdx, c1)),
                           word(tensor::DimOp::create(b, start, c0)),
                           weightedSums(b, start).second};
  if (wholeOutput) {
    Value flat = tensor::CollapseShapeOp::create(
        b, outIdx, ArrayRef<ReassociationIndices>{{0, 1}});
    auto [sum, weighted] = weightedSums(b, flat);
    mixed.append({word(tensor::DimOp::create(b, flat, c0)),
                  word(tensor::DimOp::create(b, grad, c0)), sum, weighted});
  }
  // h = (h ^ x) * an odd constant, word by word; cut to 62 bits (a
  // nonnegative word of the summed vector).
  Value h = arith::ConstantIntOp::create(b, i64, 0x2545F4914F6CDD1DLL);
  Value k = arith::ConstantIntOp::create(b, i64, 0x9E3779B97F4A7C15LL);
  for (Value x : mixed)
    h = arith::MulIOp::create(b, arith::XOrIOp::create(b, h, x), k);
  h = arith::XOrIOp::create(
      b, h,
      arith::ShRUIOp::create(b, h, arith::ConstantIntOp::create(b, i64, 31)));
  Value mask = arith::ConstantIntOp::create(b, i64, (1LL << 62) - 1);
  return arith::IndexCastOp::create(b, b.getIndexType(),
                                    arith::AndIOp::create(b, h, mask));
}

Value sparse::partition::filledWords(ImplicitLocOpBuilder &b,
                                     ArrayRef<int64_t> shape,
                                     ValueRange dynSizes, int64_t word) {
  auto type = RankedTensorType::get(shape, b.getI64Type());
  return tensor::GenerateOp::create(
      b, type, dynSizes, [&](OpBuilder &nb, Location l, ValueRange) {
        tensor::YieldOp::create(
            nb, l, arith::ConstantIntOp::create(nb, l, nb.getI64Type(), word));
      });
}

Value sparse::partition::buildColumnChunks(
    ImplicitLocOpBuilder &b, Value r, Value init,
    function_ref<Value(ImplicitLocOpBuilder &, Value, Value, Value)> body) {
  Value c0 = arith::ConstantIndexOp::create(b, 0);
  Value c1 = arith::ConstantIndexOp::create(b, 1);
  Value cW = arith::ConstantIndexOp::create(b, kColumnsPerReduce);
  auto loop = scf::ForOp::create(
      b, c0, arith::CeilDivUIOp::create(b, r, cW), c1, ValueRange{init},
      [&](OpBuilder &nb, Location l, Value c, ValueRange acc) {
        ImplicitLocOpBuilder n(l, nb);
        Value col0 = arith::MulIOp::create(n, c, cW);
        Value cols =
            arith::MinUIOp::create(n, cW, arith::SubIOp::create(n, r, col0));
        scf::YieldOp::create(n, body(n, col0, cols, acc[0]));
      });
  return loop.getResult(0);
}

Value sparse::partition::buildGroupBox(ImplicitLocOpBuilder &b,
                                       const Group &group, Value me,
                                       Value start, Value outIdx) {
  Type i64 = b.getI64Type();
  Value c0 = arith::ConstantIndexOp::create(b, 0);
  Value c1 = arith::ConstantIndexOp::create(b, 1);
  Value cW = arith::ConstantIndexOp::create(b, kColumnsPerReduce);
  Value cP = arith::ConstantIndexOp::create(b, group.numProcs);
  Value nOut = tensor::DimOp::create(b, outIdx, c0);
  Value r = tensor::DimOp::create(b, outIdx, c1);
  // This process's share of the rows.
  Value lo = arith::DivUIOp::create(b, arith::MulIOp::create(b, me, nOut), cP);
  Value hi = arith::DivUIOp::create(
      b, arith::MulIOp::create(b, arith::AddIOp::create(b, me, c1), nOut), cP);
  int64_t staticR = cast<RankedTensorType>(outIdx.getType()).getDimSize(1);
  int64_t words = ShapedType::isDynamic(staticR) ? staticR : 2 * staticR;
  SmallVector<Value> dyn;
  if (ShapedType::isDynamic(staticR))
    dyn.push_back(
        arith::MulIOp::create(b, r, arith::ConstantIndexOp::create(b, 2)));
  Value allOnes = arith::ConstantIntOp::create(b, i64, -1);
  return buildColumnChunks(
      b, r, filledWords(b, {words}, dyn),
      [&](ImplicitLocOpBuilder &n, Value col0, Value cols, Value box) {
        // (~min, max) of each column of the share: ~ turns the minimum into
        // a maximum without overflow, and an empty share gives the
        // identity (INT64_MIN for both).
        auto bounds = scf::ForOp::create(
            n, c0, cols, c1,
            ValueRange{filledWords(n, {2 * kColumnsPerReduce}, {})},
            [&](OpBuilder &db, Location dl, Value d, ValueRange vec) {
              Value col = arith::AddIOp::create(db, dl, col0, d);
              Value s = tensor::ExtractOp::create(db, dl, start, col);
              auto minMax = scf::ForOp::create(
                  db, dl, lo, hi, c1,
                  ValueRange{
                      arith::ConstantIntOp::create(
                          db, dl, i64, std::numeric_limits<int64_t>::max()),
                      arith::ConstantIntOp::create(
                          db, dl, i64, std::numeric_limits<int64_t>::min())},
                  [&](OpBuilder &rb, Location rl, Value i, ValueRange acc) {
                    Value x = arith::AddIOp::create(
                        rb, rl,
                        tensor::ExtractOp::create(rb, rl, outIdx,
                                                  ValueRange{i, col}),
                        s);
                    scf::YieldOp::create(
                        rb, rl,
                        ValueRange{arith::MinSIOp::create(rb, rl, acc[0], x),
                                   arith::MaxSIOp::create(rb, rl, acc[1], x)});
                  });
              Value notMin =
                  arith::XOrIOp::create(db, dl, minMax.getResult(0), allOnes);
              Value v = tensor::InsertOp::create(db, dl, notMin, vec[0], d);
              v = tensor::InsertOp::create(
                  db, dl, minMax.getResult(1), v,
                  arith::AddIOp::create(db, dl, d, cW).getResult());
              scf::YieldOp::create(db, dl, v);
            });
        Value all = shard::AllReduceOp::create(
            n, bounds.getResult(0).getType(), group.grid, group.axes,
            bounds.getResult(0), shard::ReductionKind::Max);
        auto put = scf::ForOp::create(
            n, c0, cols, c1, ValueRange{box},
            [&](OpBuilder &db, Location dl, Value d, ValueRange acc) {
              Value col = arith::AddIOp::create(db, dl, col0, d);
              Value mn = arith::XOrIOp::create(
                  db, dl, tensor::ExtractOp::create(db, dl, all, d), allOnes);
              Value mx = tensor::ExtractOp::create(
                  db, dl, all,
                  arith::AddIOp::create(db, dl, d, cW).getResult());
              Value v = tensor::InsertOp::create(db, dl, mn, acc[0], col);
              v = tensor::InsertOp::create(
                  db, dl, mx, v,
                  arith::AddIOp::create(db, dl, col, r).getResult());
              scf::YieldOp::create(db, dl, v);
            });
        return put.getResult(0);
      });
}
