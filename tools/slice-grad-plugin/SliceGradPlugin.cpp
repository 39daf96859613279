//===- SliceGradPlugin.cpp - The project as a plugin of stock tools -------===//
//
// Loaded by a stock mlir-opt (`--load-dialect-plugin`, `--load-pass-plugin`
// with this one library): the sparse dialect with its bufferization model,
// its passes and its pipelines.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/InitSliceGrad.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/Plugins/DialectPlugin.h"
#include "mlir/Tools/Plugins/PassPlugin.h"

#include "llvm/Config/llvm-config.h"

extern "C" LLVM_ATTRIBUTE_WEAK mlir::DialectPluginLibraryInfo
mlirGetDialectPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "SliceGrad", LLVM_VERSION_STRING,
          [](mlir::DialectRegistry *registry) {
            mlir::sparse::registerSliceGradDialects(*registry);
          }};
}

extern "C" LLVM_ATTRIBUTE_WEAK mlir::PassPluginLibraryInfo
mlirGetPassPluginInfo() {
  return {MLIR_PLUGIN_API_VERSION, "SliceGrad", LLVM_VERSION_STRING, []() {
            mlir::sparse::registerSliceGradPasses();
            mlir::sparse::registerSliceGradPipelines();
          }};
}
