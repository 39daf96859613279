// RUN: sparse-opt %s -canonicalize -split-input-file | FileCheck %s

// Constant operands fold: TensorFlow's testGradientsExplicit, start [1, 3].
// CHECK-LABEL: func @fold_constants
//       CHECK: %[[C:.*]] = arith.constant dense<[0.000000e+00, 1.300000e+01, 2.300000e+01, 0.000000e+00, 0.000000e+00]> : tensor<5xf32>
//       CHECK: return %[[C]]
func.func @fold_constants() -> tensor<5xf32> {
  %g = arith.constant dense<[13.0, 23.0]> : tensor<2xf32>
  %ii = arith.constant dense<[[0, 0], [1, 3], [1, 4], [2, 2], [3, 3]]> : tensor<5x2xi64>
  %s = arith.constant dense<[1, 3]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0], [0, 1]]> : tensor<2x2xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<2xf32>, tensor<5x2xi64>, tensor<2xi64>, tensor<2x2xi64> -> tensor<5xf32>
  return %r : tensor<5xf32>
}

// -----

// Unsigned values, duplicates and a splat gradient; coordinates wrap.
// CHECK-LABEL: func @fold_unsigned_wrap
//       CHECK: %[[C:.*]] = arith.constant dense<[7, 7, 0]> : tensor<3xui8>
//       CHECK: return %[[C]]
func.func @fold_unsigned_wrap() -> tensor<3xui8> {
  %g = arith.constant dense<7> : tensor<2xui8>
  %ii = arith.constant dense<[[-9223372036854775808], [-9223372036854775808], [5]]> : tensor<3x1xi64>
  %s = arith.constant dense<[1]> : tensor<1xi64>
  %oi = arith.constant dense<[[9223372036854775807], [9223372036854775807]]> : tensor<2x1xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<2xui8>, tensor<3x1xi64>, tensor<1xi64>, tensor<2x1xi64> -> tensor<3xui8>
  return %r : tensor<3xui8>
}

// -----

// CHECK-LABEL: func @fold_complex
//       CHECK: %[[C:.*]] = arith.constant dense<[(0.000000e+00,0.000000e+00), (1.000000e+00,-2.000000e+00)]> : tensor<2xcomplex<f64>>
func.func @fold_complex() -> tensor<2xcomplex<f64>> {
  %g = arith.constant dense<[(1.0, -2.0)]> : tensor<1xcomplex<f64>>
  %ii = arith.constant dense<[[0], [4]]> : tensor<2x1xi64>
  %s = arith.constant dense<[2]> : tensor<1xi64>
  %oi = arith.constant dense<[[2]]> : tensor<1x1xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<1xcomplex<f64>>, tensor<2x1xi64>, tensor<1xi64>, tensor<1x1xi64> -> tensor<2xcomplex<f64>>
  return %r : tensor<2xcomplex<f64>>
}

// -----

