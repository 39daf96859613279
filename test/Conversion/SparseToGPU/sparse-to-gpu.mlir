// RUN: sparse-opt %s -convert-sparse-to-gpu="chunk-rows=32" -split-input-file | FileCheck %s --implicit-check-not=sparse.slice_grad
// RUN: sparse-opt %s -convert-sparse-to-gpu="device-memory=false" -split-input-file | FileCheck %s --check-prefix=HOST --implicit-check-not=sparse.slice_grad
// RUN: sparse-opt %s -convert-sparse-to-gpu="device-resident=true" -split-input-file | FileCheck %s --check-prefix=RESIDENT --implicit-check-not=sparse.slice_grad
// RUN: not sparse-opt %s -convert-sparse-to-gpu="chunk-rows=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=BADCHUNK

// Host operands (the default memory space): shape checks on the host, the
// operands copied to the device, the kernels (one scf.parallel each, one
// launch each after mapping), the result and the 24-byte status back, TF's
// error from the status. The host reads no operand.

// CHECK-LABEL: func @host_operands
//  CHECK-SAME: (%[[G:.*]]: memref<?xf32>, %[[II:.*]]: memref<?x2xi64>, %[[S:.*]]: memref<2xi64>, %[[OI:.*]]: memref<?x2xi64>, %[[OUT:.*]]: memref<?xf32>)
//       CHECK: %[[NIN:.*]] = memref.dim %[[II]], %c0
//       CHECK: %[[NOUT:.*]] = memref.dim %[[OI]], %c0
//       CHECK: %[[DG:.*]] = gpu.alloc  (%{{.*}}) : memref<?xf32>
//       CHECK: %[[DII:.*]] = gpu.alloc  (%{{.*}}) : memref<?x2xi64>
//       CHECK: %[[DS:.*]] = gpu.alloc  () : memref<2xi64>
//       CHECK: %[[DOI:.*]] = gpu.alloc  (%{{.*}}) : memref<?x2xi64>
//       CHECK: %[[DOUT:.*]] = gpu.alloc  (%{{.*}}) : memref<?xf32>
//       CHECK: gpu.memcpy  %[[DG]], %[[G]]
//       CHECK: gpu.memcpy  %[[DII]], %[[II]]
//       CHECK: gpu.memcpy  %[[DS]], %[[S]]
//       CHECK: gpu.memcpy  %[[DOI]], %[[OI]]
//       CHECK: %[[STATUS:.*]] = gpu.alloc  () : memref<3xi64>
// The trees' levels on the host (sizes only): the box tree over chunks of
// 32 output rows, the scan tree over chunks of 32 input rows.
//       CHECK: %[[BOXLEAVES:.*]] = arith.maxui
//       CHECK: memref.alloc() : memref<65xindex>
//       CHECK: %[[BOXTREE:.*]]:3 = scf.while
//       CHECK: %[[NCHUNKS:.*]] = arith.maxui
//       CHECK: memref.alloc() : memref<65xindex>
//       CHECK: %[[SCANTREE:.*]]:3 = scf.while
//       CHECK: %[[BOX:.*]] = gpu.alloc  (%{{.*}}) : memref<?xi64>
//       CHECK: %[[SCAN:.*]] = gpu.alloc  (%{{.*}}) : memref<?xindex>
//       CHECK: %[[FLAGS:.*]] = gpu.alloc  (%{{.*}}) : memref<?xi8>
// Box leaves: leaf k reduces output rows k, k + leaves, ... (coalesced).
//       CHECK: scf.parallel (%[[LEAF:.*]]) = (%{{.*}}) to (%[[BOXLEAVES]])
//       CHECK:   memref.load %[[DS]]
//       CHECK:   scf.for %{{.*}} = %[[LEAF]] to %{{.*}} step %[[BOXLEAVES]]
//       CHECK:     memref.load %[[DOI]]
//       CHECK:     arith.minsi
//       CHECK:     arith.maxsi
//       CHECK:   memref.store %{{.*}}, %[[BOX]]
// One kernel per level of the box tree.
//       CHECK: scf.for %{{.*}} = %{{.*}} to %[[BOXTREE]]#0
//       CHECK:   scf.parallel
//       CHECK:     memref.store %{{.*}}, %[[BOX]]
// Flags: one thread per input row.
//       CHECK: %[[ROWS:.*]] = arith.maxui %[[NIN]]
//       CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%[[ROWS]])
//       CHECK:   arith.cmpi ult, %[[I]], %[[NIN]]
//       CHECK:     memref.load %[[BOX]]
//       CHECK:     memref.load %[[DII]][%[[I]]
//       CHECK:     memref.store %{{.*}}, %[[FLAGS]][%[[I]]] : memref<?xi8>
// Counts: one thread per chunk sums its flags.
//       CHECK: scf.parallel (%[[K:.*]]) = (%{{.*}}) to (%[[NCHUNKS]])
//       CHECK:   scf.for
//       CHECK:     memref.load %[[FLAGS]]
//       CHECK:   memref.store %{{.*}}, %[[SCAN]][%[[K]]]
// Up-sweep, the root (total to the status, offset 0), down-sweep.
//       CHECK: scf.for %{{.*}} = %{{.*}} to %[[SCANTREE]]#0
//       CHECK:   scf.parallel
//       CHECK:     memref.store %{{.*}}, %[[SCAN]]
//       CHECK: scf.parallel
//       CHECK:   memref.load %[[SCAN]][%[[SCANTREE]]#1]
//       CHECK:   memref.store %{{.*}}, %[[SCAN]][%[[SCANTREE]]#1]
//       CHECK:   memref.store %{{.*}}, %[[STATUS]][%c0{{.*}}]
//       CHECK:   memref.store %{{.*}}, %[[STATUS]][%c1{{.*}}]
//       CHECK: scf.for %{{.*}} = %{{.*}} to %[[SCANTREE]]#0
//       CHECK:   scf.parallel
//       CHECK:     scf.for
//       CHECK:       memref.store %{{.*}}, %[[SCAN]]
// Write and verify: one thread per input row, its number from its chunk's
// offset and the flags before it; a refuted row sets the status word.
//       CHECK: scf.parallel (%[[I2:.*]]) = (%{{.*}}) to (%{{.*}})
//       CHECK:     memref.load %[[SCAN]]
//       CHECK:     scf.for %{{.*}} = %{{.*}} to %[[I2]]
//       CHECK:       memref.load %[[FLAGS]]
//       CHECK:     memref.load %[[FLAGS]][%[[I2]]]
//       CHECK:     scf.if
//       CHECK:         memref.load %[[DG]]
//       CHECK:     memref.store %{{.*}}, %[[DOUT]][%[[I2]]]
//       CHECK:       memref.atomic_rmw ori %{{.*}}, %[[STATUS]]
// The fallback: one thread, TensorFlow's loop unless the proof holds.
//       CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%c1{{.*}})
//       CHECK:   memref.load %[[STATUS]]
//       CHECK:   memref.load %[[STATUS]]
//       CHECK:   scf.if
//       CHECK:     scf.for
//       CHECK:   memref.store %{{.*}}, %[[STATUS]][%c2{{.*}}]
//       CHECK: gpu.dealloc  %[[FLAGS]]
//       CHECK: gpu.dealloc  %[[SCAN]]
//       CHECK: gpu.dealloc  %[[BOX]]
//       CHECK: %[[HSTATUS:.*]] = memref.alloc() : memref<3xi64>
//       CHECK: gpu.memcpy  %[[HSTATUS]], %[[STATUS]]
//       CHECK: %[[USED:.*]] = memref.load %[[HSTATUS]][%c2{{.*}}]
//       CHECK: %[[USEDI:.*]] = arith.index_castui %[[USED]]
//       CHECK: gpu.dealloc  %[[STATUS]]
//       CHECK: gpu.memcpy  %[[OUT]], %[[DOUT]]
//       CHECK: gpu.dealloc  %[[DG]]
//       CHECK: %[[MISSING:.*]] = arith.cmpi ne, %[[NOUT]], %[[USEDI]]
//       CHECK: scf.if %[[MISSING]] {
//       CHECK:   func.call @sparseSliceGradCheckFailed(%{{.*}}, %c6_i32
//       CHECK: return

