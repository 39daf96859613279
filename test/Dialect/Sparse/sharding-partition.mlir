// sparse.slice_grad split by rows of input_indices: sharding-propagation
// gives the result the rows' sharding and replicates the other operands;
// shard-partition emits the partitioned algorithm (the box of the output
// rows in shares, count, an all_reduce of the counts, TensorFlow's loop
// from the guessed start, an all_reduce of the ends, the chain where a
// guess was wrong, the process count, the replicated operands'
// fingerprints and TensorFlow's global checks).
// (sharding-invalid.mlir: splitting another operand is refused with a diagnostic.)
// RUN: sparse-opt %s --pass-pipeline='builtin.module(func.func(sharding-propagation,shard-partition))' | FileCheck %s
// RUN: sparse-opt %s --sparse-shard-to-llvm | FileCheck %s --check-prefix=LLVM --implicit-check-not=shard. --implicit-check-not=sparse. --implicit-check-not=MPI_Comm_split

shard.grid @grid(shape = 2)
// CHECK-LABEL: func.func @rows(
// CHECK-SAME: %[[G:.*]]: tensor<3xf32>, %[[II:.*]]: tensor<4x2xi64>, %[[S:.*]]: tensor<2xi64>, %[[OI:.*]]: tensor<3x2xi64>) -> tensor<4xf32>
// CHECK: %[[ME:.*]] = shard.process_multi_index on @grid axes = [0]
// The box of the output rows, in shares: (~min, max) of each column over
// this process's share of the rows, a max all_reduce, decoded.
// CHECK: %[[BOX:.*]] = scf.for
// CHECK:   scf.for
// CHECK:     tensor.extract %[[OI]]
// CHECK:     arith.minsi
// CHECK:     arith.maxsi
// CHECK:   arith.xori
// CHECK:   shard.all_reduce %{{.*}} on @grid grid_axes = [0] reduction = max : tensor<16xi64> -> tensor<16xi64>
// CHECK:   arith.xori
// CHECK: %[[C:.*]] = sparse.slice_grad_count %[[G]], %[[II]], %[[S]], %[[OI]] box(%[[BOX]] : tensor<4xi64>)
// The fingerprint: sums over input_start's words, then output_indices'.
// CHECK: scf.for
// CHECK:   tensor.extract %[[S]]
// CHECK: %[[FLAT:.*]] = tensor.collapse_shape %[[OI]] {{\[\[}}0, 1]] : tensor<3x2xi64> into tensor<6xi64>
// CHECK: scf.for
// CHECK:   tensor.extract %[[FLAT]]
// CHECK: %[[COUNTS:.*]] = shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<7xi64> -> tensor<7xi64>
// CHECK: %[[GUESS:.*]]:4 = scf.for
// CHECK:   arith.minui
// CHECK:   arith.maxui
// CHECK: %[[VG:.*]], %[[END:.*]] = sparse.slice_grad_resume %[[G]], %[[II]], %[[S]], %[[OI]] from %[[GUESS]]#0 box(%[[BOX]] : tensor<4xi64>)
// CHECK: %[[ENDS:.*]] = shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<2xi64> -> tensor<2xi64>
// CHECK: %[[R:.*]]:2 = scf.if
// CHECK:   scf.yield %[[VG]]
// CHECK: } else {
// CHECK:   scf.for
// CHECK:     sparse.slice_grad_resume %[[G]], %[[II]], %[[S]], %[[OI]] from %{{.*}} box(%[[BOX]] : tensor<4xi64>)
// CHECK:     shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<1xi64> -> tensor<1xi64>
// CHECK: sparse.slice_grad_global_checks %[[GUESS]]#1, %{{.*}}, %[[R]]#1 processes %{{.*}} of %c2 replicas %[[GUESS]]#2 to %[[GUESS]]#3
// CHECK: return %[[R]]#0 : tensor<4xf32>

// LLVM: module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "MPICH">}
// LLVM: llvm.func @rows(
// (No MPI_Comm_split: a split of the whole grid is MPI_COMM_WORLD, not a
// new communicator per call.)
// LLVM: llvm.call @MPI_Comm_rank
// LLVM: llvm.call @MPI_Allreduce
// LLVM: llvm.call @sparseSliceGradCheckFailed
func.func @rows(%g: tensor<3xf32>, %ii: tensor<8x2xi64>, %s: tensor<2xi64>,
                %oi: tensor<3x2xi64>) -> tensor<8xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<8x2xi64>
  %r = sparse.slice_grad %g, %ii_rows, %s, %oi
      : tensor<3xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<8xf32>
  return %r : tensor<8xf32>
}

