//===- CodegenUtils.cpp - Shared pieces of the slice_grad lowerings -------===//

#include "CodegenUtils.h"

#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

Value lowering::buildZero(OpBuilder &b, Location loc, Type type) {
  if (auto complexType = dyn_cast<ComplexType>(type)) {
    auto eltType = cast<FloatType>(complexType.getElementType());
    Attribute zero = b.getFloatAttr(eltType, 0.0);
    return complex::ConstantOp::create(b, loc, complexType,
                                       b.getArrayAttr({zero, zero}));
  }
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0));
  auto intType = cast<IntegerType>(type);
  Value zero = arith::ConstantIntOp::create(
      b, loc, b.getIntegerType(intType.getWidth()), 0);
  if (intType.isSignless())
    return zero;
  // arith has no signed/unsigned constants; the LLVM type converter maps both
  // to the same signless type, so this cast folds away.
  return UnrealizedConversionCastOp::create(b, loc, type, zero).getResult(0);
}

Value lowering::buildWhere(OpBuilder &b, Operation *op) {
  // "@function (file:line:col)": what a user needs to find the failing op.
  std::string text;
  llvm::raw_string_ostream os(text);
  auto symbol = op->getParentOfType<SymbolOpInterface>();
  os << '@' << (symbol ? symbol.getName() : StringRef("?"));
  if (auto fileLoc = op->getLoc()->findInstanceOf<FileLineColLoc>())
    os << " (" << fileLoc.getFilename().getValue() << ':' << fileLoc.getLine()
       << ':' << fileLoc.getColumn() << ')';
  text.push_back('\0');

  // One constant global per text, at the top of the enclosing module.
  auto module = op->getParentOfType<ModuleOp>();
  auto type = LLVM::LLVMArrayType::get(b.getI8Type(), text.size());
  // Reuse the global that holds this text; else take the first free name.
  LLVM::GlobalOp global;
  std::string name;
  for (unsigned n = 0;; ++n) {
    name = "__sparse_slice_grad_where_" + std::to_string(n);
    Operation *existing = module.lookupSymbol(name);
    if (!existing)
      break;
    auto other = dyn_cast<LLVM::GlobalOp>(existing);
    auto value = other ? dyn_cast_or_null<StringAttr>(other.getValueOrNull())
                       : StringAttr();
    if (value && value.getValue() == text) {
      global = other;
      break;
    }
  }
  if (!global) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    global = LLVM::GlobalOp::create(b, op->getLoc(), type, /*isConstant=*/true,
                                    LLVM::Linkage::Internal, name,
                                    b.getStringAttr(text));
  }
  return LLVM::AddressOfOp::create(b, op->getLoc(), global);
}

void lowering::emitCheckFailedCall(OpBuilder &b, Location loc, Value where,
                                   SliceGradCheck check, Value lhs, Value rhs) {
  Value code = arith::ConstantIntOp::create(b, loc, static_cast<int64_t>(check),
                                            /*width=*/32);
  auto toI64 = [&](Value v) -> Value {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), v);
  };
  func::CallOp::create(b, loc, kSparseSliceGradCheckFailedName, TypeRange{},
                       ValueRange{where, code, toI64(lhs), toI64(rhs)});
}

void lowering::emitCheck(OpBuilder &b, Location loc, Value where,
                         arith::CmpIPredicate pred, SliceGradCheck check,
                         Value lhs, Value rhs, bool guardRest) {
  Value failed = arith::CmpIOp::create(b, loc, pred, lhs, rhs);
  auto ifOp = scf::IfOp::create(b, loc, failed, /*withElseRegion=*/guardRest);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
    emitCheckFailedCall(b, loc, where, check, lhs, rhs);
  }
  // The runtime's handler may return (an embedding host): the rest of the op
  // then does not run.
  if (guardRest)
    b.setInsertionPoint(ifOp.elseBlock()->getTerminator());
}

SliceGradOperands lowering::emitShapeChecks(OpBuilder &b, Operation *op,
                                            Value grad, Value inIdx,
                                            Value start, Value outIdx,
                                            Value out, bool oneProcessRows) {
  Location loc = op->getLoc();
  Value dims[2] = {arith::ConstantIndexOp::create(b, loc, 0),
                   arith::ConstantIndexOp::create(b, loc, 1)};
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
  ops.where = buildWhere(b, op);
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
  return ops;
}

void lowering::emitGlobalChecks(OpBuilder &b, Operation *op, Value nIn,
                                Value nOut, Value used, Value processes,
                                Value partitionedFor) {
  Location loc = op->getLoc();
  Value where = buildWhere(b, op);
  emitCheck(b, loc, where, arith::CmpIPredicate::ne,
            SliceGradCheck::ProcessCount, partitionedFor, processes);
  emitCheck(b, loc, where, arith::CmpIPredicate::ugt,
            SliceGradCheck::OutputRowsNotGreater, nOut, nIn);
  emitCheck(b, loc, where, arith::CmpIPredicate::ne,
            SliceGradCheck::AllPropagated, nOut, used, /*guardRest=*/false);
}

