//===- ShardingInterfaceImpl.cpp - sparse.slice_grad on a grid ------------===//
//
// sparse.slice_grad's ShardingInterface. Two loops: d0 over the input rows
// (input_indices and the result), d1 over the output rows
// (output_indices and backprop_val_grad). Input rows split on grid axes,
// the output rows either replicated or split on the same axes (as a
// row-split forward SparseSlice leaves them). The partitioned algorithms
// are in ReplicatedPartition.cpp and SplitPartition.cpp.
//
// sparse.slice's: split by rows, each process slices its own rows.
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

/// The grid of an op's sharding option: that of the sharding that splits
/// its rows (`chosen`, null if none), else of any operand's; null if no
/// operand has one.
static FlatSymbolRefAttr gridOf(ArrayRef<Sharding> operandShardings,
                                const Sharding *chosen) {
  if (chosen && *chosen)
    return chosen->getGridAttr();
  FlatSymbolRefAttr grid;
  for (const Sharding &s : operandShardings)
    if (s)
      grid = s.getGridAttr();
  return grid;
}

/// Inserts `shardings` (the operands', then the results') as annotations;
/// fails where the model could not give them.
static LogicalResult
insertAnnotations(Operation *op, OpBuilder &b,
                  FailureOr<std::vector<Sharding>> shardings) {
  if (failed(shardings))
    return failure();
  for (OpOperand &operand : op->getOpOperands())
    maybeInsertSourceShardingAnnotation(
        (*shardings)[operand.getOperandNumber()], operand, b);
  for (OpResult result : op->getResults())
    maybeInsertTargetShardingAnnotation(
        (*shardings)[op->getNumOperands() + result.getResultNumber()], result,
        b);
  return success();
}

/// Whether the split form's exact path can move values of type `t` as
/// words (arith has no casts from signed or unsigned integers).
static bool movableAsWords(Type t) {
  if (auto complex = dyn_cast<ComplexType>(t))
    t = complex.getElementType();
  return isa<FloatType>(t) || t.isSignlessInteger();
}

