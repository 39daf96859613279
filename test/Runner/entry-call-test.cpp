//===- entry-call-test.cpp - Unit tests of SliceGradRunner's calls --------===//
//
// EntryCall on its own: descriptors of run-time rank lay out as
// CRunnerUtils' StridedMemRefType of that rank, and a JIT-compiled function
// gets its arguments (ranked, unranked, scalars) and gives back its results
// (an argument's view with an offset, a fresh buffer, scalars, an unranked
// memref) through them, over repeated calls; results it allocated are freed
// (the sanitized build checks for leaks), the arguments' buffers are not.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Runner/Engine.h"
#include "SliceGrad/Runner/EntryCall.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace mlir;
using namespace mlir::sparse::runner;

namespace {
int failures = 0;

void check(bool ok, const llvm::Twine &what) {
  if (!ok) {
    ++failures;
    llvm::outs() << "FAIL: " << what << "\n";
  }
}

template <int N> void checkDescriptor(std::array<int64_t, N> shape) {
  int64_t data[1];
  RankedDescriptor built(data, shape);
  StridedMemRefType<char, N> expected;
  expected.basePtr = expected.data = reinterpret_cast<char *>(data);
  expected.offset = 0;
  if constexpr (N > 0) {
    int64_t stride = 1;
    for (int d = N - 1; d >= 0; --d) {
      expected.sizes[d] = shape[d];
      expected.strides[d] = stride;
      stride *= shape[d];
    }
  }
  check(std::memcmp(built.get(), &expected, sizeof(expected)) == 0,
        "the descriptor of rank " + llvm::Twine(N));
  DynamicMemRefType<char> view(::UnrankedMemRefType<char>{N, built.get()});
  check(view.rank == N && view.data == reinterpret_cast<char *>(data) &&
            (N == 0 ||
             (view.sizes[N - 1] == shape[N - 1] && view.strides[N - 1] == 1)),
        "the descriptor of rank " + llvm::Twine(N) + " read back");
  llvm::outs() << "descriptor of rank " << N << "\n";
}

// a: 4x3 i64 (returned as the view of rows 1..2: an offset of 3);
// b: unranked f32 (returned as it is: its rank and data);
// s: an f64 scalar (returned plus one); a fresh 2xi32 buffer holds b's rank
// and a[3, 2].
constexpr const char *kModule = R"mlir(
func.func @entry(%a: memref<?x3xi64>, %b: memref<*xf32>, %s: f64)
    -> (memref<2x3xi64, strided<[3, 1], offset: 3>>, f64, memref<2xi32>,
        memref<*xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %rows = memref.subview %a[1, 0] [2, 3] [1, 1]
      : memref<?x3xi64> to memref<2x3xi64, strided<[3, 1], offset: 3>>
  %one = arith.constant 1.0 : f64
  %t = arith.addf %s, %one : f64
  %m = memref.alloc() : memref<2xi32>
  %rank = memref.rank %b : memref<*xf32>
  %r = arith.index_cast %rank : index to i32
  memref.store %r, %m[%c0] : memref<2xi32>
  %x = memref.load %a[%c3, %c2] : memref<?x3xi64>
  %y = arith.trunci %x : i64 to i32
  memref.store %y, %m[%c1] : memref<2xi32>
  return %rows, %t, %m, %b
      : memref<2x3xi64, strided<[3, 1], offset: 3>>, f64, memref<2xi32>,
        memref<*xf32>
}
)mlir";

HostArray hostArray(MLIRContext &context, llvm::StringRef text) {
  llvm::Expected<HostArray> array = parseInlineArray(text, &context);
  if (!array)
    llvm::report_fatal_error(array.takeError());
  return std::move(*array);
}

void checkCall(MLIRContext &context) {
  OwningOpRef<ModuleOp> module = parseSourceString<ModuleOp>(kModule, &context);
  check(module.get() != nullptr, "the module parses");
  if (!module)
    return;
  auto entry = module->lookupSymbol<func::FuncOp>("entry");
  FunctionType signature = entry.getFunctionType();
  entry->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                 UnitAttr::get(&context));
  PassManager pm(&context);
  if (failed(parsePassPipeline(
          "expand-strided-metadata,finalize-memref-to-llvm,convert-to-llvm,"
          "reconcile-unrealized-casts",
          pm)) ||
      failed(pm.run(*module))) {
    check(false, "the module lowers");
    return;
  }
  EngineOptions options;
  options.optLevel = 2;
  auto engine = createEngine(*module, options);
  if (!engine) {
    check(false, "JIT: " + llvm::toString(engine.takeError()));
    return;
  }

  std::vector<HostArray> arguments;
  arguments.push_back(hostArray(context, "4x3xi64=0 1 2 3 4 5 6 7 8 9 10 11"));
  arguments.push_back(hostArray(context, "2x1x2xf32=1 2 3 4"));
  arguments.push_back(hostArray(context, "f64=2.5"));
  auto refused = [](llvm::Error error) {
    bool failed = bool(error);
    llvm::consumeError(std::move(error));
    return failed;
  };
  for (auto [array, type] : llvm::zip(arguments, signature.getInputs()))
    check(!refused(checkArgument(array, type)), "the argument fits");
  check(refused(checkArgument(arguments[0], signature.getInput(2))) &&
            refused(checkArgument(arguments[2], signature.getInput(0))),
        "an array for a scalar and a scalar for an array are refused");

  EntryCall call(signature, arguments);
  for (int repeat = 0; repeat < 3; ++repeat) {
    if (llvm::Error error = call.invoke(**engine, "entry")) {
      check(false, "invoke: " + llvm::toString(std::move(error)));
      return;
    }
    SmallVector<ArrayView> results = call.results();
    check(results.size() == 4, "four results");
    if (results.size() != 4)
      return;
    const ArrayView &rows = results[0];
    check(rows.base == arguments[0].data + 3 * sizeof(int64_t) &&
              rows.shape == ArrayRef<int64_t>{2, 3} &&
              rows.strides == ArrayRef<int64_t>{3, 1},
          "the view of rows 1..2 of the argument");
    check(*reinterpret_cast<const double *>(results[1].base) == 3.5 &&
              results[1].shape.empty(),
          "the scalar result");
    const int32_t *m = reinterpret_cast<const int32_t *>(results[2].base);
    check(m[0] == 3 && m[1] == 11 && results[2].shape == ArrayRef<int64_t>{2},
          "the fresh buffer's values");
    check(results[3].base == arguments[1].data &&
              results[3].shape == ArrayRef<int64_t>{2, 1, 2} &&
              results[3].strides == ArrayRef<int64_t>{2, 2, 1},
          "the unranked result");
  }
  llvm::outs() << "calls of @entry\n";
}
} // namespace

int main() {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  checkDescriptor<0>({});
  checkDescriptor<1>({5});
  checkDescriptor<3>({2, 0, 7});

  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registerAllToLLVMIRTranslations(registry);
  registerAllPasses();
  MLIRContext context(registry);
  checkCall(context);
  llvm::outs() << "entry-call: " << failures << " failures\n";
  return failures ? 1 : 0;
}