Value lowering::buildFirstDifferingColumn(OpBuilder &b, Location loc,
                                          const SliceGradOperands &ops, Value i,
                                          Value j) {
  Type indexType = b.getIndexType();
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
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
              Value f = arith::ConstantIntOp::create(eb, el, 0, /*width=*/1);
              scf::YieldOp::create(eb, el, f);
            });
        scf::ConditionOp::create(nb, l, equal.getResult(0), args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value c1 = arith::ConstantIndexOp::create(nb, l, 1);
        Value next = arith::AddIOp::create(nb, l, args[0], c1);
        scf::YieldOp::create(nb, l, next);
      });
  return loop.getResult(0);
}

Value lowering::buildRowsEqual(OpBuilder &b, Location loc,
                               const SliceGradOperands &ops,
                               ArrayRef<Value> startCols, Value i, Value j) {
  if (ops.staticNumDims == ShapedType::kDynamic) {
    Value d = buildFirstDifferingColumn(b, loc, ops, i, j);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d,
                                 ops.numDims);
  }
  // Static R: compare every column and combine, so that the hot loop has no
  // data-dependent branch per coordinate.
  if (startCols.empty()) // R = 0: every row equals every other.
    return arith::ConstantIntOp::create(b, loc, 1, /*width=*/1);
  Value same;
  for (auto [d, s] : llvm::enumerate(startCols)) {
    Value col = arith::ConstantIndexOp::create(b, loc, d);
    Value a = memref::LoadOp::create(b, loc, ops.inIdx, ValueRange{i, col});
    Value o = memref::LoadOp::create(b, loc, ops.outIdx, ValueRange{j, col});
    Value shifted = arith::AddIOp::create(b, loc, o, s);
    Value eq =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, a, shifted);
    same = same ? arith::AndIOp::create(b, loc, same, eq).getResult() : eq;
  }
  return same;
}

void lowering::declareRuntimeFunctions(ModuleOp module, OpBuilder &b) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  Type ptr = LLVM::LLVMPointerType::get(b.getContext());
  if (!module.lookupSymbol(kSparseSliceGradCheckFailedName)) {
    auto type = b.getFunctionType(
        {ptr, b.getI32Type(), b.getI64Type(), b.getI64Type()}, {});
    auto func = func::FuncOp::create(b, module.getLoc(),
                                     kSparseSliceGradCheckFailedName, type);
    func.setPrivate();
  }
  if (!module.lookupSymbol(kSparseSliceGradShapeCheckFailedName)) {
    auto shape = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
    auto type = b.getFunctionType({ptr, b.getI32Type(), shape, shape}, {});
    auto func = func::FuncOp::create(
        b, module.getLoc(), kSparseSliceGradShapeCheckFailedName, type);
    func.setPrivate();
    // Memrefs reach C as pointers to their descriptors.
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  b.getUnitAttr());
  }
}

LogicalResult lowering::lowerSliceGradOps(
    ModuleOp module, StringRef passName, int64_t chunkRows,
    function_ref<void(RewritePatternSet &)> addPatterns, bool deviceMemory) {
  if (chunkRows < 1)
    return emitError(module.getLoc())
           << passName << ": chunk-rows must be at least 1, got " << chunkRows;
  // Name the reason before the generic "failed to legalize" error.
  bool found = false;
  WalkResult walk = module.walk([&](Operation *op) {
    if (!isa<SliceGradOp, SliceGradCountOp, SliceGradResumeOp,
             SliceGradGlobalChecksOp>(op))
      return WalkResult::advance();
    found = true;
    if (!deviceMemory && llvm::any_of(op->getOperandTypes(), [](Type t) {
          auto memref = dyn_cast<MemRefType>(t);
          return memref && isDeviceMemorySpace(memref.getMemorySpace());
        })) {
      op->emitOpError("has operands in device memory "
                      "(#gpu.address_space<global>), which code on CPU "
                      "threads cannot read: lower it with "
                      "convert-sparse-to-gpu (the sparse-to-nvvm pipeline)");
      return WalkResult::interrupt();
    }
    if (llvm::none_of(op->getOperandTypes(), llvm::IsaPred<RankedTensorType>))
      return WalkResult::advance();
    InFlightDiagnostic diag = op->emitOpError(
        "on tensors must be bufferized first (one-shot-bufferize)");
    // Module bufferization handles the functions of the module it runs on,
    // not those of nested modules.
    if (op->getParentOfType<ModuleOp>() != module)
      diag.attachNote(op->getParentOfType<ModuleOp>().getLoc())
          << "the op is in a nested module, which the pipeline's "
             "bufferization does not visit: run the pipeline on that module, "
             "e.g. --pass-pipeline='builtin.module(builtin.module("
             "sparse-lower-to-llvm))'";
    return WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return failure();
  if (!found)
    return success();
  OpBuilder builder(module.getContext());
  declareRuntimeFunctions(module, builder);

  ConversionTarget target(*module.getContext());
  target.addIllegalOp<SliceGradOp, SliceGradCountOp, SliceGradResumeOp,
                      SliceGradGlobalChecksOp>();
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  RewritePatternSet patterns(module.getContext());
  addPatterns(patterns);
  return applyPartialConversion(module, target, std::move(patterns));
}
