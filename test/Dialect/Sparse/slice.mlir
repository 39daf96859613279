// sparse.slice and sparse.slice_grad_scatter: both forms round-trip, the
// canonicalizer folds what constants decide (the output shape; no kept
// rows for an empty box or no input rows) and nothing else, and
// one-shot-bufferize gives the allocating memref form.
// RUN: sparse-opt %s -split-input-file | sparse-opt -split-input-file | FileCheck %s --check-prefix=ROUND
// RUN: sparse-opt %s -split-input-file -canonicalize | FileCheck %s --check-prefix=CANON
// RUN: sparse-opt %s -split-input-file -one-shot-bufferize=bufferize-function-boundaries | FileCheck %s --check-prefix=BUF

// ROUND-LABEL: func @forms
// ROUND: sparse.slice %{{.*}} : tensor<?x2xi64>, tensor<?xi1>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xi1>, tensor<2xi64>
// ROUND: sparse.slice %{{.*}} -> memref<?x?xi64>, memref<?xf32>, memref<?xi64>, positions memref<?xi64>
// ROUND: sparse.slice_grad_scatter %{{.*}} : tensor<?xf32>, tensor<?xi64>, tensor<?x2xi64> -> tensor<?xf32>
// ROUND: sparse.slice_grad_scatter %{{.*}} into %{{.*}} : memref<?xf32>
func.func @forms(%ii: tensor<?x2xi64>, %v: tensor<?xi1>, %s: tensor<2xi64>,
                 %mii: memref<?x?xi64>, %mv: memref<?xf32>, %ms: memref<?xi64>,
                 %g: tensor<?xf32>, %p: tensor<?xi64>, %mg: memref<?xf32>,
                 %mout: memref<?xf32>) -> tensor<?xf32> {
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : tensor<?x2xi64>, tensor<?xi1>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xi1>, tensor<2xi64>
  %d, %e, %f, %pos = sparse.slice %mii, %mv, %ms, %ms, %ms : memref<?x?xi64>, memref<?xf32>, memref<?xi64>, memref<?xi64>, memref<?xi64> -> memref<?x?xi64>, memref<?xf32>, memref<?xi64>, positions memref<?xi64>
  %r = sparse.slice_grad_scatter %g, %p, %ii : tensor<?xf32>, tensor<?xi64>, tensor<?x2xi64> -> tensor<?xf32>
  sparse.slice_grad_scatter %mg, %pos, %mii : memref<?xf32>, memref<?xi64>, memref<?x?xi64> into %mout : memref<?xf32>
  return %r : tensor<?xf32>
}

// -----

// The output shape of constant shape, start and size: clipped (start 1 of
// 4 with size 10 gives 3), negative start (size 2 from -1), start beyond
// the shape (0).
// CANON-LABEL: func @constant_shape
// CANON: %[[SHAPE:.*]] = arith.constant dense<[3, 2, 0]> : tensor<3xi64>
// CANON: sparse.slice
// CANON: return %{{.*}}, %[[SHAPE]]
func.func @constant_shape(%ii: tensor<5x3xi64>, %v: tensor<5xf32>) -> (tensor<?x3xi64>, tensor<3xi64>) {
  %sh = arith.constant dense<[4, 6, 2]> : tensor<3xi64>
  %st = arith.constant dense<[1, -1, 7]> : tensor<3xi64>
  %sz = arith.constant dense<[10, 2, 1]> : tensor<3xi64>
  %a, %b, %c = sparse.slice %ii, %v, %sh, %st, %sz : tensor<5x3xi64>, tensor<5xf32>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64> -> tensor<?x3xi64>, tensor<?xf32>, tensor<3xi64>
  return %a, %c : tensor<?x3xi64>, tensor<3xi64>
}

// -----

// A negative size inside the shape is TensorFlow's error: nothing folds,
// the run-time check stays.
// CANON-LABEL: func @negative_size_stays
// CANON: %{{.*}}, %{{.*}}, %[[S:.*]] = sparse.slice
// CANON: return %[[S]]
func.func @negative_size_stays(%ii: tensor<5x2xi64>, %v: tensor<5xf32>) -> tensor<2xi64> {
  %sh = arith.constant dense<[4, 6]> : tensor<2xi64>
  %st = arith.constant dense<[0, 0]> : tensor<2xi64>
  %sz = arith.constant dense<[-1, 2]> : tensor<2xi64>
  %a, %b, %c = sparse.slice %ii, %v, %sh, %st, %sz : tensor<5x2xi64>, tensor<5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return %c : tensor<2xi64>
}

// -----

// A size-zero box keeps nothing: empty rows and values, whatever the
// indices; the op stays for its output shape and checks.
// CANON-LABEL: func @size_zero
// CANON-DAG: %[[I:.*]] = arith.constant dense<> : tensor<0x2xi64>
// CANON-DAG: %[[V:.*]] = arith.constant dense<> : tensor<0xf32>
// CANON-DAG: tensor.cast %[[I]] : tensor<0x2xi64> to tensor<?x2xi64>
// CANON-DAG: tensor.cast %[[V]] : tensor<0xf32> to tensor<?xf32>
// CANON: sparse.slice
func.func @size_zero(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>) {
  %st = arith.constant dense<[0, 3]> : tensor<2xi64>
  %sz = arith.constant dense<[5, 0]> : tensor<2xi64>
  %a, %b, %c = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return %a, %b, %c : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
}

// -----

// A box that is not empty (size -1 from INT64_MIN wraps to INT64_MAX:
// everything below it is inside): no fold.
// CANON-LABEL: func @wrapping_box_not_empty
// CANON-NOT: dense<> : tensor<0x1xi64>
func.func @wrapping_box_not_empty(%ii: tensor<?x1xi64>, %v: tensor<?xf32>, %sh: tensor<1xi64>) -> tensor<?x1xi64> {
  %st = arith.constant dense<-9223372036854775808> : tensor<1xi64>
  %sz = arith.constant dense<-1> : tensor<1xi64>
  %a, %b, %c = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x1xi64>, tensor<?xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64> -> tensor<?x1xi64>, tensor<?xf32>, tensor<1xi64>
  return %a : tensor<?x1xi64>
}

// -----

// BUF-LABEL: func @bufferize
// BUF: sparse.slice %{{.*}} : memref<?x2xi64{{.*}}>, memref<?xf32{{.*}}>, memref<2xi64{{.*}}>, memref<2xi64{{.*}}>, memref<2xi64{{.*}}> -> memref<?x2xi64>, memref<?xf32>, memref<2xi64>, positions memref<?xi64>
// BUF: %[[N:.*]] = memref.dim %{{.*}}, %c0
// BUF: %[[OUT:.*]] = memref.alloc(%[[N]]) {{.*}}: memref<?xf32>
// BUF: sparse.slice_grad_scatter %{{.*}} into %[[OUT]]
func.func @bufferize(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %s: tensor<2xi64>, %g: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>) {
  %a, %b, %c, %p = sparse.slice %ii, %v, %s, %s, %s : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, positions tensor<?xi64>
  %r = sparse.slice_grad_scatter %g, %p, %ii : tensor<?xf32>, tensor<?xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %b, %r : tensor<?xf32>, tensor<?xf32>
}
