//===- SliceGradFfi.cpp - The ops as XLA FFI handlers ---------------------===//
//
// The CPU handlers JAX calls through jax.ffi.ffi_call: XLA's buffers go to
// the kernel library (libSliceGradKernels) as they are, the results written
// in place into XLA's output buffers. Each call has its own status, so XLA
// may run calls on several threads at once; a failed check comes back as
// an ffi::Error with TensorFlow's code and message, never exiting.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Kernels/SliceGradKernels.h"

#include "xla/ffi/api/ffi.h"

#include <cstring>
#include <string>

namespace ffi = xla::ffi;

namespace {
/// A call's result: TensorFlow's codes are XLA's (absl's) status codes.
ffi::Error errorOf(int32_t code, const SparseSliceGradStatus &status) {
  if (code == 0)
    return ffi::Error::Success();
  return ffi::Error(static_cast<XLA_FFI_Error_Code>(code),
                    std::string(status.error.message));
}

SparseSliceGradArray arrayOf(const ffi::AnyBuffer &buffer) {
  ffi::AnyBuffer::Dimensions dims = buffer.dimensions();
  return {buffer.untyped_data(), static_cast<int64_t>(dims.size()),
          dims.begin()};
}

ffi::Error sparseSliceGrad(ffi::AnyBuffer grad, ffi::AnyBuffer inputIndices,
                           ffi::AnyBuffer inputStart,
                           ffi::AnyBuffer outputIndices,
                           ffi::Result<ffi::AnyBuffer> valGrad) {
  for (const ffi::AnyBuffer *indices :
       {&inputIndices, &inputStart, &outputIndices})
    if (indices->element_type() != ffi::DataType::S64)
      return ffi::Error::InvalidArgument(
          "sparse_slice_grad: the indices and input_start must be int64 "
          "(with JAX, enable jax_enable_x64)");
  if (valGrad->element_type() != grad.element_type())
    return ffi::Error::InvalidArgument(
        "sparse_slice_grad: the result's type must be backprop_val_grad's");
  SparseSliceGradStatus status;
  return errorOf(sparseSliceGradRun(
                     static_cast<int64_t>(ffi::ByteWidth(grad.element_type())),
                     arrayOf(grad), arrayOf(inputIndices), arrayOf(inputStart),
                     arrayOf(outputIndices), valGrad->untyped_data(),
                     static_cast<int64_t>(valGrad->element_count()), &status),
                 status);
}

/// TensorFlow's SparseSlice into buffers of static shapes, with room for
/// every input row (N): rows [M, N) of the indices and values are zero and
/// positions there are N, so that a scatter by positions drops them; M
/// goes to `count`.
ffi::Error sparseSlice(ffi::AnyBuffer indices, ffi::AnyBuffer values,
                       ffi::AnyBuffer shape, ffi::AnyBuffer start,
                       ffi::AnyBuffer size,
                       ffi::Result<ffi::AnyBuffer> outputIndices,
                       ffi::Result<ffi::AnyBuffer> outputValues,
                       ffi::Result<ffi::AnyBuffer> outputShape,
                       ffi::Result<ffi::AnyBuffer> positions,
                       ffi::Result<ffi::AnyBuffer> count) {
  for (const ffi::AnyBuffer *a :
       {&indices, &shape, &start, &size, &*outputIndices, &*outputShape,
        &*positions, &*count})
    if (a->element_type() != ffi::DataType::S64)
      return ffi::Error::InvalidArgument(
          "sparse_slice: the indices, shape, start and size must be int64 "
          "(with JAX, enable jax_enable_x64)");
  if (outputValues->element_type() != values.element_type())
    return ffi::Error::InvalidArgument(
        "sparse_slice: the output values' type must be the values'");
  int64_t valueBytes =
      static_cast<int64_t>(ffi::ByteWidth(values.element_type()));
  int64_t n = static_cast<int64_t>(positions->element_count());
  if (indices.dimensions().size() == 2 && indices.dimensions()[0] != n)
    return ffi::Error::InvalidArgument(
        "sparse_slice: positions must have a row for every input row");
  auto *rows = static_cast<int64_t *>(positions->untyped_data());
  auto *kept = static_cast<int64_t *>(count->untyped_data());
  SparseSliceGradStatus status;
  int32_t code = sparseSliceRun(
      valueBytes, arrayOf(indices), arrayOf(values), arrayOf(shape),
      arrayOf(start), arrayOf(size),
      static_cast<int64_t *>(outputIndices->untyped_data()),
      outputValues->untyped_data(),
      static_cast<int64_t *>(outputShape->untyped_data()), rows, kept, &status);
  if (code == 0) {
    int64_t m = *kept, r = n ? outputIndices->element_count() / n : 0;
    std::memset(static_cast<int64_t *>(outputIndices->untyped_data()) + m * r,
                0, (n - m) * r * sizeof(int64_t));
    std::memset(static_cast<char *>(outputValues->untyped_data()) +
                    m * valueBytes,
                0, (n - m) * valueBytes);
    for (int64_t i = m; i < n; ++i)
      rows[i] = n;
  }
  return errorOf(code, status);
}
} // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(SparseSliceGradFfi, sparseSliceGrad,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());

XLA_FFI_DEFINE_HANDLER_SYMBOL(SparseSliceFfi, sparseSlice,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());
