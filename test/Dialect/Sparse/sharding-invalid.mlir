// Shardings sparse.slice_grad does not support get a diagnostic, not a
// silent gather: every process needs all output rows.
// sharding-propagation reports it (and goes on); sparse-shard-to-llvm
// stops before shard-partition (which in MLIR 22 crashes on an op that
// propagation left without annotations).
// RUN: sparse-opt %s --pass-pipeline='builtin.module(func.func(sharding-propagation))' 2>&1 | FileCheck %s
// RUN: not sparse-opt %s --sparse-shard-to-llvm 2>&1 | FileCheck %s --check-prefix=PART

shard.grid @grid(shape = 2)
func.func @split_output_indices(%g: tensor<4xf32>, %ii: tensor<8x2xi64>,
                                %s: tensor<2xi64>, %oi: tensor<4x2xi64>) -> tensor<8xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %oi_rows = shard.shard %oi to %rows annotate_for_users : tensor<4x2xi64>
  // CHECK: output_indices is split; sharding supports it only replicated
  // PART: error: 'sparse.slice_grad' op has no sharding: sharding-propagation could not shard it
  %r = sparse.slice_grad %g, %ii, %s, %oi_rows
      : tensor<4xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<4x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}
