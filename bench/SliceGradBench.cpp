//===- SliceGradBench.cpp - sparse.slice_grad against TensorFlow's loop ---===//
//
// On the same generated inputs, in one run: a plain C++ version of
// TensorFlow's CPU loop (the baseline), the JIT-compiled sequential and
// parallel lowerings, the speed-of-light kernel (read every input byte once,
// write the output) and a STREAM-like copy for the machine's bandwidth. Every
// lowering's result is compared bit for bit with the C++ loop's before its
// time is printed. bench/run_bench.py adds TensorFlow's own kernel.
//
//===----------------------------------------------------------------------===//

#include "SliceGradCases.h"

#include "SliceGrad/InitSliceGrad.h"
#include "SliceGrad/Pipelines/Pipelines.h"
#include "SliceGrad/Runner/Engine.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <omp.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <numeric>
#include <random>
#include <vector>

using namespace mlir;
using namespace slice_grad_bench;
namespace cl = llvm::cl;

static cl::list<int64_t> sizes("sizes", cl::desc("N_in of the cases"),
                               cl::CommaSeparated);
static cl::list<int> ranks("ranks", cl::desc("R of the cases"),
                           cl::CommaSeparated);
static cl::list<int> insides("inside",
                             cl::desc("% of input rows inside the slice"),
                             cl::CommaSeparated);
static cl::list<std::string>
    kinds("classes",
          cl::desc("Input classes: sorted, shuffled, blocks, runs, runs-skip, "
                   "all-equal, prefix, suffix (see generate())"),
          cl::CommaSeparated);
static cl::opt<std::string>
    valueType("value-type",
              cl::desc("The gradients' type: f32 or complex<f64> (the op "
                       "moves bit patterns: only the width matters)"),
              cl::init("f32"));
static cl::opt<int> reps("reps", cl::desc("Timed runs per variant (median)"),
                         cl::init(9));
static cl::opt<unsigned>
    vectorWidth("vector-width",
                cl::desc("sparse-lower-to-llvm vector-width of the "
                         "parallel lowering"),
                cl::init(sparse::SparseLowerToLLVMOptions().vectorWidth));
static cl::opt<int64_t>
    chunkRows("chunk-rows",
              cl::desc("sparse-lower-to-llvm chunk-rows of the parallel "
                       "lowering"),
              cl::init(sparse::SparseLowerToLLVMOptions().chunkRows));
static cl::opt<bool> outlineKernels(
    "outline-kernels",
    cl::desc("sparse-lower-to-llvm outline-kernels (the op's code in a "
             "shared private function)"),
    cl::init(sparse::SparseLowerToLLVMOptions().outlineKernels));
static cl::opt<std::string> dumpObject(
    "dump-object",
    cl::desc("Write the JIT-compiled object of the parallel 2-thread module "
             "here (objdump -d it to see the generated code)"));
static cl::opt<std::string>
    jsonFile("json", cl::desc("Also write the results as JSON to this file"));
static cl::opt<std::string>
    dumpDir("dump-dir", cl::desc("Write each case's inputs and result as raw "
                                 "little-endian arrays here (run_bench.py)"));

