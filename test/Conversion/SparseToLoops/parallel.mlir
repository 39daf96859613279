// RUN: sparse-opt %s -convert-sparse-to-loops="strategy=parallel vector-width=4 chunk-rows=1000 box-pass=false" -split-input-file | FileCheck %s
// RUN: sparse-opt %s -convert-sparse-to-loops="strategy=parallel vector-width=4 chunk-rows=1000" -split-input-file | FileCheck %s --check-prefix=BOX
// RUN: sparse-opt %s -convert-sparse-to-loops="strategy=parallel vector-width=0" -split-input-file | FileCheck %s --check-prefix=SCALAR
// RUN: not sparse-opt %s -convert-sparse-to-loops="strategy=parallel chunk-rows=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=BADCHUNK

// The parallel strategy's greedy pass (box-pass=false): chunks under
// scf.parallel, each from a guessed j (binary search), a vector step over
// rows, the chain check with the sequential rerun, then TensorFlow's
// all-propagated check.

// CHECK-LABEL: func @static_rank
//  CHECK-SAME: (%[[G:.*]]: memref<?xf32>, %[[II:.*]]: memref<?x2xi64>, %[[S:.*]]: memref<2xi64>, %[[OI:.*]]: memref<?x2xi64>, %[[OUT:.*]]: memref<?xf32>)
//       CHECK: %[[NIN:.*]] = memref.dim %[[II]]
//       CHECK: %[[NOUT:.*]] = memref.dim %[[OI]]
//       CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
//       CHECK: %[[S0:.*]] = memref.load %[[S]][%{{.*}}] : memref<2xi64>
//       CHECK: %[[S1:.*]] = memref.load %[[S]][%{{.*}}] : memref<2xi64>
//       CHECK: %[[FLAT:.*]] = memref.collapse_shape %[[II]] {{\[\[}}0, 1]] : memref<?x2xi64> into memref<?xi64>
//       CHECK: %[[MINLEN:.*]] = arith.ceildivui %[[NIN]], %{{.*}} : index
//       CHECK: %[[LEN:.*]] = arith.maxui %{{.*}}, %[[MINLEN]] : index
//       CHECK: %[[NCHUNKS:.*]] = arith.ceildivui %[[NIN]], %[[LEN]] : index
//       CHECK: %[[USED64:.*]] = memref.alloca_scope -> (i64) {
//       CHECK:   %[[GUESSES:.*]] = memref.alloca() : memref<1024xindex>
//       CHECK:   %[[ENDS:.*]] = memref.alloca() : memref<1024xindex>
//       CHECK:   scf.parallel (%[[K:.*]]) = (%{{.*}}) to (%[[NCHUNKS]]) step (%{{.*}}) {
//       CHECK:     %[[LO:.*]] = arith.muli %[[K]], %[[LEN]] : index
//       CHECK:     %[[HI:.*]] = arith.minui %{{.*}}, %[[NIN]] : index
//       CHECK:     %[[GUESS:.*]] = scf.if %{{.*}} -> (index) {
//       CHECK:     } else {
// The binary search: lexicographic, signed, on the shifted output rows.
//       CHECK:       scf.while
//       CHECK:         arith.shrui
//       CHECK:         arith.cmpi slt
//       CHECK:     memref.store %[[GUESS]], %[[GUESSES]][%[[K]]]
//       CHECK:     %[[CHUNK:.*]]:2 = scf.while (%{{.*}} = %[[LO]], %{{.*}} = %[[GUESS]])
// The vector step: 4 rows of 2 coordinates, one column per shuffle.
//       CHECK:       %[[ROWS:.*]] = vector.load %[[FLAT]][%{{.*}}] : memref<?xi64>, vector<8xi64>
//       CHECK:       %[[COL0:.*]] = vector.shuffle %[[ROWS]], %[[ROWS]] [0, 2, 4, 6]
//       CHECK:       %[[T0:.*]] = arith.addi %{{.*}}, %[[S0]] : i64
//       CHECK:       %[[B0:.*]] = vector.broadcast %[[T0]] : i64 to vector<4xi64>
//       CHECK:       %[[EQ0:.*]] = arith.cmpi eq, %[[COL0]], %[[B0]] : vector<4xi64>
//       CHECK:       %[[COL1:.*]] = vector.shuffle %[[ROWS]], %[[ROWS]] [1, 3, 5, 7]
//       CHECK:       %[[EQ1:.*]] = arith.cmpi eq, %[[COL1]], %{{.*}} : vector<4xi64>
//       CHECK:       %[[EQ:.*]] = arith.andi %[[EQ0]], %[[EQ1]] : vector<4xi1>
//       CHECK:       %[[LANES:.*]] = arith.select %[[EQ]], %{{.*}}, %{{.*}} : vector<4xi1>, vector<4xi32>
//       CHECK:       %[[FIRST:.*]] = vector.reduction <minui>, %[[LANES]] : vector<4xi32> into i32
//       CHECK:       %[[ZEROS:.*]] = vector.broadcast %[[ZERO]] : f32 to vector<4xf32>
//       CHECK:       vector.store %[[ZEROS]], %[[OUT]][%{{.*}}] : memref<?xf32>, vector<4xf32>
// The scalar step: branch-free.
//       CHECK:     } else {
//       CHECK:       %[[V:.*]] = memref.load %[[G]][%{{.*}}] : memref<?xf32>
//       CHECK:       %[[SEL:.*]] = arith.select %{{.*}}, %[[V]], %[[ZERO]] : f32
//       CHECK:       memref.store %[[SEL]], %[[OUT]][%{{.*}}] : memref<?xf32>
// The rest of a chunk after the last output row is zero.
//       CHECK:     scf.for %{{.*}} = %[[CHUNK]]#0 to %[[HI]]
//       CHECK:       memref.store %[[ZERO]], %[[OUT]]
//       CHECK:     memref.store %[[CHUNK]]#1, %[[ENDS]][%[[K]]]
// The chain, from j = 0 at chunk 0: a chunk whose guess is its
// predecessor's end is kept, any other is rerun from that end.
//       CHECK:   %[[USED:.*]] = scf.for %[[K2:.*]] = %[[C0:.*]] to %[[NCHUNKS]] step %{{.*}} iter_args(%[[J:.*]] = %[[C0]]) -> (index) {
//       CHECK:     %[[G2:.*]] = memref.load %[[GUESSES]][%[[K2]]]
//       CHECK:     %[[CHAINED:.*]] = arith.cmpi eq, %[[G2]], %[[J]] : index
//       CHECK:     scf.if %[[CHAINED]] -> (index) {
//       CHECK:       memref.load %[[ENDS]][%[[K2]]]
//       CHECK:     } else {
//       CHECK:       scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %[[J]])
//       CHECK:   %[[U64:.*]] = arith.index_castui %[[USED]] : index to i64
//       CHECK:   memref.alloca_scope.return %[[U64]] : i64
//       CHECK: %[[U:.*]] = arith.index_castui %[[USED64]] : i64 to index
//       CHECK: %[[NOTALL:.*]] = arith.cmpi ne, %[[NOUT]], %[[U]] : index
//       CHECK: scf.if %[[NOTALL]] {
//       CHECK:   arith.constant 6 : i32
//   CHECK-NOT: sparse.slice_grad