// Output rows and gradients split by rows too (as a row-split forward
// SparseSlice leaves them): every process's row counts and fingerprint,
// the first output row of each process (8 columns per all_reduce), the
// process's own run against its own output rows from j = 0, the count of
// its rows equal to the next process's first row (where it matched all
// its own), an all_reduce of the acceptances; where all accept, the
// global checks with j = N_out; else the output rows and gradients
// gathered in all_reduces of 64 Ki words and the replicated algorithm.
// CHECK-LABEL: func.func @split_rows(
// CHECK-SAME: %[[G:.*]]: tensor<?xf32>, %[[II:.*]]: tensor<?x2xi64>, %[[S:.*]]: tensor<2xi64>, %[[OI:.*]]: tensor<?x2xi64>) -> tensor<?xf32>
// CHECK-NOT: sparse.slice_grad_count
// CHECK: %[[SIZES:.*]] = shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<7xi64> -> tensor<7xi64>
// CHECK: %[[N:.*]]:6 = scf.for
// CHECK: %[[NEXT:.*]] = scf.for
// CHECK:   tensor.extract %[[OI]]
// CHECK:   shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<16xi64> -> tensor<16xi64>
// CHECK: %[[VG:.*]], %[[END:.*]] = sparse.slice_grad_resume %[[G]], %[[II]], %[[S]], %[[OI]] from %c0
// CHECK: scf.if
// CHECK:   sparse.slice_grad_count %{{.*}}, %[[II]], %[[S]], %[[NEXT]] : tensor<1xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<1x2xi64>
// CHECK: shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<1xi64> -> tensor<1xi64>
// CHECK: %[[R:.*]] = scf.if
// CHECK:   sparse.slice_grad_global_checks %[[N]]#0, %[[N]]#1, %[[N]]#1 processes %{{.*}} of %c2 replicas %[[N]]#3 to %[[N]]#4
// CHECK:   scf.yield %[[VG]]
// CHECK: } else {
// CHECK:   shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<65536xi64> -> tensor<65536xi64>
// CHECK:   shard.all_reduce %{{.*}} on @grid grid_axes = [0] : tensor<65536xi64> -> tensor<65536xi64>
// CHECK:   sparse.slice_grad_count
// CHECK:   sparse.slice_grad_global_checks
// CHECK: return %[[R]] : tensor<?xf32>

// LLVM-LABEL: llvm.func @split_rows(
// LLVM: llvm.call @MPI_Allreduce
func.func @split_rows(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>,
                      %oi: tensor<?x2xi64>) -> tensor<?xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x2xi64>
  %oi_rows = shard.shard %oi to %rows : tensor<?x2xi64>
  %g_rows = shard.shard %g to %rows : tensor<?xf32>
  %r = sparse.slice_grad %g_rows, %ii_rows, %s, %oi_rows
      : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// A GradientTape program: the forward sparse.slice on rows split by
// process, its gradient on the slice's results. Each process slices its
// own rows (no communication), and the gradient takes the kept rows and
// values split as the slice leaves them (no all_gather): the split form.
// CHECK-LABEL: func.func @tape(
// CHECK-SAME: %[[II:.*]]: tensor<?x2xi64>, %[[V:.*]]: tensor<?xf32>, %[[SHAPE:.*]]: tensor<2xi64>, %[[START:.*]]: tensor<2xi64>, %[[SIZE:.*]]: tensor<2xi64>)
// CHECK-SAME: -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>)
// CHECK-NOT: all_gather
// CHECK: %[[OI:.*]], %[[OV:.*]], %[[OS:.*]] = sparse.slice %[[II]], %[[V]], %[[SHAPE]], %[[START]], %[[SIZE]]
// CHECK-NOT: all_gather
// CHECK: sparse.slice_grad_resume %[[OV]], %[[II]], %[[START]], %[[OI]] from %c0
// CHECK-NOT: all_gather
// CHECK: return %[[OI]], %[[OV]], %[[OS]], %{{.*}} : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>
func.func @tape(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %shape: tensor<2xi64>,
                %start: tensor<2xi64>, %size: tensor<2xi64>)
    -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>) {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x2xi64>
  %v_rows = shard.shard %v to %rows : tensor<?xf32>
  %oi, %ov, %os = sparse.slice %ii_rows, %v_rows, %shape, %start, %size
      : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>,
        tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  %vg = sparse.slice_grad %ov, %ii_rows, %start, %oi
      : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %oi, %ov, %os, %vg
      : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>
}
