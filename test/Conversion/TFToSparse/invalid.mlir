// RUN: sparse-opt %s --allow-unregistered-dialect --convert-tf-to-sparse --split-input-file --verify-diagnostics

func.func @operand_count(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>) -> tensor<?xf32> {
  // expected-error @below {{'tf.SparseSliceGrad' op expects 4 operands (backprop_val_grad, input_indices, input_start, output_indices) and 1 result, got 3 operands and 1 results}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s) {T = f32} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @result_count(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) {
  // expected-error @below {{got 4 operands and 0 results}}
  "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> ()
  return
}

// -----

func.func @i32_indices(%g: tensor<?xf32>, %ii: tensor<?x?xi32>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  // expected-error @below {{input_indices must have element type i64 (tf.int64), got 'i32'}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<?xf32>, tensor<?x?xi32>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @not_a_tensor(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: memref<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  // expected-error @below {{input_start must be a tensor, got 'memref<2xi64>'}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<?xf32>, tensor<?x?xi64>, memref<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @t_disagrees(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  // expected-error @below {{T = 'f64' disagrees with backprop_val_grad's element type 'f32' or the result's 'f32'}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f64} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @result_type(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf64> {
  // expected-error @below {{result element type 'f64' must match backprop_val_grad's 'f32'}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf64>
  return %0 : tensor<?xf64>
}

// -----

