//===- SliceGradGpuBench.cpp - sparse.slice_grad's GPU kernels, timed -----===//
//
// On the same generated inputs (SliceGradCases.h), in one run: our kernels
// on device-resident buffers (the kernels alone) and in the standalone host
// form (copies in and out included), the algorithm of TensorFlow's GPU
// kernel (TfGpuSliceGrad.h), and a device-to-device copy of as many bytes as
// the op must move at least (every operand read once, the result written
// once: the bandwidth bound). Every variant's result is compared bit for
// bit with TensorFlow's CPU loop before it is timed.
//
// Built two ways:
//  - by nvcc (`-x cu`) where the GPU is: our kernels are
//    libSliceGradGpuBenchKernels, bench/gpu_kernels_*.mlir lowered by
//    sparse-to-nvvm ahead of time (scripts/gpu-bundle.sh);
//  - by the host compiler: "device" buffers are host memory, TensorFlow's
//    algorithm runs as a loop, the copy is memcpy, and our kernels are the
//    same modules lowered with sparse-lower-to-llvm{gpu-algorithm=true} (the
//    GPU kernels as loops on CPU threads). That build checks the benchmark
//    without a GPU (test/Integration/GPU/gpu-bench-cpu.test).
//
// TensorFlow's algorithm assumes sorted, duplicate-free rows: its result is
// reported as exact or not (by how many rows), not required to be exact.
// Ours must be exact; the exit code is 1 where it is not.
//
//===----------------------------------------------------------------------===//

#include "SliceGradCases.h"
#include "TfGpuSliceGrad.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <sstream>

#ifdef __CUDACC__
#include <cuda_runtime.h>
#endif

using namespace slice_grad_bench;

//===----------------------------------------------------------------------===//
// Our kernels (C interface of the lowered functions)
//===----------------------------------------------------------------------===//

using Values = StridedMemRefType<float, 1>;
using Rows = StridedMemRefType<int64_t, 2>;
using Start = StridedMemRefType<int64_t, 1>;
using GradFn = void (*)(Values *, Rows *, Start *, Rows *, Values *);

extern "C" {
void _mlir_ciface_grad_r2_device(Values *, Rows *, Start *, Rows *, Values *);
void _mlir_ciface_grad_r4_device(Values *, Rows *, Start *, Rows *, Values *);
void _mlir_ciface_grad_r2_host(Values *, Rows *, Start *, Rows *, Values *);
void _mlir_ciface_grad_r4_host(Values *, Rows *, Start *, Rows *, Values *);
}

static GradFn ourKernel(int rank, bool device) {
  if (rank == 2)
    return device ? _mlir_ciface_grad_r2_device : _mlir_ciface_grad_r2_host;
  if (rank == 4)
    return device ? _mlir_ciface_grad_r4_device : _mlir_ciface_grad_r4_host;
  return nullptr;
}

static Values values(float *data, int64_t n) {
  return {data, data, 0, {n}, {1}};
}
static Rows rows(int64_t *data, int64_t n, int64_t rank) {
  return {data, data, 0, {n, rank}, {rank, 1}};
}
static Start startOf(int64_t *data, int64_t rank) {
  return {data, data, 0, {rank}, {1}};
}

//===----------------------------------------------------------------------===//
// The device: CUDA where nvcc compiles this file, host memory otherwise
//===----------------------------------------------------------------------===//

#ifdef __CUDACC__
static void check(cudaError_t error, const char *what) {
  if (error == cudaSuccess)
    return;
  std::fprintf(stderr, "slice-grad-gpu-bench: %s: %s\n", what,
               cudaGetErrorString(error));
  std::exit(2);
}
template <typename T> static T *deviceAlloc(size_t n) {
  void *p = nullptr;
  check(cudaMalloc(&p, std::max<size_t>(n, 1) * sizeof(T)), "cudaMalloc");
  return static_cast<T *>(p);
}
static void deviceFree(void *p) { check(cudaFree(p), "cudaFree"); }
static void toDevice(void *dst, const void *src, size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyHostToDevice), "to device");
}
static void toHost(void *dst, const void *src, size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToHost), "to host");
}
static void sync() { check(cudaDeviceSynchronize(), "synchronize"); }
static void deviceCopy(void *dst, const void *src, size_t bytes) {
  check(cudaMemcpy(dst, src, bytes, cudaMemcpyDeviceToDevice), "copy");
  sync();
}
static const char *deviceName() {
  static cudaDeviceProp prop;
  check(cudaGetDeviceProperties(&prop, 0), "device properties");
  return prop.name;
}