// With the box pass (the default): it runs first where N_out > 0. Each chunk
// guesses its first output row and the next chunk's, then runs vector steps
// of 4 rows: each flags the rows inside the box of a window of output rows
// that holds every row the step can meet (recomputed as j moves on), checks
// the flagged rows against the next output rows (plain or expanding loads)
// and writes g or zero; greedy scalar steps finish the chunk. A chunk's
// guess is proved when every check held and it ends at the next guess. The
// greedy pass runs only if some guess was not proved.
// BOX-LABEL: func @static_rank
//  BOX-SAME: (%[[G:.*]]: memref<?xf32>, %[[II:.*]]: memref<?x2xi64>, %[[S:.*]]: memref<2xi64>, %[[OI:.*]]: memref<?x2xi64>, %[[OUT:.*]]: memref<?xf32>)
//       BOX: %[[NOUT:.*]] = memref.dim %[[OI]]
//       BOX: %[[S0:.*]] = memref.load %[[S]]
//       BOX: %[[S1:.*]] = memref.load %[[S]]
//       BOX: %[[INFLAT:.*]] = memref.collapse_shape %[[II]]
//       BOX: %[[OUTFLAT:.*]] = memref.collapse_shape %[[OI]]
//       BOX: memref.alloca_scope -> (i64) {
//       BOX:   memref.alloca() : memref<1024xindex>
//       BOX:   %[[PROVED:.*]] = memref.alloca() : memref<1024xindex>
//       BOX:   %[[HASOUT:.*]] = arith.cmpi ugt, %[[NOUT]], %{{.*}} : index
//       BOX:   %[[TRY:.*]] = scf.if %[[HASOUT]] -> (i1) {
//       BOX:     scf.parallel (%[[K:.*]]) =
// The guesses of this chunk and of the next (two binary searches).
//       BOX:       %[[J0:.*]] = scf.if %{{.*}} -> (index)
//       BOX:       %[[JEND:.*]] = scf.if %{{.*}} -> (index)
//       BOX:       %[[STARTPAT:.*]] = vector.from_elements %[[S0]], %[[S1]], %[[S0]], %[[S1]], %[[S0]], %[[S1]], %[[S0]], %[[S1]] : vector<8xi64>
// Vector steps while 4 rows and 4 output rows remain; the state carries the
// window's end and its box.
//       BOX:       %[[STEPS:.*]]:6 = scf.while (%{{.*}} = %{{.*}}, %{{.*}} = %[[J0]], %{{.*}} = %true{{.*}}, %{{.*}} = %[[J0]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}}) : (index, index, i1, index, vector<8xi64>, vector<8xi64>)
//       BOX:         arith.cmpi ule, %{{.*}}, %[[NOUT]] : index
//       BOX:         %[[ROWS:.*]] = vector.load %[[INFLAT]][%{{.*}}] : memref<?xi64>, vector<8xi64>
// A new window when the step could pass its end: 32 output rows (8 steps),
// min and max per lane, then rotations by 1 and 2 rows.
//       BOX:         %[[WIN:.*]]:3 = scf.if %{{.*}} -> (vector<8xi64>, vector<8xi64>, index) {
//       BOX:           vector.load %[[OUTFLAT]]
//       BOX:           scf.for
//       BOX:             vector.load %[[OUTFLAT]]
//       BOX:             arith.minsi {{.*}} : vector<8xi64>
//       BOX:             arith.maxsi {{.*}} : vector<8xi64>
//       BOX:           vector.shuffle %{{.*}}, %{{.*}} [2, 3, 4, 5, 6, 7, 0, 1]
//       BOX:           vector.shuffle %{{.*}}, %{{.*}} [4, 5, 6, 7, 0, 1, 2, 3]
//       BOX:         } else {
// The next window's output rows are prefetched (a cache line per 8
// coordinates a step reads: one here).
//       BOX:         memref.prefetch %[[OUTFLAT]][%{{.*}}], read, locality<3>, data
//   BOX-NOT:         memref.prefetch
//       BOX:         arith.cmpi sge, %[[ROWS]], %[[WIN]]#0 : vector<8xi64>
//       BOX:         arith.cmpi sle, %[[ROWS]], %[[WIN]]#1 : vector<8xi64>
// The masks as integer bits: each row's 2 bits ANDed, copied (flat mask),
// gathered (row mask).
//       BOX:         vector.bitcast %{{.*}} : vector<8xi1> to vector<1xi8>
//       BOX:         %[[FLATFLAGS:.*]] = vector.bitcast %{{.*}} : vector<1xi8> to vector<8xi1>
//       BOX:         %[[FLAGS:.*]] = vector.bitcast %{{.*}} : vector<1xi4> to vector<4xi1>
// A step whose rows are all flagged loads the next output rows and
// gradients; any other expands them into the flagged lanes.
//       BOX:         %[[ALL:.*]] = vector.reduction <and>, %[[FLAGS]] : vector<4xi1> into i1
//       BOX:         %[[LOADS:.*]]:2 = scf.if %[[ALL]] -> (vector<8xi64>, vector<4xf32>) {
//       BOX:           vector.load %[[OUTFLAT]][%{{.*}}] : memref<?xi64>, vector<8xi64>
//       BOX:           vector.load %[[G]][%{{.*}}] : memref<?xf32>, vector<4xf32>
//       BOX:         } else {
//       BOX:           vector.expandload %[[OUTFLAT]][%{{.*}}], %[[FLATFLAGS]], %[[ROWS]] : memref<?xi64>, vector<8xi1>, vector<8xi64> into vector<8xi64>
//       BOX:           vector.expandload %[[G]][%{{.*}}], %[[FLAGS]], %{{.*}} : memref<?xf32>, vector<4xi1>, vector<4xf32> into vector<4xf32>
//       BOX:         %[[SHIFTED:.*]] = arith.addi %[[LOADS]]#0, %[[STARTPAT]] : vector<8xi64>
//       BOX:         arith.cmpi ne, %[[ROWS]], %[[SHIFTED]] : vector<8xi64>
//       BOX:         vector.reduction <or>
//       BOX:         vector.store %[[LOADS]]#1, %[[OUT]]
//       BOX:         vector.reduction <add>
// The rest of the chunk: greedy scalar steps, branch-free.
//       BOX:       %[[TAIL:.*]]:2 = scf.for %{{.*}} = %[[STEPS]]#0 to %{{.*}} iter_args(%{{.*}} = %[[STEPS]]#1, %{{.*}} = %[[STEPS]]#2)
//       BOX:         arith.select
//       BOX:         memref.store %{{.*}}, %[[OUT]]
//       BOX:       %[[MEETS:.*]] = arith.cmpi eq, %[[TAIL]]#0, %[[JEND]] : index
//       BOX:       %[[OK:.*]] = arith.andi %[[TAIL]]#1, %[[MEETS]] : i1
//       BOX:       %[[WORD:.*]] = arith.index_castui %[[OK]] : i1 to index
//       BOX:       memref.store %[[WORD]], %[[PROVED]][%[[K]]]
//       BOX:     scf.for
//       BOX:       memref.load %[[PROVED]]
//       BOX:       arith.andi
//       BOX:   scf.if %[[TRY]] -> (i64) {
//       BOX:     arith.index_castui %[[NOUT]] : index to i64
//       BOX:   } else {
// The greedy pass.
//       BOX:     scf.parallel
//       BOX:       scf.while
//       BOX:       vector.reduction <minui>
//       BOX: arith.constant 6 : i32
//   BOX-NOT: sparse.slice_grad

