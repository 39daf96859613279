// The kernels slice-grad-gpu-bench calls (device form): sparse.slice_grad on f32
// at R = 2 and 4, compiled ahead of time by bench/CMakeLists.txt.

func.func @grad_r2_device(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) attributes {llvm.emit_c_interface} {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}

func.func @grad_r4_device(%g: memref<?xf32>, %ii: memref<?x4xi64>, %s: memref<4xi64>, %oi: memref<?x4xi64>, %out: memref<?xf32>) attributes {llvm.emit_c_interface} {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x4xi64>, memref<4xi64>, memref<?x4xi64> into %out : memref<?xf32>
  return
}
