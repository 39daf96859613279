//===- GreedyLoop.cpp - TensorFlow's greedy loop over a range of rows -----===//
//
// TensorFlow's loop over input rows [lo, hi) from a given j, branch-free
// per row; with a static R a vector step compares vectorWidth rows with
// output row j and jumps to the first match. The sequential strategy runs
// it over all rows; the parallel strategy resumes with it where its
// look-back pass could not prove a row.
//
//===----------------------------------------------------------------------===//

#include "ParallelBuilder.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

ParallelBuilder::ParallelBuilder(OpBuilder &b, Location loc,
                                 const SliceGradOperands &ops,
                                 unsigned vectorWidth)
    : ops(ops), loc(loc), vectorWidth(vectorWidth) {
  zero = buildZero(b, loc, ops.eltType);
  // A static R lets the row comparison unroll and input_start stay in
  // registers.
  if (ops.staticNumDims != ShapedType::kDynamic) {
    for (int64_t d = 0; d < ops.staticNumDims; ++d) {
      Value col = arith::ConstantIndexOp::create(b, loc, d);
      startCols.push_back(memref::LoadOp::create(b, loc, ops.start, col));
    }
  }
  if (canVectorize())
    inFlat = memref::CollapseShapeOp::create(
        b, loc, ops.inIdx, ArrayRef<ReassociationIndices>{{0, 1}});
  if (canVectorizeExpand())
    outFlat = memref::CollapseShapeOp::create(
        b, loc, ops.outIdx, ArrayRef<ReassociationIndices>{{0, 1}});
}

bool ParallelBuilder::canVectorize() const {
  auto identity = [](Value v) {
    return cast<MemRefType>(v.getType()).getLayout().isIdentity();
  };
  return vectorWidth > 1 && ops.staticNumDims != ShapedType::kDynamic &&
         ops.staticNumDims > 0 && identity(ops.inIdx) && identity(ops.out) &&
         VectorType::isValidElementType(ops.eltType) &&
         !isa<ComplexType>(ops.eltType);
}

bool ParallelBuilder::canVectorizeExpand() const {
  // LLVM promotes vectors of 16-bit floats to f32 around selects and
  // expanding loads on targets without native support, which quiets
  // signaling NaNs: the op must move bit patterns exactly.
  if (isa<FloatType>(ops.eltType) && ops.eltType.getIntOrFloatBitWidth() == 16)
    return false;
  return canVectorize() &&
         cast<MemRefType>(ops.outIdx.getType()).getLayout().isIdentity() &&
         cast<MemRefType>(ops.grad.getType()).getLayout().isIdentity();
}

std::pair<Value, Value> ParallelBuilder::buildScalarStep(OpBuilder &b,
                                                         Value i, Value j) {
  Value same = buildRowsEqual(b, loc, ops, startCols, i, j);
  Value g = memref::LoadOp::create(b, loc, ops.grad, j);
  Value v = arith::SelectOp::create(b, loc, same, g, zero);
  memref::StoreOp::create(b, loc, v, ops.out, i);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  Value nextI = arith::AddIOp::create(b, loc, i, c1);
  Value jPlus1 = arith::AddIOp::create(b, loc, j, c1);
  Value nextJ = arith::SelectOp::create(b, loc, same, jPlus1, j);
  return {nextI, nextJ};
}

