//===- SliceGradOp.cpp - sparse.slice_grad builders and verifier ----------===//
//
// The verifier applies TensorFlow's shape checks (sparse_slice_grad_op.cc),
// in TensorFlow's order and wording, wherever the static shapes decide them.
//
//===----------------------------------------------------------------------===//

#include "OpForms.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "ValueByteWidth.h"

// The dialects the op's definition and folds use (its dependent dialects).
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "SliceGrad/Runtime/SliceGradChecks.h"

#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::sparse;

bool sparse::isDeviceMemorySpace(Attribute space) {
  auto gpuSpace = dyn_cast_or_null<gpu::AddressSpaceAttr>(space);
  return gpuSpace && gpuSpace.getValue() == gpu::AddressSpace::Global;
}

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
static std::string shapeString(ShapedType type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleave(
      type.getShape(), os,
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

/// True when both sizes are static and differ.
static bool staticallyDiffer(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

LogicalResult SliceGradOp::verify() {
  Value grad = getBackpropValGrad(), inIdx = getInputIndices(),
        start = getInputStart(), outIdx = getOutputIndices();

  // Form: all tensors with a result, or all memrefs with a destination.
  bool isTensor;
  if (failed(verifyOneForm(*this, {grad, inIdx, start, outIdx}, isTensor)))
    return failure();
  if (isTensor && (getOut() || !getValGrad()))
    return emitOpError("on tensors takes four operands and has one result");
  if (!isTensor && (!getOut() || getValGrad()))
    return emitOpError("on memrefs takes a destination after 'into' and has "
                       "no result");
  if (failed(verifySeparateDestination(*this, getOut(),
                                       {grad, inIdx, start, outIdx})))
    return failure();
  return verifyShapes(grad.getType(), inIdx.getType(), start.getType(),
                      outIdx.getType(), getValGradOrOut().getType(),
                      [&] { return emitOpError(); });
}

LogicalResult
SliceGradOp::verifyShapes(Type gradType, Type inIdxType, Type startType,
                          Type outIdxType, Type resultType,
                          llvm::function_ref<InFlightDiagnostic()> emitError,
                          bool oneProcessRows) {
  auto grad = cast<ShapedType>(gradType), inIdx = cast<ShapedType>(inIdxType),
       start = cast<ShapedType>(startType),
       outIdx = cast<ShapedType>(outIdxType),
       res = cast<ShapedType>(resultType);
  bool isTensor = isa<RankedTensorType>(res);

  // TensorFlow's TensorShape holds at most 2^63 - 1 elements; a buffer at
  // most 2^63 - 1 bytes (the lowerings' size arithmetic).
  const ShapedType types[] = {grad, inIdx, start, outIdx, res};
  const char *names[] = {"backprop_val_grad", "input_indices", "input_start",
                         "output_indices", isTensor ? "result" : "destination"};
  for (auto [index, type] : llvm::enumerate(types)) {
    std::optional<int64_t> n = 1;
    for (int64_t d : type.getShape())
      if (n && !ShapedType::isDynamic(d))
        n = llvm::checkedMul(*n, d);
    // The ODS constraints admit only whole-byte value types.
    std::optional<size_t> width = valueByteWidth(type.getElementType());
    if (n)
      n = llvm::checkedMul(*n, static_cast<int64_t>(width.value_or(1)));
    if (!n) {
      emitError() << names[index] << " of shape " << shapeString(type)
                  << " has more than 2^63 - 1 bytes";
      return failure();
    }
    // What the lowerings can address: strided layouts (identity included)
    // in host memory (the default memory space) or, for
    // convert-sparse-to-gpu, all in device memory.
    if (auto memref = dyn_cast<MemRefType>(type)) {
      if (!memref.isStrided()) {
        emitError() << names[index] << " must have a strided layout "
                    << "(identity or strided<...>), got " << memref.getLayout();
        return failure();
      }
      Attribute space = memref.getMemorySpace();
      if (space && !isDeviceMemorySpace(space)) {
        emitError() << names[index]
                    << " must be in the default memory space or in "
                       "#gpu.address_space<global>, got "
                    << space;
        return failure();
      }
      Attribute firstSpace = cast<MemRefType>(grad).getMemorySpace();
      if (space != firstSpace) {
        auto name = [](Attribute s) {
          return s ? "device memory" : "host memory";
        };
        emitError() << names[index] << " is in " << name(space)
                    << " but backprop_val_grad in " << name(firstSpace)
                    << ": the operands must all be in one memory space";
        return failure();
      }
    }
  }

  // TensorFlow's checks, in TensorFlow's order and words.
  auto tfError = [&](SliceGradCheck check, const std::string &a,
                     const std::string &b = "") {
    emitError() << formatSliceGradMessage(check, a, b);
    return failure();
  };
  auto str = [](int64_t size) { return std::to_string(size); };
  if (inIdx.getRank() != 2 || outIdx.getRank() != 2)
    return tfError(SliceGradCheck::IndicesMatrices, shapeString(inIdx),
                   shapeString(outIdx));
  if (grad.getRank() != 1)
    return tfError(SliceGradCheck::GradVector, shapeString(grad));
  if (staticallyDiffer(inIdx.getDimSize(1), outIdx.getDimSize(1)))
    return tfError(SliceGradCheck::SameNumDims, str(inIdx.getDimSize(1)),
                   str(outIdx.getDimSize(1)));
  int64_t nOut = outIdx.getDimSize(0), nIn = inIdx.getDimSize(0);
  if (!oneProcessRows && !ShapedType::isDynamic(nOut) &&
      !ShapedType::isDynamic(nIn) && nOut > nIn)
    return tfError(SliceGradCheck::OutputRowsNotGreater, str(nOut), str(nIn));
  if (staticallyDiffer(grad.getDimSize(0), nOut))
    return tfError(SliceGradCheck::GradMatchesOutputRows,
                   str(grad.getDimSize(0)), str(nOut));
  if (start.getRank() != 1)
    return tfError(SliceGradCheck::StartVector, shapeString(start));
  if (staticallyDiffer(inIdx.getDimSize(1), start.getDimSize(0)))
    return tfError(SliceGradCheck::StartLength, str(inIdx.getDimSize(1)),
                   str(start.getDimSize(0)));

  // The result (or destination): one value per input row, of grad's type.
  StringRef resName = names[4];
  if (res.getRank() != 1) {
    emitError() << resName << " must be a vector but has shape "
                << shapeString(res);
    return failure();
  }
  if (res.getElementType() != grad.getElementType()) {
    emitError() << resName << " element type " << res.getElementType()
                << " must match backprop_val_grad's " << grad.getElementType();
    return failure();
  }
  if (staticallyDiffer(res.getDimSize(0), nIn)) {
    emitError() << resName << " must have one element per row of "
                << "input_indices, got " << res.getDimSize(0) << " and " << nIn;
    return failure();
  }
  return success();
}

void SliceGradOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  // The tensor form is pure; the memref form reads its inputs and writes its
  // destination.
  if (hasBufferSemantics())
    addMemrefFormEffects(*this, &getOutMutable()[0], effects);
}
