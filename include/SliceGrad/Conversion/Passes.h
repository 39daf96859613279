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
  /// TensorFlow's loop on one thread.
  Sequential,
  /// Blocks under scf.parallel: order-free flags, look-back and verify,
  /// TensorFlow's loop from the first row that differs.
  Parallel,
};

#define GEN_PASS_DECL
#include "SliceGrad/Conversion/Passes.h.inc"

/// Adds the pattern that lowers sparse.slice_grad (memref form) to loops,
/// as convert-sparse-to-loops does. The module must declare the run-time
/// check function (the pass does).
void populateSparseToLoopsConversionPatterns(
    RewritePatternSet &patterns,
    const ConvertSparseToLoopsPassOptions &options);

/// Adds the pattern that lowers sparse.slice_grad (memref form) to host
/// code around a GPU-parallel loop, as convert-sparse-to-gpu does.
void populateSparseToGPUConversionPatterns(
    RewritePatternSet &patterns, const ConvertSparseToGPUPassOptions &options);

#define GEN_PASS_REGISTRATION
#include "SliceGrad/Conversion/Passes.h.inc"

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_CONVERSION_PASSES_H
