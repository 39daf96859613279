/*===- sparse-capi-test.c - The C API, end to end -------------------------===*/

// RUN: sparse-capi-test 2>&1 | FileCheck %s

// Registers the dialect and passes through the C API, parses, verifies and
// lowers a module with sparse.slice_grad, and parses the pipeline.

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

  mlirPassManagerDestroy(pm2);
  mlirPassManagerDestroy(pm);
  mlirModuleDestroy(module);
  mlirContextDestroy(ctx);
  return 0;
}
