//===- FinishShardToMPI.cpp - What convert-shard-to-mpi leaves ------------===//
//
// MLIR 22's convert-shard-to-mpi output, made lowerable and correct: the
// pass's description (SliceGrad/Transforms/Passes.td) lists each fix.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Transforms/Passes.h"

#include "mlir/Dialect/DLTI/DLTI.h"
#include "mlir/Dialect/MPI/IR/MPI.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/Matchers.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_SPARSEFINISHSHARDTOMPIPASS
#include "SliceGrad/Transforms/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;

namespace {
struct SparseFinishShardToMPIPass
    : public sparse::impl::SparseFinishShardToMPIPassBase<
          SparseFinishShardToMPIPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // MLIR 22's MPI lowering takes MPICH where the module names no MPI
    // implementation, after an error diagnostic; name it.
    if (!module->hasAttr("dlti.map") &&
        module.walk([](mpi::AllReduceOp) { return WalkResult::interrupt(); })
            .wasInterrupted()) {
      MLIRContext *ctx = module.getContext();
      DataLayoutEntryInterface entry =
          DataLayoutEntryAttr::get(StringAttr::get(ctx, "MPI:Implementation"),
                                   StringAttr::get(ctx, "MPICH"));
      module->setAttr("dlti.map", MapAttr::get(ctx, {entry}));
    }
    module.walk([](mpi::CommSplitOp op) {
      // The key orders the group by the process's index on the grid axes,
      // which is its rank in the communicator when as many processes run
      // as the grid has (the partition checks that).
      if (matchPattern(op.getColor(), m_Constant())) {
        op.getNewcomm().replaceAllUsesWith(op.getComm());
        op.erase();
      }
    });
    module.walk([](mpi::AllReduceOp op) {
      if (op.getSendbuf() != op.getRecvbuf())
        return;
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto type = cast<MemRefType>(op.getRecvbuf().getType());
      SmallVector<Value> sizes;
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d))
          sizes.push_back(memref::DimOp::create(b, loc, op.getRecvbuf(), d));
      Value received = memref::AllocOp::create(
          b, loc, MemRefType::get(type.getShape(), type.getElementType()),
          sizes);
      op.getRecvbufMutable().assign(received);
      b.setInsertionPointAfter(op);
      // Buffer deallocation frees `received`.
      memref::CopyOp::create(b, loc, received, op.getSendbuf());
    });
    for (auto grid : llvm::make_early_inc_range(module.getOps<shard::GridOp>()))
      if (SymbolTable::symbolKnownUseEmpty(grid, module))
        grid.erase();
  }
};
} // namespace
