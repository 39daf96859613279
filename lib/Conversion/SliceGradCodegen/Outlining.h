//===- Outlining.h - One kernel function per kind of op ---------*- C++ -*-===//
//
// The strategies emit a large body per op (with a run-time R, nine copies
// of it). A module with many ops (one per sparse feature of a model) would
// compile that body once per op; outlined, each op keeps its checks and a
// call, and the body is a private function shared by every op of the module
// with the same value type, R, operand layouts and lowering options.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_OUTLINING_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_OUTLINING_H

#include "SliceGradOperands.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// Calls the module's kernel for `ops` and `key` (a string naming the
/// lowering and its options), creating it first: a private function of the
/// five memref operands, which the index operands' R and each operand's
/// layout class (identity or strided) distinguish, whose body is
/// buildForEachRank(`build`) and which returns its value (the j of
/// TensorFlow's loop). Returns that j, or null (nothing built) where the
/// operands cannot be passed to such a function: memory spaces other than
/// the default, or static R that disagree (the run-time checks fail there).
Value buildOutlinedCall(
    OpBuilder &b, Location loc, Operation *op, const SliceGradOperands &ops,
    StringRef key,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_OUTLINING_H