/// TensorFlow's launch: the block size of the highest occupancy, and no more
/// blocks than the device keeps resident.
static void runTf(int64_t nIn, int64_t nOut, int rank, const int64_t *inIdx,
                  const int64_t *start, const int64_t *outIdx,
                  const float *grad, float *out) {
  if (nIn == 0)
    return;
  // Queried once: cudaGetDeviceProperties alone can take a millisecond.
  static int block = 0;
  static int64_t resident = 0;
  if (!block) {
    int minGrid = 0;
    check(cudaOccupancyMaxPotentialBlockSize(&minGrid, &block,
                                             tfGpuSliceGradKernel<float>),
          "occupancy");
    cudaDeviceProp prop;
    check(cudaGetDeviceProperties(&prop, 0), "device properties");
    resident = int64_t(prop.multiProcessorCount) *
               prop.maxThreadsPerMultiProcessor / block;
  }
  int64_t blocks = std::min<int64_t>((nIn + block - 1) / block, resident);
  tfGpuSliceGradKernel<float><<<unsigned(blocks), unsigned(block)>>>(
      nIn, nOut, rank, inIdx, start, outIdx, grad, out);
  check(cudaGetLastError(), "launch");
  sync();
}
#else
template <typename T> static T *deviceAlloc(size_t n) {
  return static_cast<T *>(std::malloc(std::max<size_t>(n, 1) * sizeof(T)));
}
static void deviceFree(void *p) { std::free(p); }
static void toDevice(void *dst, const void *src, size_t bytes) {
  std::memcpy(dst, src, bytes);
}
static void toHost(void *dst, const void *src, size_t bytes) {
  std::memcpy(dst, src, bytes);
}
static void deviceCopy(void *dst, const void *src, size_t bytes) {
  std::memcpy(dst, src, bytes);
  // The copy is never read: keep the compiler from dropping it.
  asm volatile("" : : "r"(dst) : "memory");
}
static const char *deviceName() {
  return "host (no GPU: gpu-algorithm=true on CPU threads)";
}
static void runTf(int64_t nIn, int64_t nOut, int rank, const int64_t *inIdx,
                  const int64_t *start, const int64_t *outIdx,
                  const float *grad, float *out) {
  for (int64_t i = 0; i < nIn; ++i)
    tfGpuRow(i, nOut, rank, inIdx, start, outIdx, grad, out);
}
#endif

//===----------------------------------------------------------------------===//
// The run
//===----------------------------------------------------------------------===//

namespace {
using Clock = std::chrono::steady_clock;

struct Options {
  std::vector<int64_t> sizes{10000000, 100000000};
  std::vector<int> ranks{2, 4};
  std::vector<std::string> classes{"sorted", "shuffled", "blocks", "runs",
                                   "prefix"};
  int inside = 50, prefixInside = 10, reps = 5, hostReps = 3;
  /// Where to write the sorted cases' arrays for bench/jax_gpu_bench.py
  /// (none: not written), and up to which N_in.
  std::string dumpDir;
  int64_t dumpMaxRows = 10000000;
};

template <typename T>
void writeRaw(const std::string &path, const T *data, size_t n) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || std::fwrite(data, sizeof(T), n, f) != n || std::fclose(f)) {
    std::fprintf(stderr, "slice-grad-gpu-bench: cannot write %s\n",
                 path.c_str());
    std::exit(2);
  }
}

/// The case's operands and TensorFlow's result as raw little-endian arrays
/// (bench/jax_gpu_bench.py reads them), named by class, N_in and R.
void dump(const Options &o, const Case &c,
          const std::vector<uint8_t> &expected) {
  std::string base = o.dumpDir + "/" + c.kind + "_" + std::to_string(c.nIn) +
                     "_" + std::to_string(c.rank) + ".";
  writeRaw(base + "input_indices.i64", c.inIdx.data(), c.inIdx.size());
  writeRaw(base + "input_start.i64", c.start.data(), c.start.size());
  writeRaw(base + "output_indices.i64", c.outIdx.data(), c.outIdx.size());
  writeRaw(base + "grad.f32", c.grad.data(), c.grad.size());
  writeRaw(base + "expected.f32", expected.data(), expected.size());
}

