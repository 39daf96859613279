/*===- sparse-capi-test.c - The C API, end to end -------------------------===*/

// RUN: sparse-capi-test 2>&1 | FileCheck %s

// Registers the dialect and passes through the C API, parses, verifies and
// lowers a module with sparse.slice_grad, parses the pipeline, and runs it
// on the tensor form in a context with the pipelines' dependencies.

#include "SliceGrad-c/Dialects.h"

#include "mlir-c/Dialect/Func.h"
#include "mlir-c/IR.h"
#include "mlir-c/Pass.h"
#include "mlir-c/Support.h"

#include <stdio.h>
#include <stdlib.h>

static void print(MlirStringRef str, void *userData) {
  (void)userData;
  fwrite(str.data, 1, str.length, stdout);
}

static void fail(const char *what) {
  fprintf(stderr, "sparse-capi-test: %s\n", what);
  exit(1);
}

static const char *kModule =
    "func.func @grad(%g: memref<?xf32>, %ii: memref<?x2xi64>,\n"
    "    %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {\n"
    "  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>,\n"
    "      memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>\n"
    "  return\n"
    "}\n";

static const char *kTensorModule =
    "func.func @grad(%g: tensor<?xf32>, %ii: tensor<?x2xi64>,\n"
    "    %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf32> {\n"
    "  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>,\n"
    "      tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>\n"
    "  return %r : tensor<?xf32>\n"
    "}\n";

/// sparse-lower-to-llvm on the tensor form: bufferization needs the
/// upstream dialects' models, which sliceGradRegisterPipelineDependencies
/// adds.
static void runPipelineOnTensors(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  sliceGradRegisterDialects(registry);
  sliceGradRegisterPipelineDependencies(registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);
  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kTensorModule));
  if (mlirModuleIsNull(module))
    fail("the tensor module does not parse");
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  if (mlirLogicalResultIsFailure(
          mlirParsePassPipeline(mlirPassManagerGetAsOpPassManager(pm),
                                mlirStringRefCreateFromCString(
                                    "builtin.module(sparse-lower-to-llvm)"),
                                print, NULL)))
    fail("sparse-lower-to-llvm does not parse");
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    fail("sparse-lower-to-llvm failed on the tensor form");
  mlirOperationPrint(mlirModuleGetOperation(module), print, NULL);
  printf("\n");
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
}

int main(void) {
  MlirDialectRegistry registry = mlirDialectRegistryCreate();
  sliceGradRegisterDialects(registry);
  mlirDialectHandleInsertDialect(mlirGetDialectHandle__func__(), registry);
  MlirContext ctx = mlirContextCreateWithRegistry(registry, false);
  mlirDialectRegistryDestroy(registry);

  // The dialect handle loads the dialect by its namespace.
  MlirDialect sparse =
      mlirDialectHandleLoadDialect(mlirGetDialectHandle__sparse__(), ctx);
  MlirStringRef ns = mlirDialectGetNamespace(sparse);
  // CHECK: dialect: sparse
  printf("dialect: %.*s\n", (int)ns.length, ns.data);

  MlirModule module =
      mlirModuleCreateParse(ctx, mlirStringRefCreateFromCString(kModule));
  if (mlirModuleIsNull(module))
    fail("the module does not parse");
  // CHECK: verified: 1
  printf("verified: %d\n", mlirOperationVerify(mlirModuleGetOperation(module)));

  // The registered passes parse from text.
  sliceGradRegisterPasses();
  MlirPassManager pm = mlirPassManagerCreate(ctx);
  MlirOpPassManager opm = mlirPassManagerGetAsOpPassManager(pm);
  MlirLogicalResult parsed = mlirParsePassPipeline(
      opm,
      mlirStringRefCreateFromCString(
          "builtin.module(convert-sparse-to-loops{strategy=parallel})"),
      print, NULL);
  if (mlirLogicalResultIsFailure(parsed))
    fail("the pass pipeline does not parse");
  if (mlirLogicalResultIsFailure(
          mlirPassManagerRunOnOp(pm, mlirModuleGetOperation(module))))
    fail("convert-sparse-to-loops failed");

  // CHECK-LABEL: func.func @grad
  // CHECK: scf.parallel
  // CHECK: vector.load
  // CHECK-NOT: sparse.slice_grad
  mlirOperationPrint(mlirModuleGetOperation(module), print, NULL);
  printf("\n");

  // The pipeline has its own entry point.
  sliceGradRegisterPipelines();
  MlirPassManager pm2 = mlirPassManagerCreate(ctx);
  parsed = mlirParsePassPipeline(
      mlirPassManagerGetAsOpPassManager(pm2),
      mlirStringRefCreateFromCString(
          "builtin.module(sparse-lower-to-llvm{strategy=sequential})"),
      print, NULL);
  // CHECK: pipeline parsed: 1
  printf("pipeline parsed: %d\n", mlirLogicalResultIsSuccess(parsed));

  // CHECK: llvm.func @malloc
  // CHECK-LABEL: llvm.func @grad(
  // CHECK-NOT: sparse.slice_grad
  // CHECK: llvm.return
  runPipelineOnTensors();

  mlirPassManagerDestroy(pm2);
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
