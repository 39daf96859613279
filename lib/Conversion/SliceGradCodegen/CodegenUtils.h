//===- CodegenUtils.h - Small IR builders of the lowerings ------*- C++ -*-===//
//
// The leaf of the slice_grad code generation: constants, index casts and
// the zero of a value type. Nothing here knows the op; every other file of
// the lowerings builds on these.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CODEGENUTILS_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CODEGENUTILS_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// An index constant.
inline Value constantIndex(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// An i64 constant.
inline Value constantI64(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
}

/// An i1 constant.
inline Value constantBool(OpBuilder &b, Location loc, bool v) {
  return arith::ConstantIntOp::create(b, loc, v, /*width=*/1);
}

/// An index as i64 (arith.index_cast: TensorFlow's sizes are signed).
inline Value toI64(OpBuilder &b, Location loc, Value index) {
  return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
}

/// An i64 as index (arith.index_cast).
inline Value toIndex(OpBuilder &b, Location loc, Value i64) {
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
}

/// The zero of a TensorFlow value type.
Value buildZero(OpBuilder &b, Location loc, Type type);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CODEGENUTILS_H
