// sparse.slice through sparse-to-nvvm: the checks and the output shape on
// the host (the runtime), the indices and values copied to the device, the
// count and write kernels (one block of chunk-rows rows per thread), the
// prefix over blocks on the host between them, the results copied back.
// ptxas assembles the kernels where the CUDA toolkit is installed. (Their
// results are checked on CPU threads by test/Differential/slice_random.py's
// gpu-algorithm config; on a GPU, by scripts/gpu-check.sh once it exists.)
//
// RUN: sparse-opt %s --sparse-to-nvvm | FileCheck %s
// RUN: sparse-opt %s --sparse-to-nvvm | FileCheck %s --check-prefix=BIN
// RUN: sparse-opt %s --sparse-to-nvvm > %t.mlir
// RUN: %test_python %testlib/extract_ptx.py 0 < %t.mlir > %t.0.ptx
// RUN: %test_python %testlib/extract_ptx.py 1 < %t.mlir > %t.1.ptx
// RUN: %test_python %testlib/extract_ptx.py 19 < %t.mlir > %t.19.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.1.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.0.ptx -o %t.0.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.1.ptx -o %t.1.cubin %}
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.19.ptx -o %t.19.cubin %}

// CHECK-LABEL: llvm.func @slice(
// CHECK: llvm.call @sparseSliceCheckAndShape
// CHECK: llvm.call @mgpuMemAlloc
// CHECK: llvm.call @mgpuMemcpy
// CHECK: gpu.launch_func <%{{.*}} : !llvm.ptr> @slice_kernel::@slice_kernel
// CHECK: llvm.call @mgpuMemcpy
// CHECK: gpu.launch_func <%{{.*}} : !llvm.ptr> @slice_kernel_0::@slice_kernel
// CHECK: llvm.call @mgpuMemcpy
// CHECK: llvm.call @mgpuMemFree

// A run-time R: the two kernels for each R in 0..8; a larger R runs in
// order on the host (no kernel reads host memory).
// CHECK-LABEL: llvm.func @dynamic_rank(
// CHECK-COUNT-18: gpu.launch_func
// CHECK-NOT: gpu.launch_func
// BIN: gpu.binary @slice_kernel {{.*}}chip = "sm_90"

// PTX: .target sm_90
// PTX: .visible .entry slice_kernel(
// PTX: ld.global
// PTX: st.global

func.func @slice(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %st: tensor<2xi64>, %sz: tensor<2xi64>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>) {
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return %oi, %ov, %os : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
}

func.func @dynamic_rank(%ii: tensor<?x?xi64>, %v: tensor<?xcomplex<f64>>, %sh: tensor<?xi64>, %st: tensor<?xi64>, %sz: tensor<?xi64>) -> (tensor<?x?xi64>, tensor<?xcomplex<f64>>, tensor<?xi64>) {
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x?xi64>, tensor<?xcomplex<f64>>, tensor<?xi64>, tensor<?xi64>, tensor<?xi64> -> tensor<?x?xi64>, tensor<?xcomplex<f64>>, tensor<?xi64>
  return %oi, %ov, %os : tensor<?x?xi64>, tensor<?xcomplex<f64>>, tensor<?xi64>
}
