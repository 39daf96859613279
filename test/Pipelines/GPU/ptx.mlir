// The sparse-to-nvvm pipeline makes PTX for sm_90, which ptxas accepts
// where the CUDA toolkit is installed.
//
// RUN: sparse-opt %s --sparse-to-nvvm | FileCheck %s
// RUN: sparse-opt %s --sparse-to-nvvm > %t.mlir
// RUN: %test_python %testlib/extract_ptx.py 0 < %t.mlir > %t.0.ptx
// RUN: FileCheck %s --check-prefix=PTX --implicit-check-not=ld.global.b32 < %t.0.ptx
// RUN: %if ptxas %{ %ptxas -arch=sm_90 %t.0.ptx -o %t.0.cubin %}
// RUN: sparse-opt %s --sparse-to-nvvm='chip=sm_80 features=+ptx70' | FileCheck %s --check-prefix=SM80

// The host: shape checks, device buffers and copies on a stream, the nine
// kernels (box leaves, box levels, flags, counts, scan levels up, root,
// scan levels down, write, fallback), the status and the result back,
// TensorFlow's error from the status. Every kernel is assembled by ptxas
// in ptx_types.py.
// CHECK-LABEL: llvm.func @grad(
// CHECK: llvm.call @sparseSliceGradCheckFailed
// CHECK: llvm.call @mgpuStreamCreate
// CHECK: llvm.call @mgpuMemAlloc
// CHECK: llvm.call @mgpuMemcpy
// CHECK: gpu.launch_func <%{{.*}} : !llvm.ptr> @grad_kernel::@grad_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}})
// CHECK-COUNT-8: gpu.launch_func
// CHECK: llvm.call @mgpuStreamSynchronize
// CHECK: llvm.call @mgpuMemcpy
// CHECK: llvm.call @mgpuMemFree
// CHECK: llvm.call @sparseSliceGradCheckFailed
// The kernel, compiled for sm_90.
// CHECK: gpu.binary @grad_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">

// PTX: .version 8.0
// PTX: .target sm_90
// PTX: .visible .entry grad_kernel(
// The box leaves read 64-bit coordinates with 64-bit loads: the kernel
// module has NVPTX's data layout when it is translated
// (sparse-attach-gpu-data-layout), not LLVM's default, where i64 is
// 4-byte aligned and every load is split in two.
// PTX: ld.global.b64
// PTX: st.global.b64

// SM80: chip = "sm_80", features = "+ptx70"

func.func @grad(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// Every value type compiles; two more here: complex and unsigned.
func.func @grad_complex(%g: tensor<?xcomplex<f64>>, %ii: tensor<?x3xi64>, %s: tensor<3xi64>, %oi: tensor<?x3xi64>) -> tensor<?xcomplex<f64>> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xcomplex<f64>>, tensor<?x3xi64>, tensor<3xi64>, tensor<?x3xi64> -> tensor<?xcomplex<f64>>
  return %r : tensor<?xcomplex<f64>>
}

func.func @grad_ui8(%g: tensor<?xui8>, %ii: tensor<?x1xi64>, %s: tensor<1xi64>, %oi: tensor<?x1xi64>) -> tensor<?xui8> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xui8>, tensor<?x1xi64>, tensor<1xi64>, tensor<?x1xi64> -> tensor<?xui8>
  return %r : tensor<?xui8>
}

// A run-time R (what TensorFlow's exports give): kernels for each
// R = 1..8 and generic ones (loops over columns) for any other R.
// CHECK-LABEL: llvm.func @grad_dynamic(
// CHECK-COUNT-81: gpu.launch_func
// CHECK: gpu.binary @grad_dynamic_kernel
// CHECK: gpu.binary @grad_dynamic_kernel_6
func.func @grad_dynamic(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
