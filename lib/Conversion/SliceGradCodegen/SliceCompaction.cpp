//===- SliceCompaction.cpp - sparse.slice and its gradient scatter --------===//
//
// sparse.slice: the runtime runs TensorFlow's checks and computes the
// output shape (SparseSliceChecks.h: its messages depend on TensorShape's
// internals, which are not worth IR); then an order-free compaction. Pass
// 1 counts the rows inside the box in each block of rows (branch-free, on
// the threads of an scf.parallel), an exclusive prefix over the blocks
// gives each block's first output row and M, the results are allocated,
// and pass 2 writes each block's kept rows from its offset. Blocks with no
// kept row are skipped; blocks with every row kept are copied without
// tests. The kept rows come out in input order, as TensorFlow's loop
// appends them, since blocks are numbered in row order.
//
//===----------------------------------------------------------------------===//

#include "SliceCompaction.h"
#include "CodegenUtils.h"
#include "RuntimeCalls.h"
#include "SliceGradOperands.h"

#include "SliceGrad/Runtime/SliceGradChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

namespace {
/// The operands of one sparse.slice as the per-row code reads them, for a
/// static R (columns unrolled, the box's bounds in registers) or a dynamic
/// one (loops over columns, the bounds in memory).
struct SliceRows {
  Value indices, values;
  int64_t staticR;
  Value numDims;
  SmallVector<Value> startCols, endCols;
  Value startMem, endMem;
  /// R >= 4 with contiguous rows: a row is one vector (its compare one
  /// vector compare), against the box's bounds as vectors.
  Value startVec, endVec;

  bool isStatic() const { return !ShapedType::isDynamic(staticR); }
};

/// The coordinates of row `i` (static R), or the row as one vector.
SmallVector<Value> loadRow(OpBuilder &b, Location loc, const SliceRows &rows,
                           Value i) {
  if (rows.startVec) {
    Value row = vector::LoadOp::create(
        b, loc, cast<VectorType>(rows.startVec.getType()), rows.indices,
        ValueRange{i, constantIndex(b, loc, 0)});
    return SmallVector<Value>{row};
  }
  SmallVector<Value> coords;
  for (int64_t d = 0; d < rows.staticR; ++d)
    coords.push_back(memref::LoadOp::create(
        b, loc, rows.indices, ValueRange{i, constantIndex(b, loc, d)}));
  return coords;
}

/// i1: start <= x < start + size in every column (TensorFlow's test;
/// branch-free, so that the count loop vectorizes).
Value buildInside(OpBuilder &b, Location loc, const SliceRows &rows, Value i,
                  ArrayRef<Value> coords) {
  Value inside = constantBool(b, loc, true);
  auto column = [](OpBuilder &cb, Location cloc, Value x, Value lo, Value hi,
                   Value acc) -> Value {
    Value ge =
        arith::CmpIOp::create(cb, cloc, arith::CmpIPredicate::sge, x, lo);
    Value lt =
        arith::CmpIOp::create(cb, cloc, arith::CmpIPredicate::slt, x, hi);
    return arith::AndIOp::create(
        cb, cloc, acc, arith::AndIOp::create(cb, cloc, ge, lt).getResult());
  };
  if (rows.startVec) {
    Value ge = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                     coords[0], rows.startVec);
    Value lt = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                     coords[0], rows.endVec);
    return vector::ReductionOp::create(
        b, loc, vector::CombiningKind::AND,
        arith::AndIOp::create(b, loc, ge, lt).getResult());
  }
  if (rows.isStatic()) {
    for (int64_t d = 0; d < rows.staticR; ++d)
      inside =
          column(b, loc, coords[d], rows.startCols[d], rows.endCols[d], inside);
    return inside;
  }
  auto loop = scf::ForOp::create(
      b, loc, constantIndex(b, loc, 0), rows.numDims, constantIndex(b, loc, 1),
      ValueRange{inside},
      [&](OpBuilder &nb, Location nloc, Value d, ValueRange acc) {
        Value x =
            memref::LoadOp::create(nb, nloc, rows.indices, ValueRange{i, d});
        Value lo = memref::LoadOp::create(nb, nloc, rows.startMem, d);
        Value hi = memref::LoadOp::create(nb, nloc, rows.endMem, d);
        scf::YieldOp::create(nb, nloc, column(nb, nloc, x, lo, hi, acc[0]));
      });
  return loop.getResult(0);
}

