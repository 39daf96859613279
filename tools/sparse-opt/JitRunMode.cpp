//===- JitRunMode.cpp - sparse-opt --run ----------------------------------===//
//
// mlir-runner's flags (-e, --entry-point-result, --shared-libs, -O0..3) and
// iree-run-module's (--input, --output) over SliceGradRunner: the engine
// (createEngine), the arrays (HostArray) and the call through the entry's
// C interface (EntryCall). What stays here is the command line, its
// messages, and MPI around the calls.
//
//===----------------------------------------------------------------------===//

#include "JitRunMode.h"

#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Runner/Engine.h"
#include "SliceGrad/Runner/EntryCall.h"
#include "SliceGrad/Runner/HostArray.h"
#include "SliceGrad/Runner/MPI.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/DebugStringHelper.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/ParseUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

using namespace mlir;
using namespace sparse_opt;
using namespace mlir::sparse::runner;
namespace cl = llvm::cl;

//===----------------------------------------------------------------------===//
// Flags
//===----------------------------------------------------------------------===//

static cl::OptionCategory runCategory(
    "sparse-opt --run: lower, JIT-compile and call an entry function");

static cl::opt<bool> runFlag(
    "run",
    cl::desc("Lower the input (with the passes given, else "
             "sparse-lower-to-llvm) and JIT-execute its entry function"),
    cl::cat(runCategory));

static cl::opt<std::string>
    entryName("e", cl::desc("The entry function (default: main)"),
              cl::value_desc("name"), cl::init("main"), cl::cat(runCategory));

static cl::opt<std::string> entryResult(
    "entry-point-result",
    cl::desc("As in mlir-runner: void, i32, i64 or f32, the result of an "
             "entry without arguments (default: read from its signature)"),
    cl::value_desc("type"), cl::cat(runCategory));

static cl::list<std::string> inputs(
    "input",
    cl::desc("An argument of the entry function, once per argument in "
             "order: @FILE.npy (mapped, not copied) or DIMSxTYPE=VALUES, "
             "e.g. --input=\"3x2xi64=1 2 3 4 5 6\", --input=f32=0.5"),
    cl::value_desc("value"), cl::cat(runCategory));

static cl::list<std::string> outputs(
    "output",
    cl::desc("Where a result goes, once per result in order: @FILE.npy, or "
             "- to print it, or nothing to drop it (results without "
             "--output are printed, in full precision)"),
    cl::value_desc("target"), cl::cat(runCategory));

static cl::opt<unsigned> repeat(
    "repeat",
    cl::desc("Call the entry function N times and print the minimum and "
             "median time of a call to stderr (results are the last call's)"),
    cl::value_desc("N"), cl::init(1), cl::cat(runCategory));

static cl::list<std::string>
    sharedLibs("shared-libs",
               cl::desc("Libraries to load into the JIT (the runner-utils "
                        "libraries and libomp always are)"),
               cl::value_desc("a.so,b.so"), cl::CommaSeparated,
               cl::cat(runCategory));

static cl::opt<bool> optO0("O0", cl::desc("Run opt passes and codegen at O0"),
                           cl::cat(runCategory));
static cl::opt<bool> optO1("O1", cl::desc("Run opt passes and codegen at O1"),
                           cl::cat(runCategory));
static cl::opt<bool> optO2("O2", cl::desc("Run opt passes and codegen at O2"),
                           cl::cat(runCategory));
static cl::opt<bool> optO3("O3", cl::desc("Run opt passes and codegen at O3"),
                           cl::cat(runCategory));

static cl::opt<std::string>
    objectFilename("object-filename",
                   cl::desc("Dump the JIT-compiled object to this file"),
                   cl::value_desc("file"), cl::cat(runCategory));

bool sparse_opt::isRunMode() { return runFlag; }

/// --run's flags, in the order of --help.
static ArrayRef<cl::Option *> runOptions() {
  static cl::Option *const options[] = {&runFlag,
                                        &entryName,
                                        &entryResult,
                                        std::addressof(inputs),
                                        std::addressof(outputs),
                                        &repeat,
                                        std::addressof(sharedLibs),
                                        &optO0,
                                        &optO1,
                                        &optO2,
                                        &optO3,
                                        &objectFilename};
  return options;
}

