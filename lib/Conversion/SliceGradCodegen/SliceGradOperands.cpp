//===- SliceGradOperands.cpp - The op's operands as the lowerings see them ===//

#include "SliceGradOperands.h"
#include "CodegenUtils.h"
#include "RuntimeCalls.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

SliceGradOperands lowering::emitShapeChecks(OpBuilder &b, Operation *op,
                                            Value grad, Value inIdx,
                                            Value start, Value outIdx,
                                            Value out, bool oneProcessRows) {
  return emitShapeChecks(b, op->getLoc(), buildWhere(b, op), grad, inIdx, start,
                         outIdx, out, oneProcessRows);
}

SliceGradOperands lowering::emitShapeChecks(OpBuilder &b, Location loc,
                                            Value where, Value grad,
                                            Value inIdx, Value start,
                                            Value outIdx, Value out,
                                            bool oneProcessRows) {
  Value dims[2] = {constantIndex(b, loc, 0), constantIndex(b, loc, 1)};
  auto dim = [&](Value v, int64_t d) -> Value {
    return memref::DimOp::create(b, loc, v, dims[d]);
  };
  auto isDynamic = [](Value v, int64_t d) {
    return cast<MemRefType>(v.getType()).isDynamicDim(d);
  };
  SliceGradOperands ops;
  ops.grad = grad;
  ops.inIdx = inIdx;
  ops.start = start;
  ops.outIdx = outIdx;
  ops.out = out;
  ops.where = where;
  ops.eltType = cast<MemRefType>(grad.getType()).getElementType();
  // The verifier made both column counts equal where both are static.
  auto inType = cast<MemRefType>(inIdx.getType());
  auto outType = cast<MemRefType>(outIdx.getType());
  ops.staticNumDims = !inType.isDynamicDim(1)    ? inType.getDimSize(1)
                      : !outType.isDynamicDim(1) ? outType.getDimSize(1)
                                                 : ShapedType::kDynamic;

  ops.nIn = dim(inIdx, 0);
  ops.numDims = dim(inIdx, 1);
  ops.nOut = dim(outIdx, 0);
  if (isDynamic(inIdx, 1) || isDynamic(outIdx, 1)) {
    Value outDims = dim(outIdx, 1);
    emitCheck(b, loc, ops.where, arith::CmpIPredicate::ne,
              SliceGradCheck::SameNumDims, ops.numDims, outDims);
  }
  if (!oneProcessRows && (isDynamic(outIdx, 0) || isDynamic(inIdx, 0)))
    emitCheck(b, loc, ops.where, arith::CmpIPredicate::ugt,
              SliceGradCheck::OutputRowsNotGreater, ops.nOut, ops.nIn);
  if (isDynamic(grad, 0) || isDynamic(outIdx, 0)) {
    Value nGrad = dim(grad, 0);
    emitCheck(b, loc, ops.where, arith::CmpIPredicate::ne,
              SliceGradCheck::GradMatchesOutputRows, nGrad, ops.nOut);
  }
  if (isDynamic(inIdx, 1) || isDynamic(start, 0)) {
    Value nStart = dim(start, 0);
    emitCheck(b, loc, ops.where, arith::CmpIPredicate::ne,
              SliceGradCheck::StartLength, ops.numDims, nStart);
  }
  if (out && (isDynamic(out, 0) || isDynamic(inIdx, 0))) {
    Value nDest = dim(out, 0);
    emitCheck(b, loc, ops.where, arith::CmpIPredicate::ne,
              SliceGradCheck::DestinationLength, nDest, ops.nIn);
  }
  if (out)
    emitDestinationOverlapChecks(b, loc, ops.where, out,
                                 {grad, inIdx, start, outIdx});
  return ops;
}

/// The bytes [begin, end) that memref `v` spans (begin == end if empty).
static std::pair<Value, Value> byteRange(OpBuilder &b, Location loc, Value v) {
  auto type = cast<MemRefType>(v.getType());
  int64_t bytes = DataLayout::closest(v.getParentBlock()->getParentOp())
                      .getTypeSize(type.getElementType())
                      .getFixedValue();
  auto metadata = memref::ExtractStridedMetadataOp::create(b, loc, v);
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value width = constantIndex(b, loc, bytes);
  Value begin = arith::AddIOp::create(
      b, loc, memref::ExtractAlignedPointerAsIndexOp::create(b, loc, v),
      arith::MulIOp::create(b, loc, metadata.getOffset(), width));
  // 1 + sum (size - 1) * stride elements, none if a size is 0.
  Value extent = c1, empty = arith::ConstantIntOp::create(b, loc, 0, 1);
  for (auto [size, stride] :
       llvm::zip(metadata.getSizes(), metadata.getStrides())) {
    empty = arith::OrIOp::create(
        b, loc, empty,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, size, c0));
    Value last = arith::SubIOp::create(b, loc, size, c1);
    extent = arith::AddIOp::create(b, loc, extent,
                                   arith::MulIOp::create(b, loc, last, stride));
  }
  extent = arith::SelectOp::create(b, loc, empty, c0, extent);
  Value end = arith::AddIOp::create(
      b, loc, begin, arith::MulIOp::create(b, loc, extent, width));
  return {begin, end};
}

