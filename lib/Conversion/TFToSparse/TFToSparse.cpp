//===- TFToSparse.cpp - tf.SparseSliceGrad to sparse.slice_grad -----------===//
//
// TensorFlow's importer emits SparseSliceGrad as the unregistered op
// "tf.SparseSliceGrad" with TensorFlow's types: possibly unranked tensors,
// a `T` attribute, and quantized element types as opaque `!tf_type.*`
// types. Every op is checked first, with a diagnostic per problem, so that
// the conversion itself cannot fail halfway. Unranked operands get
// TensorFlow's rank checks at run time, in its order, before the op.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGradCodegen/CodegenUtils.h"
#include "SliceGradCodegen/RuntimeCalls.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/IR/Verifier.h"
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
static constexpr llvm::StringLiteral kTFSliceName = "tf.SparseSlice";
/// The other TF ops of TensorFlow's export that the pass imports.
static constexpr llvm::StringLiteral kConstOp = "tf.Const";
static constexpr llvm::StringLiteral kIdentityOps[] = {"tf.Identity",
                                                       "tf.IdentityN"};
static constexpr llvm::StringLiteral kCallOps[] = {
    "tf.PartitionedCall", "tf.StatefulPartitionedCall"};

/// Every TF op the pass imports (built once).
static ArrayRef<StringRef> importedTFOps() {
  static const SmallVector<StringRef> names = [] {
    SmallVector<StringRef> all = {kTFOpName, kTFSliceName, kConstOp};
    all.append(std::begin(kIdentityOps), std::end(kIdentityOps));
    all.append(std::begin(kCallOps), std::end(kCallOps));
    return all;
  }();
  return names;
}

static bool isImportedTFOp(StringRef name) {
  return llvm::is_contained(importedTFOps(), name);
}

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
      return op->emitOpError()
             << name << " must be a tensor, got " << value.getType();
  if (!isa<TensorType>(op->getResult(0).getType()))
    return op->emitOpError()
           << "result must be a tensor, got " << op->getResult(0).getType();
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
  Attribute tAttr = op->getAttr("T");
  if (tAttr && !isa<TypeAttr>(tAttr))
    return op->emitOpError() << "T must be a type, got " << tAttr;
  if (auto t = dyn_cast_if_present<TypeAttr>(tAttr)) {
    if (t.getValue() != gradElt || t.getValue() != resultElt)
      return op->emitOpError()
             << "T = " << t.getValue() << " disagrees with backprop_val_grad's "
             << "element type " << gradElt << " or the result's " << resultElt;
  } else if (gradElt != resultElt) {
    return op->emitOpError() << "result element type " << resultElt
                             << " must match backprop_val_grad's " << gradElt;
  }
  Type valueType = gradElt;
  if (Type storage = quantizedStorageType(gradElt))
    valueType = storage;
  if (!sparse::isSliceGradValueType(valueType))
    return op->emitOpError()
           << "element type " << gradElt
           << " is not one of SparseSliceGrad's value types (TensorFlow's "
              "number types and quantized types)";
  // The result has one value per row of input_indices.
  auto resultType = cast<TensorType>(op->getResult(0).getType());
  auto inType = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
  if (resultType.hasRank()) {
    int64_t nIn = inType && inType.getRank() >= 1 ? inType.getDimSize(0)
                                                  : ShapedType::kDynamic;
    if (resultType.getRank() != 1 ||
        (!resultType.isDynamicDim(0) && !ShapedType::isDynamic(nIn) &&
         resultType.getDimSize(0) != nIn))
      return op->emitOpError()
             << "result type " << resultType
             << " must be a vector with one value per row of input_indices";
  }
  // The replacement is not a terminator.
  if (op->getNextNode() == nullptr && op->getBlock()->getParentOp() &&
      !op->getBlock()->getParentOp()->hasTrait<OpTrait::NoTerminator>())
    return op->emitOpError("cannot end its block: its block needs a "
                           "terminator after it");
  return success();
}

