// RUN: sparse-opt %s -split-input-file --convert-sparse-to-loops="strategy=parallel outline" | FileCheck %s
// RUN: sparse-opt %s -split-input-file --convert-sparse-to-loops="outline vector-width=4" | FileCheck %s --check-prefix=SEQ
// RUN: sparse-opt %s -split-input-file --convert-sparse-to-loops="strategy=parallel" | FileCheck %s --check-prefix=INLINE --implicit-check-not=__sparse_slice_grad_parallel

// With `outline`, an op is one call of a private function of its operand
// types (shared by the module's ops with those types) that takes the op's
// "@function (location)" text: TensorFlow's checks, then each R's code as a
// call of a kernel (one per value type, R and operand layouts; a run-time R
// is a switch over the kernels of R = 1..8, the very functions a static R
// calls, and the generic one), then the check of the j it yields. Static
// sizes are cast away but R's; a strided operand or another value type get
// their own kernel; static R that disagree (through a cast) stay inline,
// where a run-time check fails first.

// CHECK-LABEL: func.func @two(
// CHECK:   %[[W1:.*]] = llvm.mlir.addressof @__sparse_slice_grad_where_{{[0-9]+}}
// CHECK:   call @__sparse_slice_grad_parallel_c8192_w8_op0(%[[W1]], %arg0, %arg1, %arg2, %arg3, %arg4) : (!llvm.ptr, memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64>, memref<?xf32>) -> ()
// CHECK:   %[[W2:.*]] = llvm.mlir.addressof @__sparse_slice_grad_where_{{[0-9]+}}
// CHECK:   call @__sparse_slice_grad_parallel_c8192_w8_op0(%[[W2]], %arg0, %arg1, %arg2, %arg3, %arg5)
// CHECK-NOT: scf.parallel
// CHECK:   return
// SEQ-LABEL: func.func @two(
// SEQ: call @__sparse_slice_grad_sequential_w4_op0(
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
// CHECK: call @__sparse_slice_grad_parallel_c8192_w8_op1(%{{.*}}, %arg0, %arg1, %arg2, %arg3, %arg4) : (!llvm.ptr, memref<3xf64>, memref<5x2xi64>, memref<2xi64>, memref<3x2xi64>, memref<5xf64>) -> ()
func.func @static(%g: memref<3xf64>, %ii: memref<5x2xi64>, %s: memref<2xi64>, %oi: memref<3x2xi64>, %o: memref<5xf64>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<3xf64>, memref<5x2xi64>, memref<2xi64>, memref<3x2xi64> into %o : memref<5xf64>
  return
}

// CHECK-LABEL: func.func @strided(
// CHECK: call @__sparse_slice_grad_parallel_c8192_w8_op2(
func.func @strided(%g: memref<?xf32>, %ii: memref<?x2xi64, strided<[?, ?], offset: ?>>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %o: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64, strided<[?, ?], offset: ?>>, memref<2xi64>, memref<?x2xi64> into %o : memref<?xf32>
  return
}

// CHECK-LABEL: func.func @fixed_by_start(
// CHECK: call @__sparse_slice_grad_parallel_c8192_w8_op3(
func.func @fixed_by_start(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<3xi64>, %oi: memref<?x?xi64>, %o: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<3xi64>, memref<?x?xi64> into %o : memref<?xf32>
  return
}

// CHECK-LABEL: func.func @disagree(
// CHECK-NOT: call @__sparse_slice_grad
// CHECK: scf.parallel
// CHECK-NOT: call @__sparse_slice_grad
// CHECK: return
func.func @disagree(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s3: memref<3xi64>, %oi: memref<?x2xi64>, %o: memref<?xf32>) {
  %s = memref.cast %s3 : memref<3xi64> to memref<?xi64>
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<?xi64>, memref<?x2xi64> into %o : memref<?xf32>
  return
}

// The functions, after the user's, in the order they were made (a switch
// makes its default first).
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_op0(
// CHECK-SAME: %[[W:[^:]*]]: !llvm.ptr, %{{.*}}: memref<?xf32>, %{{.*}}: memref<?x?xi64>, %{{.*}}: memref<?xi64>, %{{.*}}: memref<?x?xi64>, %{{.*}}: memref<?xf32>) attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK: call @sparseSliceGradCheckFailed(%[[W]],
// CHECK: %[[U:.*]] = scf.index_switch %{{.*}} -> index
// CHECK: case 1 {
// CHECK:   %[[C1:.*]] = func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r1(%{{.*}}) : (memref<?xf32>, memref<?x1xi64>, memref<1xi64>, memref<?x1xi64>, memref<?xf32>) -> index
// CHECK:   scf.yield %[[C1]] : index
// CHECK: case 2 {
// CHECK:   func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r2(
// CHECK: case 8 {
// CHECK:   func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r8(
// CHECK: default {
// CHECK:   func.call @__sparse_slice_grad_parallel_c8192_w8_f32_rgen(%{{.*}}) : (memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64>, memref<?xf32>) -> index
// CHECK: arith.cmpi ne, %{{.*}}, %[[U]]
// CHECK: call @sparseSliceGradCheckFailed(%[[W]],
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_rgen(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r1(%{{.*}}: memref<?xf32>, %{{.*}}: memref<?x1xi64>, %{{.*}}: memref<1xi64>, %{{.*}}: memref<?x1xi64>, %{{.*}}: memref<?xf32>) -> index attributes {llvm.linkage = #llvm.linkage<internal>}
// CHECK-NOT: scf.index_switch
// CHECK: scf.parallel
// CHECK: return %{{.*}} : index
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r2(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r3(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r8(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_op1(
// CHECK-DAG: %[[G:.*]] = memref.cast %{{.*}} : memref<3xf64> to memref<?xf64>
// CHECK-DAG: %[[II:.*]] = memref.cast %{{.*}} : memref<5x2xi64> to memref<?x2xi64>
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f64_r2(%[[G]], %[[II]],
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f64_r2(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_op2(
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r2_s1(%{{.*}}) : (memref<?xf32>, memref<?x2xi64, strided<[?, ?], offset: ?>>, memref<2xi64>, memref<?x2xi64>, memref<?xf32>) -> index
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r2_s1(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_op3(
// CHECK-DAG: %[[II3:.*]] = memref.cast %{{.*}} : memref<?x?xi64> to memref<?x3xi64>
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r3(%{{.*}}, %[[II3]],
// CHECK-NOT: func.func private @__sparse_slice_grad
// SEQ-LABEL: func.func private @__sparse_slice_grad_sequential_w4_op0(
// SEQ-LABEL: func.func private @__sparse_slice_grad_sequential_w4_f32_rgen(
// SEQ-LABEL: func.func private @__sparse_slice_grad_sequential_w4_f32_r1(
// SEQ-NOT: scf.parallel
// SEQ: return %{{.*}} : index

// -----

// A module with one op calls its functions too.
// CHECK-LABEL: func.func @one(
// CHECK: call @__sparse_slice_grad_parallel_c8192_w8_op0(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_op0(
// CHECK: func.call @__sparse_slice_grad_parallel_c8192_w8_f32_r3(
// CHECK-LABEL: func.func private @__sparse_slice_grad_parallel_c8192_w8_f32_r3(
func.func @one(%g: memref<?xf32>, %ii: memref<?x3xi64>, %s: memref<3xi64>, %oi: memref<?x3xi64>, %o: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x3xi64>, memref<3xi64>, memref<?x3xi64> into %o : memref<?xf32>
  return
}
