//===- SliceGradCases.h - The benchmarks' inputs and reference loop -------===//
//
// The input classes both benchmarks time (slice-grad-bench on CPU threads,
// slice-grad-gpu-bench on a GPU), generated from a fixed seed, and
// TensorFlow's CPU loop that every variant's result is compared with. Plain
// C++: nvcc compiles it on a machine without MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef SLICE_GRAD_BENCH_SLICEGRADCASES_H
#define SLICE_GRAD_BENCH_SLICEGRADCASES_H

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <numeric>
#include <random>
#include <string>
#include <vector>

namespace slice_grad_bench {

/// One case's operands, generated with a fixed seed. The input rows are
/// distinct (the first coordinate numbers them); the last coordinate is
/// uniform in [100, 1100) (with R = 1, that plus 2000 times the number, and
/// the slice is the interval of the middle inside% of the rows) and the slice
/// keeps [100, 100 + 10 * inside), so the rows inside are scattered uniformly
/// over the input. The class sets the rows' order and the output rows:
///   sorted    rows sorted, output = the rows inside in input order (what
///             TensorFlow's SparseSlice gives)
///   shuffled  rows in random order, output = the rows inside in input order
///   blocks    sorted blocks of 5000 rows in random order (concatenated
///             sparse tensors), output = the rows inside in input order
///   runs      sorted rows, each 3 times in a row, output = every copy inside
///   runs-skip the same input, output = each distinct row inside once: the
///             loop matches the first copy and skips the others
///   all-equal every row equal, output = half of them: the loop matches the
///             first half
///   prefix    sorted rows, a slice of the first inside% of them (every last
///             coordinate): TensorFlow's loop stops after its last output row
///   suffix    sorted rows, a slice of the last inside% of them (start at
///             the first row kept)
struct Case {
  int64_t nIn = 0, nOut = 0;
  int rank = 0, inside = 0;
  std::string kind;
  /// The bytes of one value: 4 (f32) or 16 (complex<f64>).
  int64_t valueBytes = 4;
  /// N_out values, as bytes.
  std::vector<uint8_t> grad;
  std::vector<int64_t> inIdx, start, outIdx;

  int64_t bytes() const {
    // Read every operand once, write the result once.
    return int64_t(grad.size()) + int64_t(inIdx.size() * 8) +
           int64_t(start.size() * 8) + int64_t(outIdx.size() * 8) +
           nIn * valueBytes;
  }
  int64_t outBytes() const { return nIn * valueBytes; }
};

inline Case generate(int64_t nIn, int rank, int inside, const std::string &kind,
                     int64_t valueBytes) {
  Case c;
  c.nIn = nIn;
  c.rank = rank;
  c.inside = inside;
  c.kind = kind;
  std::mt19937_64 rng(0x5eed ^ (uint64_t(nIn) * 31 + rank * 7 + inside));
  std::uniform_int_distribution<int64_t> last(100, 1099);
  std::uniform_real_distribution<double> value(-1.0, 1.0);
  c.valueBytes = valueBytes;
  c.start.assign(rank, 0);
  c.start[rank - 1] = 100;
  if (kind == "suffix" && rank > 1)
    c.start[0] = nIn - nIn * inside / 100;
  int64_t copies = kind == "runs" || kind == "runs-skip" ? 3 : 1;
  int64_t distinct = (nIn + copies - 1) / copies;
  std::vector<int64_t> rows(distinct * rank);
  for (int64_t i = 0; i < distinct; ++i) {
    int64_t *row = &rows[i * rank];
    row[0] = i;
    for (int d = 1; d < rank - 1; ++d)
      row[d] = (i * 7 + d) % 3;
    row[rank - 1] = kind == "all-equal" ? 100 : last(rng);
    if (kind == "all-equal")
      row[0] = 0;
    else if (rank == 1) // distinct and sorted: the row number above
      row[0] += i * 2000;
  }
  // The order of the rows.
  std::vector<int64_t> order(nIn);
  for (int64_t i = 0; i < nIn; ++i)
    order[i] = i / copies;
  if (kind == "shuffled") {
    std::shuffle(order.begin(), order.end(), rng);
  } else if (kind == "blocks") {
    const int64_t block = 5000;
    std::vector<int64_t> blocks((nIn + block - 1) / block);
    std::iota(blocks.begin(), blocks.end(), 0);
    std::shuffle(blocks.begin(), blocks.end(), rng);
    order.clear();
    for (int64_t b : blocks)
      for (int64_t i = b * block; i < std::min(nIn, (b + 1) * block); ++i)
        order.push_back(i);
  }
  c.inIdx.resize(nIn * rank);
  for (int64_t i = 0; i < nIn; ++i)
    std::copy_n(&rows[order[i] * rank], rank, &c.inIdx[i * rank]);
  for (int64_t i = 0; i < nIn; ++i) {
    const int64_t *row = &c.inIdx[i * rank];
    bool in = row[rank - 1] < 100 + 10 * inside;
    if (rank == 1) {
      // A slice of one dimension is an interval: the middle inside% of the
      // distinct rows.
      int64_t k = order[i];
      in = k >= distinct * (100 - inside) / 200 &&
           k < distinct * (100 + inside) / 200;
    }
    if (kind == "all-equal")
      in = i < nIn / 2;
    if (kind == "prefix")
      in = order[i] < distinct * inside / 100;
    if (kind == "suffix")
      in = order[i] >= distinct - distinct * inside / 100;
    if (kind == "runs-skip")
      in = in && (i == 0 || order[i] != order[i - 1]);
    if (in)
      for (int d = 0; d < rank; ++d)
        c.outIdx.push_back(row[d] - c.start[d]);
  }
  c.nOut = int64_t(c.outIdx.size()) / rank;
  c.grad.resize(c.nOut * c.valueBytes);
  for (int64_t k = 0; k < c.nOut; ++k) {
    uint8_t *g = &c.grad[k * c.valueBytes];
    if (c.valueBytes == 4) {
      float v = float(value(rng));
      std::memcpy(g, &v, 4);
    } else {
      double v[2] = {value(rng), value(rng)};
      std::memcpy(g, v, 16);
    }
  }
  return c;
}

/// TensorFlow's CPU loop (sparse_slice_grad_op.cc), written plainly.
inline int64_t tfLoop(const Case &c, uint8_t *out) {
  std::memset(out, 0, c.outBytes());
  const int64_t *in = c.inIdx.data(), *outIdx = c.outIdx.data(),
                *start = c.start.data();
  const uint8_t *grad = c.grad.data();
  const int64_t vb = c.valueBytes;
  int64_t j = 0;
  for (int64_t i = 0; i < c.nIn && j < c.nOut; ++i) {
    bool same = true;
    for (int d = 0; d < c.rank; ++d)
      if (in[i * c.rank + d] != outIdx[j * c.rank + d] + start[d]) {
        same = false;
        break;
      }
    if (same)
      std::memcpy(out + i * vb, grad + vb * j++, vb);
  }
  return j;
}

} // namespace slice_grad_bench

#endif // SLICE_GRAD_BENCH_SLICEGRADCASES_H
