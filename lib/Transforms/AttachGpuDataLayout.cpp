//===- AttachGpuDataLayout.cpp - The NVVM target's layout on gpu.module ---===//
//
// gpu-module-to-binary translates a kernel module to LLVM IR first and sets
// the target machine's data layout after: the translation's loads and
// stores get the alignments of LLVM's default layout (i64 aligned to 4),
// which NVPTX splits in two. The layout given to the module up front is the
// one the target machine sets later.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Triple.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_SPARSEATTACHGPUDATALAYOUTPASS
#include "SliceGrad/Transforms/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;

/// The data layout of `target`'s LLVM target machine, or an error.
static FailureOr<std::string> dataLayoutOf(NVVM::NVVMTargetAttr target,
                                           std::string &error) {
  static const bool initialized = [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
    return true;
  }();
  (void)initialized;
  llvm::Triple triple(target.getTriple());
  const llvm::Target *llvmTarget =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return failure();
  std::unique_ptr<llvm::TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.getChip(), target.getFeatures(), {}, {}));
  if (!machine) {
    error = "no target machine for " + target.getTriple().str();
    return failure();
  }
  return machine->createDataLayout().getStringRepresentation();
}

namespace {
struct SparseAttachGpuDataLayoutPass
    : public sparse::impl::SparseAttachGpuDataLayoutPassBase<
          SparseAttachGpuDataLayoutPass> {
  using Base::Base;

  void runOnOperation() override {
    StringRef name = LLVM::LLVMDialect::getDataLayoutAttrName();
    // One target machine per distinct target: an op's kernels are a
    // gpu.module each, all for the same chip.
    llvm::DenseMap<Attribute, StringAttr> layouts;
    WalkResult result = getOperation()->walk([&](gpu::GPUModuleOp module) {
      ArrayAttr targets = module.getTargetsAttr();
      if (!targets || module->hasAttr(name))
        return WalkResult::advance();
      for (Attribute attr : targets) {
        auto target = dyn_cast<NVVM::NVVMTargetAttr>(attr);
        if (!target)
          continue;
        StringAttr &layout = layouts[target];
        if (!layout) {
          std::string error;
          FailureOr<std::string> text = dataLayoutOf(target, error);
          if (failed(text)) {
            module.emitError("cannot get the data layout of ")
                << target << ": " << error;
            return WalkResult::interrupt();
          }
          layout = StringAttr::get(module.getContext(), *text);
        }
        module->setAttr(name, layout);
        break;
      }
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }
};
} // namespace
