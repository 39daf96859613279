//===- PartitionUtils.cpp - Collectives of a partitioned slice_grad -------===//
//
// The words the processes of a partitioned sparse.slice_grad exchange:
// vectors summed over the group, and the fingerprint of what they must
// hold alike.
//
//===----------------------------------------------------------------------===//

#include "Partition.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
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
