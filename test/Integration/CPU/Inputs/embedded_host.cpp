//===- embedded_host.cpp - A host that handles run-time errors itself -----===//
//
// Calls the lowered @kernel (embedded-host.mlir) through its C interface
// with an error handler that records and returns, as a compiler or runtime
// embedding the code would.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include <atomic>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

extern "C" void _mlir_ciface_kernel(StridedMemRefType<float, 1> *g,
                                    StridedMemRefType<int64_t, 2> *ii,
                                    StridedMemRefType<int64_t, 1> *s,
                                    StridedMemRefType<int64_t, 2> *oi,
                                    StridedMemRefType<float, 1> *out);

namespace {
std::atomic<int> calls{0};
const char *label = "";

void handler(const SparseSliceGradError *error, void *) {
  ++calls;
  std::printf("%s: handler %d: %s in %s: %s\n", label, calls.load(),
              error->codeName, error->where, error->message);
}

template <typename T> StridedMemRefType<T, 1> vec(std::vector<T> &v) {
  return {v.data(), v.data(), 0, {(int64_t)v.size()}, {1}};
}
StridedMemRefType<int64_t, 2> mat(std::vector<int64_t> &v, int64_t cols) {
  return {v.data(), v.data(), 0, {(int64_t)v.size() / cols, cols}, {cols, 1}};
}

struct Case {
  std::vector<float> g;
  std::vector<int64_t> ii, s, oi;
  int64_t rank, outRank;
  std::vector<float> out;
  void run() {
    auto G = vec(g), O = vec(out);
    auto S = vec(s);
    auto II = mat(ii, rank), OI = mat(oi, outRank);
    _mlir_ciface_kernel(&G, &II, &S, &OI, &O);
  }
};

// TensorFlow's testGradientsExplicit, slice starting at [0, 1].
Case valid() {
  return {{13, 23}, {0, 0, 0, 1, 1, 0, 1, 1}, {0, 1}, {0, 0, 1, 0}, 2,
          2,        std::vector<float>(4, -1)};
}
} // namespace

int main() {
  sparseSliceGradSetErrorHandler(handler, nullptr);
  SparseSliceGradError error;

  label = "ndims";
  Case ndims = valid();
  ndims.oi = {0, 0, 0, 1, 0, 0};
  ndims.outRank = 3;
  ndims.run();
  int taken = sparseSliceGradTakeError(&error);
  std::printf("ndims: taken %d, code %d, destination untouched %d\n", taken,
              error.code, ndims.out == std::vector<float>(4, -1));
  std::printf("nothing pending: %d\n", sparseSliceGradTakeError(nullptr));

  Case ok = valid();
  ok.run();
  std::printf("valid: taken %d, result %g %g %g %g\n",
              sparseSliceGradTakeError(nullptr), ok.out[0], ok.out[1],
              ok.out[2], ok.out[3]);

  label = "propagated";
  calls = 0;
  Case lost = valid();
  lost.g = {1};
  lost.oi = {5, 5};
  lost.run();
  taken = sparseSliceGradTakeError(&error);
  std::printf("propagated: taken %d, code %d\n", taken, error.code);

  // Without taking the first error, the second failure stays quiet.
  label = "two";
  calls = 0;
  ndims.run();
  lost.run();
  taken = sparseSliceGradTakeError(&error);
  std::printf("two failures, one report: handler calls %d, first kept %d\n",
              calls.load(), std::strstr(error.message, "ndims") != nullptr);

  label = "threads";
  calls = 0;
  std::vector<std::thread> threads;
  std::vector<Case> cases(8, ndims);
  for (Case &c : cases)
    threads.emplace_back([&c] { c.run(); });
  for (std::thread &t : threads)
    t.join();
  sparseSliceGradTakeError(nullptr);
  std::printf("8 threads failing at once: handler calls %d\n", calls.load());

  Case again = valid();
  again.run();
  std::printf("valid again: taken %d, result %g %g %g %g\n",
              sparseSliceGradTakeError(nullptr), again.out[0], again.out[1],
              again.out[2], again.out[3]);
  return 0;
}