namespace {
using Clock = std::chrono::steady_clock;

double seconds(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// The bytes of one value of --value-type.
int64_t valueTypeBytes() {
  if (valueType == "f32")
    return 4;
  if (valueType == "complex<f64>")
    return 16;
  llvm::report_fatal_error("--value-type must be f32 or complex<f64>");
}

/// Speed of light: reads every operand byte once and writes the result.
void speedOfLight(const Case &c, uint8_t *outBytes, int threads) {
  const int64_t *in = c.inIdx.data(), *outIdx = c.outIdx.data();
  const uint32_t *grad = reinterpret_cast<const uint32_t *>(c.grad.data());
  uint32_t *out = reinterpret_cast<uint32_t *>(outBytes);
  int64_t nIn = c.nIn, nOut = c.nOut, rank = c.rank;
  int64_t words = c.valueBytes / 4; // per value
  uint64_t sink = 0;
#pragma omp parallel num_threads(threads) reduction(^ : sink)
  {
#pragma omp for schedule(static) nowait
    for (int64_t i = 0; i < nIn; ++i) {
      uint64_t x = 0;
      for (int64_t d = 0; d < rank; ++d)
        x ^= uint64_t(in[i * rank + d]);
      for (int64_t w = 0; w < words; ++w)
        out[i * words + w] = uint32_t(x);
    }
#pragma omp for schedule(static) nowait
    for (int64_t k = 0; k < nOut * rank; ++k)
      sink ^= uint64_t(outIdx[k]);
#pragma omp for schedule(static) nowait
    for (int64_t k = 0; k < nOut * words; ++k)
      sink ^= grad[k];
  }
  asm volatile("" : : "r"(sink) : "memory");
}

/// STREAM copy bandwidth (bytes read + bytes written per second).
double streamCopy(int threads) {
  const int64_t n = int64_t(1) << 26; // 2 x 512 MiB of doubles
  std::vector<double> a(n), b(n);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (int64_t i = 0; i < n; ++i) {
    a[i] = double(i);
    b[i] = 0;
  }
  std::vector<double> times;
  for (int r = 0; r < 7; ++r) {
    auto t0 = Clock::now();
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < n; ++i)
      b[i] = a[i];
    times.push_back(seconds(t0, Clock::now()));
  }
  asm volatile("" : : "r"(b.data()) : "memory");
  return 2.0 * n * sizeof(double) / median(times);
}

/// A buffer of N bytes whose pages the kernel touches first.
struct FreshBuffer {
  size_t size;
  uint8_t *data;
  explicit FreshBuffer(int64_t n) : size(std::max<int64_t>(n, 1)) {
    void *p = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
      llvm::report_fatal_error("mmap failed");
    data = static_cast<uint8_t *>(p);
  }
  ~FreshBuffer() { munmap(data, size); }
};

using Kernel = std::function<void(const Case &, uint8_t *)>;

/// Median times of each kernel into a reused buffer and into a fresh one.
/// The runs go round-robin over the kernels, so that the machine's other
/// load falls on all of them alike and the ratios of one case hold.
std::vector<std::pair<double, double>>
timeKernels(const Case &c, ArrayRef<const Kernel *> kernels) {
  std::vector<uint8_t> out(c.outBytes());
  std::vector<std::vector<double>> reused(kernels.size()),
      fresh(kernels.size());
  for (const Kernel *kernel : kernels)
    (*kernel)(c, out.data()); // warm up
  for (int r = 0; r < reps; ++r) {
    for (auto [k, kernel] : llvm::enumerate(kernels)) {
      auto t0 = Clock::now();
      (*kernel)(c, out.data());
      reused[k].push_back(seconds(t0, Clock::now()));
    }
  }
  for (int r = 0; r < reps; ++r) {
    for (auto [k, kernel] : llvm::enumerate(kernels)) {
      auto t0 = Clock::now();
      FreshBuffer buffer(c.outBytes());
      (*kernel)(c, buffer.data);
      fresh[k].push_back(seconds(t0, Clock::now()));
    }
  }
  std::vector<std::pair<double, double>> medians;
  for (size_t k = 0; k < kernels.size(); ++k)
    medians.push_back({median(reused[k]), median(fresh[k])});
  return medians;
}

//===----------------------------------------------------------------------===//
// The JIT-compiled lowerings
//===----------------------------------------------------------------------===//

/// The values' descriptors are typed by their bytes: a descriptor's layout
/// does not depend on its element type, and sizes count values.
using SliceGradFn = void (*)(StridedMemRefType<uint8_t, 1> *,
                             StridedMemRefType<int64_t, 2> *,
                             StridedMemRefType<int64_t, 1> *,
                             StridedMemRefType<int64_t, 2> *,
                             StridedMemRefType<uint8_t, 1> *);

/// The tensor form, called from JIT-compiled code: the op allocates its
/// result, which the function returns.
using SliceGradTensorFn = void (*)(StridedMemRefType<uint8_t, 1> *,
                                   StridedMemRefType<uint8_t, 1> *,
                                   StridedMemRefType<int64_t, 2> *,
                                   StridedMemRefType<int64_t, 1> *,
                                   StridedMemRefType<int64_t, 2> *);

/// The memref form of the op with static R, as a compiler that knows the
/// rank emits it, or with R known only at run time (dynamicRank), as
/// TensorFlow's exports give it; or the tensor form (tensorForm).
std::string moduleText(int rank, bool dynamicRank, bool tensorForm) {
  std::string r = dynamicRank ? "?" : std::to_string(rank);
  if (tensorForm)
    return llvm::formatv(
        R"mlir(func.func @slice_grad(%g: tensor<?x{1}>, %ii: tensor<?x{0}xi64>,
    %s: tensor<{0}xi64>, %oi: tensor<?x{0}xi64>) -> tensor<?x{1}>
    attributes {{llvm.emit_c_interface} {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?x{1}>, tensor<?x{0}xi64>,
      tensor<{0}xi64>, tensor<?x{0}xi64> -> tensor<?x{1}>
  return %r : tensor<?x{1}>
}
)mlir",
        r, valueType.getValue());
  return llvm::formatv(
      R"mlir(func.func @slice_grad(%g: memref<?x{1}>, %ii: memref<?x{0}xi64>,
    %s: memref<{0}xi64>, %oi: memref<?x{0}xi64>, %out: memref<?x{1}>)
    attributes {{llvm.emit_c_interface} {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?x{1}>, memref<?x{0}xi64>,
      memref<{0}xi64>, memref<?x{0}xi64> into %out : memref<?x{1}>
  return
}
)mlir",
      r, valueType.getValue());
}

