// RUN: sparse-opt %s --convert-sparse-to-loops="strategy=parallel" | FileCheck %s
// RUN: sparse-opt %s --sparse-lower-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: sparse-opt %s --sparse-to-nvvm | FileCheck %s --check-prefix=LLVM

// A static R beyond the specialized ranks (1..8) gets the generic loops over
// columns, not code unrolled R times: R = 100,000 compiles as fast as R = 2
// (it once took minutes, and R = 2^40 ran out of memory). Values for R > 8
// are checked in test/Differential/random_cases.py.

// CHECK-LABEL: func @static_rank
//   CHECK-NOT: vector.
//       CHECK: scf.while
//   CHECK-NOT: vector.
// LLVM-LABEL: llvm.func @static_rank
func.func @static_rank(%g: memref<?xf32>, %ii: memref<?x100000xi64>, %s: memref<100000xi64>, %oi: memref<?x100000xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x100000xi64>, memref<100000xi64>, memref<?x100000xi64> into %out : memref<?xf32>
  return
}

// CHECK-LABEL: func @huge_rank
//       CHECK: scf.while
// LLVM-LABEL: llvm.func @huge_rank
func.func @huge_rank(%g: memref<?xf32>, %ii: memref<?x1099511627776xi64>, %s: memref<1099511627776xi64>, %oi: memref<?x1099511627776xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x1099511627776xi64>, memref<1099511627776xi64>, memref<?x1099511627776xi64> into %out : memref<?xf32>
  return
}
