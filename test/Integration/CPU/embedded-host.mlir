// RUN: sparse-opt %s --sparse-lower-to-llvm="openmp=false" | mlir-translate --mlir-to-llvmir -o %t.ll
// UNSUPPORTED: sanitizers
// RUN: %slice_grad_cxx -O1 -I%slice_grad_src/include -isystem %mlir_include_dir %S/Inputs/embedded_host.cpp %t.ll -L%slice_grad_lib -lSliceGradRuntime -Wl,-rpath,%slice_grad_lib -lpthread -Wno-override-module -o %t.exe
// RUN: %t.exe | FileCheck %s

// A host that embeds the lowered code (AOT, linked with
// libSliceGradRuntime) and installs its own error handler: a failed check
// reaches the handler once and returns to the host, which reads the error
// back as a status and goes on; then calls on 12 threads at once, each in
// its own per-call status scope, each getting its own error or result
// (Inputs/embedded_host.cpp).

func.func @kernel(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %out: memref<?xf32>) attributes {llvm.emit_c_interface} {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  return
}

// CHECK: ndims: handler 1: INVALID_ARGUMENT in @kernel ({{.*}}embedded-host.mlir:[[# @LINE - 4]]:3): The input and output should have the same ndims: got: 2 and 3
// CHECK-NEXT: ndims: taken 1, code 3, destination untouched 1
// CHECK-NEXT: nothing pending: 0
// CHECK-NEXT: valid: taken 0, result 0 13 0 23
// CHECK-NEXT: propagated: handler 1: INTERNAL in @kernel ({{.*}}): Elements of backprop_val_grad aren't all propagated. Num elements:1, used: 0
// CHECK-NEXT: propagated: taken 1, code 13
// CHECK-NEXT: two: handler 1: INVALID_ARGUMENT in @kernel ({{.*}}): The input and output should have the same ndims
// CHECK-NEXT: two failures, one report: handler calls 1, first kept 1
// CHECK-NEXT: threads: handler 1: INVALID_ARGUMENT
// CHECK-NEXT: 8 threads failing at once: handler calls 1
// CHECK-NEXT: valid again: taken 0, result 0 13 0 23
// CHECK-NEXT: per-call: 12 threads x 200 calls, wrong 0, handler calls 0, pending 0
// CHECK-NEXT: nested: inner 1, outer 1, restored 1
// CHECK-NEXT: one scope, two failures: first kept 1
// CHECK-NEXT: after the scopes: handler 1: INVALID_ARGUMENT in @kernel
// CHECK-NEXT: after the scopes: handler calls 1, taken 1