/// Checks one tf.SparseSlice; emits a diagnostic and fails on anything the
/// conversion could not express.
LogicalResult checkTFSliceOp(Operation *op) {
  if (op->getNumOperands() != 5 || op->getNumResults() != 3)
    return op->emitOpError("expects 5 operands (indices, values, shape, start, "
                           "size) and 3 results, got ")
           << op->getNumOperands() << " operands and " << op->getNumResults()
           << " results";
  static constexpr const char *names[] = {"indices", "values", "shape", "start",
                                          "size"};
  for (auto [name, value] : llvm::zip(names, op->getOperands()))
    if (!isa<TensorType>(value.getType()))
      return op->emitOpError()
             << name << " must be a tensor, got " << value.getType();
  for (Type t : op->getResultTypes())
    if (!isa<TensorType>(t))
      return op->emitOpError() << "results must be tensors, got " << t;
  for (unsigned i : {0, 2, 3, 4}) {
    Type elt = cast<TensorType>(op->getOperand(i).getType()).getElementType();
    if (!elt.isSignlessInteger(64))
      return op->emitOpError()
             << names[i] << " must have element type i64 (tf.int64), got "
             << elt;
  }
  Type valueElt =
      cast<TensorType>(op->getOperand(1).getType()).getElementType();
  Type resultElt =
      cast<TensorType>(op->getResult(1).getType()).getElementType();
  if (valueElt != resultElt)
    return op->emitOpError() << "output_values element type " << resultElt
                             << " must match values' " << valueElt;
  if (auto t = dyn_cast_if_present<TypeAttr>(op->getAttr("T"));
      t && t.getValue() != valueElt)
    return op->emitOpError()
           << "T = " << t.getValue() << " disagrees with values' element type "
           << valueElt;
  Type valueType = valueElt;
  if (Type storage = quantizedStorageType(valueElt))
    valueType = storage;
  if (!sparse::isSliceValueType(valueType))
    return op->emitOpError()
           << "element type " << valueElt
           << " is not one of the value types sparse.slice supports "
              "(TensorFlow's number types, quantized types and bool)";
  for (unsigned i : {0, 2})
    if (!cast<TensorType>(op->getResult(i).getType())
             .getElementType()
             .isSignlessInteger(64))
      return op->emitOpError("output_indices and output_shape must be i64");
  if (op->getNextNode() == nullptr && op->getBlock()->getParentOp() &&
      !op->getBlock()->getParentOp()->hasTrait<OpTrait::NoTerminator>())
    return op->emitOpError("cannot end its block: its block needs a "
                           "terminator after it");
  return success();
}

/// An attribute of a TF op, inherent (`<{...}>`) or not.
static Attribute tfAttr(Operation *op, StringRef name) {
  if (auto props =
          dyn_cast_if_present<DictionaryAttr>(op->getPropertiesAsAttribute()))
    if (Attribute a = props.get(name))
      return a;
  return op->getAttr(name);
}

