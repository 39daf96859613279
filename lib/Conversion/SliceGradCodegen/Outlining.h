//===- Outlining.h - One kernel function per kind of op ---------*- C++ -*-===//
//
// The strategies emit a large body per op and per R. A module with many ops
// (one per sparse feature of a model) would compile that body once per op;
// outlined, an op is one call of a function of its operand types (its
// checks, then a call, or with a run-time R a switch over calls), and each
// R's body is a private function shared by every op of the module with the
// same value type, R, operand layouts and lowering options. A run-time R
// then runs the very function a static R runs.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_OUTLINING_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_OUTLINING_H

#include "SliceGradOperands.h"

#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// Calls `module`'s kernel for `ops` (as buildForEachRank hands them: a
/// static R, or the generic code) and `key` (a string naming the lowering
/// and its options), creating it first: a private function of the five
/// memref operands whose body is `build` and which returns its value (the j
/// of TensorFlow's loop). Kernels differ by value type, R (static, or
/// "gen" for the generic code) and each operand's layout class (identity or
/// strided). Returns that j, or null (nothing built) where the operands
/// cannot be passed to such a function.
Value buildOutlinedCall(
    OpBuilder &b, Location loc, ModuleOp module, const SliceGradOperands &ops,
    StringRef key,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build);

/// The whole op as a call: `module`'s function for the operands' types and
/// `key` (made first), which runs TensorFlow's shape checks on its operands
/// with the messages of `where` (the op's "@function (location)" text, an
/// argument), each R's code through buildOutlinedCall (a switch where R is
/// known only at run time) and the check that every gradient was
/// propagated. `operands` are the memref form's five; `build` is the
/// strategy. Returns false (nothing built) where there is no module.
bool buildOutlinedOp(
    OpBuilder &b, Location loc, ModuleOp module, Value where,
    ValueRange operands, StringRef key,
    function_ref<Value(OpBuilder &, const SliceGradOperands &)> build);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_OUTLINING_H