func.func @bool_values(%g: tensor<?xi1>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xi1> {
  // expected-error @below {{element type 'i1' is not one of SparseSliceGrad's value types}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) : (tensor<?xi1>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xi1>
  return %0 : tensor<?xi1>
}

// -----

func.func @unknown_tf_type(%g: tensor<?x!tf_type.string>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?x!tf_type.string> {
  // expected-error @below {{element type '!tf_type.string' is not one of SparseSliceGrad's value types}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) : (tensor<?x!tf_type.string>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.string>
  return %0 : tensor<?x!tf_type.string>
}

// -----

// TensorFlow's shape checks come from sparse.slice_grad's verifier.
func.func @shape_error(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x3xi64>) -> tensor<14xf32> {
  // expected-error @below {{The input and output should have the same ndims: got: 2 and 3}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x3xi64>) -> tensor<14xf32>
  return %0 : tensor<14xf32>
}

// -----

// A quantized value used by an op the pass does not rewrite.
func.func @quantized_elsewhere(%g: tensor<?x!tf_type.qint8>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?x!tf_type.qint8> {
  // expected-error @below {{cannot map quantized type 'tensor<?x!tf_type.qint8>' to its storage type: 'other.dequantize' uses it, and only function arguments, results, calls and the imported TF ops are rewritten}}
  %d = "other.dequantize"(%g) : (tensor<?x!tf_type.qint8>) -> tensor<?xf32>
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) : (tensor<?x!tf_type.qint8>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?x!tf_type.qint8>
  return %0 : tensor<?x!tf_type.qint8>
}

// -----

func.func @t_not_a_type(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  // expected-error @below {{'tf.SparseSliceGrad' op T must be a type, got 1 : i32}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = 1 : i32} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @wrong_result_size(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<5xf32> {
  // expected-error @below {{'tf.SparseSliceGrad' op result type 'tensor<5xf32>' must be a vector with one value per row of input_indices}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64>) -> tensor<5xf32>
  return %0 : tensor<5xf32>
}

// -----

func.func @wrong_result_rank(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<?x?xf32> {
  // expected-error @below {{'tf.SparseSliceGrad' op result type 'tensor<?x?xf32>' must be a vector with one value per row of input_indices}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

func.func @as_terminator(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) {
  // expected-error @below {{'tf.SparseSliceGrad' op cannot end its block: its block needs a terminator after it}}
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<?xf32>
}

// -----

func.func private @quantized(%g: tensor<?x!tf_type.qint8>) -> tensor<?x!tf_type.qint8>

func.func @function_constant() {
  // expected-error @below {{cannot map quantized type '(tensor<?x!tf_type.qint8>) -> tensor<?x!tf_type.qint8>' to its storage type: 'func.constant' uses it}}
  %f = func.constant @quantized : (tensor<?x!tf_type.qint8>) -> tensor<?x!tf_type.qint8>
  return
}

// -----

func.func @other_tf_op(%g: tensor<?xf32>) -> tensor<?xf32> {
  // expected-error @below {{'tf.Mul' op is not imported by convert-tf-to-sparse, which takes tf.SparseSlice, tf.SparseSliceGrad, tf.Identity, tf.IdentityN, tf.Const and tf.PartitionedCall/StatefulPartitionedCall: lower it with the host compiler's own TensorFlow legalization first}}
  %0 = "tf.Mul"(%g, %g) : (tensor<?xf32>, tensor<?xf32>) -> tensor<?xf32>
  return %0 : tensor<?xf32>
}

// -----

func.func @slice_operand_count(%ii: tensor<?x?xi64>, %v: tensor<?xf32>, %s: tensor<2xi64>) {
  // expected-error @below {{'tf.SparseSlice' op expects 5 operands (indices, values, shape, start, size) and 3 results, got 4 operands and 3 results}}
  %0:3 = "tf.SparseSlice"(%ii, %v, %s, %s) : (tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>) -> (tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>)
  return
}

// -----

func.func @slice_i32_start(%ii: tensor<?x?xi64>, %v: tensor<?xf32>, %s: tensor<2xi64>, %st: tensor<2xi32>) {
  // expected-error @below {{'tf.SparseSlice' op start must have element type i64 (tf.int64), got 'i32'}}
  %0:3 = "tf.SparseSlice"(%ii, %v, %s, %st, %s) : (tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi32>, tensor<2xi64>) -> (tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>)
  return
}

// -----

func.func @slice_string_values(%ii: tensor<?x?xi64>, %v: tensor<?x!tf_type.string>, %s: tensor<2xi64>) {
  // expected-error @below {{is not one of the value types sparse.slice supports}}
  %0:3 = "tf.SparseSlice"(%ii, %v, %s, %s, %s) : (tensor<?x?xi64>, tensor<?x!tf_type.string>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> (tensor<?x?xi64>, tensor<?x!tf_type.string>, tensor<2xi64>)
  return
}

// -----

func.func @slice_static_sizes(%ii: tensor<5x2xi64>, %v: tensor<4xf32>, %s: tensor<2xi64>) {
  // expected-error @below {{Number of elements in indices (5) and values (4) do not match}}
  %0:3 = "tf.SparseSlice"(%ii, %v, %s, %s, %s) : (tensor<5x2xi64>, tensor<4xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>)
  return
}

// -----

func.func @const_not_dense() -> tensor<2xi64> {
  // expected-error @below {{'tf.Const' op expects a dense elements attribute 'value', got "0 1"}}
  %0 = "tf.Const"() <{value = "0 1"}> : () -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @const_no_value() -> tensor<2xi64> {
  // expected-error @below {{'tf.Const' op expects a dense elements attribute 'value'}}
  %0 = "tf.Const"() : () -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @const_wrong_type() -> tensor<3xi64> {
  // expected-error @below {{'tf.Const' op value's type 'tensor<2xi64>' is not its result type 'tensor<3xi64>'}}
  %0 = "tf.Const"() <{value = dense<[0, 1]> : tensor<2xi64>}> : () -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

func.func @identity_n_counts(%a: tensor<2xi64>) -> tensor<2xi64> {
  // expected-error @below {{'tf.IdentityN' op expects one result per operand, got 1 operands and 2 results}}
  %0:2 = "tf.IdentityN"(%a) : (tensor<2xi64>) -> (tensor<2xi64>, tensor<2xi64>)
  return %0#0 : tensor<2xi64>
}

// -----

func.func @identity_n_types(%a: tensor<2xi64>, %b: tensor<?xf32>) -> tensor<?xi64> {
  // expected-error @below {{'tf.IdentityN' op operand #1 of type 'tensor<?xf32>' is not compatible with its result type 'tensor<?xi64>'}}
  %0:2 = "tf.IdentityN"(%a, %b) : (tensor<2xi64>, tensor<?xf32>) -> (tensor<2xi64>, tensor<?xi64>)
  return %0#1 : tensor<?xi64>
}

// -----

func.func @call_no_callee(%a: tensor<2xi64>) -> tensor<2xi64> {
  // expected-error @below {{'tf.PartitionedCall' op expects 'f', a symbol reference to the callee, got "inner"}}
  %0 = "tf.PartitionedCall"(%a) <{config = "", config_proto = "", executor_type = "", f = "inner"}> : (tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @call_missing_callee(%a: tensor<2xi64>) -> tensor<2xi64> {
  // expected-error @below {{'tf.StatefulPartitionedCall' op calls @missing, which is not a func.func of this module}}
  %0 = "tf.StatefulPartitionedCall"(%a) <{config = "", config_proto = "", executor_type = "", f = @missing}> : (tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func private @inner(%a: tensor<2xi64>) -> tensor<2xi64>

func.func @call_arity(%a: tensor<2xi64>) -> tensor<2xi64> {
  // expected-error @below {{'tf.PartitionedCall' op has 2 operands and 1 results, but @inner takes 1 and returns 1}}
  %0 = "tf.PartitionedCall"(%a, %a) <{config = "", config_proto = "", executor_type = "", f = @inner}> : (tensor<2xi64>, tensor<2xi64>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
