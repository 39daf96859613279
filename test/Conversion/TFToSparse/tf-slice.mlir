// RUN: sparse-opt %s --allow-unregistered-dialect --convert-tf-to-sparse --split-input-file | FileCheck %s --implicit-check-not=tf.SparseSlice

// TensorFlow's export of a GradientTape over tf.sparse.slice: the forward,
// the gradient of its output indices, tf.Identity around them.
// CHECK-LABEL: func @tape
// CHECK-SAME: (%[[II:.*]]: tensor<?x2xi64>, %[[V:.*]]: tensor<?xf32>, %[[SH:.*]]: tensor<2xi64>, %[[ST:.*]]: tensor<2xi64>, %[[SZ:.*]]: tensor<2xi64>, %[[G:.*]]: tensor<?xf32>)
// CHECK-NEXT: %[[OI:.*]], %[[OV:.*]], %[[OS:.*]] = sparse.slice %[[II]], %[[V]], %[[SH]], %[[ST]], %[[SZ]] : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
// CHECK-NEXT: %[[VG:.*]] = sparse.slice_grad %[[G]], %[[II]], %[[ST]], %[[OI]]
// CHECK-NEXT: return %[[OI]], %[[OV]], %[[OS]], %[[VG]]
func.func @tape(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %st: tensor<2xi64>, %sz: tensor<2xi64>, %g: tensor<?xf32>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>) {
  %0:3 = "tf.SparseSlice"(%ii, %v, %sh, %st, %sz) {T = f32, device = ""} : (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>)
  %1 = "tf.Identity"(%0#0) {device = ""} : (tensor<?x2xi64>) -> tensor<?x2xi64>
  %2 = "tf.Identity"(%0#1) {device = ""} : (tensor<?xf32>) -> tensor<?xf32>
  %3 = "tf.Identity"(%0#2) {device = ""} : (tensor<2xi64>) -> tensor<2xi64>
  %4 = "tf.SparseSliceGrad"(%g, %ii, %st, %0#0) {T = f32, device = ""} : (tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>) -> tensor<?xf32>
  %5 = "tf.Identity"(%4) {device = ""} : (tensor<?xf32>) -> tensor<?xf32>
  return %1, %2, %3, %5 : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>
}

// -----

// Unranked operands: TensorFlow's rank checks at run time, in its order
// (indices, values, shape; then, start and size being unranked, the two
// size checks of ValidateSparseTensor; then start's and size's ranks), each
// reporting to the runtime; the op on operands cast to its ranks, the
// results cast back to TensorFlow's types.
// CHECK-LABEL: func @unranked
// CHECK: call @sparseSliceGradCheckFailed(%{{.*}}, %c12_i32,
// CHECK: call @sparseSliceGradCheckFailed(%{{.*}}, %c13_i32,
// CHECK: call @sparseSliceGradCheckFailed(%{{.*}}, %c14_i32,
// CHECK: call @sparseSliceGradCheckFailed(%{{.*}}, %c15_i32,
// CHECK: call @sparseSliceGradCheckFailed(%{{.*}}, %c16_i32,
// CHECK: call @sparseSliceGradShapeCheckFailed(%{{.*}}, %c17_i32,
// CHECK: call @sparseSliceGradShapeCheckFailed(%{{.*}}, %c18_i32,
// CHECK: tensor.cast %{{.*}} : tensor<*xi64> to tensor<?x?xi64>
// CHECK: sparse.slice %{{.*}} : tensor<?x?xi64>, tensor<?xbf16>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64> -> tensor<?x?xi64>, tensor<?xbf16>, tensor<?xi64>
func.func @unranked(%ii: tensor<*xi64>, %v: tensor<*xbf16>, %sh: tensor<*xi64>, %st: tensor<*xi64>, %sz: tensor<*xi64>) -> (tensor<*xi64>, tensor<*xbf16>, tensor<*xi64>) {
  %0:3 = "tf.SparseSlice"(%ii, %v, %sh, %st, %sz) {T = bf16} : (tensor<*xi64>, tensor<*xbf16>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) -> (tensor<*xi64>, tensor<*xbf16>, tensor<*xi64>)
  return %0#0, %0#1, %0#2 : tensor<*xi64>, tensor<*xbf16>, tensor<*xi64>
}

// -----

// bool values (TensorFlow's DT_BOOL) and static sizes.
// CHECK-LABEL: func @bool_static
// CHECK: sparse.slice {{.*}} : tensor<5x3xi64>, tensor<5xi1>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64> -> tensor<?x3xi64>, tensor<?xi1>, tensor<3xi64>
func.func @bool_static(%ii: tensor<5x3xi64>, %v: tensor<5xi1>, %s: tensor<3xi64>) -> tensor<?xi1> {
  %0:3 = "tf.SparseSlice"(%ii, %v, %s, %s, %s) {T = i1} : (tensor<5x3xi64>, tensor<5xi1>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64>) -> (tensor<?x3xi64>, tensor<?xi1>, tensor<3xi64>)
  return %0#1 : tensor<?xi1>
}