struct Compiled {
  std::unique_ptr<ExecutionEngine> engine;
  SliceGradFn fn = nullptr;
  SliceGradTensorFn tensorFn = nullptr; // tensorForm
  double compileSeconds = 0;
};

Compiled compile(const DialectRegistry &registry, int rank,
                 sparse::SliceGradStrategy strategy, unsigned threads,
                 bool dynamicRank = false, bool tensorForm = false) {
  MLIRContext context(registry);
  auto t0 = Clock::now();
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(
      moduleText(rank, dynamicRank, tensorForm), &context);
  if (!module)
    llvm::report_fatal_error("benchmark module does not parse");
  PassManager pm(&context);
  sparse::SparseLowerToLLVMOptions options;
  options.strategy = strategy;
  options.numThreads = threads;
  options.vectorWidth = vectorWidth;
  options.chunkRows = chunkRows;
  options.outlineKernels = outlineKernels;
  sparse::buildSparseLowerToLLVMPipeline(pm, options);
  if (failed(pm.run(*module)))
    llvm::report_fatal_error("sparse-lower-to-llvm failed");
  // The engine sparse-opt --run -O3 compiles with: users' code.
  sparse::runner::EngineOptions engineOptions;
  engineOptions.optLevel = 3;
  engineOptions.enableObjectDump = !dumpObject.empty();
  auto engine = sparse::runner::createEngine(*module, engineOptions);
  if (!engine)
    llvm::report_fatal_error(engine.takeError());
  auto fn = (*engine)->lookup("_mlir_ciface_slice_grad");
  if (!fn)
    llvm::report_fatal_error(fn.takeError());
  Compiled compiled;
  compiled.compileSeconds = seconds(t0, Clock::now());
  compiled.engine = std::move(*engine);
  if (tensorForm)
    compiled.tensorFn = reinterpret_cast<SliceGradTensorFn>(*fn);
  else
    compiled.fn = reinterpret_cast<SliceGradFn>(*fn);
  return compiled;
}

template <typename T, int N>
StridedMemRefType<T, N> view(const T *data, std::array<int64_t, N> sizes) {
  StridedMemRefType<T, N> m;
  m.basePtr = m.data = const_cast<T *>(data);
  m.offset = 0;
  int64_t stride = 1;
  for (int d = N - 1; d >= 0; --d) {
    m.sizes[d] = sizes[d];
    m.strides[d] = stride;
    stride *= sizes[d];
  }
  return m;
}

Kernel jitKernel(SliceGradFn fn) {
  return [fn](const Case &c, uint8_t *out) {
    auto g = view<uint8_t, 1>(c.grad.data(), {c.nOut});
    auto ii = view<int64_t, 2>(c.inIdx.data(), {c.nIn, c.rank});
    auto s = view<int64_t, 1>(c.start.data(), {c.rank});
    auto oi = view<int64_t, 2>(c.outIdx.data(), {c.nOut, c.rank});
    auto o = view<uint8_t, 1>(out, {c.nIn});
    fn(&g, &ii, &s, &oi, &o);
  };
}

/// The tensor form: the op's own result is freed after the call (timed) or
/// copied into `out` first (checked).
Kernel jitTensorKernel(SliceGradTensorFn fn, bool copyOut) {
  return [fn, copyOut](const Case &c, uint8_t *out) {
    auto g = view<uint8_t, 1>(c.grad.data(), {c.nOut});
    auto ii = view<int64_t, 2>(c.inIdx.data(), {c.nIn, c.rank});
    auto s = view<int64_t, 1>(c.start.data(), {c.rank});
    auto oi = view<int64_t, 2>(c.outIdx.data(), {c.nOut, c.rank});
    StridedMemRefType<uint8_t, 1> result;
    fn(&result, &g, &ii, &s, &oi);
    if (result.sizes[0] != c.nIn)
      llvm::report_fatal_error("tensor form: result of the wrong size");
    if (copyOut)
      std::memcpy(out, result.data + result.offset * c.valueBytes,
                  c.outBytes());
    std::free(result.basePtr);
  };
}

