//===- SplitPlan.cpp - Where the split loop's parts start, and their j ----===//
//
// The parallel strategy's split loop (SplitLoop.cpp in the code generation)
// runs TensorFlow's loop over the rows after a differing row in parts, each
// from a guessed j that an ordered pass verifies. This is its scalar
// planning, compiled once here rather than into every kernel: each part's
// first row and guess, or a single part where a sample of the rows fits
// neither kind of guess (both would be wrong). Guesses only cost time when
// wrong, never a value.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include <algorithm>

namespace {
/// The rows of an index operand and input_start.
struct Rows {
  const StridedMemRefType<int64_t, 2> &in, &out;
  const StridedMemRefType<int64_t, 1> &start;
  int64_t numDims;

  int64_t input(int64_t i, int64_t d) const {
    return in.data[in.offset + i * in.strides[0] + d * in.strides[1]];
  }
  /// Output row k's coordinate d shifted by input_start, as TensorFlow adds
  /// them (int64 wrap-around).
  int64_t shifted(int64_t k, int64_t d) const {
    uint64_t o = out.data[out.offset + k * out.strides[0] + d * out.strides[1]];
    uint64_t s = start.data[start.offset + d * start.strides[0]];
    return static_cast<int64_t>(o + s);
  }
  /// Shifted output row k below input row i (signed, lexicographic).
  bool outputBelow(int64_t k, int64_t i) const {
    for (int64_t d = 0; d < numDims; ++d)
      if (shifted(k, d) != input(i, d))
        return shifted(k, d) < input(i, d);
    return false;
  }
  bool outputsAscend(int64_t k, int64_t l) const {
    for (int64_t d = 0; d < numDims; ++d)
      if (shifted(k, d) != shifted(l, d))
        return shifted(k, d) < shifted(l, d);
    return true;
  }
  bool inputsEqual(int64_t i, int64_t k) const {
    for (int64_t d = 0; d < numDims; ++d)
      if (input(i, d) != input(k, d))
        return false;
    return true;
  }
  /// Input row i is shifted output row k: the loop at i with j = k matches.
  bool matches(int64_t i, int64_t k) const {
    for (int64_t d = 0; d < numDims; ++d)
      if (shifted(k, d) != input(i, d))
        return false;
    return true;
  }
};

constexpr int64_t kSamples = 32;

/// The k-th of kSamples points spread evenly over [0, span] (without
/// overflow).
int64_t spread(int64_t k, int64_t span) {
  return k * (span / (kSamples - 1)) +
         k * (span % (kSamples - 1)) / (kSamples - 1);
}

/// How the parts' j are guessed.
enum class Guesses {
  /// One part: no guess fits the sample.
  None,
  /// j = j0 + (row - lo), up to N_out: the loop matches every row, as when
  /// a slice keeps every row (in any order), or a prefix of the rows in
  /// input order.
  InOrder,
  /// The number of output rows from j0 below the row (binary search): the
  /// loop's j where the output rows are sorted and unique, as in a slice of
  /// sorted input.
  Search,
};

bool sampleInOrder(const Rows &rows, int64_t lo, int64_t hi, int64_t j0,
                   int64_t nOut) {
  int64_t n = std::min(hi - lo, nOut - j0);
  if (n <= 0)
    return false;
  for (int64_t k = 0; k < kSamples; ++k) {
    int64_t i = lo + spread(k, n - 1);
    if (!rows.matches(i, j0 + (i - lo)))
      return false;
  }
  return true;
}

bool sampleAscends(const Rows &rows, int64_t j0, int64_t nOut) {
  if (j0 >= nOut)
    return false;
  int64_t span = nOut - 1 - j0;
  for (int64_t k = 0; k + 1 < kSamples; ++k)
    if (!rows.outputsAscend(j0 + spread(k, span), j0 + spread(k + 1, span)))
      return false;
  return true;
}

Guesses chooseGuesses(const Rows &rows, int64_t lo, int64_t hi, int64_t j0,
                      int64_t nOut, int64_t partRows) {
  if (partRows >= hi - lo)
    return Guesses::None;
  if (sampleInOrder(rows, lo, hi, j0, nOut))
    return Guesses::InOrder;
  if (sampleAscends(rows, j0, nOut))
    return Guesses::Search;
  return Guesses::None;
}

/// The first output row from j0 not below input row i.
int64_t searchGuess(const Rows &rows, int64_t i, int64_t j0, int64_t nOut) {
  int64_t l = j0, h = nOut;
  while (l < h) {
    int64_t mid = l + (h - l) / 2;
    if (rows.outputBelow(mid, i))
      l = mid + 1;
    else
      h = mid;
  }
  return l;
}
} // namespace

extern "C" int64_t _mlir_ciface_sparseSliceGradSplitPlan(
    StridedMemRefType<int64_t, 2> *in, StridedMemRefType<int64_t, 2> *out,
    StridedMemRefType<int64_t, 1> *start, int64_t lo, int64_t hi, int64_t j0,
    int64_t partRows, StridedMemRefType<int64_t, 1> *starts,
    StridedMemRefType<int64_t, 1> *guesses) {
  Rows rows{*in, *out, *start, in->sizes[1]};
  int64_t nOut = out->sizes[0];
  Guesses kind = chooseGuesses(rows, lo, hi, j0, nOut, partRows);
  int64_t nParts =
      kind == Guesses::None ? 1 : (hi - lo + partRows - 1) / partRows;
  auto set = [](StridedMemRefType<int64_t, 1> *m, int64_t k, int64_t v) {
    m->data[m->offset + k * m->strides[0]] = v;
  };
  for (int64_t p = 0; p < nParts; ++p) {
    int64_t first = lo + p * partRows;
    if (kind == Guesses::InOrder) {
      set(starts, p, first);
      set(guesses, p, first - lo < nOut - j0 ? j0 + (first - lo) : nOut);
      continue;
    }
    // Moved past rows equal to the row before them: a search cannot tell
    // whether the loop matched or skipped such a copy.
    // (hi - first, not first + partRows: chunk-rows may be near INT64_MAX.)
    int64_t limit = hi - first > partRows ? first + partRows : hi;
    while (p > 0 && first < limit && rows.inputsEqual(first, first - 1))
      ++first;
    // A whole part of copies (all rows equal, say): its guess would be
    // wrong, and so would every later one's. One part.
    if (p > 0 && first == limit && limit < hi) {
      nParts = 1;
      break;
    }
    set(starts, p, first);
    set(guesses, p, p > 0 ? searchGuess(rows, first, j0, nOut) : j0);
  }
  set(starts, nParts, hi);
  return nParts;
}
