// REQUIRES: cuda-runtime
// UNSUPPORTED: cuda-device
// Without a CUDA device (or driver), GPU code stops with a clear message
// and a non-zero exit, before it runs anything.
//
// RUN: not sparse-opt --run %s -e main --entry-point-result=void --pass-pipeline='builtin.module(sparse-to-nvvm)' 2>&1 | FileCheck %s --implicit-check-not=after

// CHECK: sparse-opt: no CUDA device is available

func.func @main() {
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x2xi64>
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %gd = tensor.cast %g : tensor<1xf32> to tensor<?xf32>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[1, 1]]> : tensor<1x2xi64>
  %oid = tensor.cast %oi : tensor<1x2xi64> to tensor<?x2xi64>
  %r = call @grad(%gd, %iid, %s, %oid) : (tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>) -> tensor<?xf32>
  vector.print str "after\n"
  return
}

func.func private @grad(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
