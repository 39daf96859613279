//===- OrderFreeKernels.cpp - The GPU lowering's kernels ------------------===//
//
// Every kernel is an scf.parallel over [0, n) whose iterations share
// nothing but the buffers: the sparse-to-nvvm pipeline maps each to one
// launch (one thread per iteration), and the same loops run on OpenMP
// threads in the CPU tests. Kernels launched one after another on a stream
// see each other's writes, so the host code between them only computes
// sizes. In order:
//
//   box      leaves: leaf k takes the min and max of each shifted column
//            over output rows k, k + leaves, ...; then tree levels of fanIn
//            children each, up to the root: the bounding box B of the
//            shifted output rows.
//   flags    one thread per input row: a byte, 1 if the row lies in B.
//   count    per chunk of input rows, its flags summed (the scan's leaves).
//   scan     up-sweep (each node the sum of its children), the root set to
//            0 after its total is kept in status[kFlagged], down-sweep
//            (each child gets its parent's offset plus its left siblings'
//            sums): every leaf then holds its chunk's exclusive prefix.
//   write    one thread per input row, numbered by its chunk's prefix and
//            the flags before it in the chunk: a flagged row takes the
//            gradient of its number if it equals that output row, others
//            0; a row that does not sets status[kRefuted] (atomic or).
//   fallback one thread: unless nothing was refuted and the flagged rows
//            number N_out, TensorFlow's loop rewrites the result; the j it
//            ends with goes to status[kUsed].
//
// docs/Rationale.md has why the verified result is TensorFlow's, and
// docs/GPU.md the memory traffic, the launches and why a thread per row.
//
//===----------------------------------------------------------------------===//

#include "OrderFreeKernels.h"
#include "SliceGradCodegen/Box.h"
#include "SliceGradCodegen/CodegenUtils.h"
#include "SliceGradCodegen/Strategies.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::gpu_lowering;
using namespace mlir::sparse::lowering;

Value Buffers::alloc(OpBuilder &b, Location loc, MemRefType type,
                     ValueRange dynamicSizes) const {
  if (device)
    return gpu::AllocOp::create(b, loc, type, Type(), ValueRange{},
                                dynamicSizes, ValueRange{})
        .getMemref();
  return memref::AllocOp::create(b, loc, type, dynamicSizes);
}

void Buffers::copy(OpBuilder &b, Location loc, Value from, Value to) const {
  if (device)
    gpu::MemcpyOp::create(b, loc, Type(), ValueRange{}, to, from);
  else
    memref::CopyOp::create(b, loc, from, to);
}

void Buffers::free(OpBuilder &b, Location loc, Value buffer) const {
  if (device)
    gpu::DeallocOp::create(b, loc, Type(), ValueRange{}, buffer);
  else
    memref::DeallocOp::create(b, loc, buffer);
}

Value Buffers::allocLike(OpBuilder &b, Location loc, Value like) const {
  auto type = cast<MemRefType>(like.getType());
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      sizes.push_back(memref::DimOp::create(b, loc, like, d));
  return alloc(b, loc, MemRefType::get(type.getShape(), type.getElementType()),
               sizes);
}

