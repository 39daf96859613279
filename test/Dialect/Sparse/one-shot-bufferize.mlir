// RUN: sparse-opt %s -one-shot-bufferize="bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map" -split-input-file | FileCheck %s
// RUN: sparse-opt %s -one-shot-bufferize="bufferize-function-boundaries test-analysis-only analysis-fuzzer-seed=23" -split-input-file | FileCheck %s --check-prefix=ANALYSIS

// The tensor form reads its operands in place and writes a new buffer.

// CHECK-LABEL: func @static
//  CHECK-SAME: (%[[G:.*]]: memref<3xf32>, %[[II:.*]]: memref<14x2xi64>, %[[S:.*]]: memref<2xi64>, %[[OI:.*]]: memref<3x2xi64>) -> memref<14xf32>
//       CHECK: %[[OUT:.*]] = memref.alloc() {{.*}} : memref<14xf32>
//       CHECK: sparse.slice_grad %[[G]], %[[II]], %[[S]], %[[OI]] : memref<3xf32>, memref<14x2xi64>, memref<2xi64>, memref<3x2xi64> into %[[OUT]] : memref<14xf32>
//       CHECK: return %[[OUT]]
// ANALYSIS-LABEL: func @static
//       ANALYSIS: sparse.slice_grad
//  ANALYSIS-SAME: __inplace_operands_attr__ = ["true", "true", "true", "true"]
func.func @static(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<14xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return %r : tensor<14xf32>
}

// -----

// The destination of a dynamic result has as many elements as input_indices
// has rows.

// CHECK-LABEL: func @dynamic
//  CHECK-SAME: (%[[G:.*]]: memref<?xui8>, %[[II:.*]]: memref<?x?xi64>, %[[S:.*]]: memref<?xi64>, %[[OI:.*]]: memref<?x?xi64>)
//       CHECK: %[[C0:.*]] = arith.constant 0 : index
//       CHECK: %[[N:.*]] = memref.dim %[[II]], %[[C0]]
//       CHECK: %[[OUT:.*]] = memref.alloc(%[[N]]) {{.*}} : memref<?xui8>
//       CHECK: sparse.slice_grad %[[G]], %[[II]], %[[S]], %[[OI]] : {{.*}} into %[[OUT]] : memref<?xui8>
func.func @dynamic(%g: tensor<?xui8>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xui8> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xui8>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xui8>
  return %r : tensor<?xui8>
}

// -----

// A later in-place write to an operand must not clobber what the op reads:
// the write goes to a copy.

// CHECK-LABEL: func @read_before_write
//       CHECK: %[[COPY:.*]] = memref.alloc() {{.*}} : memref<3xf32>
//       CHECK: memref.copy %{{.*}}, %[[COPY]]
//       CHECK: memref.store %{{.*}}, %[[COPY]]
//       CHECK: sparse.slice_grad %arg0
func.func @read_before_write(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>, %v: f32) -> (tensor<14xf32>, tensor<3xf32>) {
  %c0 = arith.constant 0 : index
  %w = tensor.insert %v into %g[%c0] : tensor<3xf32>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return %r, %w : tensor<14xf32>, tensor<3xf32>
}
