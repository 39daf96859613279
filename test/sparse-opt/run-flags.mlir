// RUN: sparse-opt --run %s -e count --entry-point-result=i64 | FileCheck %s --check-prefix=I64
// RUN: sparse-opt --run %s -e first --entry-point-result=f32 -O3 | FileCheck %s --check-prefix=F32
// RUN: sparse-opt --run %s -e first | FileCheck %s --check-prefix=F32
// RUN: env ASAN_OPTIONS=detect_leaks=0 sparse-opt --run %s -e count --entry-point-result=i64 --sparse-lower-to-llvm="deallocate=false" | FileCheck %s --check-prefix=I64
// RUN: sparse-opt --run %s -e count --entry-point-result=i64 --pass-pipeline="builtin.module(sparse-lower-to-llvm)" | FileCheck %s --check-prefix=I64
// RUN: sparse-opt --run %s -e count --entry-point-result=i64 --shared-libs=%slice_grad_lib/libSliceGradRuntime.so | FileCheck %s --check-prefix=I64
// RUN: not sparse-opt --run %s -e missing --entry-point-result=void 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not sparse-opt --run %s -e count --entry-point-result=i64 --shared-libs=%t.nonexistent.so 2>&1 | FileCheck %s --check-prefix=NOLIB
// RUN: not sparse-opt --run %s -e count --entry-point-result=i64 --sparse-lower-to-llvm="num-threads=100000" 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not sparse-opt %s --sparse-lower-to-llvm="num-threads=4097" 2>&1 | FileCheck %s --check-prefix=THREADS-OPT
// RUN: not sparse-opt %s --sparse-shard-to-llvm="num-threads=4097" 2>&1 | FileCheck %s --check-prefix=THREADS-SHARD
// RUN: not sparse-opt --run %s -e count --entry-point-result=i64 --convert-sparse-to-loops 2>&1 | FileCheck %s --check-prefix=PARTIAL

// NOLIB: sparse-opt: --shared-libs: no such file: {{.*}}nonexistent.so
// THREADS: sparse-lower-to-llvm: num-threads must be at most 4096, got 100000
// THREADS-OPT: sparse-lower-to-llvm: num-threads must be at most 4096, got 4097
// THREADS-SHARD: sparse-shard-to-llvm: num-threads must be at most 4096, got 4097

// -e and --entry-point-result as in mlir-runner (default entry-point-result
// f32); pass flags replace the default pipeline. (deallocate=false leaks the
// result buffer on purpose: LeakSanitizer would report it in a sanitizer
// build.)

// I64: 2
// F32: 2.000000e+01
// MISSING: sparse-opt: entry point @missing not found in {{.*}}run-flags.mlir (functions: @grad, @count, @first; -e names the one to call)
// PARTIAL: error: 'sparse.slice_grad' op on tensors must be bufferized first

func.func private @grad() -> tensor<14xf32> {
  %g = arith.constant dense<[0.0, 20.0, 30.0]> : tensor<3xf32>
  %ii = arith.constant dense<[[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4], [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3], [3, 5]]> : tensor<14x2xi64>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0], [2, 0], [3, 0]]> : tensor<3x2xi64>
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return %r : tensor<14xf32>
}

// The number of non-zero gradients.
func.func @count() -> i64 {
  %r = call @grad() : () -> tensor<14xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c14 = arith.constant 14 : index
  %zero = arith.constant 0.0 : f32
  %n0 = arith.constant 0 : i64
  %n = scf.for %i = %c0 to %c14 step %c1 iter_args(%acc = %n0) -> i64 {
    %x = tensor.extract %r[%i] : tensor<14xf32>
    %nz = arith.cmpf one, %x, %zero : f32
    %inc = arith.extui %nz : i1 to i64
    %next = arith.addi %acc, %inc : i64
    scf.yield %next : i64
  }
  return %n : i64
}

// The gradient of input row 7.
func.func @first() -> f32 {
  %r = call @grad() : () -> tensor<14xf32>
  %c7 = arith.constant 7 : index
  %x = tensor.extract %r[%c7] : tensor<14xf32>
  return %x : f32
}