/// Checks a tf.Const, tf.Identity(N) or tf.(Stateful)PartitionedCall the
/// way its pattern needs it, so that a malformed one is named with its fault
/// rather than "failed to legalize".
static LogicalResult checkTFHelperOp(Operation *op,
                                     const TypeConverter &converter) {
  StringRef name = op->getName().getStringRef();
  if (name == kConstOp) {
    Attribute attr = tfAttr(op, "value");
    auto value = dyn_cast_if_present<DenseElementsAttr>(attr);
    if (!attr)
      return op->emitOpError("expects a dense elements attribute 'value'");
    if (!value)
      return op->emitOpError("expects a dense elements attribute 'value', got ")
             << attr;
    if (op->getNumOperands() != 0 || op->getNumResults() != 1)
      return op->emitOpError("expects no operands and 1 result, got ")
             << op->getNumOperands() << " operands and " << op->getNumResults()
             << " results";
    if (value.getType() != op->getResult(0).getType())
      return op->emitOpError("value's type ")
             << value.getType() << " is not its result type "
             << op->getResult(0).getType();
    return success();
  }
  if (llvm::is_contained(kIdentityOps, name)) {
    if (op->getNumOperands() != op->getNumResults())
      return op->emitOpError("expects one result per operand, got ")
             << op->getNumOperands() << " operands and " << op->getNumResults()
             << " results";
    for (auto [i, operand, result] :
         llvm::enumerate(op->getOperandTypes(), op->getResultTypes())) {
      Type from = converter.convertType(operand);
      Type to = converter.convertType(result);
      if (from != to && !tensor::CastOp::areCastCompatible(from, to))
        return op->emitOpError("operand #")
               << i << " of type " << operand
               << " is not compatible with its result type " << result;
    }
    return success();
  }
  if (llvm::is_contained(kCallOps, name)) {
    Attribute attr = tfAttr(op, "f");
    auto callee = dyn_cast_if_present<FlatSymbolRefAttr>(attr);
    if (!callee) {
      InFlightDiagnostic diag =
          op->emitOpError("expects 'f', a symbol reference to the callee");
      if (attr)
        diag << ", got " << attr;
      return diag;
    }
    auto func = SymbolTable::lookupNearestSymbolFrom<func::FuncOp>(op, callee);
    if (!func)
      return op->emitOpError("calls ")
             << callee << ", which is not a func.func of this module";
    FunctionType type = func.getFunctionType();
    if (type.getNumInputs() != op->getNumOperands() ||
        type.getNumResults() != op->getNumResults())
      return op->emitOpError("has ")
             << op->getNumOperands() << " operands and " << op->getNumResults()
             << " results, but " << callee << " takes " << type.getNumInputs()
             << " and returns " << type.getNumResults();
  }
  return success();
}

/// A type that holds TensorFlow quantized elements, at any depth (a tensor,
/// a function type...).
static bool containsQuantized(Type type) {
  bool found = false;
  type.walk([&](Type t) {
    if (isQuantizedTensor(t))
      found = true;
  });
  return found;
}

/// A quantized value can change type only where the conversion rewrites
/// every op that touches it.
LogicalResult checkQuantizedUses(ModuleOp module) {
  WalkResult walk = module.walk([](Operation *op) {
    StringRef name = op->getName().getStringRef();
    if (isa<func::FuncOp, func::ReturnOp, func::CallOp>(op) ||
        (isImportedTFOp(name) && name != kConstOp))
      return WalkResult::advance();
    auto quantized = [](Value v) { return containsQuantized(v.getType()); };
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
        << culprit.getType() << " to its storage type: '" << op->getName()
        << "' uses it, and only function arguments, results, calls and "
           "the imported TF ops are rewritten";
    return WalkResult::interrupt();
  });
  return failure(walk.wasInterrupted());
}

struct TFSliceGradToSparse : public ConversionPattern {
  TFSliceGradToSparse(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, kTFOpName, /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    Type wanted = getTypeConverter()->convertType(op->getResult(0).getType());
    bool unranked = llvm::any_of(
        operands, [](Value v) { return isa<UnrankedTensorType>(v.getType()); });
    Value result = unranked ? buildRankChecks(rewriter, op, operands, wanted)
                            : buildOp(rewriter, op->getLoc(), operands, wanted);
    rewriter.replaceOp(op, result);
    return success();
  }

private:
  /// sparse.slice_grad on `operands`, cast to `wanted`.
  Value buildOp(OpBuilder &b, Location loc, ArrayRef<Value> operands,
                Type wanted) const {
    Type valueType = cast<TensorType>(operands[0].getType()).getElementType();
    Type i64 = b.getI64Type();
    // Unranked operands get the rank the op needs (checked at run time
    // first); ranked ones stay, so that the verifier reports a wrong rank
    // with TensorFlow's message.
    auto ranked = [&](Value v, int64_t rank, Type elt) -> Value {
      if (isa<RankedTensorType>(v.getType()))
        return v;
      auto type = RankedTensorType::get(
          SmallVector<int64_t>(rank, ShapedType::kDynamic), elt);
      return tensor::CastOp::create(b, loc, type, v);
    };
    Value grad = ranked(operands[0], 1, valueType);
    Value inIdx = ranked(operands[1], 2, i64);
    Value start = ranked(operands[2], 1, i64);
    Value outIdx = ranked(operands[3], 2, i64);
    auto inType = cast<RankedTensorType>(inIdx.getType());
    int64_t nIn =
        inType.getRank() == 2 ? inType.getDimSize(0) : ShapedType::kDynamic;
    // A static declared length with run-time rows is the op's own result
    // type, so that the op checks it at run time ("destination must have
    // one element per row"); a cast to it would be unchecked.
    auto declared = dyn_cast<RankedTensorType>(wanted);
    if (ShapedType::isDynamic(nIn) && declared && declared.getRank() == 1)
      nIn = declared.getDimSize(0);
    auto resultType = RankedTensorType::get({nIn}, valueType);
    auto newOp =
        SliceGradOp::create(b, loc, resultType, grad, inIdx, start, outIdx);
    // TensorFlow's shape errors come from the op's verifier, once the
    // conversion is done: the op is replaced whatever its shapes, so that
    // the conversion adds no second, vaguer diagnostic.
    Value result = newOp.getValGrad();
    if (wanted != resultType)
      result = tensor::CastOp::create(b, loc, wanted, result);
    return result;
  }

