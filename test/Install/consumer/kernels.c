/* A C host of the installed kernel library (SliceGrad::SliceGradKernels):
   TensorFlow's testGradientsExplicit case, then a failed check. */
#include "SliceGrad/Kernels/SliceGradKernels.h"

#include <stdio.h>

int main(void) {
  float g[2] = {13, 23}, out[4] = {-1, -1, -1, -1};
  int64_t ii[8] = {0, 0, 0, 1, 1, 0, 1, 1}, s[2] = {0, 1}, oi[4] = {0, 0, 1, 0};
  int64_t gShape[1] = {2}, iiShape[2] = {4, 2}, sShape[1] = {2},
          oiShape[2] = {2, 2}, badShape[2] = {1, 2};
  SparseSliceGradArray G = {g, 1, gShape}, II = {ii, 2, iiShape},
                       S = {s, 1, sShape}, OI = {oi, 2, oiShape};
  SparseSliceGradStatus status;
  int32_t rc = sparseSliceGradRun(4, G, II, S, OI, out, 4, &status);
  printf("target %s, rc %d: %g %g %g %g\n", sparseSliceGradKernelTarget(), rc,
         out[0], out[1], out[2], out[3]);
  int64_t lost[2] = {5, 5}, oneShape[1] = {1};
  SparseSliceGradArray G1 = {g, 1, oneShape}, bad = {lost, 2, badShape};
  rc = sparseSliceGradRun(4, G1, II, S, bad, out, 4, &status);
  printf("rc %d: %s: %s\n", rc, status.error.codeName, status.error.message);
  return 0;
}
