//===- SliceGradRuntime.cpp - Run-time support of lowered code ------------===//

#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include <cstdio>
#include <cstdlib>

using mlir::sparse::SliceGradCheck;

extern "C" void sparseSliceGradCheckFailed(int32_t check, int64_t a,
                                           int64_t b) {
  // Keep what the program printed before the error in order with it.
  std::fflush(stdout);
  // A number outside the enum keeps this message.
  const char *fmt = "unknown check failed (%lld, %lld)";
  switch (static_cast<SliceGradCheck>(check)) {
  case SliceGradCheck::SameNumDims:
    fmt = "The input and output should have the same ndims: got: %lld and %lld";
    break;
  case SliceGradCheck::OutputRowsNotGreater:
    fmt = "# rows of output_indices should be not greater than of "
          "input_indices, got %lld and %lld";
    break;
  case SliceGradCheck::GradMatchesOutputRows:
    fmt = "# elements of backprop_val_grad and # rows of output_indices "
          "should match (#nnz of sum): got %lld and %lld";
    break;
  case SliceGradCheck::StartLength:
    fmt = "Expected input_start to be a vector of length %lld but got length "
          "%lld";
    break;
  case SliceGradCheck::DestinationLength:
    fmt = "destination must have one element per row of input_indices, got "
          "%lld and %lld";
    break;
  case SliceGradCheck::AllPropagated:
    fmt = "Elements of backprop_val_grad aren't all propagated. Num "
          "elements:%lld, used: %lld";
    break;
  }
  std::fprintf(stderr, "sparse.slice_grad: INVALID_ARGUMENT: ");
  std::fprintf(stderr, fmt, static_cast<long long>(a),
               static_cast<long long>(b));
  std::fprintf(stderr, "\n");
  std::fflush(stderr);
  std::exit(EXIT_FAILURE);
}
