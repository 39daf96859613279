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
/// Whether a call in its own status scope got its own outcome: `kind` 0
/// passes, 1 fails TensorFlow's ndims check, 2 its all-propagated check.
bool ownOutcome(int kind, const Case &c, const SparseSliceGradStatus &s) {
  bool inKernel = std::strstr(s.error.where, "@kernel") != nullptr;
  switch (kind) {
  case 0:
    return !s.failed && c.out == std::vector<float>{0, 13, 0, 23};
  case 1:
    return s.failed && inKernel && s.error.code == 3 &&
           std::strstr(s.error.message, "same ndims: got: 2 and 3") &&
           c.out == std::vector<float>(4, -1);
  default:
    return s.failed && inKernel && s.error.code == 13 &&
           !std::strcmp(s.error.codeName, "INTERNAL") &&
           std::strstr(s.error.message, "aren't all propagated");
  }
}

/// Calls on several threads at once, each in its own status scope: every
/// call gets its own error or result, and neither the handler nor the
/// process-wide error sees them.
void perCallStatus(const Case &ndims, const Case &lost) {
  label = "per-call";
  calls = 0;
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 12; ++t)
    callers.emplace_back([t, &wrong, &ndims, &lost] {
      for (int k = 0; k < 200; ++k) {
        int kind = (t + k) % 3;
        Case c = kind == 0 ? valid() : kind == 1 ? ndims : lost;
        SparseSliceGradStatus status;
        SparseSliceGradStatus *previous = sparseSliceGradBeginCall(&status);
        c.run();
        sparseSliceGradEndCall(previous);
        if (previous || !ownOutcome(kind, c, status))
          ++wrong;
      }
    });
  for (std::thread &t : callers)
    t.join();
  std::printf("per-call: 12 threads x 200 calls, wrong %d, handler calls %d, "
              "pending %d\n",
              wrong.load(), calls.load(), sparseSliceGradTakeError(nullptr));

  // Scopes nest: the inner one takes the failures until it closes.
  SparseSliceGradStatus outer, inner;
  SparseSliceGradStatus *none = sparseSliceGradBeginCall(&outer);
  SparseSliceGradStatus *back = sparseSliceGradBeginCall(&inner);
  Case n = ndims, l = lost;
  n.run();
  sparseSliceGradEndCall(back);
  l.run();
  sparseSliceGradEndCall(none);
  std::printf("nested: inner %d, outer %d, restored %d\n",
              ownOutcome(1, n, inner), ownOutcome(2, l, outer),
              back == &outer && none == nullptr);

  // Two failing calls in one scope: the first failure is kept.
  SparseSliceGradStatus both;
  sparseSliceGradBeginCall(&both);
  Case first = ndims, second = lost;
  first.run();
  second.run();
  sparseSliceGradEndCall(nullptr);
  std::printf("one scope, two failures: first kept %d\n",
              ownOutcome(1, first, both));

  // Outside a scope, failures reach the handler again.
  label = "after the scopes";
  Case after = ndims;
  after.run();
  std::printf("after the scopes: handler calls %d, taken %d\n", calls.load(),
              sparseSliceGradTakeError(nullptr));
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

  perCallStatus(ndims, lost);
  return 0;
}
