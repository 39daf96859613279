// RUN: sparse-opt --help | FileCheck %s
// RUN: sparse-opt --run --help | FileCheck %s --check-prefix=RUNMODE

// Opt mode lists our passes and pipelines beside upstream's.
// CHECK: --convert-sparse-to-loops
// CHECK-SAME: Lower sparse.slice_grad on memrefs to scf/memref/arith loops
// CHECK: --one-shot-bufferize
// CHECK: --sparse-lower-to-llvm
// CHECK: --deallocate

// Both modes list --run's flags (mlir-runner's and iree-run-module's) in
// their own category, beside the pass flags.
// CHECK: sparse-opt --run: lower, JIT-compile and call an entry function:
// CHECK-DAG: -e <name>
// CHECK-DAG: --entry-point-result=<type>
// CHECK-DAG: --input=<value>
// CHECK-DAG: --output=<target>
// CHECK-DAG: --repeat=<N>
// CHECK-DAG: --shared-libs=<a.so,b.so>
// CHECK-DAG: --run
// RUNMODE-DAG: --convert-sparse-to-loops
// RUNMODE-DAG: --pass-pipeline
// RUNMODE-DAG: --input=<value>
