// DEFINE: %{import} = sparse-opt %s --allow-unregistered-dialect --convert-tf-to-sparse
// RUN: %{import} | sparse-opt --run -e main --entry-point-result=void | FileCheck %s
// RUN: %{import} | env OMP_NUM_THREADS=2 sparse-opt --run -e main --entry-point-result=void | FileCheck %s
// RUN: %{import} | not sparse-opt --run -e not_propagated --entry-point-result=void 2>&1 | FileCheck %s --check-prefix=ERROR

// A module as TensorFlow's importer writes it: SparseSliceGrad as an
// unregistered op on dynamic and unranked tensors with a T attribute,
// imported by --convert-tf-to-sparse, then lowered by the default pipeline
// and run. Values from TensorFlow's testGradientsExplicit.

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}
func.func private @printMemrefI32(tensor<*xi32>) attributes {llvm.emit_c_interface}

func.func private @grad_f32(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32, device = ""} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

func.func private @grad_i32(%g: tensor<*xi32>, %ii: tensor<*xi64>, %s: tensor<*xi64>, %oi: tensor<*xi64>) -> tensor<*xi32> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = i32} : (tensor<*xi32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

func.func @main() {
  %ii = arith.constant dense<[[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4], [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3], [3, 5]]> : tensor<14x2xi64>
  %iid = tensor.cast %ii : tensor<14x2xi64> to tensor<?x?xi64>

  // Slice starting at [1, 3].
  // CHECK: sizes = [14]
  // CHECK-NEXT: [0,  0,  0,  0,  0,  13,  0,  0,  23,  0,  0,  0,  33,  0]
  %g = arith.constant dense<[13.0, 23.0, 33.0]> : tensor<3xf32>
  %gd = tensor.cast %g : tensor<3xf32> to tensor<?xf32>
  %s = arith.constant dense<[1, 3]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0], [1, 0], [2, 0]]> : tensor<3x2xi64>
  %oid = tensor.cast %oi : tensor<3x2xi64> to tensor<?x?xi64>
  %r = call @grad_f32(%gd, %iid, %s, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  %ru = tensor.cast %r : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%ru) : (tensor<*xf32>) -> ()

  // The same through unranked i32 tensors, slice starting at [0, 0].
  // CHECK: sizes = [14]
  // CHECK-NEXT: [0,  0,  0,  0,  0,  0,  0,  20,  0,  0,  30,  0,  0,  0]
  %gi = arith.constant dense<[0, 20, 30]> : tensor<3xi32>
  %gu = tensor.cast %gi : tensor<3xi32> to tensor<*xi32>
  %iiu = tensor.cast %ii : tensor<14x2xi64> to tensor<*xi64>
  %s0 = arith.constant dense<[0, 0]> : tensor<2xi64>
  %s0u = tensor.cast %s0 : tensor<2xi64> to tensor<*xi64>
  %oi0 = arith.constant dense<[[0, 0], [2, 0], [3, 0]]> : tensor<3x2xi64>
  %oi0u = tensor.cast %oi0 : tensor<3x2xi64> to tensor<*xi64>
  %ri = call @grad_i32(%gu, %iiu, %s0u, %oi0u) : (tensor<*xi32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) -> tensor<*xi32>
  call @printMemrefI32(%ri) : (tensor<*xi32>) -> ()
  return
}

// ERROR: sparse.slice_grad in @grad_f32 ({{.*}}): INTERNAL: Elements of backprop_val_grad aren't all propagated. Num elements:1, used: 0
func.func @not_propagated() {
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x?xi64>
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %gd = tensor.cast %g : tensor<1xf32> to tensor<?xf32>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[5, 5]]> : tensor<1x2xi64>
  %oid = tensor.cast %oi : tensor<1x2xi64> to tensor<?x?xi64>
  %r = call @grad_f32(%gd, %iid, %s, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  return
}
