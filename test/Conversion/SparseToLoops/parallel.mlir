// RUN: sparse-opt %s -convert-sparse-to-loops="strategy=parallel vector-width=4 chunk-rows=1000" -split-input-file | FileCheck %s
// RUN: sparse-opt %s -convert-sparse-to-loops="strategy=parallel vector-width=0" -split-input-file | FileCheck %s --check-prefix=SCALAR
// RUN: not sparse-opt %s -convert-sparse-to-loops="strategy=parallel chunk-rows=0" -split-input-file 2>&1 | FileCheck %s --check-prefix=BADCHUNK

// The parallel strategy (docs/Rationale.md): where N_out > 0 and the
// runtime's plan finds no guesses for the split loop from the first row
// (R >= 2; @wide_rows checks that branch), the bounding
// box B of the shifted output rows (partial boxes of blocks of output rows
// under scf.parallel, then combined), then one scf.parallel over blocks of
// 1000 input rows that hands blocks out in order (an atomic counter). A
// block stops early past a differing row seen before; otherwise it counts
// its rows inside B in vector steps of 4 rows (flags kept as i8 words),
// waits for its predecessor's inclusive count (look-back) and publishes its
// own, then writes its rows from that count: no row inside B (zeros), all
// rows inside (plain loads, checked) or some (row by row), and a scalar
// tail that stops at a differing row or once the numbers reach N_out. The
// first differing row in order is where TensorFlow's greedy loop resumes;
// otherwise min(total, N_out) gradients were used. Then TensorFlow's
// all-propagated check.

