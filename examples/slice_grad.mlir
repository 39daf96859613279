// The gradient of TensorFlow's SparseSlice, computed by sparse.slice_grad.
//
// A 4x6 sparse tensor with 14 non-zeros is sliced at start [1, 3] with size
// [3, 2]; the slice keeps input rows 5, 8 and 12 ([1,3], [2,3], [3,3]).
// Given the gradient of the slice's values, [13, 23, 33], the gradient of the
// input's values puts each one back at its row and zero elsewhere.
//
// On the arrays in examples/inputs/ (numpy's np.save; any shapes work):
//
//   sparse-opt --run examples/slice_grad.mlir -e slice_grad \
//     --input=@examples/inputs/backprop_val_grad.npy \
//     --input=@examples/inputs/input_indices.npy \
//     --input=@examples/inputs/input_start.npy \
//     --input=@examples/inputs/output_indices.npy
//   result[0]: 14xf32=0 0 0 0 0 13 0 0 23 0 0 0 33 0
//
// --output=@val_grad.npy writes the result to a file instead. @main runs
// the same on constants, for mlir-runner-style tools:
//
//   sparse-opt --run examples/slice_grad.mlir

func.func @slice_grad(%backprop_val_grad: tensor<?xf32>, %input_indices: tensor<?x?xi64>,
                      %input_start: tensor<?xi64>, %output_indices: tensor<?x?xi64>) -> tensor<?xf32> {
  %val_grad = sparse.slice_grad %backprop_val_grad, %input_indices, %input_start, %output_indices
      : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %val_grad : tensor<?xf32>
}

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %backprop_val_grad = arith.constant dense<[13.0, 23.0, 33.0]> : tensor<3xf32>
  %input_indices = arith.constant dense<[[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4], [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3], [3, 5]]> : tensor<14x2xi64>
  %input_start = arith.constant dense<[1, 3]> : tensor<2xi64>
  %output_indices = arith.constant dense<[[0, 0], [1, 0], [2, 0]]> : tensor<3x2xi64>
  %g = tensor.cast %backprop_val_grad : tensor<3xf32> to tensor<?xf32>
  %ii = tensor.cast %input_indices : tensor<14x2xi64> to tensor<?x?xi64>
  %s = tensor.cast %input_start : tensor<2xi64> to tensor<?xi64>
  %oi = tensor.cast %output_indices : tensor<3x2xi64> to tensor<?x?xi64>
  %val_grad = call @slice_grad(%g, %ii, %s, %oi)
      : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  %printable = tensor.cast %val_grad : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%printable) : (tensor<*xf32>) -> ()
  return
}
