//===- SliceGradChecks.h - TensorFlow's checks and messages -----*- C++ -*-===//
//
// The checks of SparseSliceGrad, numbered for the lowering (which emits the
// number) and the runtime (which formats the message), and TensorFlow's
// message for each (SliceGradMessages.def), which the verifier uses too.
// Header-only, without LLVM: the runtime library does not link it.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNTIME_SLICEGRADCHECKS_H
#define SLICEGRAD_RUNTIME_SLICEGRADCHECKS_H

#include <cstdint>
#include <string>

namespace mlir {
namespace sparse {
/// The run-time checks; `a` and `b` are the two values TF's message names.
enum class SliceGradCheck : int32_t {
  SameNumDims = 1,       // a = R of input_indices, b = R of output_indices
  OutputRowsNotGreater,  // a = N_out, b = N_in
  GradMatchesOutputRows, // a = #backprop_val_grad, b = N_out
  StartLength,           // a = R, b = #input_start
  DestinationLength,     // a = #destination, b = N_in
  AllPropagated,         // a = N_out, b = used
  // Shape checks (operands of unknown rank); a and b are shapes.
  IndicesMatrices, // a = input_indices', b = output_indices' shape
  GradVector,      // a = backprop_val_grad's shape
  StartVector,     // a = input_start's shape
  // A partitioned op (ShardingInterfaceImpl.cpp).
  ProcessCount, // a = processes of its grid axes, b = processes running it
  // convert-sparse-to-gpu{fallback=false} (tests of its kernels).
  GPUVerificationFailed, // a = rows inside the box, b = N_out
  // sparse.slice (TensorFlow's SparseSlice): its operands' checks.
  SliceIndicesMatrix, // a = indices' rank
  SliceValuesVector,  // a = values' rank
  SliceShapeVector,   // a = shape's rank
  SliceValuesLength,  // a = N (indices' rows), b = values' length
  SliceIndexRank,     // a = R (indices' columns), b = shape's length
  SliceStartVector,   // a = start's shape
  SliceSizeVector,    // a = size's shape
  SliceStartLength,   // a = shape's length, b = start's
  SliceSizeLength,    // a = shape's length, b = size's
  // A memref form's destination (sparse.slice_grad, slice_grad_scatter).
  DestinationOverlaps, // a = the operand's number (1: backprop_val_grad)
  // A partitioned op: its replicated operands' fingerprints over the group.
  ReplicasDiffer, // a = the least, b = the greatest
};

/// The op whose check `check` is, as the default error handler names it.
inline const char *checkedOpName(SliceGradCheck check) {
  return check >= SliceGradCheck::SliceIndicesMatrix &&
                 check <= SliceGradCheck::SliceSizeLength
             ? "sparse.slice"
             : "sparse.slice_grad";
}

/// TensorFlow's message for `check` with {0} and {1} replaced by `a` and
/// `b`; empty for a number that is not a check.
inline std::string formatSliceGradMessage(SliceGradCheck check,
                                          const std::string &a,
                                          const std::string &b) {
  const char *text = nullptr;
  switch (check) {
#define SLICE_GRAD_MESSAGE(Check, Text)                                        \
  case SliceGradCheck::Check:                                                  \
    text = Text;                                                               \
    break;
#include "SliceGrad/Runtime/SliceGradMessages.def"
  }
  std::string result;
  for (const char *c = text; c && *c; ++c) {
    if (c[0] == '{' && (c[1] == '0' || c[1] == '1') && c[2] == '}') {
      result += c[1] == '0' ? a : b;
      c += 2;
    } else {
      result += *c;
    }
  }
  return result;
}
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_RUNTIME_SLICEGRADCHECKS_H
