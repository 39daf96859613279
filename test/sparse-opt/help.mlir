// RUN: sparse-opt --help | FileCheck %s
// RUN: sparse-opt --run --help | FileCheck %s --check-prefix=RUNMODE
// RUN: sparse-opt --help-sparse | FileCheck %s --check-prefix=SPARSE --implicit-check-not=one-shot-bufferize --implicit-check-not=--sparsifier
// Every pass of the Passes.td files and every pipeline of Pipelines.def is
// listed, and registered (sparse-opt --help names it too).
// RUN: sparse-opt --help-sparse > %t.help
// RUN: sparse-opt --help > %t.opt-help
// RUN: for p in $(cat %slice_grad_src/include/SliceGrad/Conversion/Passes.td %slice_grad_src/include/SliceGrad/Transforms/Passes.td | grep -o 'Pass<"[a-z-]*"' | cut -d'"' -f2); do grep -q -e "--$p " %t.help && grep -q -e "--$p " %t.opt-help || { echo "--help-sparse misses $p"; exit 1; }; done
// RUN: test $(grep -c '^SPARSE_PIPELINE(' %slice_grad_src/include/SliceGrad/Pipelines/Pipelines.def) -eq 3
// RUN: for p in $(grep -A1 '^SPARSE_PIPELINE(' %slice_grad_src/include/SliceGrad/Pipelines/Pipelines.def | grep -o '"sparse-[a-z-]*"' | tr -d '"'); do grep -q -e "--$p " %t.help && grep -q -e "--$p " %t.opt-help || { echo "--help-sparse misses $p"; exit 1; }; done

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
// SPARSE: --sparse-check-slice-grad-sharded
// SPARSE: --sparse-lower-device-memory-space
// SPARSE: --sparse-finish-shard-to-mpi
// SPARSE-LABEL: Pipelines:
// SPARSE-NEXT: --sparse-lower-to-llvm
// SPARSE: --num-threads=<uint>
// SPARSE: --sparse-shard-to-llvm
// SPARSE: --deallocate
// SPARSE: --sparse-to-nvvm
// SPARSE: sparse-opt --run: lower, JIT-compile and call an entry function:
// SPARSE-NEXT: --run
// SPARSE: --input=<value>
