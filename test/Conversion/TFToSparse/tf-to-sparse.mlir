// RUN: sparse-opt %s --allow-unregistered-dialect --convert-tf-to-sparse --split-input-file | FileCheck %s --implicit-check-not=tf.SparseSliceGrad

// The importer's form: dynamic ranked tensors and a T attribute.
// CHECK-LABEL: func @ranked
// CHECK-SAME: (%[[G:.*]]: tensor<?xf32>, %[[II:.*]]: tensor<?x?xi64>, %[[S:.*]]: tensor<2xi64>, %[[OI:.*]]: tensor<?x?xi64>)
// CHECK-NEXT: %[[R:.*]] = sparse.slice_grad %[[G]], %[[II]], %[[S]], %[[OI]] : tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64> -> tensor<?xf32>
// CHECK-NEXT: return %[[R]] : tensor<?xf32>
func.func @ranked(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

// Static shapes stay static; the result type is N_in from input_indices.
// CHECK-LABEL: func @static_no_t
// CHECK: sparse.slice_grad {{.*}} : tensor<3xf64>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf64>
func.func @static_no_t(%g: tensor<3xf64>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<14xf64> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) : (tensor<3xf64>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64>) -> tensor<14xf64>
  return %0 : tensor<14xf64>
}

// -----

// Unranked operands: TensorFlow's rank checks run first, in its order, each
// in the else branch of the one before (indices matrices: check 7, gradient
// a vector: 8, then ndims, rows and nnz: 1, 2, 3, since input_start's rank
// check comes after them: 9); a failed check reports its shapes to the
// runtime. Then the operands are cast to the ranks the op needs and the
// result back to TensorFlow's unranked type.
// CHECK: llvm.mlir.global internal constant @[[$WHERE:.*]]("@unranked
// CHECK-DAG: func.func private @sparseSliceGradCheckFailed(!llvm.ptr, i32, i64, i64)
// CHECK-DAG: func.func private @sparseSliceGradShapeCheckFailed(!llvm.ptr, i32, memref<?xi64>, memref<?xi64>) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func @unranked
// CHECK-SAME: (%[[G:.*]]: tensor<*xi32>, %[[II:.*]]: tensor<*xi64>, %[[S:.*]]: tensor<*xi64>, %[[OI:.*]]: tensor<*xi64>)
// CHECK: %[[AT:.*]] = llvm.mlir.addressof @[[$WHERE]]
// CHECK: tensor.rank %[[II]]
// CHECK: tensor.rank %[[OI]]
// CHECK: scf.if %{{.*}} -> (tensor<*xi32>) {
// CHECK: %[[C7:.*]] = arith.constant 7 : i32
// CHECK: func.call @sparseSliceGradShapeCheckFailed(%[[AT]], %[[C7]], {{.*}})
// CHECK: } else {
// CHECK: tensor.rank %[[G]]
// CHECK: arith.constant 8 : i32
// CHECK: } else {
// CHECK: arith.constant 1 : i32
// CHECK: } else {
// CHECK: arith.constant 2 : i32
// CHECK: } else {
// CHECK: arith.constant 3 : i32
// CHECK: } else {
// CHECK: tensor.rank %[[S]]
// CHECK: arith.constant 9 : i32
// CHECK: } else {
// CHECK-DAG: %[[G1:.*]] = tensor.cast %[[G]] : tensor<*xi32> to tensor<?xi32>
// CHECK-DAG: %[[II1:.*]] = tensor.cast %[[II]] : tensor<*xi64> to tensor<?x?xi64>
// CHECK-DAG: %[[S1:.*]] = tensor.cast %[[S]] : tensor<*xi64> to tensor<?xi64>
// CHECK-DAG: %[[OI1:.*]] = tensor.cast %[[OI]] : tensor<*xi64> to tensor<?x?xi64>
// CHECK: %[[R:.*]] = sparse.slice_grad %[[G1]], %[[II1]], %[[S1]], %[[OI1]] : tensor<?xi32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xi32>
// CHECK: %[[R1:.*]] = tensor.cast %[[R]] : tensor<?xi32> to tensor<*xi32>
// CHECK: scf.yield %[[R1]] : tensor<*xi32>
func.func @unranked(%g: tensor<*xi32>, %ii: tensor<*xi64>, %s: tensor<*xi64>, %oi: tensor<*xi64>) -> tensor<*xi32> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = i32} : (tensor<*xi32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) -> tensor<*xi32>
  return %0 : tensor<*xi32>
}

