// RUN: sparse-opt %s -split-input-file -verify-diagnostics

// TensorFlow's size checks of SparseSlice, in its wording and order, where
// the static shapes decide them.

func.func @values_rows(%ii: tensor<5x2xi64>, %v: tensor<3xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{Number of elements in indices (5) and values (3) do not match}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : tensor<5x2xi64>, tensor<3xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return
}

// -----

func.func @shape_rank(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %s: tensor<3xi64>) {
  // expected-error @+1 {{Index rank (2) and shape rank (3) do not match}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : tensor<?x2xi64>, tensor<?xf32>, tensor<3xi64>, tensor<3xi64>, tensor<3xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<3xi64>
  return
}

// -----

func.func @start_length(%ii: tensor<?x?xi64>, %v: tensor<?xf32>, %s: tensor<2xi64>, %st: tensor<1xi64>) {
  // expected-error @+1 {{Expected start to be a vector of length 2 but got length 1}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %st, %s : tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>, tensor<1xi64>, tensor<2xi64> -> tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>
  return
}

// -----

func.func @size_length(%ii: tensor<?x?xi64>, %v: tensor<?xf32>, %s: tensor<2xi64>, %sz: tensor<3xi64>) {
  // expected-error @+1 {{Expected size to be a vector of length 2 but got length 3}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %sz : tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<3xi64> -> tensor<?x?xi64>, tensor<?xf32>, tensor<2xi64>
  return
}

// -----

func.func @indices_rank(%ii: tensor<5xi64>, %v: tensor<5xf32>, %s: tensor<1xi64>) {
  // expected-error @+1 {{Sparse indices must be rank 2 but is rank 1}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : tensor<5xi64>, tensor<5xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64> -> tensor<?x1xi64>, tensor<?xf32>, tensor<1xi64>
  return
}

// -----

func.func @static_m(%ii: tensor<5x2xi64>, %v: tensor<5xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{output_indices must have shape [?, R] with indices' R, got 'tensor<3x2xi64>'}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : tensor<5x2xi64>, tensor<5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<3x2xi64>, tensor<?xf32>, tensor<2xi64>
  return
}

// -----

func.func @value_type(%ii: tensor<5x2xi64>, %v: tensor<5xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{output_values must have shape [?] and values' element type, got 'tensor<?xf64>'}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : tensor<5x2xi64>, tensor<5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf64>, tensor<2xi64>
  return
}

// -----

func.func @mixed_forms(%ii: memref<5x2xi64>, %v: tensor<5xf32>, %s: tensor<2xi64>) {
  // expected-error @+1 {{operands must be all tensors or all memrefs}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : memref<5x2xi64>, tensor<5xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return
}

// -----

func.func @strided_result(%ii: memref<?x2xi64>, %v: memref<?xf32>, %s: memref<2xi64>) {
  // expected-error @+1 {{allocates its results: they must have the identity layout and the default memory space}}
  %a, %b, %c = sparse.slice %ii, %v, %s, %s, %s : memref<?x2xi64>, memref<?xf32>, memref<2xi64>, memref<2xi64>, memref<2xi64> -> memref<?x2xi64, strided<[?, 1]>>, memref<?xf32>, memref<2xi64>
  return
}

// -----

func.func @scatter_length(%g: tensor<3xf32>, %p: tensor<4xi64>, %ii: tensor<?x2xi64>) {
  // expected-error @+1 {{# elements of backprop_val_grad and # rows of output_indices should match (#nnz of sum): got 3 and 4}}
  %r = sparse.slice_grad_scatter %g, %p, %ii : tensor<3xf32>, tensor<4xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return
}
