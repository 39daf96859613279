// RUN: sparse-opt %s -convert-sparse-to-gpu="chunk-rows=32" -split-input-file | FileCheck %s --implicit-check-not=sparse.slice_grad
// RUN: sparse-opt %s -convert-sparse-to-gpu="device-memory=false" -split-input-file | FileCheck %s --check-prefix=HOST --implicit-check-not=sparse.slice_grad
// RUN: not sparse-opt %s -convert-sparse-to-gpu="chunk-rows=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=BADCHUNK

// Shape checks on the host; where N_out > 0, device copies of the operands,
// one scf.parallel over chunks of 32 rows running the box pass (one chunk
// per GPU thread after mapping), the verdicts back to the host, the result
// back if all hold, the host loop otherwise.

// CHECK-LABEL: func @static_rank
//  CHECK-SAME: (%[[G:.*]]: memref<?xf32>, %[[II:.*]]: memref<?x2xi64>, %[[S:.*]]: memref<2xi64>, %[[OI:.*]]: memref<?x2xi64>, %[[OUT:.*]]: memref<?xf32>)
//       CHECK: %[[NIN:.*]] = memref.dim %[[II]]
//       CHECK: %[[NOUT:.*]] = memref.dim %[[OI]]
//       CHECK: %[[HASOUT:.*]] = arith.cmpi ugt, %[[NOUT]], %c0{{.*}} : index
//       CHECK: %[[PROVED:.*]] = scf.if %[[HASOUT]] -> (i1) {
//       CHECK:   %[[N:.*]] = arith.ceildivui %[[NIN]], %c32 : index
//       CHECK:   %[[DG:.*]] = gpu.alloc  (%{{.*}}) : memref<?xf32>
//       CHECK:   %[[DII:.*]] = gpu.alloc  (%{{.*}}) : memref<?x2xi64>
//       CHECK:   %[[DS:.*]] = gpu.alloc  () : memref<2xi64>
//       CHECK:   %[[DOI:.*]] = gpu.alloc  (%{{.*}}) : memref<?x2xi64>
//       CHECK:   %[[DOUT:.*]] = gpu.alloc  (%{{.*}}) : memref<?xf32>
//       CHECK:   %[[DV:.*]] = gpu.alloc  (%[[N]]) : memref<?xindex>
//       CHECK:   gpu.memcpy  %[[DG]], %[[G]]
//       CHECK:   gpu.memcpy  %[[DII]], %[[II]]
//       CHECK:   gpu.memcpy  %[[DS]], %[[S]]
//       CHECK:   gpu.memcpy  %[[DOI]], %[[OI]]
//       CHECK:   scf.parallel (%[[K:.*]]) = (%{{.*}}) to (%[[N]]) step (%{{.*}}) {
// The kernel reads device buffers only: input_start, the binary searches,
// the box, the flagged pass.
//       CHECK:     memref.load %[[DS]]
//       CHECK:     scf.while
//       CHECK:     arith.minsi
//       CHECK:     scf.for
//       CHECK:       memref.load %[[DII]]
//       CHECK:       memref.load %[[DOI]]
//       CHECK:       memref.load %[[DG]]
//       CHECK:       memref.store %{{.*}}, %[[DOUT]]
//       CHECK:     memref.store %{{.*}}, %[[DV]][%[[K]]] : memref<?xindex>
//       CHECK:   %[[HV:.*]] = memref.alloc(%[[N]]) : memref<?xindex>
//       CHECK:   gpu.memcpy  %[[HV]], %[[DV]]
//       CHECK:   %[[ALL:.*]] = scf.for
//       CHECK:   %[[OK:.*]] = arith.cmpi eq, %[[ALL]], %{{.*}} : index
//       CHECK:   scf.if %[[OK]] {
//       CHECK:     gpu.memcpy  %[[OUT]], %[[DOUT]]
//       CHECK:   memref.dealloc %[[HV]]
//       CHECK:   gpu.dealloc  %[[DG]]
//       CHECK:   gpu.dealloc  %[[DV]]
//       CHECK:   scf.yield %[[OK]] : i1
// The host loop where nothing was proved, with TF's run-time error.
//       CHECK: %[[NOT:.*]] = arith.xori %[[PROVED]], %{{.*}} : i1
//       CHECK: scf.if %[[NOT]] {
//       CHECK:   scf.while
//       CHECK:   arith.constant 6 : i32

// HOST-LABEL: func @static_rank
//       HOST: memref.alloc(%{{.*}}) : memref<?xf32>
//       HOST: memref.copy
//       HOST: scf.parallel
//   HOST-NOT: gpu.
//       HOST: return

// BADCHUNK: error: convert-sparse-to-gpu: chunk-rows must be at least 1, got 0
func.func @static_rank(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}

// -----

// A run-time R: the device path for each R = 1..8 (operands cast to that
// R), the host loop for any other R.
// CHECK-LABEL: func @dynamic_rank
//       CHECK: scf.index_switch
//  CHECK-NEXT: case 1 {
//       CHECK:   memref.cast %{{.*}} : memref<?x?xi64> to memref<?x1xi64>
//       CHECK:   gpu.alloc (%{{.*}}) : memref<?x1xi64>
//       CHECK:   scf.parallel
//       CHECK: case 8 {
//       CHECK:   gpu.alloc (%{{.*}}) : memref<?x8xi64>
//       CHECK:   scf.parallel
//       CHECK: default {
//   CHECK-NOT:   gpu.
//   CHECK-NOT:   scf.parallel
//       CHECK: return
// HOST-LABEL: func @dynamic_rank

// A strided operand: the host loop only.
func.func @dynamic_rank(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  return
}

// -----

// CHECK-LABEL: func @strided
//   CHECK-NOT: gpu.
//       CHECK: return
// HOST-LABEL: func @strided
func.func @strided(%g: memref<?xf32>, %ii: memref<?x2xi64, strided<[4, 1]>>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64, strided<[4, 1]>>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}
