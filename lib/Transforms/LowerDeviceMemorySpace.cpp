//===- LowerDeviceMemorySpace.cpp - Device memory as address space 1 ------===//
//
// MLIR 22 maps the GPU memory spaces only inside kernels
// (convert-gpu-to-nvvm); the host code of a function with device-resident
// memref arguments needs the same integer address space.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Transforms/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/AttrTypeSubElements.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_SPARSELOWERDEVICEMEMORYSPACEPASS
#include "SliceGrad/Transforms/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;

namespace {
struct SparseLowerDeviceMemorySpacePass
    : public sparse::impl::SparseLowerDeviceMemorySpacePassBase<
          SparseLowerDeviceMemorySpacePass> {
  using Base::Base;

  void runOnOperation() override {
    auto global = IntegerAttr::get(IntegerType::get(&getContext(), 64), 1);
    AttrTypeReplacer replacer;
    replacer.addReplacement(
        [&](gpu::AddressSpaceAttr space) -> std::optional<Attribute> {
          if (space.getValue() != gpu::AddressSpace::Global)
            return std::nullopt;
          return global;
        });
    replacer.recursivelyReplaceElementsIn(getOperation(),
                                          /*replaceAttrs=*/true,
                                          /*replaceLocs=*/false,
                                          /*replaceTypes=*/true);
  }
};
} // namespace
