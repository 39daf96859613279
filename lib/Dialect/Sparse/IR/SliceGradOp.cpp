//===- SliceGradOp.cpp - sparse.slice_grad builders and verifier ----------===//
//
// The verifier applies TensorFlow's shape checks (sparse_slice_grad_op.cc),
// in TensorFlow's order and wording, wherever the static shapes decide them.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "ValueByteWidth.h"

#include "SliceGrad/Runtime/SliceGradChecks.h"

#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::sparse;

#define GET_OP_CLASSES
#include "SliceGrad/Dialect/Sparse/IR/SparseOps.cpp.inc"

void SliceGradOp::build(OpBuilder &builder, OperationState &state,
                        Type resultType, Value backpropValGrad,
                        Value inputIndices, Value inputStart,
                        Value outputIndices) {
  build(builder, state, TypeRange{resultType}, backpropValGrad, inputIndices,
        inputStart, outputIndices, /*out=*/Value());
}

void SliceGradOp::build(OpBuilder &builder, OperationState &state,
                        Value backpropValGrad, Value inputIndices,
                        Value inputStart, Value outputIndices, Value out) {
  build(builder, state, TypeRange{}, backpropValGrad, inputIndices, inputStart,
        outputIndices, out);
}

/// TensorFlow's TensorShape::DebugString, with `?` for a dynamic size.
static std::string shapeString(Value v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleave(
      cast<ShapedType>(v.getType()).getShape(), os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << '?';
        else
          os << d;
      },
      ",");
  os << ']';
  return s;
}

static int64_t dimSize(Value v, unsigned d) {
  return cast<ShapedType>(v.getType()).getDimSize(d);
}

/// True when both sizes are static and differ.
static bool staticallyDiffer(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

LogicalResult SliceGradOp::verify() {
  Value grad = getBackpropValGrad(), inIdx = getInputIndices(),
        start = getInputStart(), outIdx = getOutputIndices();
  auto rank = [](Value v) { return cast<ShapedType>(v.getType()).getRank(); };

  // Form: all tensors with a result, or all memrefs with a destination.
  bool isTensor = isa<RankedTensorType>(grad.getType());
  for (Value v : {inIdx, start, outIdx})
    if (isa<RankedTensorType>(v.getType()) != isTensor)
      return emitOpError("operands must be all tensors or all memrefs");
  if (isTensor && (getOut() || !getValGrad()))
    return emitOpError("on tensors takes four operands and has one result");
  if (!isTensor && (!getOut() || getValGrad()))
    return emitOpError("on memrefs takes a destination after 'into' and has "
                       "no result");

  // TensorFlow's TensorShape holds at most 2^63 - 1 elements; a buffer at
  // most 2^63 - 1 bytes (the lowerings' size arithmetic).
  // The operands, then the result of the tensor form (the memref form's
  // destination is its fifth operand).
  static constexpr const char *names[] = {"backprop_val_grad", "input_indices",
                                          "input_start",       "output_indices",
                                          "destination",       "result"};
  SmallVector<Value, 6> values(getOperation()->getOperands());
  if (Value result = getValGrad()) {
    values.resize(5);
    values.push_back(result);
  }
  for (auto [index, v] : llvm::enumerate(values)) {
    if (!v)
      continue;
    auto type = cast<ShapedType>(v.getType());
    std::optional<int64_t> n = 1;
    for (int64_t d : type.getShape())
      if (n && !ShapedType::isDynamic(d))
        n = llvm::checkedMul(*n, d);
    // The ODS constraints admit only whole-byte value types.
    std::optional<size_t> width = valueByteWidth(type.getElementType());
    if (n)
      n = llvm::checkedMul(*n, static_cast<int64_t>(width.value_or(1)));
    if (!n)
      return emitOpError() << names[index] << " of shape " << shapeString(v)
                           << " has more than 2^63 - 1 bytes";
    // What the lowerings can address: strided layouts (identity included)
    // in the default memory space.
    if (auto memref = dyn_cast<MemRefType>(type)) {
      if (!memref.isStrided())
        return emitOpError()
               << names[index] << " must have a strided layout "
               << "(identity or strided<...>), got " << memref.getLayout();
      if (memref.getMemorySpace())
        return emitOpError()
               << names[index] << " must be in the default memory space, got "
               << memref.getMemorySpace();
    }
  }

  // TensorFlow's checks, in TensorFlow's order and words.
  auto tfError = [&](SliceGradCheck check, const std::string &a,
                     const std::string &b = "") {
    return emitOpError(formatSliceGradMessage(check, a, b));
  };
  auto str = [](int64_t size) { return std::to_string(size); };
  if (rank(inIdx) != 2 || rank(outIdx) != 2)
    return tfError(SliceGradCheck::IndicesMatrices, shapeString(inIdx),
                   shapeString(outIdx));
  if (rank(grad) != 1)
    return tfError(SliceGradCheck::GradVector, shapeString(grad));
  if (staticallyDiffer(dimSize(inIdx, 1), dimSize(outIdx, 1)))
    return tfError(SliceGradCheck::SameNumDims, str(dimSize(inIdx, 1)),
                   str(dimSize(outIdx, 1)));
  int64_t nOut = dimSize(outIdx, 0), nIn = dimSize(inIdx, 0);
  if (!ShapedType::isDynamic(nOut) && !ShapedType::isDynamic(nIn) && nOut > nIn)
    return tfError(SliceGradCheck::OutputRowsNotGreater, str(nOut), str(nIn));
  if (staticallyDiffer(dimSize(grad, 0), nOut))
    return tfError(SliceGradCheck::GradMatchesOutputRows, str(dimSize(grad, 0)),
                   str(nOut));
  if (rank(start) != 1)
    return tfError(SliceGradCheck::StartVector, shapeString(start));
  if (staticallyDiffer(dimSize(inIdx, 1), dimSize(start, 0)))
    return tfError(SliceGradCheck::StartLength, str(dimSize(inIdx, 1)),
                   str(dimSize(start, 0)));

  // The result (or destination): one value per input row, of grad's type.
  Value res = getValGradOrOut();
  StringRef resName = isTensor ? "result" : "destination";
  auto resType = cast<ShapedType>(res.getType());
  if (resType.getRank() != 1)
    return emitOpError() << resName << " must be a vector but has shape "
                         << shapeString(res);
  Type gradElt = cast<ShapedType>(grad.getType()).getElementType();
  if (resType.getElementType() != gradElt)
    return emitOpError() << resName << " element type "
                         << resType.getElementType()
                         << " must match backprop_val_grad's " << gradElt;
  if (staticallyDiffer(resType.getDimSize(0), nIn))
    return emitOpError() << resName << " must have one element per row of "
                         << "input_indices, got " << resType.getDimSize(0)
                         << " and " << nIn;
  return success();
}

void SliceGradOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // The tensor form is pure; the memref form reads its inputs and writes its
  // destination.
  if (!hasBufferSemantics())
    return;
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    if (&operand == &getOutMutable()[0])
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}
