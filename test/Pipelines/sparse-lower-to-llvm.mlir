// RUN: sparse-opt %s --sparse-lower-to-llvm | FileCheck %s --implicit-check-not=sparse.slice_grad --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=builtin.unrealized_conversion_cast
// RUN: sparse-opt %s --sparse-lower-to-llvm --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=STEPS
// RUN: sparse-opt %s --sparse-lower-to-llvm="strategy=sequential" | FileCheck %s --check-prefix=SEQ --implicit-check-not=omp.
// RUN: sparse-opt %s --sparse-lower-to-llvm="openmp=false" | FileCheck %s --check-prefix=NOOMP --implicit-check-not=omp.
// RUN: sparse-opt %s --sparse-lower-to-llvm="num-threads=3" | FileCheck %s --check-prefix=THREADS

// The pipeline takes tensor-level code all the way to the LLVM dialect.

// CHECK-LABEL: llvm.func @sparseSliceGradCheckFailed(!llvm.ptr, i32, i64, i64)
// CHECK-LABEL: llvm.func @grad
// CHECK: llvm.call @malloc
// CHECK: omp.parallel {
// CHECK: omp.wsloop
// CHECK: llvm.call @sparseSliceGradCheckFailed

// STEPS: IR Dump After OneShotBufferizePass
// STEPS: sparse.slice_grad {{.*}} into
// STEPS: IR Dump After ConvertSparseToLoopsPass
// STEPS: scf.parallel
// STEPS: IR Dump After ConvertSCFToOpenMPPass
// STEPS: omp.parallel
// STEPS: IR Dump After ConvertOpenMPToLLVMPass
// STEPS: IR Dump After ReconcileUnrealizedCastsPass
// The sequential strategy and the parallel one without OpenMP have no
// threads; num-threads fixes the thread count.
// SEQ-LABEL: llvm.func @grad
// SEQ: llvm.return
// NOOMP-LABEL: llvm.func @grad
// NOOMP: llvm.return
// THREADS: %[[N:.*]] = llvm.mlir.constant(3 : i32) : i32
// THREADS: omp.parallel num_threads(%[[N]] : i32)
func.func @grad(%g: tensor<?xui16>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xui16> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xui16>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xui16>
  return %r : tensor<?xui16>
}
