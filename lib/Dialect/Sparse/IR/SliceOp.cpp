//===- SliceOp.cpp - sparse.slice and sparse.slice_grad_scatter -----------===//
//
// Builders, verifiers and memory effects. The verifier applies TensorFlow's
// size checks of SparseSlice (SparseSliceChecks.h), in its order and words,
// wherever the static shapes decide them.
//
//===----------------------------------------------------------------------===//

#include "OpForms.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "SliceGrad/Runtime/SliceGradChecks.h"
#include "SliceGrad/Runtime/SparseSliceChecks.h"

using namespace mlir;
using namespace mlir::sparse;

/// A shaped type like `like` (tensor or memref) with `shape` and `elt`.
static Type shapedLike(Type like, ArrayRef<int64_t> shape, Type elt) {
  if (isa<RankedTensorType>(like))
    return RankedTensorType::get(shape, elt);
  return MemRefType::get(shape, elt);
}

SmallVector<Type, 4> SliceOp::inferResultTypes(Type indices, Type values,
                                               Type shape, bool withPositions) {
  auto indicesType = cast<ShapedType>(indices);
  auto i64 = IntegerType::get(indices.getContext(), 64);
  int64_t r = indicesType.getRank() == 2 ? indicesType.getDimSize(1)
                                         : ShapedType::kDynamic;
  int64_t shapeLen = cast<ShapedType>(shape).getRank() == 1
                         ? cast<ShapedType>(shape).getDimSize(0)
                         : ShapedType::kDynamic;
  SmallVector<Type, 4> types{
      shapedLike(indices, {ShapedType::kDynamic, r}, i64),
      shapedLike(indices, {ShapedType::kDynamic},
                 cast<ShapedType>(values).getElementType()),
      shapedLike(indices, {shapeLen}, i64)};
  if (withPositions)
    types.push_back(shapedLike(indices, {ShapedType::kDynamic}, i64));
  return types;
}

void SliceOp::build(OpBuilder &builder, OperationState &state, Value indices,
                    Value values, Value shape, Value start, Value size,
                    bool withPositions) {
  build(builder, state,
        inferResultTypes(indices.getType(), values.getType(), shape.getType(),
                         withPositions),
        indices, values, shape, start, size);
}

static std::string rankString(ShapedType type) {
  return std::to_string(type.getRank());
}

/// TensorFlow's TensorShape::DebugString, with `?` for a dynamic size.
static std::string shapeString(ShapedType type) {
  std::string s = "[";
  for (auto [d, size] : llvm::enumerate(type.getShape()))
    s += (d ? "," : "") +
         (ShapedType::isDynamic(size) ? "?" : std::to_string(size));
  return s + "]";
}

static int64_t dimOrUnknown(ShapedType type, unsigned d) {
  return type.getRank() > d && !type.isDynamicDim(d) ? type.getDimSize(d) : -1;
}

LogicalResult SliceOp::verify() {
  bool isTensor;
  SmallVector<Value, 9> all(getOperands());
  llvm::append_range(all, getResults());
  if (failed(verifyOneForm(*this, all, isTensor)))
    return failure();

  auto indices = cast<ShapedType>(getIndices().getType()),
       values = cast<ShapedType>(getValues().getType()),
       shape = cast<ShapedType>(getShape().getType()),
       start = cast<ShapedType>(getStart().getType()),
       size = cast<ShapedType>(getSize().getType());
  // TensorFlow's rank checks (ValidateSparseTensor, SparseSliceOpImpl).
  auto tfError = [&](SliceGradCheck check, const std::string &a) {
    return emitOpError(formatSliceGradMessage(check, a, ""));
  };
  if (indices.getRank() != 2)
    return tfError(SliceGradCheck::SliceIndicesMatrix, rankString(indices));
  if (values.getRank() != 1)
    return tfError(SliceGradCheck::SliceValuesVector, rankString(values));
  if (shape.getRank() != 1)
    return tfError(SliceGradCheck::SliceShapeVector, rankString(shape));
  slice_checks::OperandSizes sizes{
      dimOrUnknown(indices, 0), dimOrUnknown(indices, 1),
      dimOrUnknown(values, 0),  dimOrUnknown(shape, 0),
      dimOrUnknown(start, 0),   dimOrUnknown(size, 0)};
  if (std::optional<std::string> error =
          slice_checks::checkSizes(sizes, /*onlySparseTensor=*/true))
    return emitOpError(*error);
  if (start.getRank() != 1)
    return tfError(SliceGradCheck::SliceStartVector, shapeString(start));
  if (size.getRank() != 1)
    return tfError(SliceGradCheck::SliceSizeVector, shapeString(size));
  if (std::optional<std::string> error = slice_checks::checkSizes(sizes))
    return emitOpError(*error);

  // The results: M rows (known only at run time) of R columns, the values'
  // type, R output sizes, and M positions.
  auto outIdx = cast<ShapedType>(getOutputIndices().getType()),
       outVals = cast<ShapedType>(getOutputValues().getType()),
       outShape = cast<ShapedType>(getOutputShape().getType());
  if (outIdx.getRank() != 2 || !outIdx.isDynamicDim(0) ||
      dimOrUnknown(outIdx, 1) != dimOrUnknown(indices, 1))
    return emitOpError("output_indices must have shape [?, R] with indices' "
                       "R, got ")
           << outIdx;
  if (outVals.getRank() != 1 || !outVals.isDynamicDim(0) ||
      outVals.getElementType() != values.getElementType())
    return emitOpError("output_values must have shape [?] and values' "
                       "element type, got ")
           << outVals;
  if (outShape.getRank() != 1 ||
      dimOrUnknown(outShape, 0) != dimOrUnknown(shape, 0))
    return emitOpError("output_shape must have shape's type, got ") << outShape;
  if (Value positions = getPositions()) {
    auto type = cast<ShapedType>(positions.getType());
    if (type.getRank() != 1 || !type.isDynamicDim(0))
      return emitOpError("positions must have shape [?], got ") << type;
  }
  if (isTensor)
    return success();
  // The memref form allocates its results: plain host buffers.
  for (Value result : getResults()) {
    auto type = cast<MemRefType>(result.getType());
    if (!type.getLayout().isIdentity() || type.getMemorySpace())
      return emitOpError("allocates its results: they must have the "
                         "identity layout and the default memory space, got ")
             << type;
  }
  for (Value operand : getOperands()) {
    auto type = cast<MemRefType>(operand.getType());
    if (!type.isStrided() || type.getMemorySpace())
      return emitOpError("memref operands must have a strided layout in the "
                         "default memory space, got ")
             << type;
  }
  return success();
}

void SliceOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // The tensor form is pure; the memref form reads its operands and
  // allocates and writes its results.
  if (!hasBufferSemantics())
    return;
  addMemrefFormEffects(*this, /*out=*/nullptr, effects);
  for (OpResult result : getOperation()->getOpResults()) {
    effects.emplace_back(MemoryEffects::Allocate::get(), result,
                         SideEffects::DefaultResource::get());
    effects.emplace_back(MemoryEffects::Write::get(), result,
                         SideEffects::DefaultResource::get());
  }
}

LogicalResult SliceGradScatterOp::verify() {
  bool isTensor;
  SmallVector<Value, 3> operands{getBackpropValGrad(), getPositions(),
                                 getInputIndices()};
  if (failed(verifyOneForm(*this, operands, isTensor)))
    return failure();
  if (isTensor && (getOut() || !getValGrad()))
    return emitOpError("on tensors takes three operands and has one result");
  if (!isTensor && (!getOut() || getValGrad()))
    return emitOpError("on memrefs takes a destination after 'into' and has "
                       "no result");
  if (failed(verifySeparateDestination(*this, getOut(), operands)))
    return failure();
  auto grad = cast<ShapedType>(getBackpropValGrad().getType()),
       positions = cast<ShapedType>(getPositions().getType()),
       inIdx = cast<ShapedType>(getInputIndices().getType()),
       res = cast<ShapedType>(getValGradOrOut().getType());
  if (grad.getRank() != 1 || positions.getRank() != 1 || inIdx.getRank() != 2)
    return emitOpError("backprop_val_grad and positions must be vectors and "
                       "input_indices a matrix");
  int64_t nGrad = dimOrUnknown(grad, 0), m = dimOrUnknown(positions, 0);
  if (nGrad >= 0 && m >= 0 && nGrad != m)
    return emitOpError(
        formatSliceGradMessage(SliceGradCheck::GradMatchesOutputRows,
                               std::to_string(nGrad), std::to_string(m)));
  if (res.getRank() != 1 || res.getElementType() != grad.getElementType())
    return emitOpError("result must be a vector of backprop_val_grad's "
                       "element type");
  int64_t nIn = dimOrUnknown(inIdx, 0), nRes = dimOrUnknown(res, 0);
  if (nIn >= 0 && nRes >= 0 && nIn != nRes)
    return emitOpError("result must have one element per row of "
                       "input_indices, got ")
           << nRes << " and " << nIn;
  if (auto memref = dyn_cast<MemRefType>(res))
    for (Value v : getOperands())
      if (!cast<MemRefType>(v.getType()).isStrided() ||
          cast<MemRefType>(v.getType()).getMemorySpace())
        return emitOpError("memref operands must have a strided layout in "
                           "the default memory space");
  return success();
}

void SliceGradScatterOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  if (hasBufferSemantics())
    addMemrefFormEffects(*this, &getOutMutable()[0], effects);
}
