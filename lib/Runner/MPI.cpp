//===- MPI.cpp - Running lowered programs that call MPI -------------------===//

#include "SliceGrad/Runner/MPI.h"
#include "SliceGrad/Runtime/SliceGradStatus.h"

#include "mlir/IR/SymbolTable.h"

#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>

using namespace mlir;
using namespace mlir::sparse::runner;
using llvm::sys::DynamicLibrary;

namespace {
/// MPICH's ABI: MPI_COMM_WORLD is 0x44000000, a request an int,
/// MPI_STATUS_IGNORE 1. MPIR_Dup_fn is a symbol only MPICH has.
constexpr int kCommWorld = 0x44000000;

bool isMPICH() {
  return DynamicLibrary::SearchForAddressOfSymbol("MPIR_Dup_fn") != nullptr;
}

template <typename Fn> Fn *symbol(const char *name) {
  return reinterpret_cast<Fn *>(DynamicLibrary::SearchForAddressOfSymbol(name));
}

bool isMPILibrary(StringRef path) {
  return llvm::sys::path::filename(path).contains("mpi");
}

int (*ibarrier)(int, int *) = nullptr;
int (*test)(int *, int *, void *) = nullptr;

/// A failed check of a partitioned op fails on every process at once, and
/// mpiexec stops the other processes when the first one exits: wait (at
/// most 2 s, in case only this process failed) until every process has
/// reported, then exit as the default handler does.
void installErrorHandler() {
  ibarrier = symbol<int(int, int *)>("MPI_Ibarrier");
  test = symbol<int(int *, int *, void *)>("MPI_Test");
  if (!ibarrier || !test || !isMPICH())
    return; // not MPICH: the default handler
  sparseSliceGradSetErrorHandler(
      +[](const SparseSliceGradError *error, void *) {
        std::fflush(stdout);
        std::fprintf(stderr, "sparse.slice_grad in %s: %s: %s\n", error->where,
                     error->codeName, error->message);
        std::fflush(stderr);
        int request = 0, done = 0;
        if (ibarrier(kCommWorld, &request) == 0) {
          auto until =
              std::chrono::steady_clock::now() + std::chrono::seconds(2);
          while (!done && std::chrono::steady_clock::now() < until)
            if (test(&request, &done, reinterpret_cast<void *>(1)) != 0)
              break;
        }
        std::_Exit(EXIT_FAILURE);
      },
      nullptr);
}
} // namespace

bool mlir::sparse::runner::callsMPI(ModuleOp module) {
  bool found = false;
  module.walk([&](Operation *op) {
    StringRef dialect = op->getName().getDialectNamespace();
    auto symbolOp = dyn_cast<SymbolOpInterface>(op);
    if (dialect == "shard" || dialect == "mpi" ||
        (symbolOp && symbolOp.getName().starts_with("MPI_")))
      found = true;
  });
  return found;
}

llvm::Error
mlir::sparse::runner::loadMPILibrary(ArrayRef<std::string> sharedLibs) {
  if (llvm::any_of(sharedLibs,
                   [](const std::string &lib) { return isMPILibrary(lib); }))
    return llvm::Error::success();
  // By its soname, from the loader's search path.
  std::string error;
  if (DynamicLibrary::LoadLibraryPermanently(kDefaultMPILibrary, &error))
    return llvm::createStringError(
        llvm::Twine("the program calls MPI, but ") + kDefaultMPILibrary +
        " cannot be loaded (" + error +
        "): install MPICH (apt-get install mpich) or give an MPI library "
        "with --shared-libs");
  return llvm::Error::success();
}

bool mlir::sparse::runner::launchedAsOneOfSeveral() {
  for (const char *name : {"PMI_SIZE", "OMPI_COMM_WORLD_SIZE"})
    if (const char *size = std::getenv(name))
      return std::atoi(size) > 1;
  return false;
}

void mlir::sparse::runner::abortMPIJob(ArrayRef<std::string> sharedLibs) {
  if (!DynamicLibrary::SearchForAddressOfSymbol("MPI_Abort")) {
    std::string error;
    for (const std::string &lib : sharedLibs)
      if (isMPILibrary(lib))
        DynamicLibrary::LoadLibraryPermanently(lib.c_str(), &error);
    DynamicLibrary::LoadLibraryPermanently(kDefaultMPILibrary, &error);
  }
  auto initialized = symbol<int(int *)>("MPI_Initialized");
  auto finalized = symbol<int(int *)>("MPI_Finalized");
  auto init = symbol<int(int *, char ***)>("MPI_Init");
  auto abortJob = symbol<int(int, int)>("MPI_Abort");
  if (!initialized || !finalized || !init || !abortJob || !isMPICH())
    return;
  int isInitialized = 0, isFinalized = 0;
  finalized(&isFinalized);
  if (isFinalized)
    return;
  // MPI_Abort needs MPI initialized, which completes with the others'
  // MPI_Init.
  initialized(&isInitialized);
  if (!isInitialized)
    init(nullptr, nullptr);
  llvm::errs().flush();
  abortJob(kCommWorld, EXIT_FAILURE);
}

llvm::Expected<std::unique_ptr<MPISession>> MPISession::start() {
  auto initialized = symbol<int(int *)>("MPI_Initialized");
  auto init = symbol<int(int *, char ***)>("MPI_Init");
  auto finalize = symbol<int()>("MPI_Finalize");
  if (!initialized || !init || !finalize)
    return llvm::createStringError("the program calls MPI, but the loaded "
                                   "libraries have no MPI_Init/MPI_Finalize");
  std::unique_ptr<MPISession> session(new MPISession());
  session->finalizeFn = finalize;
  int flag = 0;
  initialized(&flag);
  if (!flag)
    init(nullptr, nullptr);
  session->initializedHere = !flag;
  installErrorHandler();
  return session;
}

MPISession::~MPISession() {
  if (finalizeFn && initializedHere)
    finalizeFn();
}