/// Writes input row `i` as output row `pos`: coordinates minus start
/// (wrapping), its value, and its position.
void buildWriteRow(OpBuilder &b, Location loc, const SliceRows &rows,
                   ArrayRef<Value> results, Value i, Value pos,
                   ArrayRef<Value> coords) {
  Value outIdx = results[0], outVals = results[1];
  if (rows.startVec) {
    Value x = arith::SubIOp::create(b, loc, coords[0], rows.startVec);
    vector::StoreOp::create(b, loc, x, outIdx,
                            ValueRange{pos, constantIndex(b, loc, 0)});
  } else if (rows.isStatic()) {
    for (int64_t d = 0; d < rows.staticR; ++d) {
      Value x = arith::SubIOp::create(b, loc, coords[d], rows.startCols[d]);
      memref::StoreOp::create(b, loc, x, outIdx,
                              ValueRange{pos, constantIndex(b, loc, d)});
    }
  } else {
    scf::ForOp::create(
        b, loc, constantIndex(b, loc, 0), rows.numDims,
        constantIndex(b, loc, 1), ValueRange{},
        [&](OpBuilder &nb, Location nloc, Value d, ValueRange) {
          Value x =
              memref::LoadOp::create(nb, nloc, rows.indices, ValueRange{i, d});
          Value lo = memref::LoadOp::create(nb, nloc, rows.startMem, d);
          memref::StoreOp::create(nb, nloc,
                                  arith::SubIOp::create(nb, nloc, x, lo),
                                  outIdx, ValueRange{pos, d});
          scf::YieldOp::create(nb, nloc);
        });
  }
  Value v = memref::LoadOp::create(b, loc, rows.values, i);
  memref::StoreOp::create(b, loc, v, outVals, pos);
  if (results.size() > 2 && results[2])
    memref::StoreOp::create(b, loc, toI64(b, loc, i), results[2], pos);
}

/// `body(b, block)` for every block in [0, numBlocks): an scf.parallel, or
/// an scf.for in order.
void forEachBlock(OpBuilder &b, Location loc, Value numBlocks, bool parallel,
                  function_ref<void(OpBuilder &, Location, Value)> body) {
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  if (parallel) {
    scf::ParallelOp::create(b, loc, ValueRange{c0}, ValueRange{numBlocks},
                            ValueRange{c1},
                            [&](OpBuilder &nb, Location nloc, ValueRange ivs) {
                              body(nb, nloc, ivs[0]);
                            });
    return;
  }
  scf::ForOp::create(b, loc, c0, numBlocks, c1, ValueRange{},
                     [&](OpBuilder &nb, Location nloc, Value iv, ValueRange) {
                       body(nb, nloc, iv);
                       scf::YieldOp::create(nb, nloc);
                     });
}

/// The rows [lo, hi) of block `block`.
std::pair<Value, Value> blockRows(OpBuilder &b, Location loc, Value block,
                                  Value chunk, Value n) {
  Value lo = arith::MulIOp::create(b, loc, block, chunk);
  Value hi = arith::MinUIOp::create(
      b, loc, arith::AddIOp::create(b, loc, lo, chunk).getResult(), n);
  return {lo, hi};
}

