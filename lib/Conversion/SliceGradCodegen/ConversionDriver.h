//===- ConversionDriver.h - The body of the lowering passes -----*- C++ -*-===//
//
// What convert-sparse-to-loops and convert-sparse-to-gpu share around
// their patterns: the refusals with a reason (tensor form, device memory,
// chunk-rows), the runtime declarations, the partial conversion. Only the
// passes include this; a host compiler adds the patterns to its own
// conversion (populate*ConversionPatterns in SliceGrad/Conversion/Passes.h).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CONVERSIONDRIVER_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CONVERSIONDRIVER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir {
namespace sparse {
namespace lowering {

/// Checks chunk-rows >= 1 and that every op of the dialect is in its memref
/// form (a diagnostic naming the reason otherwise), declares the run-time
/// check functions, and converts every op with the patterns `addPatterns`
/// adds. Ops on device memory (#gpu.address_space<global>) are refused
/// unless `deviceMemory`. Without `lowersScatter` (convert-sparse-to-gpu),
/// sparse.slice_grad_scatter is left to convert-sparse-to-loops on host
/// memory and refused on device memory.
LogicalResult
lowerSliceGradOps(ModuleOp module, StringRef passName, int64_t chunkRows,
                  function_ref<void(RewritePatternSet &)> addPatterns,
                  bool deviceMemory = false, bool lowersScatter = true);

/// lowerSliceGradOps for a pass whose options struct has `chunkRows`, with
/// the patterns `populate` adds for those options.
template <typename Options>
LogicalResult
lowerSliceGradOps(ModuleOp module, StringRef passName, const Options &options,
                  void (*populate)(RewritePatternSet &, const Options &),
                  bool deviceMemory = false, bool lowersScatter = true) {
  return lowerSliceGradOps(
      module, passName, static_cast<int64_t>(options.chunkRows),
      [&](RewritePatternSet &patterns) { populate(patterns, options); },
      deviceMemory, lowersScatter);
}

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_CONVERSIONDRIVER_H