// Not all gradients propagated: no fold, the run-time error stays.
// CHECK-LABEL: func @no_fold_error
//       CHECK: sparse.slice_grad
func.func @no_fold_error() -> tensor<2xf32> {
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %ii = arith.constant dense<[[0], [1]]> : tensor<2x1xi64>
  %s = arith.constant dense<[0]> : tensor<1xi64>
  %oi = arith.constant dense<[[5]]> : tensor<1x1xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<1xf32>, tensor<2x1xi64>, tensor<1xi64>, tensor<1x1xi64> -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

// Above the size limit (65536 elements): no fold.
// CHECK-LABEL: func @no_fold_large
//       CHECK: sparse.slice_grad
func.func @no_fold_large() -> tensor<70000xf32> {
  %g = arith.constant dense<1.0> : tensor<1xf32>
  %ii = arith.constant dense<0> : tensor<70000x1xi64>
  %s = arith.constant dense<[0]> : tensor<1xi64>
  %oi = arith.constant dense<0> : tensor<1x1xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<1xf32>, tensor<70000x1xi64>, tensor<1xi64>, tensor<1x1xi64> -> tensor<70000xf32>
  return %r : tensor<70000xf32>
}

// -----

// Casts that erase static sizes fold into the op; the now-known result
// length is cast back for the users.
// CHECK-LABEL: func @fold_casts
//  CHECK-SAME: (%[[G:.*]]: tensor<3xf32>, %[[II:.*]]: tensor<7x2xi64>, %[[S:.*]]: tensor<?xi64>, %[[OI:.*]]: tensor<3x2xi64>)
//       CHECK: %[[R:.*]] = sparse.slice_grad %[[G]], %[[II]], %[[S]], %[[OI]] : tensor<3xf32>, tensor<7x2xi64>, tensor<?xi64>, tensor<3x2xi64> -> tensor<7xf32>
//       CHECK: %[[C:.*]] = tensor.cast %[[R]] : tensor<7xf32> to tensor<?xf32>
//       CHECK: return %[[C]]
func.func @fold_casts(%g: tensor<3xf32>, %ii: tensor<7x2xi64>, %s: tensor<?xi64>, %oi: tensor<3x2xi64>) -> tensor<?xf32> {
  %g1 = tensor.cast %g : tensor<3xf32> to tensor<?xf32>
  %ii1 = tensor.cast %ii : tensor<7x2xi64> to tensor<?x?xi64>
  %oi1 = tensor.cast %oi : tensor<3x2xi64> to tensor<?x2xi64>
  %r = sparse.slice_grad %g1, %ii1, %s, %oi1 : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// A cast whose source would fail the verifier (R = 2 against R = 3) stays:
// the program fails at run time with TensorFlow's message, as written.
// CHECK-LABEL: func @keep_cast_with_static_error
//       CHECK: tensor.cast
//       CHECK: sparse.slice_grad %{{.*}} : tensor<?xf32>, tensor<?x?xi64>
func.func @keep_cast_with_static_error(%g: tensor<?xf32>, %ii: tensor<4x2xi64>, %s: tensor<?xi64>, %oi: tensor<?x3xi64>) -> tensor<?xf32> {
  %ii1 = tensor.cast %ii : tensor<4x2xi64> to tensor<?x?xi64>
  %r = sparse.slice_grad %g, %ii1, %s, %oi : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x3xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// -----

// A cast that adds static sizes is a run-time assertion: it stays.
// CHECK-LABEL: func @keep_refining_cast
//       CHECK: %[[C:.*]] = tensor.cast %{{.*}} : tensor<?x?xi64> to tensor<4x2xi64>
//       CHECK: sparse.slice_grad %{{.*}}, %[[C]]
func.func @keep_refining_cast(%g: tensor<2xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<2x2xi64>) -> tensor<4xf32> {
  %ii1 = tensor.cast %ii : tensor<?x?xi64> to tensor<4x2xi64>
  %r = sparse.slice_grad %g, %ii1, %s, %oi : tensor<2xf32>, tensor<4x2xi64>, tensor<2xi64>, tensor<2x2xi64> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// No output rows: zeros, once the types have decided the shape checks.
// CHECK-LABEL: func @no_output_rows_static
//       CHECK: %[[Z:.*]] = arith.constant dense<0> : tensor<4xui16>
//       CHECK: %[[C:.*]] = tensor.cast %[[Z]] : tensor<4xui16> to tensor<?xui16>
//       CHECK: return %[[C]]
func.func @no_output_rows_static(%g: tensor<0xui16>, %ii: tensor<4x3xi64>, %s: tensor<3xi64>, %oi: tensor<0x3xi64>) -> tensor<?xui16> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xui16>, tensor<4x3xi64>, tensor<3xi64>, tensor<0x3xi64> -> tensor<?xui16>
  return %r : tensor<?xui16>
}

// -----

// CHECK-LABEL: func @no_output_rows_dynamic_n_in
//  CHECK-SAME: (%{{.*}}: tensor<0xbf16>, %[[II:.*]]: tensor<?x2xi64>
//   CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
//   CHECK-DAG: %[[Z:.*]] = arith.constant 0.000000e+00 : bf16
//       CHECK: %[[N:.*]] = tensor.dim %[[II]], %[[C0]]
//       CHECK: %[[R:.*]] = tensor.splat %[[Z]][%[[N]]] : tensor<?xbf16>
//       CHECK: return %[[R]]
func.func @no_output_rows_dynamic_n_in(%g: tensor<0xbf16>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<0x2xi64>) -> tensor<?xbf16> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xbf16>, tensor<?x2xi64>, tensor<2xi64>, tensor<0x2xi64> -> tensor<?xbf16>
  return %r : tensor<?xbf16>
}

// -----

// A dynamic R leaves checks for run time: no fold.
// Unsigned: the zero stays an extract from a constant (no ui constants).
// CHECK-LABEL: func @no_output_rows_dynamic_unsigned
//       CHECK: %[[ONE:.*]] = arith.constant dense<0> : tensor<1xui32>
//       CHECK: %[[Z:.*]] = tensor.extract %[[ONE]]
//       CHECK: tensor.splat %[[Z]]
func.func @no_output_rows_dynamic_unsigned(%g: tensor<0xui32>, %ii: tensor<?x1xi64>, %s: tensor<1xi64>, %oi: tensor<0x1xi64>) -> tensor<?xui32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xui32>, tensor<?x1xi64>, tensor<1xi64>, tensor<0x1xi64> -> tensor<?xui32>
  return %r : tensor<?xui32>
}

// -----

// CHECK-LABEL: func @no_output_rows_dynamic_rank
//       CHECK: sparse.slice_grad
func.func @no_output_rows_dynamic_rank(%g: tensor<0xf32>, %ii: tensor<4x?xi64>, %s: tensor<?xi64>, %oi: tensor<0x?xi64>) -> tensor<4xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xf32>, tensor<4x?xi64>, tensor<?xi64>, tensor<0x?xi64> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// The memref form writes its destination: left alone.
// CHECK-LABEL: func @memref_form
//       CHECK: sparse.slice_grad {{.*}} into
func.func @memref_form(%g: memref<0xf32>, %ii: memref<4x1xi64>, %s: memref<1xi64>, %oi: memref<0x1xi64>, %out: memref<4xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<0xf32>, memref<4x1xi64>, memref<1xi64>, memref<0x1xi64> into %out : memref<4xf32>
  return
}

// -----

// Huge static sizes: no fold (the fold's size bound cannot overflow), and
// no output rows give a splat, whatever N_in.
// CHECK-LABEL: func @huge_no_fold
//       CHECK: sparse.slice_grad
func.func @huge_no_fold() -> tensor<4611686018427387904xi8> {
  %g = arith.constant dense<1> : tensor<4611686018427387904xi8>
  %ii = arith.constant dense<0> : tensor<4611686018427387904x0xi64>
  %s = arith.constant dense<0> : tensor<0xi64>
  %r = sparse.slice_grad %g, %ii, %s, %ii : tensor<4611686018427387904xi8>, tensor<4611686018427387904x0xi64>, tensor<0xi64>, tensor<4611686018427387904x0xi64> -> tensor<4611686018427387904xi8>
  return %r : tensor<4611686018427387904xi8>
}

// CHECK-LABEL: func @huge_zeros
//       CHECK: %[[Z:.*]] = arith.constant dense<0.000000e+00> : tensor<1099511627776xf32>
//       CHECK: return %[[Z]]
func.func @huge_zeros(%ii: tensor<1099511627776x2xi64>) -> tensor<1099511627776xf32> {
  %g = arith.constant dense<1.0> : tensor<0xf32>
  %s = arith.constant dense<0> : tensor<2xi64>
  %oi = arith.constant dense<0> : tensor<0x2xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xf32>, tensor<1099511627776x2xi64>, tensor<2xi64>, tensor<0x2xi64> -> tensor<1099511627776xf32>
  return %r : tensor<1099511627776xf32>
}
