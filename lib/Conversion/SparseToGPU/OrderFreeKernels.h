//===- OrderFreeKernels.h - The GPU lowering's kernels ----------*- C++ -*-===//
//
// The flags + prefix + verify algorithm (docs/Rationale.md) as a short
// sequence of parallel loops on buffers that only the kernels read: each
// loop becomes one kernel launch in the sparse-to-nvvm pipeline, or runs on
// CPU threads where the buffers are host memory.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_CONVERSION_SPARSETOGPU_ORDERFREEKERNELS_H
#define SLICEGRAD_LIB_CONVERSION_SPARSETOGPU_ORDERFREEKERNELS_H

#include "SliceGradCodegen/SliceGradOperands.h"

namespace mlir {
namespace sparse {
namespace gpu_lowering {

/// Where the kernels' buffers live: device memory (gpu.alloc, gpu.memcpy,
/// gpu.dealloc) or, to run the kernels on CPU threads, host memory
/// (memref.alloc, memref.copy, memref.dealloc).
struct Buffers {
  bool device;

  Value alloc(OpBuilder &b, Location loc, MemRefType type,
              ValueRange dynamicSizes) const;
  void copy(OpBuilder &b, Location loc, Value from, Value to) const;
  void free(OpBuilder &b, Location loc, Value buffer) const;
  /// A buffer like `like` (identity layout, default memory space).
  Value allocLike(OpBuilder &b, Location loc, Value like) const;
};

/// The words of the status buffer (memref<3xi64>) that the kernels fill.
enum StatusWord : int64_t {
  /// Non-zero when a chunk's verification failed.
  kRefuted = 0,
  /// The number of input rows inside the box (the scan's total).
  kFlagged = 1,
  /// The j that TensorFlow's loop ends with (N_out unless rows are missing).
  kUsed = 2,
  kStatusWords = 3,
};

/// Builds, at b's insertion point in host code, the kernels that write
/// ops.out and status[kUsed] from the operands `ops` (all in `buffers`'
/// memory): the box of the shifted output rows (a tree reduction), the
/// per-chunk counts of rows inside it, their exclusive scan, the write and
/// verification of every chunk from its exact start, and the fallback (one
/// thread runs TensorFlow's loop where the verification failed). Chunks
/// hold `chunkRows` input (or output) rows; tree nodes have
/// max(chunkRows, 2) children. The host code only computes sizes: it reads
/// no operand. Without `fallback` (tests of the kernels), a failed
/// verification is left in status[kRefuted] and status[kUsed] is N_out.
void buildOrderFreeKernels(OpBuilder &b, Location loc,
                           const lowering::SliceGradOperands &ops,
                           int64_t chunkRows, bool fallback,
                           const Buffers &buffers, Value status);

} // namespace gpu_lowering
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_CONVERSION_SPARSETOGPU_ORDERFREEKERNELS_H