/// Milliseconds of the median of `reps` runs of `run`.
template <typename F> double timeMs(int reps, F run) {
  std::vector<double> ms;
  for (int r = 0; r < reps; ++r) {
    auto t0 = Clock::now();
    run();
    ms.push_back(
        std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return ms[ms.size() / 2];
}

/// Rows whose bits differ from the reference.
int64_t differing(const std::vector<float> &got,
                  const std::vector<uint8_t> &want) {
  int64_t n = 0;
  for (size_t i = 0; i < got.size(); ++i)
    n += std::memcmp(&got[i], &want[i * 4], 4) != 0;
  return n;
}

/// The device copies of one case's operands and result.
struct DeviceCase {
  int64_t *inIdx, *start, *outIdx;
  float *grad, *out;
  explicit DeviceCase(const Case &c)
      : inIdx(deviceAlloc<int64_t>(c.inIdx.size())),
        start(deviceAlloc<int64_t>(c.start.size())),
        outIdx(deviceAlloc<int64_t>(c.outIdx.size())),
        grad(deviceAlloc<float>(c.nOut)), out(deviceAlloc<float>(c.nIn)) {
    toDevice(inIdx, c.inIdx.data(), c.inIdx.size() * 8);
    toDevice(start, c.start.data(), c.start.size() * 8);
    toDevice(outIdx, c.outIdx.data(), c.outIdx.size() * 8);
    toDevice(grad, c.grad.data(), c.grad.size());
  }
  ~DeviceCase() {
    for (void *p : {(void *)inIdx, (void *)start, (void *)outIdx, (void *)grad,
                    (void *)out})
      deviceFree(p);
  }
  std::vector<float> result(int64_t n) const {
    std::vector<float> host(n);
    toHost(host.data(), out, n * 4);
    return host;
  }
};

/// One row of the table; false where our kernels are not exact.
bool runCase(const Options &o, int64_t nIn, int rank, const std::string &kind,
             int reps) {
  int inside = kind == "prefix" ? o.prefixInside : o.inside;
  Case c = generate(nIn, rank, inside, kind, 4);
  std::vector<uint8_t> expected(c.outBytes());
  if (tfLoop(c, expected.data()) != c.nOut) {
    std::fprintf(stderr, "generator: not every output row matched\n");
    std::exit(2);
  }
  if (!o.dumpDir.empty() && nIn <= o.dumpMaxRows &&
      (kind == "sorted" || kind == "prefix"))
    dump(o, c, expected);
  DeviceCase d(c);
  Values g = values(d.grad, c.nOut), out = values(d.out, c.nIn);
  Rows ii = rows(d.inIdx, c.nIn, rank), oi = rows(d.outIdx, c.nOut, rank);
  Start s = startOf(d.start, rank);
  GradFn device = ourKernel(rank, true), host = ourKernel(rank, false);

  // Ours, device-resident.
  device(&g, &ii, &s, &oi, &out);
  int64_t oursWrong = differing(d.result(c.nIn), expected);
  double oursMs = timeMs(reps, [&] { device(&g, &ii, &s, &oi, &out); });

  // Ours, host form: host buffers, the op copies them in and the result out.
  std::vector<float> hostOut(c.nIn), hostGrad(c.nOut);
  std::memcpy(hostGrad.data(), c.grad.data(), c.grad.size());
  Values hg = values(hostGrad.data(), c.nOut),
         ho = values(hostOut.data(), c.nIn);
  Rows hii = rows(c.inIdx.data(), c.nIn, rank),
       hoi = rows(c.outIdx.data(), c.nOut, rank);
  Start hs = startOf(c.start.data(), rank);
  host(&hg, &hii, &hs, &hoi, &ho);
  int64_t hostWrong = differing(hostOut, expected);
  double hostMs = timeMs(std::min(reps, o.hostReps),
                         [&] { host(&hg, &hii, &hs, &hoi, &ho); });

  // TensorFlow's algorithm on the same device buffers.
  runTf(c.nIn, c.nOut, rank, d.inIdx, d.start, d.outIdx, d.grad, d.out);
  int64_t tfWrong = differing(d.result(c.nIn), expected);
  double tfMs = timeMs(reps, [&] {
    runTf(c.nIn, c.nOut, rank, d.inIdx, d.start, d.outIdx, d.grad, d.out);
  });

  // The bound: a copy that reads and writes as many bytes as the op must.
  size_t half = size_t(c.bytes() + c.outBytes()) / 2;
  uint8_t *from = deviceAlloc<uint8_t>(half), *to = deviceAlloc<uint8_t>(half);
  double copyMs = timeMs(reps, [&] { deviceCopy(to, from, half); });
  deviceFree(from);
  deviceFree(to);

  std::printf("| %s | %lld | %d | %lld | %.3f | %.3f | %.3f | %.3f | %.2fx | "
              "%.0f%% | %s | %s |\n",
              kind.c_str(), (long long)nIn, rank, (long long)c.nOut, oursMs,
              hostMs, tfMs, copyMs, tfMs / oursMs, 100 * copyMs / oursMs,
              oursWrong || hostWrong ? "WRONG" : "exact",
              tfWrong
                  ? ("wrong on " + std::to_string(tfWrong) + " rows").c_str()
                  : "exact");
  if (oursWrong || hostWrong)
    std::fprintf(stderr,
                 "%s N_in=%lld R=%d: ours differs on %lld rows (device), "
                 "%lld (host form)\n",
                 kind.c_str(), (long long)nIn, rank, (long long)oursWrong,
                 (long long)hostWrong);
  std::fflush(stdout);
  return !oursWrong && !hostWrong;
}

template <typename T> std::vector<T> parseList(const std::string &text) {
  std::vector<T> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ','))
    if constexpr (std::is_same_v<T, std::string>)
      items.push_back(item);
    else
      items.push_back(T(std::stod(item)));
  return items;
}

