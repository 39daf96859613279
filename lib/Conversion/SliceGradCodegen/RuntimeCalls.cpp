//===- RuntimeCalls.cpp - The lowerings' calls into the runtime -----------===//

#include "RuntimeCalls.h"
#include "CodegenUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

MemRefType lowering::runtimeMemRefType(MLIRContext *context, int64_t rank) {
  SmallVector<int64_t> dynamic(rank, ShapedType::kDynamic);
  return MemRefType::get(
      dynamic, IntegerType::get(context, 64),
      StridedLayoutAttr::get(context, ShapedType::kDynamic, dynamic));
}

Value lowering::castForRuntime(OpBuilder &b, Location loc, Value v) {
  auto type = runtimeMemRefType(b.getContext(),
                                cast<MemRefType>(v.getType()).getRank());
  if (v.getType() == type)
    return v;
  return memref::CastOp::create(b, loc, type, v);
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
  if (!module.lookupSymbol(kSparseSliceCheckAndShapeName)) {
    auto vec = runtimeMemRefType(b.getContext(), 1);
    Type i64 = b.getI64Type();
    auto type = b.getFunctionType({ptr, i64, i64, i64, vec, vec, vec, vec},
                                  {b.getI32Type()});
    auto func = func::FuncOp::create(b, module.getLoc(),
                                     kSparseSliceCheckAndShapeName, type);
    func.setPrivate();
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  b.getUnitAttr());
  }
}

void lowering::declareSplitPlan(ModuleOp module, OpBuilder &b) {
  if (module.lookupSymbol(kSparseSliceGradSplitPlanName))
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  Type i64 = b.getI64Type();
  auto rows = runtimeMemRefType(b.getContext(), 2);
  auto vec = runtimeMemRefType(b.getContext(), 1);
  auto type =
      b.getFunctionType({rows, rows, vec, i64, i64, i64, i64, vec, vec}, {i64});
  auto func = func::FuncOp::create(b, module.getLoc(),
                                   kSparseSliceGradSplitPlanName, type);
  func.setPrivate();
  func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), b.getUnitAttr());
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
  func::CallOp::create(
      b, loc, kSparseSliceGradCheckFailedName, TypeRange{},
      ValueRange{where, code, toI64(b, loc, lhs), toI64(b, loc, rhs)});
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
