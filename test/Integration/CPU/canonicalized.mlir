// The canonicalizations before the pipeline, run: results equal the
// lowering's (the differential test's `canonicalize` configuration does the
// same on random cases).
// DEFINE: %{run} = sparse-opt --run %s -e main --entry-point-result=void
// RUN: %{run} --pass-pipeline='builtin.module(canonicalize,sparse-lower-to-llvm)' | FileCheck %s
// RUN: %{run} | FileCheck %s
// RUN: sparse-opt %s -canonicalize | FileCheck %s --check-prefix=IR

// IR-LABEL: func.func private @no_rows
//   IR-NOT: sparse.slice_grad
//       IR: tensor.splat
// IR-LABEL: func.func @main
//   IR-NOT: sparse.slice_grad
//       IR: return

func.func private @printMemrefI64(tensor<*xi64>) attributes {llvm.emit_c_interface}
func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}

// No output rows and a dynamic N_in: zeros of N_in's length.
func.func private @no_rows(%ii: tensor<?x2xi64>) -> tensor<?xi64> {
  %g = arith.constant dense<0> : tensor<0xi64>
  %s = arith.constant dense<[5, 5]> : tensor<2xi64>
  %oi = arith.constant dense<0> : tensor<0x2xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xi64>, tensor<?x2xi64>, tensor<2xi64>, tensor<0x2xi64> -> tensor<?xi64>
  return %r : tensor<?xi64>
}

func.func @main() {
  %ii = arith.constant dense<[[0, 0], [1, 3], [1, 4], [2, 2], [3, 3]]> : tensor<5x2xi64>
  // CHECK: sizes = [5]
  // CHECK-NEXT: [0,  0,  0,  0,  0]
  %iid = tensor.cast %ii : tensor<5x2xi64> to tensor<?x2xi64>
  %z = call @no_rows(%iid) : (tensor<?x2xi64>) -> tensor<?xi64>
  %zu = tensor.cast %z : tensor<?xi64> to tensor<*xi64>
  call @printMemrefI64(%zu) : (tensor<*xi64>) -> ()

  // Constant operands behind casts that erase sizes: the casts fold in,
  // then the op folds to a constant.
  // CHECK: sizes = [5]
  // CHECK-NEXT: [0,  13,  23,  0,  0]
  %g = arith.constant dense<[13.0, 23.0]> : tensor<2xf32>
  %s = arith.constant dense<[1, 3]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0], [0, 1]]> : tensor<2x2xi64>
  %gd = tensor.cast %g : tensor<2xf32> to tensor<?xf32>
  %oid = tensor.cast %oi : tensor<2x2xi64> to tensor<?x?xi64>
  %iid2 = tensor.cast %ii : tensor<5x2xi64> to tensor<?x?xi64>
  %r = sparse.slice_grad %gd, %iid2, %s, %oid : tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64> -> tensor<?xf32>
  %ru = tensor.cast %r : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%ru) : (tensor<*xf32>) -> ()
  return
}
