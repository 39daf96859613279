//===- SliceGradBuilder.cpp - The CPU algorithms' common pieces -----------===//

#include "SliceGradBuilder.h"

#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

SliceGradBuilder::SliceGradBuilder(OpBuilder &b, Location loc,
                                   const SliceGradOperands &ops,
                                   unsigned vectorWidth)
    : ops(ops), loc(loc), vectorWidth(vectorWidth) {
  zero = buildZero(b, loc, ops.eltType);
  // A static R lets the row comparison unroll and input_start stay in
  // registers.
  if (ops.hasStaticNumDims()) {
    for (int64_t d = 0; d < ops.staticNumDims; ++d) {
      Value col = constantIndex(b, loc, d);
      startCols.push_back(memref::LoadOp::create(b, loc, ops.start, col));
    }
  }
  if (canVectorizeInputRows())
    inFlat = memref::CollapseShapeOp::create(
        b, loc, ops.inIdx, ArrayRef<ReassociationIndices>{{0, 1}});
  if (canVectorizeOutputRows()) {
    outFlat = memref::CollapseShapeOp::create(
        b, loc, ops.outIdx, ArrayRef<ReassociationIndices>{{0, 1}});
    startPat = buildLanePattern(b, startCols);
  }
}

Value SliceGradBuilder::buildLanePattern(OpBuilder &b, ArrayRef<Value> cols) {
  // R insertions and one shuffle: width R insertions would be a long
  // build-vector chain that LLVM's SLP vectorizer spends its time on.
  auto rowType =
      VectorType::get({static_cast<int64_t>(cols.size())}, b.getI64Type());
  Value row = vector::FromElementsOp::create(b, loc, rowType, cols);
  SmallVector<int64_t> mask;
  for (unsigned r = 0; r < vectorWidth; ++r)
    for (int64_t d = 0; d < static_cast<int64_t>(cols.size()); ++d)
      mask.push_back(d);
  return vector::ShuffleOp::create(b, loc, row, row, mask);
}

void SliceGradBuilder::buildZeroFill(OpBuilder &b, Value lo, Value hi) {
  Value c1 = constantIndex(b, loc, 1);
  scf::ForOp::create(b, loc, lo, hi, c1, ValueRange{},
                     [&](OpBuilder &nb, Location l, Value i, ValueRange) {
                       memref::StoreOp::create(nb, l, zero, ops.out, i);
                       scf::YieldOp::create(nb, l);
                     });
}

bool SliceGradBuilder::canVectorize() const {
  // No destination (sparse.slice_grad_count): nothing to store.
  auto identity = [](Value v) {
    return !v || cast<MemRefType>(v.getType()).getLayout().isIdentity();
  };
  return vectorWidth > 1 && ops.hasStaticNumDims() && ops.staticNumDims > 0 &&
         identity(ops.inIdx) && identity(ops.out) &&
         VectorType::isValidElementType(ops.eltType) &&
         !isa<ComplexType>(ops.eltType);
}

bool SliceGradBuilder::canVectorizeInputRows() const {
  // Only coordinates: whatever the value type.
  return vectorWidth > 1 && ops.hasStaticNumDims() && ops.staticNumDims > 0 &&
         cast<MemRefType>(ops.inIdx.getType()).getLayout().isIdentity();
}

bool SliceGradBuilder::canVectorizeOutputRows() const {
  // Only coordinates: whatever the value type.
  return vectorWidth > 1 && ops.hasStaticNumDims() && ops.staticNumDims > 0 &&
         cast<MemRefType>(ops.outIdx.getType()).getLayout().isIdentity();
}

bool SliceGradBuilder::expandStepsMoveValues(Type eltType) {
  // LLVM promotes vectors of 16-bit floats to f32 around selects and
  // expanding loads on targets without native support, which quiets
  // signaling NaNs: the op must move bit patterns exactly.
  if (isa<FloatType>(eltType) && eltType.getIntOrFloatBitWidth() == 16)
    return false;
  return VectorType::isValidElementType(eltType) && !isa<ComplexType>(eltType);
}

bool SliceGradBuilder::canVectorizeExpand() const {
  return expandStepsMoveValues(ops.eltType) && canVectorize() &&
         cast<MemRefType>(ops.outIdx.getType()).getLayout().isIdentity() &&
         cast<MemRefType>(ops.grad.getType()).getLayout().isIdentity();
}

Value SliceGradBuilder::buildRowEqual(OpBuilder &b, Value row, Value j) {
  return buildRowsEqual(b, loc, ops, startCols, row, j, {inFlat, outFlat});
}

Value SliceGradBuilder::buildStepCompare(OpBuilder &b,
                                         arith::CmpIPredicate pred, Value i,
                                         Value j) {
  int64_t numDims = ops.staticNumDims;
  auto flatType = VectorType::get({vectorWidth * numDims}, b.getI64Type());
  Value cR = constantIndex(b, loc, numDims);
  Value rows =
      vector::LoadOp::create(b, loc, flatType, inFlat,
                             ValueRange{arith::MulIOp::create(b, loc, i, cR)});
  Value e =
      vector::LoadOp::create(b, loc, flatType, outFlat,
                             ValueRange{arith::MulIOp::create(b, loc, j, cR)});
  return arith::CmpIOp::create(b, loc, pred, rows,
                               arith::AddIOp::create(b, loc, e, startPat));
}
