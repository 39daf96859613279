//===- MPI.h - Running lowered programs that call MPI -----------*- C++ -*-===//
//
// What a host needs around the calls of a program lowered from the shard
// dialect (sparse-shard-to-llvm), which calls MPI: the MPI library loaded
// into the process for the JIT, MPI initialized before the first call and
// finalized after the last, a failed check that ends every process of the
// job together, and the whole job ended when one process fails outside the
// MPI calls. MPICH's ABI (what MLIR 22's MPI lowering targets).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNNER_MPI_H
#define SLICEGRAD_RUNNER_MPI_H

#include "mlir/IR/BuiltinOps.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <string>

namespace mlir::sparse::runner {

/// The MPI library a program that calls MPI is linked with when the host
/// names none: Debian's MPICH.
inline constexpr const char *kDefaultMPILibrary = "libmpich.so.12";

/// Whether `module` calls MPI or will once lowered (shard or mpi ops, or
/// MPI_* functions).
bool callsMPI(ModuleOp module);

/// Loads the default MPI library into the process (globally, so that the
/// JIT resolves MPI_* in it) unless one of `sharedLibs` is an MPI library.
llvm::Error loadMPILibrary(llvm::ArrayRef<std::string> sharedLibs);

/// Whether this process was started by an MPI launcher as one of several
/// (MPICH's Hydra sets PMI_SIZE, Open MPI OMPI_COMM_WORLD_SIZE).
bool launchedAsOneOfSeveral();

/// Ends the whole MPI job after this process failed before or outside the
/// MPI calls: the others would wait for it in MPI_Init or a collective
/// forever. Returns if there is no MPICH to end it with, or if MPI is
/// already finalized (the others then finish on their own).
void abortMPIJob(llvm::ArrayRef<std::string> sharedLibs);

/// MPI_Init before the entry function's first call, MPI_Finalize when
/// destroyed (if this session initialized MPI), found in the loaded MPI
/// library. While it lives, a failed check of a partitioned op (which
/// fails on every process at once) waits, at most 2 s, for every process to
/// report before the process exits, so that mpiexec does not cut the
/// others' messages short.
class MPISession {
public:
  static llvm::Expected<std::unique_ptr<MPISession>> start();
  MPISession(const MPISession &) = delete;
  MPISession &operator=(const MPISession &) = delete;
  ~MPISession();

private:
  MPISession() = default;
  int (*finalizeFn)() = nullptr;
  bool initializedHere = false;
};

} // namespace mlir::sparse::runner

#endif // SLICEGRAD_RUNNER_MPI_H
