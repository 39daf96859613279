//===- SliceGradRuntime.cpp - Run-time support of lowered code ------------===//

#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>

using mlir::sparse::SliceGradCheck;

namespace {
/// The handler and its data, set together by the host before it runs code.
std::atomic<SparseSliceGradErrorHandler> handler{nullptr};
std::atomic<void *> handlerData{nullptr};

/// 0: armed; 1: a thread is recording an error; 2: an error is recorded.
std::atomic<int> state{0};
/// The recorded error (written only by the thread that moved state 0 -> 1).
std::string where, message;
SparseSliceGradError recorded;

void defaultHandler(const SparseSliceGradError *error, void *) {
  // Keep what the program printed before the error in order with it.
  std::fflush(stdout);
  std::fprintf(stderr, "sparse.slice_grad in %s: %s: %s\n", error->where,
               error->codeName, error->message);
  std::fflush(stderr);
  // Not exit(): other threads may be running the same code, and exit's
  // destructors would run under them (libomp, the JIT).
  std::_Exit(EXIT_FAILURE);
}

/// TensorFlow's TensorShape::DebugString.
std::string shapeString(const StridedMemRefType<int64_t, 1> *shape) {
  std::string s = "[";
  for (int64_t d = 0; shape && d < shape->sizes[0]; ++d) {
    if (d)
      s += ",";
    s += std::to_string(shape->data[shape->offset + d * shape->strides[0]]);
  }
  return s + "]";
}

/// Records the first failure and hands it to the handler; later failures
/// return quietly until the error is taken.
void report(const char *at, SliceGradCheck check, std::string text) {
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1))
    return;
  where = at ? at : "?";
  message = std::move(text);
  bool internal = check == SliceGradCheck::AllPropagated ||
                  check == SliceGradCheck::GPUVerificationFailed;
  recorded = {where.c_str(),
              internal ? SPARSE_SLICE_GRAD_INTERNAL
                       : SPARSE_SLICE_GRAD_INVALID_ARGUMENT,
              internal ? "INTERNAL" : "INVALID_ARGUMENT", message.c_str()};
  state.store(2);
  SparseSliceGradErrorHandler h = handler.load();
  (h ? h : defaultHandler)(&recorded, handlerData.load());
}

} // namespace

extern "C" SparseSliceGradErrorHandler
sparseSliceGradSetErrorHandler(SparseSliceGradErrorHandler h, void *data) {
  handlerData.store(data);
  return handler.exchange(h);
}

extern "C" int sparseSliceGradTakeError(SparseSliceGradError *error) {
  if (state.load() != 2)
    return 0;
  if (error)
    *error = recorded;
  // The strings stay valid until the next failure is recorded.
  state.store(0);
  return 1;
}

extern "C" void sparseSliceGradCheckFailed(const char *at, int32_t check,
                                           int64_t a, int64_t b) {
  auto kind = static_cast<SliceGradCheck>(check);
  std::string text = mlir::sparse::formatSliceGradMessage(
      kind, std::to_string(a), std::to_string(b));
  if (text.empty())
    text = "unknown check failed (" + std::to_string(a) + ", " +
           std::to_string(b) + ")";
  report(at, kind, std::move(text));
}

extern "C" void
_mlir_ciface_sparseSliceGradShapeCheckFailed(const char *at, int32_t check,
                                             StridedMemRefType<int64_t, 1> *a,
                                             StridedMemRefType<int64_t, 1> *b) {
  auto kind = static_cast<SliceGradCheck>(check);
  std::string text = mlir::sparse::formatSliceGradMessage(kind, shapeString(a),
                                                          shapeString(b));
  if (text.empty())
    text = "unknown shape check failed (" + shapeString(a) + ", " +
           shapeString(b) + ")";
  report(at, kind, std::move(text));
}