  /// TensorFlow's checks that an unranked operand leaves to run time, in
  /// its order (sparse_slice_grad_op.cc): indices matrices, gradient a
  /// vector, then (where input_start is unranked, since its rank check comes
  /// after them) ndims, rows and nnz, then input_start a vector. Each check
  /// that fails reports to the runtime and yields an empty result (the
  /// runtime's handler, if it returns, leaves the error to the host); the op
  /// runs where all pass and checks the rest itself.
  Value buildRankChecks(OpBuilder &b, Operation *op, ArrayRef<Value> operands,
                        Type wanted) const {
    Location loc = op->getLoc();
    Value grad = operands[0], inIdx = operands[1], start = operands[2],
          outIdx = operands[3];
    Value where = lowering::buildWhere(b, op);
    auto rankIsNot = [&](Value v, int64_t rank) -> Value {
      Value r = tensor::RankOp::create(b, loc, v);
      return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, r,
                                   lowering::constantIndex(b, loc, rank));
    };
    auto dim = [&](Value v, int64_t d) -> Value {
      return tensor::DimOp::create(b, loc, v, d);
    };
    auto code = [&](SliceGradCheck check) -> Value {
      return arith::ConstantIntOp::create(b, loc, static_cast<int64_t>(check),
                                          /*width=*/32);
    };
    // v's shape as a memref<?xi64> for the runtime's message.
    auto shapeOf = [&](Value v) -> Value {
      Value rank = tensor::RankOp::create(b, loc, v);
      auto type = RankedTensorType::get({ShapedType::kDynamic}, b.getI64Type());
      auto shape = tensor::GenerateOp::create(b, loc, type, ValueRange{rank});
      {
        OpBuilder::InsertionGuard guard(b);
        Block *body =
            b.createBlock(&shape.getBody(), {}, {b.getIndexType()}, {loc});
        Value d = tensor::DimOp::create(b, loc, v, body->getArgument(0));
        tensor::YieldOp::create(b, loc, lowering::toI64(b, loc, d));
      }
      auto memrefType = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
      return bufferization::ToBufferOp::create(b, loc, memrefType, shape,
                                               /*readOnly=*/true);
    };
    auto reportShapes = [&](SliceGradCheck check, Value a, Value c) {
      Value shapeA = shapeOf(a);
      Value shapeC = c == a ? shapeA : shapeOf(c);
      func::CallOp::create(b, loc, kSparseSliceGradShapeCheckFailedName,
                           TypeRange{},
                           ValueRange{where, code(check), shapeA, shapeC});
    };
    // The failing branches' value (the host sees the recorded error): no
    // rows, or as many as a static result type says.
    auto emptyResult = [&]() -> Value {
      auto ranked = dyn_cast<RankedTensorType>(wanted);
      int64_t n = ranked && !ranked.isDynamicDim(0) ? ranked.getDimSize(0) : 0;
      auto type =
          RankedTensorType::get({n}, cast<TensorType>(wanted).getElementType());
      Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                            type.getElementType());
      if (type != wanted)
        empty = tensor::CastOp::create(b, loc, wanted, empty);
      return empty;
    };

    struct Check {
      std::function<Value()> failed;
      std::function<void()> report;
    };
    SmallVector<Check> checks;
    auto isUnranked = [](Value v) {
      return isa<UnrankedTensorType>(v.getType());
    };
    if (isUnranked(inIdx) || isUnranked(outIdx))
      checks.push_back(
          {[&] {
             return arith::OrIOp::create(b, loc, rankIsNot(inIdx, 2),
                                         rankIsNot(outIdx, 2))
                 .getResult();
           },
           [&] {
             reportShapes(SliceGradCheck::IndicesMatrices, inIdx, outIdx);
           }});
    if (isUnranked(grad))
      checks.push_back(
          {[&] { return rankIsNot(grad, 1); },
           [&] { reportShapes(SliceGradCheck::GradVector, grad, grad); }});
    if (isUnranked(start)) {
      auto sizeCheck = [&](arith::CmpIPredicate pred, SliceGradCheck check,
                           Value a, int64_t ad, Value c, int64_t cd) {
        checks.push_back({[&, pred, a, ad, c, cd] {
                            return arith::CmpIOp::create(b, loc, pred,
                                                         dim(a, ad), dim(c, cd))
                                .getResult();
                          },
                          [&, check, a, ad, c, cd] {
                            lowering::emitCheckFailedCall(
                                b, loc, where, check, dim(a, ad), dim(c, cd));
                          }});
      };
      sizeCheck(arith::CmpIPredicate::ne, SliceGradCheck::SameNumDims, inIdx, 1,
                outIdx, 1);
      sizeCheck(arith::CmpIPredicate::ugt, SliceGradCheck::OutputRowsNotGreater,
                outIdx, 0, inIdx, 0);
      sizeCheck(arith::CmpIPredicate::ne, SliceGradCheck::GradMatchesOutputRows,
                grad, 0, outIdx, 0);
      checks.push_back(
          {[&] { return rankIsNot(start, 1); },
           [&] { reportShapes(SliceGradCheck::StartVector, start, start); }});
    }

    // if (check 1 fails) {report; empty} else if (check 2 fails) ... else op
    std::function<Value(size_t)> build = [&](size_t k) -> Value {
      if (k == checks.size())
        return buildOp(b, loc, operands, wanted);
      Value failed = checks[k].failed();
      auto ifOp = scf::IfOp::create(
          b, loc, failed,
          [&](OpBuilder &, Location) {
            checks[k].report();
            scf::YieldOp::create(b, loc, emptyResult());
          },
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(b, loc, build(k + 1));
          });
      return ifOp.getResult(0);
    };
    return build(0);
  }
};

