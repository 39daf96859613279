//===- InitSliceGrad.h - Register the project with a host -------*- C++ -*-===//
//
// The entry points a host compiler (and sparse-opt) calls to pick up the
// sparse dialect, its bufferization model, its passes and its pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_INITSLICEGRAD_H
#define SLICEGRAD_INITSLICEGRAD_H

namespace mlir {
class DialectRegistry;

namespace sparse {
/// Inserts the sparse dialect and attaches its external interface models.
void registerSliceGradDialects(DialectRegistry &registry);
/// Registers the passes and the pipelines for command-line use.
void registerSliceGradPasses();
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_INITSLICEGRAD_H
