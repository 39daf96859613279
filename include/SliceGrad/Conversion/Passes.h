//===- Passes.h - Conversions out of the sparse dialect ---------*- C++ -*-===//

#ifndef SLICEGRAD_CONVERSION_PASSES_H
#define SLICEGRAD_CONVERSION_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

namespace mlir {
namespace sparse {

/// How convert-sparse-to-loops lowers sparse.slice_grad.
enum class SliceGradStrategy {
  /// TensorFlow's sequential loop: the reference.
  Sequential,
  /// Chunks of the greedy loop under scf.parallel, each started from a
  /// guessed output row, chained and verified, with a sequential fix-up.
  Parallel,
};

#define GEN_PASS_DECL
#include "SliceGrad/Conversion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "SliceGrad/Conversion/Passes.h.inc"

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_CONVERSION_PASSES_H
