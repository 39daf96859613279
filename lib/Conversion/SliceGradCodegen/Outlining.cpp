//===- Outlining.cpp - One kernel function per kind of op -----------------===//

#include "Outlining.h"
#include "CodegenUtils.h"
#include "RuntimeCalls.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

/// The kernel's type of an operand: `shape` (R's size the only static one),
/// and an identity layout where the operand has one (the vector steps need
/// contiguous rows), else a fully dynamic strided one.
static MemRefType kernelType(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<MemRefType>(v.getType());
  MemRefLayoutAttrInterface layout;
  if (!type.getLayout().isIdentity())
    layout = StridedLayoutAttr::get(
        type.getContext(), ShapedType::kDynamic,
        SmallVector<int64_t>(shape.size(), ShapedType::kDynamic));
  return MemRefType::get(shape, type.getElementType(), layout,
                         type.getMemorySpace());
}

/// The kernel's name: the key, the value type, R ("gen" for the generic
/// code) and which operands are strided, so that the IR says what each call
/// runs.
static std::string kernelName(StringRef key, Type eltType, int64_t numDims,
                              ArrayRef<Type> argTypes) {
  std::string type;
  llvm::raw_string_ostream os(type);
  os << eltType;
  for (char &c : type)
    if (!llvm::isAlnum(c))
      c = '_';
  std::string name = ("__sparse_slice_grad_" + key + "_" + type).str();
  name +=
      ShapedType::isDynamic(numDims) ? "_rgen" : "_r" + std::to_string(numDims);
  for (auto [k, t] : llvm::enumerate(argTypes))
    if (!cast<MemRefType>(t).getLayout().isIdentity())
      name += "_s" + std::to_string(k);
  return name;
}

/// A private function of internal linkage named `name` with `type`, made
/// at the end of `module`; its entry block is `b`'s insertion point.
static func::FuncOp createPrivateFunction(OpBuilder &b, ModuleOp module,
                                          StringRef name, FunctionType type) {
  b.setInsertionPointToEnd(module.getBody());
  Location loc = NameLoc::get(b.getStringAttr(name));
  auto function = func::FuncOp::create(b, loc, name, type);
  function.setPrivate();
  // Internal in LLVM too: modules compiled apart and linked together each
  // keep their own copy.
  function->setAttr(
      "llvm.linkage",
      LLVM::LinkageAttr::get(b.getContext(), LLVM::Linkage::Internal));
  b.createBlock(&function.getBody(), {}, type.getInputs(),
                SmallVector<Location>(type.getNumInputs(), loc));
  return function;
}

/// The kernel's body: the operands' sizes from its arguments, then `build`;
/// returns its value.
static void buildKernelBody(
    OpBuilder &b, Location loc, Block *entry, const SliceGradOperands &ops,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build) {
  SliceGradOperands k;
  k.grad = entry->getArgument(0);
  k.inIdx = entry->getArgument(1);
  k.start = entry->getArgument(2);
  k.outIdx = entry->getArgument(3);
  k.out = entry->getArgument(4);
  k.eltType = ops.eltType;
  k.staticNumDims = ops.staticNumDims;
  k.nIn = memref::DimOp::create(b, loc, k.inIdx, 0);
  k.numDims = memref::DimOp::create(b, loc, k.inIdx, 1);
  k.nOut = memref::DimOp::create(b, loc, k.outIdx, 0);
  func::ReturnOp::create(b, loc, build(b, k));
}

Value lowering::buildOutlinedCall(
    OpBuilder &b, Location loc, ModuleOp module, const SliceGradOperands &ops,
    StringRef key,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build) {
  // Static R that disagree (through casts) fail a run-time check first; a
  // cast to the kernel's R could fold into an invalid one.
  if (!module || !ops.out || !fixedNumDims(ops))
    return Value();
  // The generic code takes any R: its kernel's R is dynamic.
  int64_t r = ops.staticNumDims, dyn = ShapedType::kDynamic;
  SmallVector<Value> args = {ops.grad, ops.inIdx, ops.start, ops.outIdx,
                             ops.out};
  SmallVector<Type> argTypes = {
      kernelType(ops.grad, {dyn}), kernelType(ops.inIdx, {dyn, r}),
      kernelType(ops.start, {r}), kernelType(ops.outIdx, {dyn, r}),
      kernelType(ops.out, {dyn})};
  for (auto [v, t] : llvm::zip(args, argTypes))
    if (!memref::CastOp::areCastCompatible(v.getType(), t))
      return Value();

  std::string name = kernelName(key, ops.eltType, r, argTypes);
  auto type = b.getFunctionType(argTypes, {b.getIndexType()});
  auto kernel = module.lookupSymbol<func::FuncOp>(name);
  if (kernel && kernel.getFunctionType() != type)
    return Value(); // a user's function of that name: leave it alone
  if (!kernel) {
    OpBuilder::InsertionGuard guard(b);
    kernel = createPrivateFunction(b, module, name, type);
    buildKernelBody(b, kernel.getLoc(), &kernel.getBody().front(), ops, build);
  }
  for (size_t k = 0; k < args.size(); ++k)
    if (args[k].getType() != argTypes[k])
      args[k] = memref::CastOp::create(b, loc, argTypes[k], args[k]);
  return func::CallOp::create(b, loc, kernel, args).getResult(0);
}

bool lowering::buildOutlinedOp(
    OpBuilder &b, Location loc, ModuleOp module, Value where,
    ValueRange operands, StringRef key,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build) {
  if (!module)
    return false;
  // Static R that disagree through casts at the call: inline code, so that
  // no inliner later exposes the casts to a kernel's (see buildForEachRank).
  SliceGradOperands seen;
  seen.inIdx = operands[1];
  seen.start = operands[2];
  seen.outIdx = operands[3];
  seen.staticNumDims = ShapedType::kDynamic;
  if (!fixedNumDims(seen))
    return false;
  SmallVector<Type> types = {where.getType()};
  llvm::append_range(types, operands.getTypes());
  auto type = b.getFunctionType(types, {});
  // One function per operand types: the first free name, or the one made
  // for these types.
  func::FuncOp function;
  std::string name;
  for (unsigned n = 0;; ++n) {
    name = ("__sparse_slice_grad_" + key + "_op" + Twine(n)).str();
    function = module.lookupSymbol<func::FuncOp>(name);
    if (!function || function.getFunctionType() == type)
      break;
  }
  if (!function) {
    OpBuilder::InsertionGuard guard(b);
    function = createPrivateFunction(b, module, name, type);
    Block *entry = &function.getBody().front();
    Location fl = function.getLoc();
    // The checks nest what follows them: the return stays last.
    b.setInsertionPoint(func::ReturnOp::create(b, fl));
    auto args = entry->getArguments();
    SliceGradOperands ops = emitShapeChecks(b, fl, args[0], args[1], args[2],
                                            args[3], args[4], args[5]);
    Value used = buildForEachRank(
        b, fl, ops, [&](OpBuilder &nb, const SliceGradOperands &rankOps) {
          Value called = buildOutlinedCall(nb, fl, module, rankOps, key, build);
          return called ? called : build(nb, rankOps);
        });
    emitAllPropagatedCheck(b, fl, ops, used);
  }
  SmallVector<Value> args = {where};
  llvm::append_range(args, operands);
  func::CallOp::create(b, loc, function, args);
  return true;
}