// SCALAR-LABEL: func @static_rank
//       SCALAR: scf.parallel
//   SCALAR-NOT: vector.
//       SCALAR: return

// BADCHUNK: error: convert-sparse-to-loops: chunk-rows must be at least 1, got 0
func.func @static_rank(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}

// -----

// A dynamic R, a complex value type or a strided layout keeps the scalar
// step: the row comparison loops over the columns.

// CHECK-LABEL: func @dynamic_rank
//       CHECK: scf.parallel
//   CHECK-NOT: vector.
//       CHECK: return
// A dynamic R has no box pass.
// BOX-LABEL: func @dynamic_rank
//   BOX-NOT: minsi
//       BOX: return
// SCALAR-LABEL: func @dynamic_rank
func.func @dynamic_rank(%g: memref<?xi8>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %out: memref<?xi8>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xi8>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xi8>
  return
}

// -----

// CHECK-LABEL: func @complex_values
//       CHECK: scf.parallel
//   CHECK-NOT: vector.
//       CHECK: arith.select %{{.*}}, %{{.*}}, %{{.*}} : complex<f64>
//       CHECK: return
// Complex values: the box pass's scalar rows only.
// BOX-LABEL: func @complex_values
//       BOX: arith.minsi
//   BOX-NOT: vector.
//       BOX: return
// SCALAR-LABEL: func @complex_values
func.func @complex_values(%g: memref<3xcomplex<f64>>, %ii: memref<5x3xi64>, %s: memref<3xi64>, %oi: memref<3x3xi64>, %out: memref<5xcomplex<f64>>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xcomplex<f64>>, memref<5x3xi64>, memref<3xi64>, memref<3x3xi64> into %out : memref<5xcomplex<f64>>
  return
}

// -----

// CHECK-LABEL: func @strided
//       CHECK: scf.parallel
//   CHECK-NOT: vector.
//       CHECK: return
// BOX-LABEL: func @strided
//       BOX: arith.minsi
//   BOX-NOT: vector.
//       BOX: return
// SCALAR-LABEL: func @strided
func.func @strided(%g: memref<?xf32>, %ii: memref<?x2xi64, strided<[4, 1]>>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64, strided<[4, 1]>>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}
