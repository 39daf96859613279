//===- Dialects.cpp - C API of the sparse dialect and its passes ----------===//

#include "SliceGrad-c/Dialects.h"

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGrad/InitSliceGrad.h"

#include "mlir/CAPI/IR.h"
#include "mlir/CAPI/Registration.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

MLIR_DEFINE_CAPI_DIALECT_REGISTRATION(Sparse, sparse,
                                      mlir::sparse::SparseDialect)

void sliceGradRegisterDialects(MlirDialectRegistry registry) {
  mlir::sparse::registerSliceGradDialects(*unwrap(registry));
}

void sliceGradRegisterPipelineDependencies(MlirDialectRegistry registry) {
  mlir::DialectRegistry &r = *unwrap(registry);
  mlir::registerAllDialects(r);
  mlir::registerAllExtensions(r);
  mlir::registerAllToLLVMIRTranslations(r);
}

void sliceGradRegisterPasses() { mlir::sparse::registerSliceGradPasses(); }

void sliceGradRegisterPipelines() {
  mlir::sparse::registerSliceGradPipelines();
}
