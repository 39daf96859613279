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
/// Registers the passes of SliceGrad/Conversion/Passes.td
/// (convert-sparse-to-loops, convert-sparse-to-gpu, convert-tf-to-sparse) for
/// textual pipelines and command lines.
void registerSliceGradPasses();
/// Registers the pipelines of SliceGrad/Pipelines/Pipelines.h
/// (sparse-lower-to-llvm, sparse-to-nvvm).
void registerSliceGradPipelines();
/// Prints the help of the passes and pipelines above, as --help does for
/// each (`sparse-opt --help-sparse`); they must be registered.
void printSliceGradPassHelp(llvm::raw_ostream &os);
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_INITSLICEGRAD_H
