/*===- SliceGradKernels.h - The ops ahead of time -----------------*- C -*-===//
//
// libSliceGradKernels: TensorFlow's SparseSliceGrad and SparseSlice lowered
// ahead of time by sparse-lower-to-llvm (the parallel strategy, R known at
// run time; the gradient in destination form), one kernel per value width
// (the ops move bit patterns, so float, int32 and every other 4-byte type
// share a kernel), compiled once
// per CPU level (x86-64-v2, -v3, -v4 on x86-64) and chosen when the library
// first runs, by the CPU that runs it. A stable C ABI over dense row-major
// arrays, for hosts that do not JIT (an XLA FFI handler, a serving runtime).
//
//===----------------------------------------------------------------------===*/

#ifndef SLICEGRAD_KERNELS_SLICEGRADKERNELS_H
#define SLICEGRAD_KERNELS_SLICEGRADKERNELS_H

#include "SliceGrad/Runtime/SliceGradStatus.h"

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A dense row-major array: `rank` sizes in `shape`.
typedef struct SparseSliceGradArray {
  const void *data;
  int64_t rank;
  const int64_t *shape;
} SparseSliceGradArray;

/// TensorFlow's SparseSliceGrad into `valGrad` (`valGradLength` values of
/// `valueBytes` bytes: 1, 2, 4, 8 or 16): TensorFlow's checks in its order
/// and with its messages, then its result bit for bit. Returns 0, or
/// TensorFlow's error code with `*status` (if not null) holding the error;
/// `valGrad` is then unspecified. Each call runs in its own status scope
/// (sparseSliceGradBeginCall), so calls on several threads at once need no
/// lock and never reach the process-wide handler. A call the C ABI cannot
/// take (an unsupported width, a negative size, a null shape or data where
/// there are elements, sizes whose byte count overflows) is an
/// INVALID_ARGUMENT of its own, checked before TensorFlow's.
int32_t sparseSliceGradRun(int64_t valueBytes,
                           SparseSliceGradArray backpropValGrad,
                           SparseSliceGradArray inputIndices,
                           SparseSliceGradArray inputStart,
                           SparseSliceGradArray outputIndices, void *valGrad,
                           int64_t valGradLength,
                           SparseSliceGradStatus *status);

/// TensorFlow's SparseSlice of the sparse tensor (`indices`, N x R;
/// `values`, N values of `valueBytes` bytes; `shape`) to the box `start`,
/// `size`: TensorFlow's checks in its order and with its messages, then its
/// M kept rows, in input order, into buffers with room for all N:
/// `outputIndices` (N x R int64; rows [0, M) written), `outputValues` (N
/// values; [0, M) written), `outputShape` (R int64), and `positions` (N
/// int64; [0, M) written: the input row of each kept row, which is what the
/// gradient of the slice scatters by). `*count` gets M. Returns 0 or
/// TensorFlow's error code, as sparseSliceGradRun does, in a status scope
/// of its own; buffers and `*count` are then unspecified.
int32_t sparseSliceRun(int64_t valueBytes, SparseSliceGradArray indices,
                       SparseSliceGradArray values, SparseSliceGradArray shape,
                       SparseSliceGradArray start, SparseSliceGradArray size,
                       int64_t *outputIndices, void *outputValues,
                       int64_t *outputShape, int64_t *positions, int64_t *count,
                       SparseSliceGradStatus *status);

/// The CPU level whose kernels the library runs ("x86-64-v4", "x86-64-v3",
/// "x86-64-v2" or "generic"): the highest one built that the CPU supports,
/// or the one SLICE_GRAD_KERNEL_TARGET names if it is built and supported.
const char *sparseSliceGradKernelTarget(void);

/// The CPU levels the library was built for, highest first, separated by
/// commas ("x86-64-v4,x86-64-v3,x86-64-v2").
const char *sparseSliceGradKernelTargets(void);

#ifdef __cplusplus
}
#endif

#endif /* SLICEGRAD_KERNELS_SLICEGRADKERNELS_H */
