// The partition ops with a given box (the partition computes it once, in
// shares over the processes) take B from it: R minima, then R maxima,
// copied into the box words the flags compare with; no box of the output
// rows is folded (no minsi/maxsi). Without it, the op folds the box of
// all output rows as sparse.slice_grad does.
// RUN: sparse-opt %s --convert-sparse-to-loops | FileCheck %s

// CHECK-LABEL: func.func @given(
// CHECK-SAME: %[[BOX:[^:]*]]: memref<4xi64>) -> index
// CHECK-NOT: arith.minsi
// CHECK: scf.for %[[D:.*]] = %{{.*}} to %{{.*}} step
// CHECK:   %[[HI:.*]] = arith.addi %[[D]], %{{.*}} : index
// CHECK:   memref.load %[[BOX]][%[[D]]] : memref<4xi64>
// CHECK:   memref.load %[[BOX]][%[[HI]]] : memref<4xi64>
// CHECK-NOT: arith.minsi
// CHECK-LABEL: func.func @computed(
// CHECK: arith.minsi
func.func @given(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %box: memref<4xi64>) -> index {
  %n = sparse.slice_grad_count %g, %ii, %s, %oi box(%box : memref<4xi64>) : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64>
  return %n : index
}

func.func @computed(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>) -> index {
  %n = sparse.slice_grad_count %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64>
  return %n : index
}
