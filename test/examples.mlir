// The README's demo (scripts/demo.sh) prints the gradient TensorFlow gives,
// computed at run time on the arrays of examples/inputs/.
// RUN: sparse-opt --run %slice_grad_src/examples/slice_grad.mlir -e slice_grad --input=@%slice_grad_src/examples/inputs/backprop_val_grad.npy --input=@%slice_grad_src/examples/inputs/input_indices.npy --input=@%slice_grad_src/examples/inputs/input_start.npy --input=@%slice_grad_src/examples/inputs/output_indices.npy | FileCheck %s --check-prefix=DEMO
// DEMO: result[0]: 14xf32=0 0 0 0 0 13 0 0 23 0 0 0 33 0
// The same on constants through @main (the op is not folded away: the
// pipeline does not inline @slice_grad).
// RUN: sparse-opt --run %slice_grad_src/examples/slice_grad.mlir | FileCheck %s
// RUN: sparse-opt --run %slice_grad_src/examples/slice_grad.mlir --sparse-lower-to-llvm --mlir-print-ir-after=convert-sparse-to-loops 2>&1 >/dev/null | FileCheck %s --check-prefix=KERNEL
// KERNEL: func.func @slice_grad(
// KERNEL-NOT: sparse.slice_grad
// KERNEL: scf.parallel
// CHECK: sizes = [14]
// CHECK-NEXT: [0,  0,  0,  0,  0,  13,  0,  0,  23,  0,  0,  0,  33,  0]

// The user guide's commands: thread counts, the sequential strategy, and a
// stock mlir-runner with our runtime library and libomp (not with
// sanitizers: mlir-runner has no sanitizer runtime to load ours into).
// RUN: env OMP_NUM_THREADS=2 sparse-opt --run %slice_grad_src/examples/slice_grad.mlir -e main --entry-point-result=void | FileCheck %s
// RUN: sparse-opt --run %slice_grad_src/examples/slice_grad.mlir -e main --entry-point-result=void --pass-pipeline='builtin.module(sparse-lower-to-llvm{strategy=sequential})' | FileCheck %s
// RUN: %if !sanitizers %{ sparse-opt %slice_grad_src/examples/slice_grad.mlir --sparse-lower-to-llvm | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%mlir_lib_dir/libomp.so,%slice_grad_lib/libSliceGradRuntime.so | FileCheck %s %}
