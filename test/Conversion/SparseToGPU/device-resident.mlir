// RUN: sparse-opt %s -convert-sparse-to-gpu | FileCheck %s --implicit-check-not=sparse.slice_grad
// RUN: sparse-opt %s -sparse-to-nvvm | FileCheck %s --check-prefix=LLVM
// RUN: not sparse-opt %s -convert-sparse-to-gpu=device-memory=false 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not sparse-opt %s -convert-sparse-to-loops 2>&1 | FileCheck %s --check-prefix=CPU

// Device memory (what a host compiler that keeps tensors on the GPU
// passes): the kernels read and write the operands in place. The only
// copy is the status buffer's 24 bytes back to the host.
// CHECK-LABEL: func @device_operands
//  CHECK-SAME: (%[[G:.*]]: memref<?xf32, #gpu.address_space<global>>, %[[II:.*]]: memref<?x2xi64, #gpu.address_space<global>>, %{{.*}}, %{{.*}}, %[[OUT:.*]]: memref<?xf32, #gpu.address_space<global>>)
//   CHECK-NOT: gpu.memcpy
//       CHECK: gpu.alloc  () : memref<3xi64>
//   CHECK-NOT: gpu.memcpy
//       CHECK: memref.load %[[II]]
//   CHECK-NOT: gpu.memcpy
//       CHECK: memref.load %[[G]]
//       CHECK: memref.store %{{.*}}, %[[OUT]]
//   CHECK-NOT: gpu.memcpy
//       CHECK: gpu.memcpy  %{{.*}}, %{{.*}} : memref<3xi64>, memref<3xi64>
//   CHECK-NOT: gpu.memcpy
//       CHECK: return
func.func @device_operands(%g: memref<?xf32, #gpu.address_space<global>>, %ii: memref<?x2xi64, #gpu.address_space<global>>, %s: memref<2xi64, #gpu.address_space<global>>, %oi: memref<?x2xi64, #gpu.address_space<global>>, %out: memref<?xf32, #gpu.address_space<global>>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32, #gpu.address_space<global>>, memref<?x2xi64, #gpu.address_space<global>>, memref<2xi64, #gpu.address_space<global>>, memref<?x2xi64, #gpu.address_space<global>> into %out : memref<?xf32, #gpu.address_space<global>>
  return
}

// The host code after sparse-to-nvvm: device memory is LLVM address space
// 1, the kernels launch on it; the only copy is the status (24 bytes).
// LLVM-LABEL: llvm.func @device_operands(
//  LLVM-SAME: !llvm.ptr<1>
//   LLVM-NOT: llvm.call @mgpuMemcpy
//      LLVM: gpu.launch_func
//   LLVM-NOT: llvm.call @mgpuMemcpy
//      LLVM: llvm.call @mgpuMemcpy(%{{.*}}, %{{.*}}, %[[BYTES:.*]], %{{.*}})
//   LLVM-NOT: llvm.call @mgpuMemcpy
//      LLVM: llvm.call @sparseSliceGradCheckFailed

// Code on CPU threads cannot read device memory.
// CPU: error: 'sparse.slice_grad' op has operands in device memory (#gpu.address_space<global>), which code on CPU threads cannot read: lower it with convert-sparse-to-gpu (the sparse-to-nvvm pipeline)
