// DEFINE: %{run} = sparse-opt --run %s -e main --entry-point-result=void
// RUN: %{run} | FileCheck %s
// RUN: %{run} -O3 | FileCheck %s

// TensorFlow's own test cases (sparse_slice_op_test.py), static and dynamic.

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefF64(tensor<*xf64>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI64(tensor<*xi64>) attributes {llvm.emit_c_interface}
func.func private @printMemrefC32(tensor<*xcomplex<f32>>) attributes {llvm.emit_c_interface}

func.func private @dynamic_f32(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

func.func @main() {
  %ii = arith.constant dense<[[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4], [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3], [3, 5]]> : tensor<14x2xi64>

  // testGradientsExplicit, slice starting at [0, 0].
  // CHECK: sizes = [14]
  // CHECK-NEXT: [0,  0,  0,  0,  0,  0,  0,  20,  0,  0,  30,  0,  0,  0]
  %g0 = arith.constant dense<[0.0, 20.0, 30.0]> : tensor<3xf32>
  %s0 = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi0 = arith.constant dense<[[0, 0], [2, 0], [3, 0]]> : tensor<3x2xi64>
  %r0 = sparse.slice_grad %g0, %ii, %s0, %oi0 : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  %u0 = tensor.cast %r0 : tensor<14xf32> to tensor<*xf32>
  call @printMemrefF32(%u0) : (tensor<*xf32>) -> ()

  // testGradientsExplicit, slice starting at [1, 3], with dynamic sizes.
  // CHECK: sizes = [14]
  // CHECK-NEXT: [0,  0,  0,  0,  0,  13,  0,  0,  23,  0,  0,  0,  33,  0]
  %g1 = arith.constant dense<[13.0, 23.0, 33.0]> : tensor<3xf32>
  %s1 = arith.constant dense<[1, 3]> : tensor<2xi64>
  %oi1 = arith.constant dense<[[0, 0], [1, 0], [2, 0]]> : tensor<3x2xi64>
  %g1d = tensor.cast %g1 : tensor<3xf32> to tensor<?xf32>
  %iid = tensor.cast %ii : tensor<14x2xi64> to tensor<?x?xi64>
  %s1d = tensor.cast %s1 : tensor<2xi64> to tensor<?xi64>
  %oi1d = tensor.cast %oi1 : tensor<3x2xi64> to tensor<?x?xi64>
  %r1 = call @dynamic_f32(%g1d, %iid, %s1d, %oi1d) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  %u1 = tensor.cast %r1 : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u1) : (tensor<*xf32>) -> ()

  // An empty slice: all zeros.
  // CHECK: sizes = [14]
  // CHECK-NEXT: [0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0,  0]
  %g2 = arith.constant dense<> : tensor<0xf64>
  %s2 = arith.constant dense<[2, 1]> : tensor<2xi64>
  %oi2 = arith.constant dense<> : tensor<0x2xi64>
  %r2 = sparse.slice_grad %g2, %ii, %s2, %oi2 : tensor<0xf64>, tensor<14x2xi64>, tensor<2xi64>, tensor<0x2xi64> -> tensor<14xf64>
  %u2 = tensor.cast %r2 : tensor<14xf64> to tensor<*xf64>
  call @printMemrefF64(%u2) : (tensor<*xf64>) -> ()

  // Unsorted input with a duplicate row: the greedy loop takes the first
  // match of each output row in input order.
  // CHECK: sizes = [5]
  // CHECK-NEXT: [7,  0,  8,  0,  9]
  %g3 = arith.constant dense<[7, 8, 9]> : tensor<3xi64>
  %ii3 = arith.constant dense<[[5], [3], [5], [5], [9]]> : tensor<5x1xi64>
  %s3 = arith.constant dense<[4]> : tensor<1xi64>
  %oi3 = arith.constant dense<[[1], [1], [5]]> : tensor<3x1xi64>
  %r3 = sparse.slice_grad %g3, %ii3, %s3, %oi3 : tensor<3xi64>, tensor<5x1xi64>, tensor<1xi64>, tensor<3x1xi64> -> tensor<5xi64>
  %u3 = tensor.cast %r3 : tensor<5xi64> to tensor<*xi64>
  call @printMemrefI64(%u3) : (tensor<*xi64>) -> ()

  // Coordinates wrap around like TF's int64 addition: INT64_MAX + 2 is
  // INT64_MIN + 1.
  // CHECK: sizes = [2]
  // CHECK-NEXT: [(0,0),  (1.5,-2)]
  %g4 = arith.constant dense<[(1.5, -2.0)]> : tensor<1xcomplex<f32>>
  %ii4 = arith.constant dense<[[0, 0], [-9223372036854775807, 3]]> : tensor<2x2xi64>
  %s4 = arith.constant dense<[9223372036854775807, 1]> : tensor<2xi64>
  %oi4 = arith.constant dense<[[2, 2]]> : tensor<1x2xi64>
  %r4 = sparse.slice_grad %g4, %ii4, %s4, %oi4 : tensor<1xcomplex<f32>>, tensor<2x2xi64>, tensor<2xi64>, tensor<1x2xi64> -> tensor<2xcomplex<f32>>
  %u4 = tensor.cast %r4 : tensor<2xcomplex<f32>> to tensor<*xcomplex<f32>>
  call @printMemrefC32(%u4) : (tensor<*xcomplex<f32>>) -> ()

  // R = 0: every row matches, the first N_out rows take the gradients.
  // CHECK: sizes = [3]
  // CHECK-NEXT: [4,  5,  0]
  %g5 = arith.constant dense<[4.0, 5.0]> : tensor<2xf32>
  %ii5 = arith.constant dense<> : tensor<3x0xi64>
  %s5 = arith.constant dense<> : tensor<0xi64>
  %oi5 = arith.constant dense<> : tensor<2x0xi64>
  %r5 = sparse.slice_grad %g5, %ii5, %s5, %oi5 : tensor<2xf32>, tensor<3x0xi64>, tensor<0xi64>, tensor<2x0xi64> -> tensor<3xf32>
  %u5 = tensor.cast %r5 : tensor<3xf32> to tensor<*xf32>
  call @printMemrefF32(%u5) : (tensor<*xf32>) -> ()
  return
}