bool usage(const char *program) {
  std::fprintf(stderr,
               "usage: %s [--sizes=1e7,1e8] [--ranks=2,4] "
               "[--classes=sorted,shuffled,blocks,runs,prefix] "
               "[--reps=5] [--host-reps=3] [--dump-dir=DIR] "
               "[--dump-max-rows=1e7]\n",
               program);
  return false;
}

bool fail(const std::string &message) {
  std::fprintf(stderr, "slice-grad-gpu-bench: %s\n", message.c_str());
  return false;
}

bool parse(int argc, char **argv, Options &o) {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    size_t eq = arg.find('=');
    std::string key = arg.substr(0, eq),
                value = eq == std::string::npos ? "" : arg.substr(eq + 1);
    try {
      if (key == "--sizes")
        o.sizes = parseList<int64_t>(value);
      else if (key == "--ranks")
        o.ranks = parseList<int>(value);
      else if (key == "--classes")
        o.classes = parseList<std::string>(value);
      else if (key == "--reps")
        o.reps = std::stoi(value);
      else if (key == "--host-reps")
        o.hostReps = std::stoi(value);
      else if (key == "--dump-dir")
        o.dumpDir = value;
      else if (key == "--dump-max-rows")
        o.dumpMaxRows = int64_t(std::stod(value));
      else
        return usage(argv[0]);
    } catch (const std::exception &) {
      return fail(key + ": not a number or a list of numbers: '" + value + "'");
    }
  }
  // Up to 2^31 rows: the generator and the reference hold every case in
  // host memory, several times over.
  for (int64_t n : o.sizes)
    if (n < 1 || n > (int64_t(1) << 31))
      return fail("--sizes: each N_in must be in [1, 2^31]");
  if (o.ranks.empty())
    return fail("--ranks: give at least one R");
  for (int r : o.ranks)
    if (!ourKernel(r, true))
      return fail("--ranks: the kernels are built for R = 2 and 4");
  const char *known[] = {"sorted", "shuffled", "blocks", "runs", "prefix"};
  for (const std::string &kind : o.classes)
    if (std::find(std::begin(known), std::end(known), kind) == std::end(known))
      return fail("--classes: unknown class '" + kind +
                  "' (sorted, shuffled, blocks, runs, prefix)");
  if (o.reps < 1 || o.hostReps < 1)
    return fail("--reps and --host-reps must be at least 1");
  return true;
}
} // namespace

int main(int argc, char **argv) {
  Options o;
  if (!parse(argc, argv, o))
    return 2;
  std::printf("device: %s\n\n", deviceName());
  // The fixed cost: launches and synchronizations of a call on 1024 rows.
  std::printf("| class | N_in | R | N_out | ours, device (ms) | ours, host "
              "form (ms) | TF's algorithm (ms) | copy, same bytes (ms) | ours "
              "vs TF | copy / ours | ours | TF's algorithm |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  bool exact = runCase(o, 1024, o.ranks.front(), "sorted", o.reps);
  for (int64_t n : o.sizes)
    for (int r : o.ranks)
      for (const std::string &kind : o.classes)
        exact &= runCase(o, n, r, kind, o.reps);
  std::printf("\nours: %s\n", exact ? "exact on every case" : "NOT EXACT");
  return exact ? 0 : 1;
}