/// The compaction for one R: returns the output indices (of `outIdxType`),
/// values and positions (null without).
SmallVector<Value, 3>
buildCompaction(OpBuilder &b, Location loc, const SliceRows &rows, Value n,
                MemRefType outIdxType, MemRefType outValsType,
                MemRefType positionsType, const CompactionOptions &options,
                const KernelBuffers *kernels) {
  auto alloc = [&](MemRefType type, ValueRange sizes) -> Value {
    if (kernels)
      return kernels->alloc(b, loc, type, sizes);
    return memref::AllocOp::create(b, loc, type, sizes);
  };
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  // Blocks of rows: one for the sequential strategy.
  Value chunk = options.parallel
                    ? constantIndex(b, loc, options.chunkRows)
                    : Value(arith::MaxUIOp::create(b, loc, n, c1).getResult());
  Value numBlocks = arith::CeilDivUIOp::create(b, loc, n, chunk);
  // offsets[b]: block b's kept rows (pass 1), then its first output row.
  auto offsetsType = MemRefType::get({ShapedType::kDynamic}, b.getIndexType());
  Value numOffsets = arith::AddIOp::create(b, loc, numBlocks, c1);
  Value offsets = alloc(offsetsType, ValueRange{numOffsets});

  // Pass 1: count.
  forEachBlock(
      b, loc, numBlocks, options.parallel,
      [&](OpBuilder &nb, Location nloc, Value block) {
        Value lo, hi;
        std::tie(lo, hi) = blockRows(nb, nloc, block, chunk, n);
        auto count = scf::ForOp::create(
            nb, nloc, lo, hi, c1, ValueRange{c0},
            [&](OpBuilder &lb, Location lloc, Value i, ValueRange acc) {
              SmallVector<Value> coords;
              if (rows.isStatic())
                coords = loadRow(lb, lloc, rows, i);
              Value in = buildInside(lb, lloc, rows, i, coords);
              Value one =
                  arith::IndexCastUIOp::create(lb, lloc, lb.getIndexType(), in);
              scf::YieldOp::create(
                  lb, lloc,
                  arith::AddIOp::create(lb, lloc, acc[0], one).getResult());
            });
        memref::StoreOp::create(nb, nloc, count.getResult(0), offsets, block);
      });
  // The exclusive prefix over blocks, in order, on the host; M.
  Value hostOffsets = offsets;
  if (kernels && kernels->copy) {
    hostOffsets =
        memref::AllocOp::create(b, loc, offsetsType, ValueRange{numOffsets});
    kernels->copy(b, loc, offsets, hostOffsets);
  }
  auto prefix = scf::ForOp::create(
      b, loc, c0, numBlocks, c1, ValueRange{c0},
      [&](OpBuilder &nb, Location nloc, Value block, ValueRange acc) {
        Value count = memref::LoadOp::create(nb, nloc, hostOffsets, block);
        memref::StoreOp::create(nb, nloc, acc[0], hostOffsets, block);
        scf::YieldOp::create(
            nb, nloc,
            arith::AddIOp::create(nb, nloc, acc[0], count).getResult());
      });
  Value m = prefix.getResult(0);
  memref::StoreOp::create(b, loc, m, hostOffsets, numBlocks);
  if (hostOffsets != offsets) {
    kernels->copy(b, loc, hostOffsets, offsets);
    memref::DeallocOp::create(b, loc, hostOffsets);
  }

  // The results, M rows.
  SmallVector<Value, 3> results;
  SmallVector<Value, 2> idxSizes{m};
  if (outIdxType.isDynamicDim(1))
    idxSizes.push_back(rows.numDims);
  results.push_back(alloc(outIdxType, idxSizes));
  results.push_back(alloc(outValsType, ValueRange{m}));
  results.push_back(positionsType ? alloc(positionsType, ValueRange{m})
                                  : Value());

  // Pass 2: write each block's kept rows from its offset.
  forEachBlock(
      b, loc, numBlocks, options.parallel,
      [&](OpBuilder &nb, Location nloc, Value block) {
        Value lo, hi;
        std::tie(lo, hi) = blockRows(nb, nloc, block, chunk, n);
        Value first = memref::LoadOp::create(nb, nloc, offsets, block);
        Value next = memref::LoadOp::create(
            nb, nloc, offsets,
            arith::AddIOp::create(nb, nloc, block, c1).getResult());
        Value kept = arith::SubIOp::create(nb, nloc, next, first);
        Value all = arith::CmpIOp::create(
            nb, nloc, arith::CmpIPredicate::eq, kept,
            arith::SubIOp::create(nb, nloc, hi, lo).getResult());
        Value some =
            arith::CmpIOp::create(nb, nloc, arith::CmpIPredicate::ne, kept, c0);
        auto ifAll = scf::IfOp::create(nb, nloc, all, /*withElse=*/true);
        {
          // Every row kept: a copy without tests.
          OpBuilder::InsertionGuard guard(nb);
          nb.setInsertionPointToStart(ifAll.thenBlock());
          scf::ForOp::create(
              nb, nloc, lo, hi, c1, ValueRange{},
              [&](OpBuilder &lb, Location lloc, Value i, ValueRange) {
                Value pos = arith::AddIOp::create(
                    lb, lloc, first,
                    arith::SubIOp::create(lb, lloc, i, lo).getResult());
                SmallVector<Value> coords;
                if (rows.isStatic())
                  coords = loadRow(lb, lloc, rows, i);
                buildWriteRow(lb, lloc, rows, results, i, pos, coords);
                scf::YieldOp::create(lb, lloc);
              });
          nb.setInsertionPointToStart(ifAll.elseBlock());
          auto ifSome = scf::IfOp::create(nb, nloc, some, /*withElse=*/false);
          nb.setInsertionPointToStart(ifSome.thenBlock());
          scf::ForOp::create(
              nb, nloc, lo, hi, c1, ValueRange{first},
              [&](OpBuilder &lb, Location lloc, Value i, ValueRange pos) {
                SmallVector<Value> coords;
                if (rows.isStatic())
                  coords = loadRow(lb, lloc, rows, i);
                Value in = buildInside(lb, lloc, rows, i, coords);
                auto write = scf::IfOp::create(lb, lloc, in, false);
                {
                  OpBuilder::InsertionGuard g2(lb);
                  lb.setInsertionPointToStart(write.thenBlock());
                  buildWriteRow(lb, lloc, rows, results, i, pos[0], coords);
                }
                Value one = arith::IndexCastUIOp::create(lb, lloc,
                                                         lb.getIndexType(), in);
                scf::YieldOp::create(
                    lb, lloc,
                    arith::AddIOp::create(lb, lloc, pos[0], one).getResult());
              });
        }
      });
  if (kernels)
    kernels->free(b, loc, offsets);
  else
    memref::DeallocOp::create(b, loc, offsets);
  return results;
}

