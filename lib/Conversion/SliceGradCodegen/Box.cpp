//===- Box.cpp - The bounding box of the shifted output rows --------------===//

#include "Box.h"
#include "CodegenUtils.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <limits>

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

/// Output row j's coordinate d shifted by input_start (TensorFlow adds
/// int64 coordinates with wrap-around).
static Value shiftedCoordinate(OpBuilder &b, Location loc,
                               const SliceGradOperands &ops, Value j, Value d,
                               Value start) {
  Value o = memref::LoadOp::create(b, loc, ops.outIdx, ValueRange{j, d});
  return arith::AddIOp::create(b, loc, o, start);
}

SmallVector<Value> lowering::buildEmptyBounds(OpBuilder &b, Location loc,
                                              int64_t r) {
  SmallVector<Value> bounds(
      r, constantI64(b, loc, std::numeric_limits<int64_t>::max()));
  bounds.append(r, constantI64(b, loc, std::numeric_limits<int64_t>::min()));
  return bounds;
}

SmallVector<Value> lowering::buildStaticRowBounds(OpBuilder &b, Location loc,
                                                  const SliceGradOperands &ops,
                                                  ArrayRef<Value> startCols,
                                                  Value lo, Value hi,
                                                  Value step, ValueRange init) {
  int64_t r = ops.staticNumDims;
  auto rows = scf::ForOp::create(
      b, loc, lo, hi, step, init,
      [&](OpBuilder &nb, Location l, Value j, ValueRange acc) {
        SmallVector<Value> next(2 * r);
        for (int64_t d = 0; d < r; ++d) {
          Value v = shiftedCoordinate(nb, l, ops, j, constantIndex(nb, l, d),
                                      startCols[d]);
          next[d] = arith::MinSIOp::create(nb, l, acc[d], v);
          next[r + d] = arith::MaxSIOp::create(nb, l, acc[r + d], v);
        }
        scf::YieldOp::create(nb, l, next);
      });
  return SmallVector<Value>(rows.getResults());
}

void lowering::buildDynamicRowBounds(
    OpBuilder &b, Location loc, const SliceGradOperands &ops, Value lo,
    Value hi, Value step,
    function_ref<void(OpBuilder &, Location, Value, Value, Value)> store) {
  SmallVector<Value> empty = buildEmptyBounds(b, loc, 1);
  scf::ForOp::create(
      b, loc, constantIndex(b, loc, 0), ops.numDims, constantIndex(b, loc, 1),
      ValueRange{}, [&](OpBuilder &db, Location dl, Value d, ValueRange) {
        Value s = memref::LoadOp::create(db, dl, ops.start, d);
        auto rows = scf::ForOp::create(
            db, dl, lo, hi, step, empty,
            [&](OpBuilder &fb, Location fl, Value j, ValueRange acc) {
              Value v = shiftedCoordinate(fb, fl, ops, j, d, s);
              scf::YieldOp::create(
                  fb, fl,
                  ValueRange{arith::MinSIOp::create(fb, fl, acc[0], v),
                             arith::MaxSIOp::create(fb, fl, acc[1], v)});
            });
        store(db, dl, d, rows.getResult(0), rows.getResult(1));
        scf::YieldOp::create(db, dl);
      });
}

Value lowering::buildInsideBox(
    OpBuilder &b, Location loc, const SliceGradOperands &ops, Value i,
    ArrayRef<Value> lo, ArrayRef<Value> hi,
    function_ref<std::pair<Value, Value>(OpBuilder &, Location, Value)>
        loadBounds) {
  auto insideColumn = [&](OpBuilder &nb, Location l, Value d, Value min,
                          Value max) -> Value {
    Value x = memref::LoadOp::create(nb, l, ops.inIdx, ValueRange{i, d});
    Value above =
        arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, x, min);
    Value below =
        arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sle, x, max);
    return arith::AndIOp::create(nb, l, above, below);
  };
  Value inside = constantBool(b, loc, true);
  if (ops.hasStaticNumDims()) {
    for (int64_t d = 0; d < ops.staticNumDims; ++d)
      inside = arith::AndIOp::create(
          b, loc, inside,
          insideColumn(b, loc, constantIndex(b, loc, d), lo[d], hi[d]));
    return inside;
  }
  auto columns = scf::ForOp::create(
      b, loc, constantIndex(b, loc, 0), ops.numDims, constantIndex(b, loc, 1),
      ValueRange{inside},
      [&](OpBuilder &nb, Location l, Value d, ValueRange acc) {
        auto [min, max] = loadBounds(nb, l, d);
        Value in = insideColumn(nb, l, d, min, max);
        scf::YieldOp::create(
            nb, l, arith::AndIOp::create(nb, l, acc[0], in).getResult());
      });
  return columns.getResult(0);
}
