//===- split-plan-test.cpp - Unit tests of the split loop's plan ----------===//
//
// sparseSliceGradSplitPlan on inputs of each kind it plans for: per case,
// how many parts it makes and how many of their guesses are the j that
// TensorFlow's loop has at the part's first row. Wrong guesses cost the
// parallel strategy a rerun, never a value, so the differential tests
// cannot see them: split-plan.test checks them here.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace {
/// An op's index operands, row-major.
struct Input {
  int64_t rank = 2;
  std::vector<int64_t> in, out, start;
  int64_t nIn() const { return int64_t(in.size()) / rank; }
  int64_t nOut() const { return int64_t(out.size()) / rank; }
};

StridedMemRefType<int64_t, 2> matrix(std::vector<int64_t> &v, int64_t rank) {
  int64_t rows = int64_t(v.size()) / rank;
  return {v.data(), v.data(), 0, {rows, rank}, {rank, 1}};
}

StridedMemRefType<int64_t, 1> vector1(std::vector<int64_t> &v) {
  return {v.data(), v.data(), 0, {int64_t(v.size())}, {1}};
}

/// TensorFlow's loop: j before each input row (and after the last).
std::vector<int64_t> loopJ(const Input &c) {
  std::vector<int64_t> js(c.nIn() + 1);
  int64_t j = 0;
  for (int64_t i = 0; i < c.nIn(); ++i) {
    js[i] = j;
    if (j >= c.nOut())
      continue;
    bool same = true;
    for (int64_t d = 0; d < c.rank; ++d)
      same &= c.in[i * c.rank + d] == c.out[j * c.rank + d] + c.start[d];
    j += same;
  }
  js[c.nIn()] = j;
  return js;
}

/// Plans rows [lo, N_in) from the loop's own j at lo and prints the parts
/// and how many guesses are that loop's j.
void plan(const std::string &name, Input c, int64_t lo, int64_t partRows) {
  std::vector<int64_t> js = loopJ(c);
  int64_t hi = c.nIn(), maxParts = (hi - lo + partRows - 1) / partRows;
  std::vector<int64_t> starts(maxParts + 1, -1), guesses(maxParts, -1);
  auto in = matrix(c.in, c.rank), out = matrix(c.out, c.rank);
  auto start = vector1(c.start), startsRef = vector1(starts),
       guessesRef = vector1(guesses);
  int64_t nParts = _mlir_ciface_sparseSliceGradSplitPlan(
      &in, &out, &start, lo, hi, js[lo], partRows, &startsRef, &guessesRef);
  int64_t exact = 0;
  bool ordered = starts[0] == lo && starts[nParts] == hi;
  for (int64_t p = 0; p < nParts; ++p) {
    exact += guesses[p] == js[starts[p]];
    ordered &= starts[p] < starts[p + 1];
  }
  std::printf("%s: %lld parts, %lld exact%s\n", name.c_str(),
              static_cast<long long>(nParts), static_cast<long long>(exact),
              ordered ? "" : ", parts out of order");
}

/// n distinct sorted rows (i, 100 + (7 i mod 1000)); the output rows are the
/// rows that `keep` selects, in input order, shifted by start (0, 100).
Input rowsOf(int64_t n, const std::vector<int64_t> &order,
             const std::vector<bool> &keep) {
  Input c;
  c.start = {0, 100};
  for (int64_t k = 0; k < n; ++k) {
    int64_t i = order[k];
    int64_t row[2] = {i, 100 + (7 * i) % 1000};
    c.in.insert(c.in.end(), row, row + 2);
    if (keep[k])
      c.out.insert(c.out.end(), {row[0], row[1] - 100});
  }
  return c;
}
} // namespace

int main() {
  const int64_t n = 1000, partRows = 100;
  std::mt19937_64 rng(7);
  std::vector<int64_t> sorted(n), shuffled(n);
  std::iota(sorted.begin(), sorted.end(), 0);
  shuffled = sorted;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  std::vector<bool> all(n, true), half(n), firstThird(n);
  for (int64_t k = 0; k < n; ++k) {
    half[k] = rng() % 2;
    firstThird[k] = k < n / 3;
  }

  // Output rows that are the input rows in order: j is the row number.
  plan("shuffled, every row", rowsOf(n, shuffled, all), 0, partRows);
  plan("shuffled, the first third", rowsOf(n, shuffled, firstThird), 0,
       partRows);
  plan("shuffled, every row, from row 250", rowsOf(n, shuffled, all), 250,
       partRows);
  Input equal = rowsOf(n, std::vector<int64_t>(n, 5), all);
  equal.out.resize(equal.out.size() / 2);
  plan("all rows equal, half kept", equal, 0, partRows);
  // Output rows that ascend: j by binary search.
  plan("sorted, half", rowsOf(n, sorted, half), 0, partRows);
  plan("sorted, half, from row 450", rowsOf(n, sorted, half), 450, partRows);
  // Runs of three copies, each run's first kept: parts move past copies.
  std::vector<int64_t> runs(n);
  std::vector<bool> firstCopy(n);
  for (int64_t k = 0; k < n; ++k) {
    runs[k] = k / 3;
    firstCopy[k] = k % 3 == 0;
  }
  plan("runs, the first copies", rowsOf(n, runs, firstCopy), 0, partRows);
  // Neither: one part.
  plan("shuffled, half", rowsOf(n, shuffled, half), 0, partRows);
  plan("sorted, every row, one part's rows", rowsOf(n, sorted, all), 0, n);
  return 0;
}