std::pair<Value, Value> ParallelBuilder::buildVectorStep(OpBuilder &b,
                                                         Value i, Value j) {
  int64_t numDims = ops.staticNumDims;
  int64_t width = vectorWidth;
  auto rowsType = VectorType::get({width * numDims}, b.getI64Type());
  auto colType = VectorType::get({width}, b.getI64Type());
  auto laneType = VectorType::get({width}, b.getI32Type());

  // width rows of R coordinates, one contiguous load.
  Value cR = arith::ConstantIndexOp::create(b, loc, numDims);
  Value flatPos = arith::MulIOp::create(b, loc, i, cR);
  Value rows = vector::LoadOp::create(b, loc, rowsType, inFlat, flatPos);

  // Lane r is set when row i + r equals output row j + input_start.
  Value same;
  for (int64_t d = 0; d < numDims; ++d) {
    Value col = extractColumn(b, loc, rows, width, numDims, d);
    Value cd = arith::ConstantIndexOp::create(b, loc, d);
    Value o = memref::LoadOp::create(b, loc, ops.outIdx, ValueRange{j, cd});
    Value target = arith::AddIOp::create(b, loc, o, startCols[d]);
    Value splat = vector::BroadcastOp::create(b, loc, colType, target);
    Value eq = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, col,
                                     splat);
    same = same ? arith::AndIOp::create(b, loc, same, eq).getResult() : eq;
  }

  // The first matching lane, or width when none matches.
  SmallVector<int32_t> iota;
  for (int32_t r = 0; r < width; ++r)
    iota.push_back(r);
  Value lanes = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(laneType, ArrayRef<int32_t>(iota)));
  Value none = arith::ConstantOp::create(
      b, loc,
      DenseElementsAttr::get(laneType, static_cast<int32_t>(width)));
  Value candidates = arith::SelectOp::create(b, loc, same, lanes, none);
  Value first = vector::ReductionOp::create(b, loc, vector::CombiningKind::MINUI,
                                            candidates);
  Value firstIdx =
      arith::IndexCastUIOp::create(b, loc, b.getIndexType(), first);

  auto valuesType = VectorType::get({width}, ops.eltType);
  Value zeros = vector::BroadcastOp::create(b, loc, valuesType, zero);
  vector::StoreOp::create(b, loc, zeros, ops.out, i);

  Value cWidth = arith::ConstantIndexOp::create(b, loc, width);
  Value found = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                      firstIdx, cWidth);
  auto step = scf::IfOp::create(
      b, loc, found,
      [&](OpBuilder &tb, Location tl) {
        Value c1 = arith::ConstantIndexOp::create(tb, tl, 1);
        Value row = arith::AddIOp::create(tb, tl, i, firstIdx);
        Value g = memref::LoadOp::create(tb, tl, ops.grad, j);
        memref::StoreOp::create(tb, tl, g, ops.out, row);
        Value nextI = arith::AddIOp::create(tb, tl, row, c1);
        Value nextJ = arith::AddIOp::create(tb, tl, j, c1);
        scf::YieldOp::create(tb, tl, ValueRange{nextI, nextJ});
      },
      [&](OpBuilder &eb, Location el) {
        Value nextI = arith::AddIOp::create(eb, el, i, cWidth);
        scf::YieldOp::create(eb, el, ValueRange{nextI, j});
      });
  return {step.getResult(0), step.getResult(1)};
}

std::pair<Value, Value> ParallelBuilder::buildRunOrVectorStep(OpBuilder &b,
                                                              Value i,
                                                              Value j) {
  if (!canVectorizeExpand())
    return buildVectorStep(b, i, j);
  // A run: the next vectorWidth rows are the next vectorWidth output rows
  // (a dense slice), so the loop matches them all.
  int64_t numDims = ops.staticNumDims;
  int64_t width = vectorWidth;
  auto flatType = VectorType::get({width * numDims}, b.getI64Type());
  Value cW = arith::ConstantIndexOp::create(b, loc, width);
  Value cR = arith::ConstantIndexOp::create(b, loc, numDims);
  Value outLeft =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule,
                            arith::AddIOp::create(b, loc, j, cW), ops.nOut);
  auto isRun = scf::IfOp::create(
      b, loc, outLeft,
      [&](OpBuilder &tb, Location tl) {
        SmallVector<Value> startLanes;
        for (int64_t r = 0; r < width; ++r)
          startLanes.append(startCols.begin(), startCols.end());
        Value startPat =
            vector::FromElementsOp::create(tb, tl, flatType, startLanes);
        Value rows = vector::LoadOp::create(
            tb, tl, flatType, inFlat,
            ValueRange{arith::MulIOp::create(tb, tl, i, cR)});
        Value e = vector::LoadOp::create(
            tb, tl, flatType, outFlat,
            ValueRange{arith::MulIOp::create(tb, tl, j, cR)});
        Value same = arith::CmpIOp::create(
            tb, tl, arith::CmpIPredicate::eq, rows,
            arith::AddIOp::create(tb, tl, e, startPat));
        scf::YieldOp::create(tb, tl,
                             vector::ReductionOp::create(
                                 tb, tl, vector::CombiningKind::AND, same)
                                 .getResult());
      },
      [&](OpBuilder &eb, Location el) {
        scf::YieldOp::create(
            eb, el, arith::ConstantIntOp::create(eb, el, 0, /*width=*/1)
                        .getResult());
      });
  auto step = scf::IfOp::create(
      b, loc, isRun.getResult(0),
      [&](OpBuilder &tb, Location tl) {
        auto valuesType = VectorType::get({width}, ops.eltType);
        Value v = vector::LoadOp::create(tb, tl, valuesType, ops.grad,
                                         ValueRange{j});
        vector::StoreOp::create(tb, tl, v, ops.out, i);
        scf::YieldOp::create(tb, tl,
                             ValueRange{arith::AddIOp::create(tb, tl, i, cW),
                                        arith::AddIOp::create(tb, tl, j, cW)});
      },
      [&](OpBuilder &eb, Location el) {
        auto [nextI, nextJ] = buildVectorStep(eb, i, j);
        scf::YieldOp::create(eb, el, ValueRange{nextI, nextJ});
      });
  return {step.getResult(0), step.getResult(1)};
}

