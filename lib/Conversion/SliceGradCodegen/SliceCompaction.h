//===- SliceCompaction.h - sparse.slice and its gradient scatter -*- C++ -*-=//
//
// The lowerings of sparse.slice (TensorFlow's checks and output shape
// through the runtime, then the compaction of the rows inside the box) and
// of sparse.slice_grad_scatter (the fused gradient). Both strategies share
// the per-row code: the sequential one is the parallel one with a single
// block of rows.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICECOMPACTION_H
#define SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICECOMPACTION_H

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

#include "mlir/IR/Builders.h"

#include <functional>

namespace mlir {
namespace sparse {
namespace lowering {

/// How the compaction runs: blocks of `chunkRows` rows on the threads of an
/// scf.parallel (`parallel`), or one block in order.
struct CompactionOptions {
  bool parallel = true;
  int64_t chunkRows = 4096;
};

/// Where the compaction's parallel loops read and write when they become
/// GPU kernels (convert-sparse-to-gpu): buffers that `alloc` makes (device
/// memory, or host memory for the kernels on CPU threads), `copy` between
/// them and host buffers (null: they are host buffers), and `free`.
struct KernelBuffers {
  std::function<Value(OpBuilder &, Location, MemRefType, ValueRange)> alloc;
  std::function<void(OpBuilder &, Location, Value, Value)> copy;
  std::function<void(OpBuilder &, Location, Value)> free;
};

/// The memref form of `op` on `operands` (its converted operands): the
/// results' values, in order (output indices, values, shape, positions if
/// the op has them). With `kernels`, the loops run on kernel buffers (the
/// indices and values copied there, the results copied back; the prefix
/// over blocks and the checks on the host), for a static R up to 8 with
/// identity layouts; other slices run the host loops in order.
SmallVector<Value, 4> buildSlice(OpBuilder &b, SliceOp op, ValueRange operands,
                                 const CompactionOptions &options,
                                 const KernelBuffers *kernels = nullptr);

/// The memref form of sparse.slice_grad_scatter on its converted operands:
/// TensorFlow's length check, then zeros and the scattered gradients.
void buildSliceGradScatter(OpBuilder &b, SliceGradScatterOp op, Value grad,
                           Value positions, Value out,
                           const CompactionOptions &options);

} // namespace lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SLICEGRADCODEGEN_SLICECOMPACTION_H
