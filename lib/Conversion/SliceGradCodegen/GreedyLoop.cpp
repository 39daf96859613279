//===- GreedyLoop.cpp - TensorFlow's greedy loop over a range of rows -----===//
//
// TensorFlow's loop over input rows [lo, hi) from a given j: the rows are
// zeroed, then each row is compared with output row j and a match stores
// its gradient (a branch, as in TensorFlow's kernel); with a static R, a
// vector step first checks whether the next vectorWidth rows are the next
// vectorWidth output rows (a dense slice) and takes them at once. The
// sequential strategy runs it over all rows; the parallel strategy resumes with
// it where its look-back pass could not prove a row.
//
//===----------------------------------------------------------------------===//

#include "SliceGradBuilder.h"

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
  if (ops.staticNumDims != ShapedType::kDynamic) {
    for (int64_t d = 0; d < ops.staticNumDims; ++d) {
      Value col = arith::ConstantIndexOp::create(b, loc, d);
      startCols.push_back(memref::LoadOp::create(b, loc, ops.start, col));
    }
  }
  if (canVectorize())
    inFlat = memref::CollapseShapeOp::create(
        b, loc, ops.inIdx, ArrayRef<ReassociationIndices>{{0, 1}});
  if (canVectorizeExpand()) {
    outFlat = memref::CollapseShapeOp::create(
        b, loc, ops.outIdx, ArrayRef<ReassociationIndices>{{0, 1}});
    startPat = buildLanePattern(b, startCols);
  }
}

Value SliceGradBuilder::buildLanePattern(OpBuilder &b, ArrayRef<Value> cols) {
  SmallVector<Value> lanes;
  for (unsigned r = 0; r < vectorWidth; ++r)
    lanes.append(cols.begin(), cols.end());
  auto type =
      VectorType::get({static_cast<int64_t>(lanes.size())}, b.getI64Type());
  return vector::FromElementsOp::create(b, loc, type, lanes);
}

void SliceGradBuilder::buildZeroFill(OpBuilder &b, Value lo, Value hi) {
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
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
  return vectorWidth > 1 && ops.staticNumDims != ShapedType::kDynamic &&
         ops.staticNumDims > 0 && identity(ops.inIdx) && identity(ops.out) &&
         VectorType::isValidElementType(ops.eltType) &&
         !isa<ComplexType>(ops.eltType);
}

bool SliceGradBuilder::canVectorizeExpand() const {
  // LLVM promotes vectors of 16-bit floats to f32 around selects and
  // expanding loads on targets without native support, which quiets
  // signaling NaNs: the op must move bit patterns exactly.
  if (isa<FloatType>(ops.eltType) && ops.eltType.getIntOrFloatBitWidth() == 16)
    return false;
  return canVectorize() &&
         cast<MemRefType>(ops.outIdx.getType()).getLayout().isIdentity() &&
         cast<MemRefType>(ops.grad.getType()).getLayout().isIdentity();
}

Value SliceGradBuilder::buildRowEqual(OpBuilder &b, Value row, Value j) {
  int64_t numDims = ops.staticNumDims;
  if (!canVectorizeExpand() || numDims < 4)
    return buildRowsEqual(b, loc, ops, startCols, row, j);
  // Wide rows: one vector compare of the R coordinates.
  auto rowType = VectorType::get({numDims}, b.getI64Type());
  Value cR = arith::ConstantIndexOp::create(b, loc, numDims);
  Value a = vector::LoadOp::create(
      b, loc, rowType, inFlat,
      ValueRange{arith::MulIOp::create(b, loc, row, cR)});
  Value o =
      vector::LoadOp::create(b, loc, rowType, outFlat,
                             ValueRange{arith::MulIOp::create(b, loc, j, cR)});
  Value start = vector::FromElementsOp::create(b, loc, rowType, startCols);
  Value eq = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a,
                                   arith::AddIOp::create(b, loc, o, start));
  return vector::ReductionOp::create(b, loc, vector::CombiningKind::AND, eq);
}

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
        Value c1 = arith::ConstantIndexOp::create(tb, tl, 1);
        scf::YieldOp::create(tb, tl,
                             arith::AddIOp::create(tb, tl, j, c1).getResult());
      },
      [&](OpBuilder &eb, Location el) { scf::YieldOp::create(eb, el, j); });
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  return {arith::AddIOp::create(b, loc, i, c1), next.getResult(0)};
}

