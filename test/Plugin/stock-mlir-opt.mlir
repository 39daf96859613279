// Debian's own mlir-opt and mlir-runner with the project as a plugin:
// SliceGradPlugin.so gives mlir-opt the dialect (--load-dialect-plugin) and
// the passes and pipelines (--load-pass-plugin; a plugin's pass is named
// in --pass-pipeline, since its flag does not exist yet when mlir-opt reads
// the command line). mlir-runner has no plugin flags: it runs what
// mlir-opt lowered, with the run-time library. The plugin is built without
// sanitizers' runtimes in mind: a stock tool cannot load an instrumented
// one.
// UNSUPPORTED: sanitizers
//
// DEFINE: %{plugin} = --load-dialect-plugin=%slice_grad_lib/SliceGradPlugin.so --load-pass-plugin=%slice_grad_lib/SliceGradPlugin.so
// RUN: mlir-opt %s %{plugin} | FileCheck %s --check-prefix=PARSE
// RUN: mlir-opt %s %{plugin} --pass-pipeline='builtin.module(one-shot-bufferize{bufferize-function-boundaries}, convert-sparse-to-loops)' | FileCheck %s --check-prefix=LOOPS --implicit-check-not=sparse.slice_grad
// RUN: mlir-opt %s %{plugin} --pass-pipeline='builtin.module(sparse-lower-to-llvm)' \
// RUN:   | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_lib_dir/libmlir_runner_utils.so,%mlir_lib_dir/libmlir_c_runner_utils.so,%mlir_lib_dir/libomp.so,%slice_grad_lib/libSliceGradRuntime.so \
// RUN:   | FileCheck %s --check-prefix=JIT
// RUN: not mlir-opt %s 2>&1 | FileCheck %s --check-prefix=NOPLUGIN

// PARSE: sparse.slice_grad %{{.*}} : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
// LOOPS-LABEL: func.func @grad
// LOOPS: scf.while
// JIT: sizes = [14]
// JIT-NEXT: [0,  0,  0,  0,  0,  13,  0,  0,  23,  0,  0,  0,  33,  0]
// NOPLUGIN: Dialect `sparse' not found for custom op 'sparse.slice_grad'

func.func @grad(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}

func.func @main() {
  %g = arith.constant dense<[13.0, 23.0, 33.0]> : tensor<3xf32>
  %ii = arith.constant dense<[[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4], [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3], [3, 5]]> : tensor<14x2xi64>
  %s = arith.constant dense<[1, 3]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0], [1, 0], [2, 0]]> : tensor<3x2xi64>
  %gd = tensor.cast %g : tensor<3xf32> to tensor<?xf32>
  %iid = tensor.cast %ii : tensor<14x2xi64> to tensor<?x?xi64>
  %sd = tensor.cast %s : tensor<2xi64> to tensor<?xi64>
  %oid = tensor.cast %oi : tensor<3x2xi64> to tensor<?x?xi64>
  %r = call @grad(%gd, %iid, %sd, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  %u = tensor.cast %r : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