/// Whether the gradient's output rows are the kept rows of a forward
/// sparse.slice and its gradients those rows' values (or computed from
/// them by one op, as a loss's derivative): the slice leaves both split as
/// its input rows are, so the gradient should take them split, not
/// gathered. sharding-propagation may reach the gradient before the slice,
/// when neither carries a sharding yet.
static bool rowsOfSplitForward(SliceGradOp op) {
  auto slice = op.getOutputIndices().getDefiningOp<SliceOp>();
  if (!slice || op.getOutputIndices() != slice.getOutputIndices())
    return false;
  Value values = slice.getOutputValues();
  Value grad = op.getBackpropValGrad();
  if (grad == values)
    return true;
  Operation *def = grad.getDefiningOp();
  return def && def->getNumResults() == 1 &&
         llvm::is_contained(def->getOperands(), values);
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
    ArrayRef<GridAxis> resultAxes = rowAxes(resultShardings[0]);
    if (!inAxes.empty() && !resultAxes.empty() &&
        (inAxes != resultAxes ||
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
    ArrayRef<GridAxis> outAxes = rowAxes(outRows);
    if (outAxes.empty() && !grad && !outIdx &&
        rowsOfSplitForward(cast<SliceGradOp>(op)))
      outAxes = rowAxes(chosen);
    if (!outAxes.empty()) {
      if (rowAxes(chosen) != outAxes ||
          (outRows && chosen.getGridAttr() != outRows.getGridAttr()))
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
    FlatSymbolRefAttr grid = gridOf(operandShardings, &chosen);
    if (!grid)
      return ShardingOption::makeEmpty();
    ShardingArray array(2);
    array[0].assign(rowAxes(chosen).begin(), rowAxes(chosen).end());
    array[1].assign(outAxes.begin(), outAxes.end());
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
    return insertAnnotations(op, b, getShardingAnnotations(op, option));
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

/// sparse.slice (TensorFlow's SparseSlice) keeps or drops each input row
/// on its own, and its kept rows come in input order: one loop, d0 over
/// the input rows. Split by rows, each process's kept rows and values are
/// its share of the results (their sizes known at run time), in process
/// order, as the split form of sparse.slice_grad takes them; the output
/// shape comes from shape, start and size, replicated. Each process runs
/// the op on its own rows: no communication.
struct SliceShardingInterface
    : public ShardingInterface::ExternalModel<SliceShardingInterface, SliceOp> {
  enum : unsigned { kIndices = 0, kValues = 1 };

  SmallVector<utils::IteratorType> getLoopIteratorTypes(Operation *) const {
    return {utils::IteratorType::parallel};
  }

  SmallVector<AffineMap> getIndexingMaps(Operation *op) const {
    MLIRContext *ctx = op->getContext();
    AffineExpr row = getAffineDimExpr(0, ctx),
               zero = getAffineConstantExpr(0, ctx);
    auto matrix = AffineMap::get(1, 0, {row, zero}, ctx);
    auto vector = AffineMap::get(1, 0, {row}, ctx);
    auto whole = AffineMap::get(1, 0, {zero}, ctx);
    SmallVector<AffineMap> maps{matrix, vector, whole,  whole,
                                whole,  matrix, vector, whole};
    if (cast<SliceOp>(op).getPositions())
      maps.push_back(vector);
    return maps;
  }

  FailureOr<ShardingOption>
  getShardingOption(Operation *op, ArrayRef<Sharding> operandShardings,
                    ArrayRef<Sharding> resultShardings) const {
    auto slice = cast<SliceOp>(op);
    if (slice.hasBufferSemantics())
      return op->emitOpError("on memrefs cannot be sharded; shard the tensor "
                             "form");
    if (slice.getPositions())
      return op->emitOpError(
          "with positions (sparse-fuse-slice-grad's form) cannot be sharded: "
          "a position is a row number of one process; shard the program "
          "before the fusion");
    const char *names[] = {"indices", "values", "shape", "start", "size"};
    for (unsigned i = 2; i < 5; ++i)
      if (isSplit(operandShardings[i]))
        return op->emitOpError()
               << names[i] << " is split; sharding supports it only replicated";
    if (isSplit(resultShardings[2]))
      return op->emitOpError("output_shape is split; sharding supports it "
                             "only replicated");
    // Rows: indices, values and the first two results, alike.
    const Sharding *chosen = nullptr;
    for (const Sharding *row :
         {&operandShardings[kIndices], &operandShardings[kValues],
          &resultShardings[0], &resultShardings[1]}) {
      const Sharding &s = *row;
      StringRef why = unsupportedRowSplit(s);
      if (!why.empty())
        return op->emitOpError() << "an operand or result " << why;
      if (rowAxes(s).empty())
        continue;
      if (chosen && (rowAxes(*chosen) != rowAxes(s) ||
                     chosen->getGridAttr() != s.getGridAttr()))
        return op->emitOpError("indices, values and the kept rows must be "
                               "split by rows on the same grid axes");
      chosen = &s;
    }
    FlatSymbolRefAttr grid = gridOf(operandShardings, chosen);
    if (!grid)
      return ShardingOption::makeEmpty();
    ShardingArray array(1);
    if (chosen)
      array[0].assign(rowAxes(*chosen).begin(), rowAxes(*chosen).end());
    return ShardingOption(array, grid);
  }

  FailureOr<std::vector<Sharding>>
  getShardingAnnotations(Operation *op, const ShardingOption &option) const {
    auto replicated = Sharding::get(option.grid, {});
    auto rows = Sharding::get(
        option.grid,
        {GridAxesAttr::get(op->getContext(), option.shardingArray[0])});
    return std::vector<Sharding>{rows,       rows, replicated, replicated,
                                 replicated, rows, rows,       replicated};
  }

  LogicalResult addShardingAnnotations(Operation *op, OpBuilder &b,
                                       const ShardingOption &option) const {
    return insertAnnotations(op, b, getShardingAnnotations(op, option));
  }

  LogicalResult partition(Operation *op, ArrayRef<Value> partitionedOperands,
                          ArrayRef<Sharding> operandShardings,
                          ArrayRef<Sharding> resultShardings,
                          IRMapping &partitionMap,
                          SymbolTableCollection &symbolTable,
                          OpBuilder &builder) const {
    ArrayRef<GridAxis> axes = rowAxes(operandShardings[kIndices]);
    if (cast<SliceOp>(op).getPositions() ||
        rowAxes(operandShardings[kValues]) != axes ||
        llvm::any_of(operandShardings.drop_front(2), isSplit) ||
        rowAxes(resultShardings[0]) != axes ||
        rowAxes(resultShardings[1]) != axes || isSplit(resultShardings[2]))
      return op->emitOpError("cannot be partitioned: indices, values and the "
                             "kept rows must be split by rows alike, the "
                             "rest replicated, without positions");
    if (axes.empty()) {
      partitionFullyReplicatedOperation(*op, partitionedOperands,
                                        operandShardings, resultShardings,
                                        partitionMap, symbolTable, builder);
      return success();
    }
    // Each process slices its own rows.
    auto local = SliceOp::create(
        builder, op->getLoc(), partitionedOperands[0], partitionedOperands[1],
        partitionedOperands[2], partitionedOperands[3], partitionedOperands[4]);
    for (auto [from, to] : llvm::zip(op->getResults(), local.getResults()))
      partitionMap.map(from, to);
    partitionMap.map(op, local.getOperation());
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
    SliceOp::attachInterface<SliceShardingInterface>(*ctx);
  });
  registry.addExtension(+[](MLIRContext *ctx, mpi::MPIDialect *) {
    mpi::AllReduceOp::attachInterface<AllReduceMemoryEffects>(*ctx);
  });
}
