//===- CheckSliceGradSharded.cpp - Our ops left unsharded -----------------===//
//
// MLIR 22's sharding-propagation reports an operand sharding the op does
// not support but succeeds, and shard-partition then crashes on the op
// without annotations: stop the pipeline with a diagnostic instead.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Transforms/Passes.h"

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Shard/IR/ShardDialect.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_SPARSECHECKSLICEGRADSHARDEDPASS
#include "SliceGrad/Transforms/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;

namespace {
struct SparseCheckSliceGradShardedPass
    : public sparse::impl::SparseCheckSliceGradShardedPassBase<
          SparseCheckSliceGradShardedPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Only functions with shardings are partitioned.
    if (!func.walk([](shard::ShardOp) { return WalkResult::interrupt(); })
             .wasInterrupted())
      return;
    func.walk([&](Operation *op) {
      bool tensorForm = false;
      if (auto grad = dyn_cast<sparse::SliceGradOp>(op))
        tensorForm = !grad.hasBufferSemantics();
      else if (auto slice = dyn_cast<sparse::SliceOp>(op))
        tensorForm = !slice.hasBufferSemantics();
      if (!tensorForm ||
          llvm::any_of(op->getUsers(), llvm::IsaPred<shard::ShardOp>))
        return;
      op->emitOpError("has no sharding: sharding-propagation could not shard "
                      "it (an operand's sharding is not supported, see the "
                      "diagnostic before)");
      signalPassFailure();
    });
  }
};
} // namespace