void sparse_opt::printRunFlagsHelp(llvm::raw_ostream &os) {
  os << "\n" << runCategory.getName() << ":\n";
  os.flush();
  size_t width = 0;
  for (cl::Option *option : runOptions())
    width = std::max(width, option->getOptionWidth());
  // Options print themselves to llvm::outs().
  for (cl::Option *option : runOptions())
    option->printOptionInfo(width);
}

bool sparse_opt::checkRunFlagsUnused() {
  for (cl::Option *option : runOptions().drop_front())
    if (option->getNumOccurrences()) {
      llvm::errs() << "sparse-opt: -" << option->ArgStr
                   << " is a flag of --run; add --run to JIT-execute\n";
      return false;
    }
  return true;
}

//===----------------------------------------------------------------------===//
// The entry function's signature
//===----------------------------------------------------------------------===//

static void fail(const llvm::Twine &message) {
  llvm::errs() << "sparse-opt: " << message << "\n";
}

/// Checks that `array`, the value given for argument `index` of type
/// `type`, fits it.
static bool checkInput(const HostArray &array, Type type, unsigned index,
                       StringRef spelling, StringRef function) {
  llvm::Error error = checkArgument(array, type);
  if (!error)
    return true;
  fail("--input #" + llvm::Twine(index + 1) + " (" + spelling +
       ") does not fit argument #" + llvm::Twine(index + 1) + " of @" +
       function + ", " + debugString(type) + ": " +
       llvm::toString(std::move(error)));
  return false;
}

//===----------------------------------------------------------------------===//
// The run
//===----------------------------------------------------------------------===//

static std::optional<unsigned> optLevel() {
  const cl::opt<bool> *flags[] = {&optO0, &optO1, &optO2, &optO3};
  for (unsigned level = 0; level < 4; ++level)
    if (*flags[level])
      return level;
  return std::nullopt;
}

/// The runner-utils libraries (printMemref* etc.), libomp for the default
/// pipeline's threads, and the mgpu* wrappers for GPU code next to our
/// other libraries where CUDA was found at build time (loading them
/// touches no GPU); otherwise stand-ins that stop GPU code with a clear
/// message. Then the user's libraries. A default library missing where the
/// build found it is taken from beside our own (a relocated copy of the
/// tools, such as scripts/gpu-bundle.sh's).
static std::vector<std::string> jitLibraries() {
  static int anchor;
  llvm::SmallString<256> libDir(llvm::sys::path::parent_path(
      llvm::sys::fs::getMainExecutable("sparse-opt", &anchor)));
  llvm::sys::path::append(libDir, "..", "lib");
  std::vector<std::string> libs;
  SmallVector<StringRef> defaults;
  StringRef(SLICE_GRAD_DEFAULT_SHARED_LIBS).split(defaults, ',', -1, false);
  for (StringRef lib : defaults) {
    llvm::SmallString<256> beside(libDir);
    llvm::sys::path::append(beside, llvm::sys::path::filename(lib));
    bool moved = !llvm::sys::fs::exists(lib) && llvm::sys::fs::exists(beside);
    libs.push_back(moved ? beside.str().str() : lib.str());
  }
  llvm::SmallString<256> cudaRuntime(libDir), noCudaRuntime(libDir);
  llvm::sys::path::append(cudaRuntime, "libSliceGradCudaRuntime.so");
  llvm::sys::path::append(noCudaRuntime, "libSliceGradNoCudaRuntime.so");
  if (llvm::sys::fs::exists(cudaRuntime) &&
      !std::getenv("SLICE_GRAD_NO_CUDA_RUNTIME"))
    libs.push_back(cudaRuntime.str().str());
  else if (llvm::sys::fs::exists(noCudaRuntime))
    libs.push_back(noCudaRuntime.str().str());
  for (const std::string &lib : sharedLibs)
    libs.push_back(lib);
  return libs;
}

/// Lowers `module` with the command line's passes, or the default pipeline.
static LogicalResult lower(ModuleOp module, const MlirOptMainConfig &config) {
  PassManager pm(module->getContext(), ModuleOp::getOperationName());
  if (failed(applyPassManagerCLOptions(pm)) ||
      failed(config.setupPassPipeline(pm)))
    return failure();
  if (pm.size() == 0)
    sparse::buildSparseLowerToLLVMPipeline(pm,
                                           sparse::SparseLowerToLLVMOptions());
  return pm.run(module);
}

