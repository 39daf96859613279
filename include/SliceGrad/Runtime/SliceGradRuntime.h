//===- SliceGradRuntime.h - Run-time support of lowered code ----*- C++ -*-===//
//
// Lowered sparse.slice_grad code calls sparseSliceGradCheckFailed when one of
// TensorFlow's checks fails at run time, then skips the rest of that op. The
// check numbers are shared by the lowering (which emits them) and the runtime
// (which formats TensorFlow's message).
//
// Failures are reported once: the first failed check (on any thread) is
// recorded and handed to the error handler; later ones stay quiet until the
// host takes the recorded error. The default handler prints the message and
// ends the process with status 1 (what `sparse-opt --run` and mlir-runner
// show); a host that embeds the code installs its own handler and reads the
// error back as a status instead. A host that runs calls concurrently opens
// a per-call status scope on each calling thread instead
// (sparseSliceGradBeginCall): each call gets its own error, without a lock.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNTIME_SLICEGRADRUNTIME_H
#define SLICEGRAD_RUNTIME_SLICEGRADRUNTIME_H

#include "SliceGrad/Runtime/SliceGradChecks.h"
#include "SliceGrad/Runtime/SliceGradStatus.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <cstdint>

/// The symbols lowered code calls (the second through its C interface).
inline constexpr const char *kSparseSliceGradCheckFailedName =
    "sparseSliceGradCheckFailed";
inline constexpr const char *kSparseSliceGradShapeCheckFailedName =
    "sparseSliceGradShapeCheckFailed";
inline constexpr const char *kSparseSliceCheckAndShapeName =
    "sparseSliceCheckAndShape";
inline constexpr const char *kSparseSliceGradSplitPlanName =
    "sparseSliceGradSplitPlan";
inline constexpr const char *kSparseAllocationFailedName =
    "sparseAllocationFailed";

extern "C" {
/// What lowered code calls: `where` is a NUL-terminated string, `a` and `b`
/// the values TensorFlow's message shows (`SliceGradCheck`).
void sparseSliceGradCheckFailed(const char *where, int32_t check, int64_t a,
                                int64_t b);

/// TensorFlow's size checks of one sparse.slice and its output shape
/// (SparseSliceChecks.h): if all pass, writes the output shape (`shape`'s
/// length) to `outShape` and returns 1; otherwise reports the first failed
/// check (INVALID_ARGUMENT, reported as an error of sparse.slice) and
/// returns 0. `start` and `size` are read only once their lengths are
/// known to be `shape`'s.
int32_t _mlir_ciface_sparseSliceCheckAndShape(
    const char *where, int64_t indicesRows, int64_t indicesCols, int64_t values,
    StridedMemRefType<int64_t, 1> *shape, StridedMemRefType<int64_t, 1> *start,
    StridedMemRefType<int64_t, 1> *size,
    StridedMemRefType<int64_t, 1> *outShape);

/// A buffer of `shape` and TensorFlow type `type` ("float") that cannot be
/// allocated (its byte count overflows, or malloc returned null; see
/// sparse-check-allocations): reports RESOURCE_EXHAUSTED with TensorFlow's
/// "OOM when allocating tensor with shape[...] and type ..." and ends the
/// process even if the handler returns, since the code cannot go on without
/// the buffer.
[[noreturn]] void
_mlir_ciface_sparseAllocationFailed(const char *where, const char *type,
                                    StridedMemRefType<int64_t, 1> *shape);

/// The split loop's plan (SplitPlan.cpp) for TensorFlow's loop over input
/// rows [lo, hi) (lo < hi) from output row j0, in parts of about partRows
/// rows: writes each part's first row to `starts` (and hi after the last)
/// and its guessed j to `guesses` (j0 for the first part), and returns the
/// number of parts: ceil((hi - lo) / partRows), or 1 where a sample of the
/// rows fits neither guess (output rows from j0 that are the input rows from
/// lo in order, or that ascend). `starts` holds ceil((hi - lo) / partRows) +
/// 1 entries, `guesses` one fewer.
int64_t _mlir_ciface_sparseSliceGradSplitPlan(
    StridedMemRefType<int64_t, 2> *in, StridedMemRefType<int64_t, 2> *out,
    StridedMemRefType<int64_t, 1> *start, int64_t lo, int64_t hi, int64_t j0,
    int64_t partRows, StridedMemRefType<int64_t, 1> *starts,
    StridedMemRefType<int64_t, 1> *guesses);

/// The same for a check whose message shows shapes (`a`, `b`: the sizes of
/// each dimension; `b` may be empty).
void _mlir_ciface_sparseSliceGradShapeCheckFailed(
    const char *where, int32_t check, StridedMemRefType<int64_t, 1> *a,
    StridedMemRefType<int64_t, 1> *b);
}

#endif // SLICEGRAD_RUNTIME_SLICEGRADRUNTIME_H
