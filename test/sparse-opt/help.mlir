// RUN: sparse-opt --help | FileCheck %s
// RUN: sparse-opt --run --help | FileCheck %s --check-prefix=RUNMODE
// RUN: sparse-opt --help-sparse | FileCheck %s --check-prefix=SPARSE --implicit-check-not=one-shot-bufferize --implicit-check-not=--sparsifier
// Every pass of Passes.td is listed.
// RUN: sparse-opt --help-sparse > %t.help
// RUN: for p in $(grep -o 'Pass<"[a-z-]*"' %slice_grad_src/include/SliceGrad/Conversion/Passes.td | cut -d'"' -f2); do grep -q -e "--$p " %t.help || { echo "--help-sparse misses $p"; exit 1; }; done

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

// --help-sparse: only the project's passes (with their options), pipelines
// and --run's flags.
// SPARSE-LABEL: Passes:
// SPARSE-NEXT: --convert-sparse-to-loops
// SPARSE: --strategy=<value>
// SPARSE: --convert-sparse-to-gpu
// SPARSE: --convert-tf-to-sparse
// SPARSE-LABEL: Pipelines:
// SPARSE-NEXT: --sparse-lower-to-llvm
// SPARSE: --num-threads=<uint>
// SPARSE: --sparse-to-nvvm
// SPARSE: sparse-opt --run: lower, JIT-compile and call an entry function:
// SPARSE-NEXT: --run
// SPARSE: --input=<value>
