// The steps of sparse-to-nvvm, each after the pass that makes it.
// RUN: sparse-opt %s --sparse-to-nvvm --mlir-print-ir-after=convert-sparse-to-gpu --mlir-print-ir-after=convert-parallel-loops-to-gpu --mlir-print-ir-after=gpu-kernel-outlining --mlir-print-ir-after=gpu-async-region --mlir-print-ir-after=convert-gpu-to-nvvm --mlir-print-ir-after=gpu-module-to-binary -o /dev/null 2>&1 | FileCheck %s --implicit-check-not=sparse.slice_grad

// Bufferized, then the op to host code around the kernels' scf.parallel
// loops (docs/GPU.md).
// CHECK-LABEL: IR Dump After ConvertSparseToGPUPass (convert-sparse-to-gpu)
// CHECK: gpu.alloc
// CHECK: gpu.memcpy
// CHECK-COUNT-9: scf.parallel

// Tiled into blocks of 256 threads and mapped to a launch.
// CHECK-LABEL: IR Dump After ConvertParallelLoopToGpuPass (convert-parallel-loops-to-gpu)
// CHECK: arith.constant 256 : index
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in ({{.*}}) threads(%{{.*}}, %{{.*}}, %{{.*}}) in ({{.*}})
// CHECK: gpu.terminator

// Outlined into a gpu.module.
// CHECK-LABEL: IR Dump After GpuKernelOutliningPass (gpu-kernel-outlining)
// CHECK: gpu.launch_func @grad_kernel::@grad_kernel
// CHECK: gpu.module @grad_kernel
// CHECK: gpu.func @grad_kernel(
// CHECK-SAME: kernel

// Asynchronous: tokens chain the copies, the launches and the frees of
// each straight line of host code; the host waits before each loop over
// tree levels (MLIR 22 lowers no token through scf.for) and before it
// reads the status.
// CHECK-LABEL: IR Dump After GpuAsyncRegionPass (gpu-async-region)
// CHECK: gpu.wait async
// CHECK: gpu.alloc async
// CHECK: gpu.memcpy async
// CHECK: %[[FLAGS:.*]] = gpu.launch_func async [%{{.*}}] @grad_kernel_1::@grad_kernel
// CHECK: gpu.launch_func async [%[[FLAGS]]] @grad_kernel_2::@grad_kernel
// CHECK: %[[WRITE:.*]] = gpu.launch_func async [%{{.*}}] @grad_kernel_6::@grad_kernel
// CHECK: %[[FALLBACK:.*]] = gpu.launch_func async [%[[WRITE]]] @grad_kernel_7::@grad_kernel
// CHECK: gpu.dealloc async [%[[FALLBACK]]]
// CHECK: gpu.memcpy async
// CHECK: gpu.wait [%

// The kernel in NVVM.
// CHECK-LABEL: IR Dump After ConvertGpuOpsToNVVMOps (convert-gpu-to-nvvm)
// CHECK: llvm.func @grad_kernel(
// CHECK-SAME: nvvm.kernel
// CHECK-DAG: nvvm.read.ptx.sreg.tid.x
// CHECK-DAG: nvvm.read.ptx.sreg.ctaid.x

// The kernel as PTX in a gpu.binary.
// CHECK-LABEL: IR Dump After GpuModuleToBinaryPass (gpu-module-to-binary)
// CHECK: gpu.binary @grad_kernel [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">

func.func @grad(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
