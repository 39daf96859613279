//===- CodegenUtils.cpp - Small IR builders of the lowerings --------------===//

#include "CodegenUtils.h"

#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/IR/BuiltinOps.h"

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
