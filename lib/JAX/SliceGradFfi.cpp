//===- SliceGradFfi.cpp - sparse.slice_grad as an XLA FFI handler ---------===//
//
// The CPU handler JAX calls through jax.ffi.ffi_call: XLA's buffers go to
// the kernel library (libSliceGradKernels) as they are, the result written
// in place into XLA's output buffer. Each call has its own status, so XLA
// may run calls on several threads at once; a failed check comes back as
// an ffi::Error with TensorFlow's code and message, never exiting.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Kernels/SliceGradKernels.h"

#include "xla/ffi/api/ffi.h"

#include <string>

namespace ffi = xla::ffi;

namespace {
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
  int32_t code = sparseSliceGradRun(
      static_cast<int64_t>(ffi::ByteWidth(grad.element_type())), arrayOf(grad),
      arrayOf(inputIndices), arrayOf(inputStart), arrayOf(outputIndices),
      valGrad->untyped_data(), static_cast<int64_t>(valGrad->element_count()),
      &status);
  if (code == 0)
    return ffi::Error::Success();
  // TensorFlow's codes are XLA's (absl's) status codes.
  return ffi::Error(static_cast<XLA_FFI_Error_Code>(code),
                    std::string(status.error.message));
}
} // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(SparseSliceGradFfi, sparseSliceGrad,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Arg<ffi::AnyBuffer>()
                                  .Ret<ffi::AnyBuffer>());
