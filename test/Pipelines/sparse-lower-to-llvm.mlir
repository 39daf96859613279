// RUN: sparse-opt %s --sparse-lower-to-llvm | FileCheck %s --implicit-check-not=sparse.slice_grad --implicit-check-not=memref. --implicit-check-not=scf. --implicit-check-not=builtin.unrealized_conversion_cast
// RUN: sparse-opt %s --sparse-lower-to-llvm --mlir-print-ir-after-all 2>&1 >/dev/null | FileCheck %s --check-prefix=STEPS
// RUN: sparse-opt %s --sparse-lower-to-llvm="strategy=sequential" | FileCheck %s --check-prefix=SEQ --implicit-check-not=omp.
// RUN: sparse-opt %s --sparse-lower-to-llvm="openmp=false" | FileCheck %s --check-prefix=NOOMP --implicit-check-not=omp.
// RUN: sparse-opt %s --sparse-lower-to-llvm="num-threads=3" | FileCheck %s --check-prefix=THREADS
// RUN: sparse-opt %s --sparse-lower-to-llvm="outline-kernels=false" | FileCheck %s --check-prefix=INLINE --implicit-check-not=__sparse_slice_grad_parallel

// The pipeline takes tensor-level code all the way to the LLVM dialect.

// CHECK-LABEL: llvm.func @sparseSliceGradCheckFailed(!llvm.ptr, i32, i64, i64)
// The op is a call (outline-kernels) of a function with its checks and a
// switch on the run-time R over calls of the kernels, which run on OpenMP
// threads.
// CHECK-LABEL: llvm.func @grad
// CHECK: llvm.call @malloc
// CHECK: llvm.call @__sparse_slice_grad_parallel_c8192_w8_op0(
// CHECK-LABEL: llvm.func internal @__sparse_slice_grad_parallel_c8192_w8_op0(
// CHECK: llvm.call @sparseSliceGradCheckFailed
// CHECK: llvm.switch
// CHECK: llvm.call @__sparse_slice_grad_parallel_c8192_w8_ui16_r1(
// CHECK: llvm.call @__sparse_slice_grad_parallel_c8192_w8_ui16_rgen(
// CHECK-LABEL: llvm.func internal @__sparse_slice_grad_parallel_c8192_w8_ui16_rgen(
// CHECK: omp.parallel {
// CHECK: omp.wsloop
// CHECK-LABEL: llvm.func internal @__sparse_slice_grad_parallel_c8192_w8_ui16_r1(
// CHECK: omp.parallel {

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
// INLINE-LABEL: llvm.func @grad
// INLINE: omp.parallel {
// INLINE: llvm.call @sparseSliceGradCheckFailed
// THREADS-LABEL: llvm.func internal @__sparse_slice_grad_parallel_c8192_w8_ui16_rgen(
// THREADS: %[[N:.*]] = llvm.mlir.constant(3 : i32) : i32
// THREADS: omp.parallel num_threads(%[[N]] : i32)
func.func @grad(%g: tensor<?xui16>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xui16> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xui16>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xui16>
  return %r : tensor<?xui16>
}
