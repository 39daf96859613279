// RUN: sparse-opt %s -split-input-file -verify-diagnostics

// TensorFlow's seven shape checks, in its wording.

func.func @indices_not_matrices(%g: tensor<3xf32>, %ii: tensor<14xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{'sparse.slice_grad' op Input and output indices should be matrices but received shapes: [14] and [3,2]}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return
}

// -----

func.func @output_indices_not_matrix(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2x1xi64>) {
  // expected-error@+1 {{Input and output indices should be matrices but received shapes: [14,2] and [3,2,1]}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2x1xi64> -> tensor<14xf32>
  return
}

// -----

func.func @grad_not_vector(%g: tensor<3x1xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{Input backprop_val_grad should be a vector but received shape: [3,1]}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3x1xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return
}

// -----

func.func @ndims_differ(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x3xi64>) {
  // expected-error@+1 {{The input and output should have the same ndims: got: 2 and 3}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x3xi64> -> tensor<14xf32>
  return
}

// -----

func.func @too_many_output_rows(%g: tensor<5xf32>, %ii: tensor<4x2xi64>, %s: tensor<2xi64>, %oi: tensor<5x2xi64>) {
  // expected-error@+1 {{# rows of output_indices should be not greater than of input_indices, got 5 and 4}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<5xf32>, tensor<4x2xi64>, tensor<2xi64>, tensor<5x2xi64> -> tensor<4xf32>
  return
}

// -----