void writeRaw(const std::string &path, const void *data, size_t bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    llvm::report_fatal_error(llvm::Twine("cannot write ") + path);
  os.write(static_cast<const char *>(data), bytes);
}

struct Variant {
  std::string name;
  Kernel kernel;
  bool checked;           // its result must equal the C++ loop's
  Kernel check = nullptr; // what is checked, where it is not `kernel`
};
} // namespace

int main(int argc, char **argv) {
  cl::ParseCommandLineOptions(
      argc, argv,
      "sparse.slice_grad benchmark: C++ TF loop, JIT-compiled lowerings, "
      "speed-of-light kernel and STREAM copy, on the same inputs\n");
  auto orDefault = [](const auto &list, auto defaults) {
    return list.empty() ? defaults
                        : decltype(defaults)(list.begin(), list.end());
  };
  std::vector<int64_t> caseSizes =
      orDefault(sizes, std::vector<int64_t>{1000000, 10000000});
  std::vector<int> caseRanks = orDefault(ranks, std::vector<int>{2, 4});
  std::vector<int> caseInsides =
      orDefault(insides, std::vector<int>{5, 50, 100});
  std::vector<std::string> caseKinds =
      orDefault(kinds, std::vector<std::string>{"sorted"});

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  sparse::registerSliceGradDialects(registry);
  registerAllToLLVMIRTranslations(registry);

  llvm::json::Array jsonCases;
  llvm::outs() << "machine: " << omp_get_num_procs() << " cores\n";
  double bw1 = streamCopy(1), bw2 = streamCopy(2);
  llvm::outs() << llvm::formatv(
      "STREAM copy: {0:f2} GB/s (1 thread), {1:f2} GB/s (2 threads)\n",
      bw1 / 1e9, bw2 / 1e9);

  // Compile latency of the one-op module (parse + pipeline + LLVM -O3 +
  // codegen), each from a fresh context.
  std::vector<double> latencies;
  for (int r = 0; r < 5; ++r)
    latencies.push_back(
        compile(registry, 2, sparse::SliceGradStrategy::Parallel, 0)
            .compileSeconds);
  double latency = median(latencies);
  llvm::outs() << llvm::formatv("JIT compile latency (one op, default "
                                "pipeline): {0:f1} ms\n",
                                latency * 1e3);

  int failures = 0;
  for (int rank : caseRanks) {
    Compiled seq =
        compile(registry, rank, sparse::SliceGradStrategy::Sequential, 0);
    Compiled par1 =
        compile(registry, rank, sparse::SliceGradStrategy::Parallel, 1);
    Compiled par2 =
        compile(registry, rank, sparse::SliceGradStrategy::Parallel, 2);
    Compiled seqDyn =
        compile(registry, rank, sparse::SliceGradStrategy::Sequential, 0, true);
    Compiled par2Dyn =
        compile(registry, rank, sparse::SliceGradStrategy::Parallel, 2, true);
    Compiled par2Tensor = compile(
        registry, rank, sparse::SliceGradStrategy::Parallel, 2, false, true);
    if (!dumpObject.empty())
      par2.engine->dumpToObjectFile(dumpObject);
    std::vector<Variant> variants = {
        {"C++ TF loop", [](const Case &c, uint8_t *o) { tfLoop(c, o); }, true},
        {"JIT sequential", jitKernel(seq.fn), true},
        {"JIT parallel 1T", jitKernel(par1.fn), true},
        {"JIT parallel 2T", jitKernel(par2.fn), true},
        {"JIT seq dyn-R", jitKernel(seqDyn.fn), true},
        {"JIT par 2T dyn-R", jitKernel(par2Dyn.fn), true},
        {"JIT par 2T tensor", jitTensorKernel(par2Tensor.tensorFn, false), true,
         jitTensorKernel(par2Tensor.tensorFn, true)},
        {"SOL 1T", [](const Case &c, uint8_t *o) { speedOfLight(c, o, 1); },
         false},
        {"SOL 2T", [](const Case &c, uint8_t *o) { speedOfLight(c, o, 2); },
         false},
    };
    for (int64_t nIn : caseSizes) {
      for (const std::string &kind : caseKinds) {
        for (int inside : caseInsides) {
          // These classes do not depend on the share of rows inside.
          if (kind == "all-equal" && inside != caseInsides.front())
            continue;
          Case c = generate(nIn, rank, inside, kind, valueTypeBytes());
          std::vector<uint8_t> expected(c.outBytes());
          if (tfLoop(c, expected.data()) != c.nOut)
            llvm::report_fatal_error("generated case does not propagate");
          llvm::outs() << llvm::formatv(
              "\n{5} N_in={0} R={1} inside={2}% N_out={3} ({4:f1} MB "
              "moved)\n",
              c.nIn, c.rank, c.inside, c.nOut, c.bytes() / 1e6, c.kind);
          llvm::outs() << llvm::formatv("{0,-16} {1,10} {2,10} {3,8} {4,6} "
                                        "{5,9}\n",
                                        "variant", "median ms", "fresh ms",
                                        "GB/s", "%BW", "vs TF loop");
          llvm::json::Object jsonCase{{"class", c.kind}, {"n_in", c.nIn},
                                      {"rank", c.rank},  {"inside", c.inside},
                                      {"n_out", c.nOut}, {"bytes", c.bytes()}};
          llvm::json::Object jsonTimes;
          // Every result first: bit-exact against the C++ loop, into
          // poisoned buffers; only the variants that pass are timed.
          std::vector<const Variant *> timed;
          for (const Variant &v : variants) {
            if (v.checked) {
              // Bit-exact against the C++ loop, into poisoned buffers.
              const Kernel &kernel = v.check ? v.check : v.kernel;
              std::vector<uint8_t> got(c.outBytes(), 0xff); // NaN bits
              kernel(c, got.data());
              FreshBuffer fresh(c.outBytes());
              kernel(c, fresh.data);
              size_t n = c.outBytes();
              if (std::memcmp(got.data(), expected.data(), n) != 0 ||
                  std::memcmp(fresh.data, expected.data(), n) != 0) {
                llvm::outs() << v.name << ": WRONG RESULT\n";
                ++failures;
                continue;
              }
            }
            timed.push_back(&v);
          }
          std::vector<const Kernel *> kernels;
          for (const Variant *v : timed)
            kernels.push_back(&v->kernel);
          auto medians = timeKernels(c, kernels);
          double baseline = 0;
          for (auto [v, times] : llvm::zip(timed, medians)) {
            auto [t, tFresh] = times;
            if (baseline == 0 && v->name == "C++ TF loop")
              baseline = t;
            double gbs = c.bytes() / t;
            llvm::outs() << llvm::formatv(
                "{0,-16} {1,10:f3} {2,10:f3} {3,8:f2} {4,5:f0}% {5,8:f2}x\n",
                v->name, t * 1e3, tFresh * 1e3, gbs / 1e9, 100 * gbs / bw2,
                baseline ? baseline / t : 0.0);
            jsonTimes[v->name] =
                llvm::json::Object{{"seconds", t}, {"fresh_seconds", tFresh}};
          }
          jsonCase["times"] = std::move(jsonTimes);
          jsonCases.push_back(std::move(jsonCase));
          if (!dumpDir.empty()) {
            std::string prefix =
                llvm::formatv("{0}/{4}_n{1}_r{2}_in{3}_", dumpDir, c.nIn,
                              c.rank, c.inside, c.kind);
            writeRaw(prefix + "grad.bin", c.grad.data(), c.grad.size());
            writeRaw(prefix + "input_indices.i64", c.inIdx.data(),
                     c.inIdx.size() * 8);
            writeRaw(prefix + "input_start.i64", c.start.data(),
                     c.start.size() * 8);
            writeRaw(prefix + "output_indices.i64", c.outIdx.data(),
                     c.outIdx.size() * 8);
            writeRaw(prefix + "expected.bin", expected.data(), expected.size());
          }
        }
      }
    }
  }

  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  llvm::outs() << llvm::formatv("\npeak RSS: {0} MB\n", usage.ru_maxrss / 1024);
  if (!jsonFile.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream os(jsonFile, ec);
    if (ec)
      llvm::report_fatal_error("cannot write --json file");
    os << llvm::formatv("{0:2}",
                        llvm::json::Value(llvm::json::Object{
                            {"stream_copy_1t", bw1},
                            {"stream_copy_2t", bw2},
                            {"compile_seconds", latency},
                            {"peak_rss_mb", int64_t(usage.ru_maxrss / 1024)},
                            {"failures", failures},
                            {"value_type", valueType.getValue()},
                            {"cases", std::move(jsonCases)}}));
  }
  return failures ? 1 : 0;
}
