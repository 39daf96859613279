//===- SliceGradRuntime.cpp - Run-time support of lowered code ------------===//

#include "SliceGrad/Runtime/SliceGradRuntime.h"
#include "SliceGrad/Runtime/SparseSliceChecks.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

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
/// The op whose check failed, for the default handler's line.
const char *recordedOp = "sparse.slice_grad";

void defaultHandler(const SparseSliceGradError *error, void *) {
  // Keep what the program printed before the error in order with it.
  std::fflush(stdout);
  std::fprintf(stderr, "%s in %s: %s: %s\n", recordedOp, error->where,
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

const char *codeName(int32_t code) {
  switch (code) {
  case SPARSE_SLICE_GRAD_INTERNAL:
    return "INTERNAL";
  case SPARSE_SLICE_GRAD_RESOURCE_EXHAUSTED:
    return "RESOURCE_EXHAUSTED";
  default:
    return "INVALID_ARGUMENT";
  }
}

/// The calling thread's per-call status scope (sparseSliceGradBeginCall).
thread_local SparseSliceGradStatus *callStatus = nullptr;

/// Copies `text` into `buffer` (NUL-terminated, truncated to fit).
template <size_t N> const char *copyInto(char (&buffer)[N], const char *text) {
  std::snprintf(buffer, N, "%s", text);
  return buffer;
}

/// Records the first failure of the calling thread's scope: false if the
/// scope had one already.
bool reportToCall(SparseSliceGradStatus &status, const char *at,
                  const std::string &text, int32_t code) {
  if (status.failed)
    return false;
  status.failed = 1;
  status.error = {copyInto(status.whereBuffer, at ? at : "?"), code,
                  codeName(code), copyInto(status.messageBuffer, text.c_str())};
  return true;
}

/// Records the first failure and hands it to the handler; later failures
/// return quietly (false) until the error is taken. In a per-call scope,
/// the failure goes to the scope's status instead.
bool report(const char *at, std::string text, int32_t code,
            const char *op = "sparse.slice_grad") {
  if (SparseSliceGradStatus *status = callStatus)
    return reportToCall(*status, at, text, code);
  int expected = 0;
  if (!state.compare_exchange_strong(expected, 1))
    return false;
  where = at ? at : "?";
  message = std::move(text);
  recordedOp = op;
  recorded = {where.c_str(), code, codeName(code), message.c_str()};
  state.store(2);
  SparseSliceGradErrorHandler h = handler.load();
  (h ? h : defaultHandler)(&recorded, handlerData.load());
  return true;
}

void report(const char *at, std::string text, bool internal,
            const char *op = "sparse.slice_grad") {
  report(at, std::move(text),
         internal ? SPARSE_SLICE_GRAD_INTERNAL
                  : SPARSE_SLICE_GRAD_INVALID_ARGUMENT,
         op);
}

void report(const char *at, SliceGradCheck check, std::string text) {
  report(at, std::move(text),
         check == SliceGradCheck::AllPropagated ||
             check == SliceGradCheck::GPUVerificationFailed,
         mlir::sparse::checkedOpName(check));
}

std::vector<int64_t> elements(const StridedMemRefType<int64_t, 1> *m) {
  std::vector<int64_t> v(m->sizes[0]);
  for (int64_t d = 0; d < m->sizes[0]; ++d)
    v[d] = m->data[m->offset + d * m->strides[0]];
  return v;
}
} // namespace

extern "C" SparseSliceGradErrorHandler
sparseSliceGradSetErrorHandler(SparseSliceGradErrorHandler h, void *data) {
  handlerData.store(data);
  return handler.exchange(h);
}

extern "C" SparseSliceGradStatus *
sparseSliceGradBeginCall(SparseSliceGradStatus *status) {
  if (status) {
    status->failed = 0;
    status->error = {"", 0, "", ""};
    status->whereBuffer[0] = status->messageBuffer[0] = '\0';
  }
  SparseSliceGradStatus *previous = callStatus;
  callStatus = status;
  return previous;
}

extern "C" void sparseSliceGradEndCall(SparseSliceGradStatus *previous) {
  callStatus = previous;
}

extern "C" void sparseSliceGradReportError(const char *op, const char *where,
                                           int32_t code, const char *message) {
  report(where, message ? message : "", code, op ? op : "sparse.slice_grad");
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

extern "C" int32_t _mlir_ciface_sparseSliceCheckAndShape(
    const char *at, int64_t indicesRows, int64_t indicesCols, int64_t values,
    StridedMemRefType<int64_t, 1> *shape, StridedMemRefType<int64_t, 1> *start,
    StridedMemRefType<int64_t, 1> *size,
    StridedMemRefType<int64_t, 1> *outShape) {
  namespace checks = mlir::sparse::slice_checks;
  std::optional<std::string> error =
      checks::checkSizes({indicesRows, indicesCols, values, shape->sizes[0],
                          start->sizes[0], size->sizes[0]});
  std::vector<int64_t> out;
  if (!error)
    error = checks::outputShape(elements(shape), elements(start),
                                elements(size), out);
  if (error) {
    report(at, std::move(*error), /*internal=*/false, "sparse.slice");
    return 0;
  }
  for (size_t d = 0; d < out.size(); ++d)
    outShape->data[outShape->offset + d * outShape->strides[0]] = out[d];
  return 1;
}

extern "C" void
_mlir_ciface_sparseAllocationFailed(const char *at, const char *type,
                                    StridedMemRefType<int64_t, 1> *shape) {
  std::string text = "OOM when allocating tensor with shape" +
                     shapeString(shape) + " and type " + (type ? type : "?");
  // Reported once; if an earlier error is still recorded, or the handler
  // returns, the message still goes out before the process ends.
  // In a per-call scope nobody would read the status: print it.
  const char *op = "memref.alloc";
  if (callStatus ||
      !report(at, text, SPARSE_SLICE_GRAD_RESOURCE_EXHAUSTED, op)) {
    std::fflush(stdout);
    std::fprintf(stderr, "%s in %s: RESOURCE_EXHAUSTED: %s\n", op,
                 at ? at : "?", text.c_str());
  }
  std::fflush(stderr);
  std::_Exit(EXIT_FAILURE);
}
