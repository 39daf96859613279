// DEFINE: %{run} = sparse-opt --run %s -e main --entry-point-result=void
// RUN: %{run} --pass-pipeline='builtin.module(sparse-lower-to-llvm{chunk-rows=2})' | FileCheck %s
// RUN: env OMP_NUM_THREADS=2 %{run} --pass-pipeline='builtin.module(sparse-lower-to-llvm{chunk-rows=2 vector-width=0})' | FileCheck %s
// RUN: %{run} --pass-pipeline='builtin.module(sparse-lower-to-llvm{strategy=sequential vector-width=0})' | FileCheck %s
// RUN: %{run} --pass-pipeline='builtin.module(sparse-lower-to-llvm{strategy=sequential})' | FileCheck %s

// Sorted input rows with a duplicate split by a chunk boundary (chunks of 2
// rows): the greedy loop matches the first copy, at the end of chunk 0. A
// parallel pass that guessed chunk 0 ends before output row 1 must see that
// row in chunk 0 and give up its guess (the box pass's box includes the
// next chunk's first output row for this reason). The operands go through
// a call so that the op does not fold at compile time.

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}

func.func private @grad1(%g: tensor<3xf32>, %ii: tensor<4x1xi64>, %s: tensor<1xi64>, %oi: tensor<3x1xi64>) -> tensor<4xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<4x1xi64>, tensor<1xi64>, tensor<3x1xi64> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

func.func private @grad2(%g: tensor<4xf32>, %ii: tensor<6x2xi64>, %s: tensor<2xi64>, %oi: tensor<4x2xi64>) -> tensor<6xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<4xf32>, tensor<6x2xi64>, tensor<2xi64>, tensor<4x2xi64> -> tensor<6xf32>
  return %r : tensor<6xf32>
}

func.func @main() {
  // CHECK: [1,  2,  0,  3]
  %g = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %ii = arith.constant dense<[[0], [5], [5], [7]]> : tensor<4x1xi64>
  %s = arith.constant dense<[0]> : tensor<1xi64>
  %oi = arith.constant dense<[[0], [5], [7]]> : tensor<3x1xi64>
  %r = call @grad1(%g, %ii, %s, %oi) : (tensor<3xf32>, tensor<4x1xi64>, tensor<1xi64>, tensor<3x1xi64>) -> tensor<4xf32>
  %u = tensor.cast %r : tensor<4xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()

  // Two columns, slice start [1, 1]; row (3, 4) repeats across the
  // boundary between chunks 1 and 2.
  // CHECK: [0,  1,  2,  3,  0,  4]
  %g2 = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %ii2 = arith.constant dense<[[0, 0], [1, 1], [2, 1], [3, 4], [3, 4], [4, 2]]> : tensor<6x2xi64>
  %s2 = arith.constant dense<[1, 1]> : tensor<2xi64>
  %oi2 = arith.constant dense<[[0, 0], [1, 0], [2, 3], [3, 1]]> : tensor<4x2xi64>
  %r2 = call @grad2(%g2, %ii2, %s2, %oi2) : (tensor<4xf32>, tensor<6x2xi64>, tensor<2xi64>, tensor<4x2xi64>) -> tensor<6xf32>
  %u2 = tensor.cast %r2 : tensor<6xf32> to tensor<*xf32>
  call @printMemrefF32(%u2) : (tensor<*xf32>) -> ()
  return
}
