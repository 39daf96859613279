// sparse-fuse-slice-grad: the gradient of a slice's output indices (same
// indices, same start, through casts or as equal constants) becomes a
// scatter by the slice's positions; other gradients stay.
// RUN: sparse-opt %s -split-input-file --sparse-fuse-slice-grad | FileCheck %s

// CHECK-LABEL: func @pair
// CHECK: %[[OI:[^,]*]], %[[OV:[^,]*]], %[[OS:[^,]*]], %[[P:[^ ]*]] = sparse.slice %[[II:[^,]*]], %{{.*}} -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, positions tensor<?xi64>
// CHECK: %[[G:.*]] = sparse.slice_grad_scatter %{{.*}}, %[[P]], %[[II]]
// CHECK-NOT: sparse.slice_grad %
// CHECK: return %[[OI]], %[[OV]], %[[G]]
func.func @pair(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %st: tensor<2xi64>, %sz: tensor<2xi64>, %g: tensor<?xf32>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<?xf32>) {
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  %oic = tensor.cast %oi : tensor<?x2xi64> to tensor<?x?xi64>
  %vg = sparse.slice_grad %g, %ii, %st, %oic : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %oi, %ov, %vg : tensor<?x2xi64>, tensor<?xf32>, tensor<?xf32>
}

// -----

// Equal constant starts, two gradients of one slice: one set of positions.
// CHECK-LABEL: func @constants
// CHECK-COUNT-1: sparse.slice %
// CHECK-COUNT-2: sparse.slice_grad_scatter
func.func @constants(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %sz: tensor<2xi64>, %g: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %st = arith.constant dense<[1, 2]> : tensor<2xi64>
  %st2 = arith.constant dense<[1, 2]> : tensor<2xi64>
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  %a = sparse.slice_grad %g, %ii, %st2, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  %b = sparse.slice_grad %g, %ii, %st, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %a, %b : tensor<?xf32>, tensor<?xf32>
}

// -----

// Another start, or other input indices: TensorFlow's loop must decide.
// CHECK-LABEL: func @not_the_pair
// CHECK-NOT: slice_grad_scatter
// CHECK-COUNT-2: sparse.slice_grad %
func.func @not_the_pair(%ii: tensor<?x2xi64>, %ii2: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %st: tensor<2xi64>, %st2: tensor<2xi64>, %g: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sh : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  %a = sparse.slice_grad %g, %ii, %st2, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  %b = sparse.slice_grad %g, %ii2, %st, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %a, %b : tensor<?xf32>, tensor<?xf32>
}
