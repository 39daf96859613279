// The forward and the fused pair through Debian's mlir-opt with the plugin
// (sparse-fuse-slice-grad runs inside sparse-lower-to-llvm), run by stock
// mlir-runner with the run-time library: no step beyond the gradient's.
// UNSUPPORTED: sanitizers
//
// DEFINE: %{plugin} = --load-dialect-plugin=%slice_grad_lib/SliceGradPlugin.so --load-pass-plugin=%slice_grad_lib/SliceGradPlugin.so
// RUN: mlir-opt %s %{plugin} --pass-pipeline='builtin.module(sparse-fuse-slice-grad)' | FileCheck %s --check-prefix=FUSED
// RUN: mlir-opt %s %{plugin} --pass-pipeline='builtin.module(sparse-lower-to-llvm)' \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%mlir_lib_dir/libomp.so,%slice_grad_lib/libSliceGradRuntime.so \
// RUN:   | FileCheck %s --check-prefix=JIT

// FUSED: sparse.slice {{.*}} positions tensor<?xi64>
// FUSED: sparse.slice_grad_scatter

// The 4x6 matrix of TensorFlow's sparse_slice_op_test.py with row [1, 4]
// twice, rows [1, 3) and columns [2, 6): kept input rows 5, 6, 7, 9, 10,
// the duplicate kept twice; TensorFlow's gradient gives each copy its own
// value.
// JIT: sizes = [5, 2]
// JIT-NEXT: [0,   1]
// JIT-NEXT: [0,   2]
// JIT-NEXT: [0,   2]
// JIT-NEXT: [1,   1]
// JIT-NEXT: [1,   3]
// JIT: sizes = [5]
// JIT-NEXT: [13,  14,  14,  23,  25]
// JIT: sizes = [2]
// JIT-NEXT: [2,  4]
// JIT: sizes = [14]
// JIT-NEXT: [0,  0,  0,  0,  0,  1,  2,  3,  0,  4,  5,  0,  0,  0]

func.func @step(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %st: tensor<2xi64>, %sz: tensor<2xi64>, %g: tensor<?xf32>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>) {
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  %vg = sparse.slice_grad %g, %ii, %st, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %oi, %ov, %os, %vg : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>
}

func.func private @printMemrefI64(tensor<*xi64>)
func.func private @printMemrefF32(tensor<*xf32>)

func.func @main() {
  %ii0 = arith.constant dense<[[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4], [1, 4], [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3]]> : tensor<14x2xi64>
  %v0 = arith.constant dense<[0.0, 2.0, 4.0, 5.0, 11.0, 13.0, 14.0, 14.0, 20.0, 23.0, 25.0, 30.0, 32.0, 33.0]> : tensor<14xf32>
  %sh = arith.constant dense<[4, 6]> : tensor<2xi64>
  %st = arith.constant dense<[1, 2]> : tensor<2xi64>
  %sz = arith.constant dense<[2, 4]> : tensor<2xi64>
  %g0 = arith.constant dense<[1.0, 2.0, 3.0, 4.0, 5.0]> : tensor<5xf32>
  %ii = tensor.cast %ii0 : tensor<14x2xi64> to tensor<?x2xi64>
  %v = tensor.cast %v0 : tensor<14xf32> to tensor<?xf32>
  %g = tensor.cast %g0 : tensor<5xf32> to tensor<?xf32>
  %oi, %ov, %os, %vg = call @step(%ii, %v, %sh, %st, %sz, %g) : (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>, tensor<?xf32>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<?xf32>)
  %a = tensor.cast %oi : tensor<?x2xi64> to tensor<*xi64>
  %b = tensor.cast %ov : tensor<?xf32> to tensor<*xf32>
  %c = tensor.cast %os : tensor<2xi64> to tensor<*xi64>
  %d = tensor.cast %vg : tensor<?xf32> to tensor<*xf32>
  call @printMemrefI64(%a) : (tensor<*xi64>) -> ()
  call @printMemrefF32(%b) : (tensor<*xf32>) -> ()
  call @printMemrefI64(%c) : (tensor<*xi64>) -> ()
  call @printMemrefF32(%d) : (tensor<*xf32>) -> ()
  return
}
