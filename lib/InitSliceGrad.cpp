//===- InitSliceGrad.cpp - Register the project with a host ---------------===//

#include "SliceGrad/InitSliceGrad.h"
#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGrad/Dialect/Sparse/Transforms/BufferizableOpInterfaceImpl.h"
#include "SliceGrad/Dialect/Sparse/Transforms/ShardingInterfaceImpl.h"
#include "SliceGrad/Pipelines/Pipelines.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Pass/PassRegistry.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;

/// The project's passes (defined in Passes.td, which registers them), for
/// --help-sparse; test/sparse-opt/help.mlir checks that it names them all.
static std::unique_ptr<Pass> (*const kPassCreators[])() = {
    [] { return sparse::createConvertSparseToLoopsPass(); },
    [] { return sparse::createConvertSparseToGPUPass(); },
    [] { return sparse::createConvertTFToSparsePass(); },
};

void mlir::sparse::registerSliceGradDialects(DialectRegistry &registry) {
  registry.insert<SparseDialect>();
  registerBufferizableOpInterfaceExternalModels(registry);
  registerShardingInterfaceExternalModels(registry);
}

void mlir::sparse::registerSliceGradPasses() {
  registerSliceGradConversionPasses();
}

void mlir::sparse::registerSliceGradPipelines() { registerSparsePipelines(); }

void mlir::sparse::printSliceGradPassHelp(llvm::raw_ostream &os) {
  // The columns of --help.
  constexpr size_t indent = 2, descIndent = 40;
  os << "Passes:\n";
  for (auto create : kPassCreators)
    if (const PassInfo *info = PassInfo::lookup(create()->getArgument()))
      info->printHelpStr(indent, descIndent);
  os << "Pipelines:\n";
  for (StringRef name : kSparsePipelineNames)
    if (const PassPipelineInfo *info = PassPipelineInfo::lookup(name))
      info->printHelpStr(indent, descIndent);
}
