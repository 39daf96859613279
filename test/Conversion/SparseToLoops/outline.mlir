// RUN: sparse-opt %s -split-input-file --convert-sparse-to-loops="strategy=parallel outline" | FileCheck %s
// RUN: sparse-opt %s -split-input-file --convert-sparse-to-loops="outline vector-width=4" | FileCheck %s --check-prefix=SEQ
// RUN: sparse-opt %s -split-input-file --convert-sparse-to-loops="strategy=parallel" | FileCheck %s --check-prefix=INLINE --implicit-check-not=__sparse_slice_grad_parallel

// With `outline`, an op keeps its checks and calls a private kernel: one
// per value type, R and operand layouts, shared by the module's ops. A
// run-time R is a switch over the kernels of R = 1..8 (the very functions a
// static R calls) and the generic one, then one check of the j it yields.
// Static sizes are cast away but R's; a strided operand or another value
// type get their own kernel; static R that disagree (through a cast) stay
// inline, where a run-time check fails first.

// CHECK-LABEL: func.func @two(
// CHECK:   %[[U1:.*]] = scf.index_switch %{{.*}} -> index
// CHECK:   case 1 {
// CHECK:     %[[C1:.*]] = func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r1(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %arg4) : (memref<?xf32>, memref<?x1xi64>, memref<1xi64>, memref<?x1xi64>, memref<?xf32>) -> index
// CHECK:     scf.yield %[[C1]] : index
// CHECK:   case 2 {
// CHECK:     func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r2(
// CHECK:   case 8 {
// CHECK:     func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r8(
// CHECK:   default {
// CHECK:     func.call @__sparse_slice_grad_parallel_c8192_w8_f32_rgen(%arg0, %arg1, %arg2, %arg3, %arg4) : (memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64>, memref<?xf32>) -> index
// CHECK:   arith.cmpi ne, %{{.*}}, %[[U1]]
// CHECK:   %[[U2:.*]] = scf.index_switch
// CHECK:     func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r1(%arg0, %{{.*}}, %{{.*}}, %{{.*}}, %arg5)
// CHECK:   arith.cmpi ne, %{{.*}}, %[[U2]]
// SEQ-LABEL: func.func @two(
// SEQ: func.call @__sparse_slice_grad_sequential_w4_f32_r1(
// SEQ: func.call @__sparse_slice_grad_sequential_w4_f32_rgen(
// INLINE-LABEL: func.func @two(
// INLINE: scf.index_switch
// INLINE: scf.parallel
// INLINE: scf.index_switch
// INLINE: scf.parallel
func.func @two(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %o1: memref<?xf32>, %o2: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %o1 : memref<?xf32>
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %o2 : memref<?xf32>
  return
}

// CHECK-LABEL: func.func @static(
// CHECK-DAG: %[[G:.*]] = memref.cast %arg0 : memref<3xf64> to memref<?xf64>
// CHECK-DAG: %[[II:.*]] = memref.cast %arg1 : memref<5x2xi64> to memref<?x2xi64>
// CHECK-DAG: %[[OI:.*]] = memref.cast %arg3 : memref<3x2xi64> to memref<?x2xi64>
// CHECK-DAG: %[[O:.*]] = memref.cast %arg4 : memref<5xf64> to memref<?xf64>
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f64_r2(%[[G]], %[[II]], %arg2, %[[OI]], %[[O]])
func.func @static(%g: memref<3xf64>, %ii: memref<5x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %o: memref<5xf64>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf64>, memref<5x2xi64>, memref<2xi64>, memref<3x2xi64> into %o : memref<5xf64>
  return
}

// CHECK-LABEL: func.func @strided(
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r2_s1(%arg0, %arg1, %arg2, %arg3, %arg4) : (memref<?xf32>, memref<?x2xi64, strided<[?, ?], offset: ?>>, memref<2xi64>, memref<?x2xi64>, memref<?xf32>) -> index
func.func @strided(%g: memref<?xf32>, %ii: memref<?x2xi64, strided<[?, ?], offset: ?>>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %o: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64, strided<[?, ?], offset: ?>>, memref<2xi64>, memref<?x2xi64> into %o : memref<?xf32>
  return
}

// input_start's length fixes R.
// CHECK-LABEL: func.func @fixed_by_start(
// CHECK-DAG: %[[II:.*]] = memref.cast %arg1 : memref<?x?xi64> to memref<?x3xi64>
// CHECK-DAG: %[[OI:.*]] = memref.cast %arg3 : memref<?x?xi64> to memref<?x3xi64>
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r3(%arg0, %[[II]], %arg2, %[[OI]], %arg4)
func.func @fixed_by_start(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<3xi64>, %oi: memref<?x?xi64>, %o: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<3xi64>, memref<?x?xi64> into %o : memref<?xf32>
  return
}

// CHECK-LABEL: func.func @disagree(
// CHECK-NOT: func.call @__sparse_slice_grad
// CHECK: scf.parallel
// CHECK-NOT: func.call @__sparse_slice_grad
// CHECK: return
func.func @disagree(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s3: memref<3xi64>, %oi: memref<?x2xi64>, %o: memref<?xf32>) {
  %s = memref.cast %s3 : memref<3xi64> to memref<?xi64>
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<?xi64>, memref<?x2xi64> into %o : memref<?xf32>
  return
}

// The kernels, after the functions, in the order they were made (a switch
// makes its default first); each returns the j of TensorFlow's loop.
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_rgen(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r1(%{{.*}}: memref<?xf32>, %{{.*}}: memref<?x1xi64>, %{{.*}}: memref<1xi64>, %{{.*}}: memref<?x1xi64>, %{{.*}}: memref<?xf32>) -> index attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK-NOT: scf.index_switch
// CHECK: scf.parallel
// CHECK: return %{{.*}} : index
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r2(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r3(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r8(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f64_r2(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r2_s1(
// CHECK-NOT: func.func private @__sparse_slice_grad
// SEQ-LABEL: func.func private @__sparse_slice_grad_sequential_w4_f32_rgen(
// SEQ-LABEL: func.func private @__sparse_slice_grad_sequential_w4_f32_r1(
// SEQ-NOT: scf.parallel
// SEQ: return %{{.*}} : index

// -----

// A module with one op calls its kernel too.
// CHECK-LABEL: func.func @one(
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r3(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r3(
func.func @one(%g: memref<?xf32>, %ii: memref<?x3xi64>, %s: memref<3xi64>, %oi: memref<?x3xi64>, %o: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x3xi64>, memref<3xi64>, memref<?x3xi64> into %o : memref<?xf32>
  return
}