/// tf.SparseSlice: sparse.slice, its results cast to TensorFlow's types.
/// Unranked operands get TensorFlow's checks of their ranks at run time, in
/// its order (ValidateSparseTensor's ranks, then, where start or size is
/// unranked, its two size checks, then start's and size's ranks); the op
/// checks the rest.
struct TFSliceToSparse : public ConversionPattern {
  TFSliceToSparse(const TypeConverter &converter, MLIRContext *ctx)
      : ConversionPattern(converter, kTFSliceName, /*benefit=*/1, ctx) {}

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Type, 3> wanted;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(), wanted)))
      return rewriter.notifyMatchFailure(op, "result types");
    Location loc = op->getLoc();
    auto isUnranked = [](Value v) {
      return isa<UnrankedTensorType>(v.getType());
    };
    if (llvm::none_of(operands, isUnranked)) {
      rewriter.replaceOp(op, buildOp(rewriter, loc, operands, wanted));
      return success();
    }
    OpBuilder &b = rewriter;
    Value where = lowering::buildWhere(b, op);
    Value indices = operands[0], values = operands[1], shape = operands[2],
          start = operands[3], size = operands[4];
    auto rank = [&](Value v) -> Value {
      return tensor::RankOp::create(b, loc, v);
    };
    auto dim = [&](Value v, int64_t d) -> Value {
      return tensor::DimOp::create(b, loc, v, d);
    };
    // (failed?, report) in TensorFlow's order.
    SmallVector<std::pair<std::function<Value()>, std::function<void()>>>
        checks;
    auto rankCheck = [&](Value v, int64_t want, SliceGradCheck check) {
      if (!isUnranked(v))
        return;
      checks.push_back({[&, v, want] {
                          return arith::CmpIOp::create(
                                     b, loc, arith::CmpIPredicate::ne, rank(v),
                                     lowering::constantIndex(b, loc, want))
                              .getResult();
                        },
                        [&, v, check] {
                          lowering::emitCheckFailedCall(b, loc, where, check,
                                                        rank(v), rank(v));
                        }});
    };
    rankCheck(indices, 2, SliceGradCheck::SliceIndicesMatrix);
    rankCheck(values, 1, SliceGradCheck::SliceValuesVector);
    rankCheck(shape, 1, SliceGradCheck::SliceShapeVector);
    if (isUnranked(start) || isUnranked(size)) {
      for (auto [a, ad, c, cd, check] :
           {std::tuple{indices, 0, values, 0,
                       SliceGradCheck::SliceValuesLength},
            {indices, 1, shape, 0, SliceGradCheck::SliceIndexRank}})
        checks.push_back(
            {[&, a = a, ad = ad, c = c, cd = cd] {
               return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                            dim(a, ad), dim(c, cd))
                   .getResult();
             },
             [&, a = a, ad = ad, c = c, cd = cd, check = check] {
               lowering::emitCheckFailedCall(b, loc, where, check, dim(a, ad),
                                             dim(c, cd));
             }});
      for (auto [v, check] :
           {std::pair{start, SliceGradCheck::SliceStartVector},
            {size, SliceGradCheck::SliceSizeVector}})
        if (isUnranked(v))
          checks.push_back({[&, v = v] {
                              return arith::CmpIOp::create(
                                         b, loc, arith::CmpIPredicate::ne,
                                         rank(v),
                                         lowering::constantIndex(b, loc, 1))
                                  .getResult();
                            },
                            [&, v = v, check = check] {
                              reportShape(b, loc, where, check, v);
                            }});
    }
    // Empty results where a check failed (the host sees the error).
    auto emptyResults = [&]() {
      SmallVector<Value, 3> results;
      for (Type t : wanted) {
        auto ranked = dyn_cast<RankedTensorType>(t);
        SmallVector<int64_t> shapeOf;
        if (ranked)
          for (int64_t d : ranked.getShape())
            shapeOf.push_back(ShapedType::isDynamic(d) ? 0 : d);
        else
          shapeOf = {0};
        auto type = RankedTensorType::get(shapeOf,
                                          cast<TensorType>(t).getElementType());
        Value e = tensor::EmptyOp::create(b, loc, type.getShape(),
                                          type.getElementType());
        if (type != t)
          e = tensor::CastOp::create(b, loc, t, e);
        results.push_back(e);
      }
      return results;
    };
    std::function<SmallVector<Value, 3>(size_t)> build =
        [&](size_t k) -> SmallVector<Value, 3> {
      if (k == checks.size())
        return buildOp(b, loc, operands, wanted);
      auto ifOp = scf::IfOp::create(
          b, loc, checks[k].first(),
          [&](OpBuilder &, Location) {
            checks[k].second();
            scf::YieldOp::create(b, loc, emptyResults());
          },
          [&](OpBuilder &, Location) {
            scf::YieldOp::create(b, loc, build(k + 1));
          });
      return SmallVector<Value, 3>(ifOp.getResults());
    };
    rewriter.replaceOp(op, build(0));
    return success();
  }