namespace {
/// How the entry function is called.
enum class CallKind { Void, I32, I64, F32, Arrays };
} // namespace

static std::optional<CallKind> runnerKind(StringRef name) {
  return llvm::StringSwitch<std::optional<CallKind>>(name)
      .Case("void", CallKind::Void)
      .Case("i32", CallKind::I32)
      .Case("i64", CallKind::I64)
      .Case("f32", CallKind::F32)
      .Default(std::nullopt);
}

/// mlir-runner's kind of a function without arguments, if it has one.
static std::optional<CallKind> runnerKindOf(FunctionType type) {
  if (type.getNumInputs() != 0 || type.getNumResults() > 1)
    return std::nullopt;
  if (type.getNumResults() == 0)
    return CallKind::Void;
  Type result = type.getResult(0);
  if (result.isInteger(32))
    return CallKind::I32;
  if (result.isInteger(64))
    return CallKind::I64;
  if (result.isF32())
    return CallKind::F32;
  return std::nullopt;
}

static FunctionType signatureOf(Operation *entry) {
  if (auto func = dyn_cast<func::FuncOp>(entry))
    return func.getFunctionType();
  auto llvmFunc = cast<LLVM::LLVMFuncOp>(entry);
  LLVM::LLVMFunctionType type = llvmFunc.getFunctionType();
  SmallVector<Type> results;
  if (!isa<LLVM::LLVMVoidType>(type.getReturnType()))
    results.push_back(type.getReturnType());
  return FunctionType::get(entry->getContext(), type.getParams(), results);
}

static int runJitInProcess(StringRef inputFilename, DialectRegistry &registry,
                           bool &usesMPI);

int sparse_opt::runJit(StringRef inputFilename, DialectRegistry &registry) {
  bool usesMPI = false;
  int status = runJitInProcess(inputFilename, registry, usesMPI);
  if (status != EXIT_SUCCESS && usesMPI && launchedAsOneOfSeveral())
    abortMPIJob(sharedLibs);
  return status;
}

