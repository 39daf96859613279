//===- consumer.cpp - A host compiler using the installed package ---------===//
//
// Registers the sparse dialect and passes with the C++ entry points, parses
// the module given on the command line, runs the passes given second on it
// (a textual pipeline without the builtin.module anchor) and prints the
// result.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/InitSliceGrad.h"
#include "SliceGrad/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/raw_ostream.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    llvm::errs() << "usage: slice-grad-consumer FILE.mlir PASSES\n";
    return 2;
  }
  mlir::DialectRegistry registry;
  registry.insert<mlir::func::FuncDialect>();
  mlir::sparse::registerSliceGradDialects(registry);
  mlir::sparse::registerSliceGradPasses();
  mlir::sparse::registerSliceGradPipelines();
  mlir::MLIRContext context(registry);

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceFile<mlir::ModuleOp>(argv[1], &context);
  if (!module)
    return 1;
  mlir::PassManager pm(&context, mlir::ModuleOp::getOperationName());
  // "options-struct": the C++ way in, the pipeline built from its options
  // struct (the installed Pipelines.h with what it includes).
  if (llvm::StringRef(argv[2]) == "options-struct") {
    mlir::sparse::SparseLowerToLLVMOptions options;
    options.strategy = mlir::sparse::SliceGradStrategy::Sequential;
    mlir::sparse::buildSparseLowerToLLVMPipeline(pm, options);
  } else if (mlir::failed(mlir::parsePassPipeline(argv[2], pm, llvm::errs()))) {
    return 1;
  }
  if (mlir::failed(pm.run(*module)))
    return 1;
  module->print(llvm::outs());
  llvm::outs() << "\n";
  return 0;
}