/// A memref of `type` with `n` rows (the failed-check results: empty).
Value allocRows(OpBuilder &b, Location loc, MemRefType type, Value n,
                Value numDims) {
  SmallVector<Value, 2> sizes{n};
  if (type.getRank() == 2 && type.isDynamicDim(1))
    sizes.push_back(numDims);
  return memref::AllocOp::create(b, loc, type, sizes);
}

/// `v` with static R columns (the checks made R its column count).
Value castToRank(OpBuilder &b, Location loc, Value v, int64_t r) {
  auto type = cast<MemRefType>(v.getType());
  auto target = MemRefType::get({type.getDimSize(0), r}, type.getElementType(),
                                type.getLayout(), type.getMemorySpace());
  if (target == type)
    return v;
  return memref::CastOp::create(b, loc, target, v);
}

/// The static column count that `v`'s type or its memref.cast source fixes.
int64_t staticColumns(Value v) {
  while (true) {
    auto type = cast<MemRefType>(v.getType());
    if (!type.isDynamicDim(1))
      return type.getDimSize(1);
    auto castOp = v.getDefiningOp<memref::CastOp>();
    if (!castOp || !isa<MemRefType>(castOp.getSource().getType()))
      return ShapedType::kDynamic;
    v = castOp.getSource();
  }
}
} // namespace

