// sparse-check-allocations: a buffer of run-time size gets an overflow
// check of its byte count before it is allocated and a null check after;
// static sizes are left alone.
// RUN: sparse-opt %s --sparse-check-allocations | FileCheck %s

// CHECK-LABEL: func.func private @sparseAllocationFailed(!llvm.ptr, !llvm.ptr, memref<?xi64>) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: (%[[N:.*]]: index, %[[M:.*]]: index)
// CHECK: %[[N64:.*]] = arith.index_cast %[[N]] : index to i64
// CHECK: %[[LO:.*]], %[[HI:.*]] = arith.mului_extended %{{.*}}, %[[N64]] : i64
// CHECK: arith.cmpi ne, %[[HI]]
// CHECK: arith.mului_extended
// CHECK: %[[NEG:.*]] = arith.cmpi slt
// CHECK: %[[OVERFLOW:.*]] = arith.ori %{{.*}}, %[[NEG]]
// CHECK: scf.if %[[OVERFLOW]] {
// CHECK:   memref.store
// CHECK:   func.call @sparseAllocationFailed
// CHECK: }
// CHECK: %[[A:.*]] = memref.alloc(%[[N]], %[[M]]) : memref<?x3x?xf64>
// CHECK: %[[P:.*]] = memref.extract_aligned_pointer_as_index %[[A]]
// CHECK: %[[NULL:.*]] = arith.cmpi eq, %[[P]]
// CHECK: %[[FAILED:.*]] = arith.andi %[[NULL]]
// CHECK: scf.if %[[FAILED]] {
// CHECK:   func.call @sparseAllocationFailed
// CHECK: return %[[A]]
func.func @dynamic(%n: index, %m: index) -> memref<?x3x?xf64> {
  %a = memref.alloc(%n, %m) : memref<?x3x?xf64>
  return %a : memref<?x3x?xf64>
}

// CHECK-LABEL: func.func @static
// CHECK-NEXT: memref.alloc() : memref<4xf32>
// CHECK-NEXT: return
func.func @static() -> memref<4xf32> {
  %a = memref.alloc() : memref<4xf32>
  return %a : memref<4xf32>
}
