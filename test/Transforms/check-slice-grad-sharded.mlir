// sparse-check-slice-grad-sharded: after sharding-propagation, a tensor
// sparse.slice_grad in an annotated function must have a sharded result.
// RUN: sparse-opt %s -split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(sparse-check-slice-grad-sharded))' | FileCheck %s
// The pass fails there (the pipeline stops before shard-partition).
// RUN: not sparse-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(sparse-check-slice-grad-sharded))' 2>&1 | FileCheck %s --check-prefix=FAIL
// FAIL: error: 'sparse.slice_grad' op has no sharding

shard.grid @grid(shape = 2)

// Annotated and sharded: left alone.
// CHECK-LABEL: func.func @sharded
//       CHECK:   sparse.slice_grad
func.func @sharded(%g: tensor<3xf32>, %ii: tensor<8x2xi64>, %s: tensor<2xi64>,
                   %oi: tensor<3x2xi64>) -> tensor<8xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi
      : tensor<3xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<8xf32>
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %out = shard.shard %r to %rows : tensor<8xf32>
  return %out : tensor<8xf32>
}

// No annotation in the function: nothing to check.
// CHECK-LABEL: func.func @unannotated
func.func @unannotated(%g: tensor<3xf32>, %ii: tensor<8x2xi64>,
                       %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<8xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi
      : tensor<3xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

shard.grid @grid(shape = 2)

// Annotated, but propagation left the op without a sharding.
func.func @unsharded(%g: tensor<3xf32>, %ii: tensor<8x2xi64>,
                     %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<8xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %oi_rows = shard.shard %oi to %rows annotate_for_users : tensor<3x2xi64>
  // expected-error@+1 {{has no sharding: sharding-propagation could not shard it}}
  %r = sparse.slice_grad %g, %ii, %s, %oi_rows
      : tensor<3xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}
