//===- Engine.cpp - JIT-compiling lowered code for the host ---------------===//

#include "SliceGrad/Runner/Engine.h"
#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include "mlir/ExecutionEngine/OptUtils.h"

#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"

using namespace mlir;

namespace {
/// The runtime's entry points, from this process: the JIT then finds them
/// whether or not the process exports its symbols.
llvm::orc::SymbolMap runtimeSymbols(llvm::orc::MangleAndInterner interner) {
  auto entry = [](auto *fn) {
    return llvm::orc::ExecutorSymbolDef(llvm::orc::ExecutorAddr::fromPtr(fn),
                                        llvm::JITSymbolFlags::Exported);
  };
  std::string ciface = "_mlir_ciface_";
  llvm::orc::SymbolMap symbols;
  symbols[interner(kSparseSliceGradCheckFailedName)] =
      entry(&sparseSliceGradCheckFailed);
  symbols[interner(ciface + kSparseSliceGradShapeCheckFailedName)] =
      entry(&_mlir_ciface_sparseSliceGradShapeCheckFailed);
  symbols[interner(ciface + kSparseAllocationFailedName)] =
      entry(&_mlir_ciface_sparseAllocationFailed);
  symbols[interner(ciface + kSparseSliceCheckAndShapeName)] =
      entry(&_mlir_ciface_sparseSliceCheckAndShape);
  symbols[interner(ciface + kSparseSliceGradSplitPlanName)] =
      entry(&_mlir_ciface_sparseSliceGradSplitPlan);
  return symbols;
}
} // namespace

llvm::Expected<std::unique_ptr<ExecutionEngine>>
mlir::sparse::runner::createEngine(ModuleOp module,
                                   const EngineOptions &options) {
  auto machineBuilder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!machineBuilder)
    return machineBuilder.takeError();
  std::optional<llvm::CodeGenOptLevel> codeGenLevel;
  if (options.optLevel)
    codeGenLevel = static_cast<llvm::CodeGenOptLevel>(*options.optLevel);
  if (codeGenLevel)
    machineBuilder->setCodeGenOptLevel(*codeGenLevel);
  auto machine = machineBuilder->createTargetMachine();
  if (!machine)
    return machine.takeError();
  auto transformer = makeOptimizingTransformer(options.optLevel.value_or(0), 0,
                                               machine->get());
  std::vector<StringRef> libraries(options.sharedLibs.begin(),
                                   options.sharedLibs.end());
  ExecutionEngineOptions engineOptions;
  engineOptions.transformer = transformer;
  engineOptions.jitCodeGenOptLevel = codeGenLevel;
  engineOptions.sharedLibPaths = libraries;
  engineOptions.enableObjectDump = options.enableObjectDump;
  auto engine =
      ExecutionEngine::create(module, engineOptions, std::move(*machine));
  if (!engine)
    return engine.takeError();
  (*engine)->registerSymbols(runtimeSymbols);
  (*engine)->initialize();
  return std::move(*engine);
}