private:
  /// sparse.slice on `operands` (unranked ones cast to the ranks the op
  /// needs), its results cast to `wanted`.
  static SmallVector<Value, 3> buildOp(OpBuilder &b, Location loc,
                                       ArrayRef<Value> operands,
                                       ArrayRef<Type> wanted) {
    auto ranked = [&](Value v, int64_t rank) -> Value {
      auto type = dyn_cast<UnrankedTensorType>(v.getType());
      if (!type)
        return v;
      return tensor::CastOp::create(
          b, loc,
          RankedTensorType::get(
              SmallVector<int64_t>(rank, ShapedType::kDynamic),
              type.getElementType()),
          v);
    };
    auto slice = SliceOp::create(
        b, loc, ranked(operands[0], 2), ranked(operands[1], 1),
        ranked(operands[2], 1), ranked(operands[3], 1), ranked(operands[4], 1));
    SmallVector<Value, 3> results;
    for (auto [v, t] : llvm::zip(slice.getResults(), wanted))
      results.push_back(
          v.getType() == t ? v : Value(tensor::CastOp::create(b, loc, t, v)));
    return results;
  }

  /// Reports `check` with `v`'s shape (the runtime formats it).
  static void reportShape(OpBuilder &b, Location loc, Value where,
                          SliceGradCheck check, Value v) {
    Value r = tensor::RankOp::create(b, loc, v);
    auto type = RankedTensorType::get({ShapedType::kDynamic}, b.getI64Type());
    auto shape = tensor::GenerateOp::create(b, loc, type, ValueRange{r});
    {
      OpBuilder::InsertionGuard guard(b);
      Block *body =
          b.createBlock(&shape.getBody(), {}, {b.getIndexType()}, {loc});
      Value d = tensor::DimOp::create(b, loc, v, body->getArgument(0));
      tensor::YieldOp::create(b, loc, lowering::toI64(b, loc, d));
    }
    auto memrefType = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
    Value m = bufferization::ToBufferOp::create(b, loc, memrefType, shape,
                                                /*readOnly=*/true);
    Value code = arith::ConstantIntOp::create(
        b, loc, static_cast<int64_t>(check), /*width=*/32);
    func::CallOp::create(b, loc, kSparseSliceGradShapeCheckFailedName,
                         TypeRange{}, ValueRange{where, code, m, m});
  }
};

