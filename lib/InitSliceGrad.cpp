//===- InitSliceGrad.cpp - Register the project with a host ---------------===//

#include "SliceGrad/InitSliceGrad.h"
#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGrad/Dialect/Sparse/Transforms/BufferizableOpInterfaceImpl.h"
#include "SliceGrad/Dialect/Sparse/Transforms/ShardingInterfaceImpl.h"
#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Transforms/Passes.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

/// The arguments of the project's passes, read from the Passes.td files at
/// configure time, for --help-sparse.
static constexpr StringLiteral kPassArguments[] = {
#include "SliceGrad/PassArguments.inc"
};

void mlir::sparse::registerSliceGradDialects(DialectRegistry &registry) {
  registry.insert<SparseDialect>();
  registerBufferizableOpInterfaceExternalModels(registry);
  registerShardingInterfaceExternalModels(registry);
}

void mlir::sparse::registerSliceGradPasses() {
  registerSliceGradConversionPasses();
  registerSliceGradTransformsPasses();
}

void mlir::sparse::registerSliceGradPipelines() { registerSparsePipelines(); }

void mlir::sparse::printSliceGradPassHelp(llvm::raw_ostream &os) {
  // The columns of --help.
  constexpr size_t indent = 2, descIndent = 40;
  os << "Passes:\n";
  for (StringRef argument : kPassArguments)
    if (const PassInfo *info = PassInfo::lookup(argument))
      info->printHelpStr(indent, descIndent);
  os << "Pipelines:\n";
  for (StringRef name : kSparsePipelineNames)
    if (const PassPipelineInfo *info = PassPipelineInfo::lookup(name))
      info->printHelpStr(indent, descIndent);
}
