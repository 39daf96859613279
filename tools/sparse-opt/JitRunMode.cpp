//===- JitRunMode.cpp - sparse-opt --run ----------------------------------===//
//
// Hands off to mlir::JitRunnerMain, so --run takes mlir-runner's flags with
// their defaults (-e main, --entry-point-result=f32, --shared-libs, -O0..3),
// plus the pass flags of sparse-opt to replace the default pipeline. The
// runner-utils libraries are always loaded, and the symbol that lowered
// run-time checks call is provided by this process.
//
//===----------------------------------------------------------------------===//

#include "JitRunMode.h"

#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include "mlir/ExecutionEngine/JitRunner.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

using namespace mlir;

static bool isRunFlag(const char *arg) {
  return std::strcmp(arg, "--run") == 0 || std::strcmp(arg, "-run") == 0;
}

bool isRunMode(int argc, char **argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--") == 0)
      return false;
    if (isRunFlag(argv[i]))
      return true;
  }
  return false;
}

/// The libraries named by --shared-libs (=a,b or a following argument).
static std::vector<std::string> sharedLibs(int argc, char **argv) {
  std::vector<std::string> libs;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg == "--")
      break;
    llvm::StringRef list;
    if (arg.consume_front("--shared-libs") || arg.consume_front("-shared-libs")) {
      if (arg.consume_front("="))
        list = arg;
      else if (arg.empty() && i + 1 < argc)
        list = argv[++i];
    }
    llvm::SmallVector<llvm::StringRef> parts;
    list.split(parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
    for (llvm::StringRef part : parts)
      libs.push_back(part.str());
  }
  return libs;
}

int runJit(int argc, char **argv, DialectRegistry &registry) {
  // mlir-runner only warns about a library it cannot find and runs on,
  // which then fails on the first missing symbol; stop here instead.
  for (const std::string &lib : sharedLibs(argc, argv))
    if (!llvm::sys::fs::exists(lib)) {
      llvm::errs() << "sparse-opt: --shared-libs: no such file: " << lib
                   << "\n";
      return EXIT_FAILURE;
    }

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  registerAllToLLVMIRTranslations(registry);

  // Pass flags (and --pass-pipeline) replace the default pipeline.
  PassPipelineCLParser passPipeline("", "Passes to run before the JIT "
                                        "(default: sparse-lower-to-llvm)");
  registerPassManagerCLOptions();
  registerMLIRContextCLOptions();
  registerAsmPrinterCLOptions();
  llvm::cl::opt<bool> run("run",
                          llvm::cl::desc("Lower the input and JIT-execute its "
                                         "entry function, like mlir-runner"));

  // The runner-utils libraries come first so that printMemref* always
  // resolves; libraries named with --shared-libs add to them.
  std::string defaultLibs =
      std::string("--shared-libs=") + SLICE_GRAD_DEFAULT_SHARED_LIBS;
  // The mgpu* wrappers for GPU code (sparse-to-nvvm), next to our other
  // libraries (build tree or install prefix) where CUDA was found at build
  // time; loading them touches no GPU. Otherwise (or with
  // SLICE_GRAD_NO_CUDA_RUNTIME set) stand-ins that stop GPU code with a
  // clear message.
  static int anchor;
  llvm::SmallString<256> libDir(llvm::sys::path::parent_path(
      llvm::sys::fs::getMainExecutable(argv[0], &anchor)));
  llvm::sys::path::append(libDir, "..", "lib");
  llvm::SmallString<256> cudaRuntime(libDir), noCudaRuntime(libDir);
  llvm::sys::path::append(cudaRuntime, "libSliceGradCudaRuntime.so");
  llvm::sys::path::append(noCudaRuntime, "libSliceGradNoCudaRuntime.so");
  if (llvm::sys::fs::exists(cudaRuntime) &&
      !std::getenv("SLICE_GRAD_NO_CUDA_RUNTIME"))
    defaultLibs += "," + std::string(cudaRuntime);
  else if (llvm::sys::fs::exists(noCudaRuntime))
    defaultLibs += "," + std::string(noCudaRuntime);
  std::vector<char *> args(argv, argv + argc);
  args.insert(args.begin() + 1, defaultLibs.data());

  auto transform = [&](Operation *op, JitRunnerOptions &) -> LogicalResult {
    PassManager pm(op->getContext(), ModuleOp::getOperationName());
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    if (passPipeline.hasAnyOccurrences()) {
      auto errorHandler = [&](const llvm::Twine &msg) {
        return emitError(UnknownLoc::get(pm.getContext())) << msg;
      };
      if (failed(passPipeline.addToPipeline(pm, errorHandler)))
        return failure();
    } else {
      sparse::buildSparseLowerToLLVMPipeline(
          pm, sparse::SparseLowerToLLVMOptions());
    }
    return pm.run(op);
  };

  auto runtimeSymbols = [](llvm::orc::MangleAndInterner interner) {
    llvm::orc::SymbolMap symbols;
    symbols[interner(kSparseSliceGradCheckFailedName)] = {
        llvm::orc::ExecutorAddr::fromPtr(&sparseSliceGradCheckFailed),
        llvm::JITSymbolFlags::Exported};
    symbols[interner(std::string("_mlir_ciface_") +
                     kSparseSliceGradShapeCheckFailedName)] = {
        llvm::orc::ExecutorAddr::fromPtr(
            &_mlir_ciface_sparseSliceGradShapeCheckFailed),
        llvm::JITSymbolFlags::Exported};
    return symbols;
  };

  JitRunnerConfig config;
  config.mlirTransformer = transform;
  config.runtimesymbolMap = runtimeSymbols;
  return JitRunnerMain(static_cast<int>(args.size()), args.data(), registry,
                       config);
}