void lowering::emitDestinationOverlapChecks(OpBuilder &b, Location loc,
                                            Value where, Value out,
                                            ValueRange operands) {
  auto [outBegin, outEnd] = byteRange(b, loc, out);
  for (auto [number, operand] : llvm::enumerate(operands)) {
    auto [begin, end] = byteRange(b, loc, operand);
    // Two non-empty ranges overlap iff each begins before the other ends.
    auto less = [&](Value x, Value y) {
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x, y);
    };
    Value overlap = arith::AndIOp::create(
        b, loc,
        arith::AndIOp::create(b, loc, less(outBegin, end), less(begin, outEnd)),
        arith::AndIOp::create(b, loc, less(outBegin, outEnd),
                              less(begin, end)));
    // The operand's number where they overlap, else 0.
    Value zero = constantIndex(b, loc, 0);
    Value failed = arith::SelectOp::create(
        b, loc, overlap, constantIndex(b, loc, number + 1), zero);
    emitCheck(b, loc, where, arith::CmpIPredicate::ne,
              SliceGradCheck::DestinationOverlaps, failed, zero);
  }
}

void lowering::emitAllPropagatedCheck(OpBuilder &b, Location loc,
                                      const SliceGradOperands &ops,
                                      Value used) {
  emitCheck(b, loc, ops.where, arith::CmpIPredicate::ne,
            SliceGradCheck::AllPropagated, ops.nOut, used,
            /*guardRest=*/false);
}

void lowering::emitGlobalChecks(OpBuilder &b, Operation *op, Value nIn,
                                Value nOut, Value used, Value processes,
                                Value partitionedFor, Value replicasMin,
                                Value replicasMax) {
  Location loc = op->getLoc();
  Value where = buildWhere(b, op);
  emitCheck(b, loc, where, arith::CmpIPredicate::ne,
            SliceGradCheck::ProcessCount, partitionedFor, processes);
  emitCheck(b, loc, where, arith::CmpIPredicate::ne,
            SliceGradCheck::ReplicasDiffer, replicasMin, replicasMax);
  emitCheck(b, loc, where, arith::CmpIPredicate::ugt,
            SliceGradCheck::OutputRowsNotGreater, nOut, nIn);
  emitCheck(b, loc, where, arith::CmpIPredicate::ne,
            SliceGradCheck::AllPropagated, nOut, used, /*guardRest=*/false);
}

Value lowering::buildFirstDifferingColumn(OpBuilder &b, Location loc,
                                          const SliceGradOperands &ops, Value i,
                                          Value j) {
  Type indexType = b.getIndexType();
  Value c0 = constantIndex(b, loc, 0);
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType}, ValueRange{c0},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value d = args[0];
        Value inRange = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult,
                                              d, ops.numDims);
        auto equal = scf::IfOp::create(
            nb, l, inRange,
            [&](OpBuilder &tb, Location tl) {
              Value a =
                  memref::LoadOp::create(tb, tl, ops.inIdx, ValueRange{i, d});
              Value o =
                  memref::LoadOp::create(tb, tl, ops.outIdx, ValueRange{j, d});
              Value s = memref::LoadOp::create(tb, tl, ops.start, d);
              // TensorFlow adds int64 coordinates with wrap-around.
              Value shifted = arith::AddIOp::create(tb, tl, o, s);
              Value eq = arith::CmpIOp::create(tb, tl, arith::CmpIPredicate::eq,
                                               a, shifted);
              scf::YieldOp::create(tb, tl, eq);
            },
            [&](OpBuilder &eb, Location el) {
              Value f = constantBool(eb, el, false);
              scf::YieldOp::create(eb, el, f);
            });
        scf::ConditionOp::create(nb, l, equal.getResult(0), args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value c1 = constantIndex(nb, l, 1);
        Value next = arith::AddIOp::create(nb, l, args[0], c1);
        scf::YieldOp::create(nb, l, next);
      });
  return loop.getResult(0);
}

/// Wide rows: one vector compare of the R coordinates.
static Value buildRowsEqualVector(OpBuilder &b, Location loc,
                                  const SliceGradOperands &ops,
                                  ArrayRef<Value> startCols, Value i, Value j,
                                  FlatRows flat) {
  int64_t numDims = ops.staticNumDims;
  auto rowType = VectorType::get({numDims}, b.getI64Type());
  Value cR = constantIndex(b, loc, numDims);
  Value a =
      vector::LoadOp::create(b, loc, rowType, flat.in,
                             ValueRange{arith::MulIOp::create(b, loc, i, cR)});
  Value o =
      vector::LoadOp::create(b, loc, rowType, flat.out,
                             ValueRange{arith::MulIOp::create(b, loc, j, cR)});
  Value start = vector::FromElementsOp::create(b, loc, rowType, startCols);
  Value eq = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a,
                                   arith::AddIOp::create(b, loc, o, start));
  return vector::ReductionOp::create(b, loc, vector::CombiningKind::AND, eq);
}

Value lowering::buildRowsEqual(OpBuilder &b, Location loc,
                               const SliceGradOperands &ops,
                               ArrayRef<Value> startCols, Value i, Value j,
                               FlatRows flat) {
  if (!ops.hasStaticNumDims()) {
    Value d = buildFirstDifferingColumn(b, loc, ops, i, j);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d,
                                 ops.numDims);
  }
  // Static R: compare every column and combine, so that the hot loop has no
  // data-dependent branch per coordinate.
  if (startCols.empty()) // R = 0: every row equals every other.
    return constantBool(b, loc, true);
  if (flat.in && flat.out && ops.staticNumDims >= 4)
    return buildRowsEqualVector(b, loc, ops, startCols, i, j, flat);
  Value same;
  for (auto [d, s] : llvm::enumerate(startCols)) {
    Value col = constantIndex(b, loc, d);
    Value a = memref::LoadOp::create(b, loc, ops.inIdx, ValueRange{i, col});
    Value o = memref::LoadOp::create(b, loc, ops.outIdx, ValueRange{j, col});
    Value shifted = arith::AddIOp::create(b, loc, o, s);
    Value eq =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, shifted);
    same = same ? arith::AndIOp::create(b, loc, same, eq).getResult() : eq;
  }
  return same;
}