Value ParallelBuilder::buildGreedyLoop(OpBuilder &b, Value lo, Value hi,
                                       Value j0) {
  Type indexType = b.getIndexType();
  auto loop = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType}, ValueRange{lo, j0},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value iInRange = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::ult, args[0], hi);
        Value jInRange = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::ult, args[1], ops.nOut);
        Value cond = arith::AndIOp::create(nb, l, iInRange, jInRange);
        scf::ConditionOp::create(nb, l, cond, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = args[0], j = args[1];
        if (!canVectorize()) {
          auto [nextI, nextJ] = buildScalarStep(nb, i, j);
          scf::YieldOp::create(nb, l, ValueRange{nextI, nextJ});
          return;
        }
        Value cWidth = arith::ConstantIndexOp::create(nb, l, vectorWidth);
        Value vecEnd = arith::AddIOp::create(nb, l, i, cWidth);
        Value fits = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ule,
                                           vecEnd, hi);
        auto step = scf::IfOp::create(
            nb, l, fits,
            [&](OpBuilder &tb, Location tl) {
              auto [nextI, nextJ] = buildRunOrVectorStep(tb, i, j);
              scf::YieldOp::create(tb, tl, ValueRange{nextI, nextJ});
            },
            [&](OpBuilder &eb, Location el) {
              auto [nextI, nextJ] = buildScalarStep(eb, i, j);
              scf::YieldOp::create(eb, el, ValueRange{nextI, nextJ});
            });
        scf::YieldOp::create(nb, l, step.getResults());
      });

  // Every output row matched: the rest of the chunk is zero.
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  scf::ForOp::create(b, loc, loop.getResult(0), hi, c1, ValueRange{},
                     [&](OpBuilder &nb, Location l, Value i, ValueRange) {
                       memref::StoreOp::create(nb, l, zero, ops.out, i);
                       scf::YieldOp::create(nb, l);
                     });
  return loop.getResult(1);
}

/// `ops` with the index operands cast to R = r (the run-time checks have
/// made R equal to every operand's size that fixes it).
static SliceGradOperands withRank(OpBuilder &b, Location loc,
                                  const SliceGradOperands &ops, int64_t r) {
  auto castTo = [&](Value v, ArrayRef<int64_t> shape) -> Value {
    auto type = cast<MemRefType>(v.getType());
    auto target = MemRefType::get(shape, type.getElementType(),
                                  type.getLayout(), type.getMemorySpace());
    if (target == type)
      return v;
    return memref::CastOp::create(b, loc, target, v);
  };
  SliceGradOperands casted = ops;
  casted.staticNumDims = r;
  casted.inIdx = castTo(ops.inIdx, {ShapedType::kDynamic, r});
  casted.outIdx = castTo(ops.outIdx, {ShapedType::kDynamic, r});
  casted.start = castTo(ops.start, {r});
  casted.numDims = arith::ConstantIndexOp::create(b, loc, r);
  return casted;
}

void lowering::buildForEachRank(
    OpBuilder &b, Location loc, const SliceGradOperands &ops,
    function_ref<void(OpBuilder &, const SliceGradOperands &)> build) {
  if (ops.staticNumDims != ShapedType::kDynamic) {
    build(b, ops);
    return;
  }
  // input_start's static length fixes R (the shape checks ran before).
  auto startType = cast<MemRefType>(ops.start.getType());
  if (!startType.isDynamicDim(0)) {
    build(b, withRank(b, loc, ops, startType.getDimSize(0)));
    return;
  }
  // R known only at run time (what TensorFlow's exports give): one case per
  // R in 1..kMaxSpecializedRank, on memrefs cast to that static R; the
  // generic code for any other R.
  SmallVector<int64_t> ranks;
  for (int64_t r = 1; r <= kMaxSpecializedRank; ++r)
    ranks.push_back(r);
  auto dispatch = scf::IndexSwitchOp::create(b, loc, TypeRange{}, ops.numDims,
                                             ranks, ranks.size());
  for (auto [r, region] : llvm::zip(ranks, dispatch.getCaseRegions())) {
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&region);
    build(b, withRank(b, loc, ops, r));
    scf::YieldOp::create(b, loc);
  }
  OpBuilder::InsertionGuard guard(b);
  b.createBlock(&dispatch.getDefaultRegion());
  build(b, ops);
  scf::YieldOp::create(b, loc);
}
