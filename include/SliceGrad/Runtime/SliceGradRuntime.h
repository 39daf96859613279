//===- SliceGradRuntime.h - Run-time support of lowered code ----*- C++ -*-===//
//
// Lowered sparse.slice_grad code calls sparseSliceGradCheckFailed when one of
// TensorFlow's checks fails at run time. The check numbers are shared by the
// lowering (which emits them) and the runtime (which prints the message).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNTIME_SLICEGRADRUNTIME_H
#define SLICEGRAD_RUNTIME_SLICEGRADRUNTIME_H

#include <cstdint>

namespace mlir {
namespace sparse {
/// The run-time checks; `a` and `b` are the two sizes TF's message names.
enum class SliceGradCheck : int32_t {
  SameNumDims = 1,       // a = R of input_indices, b = R of output_indices
  OutputRowsNotGreater,  // a = N_out, b = N_in
  GradMatchesOutputRows, // a = #backprop_val_grad, b = N_out
  StartLength,           // a = R, b = #input_start
  DestinationLength,     // a = #destination, b = N_in
  AllPropagated,         // a = N_out, b = used
};
} // namespace sparse
} // namespace mlir

/// The symbol lowered code calls.
inline constexpr const char *kSparseSliceGradCheckFailedName =
    "sparseSliceGradCheckFailed";

extern "C" {
/// Prints TensorFlow's message for `check` to stderr and exits with status 1.
[[noreturn]] void sparseSliceGradCheckFailed(int32_t check, int64_t a,
                                             int64_t b);
}

#endif // SLICEGRAD_RUNTIME_SLICEGRADRUNTIME_H