static int runJitInProcess(StringRef inputFilename, DialectRegistry &registry,
                           bool &usesMPI) {
  // An engine would warn about a library it cannot load and fail later on
  // the first missing symbol; stop here instead.
  std::vector<std::string> libraries = jitLibraries();
  for (const std::string &lib : sharedLibs) {
    if (!llvm::sys::fs::exists(lib)) {
      fail("--shared-libs: no such file: " + lib);
      return EXIT_FAILURE;
    }
    std::string error;
    if (!llvm::sys::DynamicLibrary::getPermanentLibrary(lib.c_str(), &error)
             .isValid()) {
      fail("--shared-libs: cannot load " + lib + ": " + error);
      return EXIT_FAILURE;
    }
  }
  if (!objectFilename.empty()) {
    // The engine only warns when it cannot write the object.
    StringRef dir = llvm::sys::path::parent_path(objectFilename);
    if (dir.empty())
      dir = ".";
    if (!llvm::sys::fs::is_directory(dir) ||
        llvm::sys::fs::is_directory(objectFilename.getValue()) ||
        llvm::sys::fs::access(dir, llvm::sys::fs::AccessMode::Write)) {
      fail("--object-filename: cannot write " + objectFilename +
           (llvm::sys::fs::is_directory(dir) ? "" : ": no such directory"));
      return EXIT_FAILURE;
    }
  }
  if (repeat == 0) {
    fail("--repeat must be at least 1");
    return EXIT_FAILURE;
  }
  std::optional<CallKind> requested;
  if (!entryResult.empty() && !(requested = runnerKind(entryResult))) {
    fail("--entry-point-result must be void, i32, i64 or f32 (mlir-runner's "
         "kinds); leave it out to call a function with arguments or array "
         "results");
    return EXIT_FAILURE;
  }

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  MlirOptMainConfig config = MlirOptMainConfig::createFromCLOptions();
  MLIRContext context(registry);
  context.allowUnregisteredDialects(config.shouldAllowUnregisteredDialects());

  std::string errorMessage;
  std::unique_ptr<llvm::MemoryBuffer> file =
      openInputFile(inputFilename, &errorMessage);
  if (!file) {
    fail(errorMessage);
    return EXIT_FAILURE;
  }
  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  sourceMgr->AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(*sourceMgr, &context);
  OwningOpRef<Operation *> parsed = parseSourceFileForTool(
      sourceMgr, ParserConfig(&context), !config.shouldUseExplicitModule());
  if (!parsed)
    return EXIT_FAILURE;
  auto module = dyn_cast<ModuleOp>(parsed.get());
  if (!module) {
    fail("the input's top-level operation is not a builtin.module");
    return EXIT_FAILURE;
  }
  usesMPI = callsMPI(module);

  // The entry and how to call it, checked before anything is compiled.
  Operation *entry = SymbolTable::lookupSymbolIn(module, entryName);
  auto function = dyn_cast_or_null<FunctionOpInterface>(entry);
  if (!function || function.isExternal() ||
      !isa<func::FuncOp, LLVM::LLVMFuncOp>(entry)) {
    std::string names;
    module.walk([&](FunctionOpInterface f) {
      if (!f.isExternal() && f->getParentOp() == module.getOperation())
        names += (names.empty() ? "@" : ", @") + f.getName().str();
    });
    fail("entry point @" + entryName + " not found in " + inputFilename +
         " (functions: " + (names.empty() ? "none" : names) +
         "; -e names the one to call)");
    return EXIT_FAILURE;
  }
  FunctionType signature = signatureOf(entry);
  std::optional<CallKind> runnerCall = runnerKindOf(signature);
  CallKind call = CallKind::Arrays;
  if (requested) {
    if (runnerCall != requested || !inputs.empty() || !outputs.empty()) {
      fail("--entry-point-result=" + entryResult + " does not fit @" +
           entryName + " : " + debugString(signature) +
           "; leave it out to call the function by its signature "
           "(--input for its arguments)");
      return EXIT_FAILURE;
    }
    call = *requested;
  } else if (runnerCall && inputs.empty() && outputs.empty()) {
    // What mlir-runner would call prints what mlir-runner prints.
    call = *runnerCall;
  }

  std::vector<HostArray> arguments;
  if (call == CallKind::Arrays) {
    if (!isa<func::FuncOp>(entry)) {
      fail("@" + entryName +
           " is already an llvm.func: --input and "
           "array results need the entry as a func.func before lowering");
      return EXIT_FAILURE;
    }
    if (inputs.size() != signature.getNumInputs()) {
      fail("@" + entryName + " : " + debugString(signature) + " takes " +
           llvm::Twine(signature.getNumInputs()) + " arguments, " +
           llvm::Twine(inputs.size()) + " --input given");
      return EXIT_FAILURE;
    }
    if (outputs.size() > signature.getNumResults()) {
      fail("@" + entryName + " : " + debugString(signature) + " has " +
           llvm::Twine(signature.getNumResults()) + " results, " +
           llvm::Twine(outputs.size()) + " --output given");
      return EXIT_FAILURE;
    }
    for (auto [i, target] : llvm::enumerate(outputs))
      if (!target.empty() && target != "-" &&
          !StringRef(target).starts_with("@")) {
        fail("--output #" + llvm::Twine(i + 1) + " is '" + target +
             "': give @FILE.npy, - (print) or nothing (drop)");
        return EXIT_FAILURE;
      }
    for (auto [i, type] : llvm::enumerate(signature.getResults()))
      if (!isHostValueType(type)) {
        fail("result #" + llvm::Twine(i + 1) + " of @" + entryName + " is " +
             debugString(type) +
             "; --run returns arrays and scalars of number types");
        return EXIT_FAILURE;
      }
    for (auto [i, text] : llvm::enumerate(inputs)) {
      StringRef spelling(text);
      llvm::Expected<HostArray> array =
          spelling.starts_with("@") ? readNpy(spelling.drop_front())
                                    : parseInlineArray(spelling, &context);
      if (!array) {
        fail("--input #" + llvm::Twine(i + 1) + ": " +
             llvm::toString(array.takeError()));
        return EXIT_FAILURE;
      }
      if (!checkInput(*array, signature.getInput(i), i, spelling, entryName))
        return EXIT_FAILURE;
      arguments.push_back(std::move(*array));
    }
    entry->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                   UnitAttr::get(&context));
  }

  if (failed(lower(module, config)))
    return EXIT_FAILURE;

  // A program lowered from the shard dialect calls MPI (under mpirun):
  // load MPICH's library unless --shared-libs names an MPI library, and
  // initialize MPI around the calls.
  usesMPI = false;
  module.walk([&](LLVM::LLVMFuncOp func) {
    if (func.isExternal() && func.getName().starts_with("MPI_"))
      usesMPI = true;
  });
  if (usesMPI)
    if (llvm::Error error = loadMPILibrary(sharedLibs)) {
      fail(llvm::toString(std::move(error)));
      return EXIT_FAILURE;
    }

  // JIT-compile.
  EngineOptions engineOptions;
  engineOptions.optLevel = optLevel();
  engineOptions.sharedLibs = libraries;
  engineOptions.enableObjectDump = !objectFilename.empty();
  auto engine = createEngine(module, engineOptions);
  if (!engine) {
    fail("JIT compilation failed: " + llvm::toString(engine.takeError()));
    return EXIT_FAILURE;
  }
  std::unique_ptr<MPISession> mpi;
  if (usesMPI) {
    auto session = MPISession::start();
    if (!session) {
      fail(llvm::toString(session.takeError()));
      return EXIT_FAILURE;
    }
    mpi = std::move(*session);
  }

  // An entry with arguments or array results: through its C interface.
  // Otherwise mlir-runner's call: the function itself, its scalar result
  // (if any) returned here.
  std::optional<EntryCall> entryCall;
  int64_t scalarResult = 0;
  SmallVector<void *> packed;
  if (call == CallKind::Arrays)
    entryCall.emplace(signature, arguments);
  else if (call != CallKind::Void)
    packed.push_back(&scalarResult);
  auto invoke = [&]() -> llvm::Error {
    if (entryCall)
      return entryCall->invoke(**engine, entryName);
    return (*engine)->invokePacked(entryName, packed);
  };

  std::vector<double> times;
  for (unsigned iteration = 0; iteration < repeat; ++iteration) {
    auto start = std::chrono::steady_clock::now();
    if (llvm::Error error = invoke()) {
      fail("cannot call @" + entryName + ": " +
           llvm::toString(std::move(error)));
      return EXIT_FAILURE;
    }
    times.push_back(std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - start)
                        .count());
  }
  if (repeat > 1) {
    std::sort(times.begin(), times.end());
    llvm::errs() << llvm::formatv(
        "sparse-opt: @{0}: {1} calls: min {2:f3} ms, median {3:f3} ms\n",
        entryName.getValue(), times.size(), times.front(),
        times[times.size() / 2]);
  }
  int status = EXIT_SUCCESS;
  if (!objectFilename.empty()) {
    (*engine)->dumpToObjectFile(objectFilename);
    if (!llvm::sys::fs::exists(objectFilename)) {
      fail("--object-filename: " + objectFilename + " was not written");
      status = EXIT_FAILURE;
    }
  }

  // Results, as mlir-runner prints them for its kinds.
  switch (call) {
  case CallKind::Void:
    return status;
  case CallKind::I32:
    llvm::outs() << *reinterpret_cast<int32_t *>(&scalarResult) << "\n";
    return status;
  case CallKind::I64:
    llvm::outs() << scalarResult << "\n";
    return status;
  case CallKind::F32:
    llvm::outs() << *reinterpret_cast<float *>(&scalarResult) << "\n";
    return status;
  case CallKind::Arrays:
    break;
  }
  for (auto [i, view] : llvm::enumerate(entryCall->results())) {
    StringRef target = i < outputs.size() ? StringRef(outputs[i]) : "-";
    if (target == "-") {
      llvm::outs() << "result[" << i << "]: ";
      printArray(llvm::outs(), view);
      llvm::outs() << "\n";
    } else if (target.consume_front("@")) {
      if (llvm::Error error = writeNpy(target, view)) {
        fail("--output #" + llvm::Twine(i + 1) + ": " +
             llvm::toString(std::move(error)));
        status = EXIT_FAILURE;
      }
    }
  }
  llvm::outs().flush();
  return status;
}
