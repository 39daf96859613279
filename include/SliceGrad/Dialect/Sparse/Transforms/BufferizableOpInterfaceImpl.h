//===- BufferizableOpInterfaceImpl.h - sparse bufferization -----*- C++ -*-===//

#ifndef SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
#define SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;

namespace sparse {
/// Attaches BufferizableOpInterface to sparse.slice_grad, so that
/// one-shot-bufferize turns the tensor form into the memref form.
void registerBufferizableOpInterfaceExternalModels(DialectRegistry &registry);
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_BUFFERIZABLEOPINTERFACEIMPL_H