SmallVector<Value, 4> lowering::buildSlice(OpBuilder &b, SliceOp op,
                                           ValueRange operands,
                                           const CompactionOptions &options,
                                           const KernelBuffers *kernels) {
  Location loc = op.getLoc();
  Value indices = operands[0], values = operands[1], shape = operands[2],
        start = operands[3], size = operands[4];
  Value c0 = constantIndex(b, loc, 0), c1 = constantIndex(b, loc, 1);
  Value n = memref::DimOp::create(b, loc, indices, 0);
  Value numDims = memref::DimOp::create(b, loc, indices, 1);
  Value numValues = memref::DimOp::create(b, loc, values, 0);
  auto outIdxType = cast<MemRefType>(op.getOutputIndices().getType());
  auto outValsType = cast<MemRefType>(op.getOutputValues().getType());
  auto outShapeType = cast<MemRefType>(op.getOutputShape().getType());
  MemRefType positionsType = op.getPositions()
                                 ? cast<MemRefType>(op.getPositions().getType())
                                 : MemRefType();

  // TensorFlow's checks and the output shape, by the runtime.
  SmallVector<Value, 1> shapeSizes;
  if (outShapeType.isDynamicDim(0))
    shapeSizes.push_back(memref::DimOp::create(b, loc, shape, 0));
  Value outShape = memref::AllocOp::create(b, loc, outShapeType, shapeSizes);
  auto call = func::CallOp::create(
      b, loc, kSparseSliceCheckAndShapeName, TypeRange{b.getI32Type()},
      ValueRange{buildWhere(b, op), toI64(b, loc, n), toI64(b, loc, numDims),
                 toI64(b, loc, numValues), castForRuntime(b, loc, shape),
                 castForRuntime(b, loc, start), castForRuntime(b, loc, size),
                 castForRuntime(b, loc, outShape)});
  Value ok = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne, call.getResult(0),
      arith::ConstantIntOp::create(b, loc, 0, 32).getResult());

  SmallVector<Type, 3> types{outIdxType, outValsType};
  if (positionsType)
    types.push_back(positionsType);
  auto ifOk = scf::IfOp::create(b, loc, types, ok, /*withElse=*/true);
  {
    // A failed check whose handler returned: empty results.
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(ifOk.elseBlock());
    SmallVector<Value, 3> empty{allocRows(b, loc, outIdxType, c0, numDims),
                                allocRows(b, loc, outValsType, c0, numDims)};
    if (positionsType)
      empty.push_back(allocRows(b, loc, positionsType, c0, numDims));
    scf::YieldOp::create(b, loc, empty);
  }
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(ifOk.thenBlock());

  // The kernels take a static R (the bounds as kernel arguments) on
  // operands gpu.memcpy can copy.
  auto identity = [](Value v) {
    return cast<MemRefType>(v.getType()).getLayout().isIdentity();
  };
  // Where the kernels do not run, the host loops run in order: every
  // parallel loop that convert-sparse-to-gpu emits becomes a kernel.
  CompactionOptions hostOptions = options;
  if (kernels)
    hostOptions.parallel = false;
  if (kernels && !(identity(indices) && identity(values)))
    kernels = nullptr;

  // The compaction for a static R, with the box's bounds in registers.
  auto buildForRank = [&](OpBuilder &rb, int64_t r) {
    const KernelBuffers *kb = ShapedType::isDynamic(r) ? nullptr : kernels;
    SliceRows rows;
    rows.values = values;
    rows.numDims = numDims;
    rows.staticR = r;
    if (!ShapedType::isDynamic(r)) {
      rows.indices = castToRank(rb, loc, indices, r);
      for (int64_t d = 0; d < r; ++d) {
        Value dd = constantIndex(rb, loc, d);
        Value s = memref::LoadOp::create(rb, loc, start, dd);
        Value z = memref::LoadOp::create(rb, loc, size, dd);
        rows.startCols.push_back(s);
        rows.endCols.push_back(arith::AddIOp::create(rb, loc, s, z));
      }
      // Rows of R >= 4 as vectors where they are contiguous: LLVM would
      // otherwise vectorize the count across rows with gathers (R = 8:
      // 4x slower than scalar code).
      int64_t offset;
      SmallVector<int64_t> strides;
      auto indicesType = cast<MemRefType>(rows.indices.getType());
      if (r >= 4 && !kb &&
          succeeded(indicesType.getStridesAndOffset(strides, offset)) &&
          strides.back() == 1) {
        auto vecType = VectorType::get({r}, rb.getI64Type());
        rows.startVec =
            vector::FromElementsOp::create(rb, loc, vecType, rows.startCols);
        rows.endVec =
            vector::FromElementsOp::create(rb, loc, vecType, rows.endCols);
      }
    } else {
      rows.indices = indices;
      // R <= 254 here (TensorShape's limit, checked by the runtime).
      auto boundsType =
          MemRefType::get({ShapedType::kDynamic}, rb.getI64Type());
      rows.startMem = start;
      rows.endMem =
          memref::AllocaOp::create(rb, loc, boundsType, ValueRange{numDims});
      scf::ForOp::create(
          rb, loc, c0, numDims, c1, ValueRange{},
          [&](OpBuilder &nb, Location nloc, Value d, ValueRange) {
            Value s = memref::LoadOp::create(nb, nloc, start, d);
            Value z = memref::LoadOp::create(nb, nloc, size, d);
            memref::StoreOp::create(nb, nloc,
                                    arith::AddIOp::create(nb, nloc, s, z),
                                    rows.endMem, d);
            scf::YieldOp::create(nb, nloc);
          });
    }
    // Static-R results, cast to the op's types.
    MemRefType rankIdxType = outIdxType;
    if (!ShapedType::isDynamic(r))
      rankIdxType = MemRefType::get({ShapedType::kDynamic, r}, rb.getI64Type());
    // Kernel buffers: the rows copied there (where they are not already).
    SmallVector<Value, 2> copies;
    if (kb && kb->copy) {
      for (Value *v : {&rows.indices, &rows.values}) {
        auto type = cast<MemRefType>(v->getType());
        SmallVector<Value, 2> sizes;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            sizes.push_back(memref::DimOp::create(rb, loc, *v, d));
        Value copy = kb->alloc(
            rb, loc, MemRefType::get(type.getShape(), type.getElementType()),
            sizes);
        kb->copy(rb, loc, *v, copy);
        copies.push_back(copy);
        *v = copy;
      }
    }
    SmallVector<Value, 3> results =
        buildCompaction(rb, loc, rows, n, rankIdxType, outValsType,
                        positionsType, kb ? options : hostOptions, kb);
    if (kb && kb->copy) {
      // The results back to host buffers.
      for (Value &result : results) {
        if (!result)
          continue;
        auto type = cast<MemRefType>(result.getType());
        SmallVector<Value, 2> sizes;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (type.isDynamicDim(d))
            sizes.push_back(memref::DimOp::create(rb, loc, result, d));
        Value host = memref::AllocOp::create(rb, loc, type, sizes);
        kb->copy(rb, loc, result, host);
        kb->free(rb, loc, result);
        result = host;
      }
      for (Value copy : copies)
        kb->free(rb, loc, copy);
    }
    if (results[0].getType() != outIdxType)
      results[0] = memref::CastOp::create(rb, loc, outIdxType, results[0]);
    if (!positionsType)
      results.pop_back();
    return results;
  };

  int64_t r = staticColumns(indices);
  if (!ShapedType::isDynamic(r) && r <= kMaxSpecializedRank) {
    scf::YieldOp::create(b, loc, buildForRank(b, r));
  } else if (!ShapedType::isDynamic(r)) {
    scf::YieldOp::create(b, loc, buildForRank(b, ShapedType::kDynamic));
  } else {
    // R known only at run time: a case per R in 0..kMaxSpecializedRank, the
    // generic loops over columns for any other.
    SmallVector<int64_t> ranks;
    for (int64_t k = 0; k <= kMaxSpecializedRank; ++k)
      ranks.push_back(k);
    auto dispatch =
        scf::IndexSwitchOp::create(b, loc, types, numDims, ranks, ranks.size());
    {
      OpBuilder::InsertionGuard g2(b);
      b.createBlock(&dispatch.getDefaultRegion());
      scf::YieldOp::create(b, loc, buildForRank(b, ShapedType::kDynamic));
    }
    for (auto [k, region] : llvm::zip(ranks, dispatch.getCaseRegions())) {
      OpBuilder::InsertionGuard g2(b);
      b.createBlock(&region);
      scf::YieldOp::create(b, loc, buildForRank(b, k));
    }
    scf::YieldOp::create(b, loc, dispatch.getResults());
  }

  SmallVector<Value, 4> results{ifOk.getResult(0), ifOk.getResult(1), outShape};
  if (positionsType)
    results.push_back(ifOk.getResult(2));
  return results;
}