namespace {
/// A tree has at most this many levels above its leaves (fanIn >= 2).
constexpr int64_t kMaxTreeLevels = 64;

/// One kernel: body(k) for k in [0, n), in parallel.
void buildKernel(OpBuilder &b, Location loc, Value n,
                 function_ref<void(OpBuilder &, Location, Value)> body) {
  scf::ParallelOp::create(
      b, loc, ValueRange{constantIndex(b, loc, 0)}, ValueRange{n},
      ValueRange{constantIndex(b, loc, 1)},
      [&](OpBuilder &nb, Location l, ValueRange ivs) { body(nb, l, ivs[0]); });
}

/// One thread per row i < n: max(n, 1) threads (a launch needs one), the
/// body guarded by i < n.
void buildRowKernel(OpBuilder &b, Location loc, Value n,
                    function_ref<void(OpBuilder &, Location, Value)> body) {
  Value threads = arith::MaxUIOp::create(b, loc, n, constantIndex(b, loc, 1));
  buildKernel(b, loc, threads, [&](OpBuilder &kb, Location l, Value i) {
    Value inRange =
        arith::CmpIOp::create(kb, l, arith::CmpIPredicate::ult, i, n);
    scf::IfOp::create(kb, l, inRange, [&](OpBuilder &tb, Location tl) {
      body(tb, tl, i);
      scf::YieldOp::create(tb, tl);
    });
  });
}

/// [lo, hi) of group k of `size` items in groups of `group` (k < ceil(size /
/// group)), without overflow.
std::pair<Value, Value> groupRange(OpBuilder &b, Location loc, Value k,
                                   Value group, Value size) {
  Value lo = arith::MulIOp::create(b, loc, k, group);
  Value left = arith::SubIOp::create(b, loc, size, lo);
  Value len = arith::MinUIOp::create(b, loc, group, left);
  return {lo, arith::AddIOp::create(b, loc, lo, len)};
}

/// max(ceil(n / group), 1): a tree needs a leaf, an empty one if n = 0.
Value numGroups(OpBuilder &b, Location loc, Value n, Value group) {
  Value groups = arith::CeilDivUIOp::create(b, loc, n, group);
  return arith::MaxUIOp::create(b, loc, groups, constantIndex(b, loc, 1));
}

/// The levels of a tree over n0 >= 1 leaves, all nodes in one buffer, level
/// by level from the leaves (host code).
struct TreeShape {
  /// Host memref<kMaxTreeLevels + 1 x index>: the first node of level L.
  Value offsets;
  /// Levels above the leaves, the root's node and the number of nodes.
  Value levels, root, size;

  TreeShape(OpBuilder &b, Location loc, Value n0, Value fanIn) {
    Type index = b.getIndexType();
    offsets = memref::AllocOp::create(
        b, loc, MemRefType::get({kMaxTreeLevels + 1}, index));
    Value c0 = constantIndex(b, loc, 0);
    memref::StoreOp::create(b, loc, c0, offsets, c0);
    auto loop = scf::WhileOp::create(
        b, loc, TypeRange{index, index, index}, ValueRange{c0, c0, n0},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value more = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ugt,
                                             args[2], constantIndex(nb, l, 1));
          scf::ConditionOp::create(nb, l, more, args);
        },
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value level =
              arith::AddIOp::create(nb, l, args[0], constantIndex(nb, l, 1));
          Value next = arith::AddIOp::create(nb, l, args[1], args[2]);
          memref::StoreOp::create(nb, l, next, offsets, level);
          Value n = arith::CeilDivUIOp::create(nb, l, args[2], fanIn);
          scf::YieldOp::create(nb, l, ValueRange{level, next, n});
        });
    levels = loop.getResult(0);
    root = loop.getResult(1);
    size = arith::AddIOp::create(b, loc, root, constantIndex(b, loc, 1));
  }

  /// Level L's first node, node count and parent count (L < levels).
  std::tuple<Value, Value, Value> level(OpBuilder &b, Location loc, Value L,
                                        Value fanIn) const {
    Value off = memref::LoadOp::create(b, loc, offsets, L);
    Value up = arith::AddIOp::create(b, loc, L, constantIndex(b, loc, 1));
    Value offUp = memref::LoadOp::create(b, loc, offsets, up);
    Value n = arith::SubIOp::create(b, loc, offUp, off);
    return {off, n, offUp};
  }

  /// One kernel per level from the leaves up: combine(children [lo, hi),
  /// parent), node indices of the whole tree.
  void
  buildUpSweep(OpBuilder &b, Location loc, Value fanIn,
               function_ref<void(OpBuilder &, Location, Value, Value, Value)>
                   combine) const {
    scf::ForOp::create(
        b, loc, constantIndex(b, loc, 0), levels, constantIndex(b, loc, 1),
        ValueRange{}, [&](OpBuilder &nb, Location l, Value L, ValueRange) {
          Value off, n, offUp;
          std::tie(off, n, offUp) = level(nb, l, L, fanIn);
          Value parents = arith::CeilDivUIOp::create(nb, l, n, fanIn);
          buildKernel(nb, l, parents, [&](OpBuilder &kb, Location kl, Value g) {
            Value lo, hi;
            std::tie(lo, hi) = groupRange(kb, kl, g, fanIn, n);
            combine(kb, kl, arith::AddIOp::create(kb, kl, off, lo),
                    arith::AddIOp::create(kb, kl, off, hi),
                    arith::AddIOp::create(kb, kl, offUp, g));
          });
          scf::YieldOp::create(nb, l);
        });
  }

  void free(OpBuilder &b, Location loc) const {
    memref::DeallocOp::create(b, loc, offsets);
  }
};