// CHECK-LABEL: func @static_rank
//  CHECK-SAME: (%[[G:.*]]: memref<?xf32>, %[[II:.*]]: memref<?x2xi64>, %[[S:.*]]: memref<2xi64>, %[[OI:.*]]: memref<?x2xi64>, %[[OUT:.*]]: memref<?xf32>)
//       CHECK: %[[NIN:.*]] = memref.dim %[[II]]
//       CHECK: %[[NOUT:.*]] = memref.dim %[[OI]]
//       CHECK: %[[USED:.*]] = scf.if %{{.*}} -> (index) {
// R >= 2: first the runtime's plan of the split loop over every row; the
// look-back where it gives one part.
//       CHECK:   %[[STARTS:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
//       CHECK:   %[[GUESSES:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
//       CHECK:   %[[PLAN0:.*]] = func.call @sparseSliceGradSplitPlan(
//       CHECK:   %[[NPARTS0:.*]] = arith.index_cast %[[PLAN0]] : i64 to index
//       CHECK:   %[[SPLIT:.*]] = arith.cmpi ugt, %[[NPARTS0]], %{{.*}} : index
//       CHECK:   %[[START:.*]]:2 = scf.if %[[SPLIT]] -> (index, index) {
//       CHECK:     scf.yield %{{.*}}, %{{.*}} : index, index
//       CHECK:   } else {
//       CHECK:   %[[FLAT:.*]] = memref.collapse_shape %[[II]] {{\[\[}}0, 1]] : memref<?x2xi64> into memref<?xi64>
//       CHECK:   %[[OFLAT:.*]] = memref.collapse_shape %[[OI]] {{\[\[}}0, 1]] : memref<?x2xi64> into memref<?xi64>
// The box: partial boxes per block of output rows, then combined.
//       CHECK:   %[[PARTS:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
//       CHECK:   scf.parallel
// Vector steps of 4 rows; their lanes halved twice, to one row.
//       CHECK:     %[[VBOX:.*]]:2 = scf.for {{.*}} -> (vector<8xi64>, vector<8xi64>)
//       CHECK:     %[[A:.*]] = vector.extract_strided_slice %[[VBOX]]#0 {offsets = [0], sizes = [4], strides = [1]}
//       CHECK:     %[[B:.*]] = vector.extract_strided_slice %[[VBOX]]#0 {offsets = [4], sizes = [4], strides = [1]}
//       CHECK:     %[[MIN4:.*]] = arith.minsi %[[A]], %[[B]] : vector<4xi64>
//       CHECK:     arith.maxsi %{{.*}}, %{{.*}} : vector<4xi64>
//       CHECK:     %[[C:.*]] = vector.extract_strided_slice %[[MIN4]] {offsets = [0], sizes = [2], strides = [1]}
//       CHECK:     %[[D:.*]] = vector.extract_strided_slice %[[MIN4]] {offsets = [2], sizes = [2], strides = [1]}
//       CHECK:     arith.minsi %[[C]], %[[D]] : vector<2xi64>
//   CHECK-NOT:     vector.extract %[[VBOX]]
//       CHECK:     scf.for {{.*}} -> (i64, i64, i64, i64)
//       CHECK:       arith.minsi
//       CHECK:       arith.maxsi
//       CHECK:   %[[LO:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
//       CHECK:   %[[HI:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
//       CHECK:   memref.dealloc %[[PARTS]]
// B's columns repeated in the lanes of a vector step.
//       CHECK:   %[[LOROW:.*]] = vector.from_elements %{{.*}}, %{{.*}} : vector<2xi64>
//       CHECK:   %[[LOPAT:.*]] = vector.shuffle %[[LOROW]], %[[LOROW]] [0, 1, 0, 1, 0, 1, 0, 1] : vector<2xi64>, vector<2xi64>
//       CHECK:   %[[HIROW:.*]] = vector.from_elements %{{.*}}, %{{.*}} : vector<2xi64>
//       CHECK:   %[[HIPAT:.*]] = vector.shuffle %[[HIROW]], %[[HIROW]] [0, 1, 0, 1, 0, 1, 0, 1] : vector<2xi64>, vector<2xi64>
// Per block: inclusive count, first differing row and its number; the
// counter and the lowest differing row; the flag words.
//       CHECK:   %[[NBLOCKS:.*]] = arith.ceildivui %[[NIN]], %{{.*}} : index
// One cache line (8 words) per block's published count.
//       CHECK:   %[[SLOTS:.*]] = arith.muli %[[NBLOCKS]], %{{.*}} : index
//       CHECK:   %[[STATUS:.*]] = memref.alloc(%[[SLOTS]]) : memref<?xi64>
//       CHECK:   %[[BADROWS:.*]] = memref.alloc(%[[NBLOCKS]]) : memref<?xindex>
//       CHECK:   %[[BADPOS:.*]] = memref.alloc(%[[NBLOCKS]]) : memref<?xindex>
//       CHECK:   %[[CONTROL:.*]] = memref.alloc(%{{.*}}) : memref<?xi64>
//       CHECK:   %[[FLAGS:.*]] = memref.alloc(%{{.*}}) : memref<?xi8>
//       CHECK:   scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[NBLOCKS]])
//       CHECK:     %[[TICKET:.*]] = memref.atomic_rmw addi %{{.*}}, %[[CONTROL]][%{{.*}}] : (i64, memref<?xi64>) -> i64
//       CHECK:     %[[BLK:.*]] = arith.index_cast %[[TICKET]] : i64 to index
//       CHECK:     memref.atomic_rmw addi %{{.*}}, %[[CONTROL]][%{{.*}}] : (i64, memref<?xi64>) -> i64
//       CHECK:     scf.if %{{.*}} {
//       CHECK:       memref.atomic_rmw assign %{{.*}}, %[[STATUS]][%{{.*}}]
//       CHECK:     } else {
// The count: 4 rows of 2 coordinates against B, flags as bits.
//       CHECK:       scf.for {{.*}} -> (index) {
//       CHECK:         %[[ROWS:.*]] = vector.load %[[FLAT]][%{{.*}}] : memref<?xi64>, vector<8xi64>
//       CHECK:         arith.cmpi sge, %[[ROWS]], %[[LOPAT]] : vector<8xi64>
//       CHECK:         arith.cmpi sle, %[[ROWS]], %[[HIPAT]] : vector<8xi64>
//       CHECK:         vector.bitcast %{{.*}} : vector<8xi1> to vector<1xi8>
//       CHECK:         memref.store %{{.*}}, %[[FLAGS]][%{{.*}}] : memref<?xi8>
//       CHECK:         math.ctpop %{{.*}} : i8
// The look-back: wait for the predecessor's inclusive count, publish.
//       CHECK:       scf.while : () -> i64 {
//       CHECK:         memref.atomic_rmw addi %{{.*}}, %[[STATUS]][%{{.*}}]
//       CHECK:         arith.cmpi slt
//       CHECK:       memref.atomic_rmw assign %{{.*}}, %[[STATUS]][%{{.*}}]
// The write: vector steps from the stored flags.
//       CHECK:       scf.while
//       CHECK:         memref.load %[[FLAGS]]
//       CHECK:         math.ctpop
//       CHECK:         scf.if %{{.*}} -> (i1) {
//       CHECK:           vector.store %{{.*}}, %[[OUT]][%{{.*}}] : memref<?xf32>, vector<4xf32>
//       CHECK:         } else {
//       CHECK:           scf.if %{{.*}} -> (i1) {
//       CHECK:             vector.load %[[OFLAT]]
//       CHECK:             vector.reduction <or>
//       CHECK:             vector.load %[[G]]
//       CHECK:           } else {
//       CHECK:             arith.select %{{.*}}, %{{.*}}, %{{.*}} : f32
// The scalar tail and the zeros past N_out.
//       CHECK:       scf.while
//       CHECK:       scf.for
//       CHECK:         memref.store %{{.*}}, %[[OUT]]
//       CHECK:       memref.store %{{.*}}, %[[BADROWS]][%[[BLK]]]
//       CHECK:       memref.store %{{.*}}, %[[BADPOS]][%[[BLK]]]
//       CHECK:       memref.atomic_rmw mins %{{.*}}, %[[CONTROL]]
// The first differing row in block order and the loop's j there (part 0
// starts there), or N_in and min(total, N_out).
//       CHECK:     %[[FIRST:.*]]:2 = scf.for
//       CHECK:       memref.load %[[BADROWS]]
//       CHECK:       memref.load %[[BADPOS]]
//       CHECK:     %[[PROVED:.*]] = arith.cmpi ult, %[[FIRST]]#0, %[[NIN]] : index
//       CHECK:     memref.load %[[STATUS]]
//       CHECK:     %[[TOTAL:.*]] = arith.minui %{{.*}}, %[[NOUT]]
//       CHECK:     %[[J:.*]] = arith.select %[[PROVED]], %[[FIRST]]#1, %[[TOTAL]] : index
//       CHECK:     memref.dealloc %[[STATUS]]
//       CHECK:     memref.dealloc %[[FLAGS]]
//       CHECK:     scf.yield %[[FIRST]]#0, %[[J]] : index, index
// From there, the greedy loop in parts of 1000 rows run in parallel: the
// runtime's plan gives each part's first row and a guessed j (part 0: the
// first differing row's number; one part where no guess fits a sample),
// in the first plan's buffers, which are large enough; rounds run parts
// [q, until) in parallel (each iteration takes the next part from a
// counter), part q from the loop's own j, then keep, in order, the parts
// whose guess was the j reached; the next round runs the first wrong one
// alone. One instance of the rounds serves both branches.
//       CHECK:   %[[RESUME:.*]] = arith.cmpi ult, %[[START]]#0, %[[NIN]] : index
//       CHECK:   scf.if %[[RESUME]] -> (index) {
//       CHECK:     %[[NPARTS:.*]] = scf.if %[[SPLIT]] -> (index) {
//       CHECK:       scf.yield %[[NPARTS0]] : index
//       CHECK:     } else {
//       CHECK:       %[[LO64:.*]] = arith.index_cast %[[START]]#0 : index to i64
//       CHECK:       %[[J064:.*]] = arith.index_cast %[[START]]#1 : index to i64
//       CHECK:       %[[STARTSARG:.*]] = memref.cast %[[STARTS]]
//       CHECK:       %[[GUESSESARG:.*]] = memref.cast %[[GUESSES]]
//       CHECK:       %[[PLAN:.*]] = func.call @sparseSliceGradSplitPlan(%{{.*}}, %{{.*}}, %{{.*}}, %[[LO64]], %{{.*}}, %[[J064]], %{{.*}}, %[[STARTSARG]], %[[GUESSESARG]])
//       CHECK:       %[[REPLANNED:.*]] = arith.index_cast %[[PLAN]] : i64 to index
//       CHECK:       scf.yield %[[REPLANNED]] : index
//       CHECK:     %[[ENDS:.*]] = memref.alloc(%[[NPARTS]]) : memref<?xi64>
//       CHECK:     %[[NEXT:.*]] = memref.alloc() : memref<1xi64>
//       CHECK:     %[[ROUNDS:.*]]:3 = scf.while (%[[Q:.*]] = %{{.*}}, %[[JQ:.*]] = %[[START]]#1, %[[UNTIL:.*]] = %[[NPARTS]])
//       CHECK:       %[[JQ64:.*]] = arith.index_cast %[[JQ]] : index to i64
//       CHECK:       memref.store %[[JQ64]], %[[GUESSES]][%[[Q]]]
//       CHECK:       %[[Q64:.*]] = arith.index_cast %[[Q]] : index to i64
//       CHECK:       memref.store %[[Q64]], %[[NEXT]]
//       CHECK:       scf.parallel (%{{.*}}) = (%[[Q]]) to (%[[UNTIL]])
//       CHECK:         %[[TAKEN:.*]] = memref.atomic_rmw addi %{{.*}}, %[[NEXT]]
//       CHECK:         %[[P:.*]] = arith.index_cast %[[TAKEN]] : i64 to index
//       CHECK:         memref.load %[[STARTS]][%[[P]]]
//       CHECK:         memref.load %[[STARTS]]
//       CHECK:         memref.load %[[GUESSES]][%[[P]]]
//       CHECK:         scf.while
//       CHECK:         memref.store %{{.*}}, %[[ENDS]][%[[P]]]
//       CHECK:       memref.load %[[ENDS]][%[[Q]]]
//       CHECK:       %[[KEPT:.*]]:2 = scf.while
//       CHECK:         memref.load %[[GUESSES]]
//       CHECK:         arith.cmpi eq
//       CHECK:         memref.load %[[ENDS]]
//       CHECK:       %[[MORE:.*]] = arith.cmpi ult, %[[KEPT]]#0, %[[NPARTS]] : index
//       CHECK:       scf.condition(%[[MORE]]) %[[KEPT]]#0, %[[KEPT]]#1
//       CHECK:     memref.dealloc %[[ENDS]]
//       CHECK:     memref.dealloc %[[NEXT]]
//       CHECK:     scf.yield %[[ROUNDS]]#1 : index
//       CHECK:   } else {
//       CHECK:     scf.yield %[[START]]#1 : index
//       CHECK:   memref.dealloc %[[STARTS]]
//       CHECK:   memref.dealloc %[[GUESSES]]
// No output rows: the loop stops at once, every value is zero.
//       CHECK: } else {
//       CHECK:   scf.for
//       CHECK:     memref.store %{{.*}}, %[[OUT]]
//       CHECK: %[[NOTALL:.*]] = arith.cmpi ne, %[[NOUT]], %[[USED]] : index
//       CHECK: scf.if %[[NOTALL]] {
//       CHECK:   arith.constant 6 : i32

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

