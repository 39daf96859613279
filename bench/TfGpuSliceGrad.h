//===- TfGpuSliceGrad.h - TensorFlow's GPU algorithm for SparseSliceGrad --===//
//
// The baseline of slice-grad-gpu-bench: the algorithm of TensorFlow's GPU
// kernel (tensorflow/core/kernels/sparse_slice_grad_op_gpu.cu.cc), written
// anew for this benchmark since TensorFlow's GPU build cannot be installed
// where the benchmark runs.
//
// What it does: one thread per input row, over a grid-stride loop. Each
// thread binary-searches output_indices + input_start for its row (a lower
// bound under lexicographic order, log2(N_out) dependent loads) and writes
// the gradient of the row it finds equal, or zero. The launch takes the
// block size that maximizes occupancy and no more blocks than the device
// keeps resident (TensorFlow's GetGpuLaunchConfig).
//
// Where it differs from TensorFlow's CPU kernel (the op's definition):
//  - it assumes output_indices sorted and without duplicates, as a slice of
//    a sorted, duplicate-free tensor is. On shuffled input, blocks of
//    sorted rows in another order, or repeated rows, it returns other
//    values than the CPU kernel (the CPU kernel matches rows in order);
//  - it never reports "Elements of backprop_val_grad aren't all
//    propagated": rows of output_indices that match no input row are
//    silently dropped.
//  - the work per row does not depend on where the slice is: a slice of
//    the first rows costs what a slice of all of them does (the CPU loop
//    stops after the last output row).
//
//===----------------------------------------------------------------------===//

#ifndef SLICE_GRAD_BENCH_TFGPUSLICEGRAD_H
#define SLICE_GRAD_BENCH_TFGPUSLICEGRAD_H

#include <cstdint>

#ifdef __CUDACC__
#define SLICE_GRAD_HOST_DEVICE __host__ __device__
#else
#define SLICE_GRAD_HOST_DEVICE
#endif

namespace slice_grad_bench {

/// Whether output row `out` shifted by `start` sorts before input row `in`.
SLICE_GRAD_HOST_DEVICE inline bool shiftedBefore(const int64_t *out,
                                                 const int64_t *start,
                                                 const int64_t *in, int rank) {
  for (int d = 0; d < rank; ++d) {
    int64_t shifted = out[d] + start[d];
    if (shifted != in[d])
      return shifted < in[d];
  }
  return false;
}

/// Whether output row `out` shifted by `start` equals input row `in`.
SLICE_GRAD_HOST_DEVICE inline bool shiftedEqual(const int64_t *out,
                                                const int64_t *start,
                                                const int64_t *in, int rank) {
  for (int d = 0; d < rank; ++d)
    if (out[d] + start[d] != in[d])
      return false;
  return true;
}

/// The value of input row `i`: a lower-bound search of output_indices.
template <typename T>
SLICE_GRAD_HOST_DEVICE inline void
tfGpuRow(int64_t i, int64_t nOut, int rank, const int64_t *inIdx,
         const int64_t *start, const int64_t *outIdx, const T *grad, T *out) {
  const int64_t *row = inIdx + i * rank;
  int64_t lo = 0, count = nOut;
  while (count > 0) {
    int64_t half = count / 2;
    if (shiftedBefore(outIdx + (lo + half) * rank, start, row, rank)) {
      lo += half + 1;
      count -= half + 1;
    } else {
      count = half;
    }
  }
  if (lo < nOut && shiftedEqual(outIdx + lo * rank, start, row, rank))
    out[i] = grad[lo];
  else
    out[i] = T(0);
}

#ifdef __CUDACC__
template <typename T>
__global__ void tfGpuSliceGradKernel(int64_t nIn, int64_t nOut, int rank,
                                     const int64_t *inIdx, const int64_t *start,
                                     const int64_t *outIdx, const T *grad,
                                     T *out) {
  for (int64_t i = int64_t(blockIdx.x) * blockDim.x + threadIdx.x; i < nIn;
       i += int64_t(blockDim.x) * gridDim.x)
    tfGpuRow(i, nOut, rank, inIdx, start, outIdx, grad, out);
}
#endif

} // namespace slice_grad_bench

#endif // SLICE_GRAD_BENCH_TFGPUSLICEGRAD_H