void lowering::buildSliceGradScatter(OpBuilder &b, SliceGradScatterOp op,
                                     Value grad, Value positions, Value out,
                                     const CompactionOptions &options) {
  Location loc = op.getLoc();
  Value c1 = constantIndex(b, loc, 1);
  Value nGrad = memref::DimOp::create(b, loc, grad, 0);
  Value m = memref::DimOp::create(b, loc, positions, 0);
  Value n = memref::DimOp::create(b, loc, out, 0);
  // TensorFlow's check that can still fail: #backprop_val_grad == M.
  emitCheck(b, loc, buildWhere(b, op), arith::CmpIPredicate::ne,
            SliceGradCheck::GradMatchesOutputRows, nGrad, m);
  Value zero =
      buildZero(b, loc, cast<MemRefType>(out.getType()).getElementType());
  auto blocksOf = [&](Value rows) {
    Value chunk = options.parallel
                      ? constantIndex(b, loc, options.chunkRows)
                      : Value(arith::MaxUIOp::create(b, loc, rows, c1));
    return std::pair{chunk,
                     Value(arith::CeilDivUIOp::create(b, loc, rows, chunk))};
  };
  Value zeroChunk, zeroBlocks, chunk, blocks;
  std::tie(zeroChunk, zeroBlocks) = blocksOf(n);
  forEachBlock(b, loc, zeroBlocks, options.parallel,
               [&](OpBuilder &nb, Location nloc, Value block) {
                 Value lo, hi;
                 std::tie(lo, hi) = blockRows(nb, nloc, block, zeroChunk, n);
                 scf::ForOp::create(
                     nb, nloc, lo, hi, c1, ValueRange{},
                     [&](OpBuilder &lb, Location lloc, Value i, ValueRange) {
                       memref::StoreOp::create(lb, lloc, zero, out, i);
                       scf::YieldOp::create(lb, lloc);
                     });
               });
  // The kept rows' gradients; the positions are distinct (a slice's), so
  // blocks write disjoint elements. One outside [0, N_in) is skipped.
  std::tie(chunk, blocks) = blocksOf(m);
  forEachBlock(b, loc, blocks, options.parallel,
               [&](OpBuilder &nb, Location nloc, Value block) {
                 Value lo, hi;
                 std::tie(lo, hi) = blockRows(nb, nloc, block, chunk, m);
                 scf::ForOp::create(
                     nb, nloc, lo, hi, c1, ValueRange{},
                     [&](OpBuilder &lb, Location lloc, Value j, ValueRange) {
                       Value p = toIndex(
                           lb, lloc,
                           memref::LoadOp::create(lb, lloc, positions, j));
                       Value inRange = arith::CmpIOp::create(
                           lb, lloc, arith::CmpIPredicate::ult, p, n);
                       auto ifIn = scf::IfOp::create(lb, lloc, inRange, false);
                       lb.setInsertionPointToStart(ifIn.thenBlock());
                       Value g = memref::LoadOp::create(lb, lloc, grad, j);
                       memref::StoreOp::create(lb, lloc, g, out, p);
                       lb.setInsertionPointAfter(ifIn);
                       scf::YieldOp::create(lb, lloc);
                     });
               });
}
