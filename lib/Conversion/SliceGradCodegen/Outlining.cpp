//===- Outlining.cpp - One kernel function per kind of op -----------------===//

#include "Outlining.h"
#include "CodegenUtils.h"

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
    b.setInsertionPointToEnd(module.getBody());
    Location kernelLoc = NameLoc::get(b.getStringAttr(name));
    kernel = func::FuncOp::create(b, kernelLoc, name, type);
    kernel.setPrivate();
    // Internal in LLVM too: modules compiled apart and linked together each
    // keep their own copy, and LLVM may inline a kernel with one caller.
    kernel->setAttr(
        "llvm.linkage",
        LLVM::LinkageAttr::get(b.getContext(), LLVM::Linkage::Internal));
    Block *entry =
        b.createBlock(&kernel.getBody(), {}, argTypes,
                      SmallVector<Location>(argTypes.size(), kernelLoc));
    buildKernelBody(b, kernelLoc, entry, ops, build);
  }
  for (size_t k = 0; k < args.size(); ++k)
    if (args[k].getType() != argTypes[k])
      args[k] = memref::CastOp::create(b, loc, argTypes[k], args[k]);
  return func::CallOp::create(b, loc, kernel, args).getResult(0);
}
