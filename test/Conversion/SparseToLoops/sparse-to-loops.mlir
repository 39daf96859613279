// RUN: sparse-opt %s -convert-sparse-to-loops -split-input-file | FileCheck %s --implicit-check-not=sparse.slice_grad

// Dynamic sizes: every check the types leave open runs at run time, in
// TensorFlow's order, each in the else branch of the one before (the
// runtime's error handler may return: the op then stops), then the greedy
// loop and the all-propagated check. Errors name the op's function and
// location.

// CHECK: llvm.mlir.global internal constant @[[$WHERE:__sparse_slice_grad_where_[0-9]+]]("@dynamic ({{.*}}sparse-to-loops.mlir:{{[0-9]+}}:{{[0-9]+}})\00")
// CHECK-LABEL: func.func private @sparseSliceGradCheckFailed(!llvm.ptr, i32, i64, i64)
// CHECK-LABEL: func @dynamic
//  CHECK-SAME: (%[[G:.*]]: memref<?xf32>, %[[II:.*]]: memref<?x?xi64>, %[[S:.*]]: memref<?xi64>, %[[OI:.*]]: memref<?x?xi64>, %[[OUT:.*]]: memref<?xf32>)
//       CHECK: %[[AT:.*]] = llvm.mlir.addressof @[[$WHERE]]
//       CHECK: %[[NIN:.*]] = memref.dim %[[II]], %{{.*}}
//       CHECK: %[[R:.*]] = memref.dim %[[II]], %{{.*}}
//       CHECK: %[[NOUT:.*]] = memref.dim %[[OI]], %{{.*}}
//       CHECK: %[[ROUT:.*]] = memref.dim %[[OI]], %{{.*}}
//       CHECK: %[[NDIMS:.*]] = arith.cmpi ne, %[[R]], %[[ROUT]]
//       CHECK: scf.if %[[NDIMS]] {
//       CHECK:   %[[CODE1:.*]] = arith.constant 1 : i32
//       CHECK:   func.call @sparseSliceGradCheckFailed(%[[AT]], %[[CODE1]], %{{.*}}, %{{.*}})
//       CHECK: } else {
//       CHECK: arith.cmpi ugt, %[[NOUT]], %[[NIN]]
//       CHECK: arith.constant 2 : i32
//       CHECK: %[[NG:.*]] = memref.dim %[[G]]
//       CHECK: arith.cmpi ne, %[[NG]], %[[NOUT]]
//       CHECK: arith.constant 3 : i32
//       CHECK: %[[NS:.*]] = memref.dim %[[S]]
//       CHECK: arith.cmpi ne, %[[R]], %[[NS]]
//       CHECK: arith.constant 4 : i32
//       CHECK: %[[ND:.*]] = memref.dim %[[OUT]]
//       CHECK: arith.cmpi ne, %[[ND]], %[[NIN]]
//       CHECK: arith.constant 5 : i32
// R known only at run time: one case per R = 1..8 (static-R code), the
// generic loop for any other R.
//       CHECK: scf.index_switch %[[R]]
//  CHECK-NEXT: case 1 {
//       CHECK:   memref.cast %[[II]] : memref<?x?xi64> to memref<?x1xi64>
//       CHECK: case 8 {
//       CHECK: default {
// TensorFlow's loop: zero the rows, then store the gradient of each row
// that matches output row j (a branch) and advance j.
//       CHECK:   %[[C0:.*]] = arith.constant 0 : index
//       CHECK:   %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
//       CHECK:   scf.for %[[I0:.*]] = %[[C0]] to %[[NIN]]
//       CHECK:     memref.store %[[ZERO]], %[[OUT]][%[[I0]]]
//       CHECK:   %[[LOOP:.*]]:2 = scf.while (%[[IA:.*]] = %[[C0]], %[[JA:.*]] = %[[C0]])
//       CHECK:     %[[IOK:.*]] = arith.cmpi ult, %[[IA]], %[[NIN]]
//       CHECK:     %[[JOK:.*]] = arith.cmpi ult, %[[JA]], %[[NOUT]]
//       CHECK:     %[[BOTH:.*]] = arith.andi %[[IOK]], %[[JOK]]
//       CHECK:     scf.condition(%[[BOTH]])
//       CHECK:   ^bb0(%[[I2:.*]]: index, %[[J2:.*]]: index):
// The first differing column, as TensorFlow compares.
//       CHECK:     %[[D:.*]] = scf.while (%[[DA:.*]] = %{{.*}}) : (index) -> index {
//       CHECK:       %[[A:.*]] = memref.load %[[II]][%[[I2]], %{{.*}}]
//       CHECK:       %[[B:.*]] = memref.load %[[OI]][%[[J2]], %{{.*}}]
//       CHECK:       %[[OFF:.*]] = memref.load %[[S]][%{{.*}}]
//       CHECK:       %[[SHIFTED:.*]] = arith.addi %[[B]], %[[OFF]] : i64
//       CHECK:       arith.cmpi eq, %[[A]], %[[SHIFTED]] : i64
//       CHECK:     %[[SAME:.*]] = arith.cmpi eq, %[[D]], %[[R]]
//       CHECK:     scf.if %[[SAME]] -> (index) {
//       CHECK:       %[[V:.*]] = memref.load %[[G]][%[[J2]]]
//       CHECK:       memref.store %[[V]], %[[OUT]][%[[I2]]]
//       CHECK:     } else {
//       CHECK:       scf.yield %[[J2]] : index
//       CHECK:   %[[UNUSED:.*]] = arith.cmpi ne, %[[NOUT]], %[[LOOP]]#1
//       CHECK:   scf.if %[[UNUSED]] {
//       CHECK:     arith.constant 6 : i32
//       CHECK: return
func.func @dynamic(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  return
}

// -----

// Static sizes: the verifier has decided the shape checks; only the
// all-propagated check remains. Unsigned zeros go through a cast.

// CHECK-LABEL: func @static_ui8
//   CHECK-NOT: arith.constant {{[1-5]}} : i32
//       CHECK: %[[Z:.*]] = arith.constant 0 : i8
//       CHECK: %[[UZ:.*]] = builtin.unrealized_conversion_cast %[[Z]] : i8 to ui8
//       CHECK: scf.for
//       CHECK:   memref.store %[[UZ]]
//       CHECK: scf.while
//       CHECK: arith.constant 6 : i32
func.func @static_ui8(%g: memref<3xui8>, %ii: memref<14x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %out: memref<14xui8>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xui8>, memref<14x2xi64>, memref<2xi64>, memref<3x2xi64> into %out : memref<14xui8>
  return
}

// -----

// CHECK-LABEL: func @complex_zero
//       CHECK: complex.constant [0.000000e+00, 0.000000e+00] : complex<f64>
func.func @complex_zero(%g: memref<3xcomplex<f64>>, %ii: memref<14x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %out: memref<14xcomplex<f64>>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xcomplex<f64>>, memref<14x2xi64>, memref<2xi64>, memref<3x2xi64> into %out : memref<14xcomplex<f64>>
  return
}
