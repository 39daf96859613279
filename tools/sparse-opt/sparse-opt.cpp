//===- sparse-opt.cpp - The sparse dialect's opt driver and JIT runner ----===//
//
// Without --run: mlir-opt with every upstream dialect and pass plus ours.
// With --run: lower the module and JIT-execute its entry function, with
// mlir-runner's and iree-run-module's flags (see JitRunMode.cpp).
//
//===----------------------------------------------------------------------===//

#include "JitRunMode.h"

#include "SliceGrad/InitSliceGrad.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/thread.h"

/// The parser, the verifier and the passes recurse once per nesting level:
/// deeply nested input (10^4 regions, 10^5 parentheses) overflowed the
/// default 8 MiB stack. Only the pages used are committed.
static constexpr unsigned kStackBytes = 1u << 30;

static llvm::cl::opt<bool> helpSparse(
    "help-sparse",
    llvm::cl::desc("List only this project's passes and pipelines and the "
                   "flags of --run (--help lists everything)"),
    llvm::cl::ValueDisallowed);

static int sparseOptMain(int argc, char **argv) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::sparse::registerSliceGradDialects(registry);
  // gpu-module-to-binary translates kernels to LLVM IR.
  mlir::registerAllToLLVMIRTranslations(registry);
  mlir::registerAllPasses();
  mlir::sparse::registerSliceGradPasses();
  mlir::sparse::registerSliceGradPipelines();

  auto [inputFilename, outputFilename] = mlir::registerAndParseCLIOptions(
      argc, argv,
      "sparse-opt: optimizer driver for the sparse dialect (add --run to "
      "JIT-execute)\n",
      registry);
  if (helpSparse) {
    mlir::sparse::printSliceGradPassHelp(llvm::outs());
    sparse_opt::printRunFlagsHelp(llvm::outs());
    return 0;
  }
  if (sparse_opt::isRunMode())
    return sparse_opt::runJit(inputFilename, registry);
  if (!sparse_opt::checkRunFlagsUnused())
    return 1;
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, inputFilename, outputFilename, registry));
}

int main(int argc, char **argv) {
  // A crash (both modes) prints what happened and where.
  llvm::InitLLVM initLLVM(argc, argv);
  int result = 1;
  llvm::thread worker(std::optional<unsigned>(kStackBytes),
                      [&] { result = sparseOptMain(argc, argv); });
  worker.join();
  return result;
}
