// The consumer is built without sanitizers, so it cannot link an
// instrumented build's libraries.
// UNSUPPORTED: sanitizers
//
// Installs the project into a fresh prefix, builds a consumer project
// against it with find_package(SliceGrad) and runs it, and runs the
// installed sparse-opt.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: cmake --install %slice_grad_obj --prefix %t/prefix > %t/install.log
// RUN: cmake -S %S/consumer -B %t/build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=%slice_grad_cxx -DSliceGrad_DIR=%t/prefix/lib/cmake/SliceGrad > %t/configure.log
// RUN: cmake --build %t/build > %t/build.log
// RUN: %t/build/slice-grad-consumer %s 'convert-sparse-to-loops{strategy=parallel}' | FileCheck %s --implicit-check-not=sparse.slice_grad
// RUN: %t/build/slice-grad-consumer %s options-struct | FileCheck %s --check-prefix=STRUCT
// RUN: %t/prefix/bin/sparse-opt %s --convert-sparse-to-loops | FileCheck %s --check-prefix=TOOL --implicit-check-not=sparse.slice_grad
// RUN: test -f %t/prefix/include/SliceGrad/Dialect/Sparse/IR/SparseOps.h.inc
// RUN: test -f %t/prefix/include/SliceGrad-c/Dialects.h
// RUN: test -f %t/prefix/lib/libSliceGradRuntime.so
// RUN: test -f %t/prefix/include/SliceGrad/Pipelines/Pipelines.def
// RUN: test -f %t/prefix/include/SliceGrad/Runtime/SliceGradMessages.def
// RUN: %t/build/slice-grad-kernels-consumer | FileCheck %s --check-prefix=KERNELS
// KERNELS: target x86-64-v{{[234]}}, rc 0: 0 13 0 23
// KERNELS-NEXT: rc 13: INTERNAL: Elements of backprop_val_grad aren't all propagated. Num elements:1, used: 0

// CHECK-LABEL: func.func @grad
// CHECK: scf.parallel
// The pipeline from its options struct (strategy=sequential: no threads).
// STRUCT-LABEL: llvm.func @grad
// STRUCT-NOT: omp.parallel
// STRUCT: llvm.call @sparseSliceGradCheckFailed
// TOOL-LABEL: func.func @grad
// TOOL: scf.while
func.func @grad(%g: memref<?xf32>, %ii: memref<?x2xi64>, %s: memref<2xi64>, %oi: memref<?x2xi64>, %out: memref<?xf32>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64> into %out : memref<?xf32>
  return
}