// -----

// A static result length with run-time rows is the op's own result type
// (the op checks it against the rows at run time), not an unchecked cast.
// CHECK-LABEL: func @refined_result
// CHECK: %[[R:.*]] = sparse.slice_grad {{.*}} -> tensor<5xcomplex<f32>>
// CHECK-NOT: tensor.cast
// CHECK: return %[[R]] : tensor<5xcomplex<f32>>
func.func @refined_result(%g: tensor<?xcomplex<f32>>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<5xcomplex<f32>> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = complex<f32>} : (tensor<?xcomplex<f32>>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<5xcomplex<f32>>
  return %0 : tensor<5xcomplex<f32>>
}

// -----

// Quantized types become their storage types in the signature, at the call
// and in the op; tf.Identity becomes its operand; ops of other dialects are
// left alone.
// CHECK-LABEL: func private @kernel
// CHECK-SAME: (%{{.*}}: tensor<?xui8>, %{{.*}}: tensor<?x?xi64>, %{{.*}}: tensor<?xi64>, %{{.*}}: tensor<?x?xi64>) -> tensor<?xui8>
// CHECK: sparse.slice_grad {{.*}} -> tensor<?xui8>
// CHECK-LABEL: func @caller
// CHECK-SAME: (%[[G:.*]]: tensor<?xi8>, {{.*}}) -> tensor<?xi8>
// CHECK: call @kernel({{.*}}) : (tensor<?xui8>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?xui8>
// CHECK: %[[OI:.*]] = "other.op"(%{{.*}}) : (tensor<?x?xi64>) -> tensor<?x?xi64>
// CHECK: sparse.slice_grad %[[G]], %{{.*}}, %{{.*}}, %[[OI]] : {{.*}} -> tensor<?xi8>
func.func private @kernel(%g: tensor<?x!tf_type.quint8>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?x!tf_type.quint8> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = !tf_type.quint8} : (tensor<?x!tf_type.quint8>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.quint8>
  return %0 : tensor<?x!tf_type.quint8>
}
func.func @caller(%g: tensor<?x!tf_type.qint8>, %gu: tensor<?x!tf_type.quint8>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?x!tf_type.qint8> {
  %u = call @kernel(%gu, %ii, %s, %oi) : (tensor<?x!tf_type.quint8>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.quint8>
  %oi1 = "tf.Identity"(%oi) : (tensor<?x?xi64>) -> tensor<?x?xi64>
  %oi2 = "other.op"(%oi1) : (tensor<?x?xi64>) -> tensor<?x?xi64>
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi2) {T = !tf_type.qint8} : (tensor<?x!tf_type.qint8>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.qint8>
  return %0 : tensor<?x!tf_type.qint8>
}

// -----

// Every quantized type TensorFlow's kernel registers.
// CHECK-LABEL: func @all_quantized
// CHECK-SAME: tensor<?xi8>, %{{.*}}: tensor<?xui8>, %{{.*}}: tensor<?xi16>, %{{.*}}: tensor<?xui16>, %{{.*}}: tensor<?xi32>
// CHECK-COUNT-5: sparse.slice_grad
func.func @all_quantized(%a: tensor<?x!tf_type.qint8>, %b: tensor<?x!tf_type.quint8>, %c: tensor<?x!tf_type.qint16>, %d: tensor<?x!tf_type.quint16>, %e: tensor<?x!tf_type.qint32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) {
  %0 = "tf.SparseSliceGrad"(%a, %ii, %s, %oi) : (tensor<?x!tf_type.qint8>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.qint8>
  %1 = "tf.SparseSliceGrad"(%b, %ii, %s, %oi) : (tensor<?x!tf_type.quint8>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.quint8>
  %2 = "tf.SparseSliceGrad"(%c, %ii, %s, %oi) : (tensor<?x!tf_type.qint16>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.qint16>
  %3 = "tf.SparseSliceGrad"(%d, %ii, %s, %oi) : (tensor<?x!tf_type.quint16>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.quint16>
  %4 = "tf.SparseSliceGrad"(%e, %ii, %s, %oi) : (tensor<?x!tf_type.qint32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.qint32>
  return
}

// -----

// What tf.mlir.experimental.convert_function exports around the op: a call
// through tf.PartitionedCall, tf.Identity, tf.Const, TF's attributes on the
// module, the functions and their arguments.
// CHECK-LABEL: func @__inference_outer_16
//  CHECK-SAME: (%[[G:.*]]: tensor<?xi8> {tf._user_specified_name = "g"}, %[[II:.*]]: tensor<?x?xi64>{{.*}}) -> tensor<?xi8>
//       CHECK: %[[S:.*]] = arith.constant dense<[0, 1]> : tensor<2xi64>
//       CHECK: %[[R:.*]] = call @__inference_inner_8(%[[G]], %[[II]], %[[S]]) : (tensor<?xi8>, tensor<?x?xi64>, tensor<2xi64>) -> tensor<?xi8>
//       CHECK: return %[[R]] : tensor<?xi8>
// CHECK-LABEL: func.func private @__inference_inner_8
//       CHECK: %[[O:.*]] = arith.constant dense<0> : tensor<1x2xi64>
//       CHECK: %[[V:.*]] = sparse.slice_grad %{{.*}}, %{{.*}}, %{{.*}}, %[[O]] : tensor<?xi8>, tensor<?x?xi64>, tensor<2xi64>, tensor<1x2xi64> -> tensor<?xi8>
//       CHECK: return %[[V]] : tensor<?xi8>
module attributes {tf.versions = {bad_consumers = [], min_consumer = 0 : i32, producer = 2474 : i32}} {
  func.func @__inference_outer_16(%arg0: tensor<?x!tf_type.qint8> {tf._user_specified_name = "g"}, %arg1: tensor<?x?xi64> {tf._user_specified_name = "ii"}) -> tensor<?x!tf_type.qint8> attributes {allow_soft_placement = false, tf.entry_function = {control_outputs = "", inputs = "g,ii", outputs = "identity_RetVal"}} {
    %cst = "tf.Const"() <{value = dense<[0, 1]> : tensor<2xi64>}> {device = ""} : () -> tensor<2xi64>
    %0 = "tf.PartitionedCall"(%arg0, %arg1, %cst) <{config = "", config_proto = "", executor_type = "", f = @__inference_inner_8}> {_collective_manager_ids = [], _read_only_resource_inputs = [], device = ""} : (tensor<?x!tf_type.qint8>, tensor<?x?xi64>, tensor<2xi64>) -> tensor<?x!tf_type.qint8>
    %1:2 = "tf.IdentityN"(%0, %cst) {device = ""} : (tensor<?x!tf_type.qint8>, tensor<2xi64>) -> (tensor<?x!tf_type.qint8>, tensor<2xi64>)
    return %1#0 : tensor<?x!tf_type.qint8>
  }
  func.func private @__inference_inner_8(%arg0: tensor<?x!tf_type.qint8>, %arg1: tensor<?x?xi64>, %arg2: tensor<2xi64>) -> tensor<?x!tf_type.qint8> attributes {tf._construction_context = "kEagerRuntime"} {
    %cst = "tf.Const"() <{value = dense<0> : tensor<1x2xi64>}> {device = ""} : () -> tensor<1x2xi64>
    %0 = "tf.SparseSliceGrad"(%arg0, %arg1, %arg2, %cst) {T = !tf_type.qint8, device = ""} : (tensor<?x!tf_type.qint8>, tensor<?x?xi64>, tensor<2xi64>, tensor<1x2xi64>) -> tensor<?x!tf_type.qint8>
    %1 = "tf.Identity"(%0) {device = ""} : (tensor<?x!tf_type.qint8>) -> tensor<?x!tf_type.qint8>
    return %1 : tensor<?x!tf_type.qint8>
  }
}