// A dynamic R: one case per R = 1..8 on memrefs cast to that R (vector
// steps), the generic code (columns in loops) for any other R.

// CHECK-LABEL: func @dynamic_rank
//       CHECK: scf.index_switch %{{.*}}
//  CHECK-NEXT: case 1 {
//       CHECK:   memref.cast %{{.*}} : memref<?x?xi64> to memref<?x1xi64>
//       CHECK:   memref.cast %{{.*}} : memref<?xi64> to memref<1xi64>
//       CHECK:   vector.load
//       CHECK: case 8 {
//       CHECK:   memref.cast %{{.*}} : memref<?x?xi64> to memref<?x8xi64>
//       CHECK:   vector.load {{.*}} vector<32xi64>
//       CHECK: default {
//   CHECK-NOT:   vector.
//       CHECK:   scf.parallel
//   CHECK-NOT:   vector.
//       CHECK: return
// SCALAR-LABEL: func @dynamic_rank
//       SCALAR: scf.index_switch
//   SCALAR-NOT: vector.
//       SCALAR: return
func.func @dynamic_rank(%g: memref<?xi8>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %out: memref<?xi8>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xi8>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xi8>
  return
}

// -----

// Complex values have no vector steps in the blocks' write: a block is
// zeroed, then the flagged rows of each step (the set bits of the count's
// flag word) are compared with their output rows and stored one by one;
// the rows after whole steps are compared and, if equal, stored behind a
// branch (no branch-free select of every row). The box and the count read
// only coordinates: vector steps over the output rows and over the input
// rows whatever the value type.
// CHECK-LABEL: func @complex_values
//       CHECK: scf.parallel
//       CHECK:   vector.load %{{.*}} : memref<9xi64>, vector<12xi64>
//       CHECK: scf.parallel
//       CHECK:   vector.load %{{.*}} : memref<15xi64>, vector<12xi64>
//       CHECK:   vector.bitcast %{{.*}} : vector<12xi1> to vector<1xi12>
//       CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<5xcomplex<f64>>
//       CHECK: scf.while ({{.*}}) : (index, index, i1, index, index)
//       CHECK:   %[[WORD:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<?xi8>
//       CHECK:   math.ctpop %[[WORD]] : i8
//       CHECK:   scf.while ({{.*}} = %[[WORD]], {{.*}}) : (i8, index, i1)
//       CHECK:     math.cttz %{{.*}} : i8
//       CHECK:     %[[FG:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<3xcomplex<f64>>
//       CHECK:     memref.store %[[FG]], %{{.*}}[%{{.*}}] : memref<5xcomplex<f64>>
// The row loop carries the next (row, number) and the current ones beside
// them: no carried value waits for the comparison with the output row.
//       CHECK: scf.while ({{.*}}) : (index, index, i1, index, index)
//   CHECK-NOT:   vector.
//       CHECK:   scf.if %{{.*}} -> (i1) {
//       CHECK:     scf.if %{{.*}} {
//  CHECK-NEXT:       %[[G:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<3xcomplex<f64>>
//  CHECK-NEXT:       memref.store %[[G]], %{{.*}}[%{{.*}}] : memref<5xcomplex<f64>>
//   CHECK-NOT: arith.select %{{.*}} : complex<f64>
//       CHECK:   scf.yield %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : index, index, i1, index, index
//       CHECK: return
// SCALAR-LABEL: func @complex_values
func.func @complex_values(%g: memref<3xcomplex<f64>>, %ii: memref<5x3xi64>, %s: memref<3xi64>, %oi: memref<3x3xi64>, %out: memref<5xcomplex<f64>>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xcomplex<f64>>, memref<5x3xi64>, memref<3xi64>, memref<3x3xi64> into %out : memref<5xcomplex<f64>>
  return
}

