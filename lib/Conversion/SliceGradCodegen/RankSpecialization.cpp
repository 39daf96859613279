//===- RankSpecialization.cpp - A run-time R as static ones ---------------===//
//
// A run-time R (what TensorFlow's exports give) is dispatched to copies of
// the lowering for each static R up to kMaxSpecializedRank: the unrolled,
// vectorized code then serves every R that real tensors have.
//
//===----------------------------------------------------------------------===//

#include "CodegenUtils.h"
#include "SliceGradOperands.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

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
  casted.numDims = constantIndex(b, loc, r);
  return casted;
}

std::optional<int64_t> lowering::fixedNumDims(const SliceGradOperands &ops) {
  // A static size that fixes R: the index types', input_start's length, or
  // a column count that a memref.cast made dynamic (the shape checks ran
  // before).
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
  int64_t fixed = ops.staticNumDims;
  for (auto [v, dim] :
       {std::pair{ops.start, 0u}, {ops.inIdx, 1u}, {ops.outIdx, 1u}}) {
    int64_t r = staticSize(v, dim);
    if (r == ShapedType::kDynamic)
      continue;
    if (fixed != ShapedType::kDynamic && fixed != r)
      return std::nullopt;
    fixed = r;
  }
  return fixed;
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
  if (ops.hasStaticNumDims()) {
    if (ops.staticNumDims > kMaxSpecializedRank)
      return generic();
    return build(b, ops);
  }
  // Sizes that disagree (possible once inlining exposes constants behind
  // casts) fail a run-time check first: the code after it is dead, and casts
  // to either size would be invalid IR, so it is the generic code.
  std::optional<int64_t> fixed = fixedNumDims(ops);
  if (!fixed)
    return generic();
  if (*fixed != ShapedType::kDynamic) {
    if (*fixed > kMaxSpecializedRank)
      return generic();
    return build(b, withRank(b, loc, ops, *fixed));
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
