//===- InitSliceGrad.h - Register the project with a host -------*- C++ -*-===//
//
// The entry points a host compiler (and sparse-opt) calls to pick up the
// sparse dialect with its bufferization model, its passes and its pipelines
// (one entry each).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_INITSLICEGRAD_H
#define SLICEGRAD_INITSLICEGRAD_H

namespace mlir {
class DialectRegistry;

namespace sparse {
/// Inserts the sparse dialect and attaches its external interface models.
void registerSliceGradDialects(DialectRegistry &registry);
/// Registers the passes (convert-sparse-to-loops, convert-tf-to-sparse) for
/// textual pipelines and command lines.
void registerSliceGradPasses();
/// Registers the pipelines (sparse-lower-to-llvm).
void registerSliceGradPipelines();
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_INITSLICEGRAD_H
