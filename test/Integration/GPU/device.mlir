// REQUIRES: cuda-device
// The GPU lowering on an NVIDIA GPU: TensorFlow's golden cases in every
// value type, seeded random and adversarial cases, and the run-time error,
// compared with the reference of TensorFlow's CPU loop.
//
// RUN: %test_python %slice_grad_src/test/Integration/CPU/golden.py %golden/tf_cases.json gpu-device | FileCheck %s --check-prefix=GOLDEN
// RUN: %test_python %slice_grad_src/test/Differential/random_cases.py --seed 5 --cases 300 --dtypes f32,i64,ui8,complex64,f16,bf16 --configs gpu-device | FileCheck %s --check-prefix=RANDOM
// RUN: not sparse-opt --run %s -e not_propagated --entry-point-result=void --pass-pipeline='builtin.module(sparse-to-nvvm)' 2>&1 | FileCheck %s --check-prefix=ERROR
// RUN: sparse-opt --run %s -e main --entry-point-result=void --pass-pipeline='builtin.module(sparse-to-nvvm)' | FileCheck %s

// GOLDEN: golden: 70 value cases, 14 error cases, 1 configs, {{[0-9]+}} runs, 0 failures
// RANDOM: differential: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 1 configs, {{[0-9]+}} runs, 0 failures
// ERROR: Elements of backprop_val_grad aren't all propagated. Num elements:1, used: 0

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}

func.func private @grad(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// CHECK: [0,  0,  0,  0,  0,  13,  0,  0,  23,  0,  0,  0,  33,  0]
func.func @main() {
  %ii = arith.constant dense<[[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4], [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3], [3, 5]]> : tensor<14x2xi64>
  %iid = tensor.cast %ii : tensor<14x2xi64> to tensor<?x2xi64>
  %g = arith.constant dense<[13.0, 23.0, 33.0]> : tensor<3xf32>
  %gd = tensor.cast %g : tensor<3xf32> to tensor<?xf32>
  %s = arith.constant dense<[1, 3]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0], [1, 0], [2, 0]]> : tensor<3x2xi64>
  %oid = tensor.cast %oi : tensor<3x2xi64> to tensor<?x2xi64>
  %r = call @grad(%gd, %iid, %s, %oid) : (tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>) -> tensor<?xf32>
  %u = tensor.cast %r : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @not_propagated() {
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x2xi64>
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %gd = tensor.cast %g : tensor<1xf32> to tensor<?xf32>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[5, 5]]> : tensor<1x2xi64>
  %oid = tensor.cast %oi : tensor<1x2xi64> to tensor<?x2xi64>
  %r = call @grad(%gd, %iid, %s, %oid) : (tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>) -> tensor<?xf32>
  return
}
