// REQUIRES: cuda-device
// Device-resident operands on an NVIDIA GPU, the way a host compiler that
// keeps tensors on the device calls the op: the caller copies the inputs
// to device buffers itself, casts them to #gpu.address_space<global>, and
// @grad's sparse.slice_grad runs its kernels on them in place (no copies
// of its own; docs/GPU.md). Shuffled rows take the fast path without
// sorting; TensorFlow's error comes back through the status buffer.
// (deallocate=false: the caller frees its buffers itself, which the
// buffer-deallocation pipeline does not accept.)
//
// RUN: sparse-opt --run %s -e main --entry-point-result=void --pass-pipeline='builtin.module(sparse-to-nvvm{deallocate=false})' | FileCheck %s
// RUN: not sparse-opt --run %s -e not_propagated --entry-point-result=void --pass-pipeline='builtin.module(sparse-to-nvvm{deallocate=false})' 2>&1 | FileCheck %s --check-prefix=ERROR

// CHECK: [0,  13,  0,  33,  0,  23]
// ERROR: INTERNAL: Elements of backprop_val_grad aren't all propagated. Num elements:3, used: 1

func.func private @printMemrefF32(memref<*xf32>) attributes {llvm.emit_c_interface}

func.func @grad(%g: memref<?xf32, #gpu.address_space<global>>, %ii: memref<?x2xi64, #gpu.address_space<global>>, %s: memref<2xi64, #gpu.address_space<global>>, %oi: memref<?x2xi64, #gpu.address_space<global>>, %out: memref<?xf32, #gpu.address_space<global>>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32, #gpu.address_space<global>>, memref<?x2xi64, #gpu.address_space<global>>, memref<2xi64, #gpu.address_space<global>>, memref<?x2xi64, #gpu.address_space<global>> into %out : memref<?xf32, #gpu.address_space<global>>
  return
}

// The caller's side: device buffers, copies in, the call, the result out.
func.func @on_device(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>) {
  %c0 = arith.constant 0 : index
  %nout = memref.dim %g, %c0 : memref<?xf32>
  %nin = memref.dim %ii, %c0 : memref<?x2xi64>
  %dg = gpu.alloc (%nout) : memref<?xf32>
  %dii = gpu.alloc (%nin) : memref<?x2xi64>
  %ds = gpu.alloc () : memref<2xi64>
  %doi = gpu.alloc (%nout) : memref<?x2xi64>
  %dout = gpu.alloc (%nin) : memref<?xf32>
  gpu.memcpy %dg, %g : memref<?xf32>, memref<?xf32>
  gpu.memcpy %dii, %ii : memref<?x2xi64>, memref<?x2xi64>
  gpu.memcpy %ds, %s : memref<2xi64>, memref<2xi64>
  gpu.memcpy %doi, %oi : memref<?x2xi64>, memref<?x2xi64>
  %cg = memref.memory_space_cast %dg : memref<?xf32> to memref<?xf32, #gpu.address_space<global>>
  %cii = memref.memory_space_cast %dii : memref<?x2xi64> to memref<?x2xi64, #gpu.address_space<global>>
  %cs = memref.memory_space_cast %ds : memref<2xi64> to memref<2xi64, #gpu.address_space<global>>
  %coi = memref.memory_space_cast %doi : memref<?x2xi64> to memref<?x2xi64, #gpu.address_space<global>>
  %cout = memref.memory_space_cast %dout : memref<?xf32> to memref<?xf32, #gpu.address_space<global>>
  call @grad(%cg, %cii, %cs, %coi, %cout) : (memref<?xf32, #gpu.address_space<global>>, memref<?x2xi64, #gpu.address_space<global>>, memref<2xi64, #gpu.address_space<global>>, memref<?x2xi64, #gpu.address_space<global>>, memref<?xf32, #gpu.address_space<global>>) -> ()
  %out = memref.alloc (%nin) : memref<?xf32>
  gpu.memcpy %out, %dout : memref<?xf32>, memref<?xf32>
  %u = memref.cast %out : memref<?xf32> to memref<*xf32>
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  memref.dealloc %out : memref<?xf32>
  gpu.dealloc %dg : memref<?xf32>
  gpu.dealloc %dii : memref<?x2xi64>
  gpu.dealloc %ds : memref<2xi64>
  gpu.dealloc %doi : memref<?x2xi64>
  gpu.dealloc %dout : memref<?xf32>
  return
}

memref.global "private" constant @g : memref<3xf32> = dense<[13.0, 33.0, 23.0]>
memref.global "private" constant @s : memref<2xi64> = dense<[1, 3]>
// Shuffled input rows; the output rows in the order the input has them.
memref.global "private" constant @ii : memref<6x2xi64> = dense<[[3, 5], [1, 3], [0, 0], [3, 3], [2, 2], [2, 3]]>
memref.global "private" constant @oi : memref<3x2xi64> = dense<[[0, 0], [2, 0], [1, 0]]>
// The same output rows out of order: TensorFlow's loop matches one.
memref.global "private" constant @oi_swapped : memref<3x2xi64> = dense<[[2, 0], [0, 0], [1, 0]]>

func.func @main() {
  %g = memref.get_global @g : memref<3xf32>
  %s = memref.get_global @s : memref<2xi64>
  %ii = memref.get_global @ii : memref<6x2xi64>
  %oi = memref.get_global @oi : memref<3x2xi64>
  %gd = memref.cast %g : memref<3xf32> to memref<?xf32>
  %iid = memref.cast %ii : memref<6x2xi64> to memref<?x2xi64>
  %oid = memref.cast %oi : memref<3x2xi64> to memref<?x2xi64>
  call @on_device(%gd, %iid, %s, %oid) : (memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64>) -> ()
  return
}

func.func @not_propagated() {
  %g = memref.get_global @g : memref<3xf32>
  %s = memref.get_global @s : memref<2xi64>
  %ii = memref.get_global @ii : memref<6x2xi64>
  %oi = memref.get_global @oi_swapped : memref<3x2xi64>
  %gd = memref.cast %g : memref<3xf32> to memref<?xf32>
  %iid = memref.cast %ii : memref<6x2xi64> to memref<?x2xi64>
  %oid = memref.cast %oi : memref<3x2xi64> to memref<?x2xi64>
  call @on_device(%gd, %iid, %s, %oid) : (memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64>) -> ()
  return
}
