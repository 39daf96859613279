/*===- Dialects.h - C API of the sparse dialect and its passes ----*- C -*-===*\
|*                                                                            *|
|* The upstream-style C API: a dialect handle for `sparse`, and registration  *|
|* of the project's dialect models, passes and pipelines.                     *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef SLICEGRAD_C_DIALECTS_H
#define SLICEGRAD_C_DIALECTS_H

#include "mlir-c/IR.h"

#ifdef __cplusplus
extern "C" {
#endif

/// mlirGetDialectHandle__sparse__(): load or register the `sparse` dialect.
MLIR_DECLARE_CAPI_DIALECT_REGISTRATION(Sparse, sparse);

/// Inserts the sparse dialect and its external models (bufferization) into
/// `registry`, as registerSliceGradDialects does in C++.
MLIR_CAPI_EXPORTED void sliceGradRegisterDialects(MlirDialectRegistry registry);

/// Inserts what the project's pipelines run on besides the sparse dialect,
/// as mlir-opt and sparse-opt register it: every upstream dialect, its
/// extensions and interface models (the bufferization models of func,
/// arith, tensor, scf... that one-shot-bufferize needs: without them a
/// pipeline fails with "op was not bufferized") and the translations to
/// LLVM IR (the GPU pipeline's serialization). Call it with
/// sliceGradRegisterDialects before creating the context.
MLIR_CAPI_EXPORTED void
sliceGradRegisterPipelineDependencies(MlirDialectRegistry registry);

/// Registers every pass of the project (SliceGrad/Conversion/Passes.td and
/// SliceGrad/Transforms/Passes.td) for textual pass pipelines
/// (mlirParsePassPipeline), as registerSliceGradPasses does in C++.
MLIR_CAPI_EXPORTED void sliceGradRegisterPasses(void);

/// Registers every pipeline of SliceGrad/Pipelines/Pipelines.def, as
/// registerSliceGradPipelines does in C++.
MLIR_CAPI_EXPORTED void sliceGradRegisterPipelines(void);

#ifdef __cplusplus
}
#endif

#endif // SLICEGRAD_C_DIALECTS_H
