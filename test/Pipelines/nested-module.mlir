// The pipeline bufferizes the functions of the module it runs on. An op in
// a nested module gets a note saying so; run on that module, it lowers.
// RUN: not sparse-opt %s --sparse-lower-to-llvm 2>&1 | FileCheck %s --check-prefix=TOP
// RUN: sparse-opt %s --pass-pipeline='builtin.module(builtin.module(sparse-lower-to-llvm))' | FileCheck %s --implicit-check-not=sparse.slice_grad

// TOP: error: 'sparse.slice_grad' op on tensors must be bufferized first (one-shot-bufferize)
// TOP: note: the op is in a nested module, which the pipeline's bufferization does not visit: run the pipeline on that module, e.g. --pass-pipeline='builtin.module(builtin.module(sparse-lower-to-llvm))'

// CHECK: module @inner
// CHECK: llvm.func @f(
// CHECK: llvm.call @sparseSliceGradCheckFailed
module {
  module @inner {
    func.func @f(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf32> {
      %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
      return %r : tensor<?xf32>
    }
  }
}
