//===- TFToSparse.cpp - tf.SparseSliceGrad to sparse.slice_grad -----------===//
//
// TensorFlow's importer emits SparseSliceGrad as the unregistered op
// "tf.SparseSliceGrad" with TensorFlow's types: possibly unranked tensors,
// a `T` attribute, and quantized element types as opaque `!tf_type.*`
// types. Every op is checked first, with a diagnostic per problem, so that
// the conversion itself cannot fail halfway.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Conversion/Passes.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"

#include "llvm/ADT/StringSwitch.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_CONVERTTFTOSPARSEPASS
#include "SliceGrad/Conversion/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;
using namespace mlir::sparse;

static constexpr llvm::StringLiteral kTFOpName = "tf.SparseSliceGrad";

/// The storage type of a TensorFlow quantized type, or null.
static Type quantizedStorageType(Type type) {
  auto opaque = dyn_cast<OpaqueType>(type);
  if (!opaque || opaque.getDialectNamespace().strref() != "tf_type")
    return {};
  MLIRContext *ctx = type.getContext();
  return llvm::StringSwitch<Type>(opaque.getTypeData())
      .Case("qint8", IntegerType::get(ctx, 8))
      .Case("quint8", IntegerType::get(ctx, 8, IntegerType::Unsigned))
      .Case("qint16", IntegerType::get(ctx, 16))
      .Case("quint16", IntegerType::get(ctx, 16, IntegerType::Unsigned))
      .Case("qint32", IntegerType::get(ctx, 32))
      .Default(Type());
}

/// A tensor type with quantized elements, as TensorFlow writes them.
static bool isQuantizedTensor(Type type) {
  auto tensor = dyn_cast<TensorType>(type);
  return tensor && quantizedStorageType(tensor.getElementType());
}

/// The value types of TensorFlow's kernel (after quantized types map to
/// their storage types).
static bool isValueElementType(Type type) {
  if (auto complexType = dyn_cast<ComplexType>(type))
    return complexType.getElementType().isF32() ||
           complexType.getElementType().isF64();
  if (auto intType = dyn_cast<IntegerType>(type))
    return llvm::is_contained({8u, 16u, 32u, 64u}, intType.getWidth());
  return type.isF16() || type.isBF16() || type.isF32() || type.isF64();
}

namespace {
/// Quantized tensors to tensors of their storage type; all else unchanged.
struct QuantizedToStorageConverter : public TypeConverter {
  QuantizedToStorageConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](TensorType type) -> std::optional<Type> {
      if (Type storage = quantizedStorageType(type.getElementType()))
        return type.clone(storage);
      return std::nullopt;
    });
  }
};

/// Checks one tf.SparseSliceGrad; emits a diagnostic and fails on anything
/// the conversion could not express.
LogicalResult checkTFOp(Operation *op) {
  if (op->getNumOperands() != 4 || op->getNumResults() != 1)
    return op->emitOpError(
               "expects 4 operands (backprop_val_grad, input_indices, "
               "input_start, output_indices) and 1 result, got ")
           << op->getNumOperands() << " operands and " << op->getNumResults()
           << " results";
  static constexpr const char *names[] = {"backprop_val_grad", "input_indices",
                                          "input_start", "output_indices"};
  for (auto [name, value] : llvm::zip(names, op->getOperands()))
    if (!isa<TensorType>(value.getType()))
      return op->emitOpError() << name << " must be a tensor, got "
                               << value.getType();
  if (!isa<TensorType>(op->getResult(0).getType()))
    return op->emitOpError() << "result must be a tensor, got "
                             << op->getResult(0).getType();
  for (unsigned i : {1, 2, 3}) {
    Type elt = cast<TensorType>(op->getOperand(i).getType()).getElementType();
    if (!elt.isSignlessInteger(64))
      return op->emitOpError()
             << names[i] << " must have element type i64 (tf.int64), got "
             << elt;
  }
  Type gradElt = cast<TensorType>(op->getOperand(0).getType()).getElementType();
  Type resultElt =
      cast<TensorType>(op->getResult(0).getType()).getElementType();
  if (auto t = op->getAttrOfType<TypeAttr>("T")) {
    if (t.getValue() != gradElt || t.getValue() != resultElt)
      return op->emitOpError() << "T = " << t.getValue()
                               << " disagrees with backprop_val_grad's "
                               << "element type " << gradElt
                               << " or the result's " << resultElt;
  } else if (gradElt != resultElt) {
    return op->emitOpError() << "result element type " << resultElt
                             << " must match backprop_val_grad's " << gradElt;
  }
  Type valueType = gradElt;
  if (Type storage = quantizedStorageType(gradElt))
    valueType = storage;
  if (!isValueElementType(valueType))
    return op->emitOpError()
           << "element type " << gradElt
           << " is not one of SparseSliceGrad's value types (TensorFlow's "
              "number types and quantized types)";
  return success();
}

