// sparse-to-nvvm refuses option values its passes cannot take, with a
// message naming the option (the same registration path as the CPU
// pipelines' num-threads check, test/sparse-opt/run-flags.mlir).
// RUN: not sparse-opt %s --sparse-to-nvvm='format=bogus' 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not sparse-opt %s --pass-pipeline='builtin.module(sparse-to-nvvm{format=bogus})' 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not sparse-opt %s --sparse-to-nvvm='chip=' 2>&1 | FileCheck %s --check-prefix=CHIP
// The names gpu-module-to-binary also takes pass.
// RUN: sparse-opt %s --sparse-to-nvvm='format=assembly' -o /dev/null

// FORMAT: error: sparse-to-nvvm: format must be isa, bin or fatbin, got 'bogus'
// CHIP: error: sparse-to-nvvm: chip must name an NVIDIA GPU, e.g. sm_90

func.func @f(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>,
             %oi: tensor<?x2xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi
      : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