/// A pattern on the (unregistered) TF op `name`.
struct TFOpPattern : public ConversionPattern {
  TFOpPattern(const TypeConverter &converter, MLIRContext *ctx, StringRef name)
      : ConversionPattern(converter, name, /*benefit=*/1, ctx) {}
};

/// tf.Identity and tf.IdentityN: their operands (cast where TensorFlow
/// refined the type).
struct TFIdentityToOperands : public TFOpPattern {
  using TFOpPattern::TFOpPattern;

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    if (operands.size() != op->getNumResults())
      return rewriter.notifyMatchFailure(op, "operand and result counts");
    SmallVector<Value> results;
    for (auto [operand, result] : llvm::zip(operands, op->getResults())) {
      Value v = operand;
      Type wanted = getTypeConverter()->convertType(result.getType());
      if (!wanted)
        return rewriter.notifyMatchFailure(op, "result type");
      if (v.getType() != wanted) {
        if (!tensor::CastOp::areCastCompatible(v.getType(), wanted))
          return rewriter.notifyMatchFailure(op, "incompatible types");
        v = tensor::CastOp::create(rewriter, op->getLoc(), wanted, v);
      }
      results.push_back(v);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// tf.Const with a dense value: arith.constant.
struct TFConstToArith : public TFOpPattern {
  using TFOpPattern::TFOpPattern;

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = dyn_cast_if_present<DenseElementsAttr>(tfAttr(op, "value"));
    if (!value || op->getNumResults() != 1 ||
        value.getType() != op->getResult(0).getType())
      return rewriter.notifyMatchFailure(op, "not a dense constant");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value);
    return success();
  }
};