/// Emits the kernels for one op; see the file comment.
class KernelBuilder {
public:
  KernelBuilder(OpBuilder &b, Location loc, const SliceGradOperands &ops,
                int64_t chunkRows, bool fallback, const Buffers &buffers,
                Value status)
      : ops(ops), loc(loc), fallback(fallback), buffers(buffers),
        status(status) {
    chunk = constantIndex(b, loc, chunkRows);
    fanIn = constantIndex(b, loc, std::max<int64_t>(chunkRows, 2));
    Value c2 = constantIndex(b, loc, 2);
    boxWords = arith::MulIOp::create(b, loc, c2, ops.numDims);
  }

  void build(OpBuilder &b) {
    // Host code first (sizes, scratch), so that the launches that follow
    // are one straight line wherever the tree levels allow.
    Value boxLeaves = numGroups(b, loc, ops.nOut, chunk);
    TreeShape boxTree(b, loc, boxLeaves, fanIn);
    Value nChunks = numGroups(b, loc, ops.nIn, chunk);
    TreeShape scanTree(b, loc, nChunks, fanIn);
    // One more word: a buffer of R = 0 nodes is not empty.
    Value boxSize =
        add(b, loc, arith::MulIOp::create(b, loc, boxTree.size, boxWords),
            constantIndex(b, loc, 1));
    box = buffers.alloc(b, loc,
                        MemRefType::get({ShapedType::kDynamic}, b.getI64Type()),
                        boxSize);
    Value scan = buffers.alloc(
        b, loc, MemRefType::get({ShapedType::kDynamic}, b.getIndexType()),
        scanTree.size);
    // One byte per input row (one more: never an empty buffer).
    Value flags = buffers.alloc(
        b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI8Type()),
        add(b, loc, ops.nIn, constantIndex(b, loc, 1)));
    Value boxBase = arith::MulIOp::create(b, loc, boxTree.root, boxWords);

    buildBox(b, boxTree, boxLeaves);
    buildFlags(b, flags, boxBase);
    buildCount(b, nChunks, flags, scan);
    buildScan(b, scanTree, scan);
    buildWrite(b, flags, scan);
    buildFallback(b);
    buffers.free(b, loc, flags);
    buffers.free(b, loc, scan);
    buffers.free(b, loc, box);
    boxTree.free(b, loc);
    scanTree.free(b, loc);
  }