std::pair<Value, Value>
SliceGradBuilder::buildRunOrScalarSteps(OpBuilder &b, Value i, Value j) {
  int64_t numDims = ops.staticNumDims;
  int64_t width = vectorWidth;
  auto flatType = VectorType::get({width * numDims}, b.getI64Type());
  Value cW = arith::ConstantIndexOp::create(b, loc, width);
  Value cR = arith::ConstantIndexOp::create(b, loc, numDims);
  // A run: the next vectorWidth rows are the next vectorWidth output rows
  // (a dense slice), so the loop matches them all.
  Value rows =
      vector::LoadOp::create(b, loc, flatType, inFlat,
                             ValueRange{arith::MulIOp::create(b, loc, i, cR)});
  Value e =
      vector::LoadOp::create(b, loc, flatType, outFlat,
                             ValueRange{arith::MulIOp::create(b, loc, j, cR)});
  Value same =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rows,
                            arith::AddIOp::create(b, loc, e, startPat));
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
        Value c0 = arith::ConstantIndexOp::create(eb, el, 0);
        Value c1 = arith::ConstantIndexOp::create(eb, el, 1);
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
        Value cW = arith::ConstantIndexOp::create(nb, l, vectorWidth);
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

Value lowering::buildForEachRank(
    OpBuilder &b, Location loc, const SliceGradOperands &ops,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build) {
  // Beyond kMaxSpecializedRank, code unrolled over R would grow with R
  // (R = 10^5 took minutes to compile): the generic loops over columns.
  auto generic = [&]() {
    SliceGradOperands dynamic = ops;
    dynamic.staticNumDims = ShapedType::kDynamic;
    return build(b, dynamic);
  };
  if (ops.staticNumDims != ShapedType::kDynamic) {
    if (ops.staticNumDims > kMaxSpecializedRank)
      return generic();
    return build(b, ops);
  }
  // A static size that fixes R: input_start's length, or a column count
  // that a memref.cast made dynamic (the shape checks ran before). Cases
  // for other R would be dead code whose casts later folds would break.
  auto staticSize = [](Value v, unsigned dim) -> int64_t {
    while (true) {
      auto type = dyn_cast<MemRefType>(v.getType());
      if (!type) // an unranked source says nothing
        return ShapedType::kDynamic;
      if (!type.isDynamicDim(dim))
        return type.getDimSize(dim);
      auto castOp = v.getDefiningOp<memref::CastOp>();
      if (!castOp)
        return ShapedType::kDynamic;
      v = castOp.getSource();
    }
  };
  for (auto [v, dim] :
       {std::pair{ops.start, 0u}, {ops.inIdx, 1u}, {ops.outIdx, 1u}}) {
    int64_t r = staticSize(v, dim);
    if (r != ShapedType::kDynamic) {
      if (r > kMaxSpecializedRank)
        return generic();
      return build(b, withRank(b, loc, ops, r));
    }
  }
  // R known only at run time (what TensorFlow's exports give): one case per
  // R in 1..kMaxSpecializedRank, on memrefs cast to that static R; the
  // generic code for any other R.
  SmallVector<int64_t> ranks;
  for (int64_t r = 1; r <= kMaxSpecializedRank; ++r)
    ranks.push_back(r);
  // The result's type: build the default case first.
  SmallVector<Type, 1> resultTypes;
  Block *defaultBlock;
  Value genericResult;
  {
    OpBuilder::InsertionGuard guard(b);
    defaultBlock = new Block();
    b.setInsertionPointToStart(defaultBlock);
    genericResult = generic();
    if (genericResult)
      resultTypes.push_back(genericResult.getType());
    scf::YieldOp::create(
        b, loc, genericResult ? ValueRange{genericResult} : ValueRange{});
  }
  auto dispatch = scf::IndexSwitchOp::create(b, loc, resultTypes, ops.numDims,
                                             ranks, ranks.size());
  dispatch.getDefaultRegion().push_back(defaultBlock);
  for (auto [r, region] : llvm::zip(ranks, dispatch.getCaseRegions())) {
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&region);
    Value result = build(b, withRank(b, loc, ops, r));
    scf::YieldOp::create(b, loc, result ? ValueRange{result} : ValueRange{});
  }
  return genericResult ? dispatch.getResult(0) : Value();
}
