/*===- SliceGradStatus.h - Errors of lowered code, in plain C ----*- C -*-===//
//
// The errors TensorFlow's checks raise at run time, as the host sees them:
// the handler, the process-wide error, and per-call status scopes. Plain C,
// shared by SliceGradRuntime.h and the kernel library's C ABI
// (SliceGrad/Kernels/SliceGradKernels.h); implemented in libSliceGradRuntime.
//
//===----------------------------------------------------------------------===*/

#ifndef SLICEGRAD_RUNTIME_SLICEGRADSTATUS_H
#define SLICEGRAD_RUNTIME_SLICEGRADSTATUS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// TensorFlow's error codes (tensorflow/core/protobuf/error_codes.proto).
enum SparseSliceGradErrorCode {
  SPARSE_SLICE_GRAD_INVALID_ARGUMENT = 3,
  SPARSE_SLICE_GRAD_RESOURCE_EXHAUSTED = 8,
  SPARSE_SLICE_GRAD_INTERNAL = 13,
};

/// A failed check. The strings live until the error is taken.
typedef struct SparseSliceGradError {
  /// The op: "@function" and its source location where known.
  const char *where;
  /// TensorFlow's code and its name ("INVALID_ARGUMENT", "INTERNAL",
  /// "RESOURCE_EXHAUSTED").
  int32_t code;
  const char *codeName;
  /// TensorFlow's message, with the sizes filled in.
  const char *message;
} SparseSliceGradError;

/// Called once for the first failed check. If it returns, the lowered op
/// returns without writing its result, and the calling code goes on.
typedef void (*SparseSliceGradErrorHandler)(const SparseSliceGradError *error,
                                            void *userData);

/// Installs `handler` (null: the default, which prints
/// "sparse.slice_grad in WHERE: CODE: MESSAGE" to stderr and exits with
/// status 1). Returns the previous handler.
SparseSliceGradErrorHandler
sparseSliceGradSetErrorHandler(SparseSliceGradErrorHandler handler,
                               void *userData);

/// If a check failed since the last call, copies it to `*error` (if not
/// null), re-arms reporting and returns 1; otherwise returns 0.
int sparseSliceGradTakeError(SparseSliceGradError *error);

/// One call's status, for a host that runs lowered code on several threads
/// at once and needs each call's own error (an XLA FFI handler, a serving
/// runtime). The strings of `error` point into the buffers, which hold
/// them truncated if they are longer.
typedef struct SparseSliceGradStatus {
  /// 1 once a check failed in the scope; later failures are dropped.
  int32_t failed;
  /// The first failure (valid where `failed`).
  SparseSliceGradError error;
  char whereBuffer[256];
  char messageBuffer[1024];
} SparseSliceGradStatus;
/// Opens a scope on the calling thread: clears `*status`, and until the
/// matching sparseSliceGradEndCall the first failed check of the code this
/// thread runs goes to `*status` only, neither to the handler nor to the
/// error sparseSliceGradTakeError reads. Scopes nest; returns the scope it
/// replaces (null if none). A failed allocation still ends the process
/// (sparseAllocationFailed), in a scope or not.
SparseSliceGradStatus *sparseSliceGradBeginCall(SparseSliceGradStatus *status);
/// Closes the calling thread's scope, restoring `previous` (what the
/// matching sparseSliceGradBeginCall returned).
void sparseSliceGradEndCall(SparseSliceGradStatus *previous);

/// Reports a failed check of the host's own (a C ABI's checks of its
/// arguments, TensorFlow's checks that lowered code's types cannot
/// express) as lowered code reports its own: to the calling thread's scope
/// if one is open, else to the handler. `code` is a
/// SparseSliceGradErrorCode; `op` names the op ("sparse.slice", a string
/// that lives as long as the process), `where` the call.
void sparseSliceGradReportError(const char *op, const char *where, int32_t code,
                                const char *message);

#ifdef __cplusplus
}
#endif

#endif /* SLICEGRAD_RUNTIME_SLICEGRADSTATUS_H */