func.func @grad_count_differs(%g: tensor<2xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{# elements of backprop_val_grad and # rows of output_indices should match (#nnz of sum): got 2 and 3}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<2xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return
}

// -----

func.func @start_not_vector(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<1x2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{The input_start should be a vector but received shape [1,2]}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<1x2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return
}

// -----

func.func @start_length(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<3xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{Expected input_start to be a vector of length 2 but got length 3}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<3xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return
}

// -----

// Dynamic sizes leave a check to run time; the static ones still apply.
func.func @dynamic_still_checks_ranks(%g: tensor<?xf32>, %ii: tensor<?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) {
  // expected-error@+1 {{Input and output indices should be matrices but received shapes: [?] and [?,?]}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return
}

// -----

// The result.

func.func @result_element_type(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{result element type 'f64' must match backprop_val_grad's 'f32'}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf64>
  return
}

// -----

func.func @result_length(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{result must have one element per row of input_indices, got 13 and 14}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<13xf32>
  return
}

// -----

func.func @result_rank(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{result must be a vector but has shape [14,1]}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14x1xf32>
  return
}

// -----

func.func @destination_length(%g: memref<3xf32>, %ii: memref<14x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %out: memref<15xf32>) {
  // expected-error@+1 {{destination must have one element per row of input_indices, got 15 and 14}}
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf32>, memref<14x2xi64>, memref<2xi64>, memref<3x2xi64> into %out : memref<15xf32>
  return
}

// -----

// Element types and forms.

func.func @index_type(%g: tensor<3xf32>, %ii: tensor<14x2xi32>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{operand #1 must be ranked tensor or memref of i64}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi32>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return
}

// -----

func.func @value_type(%g: tensor<3xi1>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{operand #0 must be ranked tensor or memref of TensorFlow number type}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xi1>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xi1>
  return
}

// -----

func.func @mixed_forms(%g: tensor<3xf32>, %ii: memref<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) {
  // expected-error@+1 {{operands must be all tensors or all memrefs}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, memref<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return
}

// -----

func.func @memref_with_result(%g: memref<3xf32>, %ii: memref<14x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>) {
  // expected-error@+1 {{on memrefs takes a destination after 'into' and has no result}}
  %r = "sparse.slice_grad"(%g, %ii, %s, %oi) : (memref<3xf32>, memref<14x2xi64>, memref<2xi64>, memref<3x2xi64>) -> tensor<14xf32>
  return
}

// -----

func.func @tensor_without_result(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>, %out: memref<14xf32>) {
  // expected-error@+1 {{on tensors takes four operands and has one result}}
  "sparse.slice_grad"(%g, %ii, %s, %oi, %out) : (tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64>, memref<14xf32>) -> ()
  return
}

// -----

// Sizes TensorFlow's TensorShape or the lowerings' byte arithmetic cannot
// hold: a diagnostic, not an overflow.
func.func @too_many_bytes(%g: tensor<4611686018427387904xf32>, %ii: tensor<4611686018427387904x0xi64>, %s: tensor<0xi64>) {
  // expected-error@+1 {{'sparse.slice_grad' op backprop_val_grad of shape [4611686018427387904] has more than 2^63 - 1 bytes}}
  %r = sparse.slice_grad %g, %ii, %s, %ii : tensor<4611686018427387904xf32>, tensor<4611686018427387904x0xi64>, tensor<0xi64>, tensor<4611686018427387904x0xi64> -> tensor<4611686018427387904xf32>
  return
}

// -----

func.func @too_many_elements(%g: tensor<?xf32>, %ii: tensor<4611686018427387904x4xi64>, %s: tensor<4xi64>) {
  // expected-error@+1 {{'sparse.slice_grad' op input_indices of shape [4611686018427387904,4] has more than 2^63 - 1 bytes}}
  %r = sparse.slice_grad %g, %ii, %s, %ii : tensor<?xf32>, tensor<4611686018427387904x4xi64>, tensor<4xi64>, tensor<4611686018427387904x4xi64> -> tensor<4611686018427387904xf32>
  return
}

// -----

// Memrefs the lowerings cannot address.
func.func @affine_layout(%g: memref<3xf32>, %ii: memref<14x2xi64, affine_map<(d0, d1) -> (d1, d0)>>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %out: memref<14xf32>) {
  // expected-error@+1 {{'sparse.slice_grad' op input_indices must have a strided layout (identity or strided<...>), got affine_map<(d0, d1) -> (d1, d0)>}}
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf32>, memref<14x2xi64, affine_map<(d0, d1) -> (d1, d0)>>, memref<2xi64>, memref<3x2xi64> into %out : memref<14xf32>
  return
}

// -----

func.func @memory_space(%g: memref<3xf32>, %ii: memref<14x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %out: memref<14xf32, 1>) {
  // expected-error@+1 {{'sparse.slice_grad' op destination must be in the default memory space or in #gpu.address_space<global>, got 1 : i64}}
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf32>, memref<14x2xi64>, memref<2xi64>, memref<3x2xi64> into %out : memref<14xf32, 1>
  return
}

// -----

// Device memory is all or nothing.
func.func @mixed_memory(%g: memref<3xf32, #gpu.address_space<global>>, %ii: memref<14x2xi64, #gpu.address_space<global>>, %s: memref<2xi64>, %oi: memref<3x2xi64, #gpu.address_space<global>>, %out: memref<14xf32, #gpu.address_space<global>>) {
  // expected-error@+1 {{'sparse.slice_grad' op input_start is in host memory but backprop_val_grad in device memory: the operands must all be in one memory space}}
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf32, #gpu.address_space<global>>, memref<14x2xi64, #gpu.address_space<global>>, memref<2xi64>, memref<3x2xi64, #gpu.address_space<global>> into %out : memref<14xf32, #gpu.address_space<global>>
  return
}

// -----

func.func @workgroup_memory(%g: memref<3xf32, #gpu.address_space<workgroup>>, %ii: memref<14x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %out: memref<14xf32>) {
  // expected-error@+1 {{'sparse.slice_grad' op backprop_val_grad must be in the default memory space or in #gpu.address_space<global>, got #gpu.address_space<workgroup>}}
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf32, #gpu.address_space<workgroup>>, memref<14x2xi64>, memref<2xi64>, memref<3x2xi64> into %out : memref<14xf32>
  return
}

// -----

// R = 0: input_indices holds no bytes, but the result would.
func.func @result_too_many_bytes(%g: tensor<0xf32>, %ii: tensor<4611686018427387904x0xi64>, %s: tensor<0xi64>, %oi: tensor<0x0xi64>) {
  // expected-error@+1 {{'sparse.slice_grad' op result of shape [4611686018427387904] has more than 2^63 - 1 bytes}}
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xf32>, tensor<4611686018427387904x0xi64>, tensor<0xi64>, tensor<0x0xi64> -> tensor<4611686018427387904xf32>
  return
}

// -----

// The memref form's destination must be a buffer of its own.
func.func @destination_is_operand(%g: memref<?xf32>, %ii: memref<?x1xi64>, %s: memref<1xi64>, %oi: memref<?x1xi64>) {
  // expected-error@+1 {{'sparse.slice_grad' op destination is operand #1: a memref form needs a separate destination buffer}}
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x1xi64>, memref<1xi64>, memref<?x1xi64> into %g : memref<?xf32>
  return
}

// -----

func.func @scatter_destination_is_operand(%g: memref<?xf32>, %p: memref<?xi64>, %ii: memref<?x1xi64>) {
  // expected-error@+1 {{'sparse.slice_grad_scatter' op destination is operand #1: a memref form needs a separate destination buffer}}
  sparse.slice_grad_scatter %g, %p, %ii : memref<?xf32>, memref<?xi64>, memref<?x1xi64> into %g : memref<?xf32>
  return
}

// -----

// The partition's box: a vector of 2R words.
func.func @box_not_vector(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>, %box: tensor<2x2xi64>) -> index {
  // expected-error @below {{box must be a vector of 2R words (the minima, then the maxima), got rank 2}}
  %n = sparse.slice_grad_count %g, %ii, %s, %oi box(%box : tensor<2x2xi64>) : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>
  return %n : index
}

// -----

func.func @box_size(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>, %box: tensor<2xi64>, %j: index) -> index {
  // expected-error @below {{box must have 2R = 4 words, got 2}}
  %vg, %e = sparse.slice_grad_resume %g, %ii, %s, %oi from %j box(%box : tensor<2xi64>) : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %e : index
}

// -----

func.func @box_other_form(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>, %box: memref<4xi64>) -> index {
  // expected-error @below {{operands must be all tensors or all memrefs}}
  %n = sparse.slice_grad_count %g, %ii, %s, %oi box(%box : memref<4xi64>) : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>
  return %n : index
}