/// A quantized value can change type only where the conversion rewrites
/// every op that touches it.
LogicalResult checkQuantizedUses(ModuleOp module) {
  WalkResult walk = module.walk([](Operation *op) {
    if (isa<func::FuncOp, func::ReturnOp, func::CallOp>(op) ||
        op->getName().getStringRef() == kTFOpName)
      return WalkResult::advance();
    auto quantized = [](Value v) { return isQuantizedTensor(v.getType()); };
    auto it = llvm::find_if(op->getOperands(), quantized);
    Value culprit = it != op->operand_end() ? *it : Value();
    if (!culprit) {
      auto rit = llvm::find_if(op->getResults(), quantized);
      if (rit != op->result_end())
        culprit = *rit;
    }
    if (!culprit)
      return WalkResult::advance();
    op->emitError("cannot map quantized type ")
        << cast<TensorType>(culprit.getType()).getElementType()
        << " to its storage type: '" << op->getName()
        << "' uses it, and only function arguments, results, calls and "
           "tf.SparseSliceGrad are rewritten";
    return WalkResult::interrupt();
  });
  return failure(walk.wasInterrupted());
}

struct TFSliceGradToSparse : public ConversionPattern {
  TFSliceGradToSparse(const TypeConverter &converter, MLIRContext *ctx,
                      bool &invalidShapes)
      : ConversionPattern(converter, kTFOpName, /*benefit=*/1, ctx),
        invalidShapes(invalidShapes) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op->getLoc();
    Type valueType = cast<TensorType>(operands[0].getType()).getElementType();
    Type i64 = rewriter.getI64Type();
    // Unranked operands get the rank the op needs; ranked ones stay, so that
    // the verifier reports a wrong rank with TensorFlow's message.
    auto ranked = [&](Value v, int64_t rank, Type elt) -> Value {
      if (isa<RankedTensorType>(v.getType()))
        return v;
      auto type = RankedTensorType::get(
          SmallVector<int64_t>(rank, ShapedType::kDynamic), elt);
      return tensor::CastOp::create(rewriter, loc, type, v);
    };
    Value grad = ranked(operands[0], 1, valueType);
    Value inIdx = ranked(operands[1], 2, i64);
    Value start = ranked(operands[2], 1, i64);
    Value outIdx = ranked(operands[3], 2, i64);
    auto inType = cast<RankedTensorType>(inIdx.getType());
    int64_t nIn = inType.getRank() == 2 ? inType.getDimSize(0)
                                        : ShapedType::kDynamic;
    auto resultType = RankedTensorType::get({nIn}, valueType);
    auto newOp = SliceGradOp::create(rewriter, loc, resultType, grad, inIdx,
                                     start, outIdx);
    // TensorFlow's shape errors come from the verifier. The op is still
    // replaced, so that the conversion adds no second, vaguer diagnostic;
    // the pass fails afterwards.
    if (failed(newOp.verify()))
      invalidShapes = true;
    Value result = newOp.getValGrad();
    Type wanted = getTypeConverter()->convertType(op->getResult(0).getType());
    if (wanted != resultType)
      result = tensor::CastOp::create(rewriter, loc, wanted, result);
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  bool &invalidShapes;
};

struct ConvertTFToSparsePass
    : public sparse::impl::ConvertTFToSparsePassBase<ConvertTFToSparsePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    bool failedCheck = false;
    module.walk([&](Operation *op) {
      if (op->getName().getStringRef() == kTFOpName && failed(checkTFOp(op)))
        failedCheck = true;
    });
    if (failedCheck || failed(checkQuantizedUses(module)))
      return signalPassFailure();

    QuantizedToStorageConverter converter;
    ConversionTarget target(*ctx);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    target.setOpAction(OperationName(kTFOpName, ctx),
                       ConversionTarget::LegalizationAction::Illegal);
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    bool invalidShapes = false;
    patterns.add<TFSliceGradToSparse>(converter, ctx, invalidShapes);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    if (failed(applyPartialConversion(module, target, std::move(patterns))) ||
        invalidShapes)
      signalPassFailure();
  }
};
} // namespace
