//===- InitSliceGrad.cpp - Register the project with a host ---------------===//

#include "SliceGrad/InitSliceGrad.h"
#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGrad/Dialect/Sparse/Transforms/BufferizableOpInterfaceImpl.h"
#include "SliceGrad/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"

void mlir::sparse::registerSliceGradDialects(DialectRegistry &registry) {
  registry.insert<SparseDialect>();
  registerBufferizableOpInterfaceExternalModels(registry);
}

void mlir::sparse::registerSliceGradPasses() {
  registerSliceGradConversionPasses();
}

void mlir::sparse::registerSliceGradPipelines() { registerSparsePipelines(); }