// -----

// Strided input rows: vector steps only in the box (output rows).
// CHECK-LABEL: func @strided
//       CHECK: scf.parallel
//       CHECK:   vector.load %{{.*}} : memref<?xi64>, vector<8xi64>
//       CHECK: scf.parallel
//   CHECK-NOT: vector.
//       CHECK: return
// SCALAR-LABEL: func @strided
func.func @strided(%g: memref<?xf32>, %ii: memref<?x2xi64, strided<[4, 1]>>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64, strided<[4, 1]>>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}

// -----

// Static R >= 2: where the runtime's sample finds guesses for the parts
// over every row (output rows that ascend, or that are the input rows in
// order), TensorFlow's loop runs in parallel parts from row 0, without the
// box (each row read once); otherwise the look-back (its blocks' states),
// and from its first differing row the same parts loop: the kernel holds
// the rounds once.

// CHECK-LABEL: func @wide_rows
//       CHECK: scf.if %{{.*}} -> (index) {
//       CHECK:   %[[LO:.*]] = arith.index_cast %[[C0:.*]] : index to i64
//       CHECK:   %[[J0:.*]] = arith.index_cast %[[C0]] : index to i64
//       CHECK:   %[[PLAN:.*]] = func.call @sparseSliceGradSplitPlan(%{{.*}}, %{{.*}}, %{{.*}}, %[[LO]], %{{.*}}, %[[J0]], %{{.*}}, %{{.*}}, %{{.*}})
//       CHECK:   %[[NPARTS:.*]] = arith.index_cast %[[PLAN]] : i64 to index
//       CHECK:   %[[SPLIT:.*]] = arith.cmpi ugt, %[[NPARTS]], %c1
//       CHECK:   %[[START:.*]]:2 = scf.if %[[SPLIT]] -> (index, index) {
//       CHECK:     scf.yield %[[C0]], %[[C0]] : index, index
//       CHECK:   } else {
//       CHECK:     scf.parallel
//       CHECK:       memref.atomic_rmw addi {{.*}} : (i64, memref<?xi64>) -> i64
//       CHECK:   scf.if %{{.*}} -> (index) {
//       CHECK:     scf.while
//       CHECK:       scf.parallel
//       CHECK:         memref.atomic_rmw addi {{.*}} : (i64, memref<1xi64>) -> i64
//   CHECK-NOT: scf.parallel
//       CHECK: return
func.func @wide_rows(%g: memref<?xf32>, %ii: memref<?x5xi64>, %s: memref<5xi64>, %oi: memref<?x5xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x5xi64>, memref<5xi64>, memref<?x5xi64> into %out : memref<?xf32>
  return
}
