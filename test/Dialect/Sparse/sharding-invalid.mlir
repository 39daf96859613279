// Shardings sparse.slice_grad does not support get a diagnostic, not a
// silent gather.
// sharding-propagation reports it (and goes on); sparse-shard-to-llvm
// stops before shard-partition (which in MLIR 22 crashes on an op that
// propagation left without annotations).
// RUN: sparse-opt %s --split-input-file --pass-pipeline='builtin.module(func.func(sharding-propagation))' 2>&1 | FileCheck %s
// RUN: not sparse-opt %s --split-input-file --sparse-shard-to-llvm 2>&1 | FileCheck %s --check-prefix=PART

shard.grid @grid(shape = 2)
// Output rows split, input rows not: no process would hold the input rows
// its output rows match.
func.func @split_output_indices(%g: tensor<4xf32>, %ii: tensor<8x2xi64>,
                                %s: tensor<2xi64>, %oi: tensor<4x2xi64>) -> tensor<8xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %oi_rows = shard.shard %oi to %rows annotate_for_users : tensor<4x2xi64>
  // CHECK: output_indices and backprop_val_grad are split by rows, so input_indices and the result must be split by rows on the same grid axes
  // PART: error: 'sparse.slice_grad' op has no sharding: sharding-propagation could not shard it
  %r = sparse.slice_grad %g, %ii, %s, %oi_rows
      : tensor<4xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<4x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

shard.grid @grid(shape = 2)
func.func @split_start(%g: tensor<4xf32>, %ii: tensor<8x2xi64>,
                       %s: tensor<2xi64>, %oi: tensor<4x2xi64>) -> tensor<8xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<8x2xi64>
  %s_rows = shard.shard %s to %rows annotate_for_users : tensor<2xi64>
  // CHECK: input_start is split; sharding supports it only replicated
  // PART: error: 'sparse.slice_grad' op has no sharding
  %r = sparse.slice_grad %g, %ii_rows, %s_rows, %oi
      : tensor<4xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<4x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

shard.grid @grid(shape = 2x2)
// Output rows on another axis than the input rows.
func.func @other_axis(%g: tensor<4xf32>, %ii: tensor<8x2xi64>,
                      %s: tensor<2xi64>, %oi: tensor<4x2xi64>) -> tensor<8xf32> {
  %in = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %out = shard.sharding @grid split_axes = [[1]] : !shard.sharding
  %ii_rows = shard.shard %ii to %in : tensor<8x2xi64>
  %oi_rows = shard.shard %oi to %out annotate_for_users : tensor<4x2xi64>
  %g_rows = shard.shard %g to %out annotate_for_users : tensor<4xf32>
  // CHECK: output_indices and backprop_val_grad are split by rows, so input_indices and the result must be split by rows on the same grid axes
  // PART: error: 'sparse.slice_grad' op has no sharding
  %r = sparse.slice_grad %g_rows, %ii_rows, %s, %oi_rows
      : tensor<4xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<4x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

shard.grid @grid(shape = 2x2)
func.func @grad_and_rows_apart(%g: tensor<4xf32>, %ii: tensor<8x2xi64>,
                               %s: tensor<2xi64>, %oi: tensor<4x2xi64>) -> tensor<8xf32> {
  %in = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %out = shard.sharding @grid split_axes = [[1]] : !shard.sharding
  %ii_rows = shard.shard %ii to %in : tensor<8x2xi64>
  %oi_rows = shard.shard %oi to %in annotate_for_users : tensor<4x2xi64>
  %g_rows = shard.shard %g to %out annotate_for_users : tensor<4xf32>
  // CHECK: backprop_val_grad and output_indices must be split by rows on the same grid axes
  // PART: error: 'sparse.slice_grad' op has no sharding
  %r = sparse.slice_grad %g_rows, %ii_rows, %s, %oi_rows
      : tensor<4xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<4x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// -----

shard.grid @grid(shape = 2)
// Signed integer values cannot be moved as words by the exact path.
func.func @split_signed_values(%g: tensor<4xsi32>, %ii: tensor<8x2xi64>,
                               %s: tensor<2xi64>, %oi: tensor<4x2xi64>) -> tensor<8xsi32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<8x2xi64>
  %oi_rows = shard.shard %oi to %rows annotate_for_users : tensor<4x2xi64>
  // CHECK: backprop_val_grad of 'si32' cannot be split by rows
  // PART: error: 'sparse.slice_grad' op has no sharding
  %r = sparse.slice_grad %g, %ii_rows, %s, %oi_rows
      : tensor<4xsi32>, tensor<8x2xi64>, tensor<2xi64>, tensor<4x2xi64> -> tensor<8xsi32>
  return %r : tensor<8xsi32>
}

// -----

shard.grid @grid(shape = 2)
// The forward: the box split.
func.func @slice_split_start(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %shape: tensor<2xi64>,
                             %start: tensor<2xi64>, %size: tensor<2xi64>) -> tensor<?xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x2xi64>
  %start_split = shard.shard %start to %rows annotate_for_users : tensor<2xi64>
  // CHECK: 'sparse.slice' op start is split; sharding supports it only replicated
  // PART: error: 'sparse.slice' op has no sharding
  %oi, %ov, %os = sparse.slice %ii_rows, %v, %shape, %start_split, %size
      : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>,
        tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return %ov : tensor<?xf32>
}

// -----

shard.grid @grid(shape = 2x2)
// The forward: indices and values split on different axes.
func.func @slice_rows_apart(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %shape: tensor<2xi64>,
                            %start: tensor<2xi64>, %size: tensor<2xi64>) -> tensor<?xf32> {
  %a = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %b = shard.sharding @grid split_axes = [[1]] : !shard.sharding
  %ii_rows = shard.shard %ii to %a : tensor<?x2xi64>
  %v_rows = shard.shard %v to %b : tensor<?xf32>
  // CHECK: 'sparse.slice' op indices, values and the kept rows must be split by rows on the same grid axes
  // PART: error: 'sparse.slice' op cannot be partitioned: indices, values and the kept rows must be split by rows alike
  %oi, %ov, %os = sparse.slice %ii_rows, %v_rows, %shape, %start, %size
      : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>,
        tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return %ov : tensor<?xf32>
}

// -----

shard.grid @grid(shape = 2)
// The fused form: positions are one process's row numbers.
func.func @slice_positions(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %shape: tensor<2xi64>,
                           %start: tensor<2xi64>, %size: tensor<2xi64>) -> tensor<?xi64> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x2xi64>
  // CHECK: 'sparse.slice' op with positions (sparse-fuse-slice-grad's form) cannot be sharded
  // PART: error: 'sparse.slice' op has no sharding
  %oi, %ov, %os, %pos = sparse.slice %ii_rows, %v, %shape, %start, %size
      : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>,
        tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, positions tensor<?xi64>
  return %pos : tensor<?xi64>
}