/// tf.PartitionedCall and tf.StatefulPartitionedCall: func.call of `f`.
struct TFCallToFuncCall : public TFOpPattern {
  using TFOpPattern::TFOpPattern;

  LogicalResult
  matchAndRewrite(Operation *op, ArrayRef<Value> operands,
                  ConversionPatternRewriter &rewriter) const override {
    auto callee = dyn_cast_if_present<FlatSymbolRefAttr>(tfAttr(op, "f"));
    if (!callee)
      return rewriter.notifyMatchFailure(op, "no callee");
    SmallVector<Type> types;
    if (failed(getTypeConverter()->convertTypes(op->getResultTypes(), types)))
      return rewriter.notifyMatchFailure(op, "result types");
    rewriter.replaceOpWithNewOp<func::CallOp>(op, callee, types, operands);
    return success();
  }
};

struct ConvertTFToSparsePass
    : public sparse::impl::ConvertTFToSparsePassBase<ConvertTFToSparsePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    bool failedCheck = false;
    // Whether an op has unranked operands: their run-time rank checks report
    // through the runtime functions.
    bool unranked = false;
    QuantizedToStorageConverter converter;
    module.walk([&](Operation *op) {
      StringRef name = op->getName().getStringRef();
      if (isImportedTFOp(name) && name != kTFOpName && name != kTFSliceName &&
          failed(checkTFHelperOp(op, converter)))
        failedCheck = true;
      if (name == kTFOpName || name == kTFSliceName) {
        if (failed(name == kTFOpName ? checkTFOp(op) : checkTFSliceOp(op)))
          failedCheck = true;
        unranked |= llvm::any_of(op->getOperandTypes(), [](Type t) {
          return isa<UnrankedTensorType>(t);
        });
      }
      // One diagnostic per TF op that this pass does not import, rather
      // than "not bufferized" three passes later.
      if (op->getName().getDialectNamespace() == "tf" &&
          !isImportedTFOp(name)) {
        op->emitOpError("is not imported by convert-tf-to-sparse, which takes "
                        "tf.SparseSlice, tf.SparseSliceGrad, tf.Identity, "
                        "tf.IdentityN, "
                        "tf.Const and tf.PartitionedCall/"
                        "StatefulPartitionedCall: lower it with the host "
                        "compiler's own TensorFlow legalization first");
        failedCheck = true;
      }
      if (op->getName().getDialectNamespace() == "tf_executor") {
        op->emitOpError("is a TensorFlow graph: export the function in its "
                        "functional form (tf.mlir.experimental."
                        "convert_function with its default pipeline)");
        failedCheck = true;
      }
    });
    if (failedCheck || failed(checkQuantizedUses(module)))
      return signalPassFailure();
    if (unranked) {
      OpBuilder builder(ctx);
      lowering::declareRuntimeFunctions(module, builder);
    }

    ConversionTarget target(*ctx);
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    for (StringRef name : importedTFOps())
      target.setOpAction(OperationName(name, ctx),
                         ConversionTarget::LegalizationAction::Illegal);
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
        [&](Operation *op) { return converter.isLegal(op); });

    RewritePatternSet patterns(ctx);
    populateTFToSparseConversionPatterns(patterns, converter);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      return signalPassFailure();
    // TensorFlow's shape checks on the imported ops, with its messages.
    WalkResult verified = module.walk([](Operation *op) {
      if (!isa<SliceGradOp, SliceOp>(op))
        return WalkResult::advance();
      return failed(mlir::verify(op, /*verifyRecursively=*/false))
                 ? WalkResult::interrupt()
                 : WalkResult::advance();
    });
    if (verified.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace

void sparse::populateTFToSparseConversionPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<TFSliceGradToSparse, TFSliceToSparse>(converter, ctx);
  patterns.add<TFConstToArith>(converter, ctx, kConstOp);
  for (StringRef name : kIdentityOps)
    patterns.add<TFIdentityToOperands>(converter, ctx, name);
  for (StringRef name : kCallOps)
    patterns.add<TFCallToFuncCall>(converter, ctx, name);
}
