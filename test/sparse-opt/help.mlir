// RUN: sparse-opt --help | FileCheck %s
// RUN: sparse-opt --run --help | FileCheck %s --check-prefix=RUNMODE

// Opt mode lists our passes and pipelines beside upstream's.
// CHECK: --convert-sparse-to-loops
// CHECK-SAME: Lower sparse.slice_grad on memrefs to scf/memref/arith loops
// CHECK: --one-shot-bufferize
// CHECK: --sparse-lower-to-llvm
// CHECK: --deallocate

// Run mode takes mlir-runner's flags and the pass flags.
// RUNMODE-DAG: --entry-point-result=<f32 | i32 | i64 | void>
// RUNMODE-DAG: -e <<function name>>
// RUNMODE-DAG: --shared-libs=<string>
// RUNMODE-DAG: --convert-sparse-to-loops
// RUNMODE-DAG: --pass-pipeline
// RUNMODE-DAG: --run
