// sparse-shard-to-llvm's options are the CPU family's
// (SparseCPUPipelineOptions): deallocate, like sparse-lower-to-llvm's,
// decides whether the buffer deallocation pipeline runs on each process's
// program; strategy and num-threads reach convert-sparse-to-loops and
// convert-scf-to-openmp.
// RUN: sparse-opt %s --sparse-shard-to-llvm --mlir-print-ir-before=ownership-based-buffer-deallocation -o /dev/null 2>&1 | FileCheck %s --check-prefix=FREE
// RUN: sparse-opt %s --sparse-shard-to-llvm='deallocate=false' --mlir-print-ir-before=ownership-based-buffer-deallocation -o /dev/null 2>&1 | FileCheck %s --check-prefix=KEEP --allow-empty
// RUN: sparse-opt %s --sparse-shard-to-llvm='strategy=sequential num-threads=3' | FileCheck %s --check-prefix=OPTIONS

// FREE: IR Dump Before OwnershipBasedBufferDeallocationPass
// KEEP-NOT: IR Dump Before
// With strategy=sequential only sparse.slice_grad_count's count runs on
// threads (the partition gives it the box, computed in shares): one
// parallel region of 3 threads; the resumed loop is TensorFlow's.
// OPTIONS: %[[N:.*]] = llvm.mlir.constant(3 : i32) : i32
// OPTIONS-COUNT-1: omp.parallel num_threads(%[[N]] : i32)
// OPTIONS-NOT: omp.parallel

shard.grid @grid(shape = 2)
func.func @rows(%g: tensor<3xf32>, %ii: tensor<8x2xi64>, %s: tensor<2xi64>,
                %oi: tensor<3x2xi64>) -> tensor<8xf32> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<8x2xi64>
  %r = sparse.slice_grad %g, %ii_rows, %s, %oi
      : tensor<3xf32>, tensor<8x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<8xf32>
  %out = shard.shard %r to %rows : tensor<8xf32>
  return %out : tensor<8xf32>
}
