//===- ConversionDriver.cpp - The body of the lowering passes -------------===//

#include "ConversionDriver.h"
#include "RuntimeCalls.h"

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

LogicalResult
lowering::lowerSliceGradOps(ModuleOp module, StringRef passName,
                            int64_t chunkRows,
                            function_ref<void(RewritePatternSet &)> addPatterns,
                            bool deviceMemory, bool lowersScatter) {
  if (chunkRows < 1)
    return emitError(module.getLoc())
           << passName << ": chunk-rows must be at least 1, got " << chunkRows;
  // Name the reason before the generic "failed to legalize" error.
  bool found = false;
  WalkResult walk = module.walk([&](Operation *op) {
    if (!isa<SliceGradOp, SliceGradCountOp, SliceGradResumeOp,
             SliceGradGlobalChecksOp, SliceOp, SliceGradScatterOp>(op))
      return WalkResult::advance();
    if (!lowersScatter && isa<SliceGradScatterOp>(op)) {
      if (!deviceMemory)
        return WalkResult::advance();
      op->emitOpError("has no GPU lowering yet: lower the fused pair on the "
                      "host with sparse-lower-to-llvm");
      return WalkResult::interrupt();
    }
    found = true;
    if (!deviceMemory && llvm::any_of(op->getOperandTypes(), [](Type t) {
          auto memref = dyn_cast<MemRefType>(t);
          return memref && isDeviceMemorySpace(memref.getMemorySpace());
        })) {
      op->emitOpError("has operands in device memory "
                      "(#gpu.address_space<global>), which code on CPU "
                      "threads cannot read: lower it with "
                      "convert-sparse-to-gpu (the sparse-to-nvvm pipeline)");
      return WalkResult::interrupt();
    }
    if (llvm::none_of(op->getOperandTypes(), llvm::IsaPred<RankedTensorType>))
      return WalkResult::advance();
    InFlightDiagnostic diag = op->emitOpError(
        "on tensors must be bufferized first (one-shot-bufferize)");
    // Module bufferization handles the functions of the module it runs on,
    // not those of nested modules.
    if (op->getParentOfType<ModuleOp>() != module)
      diag.attachNote(op->getParentOfType<ModuleOp>().getLoc())
          << "the op is in a nested module, which the pipeline's "
             "bufferization does not visit: run the pipeline on that module, "
             "e.g. --pass-pipeline='builtin.module(builtin.module("
             "sparse-lower-to-llvm))'";
    return WalkResult::interrupt();
  });
  if (walk.wasInterrupted())
    return failure();
  if (!found)
    return success();
  OpBuilder builder(module.getContext());
  declareRuntimeFunctions(module, builder);

  ConversionTarget target(*module.getContext());
  target.addIllegalOp<SliceGradOp, SliceGradCountOp, SliceGradResumeOp,
                      SliceGradGlobalChecksOp, SliceOp>();
  if (lowersScatter)
    target.addIllegalOp<SliceGradScatterOp>();
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  RewritePatternSet patterns(module.getContext());
  addPatterns(patterns);
  return applyPartialConversion(module, target, std::move(patterns));
}
