//===- Passes.h - Conversions out of the sparse dialect ---------*- C++ -*-===//

#ifndef SLICEGRAD_CONVERSION_PASSES_H
#define SLICEGRAD_CONVERSION_PASSES_H

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"
#include "llvm/Support/CommandLine.h"

namespace mlir {
namespace sparse {

/// How convert-sparse-to-loops lowers sparse.slice_grad.
enum class SliceGradStrategy {
  /// TensorFlow's loop on one thread.
  Sequential,
  /// Blocks under scf.parallel: order-free flags, look-back and verify,
  /// TensorFlow's loop from the first row that differs (in parallel parts).
  Parallel,
};

/// The strategies' names and help on a command line: one list for the
/// pass's option and the pipelines'.
inline llvm::cl::ValuesClass sliceGradStrategyValues() {
  return llvm::cl::values(
      clEnumValN(SliceGradStrategy::Sequential, "sequential",
                 "TensorFlow's loop, one thread"),
      clEnumValN(SliceGradStrategy::Parallel, "parallel",
                 "Blocks under scf.parallel: order-free flags, look-back and "
                 "verify, TensorFlow's loop from the first row that differs "
                 "(in parallel parts from guessed j, verified in order)"));
}

/// The widest vector step convert-sparse-to-loops takes (vector-width).
constexpr unsigned kMaxVectorWidth = 64;

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

/// Adds the patterns of convert-tf-to-sparse, for a host compiler's own TF
/// legalization: tf.SparseSliceGrad to sparse.slice_grad (with TensorFlow's
/// run-time rank checks for unranked operands; the module must declare the
/// runtime's check functions), tf.Identity and tf.IdentityN to their
/// operands, tf.Const to arith.constant, tf.PartitionedCall and
/// tf.StatefulPartitionedCall to func.call. `converter` maps the operand
/// and result types (the pass maps TF's quantized types to their storage
/// types). A tf.SparseSliceGrad whose static shapes fail TensorFlow's
/// checks still becomes a sparse.slice_grad, whose verifier then reports
/// them in TensorFlow's words (the pass verifies the ops it made).
void populateTFToSparseConversionPatterns(RewritePatternSet &patterns,
                                          const TypeConverter &converter);

#define GEN_PASS_REGISTRATION
#include "SliceGrad/Conversion/Passes.h.inc"

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_CONVERSION_PASSES_H
