//===- InitSliceGrad.h - Register the project with a host -------*- C++ -*-===//
//
// The entry points a host compiler (and sparse-opt) calls to pick up the
// sparse dialect with its bufferization model, its passes and its pipelines
// (one entry each).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_INITSLICEGRAD_H
#define SLICEGRAD_INITSLICEGRAD_H

namespace llvm {
class raw_ostream;
}

namespace mlir {
class DialectRegistry;

namespace sparse {
/// Inserts the sparse dialect and attaches its external interface models.
void registerSliceGradDialects(DialectRegistry &registry);
/// Registers every pass of SliceGrad/Conversion/Passes.td (the lowerings
/// and the importer) and SliceGrad/Transforms/Passes.td (the pipelines'
/// helper passes) for textual pipelines and command lines.
void registerSliceGradPasses();
/// Registers every pipeline of SliceGrad/Pipelines/Pipelines.def.
void registerSliceGradPipelines();
/// Prints the help of the passes and pipelines above, as --help does for
/// each (`sparse-opt --help-sparse`); they must be registered.
void printSliceGradPassHelp(llvm::raw_ostream &os);
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_INITSLICEGRAD_H
