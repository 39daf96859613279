//===- ShardingInterfaceImpl.cpp - sparse.slice_grad on a grid ------------===//
//
// sparse.slice_grad's ShardingInterface. Two loops: d0 over the input rows
// (input_indices and the result), d1 over the output rows
// (output_indices and backprop_val_grad). Input rows split on grid axes,
// the output rows either replicated or split on the same axes (as a
// row-split forward SparseSlice leaves them). The partitioned algorithms
// are in ReplicatedPartition.cpp and SplitPartition.cpp.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Dialect/Sparse/Transforms/ShardingInterfaceImpl.h"
#include "Partition.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/Dialect/MPI/IR/MPI.h"
#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/Dialect/Shard/Interfaces/ShardingInterface.h"
#include "mlir/Dialect/Shard/Interfaces/ShardingInterfaceImpl.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::partition;
using namespace mlir::shard;

namespace {

/// Whether `sharding` splits any tensor dimension.
static bool isSplit(const Sharding &sharding) {
  return sharding && llvm::any_of(sharding.getSplitAxes(),
                                  [](GridAxesAttr a) { return !a.empty(); });
}

/// The grid axes that split dimension 0 of `sharding` (empty if none).
static ArrayRef<GridAxis> rowAxes(const Sharding &sharding) {
  if (!sharding || sharding.getSplitAxes().empty())
    return {};
  return sharding.getSplitAxes()[0].asArrayRef();
}

/// Why `sharding` of an index operand or the result cannot be supported,
/// or "" (split by rows only; no halos, no explicit offsets).
static StringRef unsupportedRowSplit(const Sharding &sharding) {
  if (!sharding)
    return "";
  if (sharding.getSplitAxes().size() > 1 && !sharding.getSplitAxes()[1].empty())
    return "is split by columns; sharding supports a split by rows only";
  if (!sharding.getStaticHaloSizes().empty() ||
      !sharding.getDynamicHaloSizes().empty() ||
      !sharding.getStaticShardedDimsOffsets().empty() ||
      !sharding.getDynamicShardedDimsOffsets().empty())
    return "has halos or explicit shard offsets, which sharding does not "
           "support";
  return "";
}

/// Whether the split form's exact path can move values of type `t` as
/// words (arith has no casts from signed or unsigned integers).
static bool movableAsWords(Type t) {
  if (auto complex = dyn_cast<ComplexType>(t))
    t = complex.getElementType();
  return isa<FloatType>(t) || t.isSignlessInteger();
}

struct SliceGradShardingInterface
    : public ShardingInterface::ExternalModel<SliceGradShardingInterface,
                                              SliceGradOp> {
  /// d0 over the input rows, d1 over the output rows.
  SmallVector<utils::IteratorType> getLoopIteratorTypes(Operation *) const {
    return {utils::IteratorType::parallel, utils::IteratorType::parallel};
  }

  SmallVector<AffineMap> getIndexingMaps(Operation *op) const {
    MLIRContext *ctx = op->getContext();
    AffineExpr inRow = getAffineDimExpr(0, ctx),
               outRow = getAffineDimExpr(1, ctx),
               zero = getAffineConstantExpr(0, ctx);
    auto map = [&](ArrayRef<AffineExpr> results) {
      return AffineMap::get(2, 0, results, ctx);
    };
    return {map({outRow}), map({inRow, zero}), map({zero}), map({outRow, zero}),
            map({inRow})};
  }

  FailureOr<ShardingOption>
  getShardingOption(Operation *op, ArrayRef<Sharding> operandShardings,
                    ArrayRef<Sharding> resultShardings) const {
    if (cast<SliceGradOp>(op).hasBufferSemantics())
      return op->emitOpError("on memrefs cannot be sharded; shard the tensor "
                             "form");
    if (isSplit(operandShardings[kStart]))
      return op->emitOpError("input_start is split; sharding supports it only "
                             "replicated: annotate it with a replicated "
                             "sharding (split_axes = [[]])");
    const char *names[] = {"backprop_val_grad", "input_indices", "input_start",
                           "output_indices"};
    for (unsigned i : {kGrad, kInIdx, kOutIdx}) {
      StringRef why = unsupportedRowSplit(operandShardings[i]);
      if (!why.empty())
        return op->emitOpError() << names[i] << " " << why;
    }
    StringRef why = unsupportedRowSplit(resultShardings[0]);
    if (!why.empty())
      return op->emitOpError() << "the result " << why;
    // d0: input_indices' rows and the result's, alike.
    const Sharding &inIdx = operandShardings[kInIdx];
    ArrayRef<GridAxis> inAxes = rowAxes(inIdx);
    ArrayRef<GridAxis> outAxes = rowAxes(resultShardings[0]);
    if (!inAxes.empty() && !outAxes.empty() &&
        (inAxes != outAxes ||
         inIdx.getGridAttr() != resultShardings[0].getGridAttr()))
      return op->emitOpError("input_indices and the result must be split by "
                             "rows on the same grid axes");
    const Sharding &chosen = !inAxes.empty() ? inIdx : resultShardings[0];
    // d1: output_indices' rows and backprop_val_grad's, replicated or split
    // as d0 is.
    const Sharding &grad = operandShardings[kGrad];
    const Sharding &outIdx = operandShardings[kOutIdx];
    if (!rowAxes(grad).empty() && !rowAxes(outIdx).empty() &&
        rowAxes(grad) != rowAxes(outIdx))
      return op->emitOpError("backprop_val_grad and output_indices must be "
                             "split by rows on the same grid axes");
    const Sharding &outRows = !rowAxes(outIdx).empty() ? outIdx : grad;
    if (!rowAxes(outRows).empty()) {
      if (rowAxes(chosen) != rowAxes(outRows) ||
          chosen.getGridAttr() != outRows.getGridAttr())
        return op->emitOpError(
            "output_indices and backprop_val_grad are split by rows, so "
            "input_indices and the result must be split by rows on the same "
            "grid axes (each process holding the output rows of its input "
            "rows, as a row-split SparseSlice leaves them)");
      Type valueType = cast<SliceGradOp>(op).getBackpropValGrad().getType();
      if (!movableAsWords(getElementTypeOrSelf(valueType)))
        return op->emitOpError()
               << "backprop_val_grad of " << getElementTypeOrSelf(valueType)
               << " cannot be split by rows (the partition moves split "
                  "values as integer words, and arith has no casts from "
                  "signed or unsigned integers): replicate it and "
                  "output_indices";
    }
    FlatSymbolRefAttr grid;
    for (const Sharding &s : operandShardings)
      if (s)
        grid = s.getGridAttr();
    if (chosen)
      grid = chosen.getGridAttr();
    if (!grid)
      return ShardingOption::makeEmpty();
    ShardingArray array(2);
    array[0].assign(rowAxes(chosen).begin(), rowAxes(chosen).end());
    array[1].assign(rowAxes(outRows).begin(), rowAxes(outRows).end());
    return ShardingOption(array, grid);
  }

  FailureOr<std::vector<Sharding>>
  getShardingAnnotations(Operation *op, const ShardingOption &option) const {
    MLIRContext *ctx = op->getContext();
    auto replicated = Sharding::get(option.grid, {});
    auto rowsOn = [&](ArrayRef<GridAxis> axes) {
      return Sharding::get(option.grid, {GridAxesAttr::get(ctx, axes)});
    };
    auto inRows = rowsOn(option.shardingArray[0]);
    auto outRows =
        option.shardingArray.size() > 1 && !option.shardingArray[1].empty()
            ? rowsOn(option.shardingArray[1])
            : replicated;
    return std::vector<Sharding>{outRows, inRows, replicated, outRows, inRows};
  }

  LogicalResult addShardingAnnotations(Operation *op, OpBuilder &b,
                                       const ShardingOption &option) const {
    FailureOr<std::vector<Sharding>> shardings =
        getShardingAnnotations(op, option);
    if (failed(shardings))
      return failure();
    for (OpOperand &operand : op->getOpOperands())
      maybeInsertSourceShardingAnnotation(
          (*shardings)[operand.getOperandNumber()], operand, b);
    maybeInsertTargetShardingAnnotation((*shardings)[4], op->getResult(0), b);
    return success();
  }

  LogicalResult partition(Operation *op, ArrayRef<Value> partitionedOperands,
                          ArrayRef<Sharding> operandShardings,
                          ArrayRef<Sharding> resultShardings,
                          IRMapping &partitionMap,
                          SymbolTableCollection &symbolTable,
                          OpBuilder &builder) const {
    // sharding-propagation reports an unsupported sharding but goes on;
    // refuse it here too, so that the partition fails.
    if (isSplit(operandShardings[kStart]))
      return op->emitOpError("cannot be partitioned with a split "
                             "input_start");
    ArrayRef<GridAxis> axes = rowAxes(resultShardings[0]);
    if (rowAxes(operandShardings[kInIdx]) != axes)
      return op->emitOpError("cannot be partitioned: input_indices and the "
                             "result must be split by rows on the same axes");
    ArrayRef<GridAxis> outAxes = rowAxes(operandShardings[kOutIdx]);
    if (rowAxes(operandShardings[kGrad]) != outAxes ||
        (!outAxes.empty() && outAxes != axes))
      return op->emitOpError(
          "cannot be partitioned: output_indices and backprop_val_grad must "
          "be replicated or split by rows on the axes of input_indices");
    if (axes.empty()) {
      // Replicated: every process computes the whole op.
      partitionFullyReplicatedOperation(*op, partitionedOperands,
                                        operandShardings, resultShardings,
                                        partitionMap, symbolTable, builder);
      return success();
    }
    GridOp gridOp = getGrid(op, resultShardings[0].getGridAttr(), symbolTable);
    int64_t numProcs = collectiveProcessGroupSize(axes, gridOp.getShape());
    if (ShapedType::isDynamic(numProcs))
      return op->emitOpError("sharding needs a static number of processes "
                             "on the split axes");
    ImplicitLocOpBuilder b(op->getLoc(), builder);
    Group group{gridOp.getSymName(), axes, numProcs};
    Value valGrad =
        outAxes.empty()
            ? buildReplicatedPartition(b, group, partitionedOperands)
                  ->getResult(0)
            : buildSplitPartition(b, group, partitionedOperands);
    partitionMap.map(op->getResult(0), valGrad);
    partitionMap.map(op, valGrad.getDefiningOp());
    return success();
  }
};
} // namespace

namespace {
/// mpi.allreduce reads its send buffer and writes its receive buffer. MLIR
/// 22 declares no memory effects on it, and buffer deallocation refuses ops
/// with unknown effects on memrefs, so the partitioned program could not
/// free its buffers without this.
struct AllReduceMemoryEffects
    : public MemoryEffectOpInterface::ExternalModel<AllReduceMemoryEffects,
                                                    mpi::AllReduceOp> {
  void
  getEffects(Operation *op,
             SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
                 &effects) const {
    auto allReduce = cast<mpi::AllReduceOp>(op);
    effects.emplace_back(MemoryEffects::Read::get(),
                         &allReduce.getSendbufMutable(),
                         SideEffects::DefaultResource::get());
    effects.emplace_back(MemoryEffects::Write::get(),
                         &allReduce.getRecvbufMutable(),
                         SideEffects::DefaultResource::get());
  }
};
} // namespace

void mlir::sparse::registerShardingInterfaceExternalModels(
    DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *ctx, SparseDialect *) {
    SliceGradOp::attachInterface<SliceGradShardingInterface>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, mpi::MPIDialect *) {
    mpi::AllReduceOp::attachInterface<AllReduceMemoryEffects>(*ctx);
  });
}