private:
  Value load(OpBuilder &b, Location l, Value memref, ValueRange indices) {
    return memref::LoadOp::create(b, l, memref, indices);
  }
  Value add(OpBuilder &b, Location l, Value x, Value y) {
    return arith::AddIOp::create(b, l, x, y);
  }
  /// input_start's columns (static R), loaded in the kernel.
  SmallVector<Value> startCols(OpBuilder &b, Location l) {
    SmallVector<Value> cols;
    for (int64_t d = 0; d < ops.staticNumDims; ++d)
      cols.push_back(load(b, l, ops.start, constantIndex(b, l, d)));
    return cols;
  }

  /// The box tree's kernels: leaves over chunks of output rows, node k in
  /// words [2R k, 2R k + 2R) of `box` (R minima, then R maxima).
  void buildBox(OpBuilder &b, const TreeShape &tree, Value leaves) {
    buildKernel(b, loc, leaves, [&](OpBuilder &kb, Location l, Value k) {
      buildBoxLeaf(kb, l, k, leaves);
    });
    tree.buildUpSweep(
        b, loc, fanIn,
        [&](OpBuilder &kb, Location l, Value lo, Value hi, Value parent) {
          buildBoxNode(kb, l, lo, hi, parent);
        });
  }

  /// Leaf k reduces rows k, k + leaves, ...: consecutive threads read
  /// consecutive rows (the loads coalesce); a min/max needs no order.
  void buildBoxLeaf(OpBuilder &b, Location l, Value k, Value leaves) {
    Value base = arith::MulIOp::create(b, l, k, boxWords);
    if (!ops.hasStaticNumDims()) {
      // A run-time R: column by column.
      buildDynamicRowBounds(
          b, l, ops, k, ops.nOut, leaves,
          [&](OpBuilder &cb, Location cl, Value d, Value min, Value max) {
            Value at = add(cb, cl, base, d);
            memref::StoreOp::create(cb, cl, min, box, at);
            memref::StoreOp::create(cb, cl, max, box,
                                    add(cb, cl, at, ops.numDims));
          });
      return;
    }
    // Rows outer, the 2R bounds in registers: each row read once.
    int64_t r = ops.staticNumDims;
    SmallVector<Value> bounds =
        buildStaticRowBounds(b, l, ops, startCols(b, l), k, ops.nOut, leaves,
                             buildEmptyBounds(b, l, r));
    for (int64_t d = 0; d < 2 * r; ++d)
      memref::StoreOp::create(b, l, bounds[d], box,
                              add(b, l, base, constantIndex(b, l, d)));
  }

  /// A node of the box tree from its children [lo, hi): word w is a
  /// minimum for w < R, else a maximum.
  void buildBoxNode(OpBuilder &b, Location l, Value lo, Value hi,
                    Value parent) {
    SmallVector<Value> empty = buildEmptyBounds(b, l, 1);
    scf::ForOp::create(
        b, l, constantIndex(b, l, 0), boxWords, constantIndex(b, l, 1),
        ValueRange{}, [&](OpBuilder &wb, Location wl, Value w, ValueRange) {
          Value isMin = arith::CmpIOp::create(wb, wl, arith::CmpIPredicate::ult,
                                              w, ops.numDims);
          Value init =
              arith::SelectOp::create(wb, wl, isMin, empty[0], empty[1]);
          auto children = scf::ForOp::create(
              wb, wl, lo, hi, constantIndex(wb, wl, 1), ValueRange{init},
              [&](OpBuilder &nb, Location cl, Value c, ValueRange acc) {
                Value at =
                    add(nb, cl, arith::MulIOp::create(nb, cl, c, boxWords), w);
                Value v = load(nb, cl, box, at);
                Value mn = arith::MinSIOp::create(nb, cl, acc[0], v);
                Value mx = arith::MaxSIOp::create(nb, cl, acc[0], v);
                scf::YieldOp::create(
                    nb, cl,
                    arith::SelectOp::create(nb, cl, isMin, mn, mx).getResult());
              });
          Value at =
              add(wb, wl, arith::MulIOp::create(wb, wl, parent, boxWords), w);
          memref::StoreOp::create(wb, wl, children.getResult(0), box, at);
          scf::YieldOp::create(wb, wl);
        });
  }

  /// The box's 2R bounds in registers (static R), loaded in the kernel.
  SmallVector<Value> boxBounds(OpBuilder &b, Location l, Value boxBase) {
    SmallVector<Value> bounds;
    if (!ops.hasStaticNumDims())
      return bounds;
    for (int64_t w = 0; w < 2 * ops.staticNumDims; ++w)
      bounds.push_back(
          load(b, l, box, add(b, l, boxBase, constantIndex(b, l, w))));
    return bounds;
  }

  /// i1: input row i lies inside the box.
  Value buildInside(OpBuilder &b, Location l, Value i, Value boxBase,
                    ArrayRef<Value> bounds) {
    int64_t r = ops.hasStaticNumDims() ? ops.staticNumDims : 0;
    return buildInsideBox(
        b, l, ops, i, bounds.take_front(r), bounds.drop_front(r),
        [&](OpBuilder &nb, Location rl, Value d) {
          Value at = add(nb, rl, boxBase, d);
          return std::pair<Value, Value>{
              load(nb, rl, box, at),
              load(nb, rl, box, add(nb, rl, at, ops.numDims))};
        });
  }

  /// One thread per input row (consecutive threads, consecutive rows: the
  /// loads coalesce): flags[i] = 1 if row i lies inside the box.
  void buildFlags(OpBuilder &b, Value flags, Value boxBase) {
    buildRowKernel(b, loc, ops.nIn, [&](OpBuilder &kb, Location l, Value i) {
      SmallVector<Value> bounds = boxBounds(kb, l, boxBase);
      Value inside = buildInside(kb, l, i, boxBase, bounds);
      Value flag = arith::ExtUIOp::create(kb, l, kb.getI8Type(), inside);
      memref::StoreOp::create(kb, l, flag, flags, i);
    });
  }

  /// One thread per chunk: the chunk's flags summed (one byte per row).
  void buildCount(OpBuilder &b, Value nChunks, Value flags, Value scan) {
    buildKernel(b, loc, nChunks, [&](OpBuilder &kb, Location l, Value k) {
      Value lo, hi;
      std::tie(lo, hi) = groupRange(kb, l, k, chunk, ops.nIn);
      memref::StoreOp::create(kb, l, sumFlags(kb, l, flags, lo, hi), scan, k);
    });
  }

  /// The number of flagged rows in [lo, hi).
  Value sumFlags(OpBuilder &b, Location l, Value flags, Value lo, Value hi) {
    auto rows = scf::ForOp::create(
        b, l, lo, hi, constantIndex(b, l, 1),
        ValueRange{constantIndex(b, l, 0)},
        [&](OpBuilder &nb, Location rl, Value i, ValueRange count) {
          Value flag = load(nb, rl, flags, i);
          Value wide = arith::ExtUIOp::create(nb, rl, nb.getI64Type(), flag);
          Value one =
              arith::IndexCastUIOp::create(nb, rl, nb.getIndexType(), wide);
          scf::YieldOp::create(nb, rl, add(nb, rl, count[0], one));
        });
    return rows.getResult(0);
  }

  /// The exclusive scan of the chunk counts: up-sweep, root, down-sweep.
  void buildScan(OpBuilder &b, const TreeShape &tree, Value scan) {
    buildScanUpSweep(b, tree, scan);
    buildScanRoot(b, tree, scan);
    buildScanDownSweep(b, tree, scan);
  }

  /// Each node the sum of its children.
  void buildScanUpSweep(OpBuilder &b, const TreeShape &tree, Value scan) {
    tree.buildUpSweep(
        b, loc, fanIn,
        [&](OpBuilder &kb, Location l, Value lo, Value hi, Value parent) {
          auto sum = scf::ForOp::create(
              kb, l, lo, hi, constantIndex(kb, l, 1),
              ValueRange{constantIndex(kb, l, 0)},
              [&](OpBuilder &nb, Location cl, Value c, ValueRange acc) {
                scf::YieldOp::create(
                    nb, cl, add(nb, cl, acc[0], load(nb, cl, scan, c)));
              });
          memref::StoreOp::create(kb, l, sum.getResult(0), scan, parent);
        });
  }

  /// The root: its total is the number of flagged rows; its offset is 0.
  void buildScanRoot(OpBuilder &b, const TreeShape &tree, Value scan) {
    buildKernel(b, loc, constantIndex(b, loc, 1),
                [&](OpBuilder &kb, Location l, Value) {
                  Value total = load(kb, l, scan, tree.root);
                  memref::StoreOp::create(kb, l, constantIndex(kb, l, 0), scan,
                                          tree.root);
                  Value i64Total = arith::IndexCastUIOp::create(
                      kb, l, kb.getI64Type(), total);
                  memref::StoreOp::create(kb, l, constantI64(kb, l, 0), status,
                                          constantIndex(kb, l, kRefuted));
                  memref::StoreOp::create(kb, l, i64Total, status,
                                          constantIndex(kb, l, kFlagged));
                });
  }

  /// From the root's level to the leaves, each child gets its parent's
  /// offset plus its left siblings' sums.
  void buildScanDownSweep(OpBuilder &b, const TreeShape &tree, Value scan) {
    scf::ForOp::create(
        b, loc, constantIndex(b, loc, 0), tree.levels, constantIndex(b, loc, 1),
        ValueRange{}, [&](OpBuilder &nb, Location l, Value t, ValueRange) {
          Value last = arith::SubIOp::create(nb, l, tree.levels,
                                             constantIndex(nb, l, 1));
          Value L = arith::SubIOp::create(nb, l, last, t);
          Value off, n, offUp;
          std::tie(off, n, offUp) = tree.level(nb, l, L, fanIn);
          Value parents = arith::CeilDivUIOp::create(nb, l, n, fanIn);
          buildKernel(nb, l, parents, [&](OpBuilder &kb, Location kl, Value g) {
            Value lo, hi;
            std::tie(lo, hi) = groupRange(kb, kl, g, fanIn, n);
            Value offset = load(kb, kl, scan, add(kb, kl, offUp, g));
            scf::ForOp::create(
                kb, kl, add(kb, kl, off, lo), add(kb, kl, off, hi),
                constantIndex(kb, kl, 1), ValueRange{offset},
                [&](OpBuilder &cb, Location cl, Value c, ValueRange acc) {
                  Value v = load(cb, cl, scan, c);
                  memref::StoreOp::create(cb, cl, acc[0], scan, c);
                  scf::YieldOp::create(cb, cl, add(cb, cl, acc[0], v));
                });
          });
          scf::YieldOp::create(nb, l);
        });
  }

  /// One thread per input row (coalesced like the flags): a flagged row
  /// takes the gradient of its number (its chunk's start plus the flags
  /// before it in the chunk) if it equals that output row; a row that does
  /// not sets status[kRefuted].
  void buildWrite(OpBuilder &b, Value flags, Value scan) {
    // A float value crosses blocks as an integer of its width: x86 keeps
    // bf16 in f32 registers between blocks, and its conversions flush
    // subnormals and quiet NaNs. The op moves bit patterns.
    Type moved = ops.eltType;
    if (isa<FloatType>(moved))
      moved = b.getIntegerType(moved.getIntOrFloatBitWidth());
    buildRowKernel(b, loc, ops.nIn, [&](OpBuilder &kb, Location l, Value i) {
      SmallVector<Value> start = startCols(kb, l);
      Value zero = buildZero(kb, l, moved);
      Value k = arith::DivUIOp::create(kb, l, i, chunk);
      Value lo = arith::MulIOp::create(kb, l, k, chunk);
      Value pos =
          add(kb, l, load(kb, l, scan, k), sumFlags(kb, l, flags, lo, i));
      Value flagged = arith::CmpIOp::create(
          kb, l, arith::CmpIPredicate::ne, load(kb, l, flags, i),
          arith::ConstantIntOp::create(kb, l, kb.getI8Type(), 0));
      Type types[] = {kb.getI1Type(), moved};
      auto row = scf::IfOp::create(kb, l, types, flagged,
                                   /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(kb);
        kb.setInsertionPointToStart(row.thenBlock());
        Value valid = arith::CmpIOp::create(kb, l, arith::CmpIPredicate::ult,
                                            pos, ops.nOut);
        auto check = scf::IfOp::create(
            kb, l, valid,
            [&](OpBuilder &tb, Location tl) {
              Value same = buildRowsEqual(tb, tl, ops, start, i, pos);
              Value g = load(tb, tl, ops.grad, pos);
              if (moved != ops.eltType)
                g = arith::BitcastOp::create(tb, tl, moved, g);
              scf::YieldOp::create(tb, tl, ValueRange{same, g});
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(
                  eb, el, ValueRange{constantBool(eb, el, false), zero});
            });
        scf::YieldOp::create(kb, l, check.getResults());
        kb.setInsertionPointToStart(row.elseBlock());
        scf::YieldOp::create(kb, l,
                             ValueRange{constantBool(kb, l, true), zero});
      }
      Value value = row.getResult(1);
      if (moved != ops.eltType)
        value = arith::BitcastOp::create(kb, l, ops.eltType, value);
      memref::StoreOp::create(kb, l, value, ops.out, i);
      Value refuted = arith::XOrIOp::create(kb, l, row.getResult(0),
                                            constantBool(kb, l, true));
      scf::IfOp::create(kb, l, refuted, [&](OpBuilder &tb, Location tl) {
        memref::AtomicRMWOp::create(
            tb, tl, arith::AtomicRMWKind::ori, constantI64(tb, tl, 1), status,
            ValueRange{constantIndex(tb, tl, kRefuted)});
        scf::YieldOp::create(tb, tl);
      });
    });
  }

  void buildFallback(OpBuilder &b) {
    buildKernel(
        b, loc, constantIndex(b, loc, 1),
        [&](OpBuilder &kb, Location l, Value) {
          Value refuted = load(kb, l, status, constantIndex(kb, l, kRefuted));
          Value flagged = load(kb, l, status, constantIndex(kb, l, kFlagged));
          Value nOut =
              arith::IndexCastUIOp::create(kb, l, kb.getI64Type(), ops.nOut);
          Value wrong = arith::OrIOp::create(
              kb, l,
              arith::CmpIOp::create(kb, l, arith::CmpIPredicate::ne, refuted,
                                    constantI64(kb, l, 0)),
              arith::CmpIOp::create(kb, l, arith::CmpIPredicate::ne, flagged,
                                    nOut));
          if (!fallback) {
            // Tests of the kernels: the refutation is the result.
            Value word = arith::ExtUIOp::create(kb, l, kb.getI64Type(), wrong);
            memref::StoreOp::create(kb, l, word, status,
                                    constantIndex(kb, l, kRefuted));
            memref::StoreOp::create(kb, l, nOut, status,
                                    constantIndex(kb, l, kUsed));
            return;
          }
          auto used = scf::IfOp::create(
              kb, l, wrong,
              [&](OpBuilder &tb, Location tl) {
                Value j = buildSequentialLoop(tb, tl, ops,
                                              /*vectorWidth=*/0);
                scf::YieldOp::create(tb, tl, j);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, ops.nOut);
              });
          Value word = arith::IndexCastUIOp::create(kb, l, kb.getI64Type(),
                                                    used.getResult(0));
          memref::StoreOp::create(kb, l, word, status,
                                  constantIndex(kb, l, kUsed));
        });
  }

  const SliceGradOperands &ops;
  Location loc;
  bool fallback;
  const Buffers &buffers;
  Value status;
  Value chunk, fanIn, boxWords;
  /// The box tree's buffer.
  Value box;
};
} // namespace

void gpu_lowering::buildOrderFreeKernels(OpBuilder &b, Location loc,
                                         const SliceGradOperands &ops,
                                         int64_t chunkRows, bool fallback,
                                         const Buffers &buffers, Value status) {
  KernelBuilder(b, loc, ops, chunkRows, fallback, buffers, status).build(b);
}
