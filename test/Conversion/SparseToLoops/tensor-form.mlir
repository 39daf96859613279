// RUN: not sparse-opt %s -convert-sparse-to-loops 2>&1 | FileCheck %s

// The pass lowers the memref form only and says so; no op survives silently.
// CHECK: error: 'sparse.slice_grad' op on tensors must be bufferized first (one-shot-bufferize)
func.func @tensor_form(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<14xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return %r : tensor<14xf32>
}