// On CPU threads: the same kernels on the operands in place, host scratch.
// HOST-LABEL: func @host_operands
//  HOST-SAME: (%[[G:.*]]: memref<?xf32>, %{{.*}}, %{{.*}}, %{{.*}}, %[[OUT:.*]]: memref<?xf32>)
//   HOST-NOT: gpu.
//   HOST-NOT: memref.copy
//       HOST: memref.alloc() : memref<3xi64>
//       HOST: scf.parallel
//       HOST: memref.load %[[G]]
//       HOST: memref.store %{{.*}}, %[[OUT]]
//       HOST: memref.atomic_rmw ori
//       HOST: return

// With device-resident=true, the operands are device memory: no copies.
// RESIDENT-LABEL: func @host_operands
//   RESIDENT-NOT: gpu.memcpy
//       RESIDENT: gpu.alloc  () : memref<3xi64>
//   RESIDENT-NOT: gpu.memcpy
//       RESIDENT: memref.atomic_rmw
//   RESIDENT-NOT: gpu.memcpy
//       RESIDENT: gpu.memcpy  %{{.*}}, %{{.*}} : memref<3xi64>, memref<3xi64>
//   RESIDENT-NOT: gpu.memcpy
//       RESIDENT: return

// BADCHUNK: error: convert-sparse-to-gpu: chunk-rows must be at least 1, got 0
func.func @host_operands(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}

// -----

// A run-time R: the kernels for each R = 1..8 (operands cast to that R,
// columns unrolled), and kernels with loops over columns for any other R.
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
//       CHECK:   gpu.alloc (%{{.*}}) : memref<?x?xi64>
//       CHECK:   scf.parallel
//       CHECK: return
// HOST-LABEL: func @dynamic_rank
// RESIDENT-LABEL: func @dynamic_rank
func.func @dynamic_rank(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  return
}

// -----

// A strided host operand cannot be copied with gpu.memcpy: the host loop.
// In device memory (or on CPU threads) the kernels read it in place.
// CHECK-LABEL: func @strided
//   CHECK-NOT: gpu.
//   CHECK-NOT: scf.parallel
//       CHECK: return
// HOST-LABEL: func @strided
//       HOST: scf.parallel
// RESIDENT-LABEL: func @strided
//   RESIDENT-NOT: gpu.memcpy
//       RESIDENT: scf.parallel
//       RESIDENT: memref.load %{{.*}} : memref<?x2xi64, strided<[4, 1]>>
func.func @strided(%g: memref<?xf32>, %ii: memref<?x2xi64, strided<[4, 1]>>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64, strided<[4, 1]>>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}
