// sparse-to-nvvm refuses option values its passes cannot take, with a
// message naming the option (the same registration path as the CPU
// pipelines' num-threads check, test/sparse-opt/run-flags.mlir).
// RUN: not sparse-opt %s --sparse-to-nvvm='format=bogus' 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not sparse-opt %s --pass-pipeline='builtin.module(sparse-to-nvvm{format=bogus})' 2>&1 | FileCheck %s --check-prefix=FORMAT
// RUN: not sparse-opt %s --sparse-to-nvvm='chip=' 2>&1 | FileCheck %s --check-prefix=CHIP
// RUN: not sparse-opt %s --sparse-to-nvvm='chip=sm_1' 2>&1 | FileCheck %s --check-prefix=OLD
// RUN: not sparse-opt %s --sparse-to-nvvm='opt-level=4' 2>&1 | FileCheck %s --check-prefix=OPT
// RUN: not sparse-opt %s --sparse-to-nvvm='block-size=-1' 2>&1 | FileCheck %s --check-prefix=BLOCK
// RUN: not sparse-opt %s --sparse-to-nvvm='block-size=1025' 2>&1 | FileCheck %s --check-prefix=BLOCK2
// RUN: not sparse-opt %s --sparse-to-nvvm='chunk-rows=0' 2>&1 | FileCheck %s --check-prefix=CHUNK
// The extremes that are valid compile.
// RUN: sparse-opt %s --sparse-to-nvvm='chip=sm_20 opt-level=0 block-size=1024 chunk-rows=1' -o /dev/null
// The names gpu-module-to-binary also takes pass.
// RUN: sparse-opt %s --sparse-to-nvvm='format=assembly' -o /dev/null

// FORMAT: error: sparse-to-nvvm: format must be isa, bin or fatbin, got 'bogus'
// CHIP: error: sparse-to-nvvm: chip must name an NVIDIA GPU, e.g. sm_90
// OLD: error: sparse-to-nvvm: chip must be sm_20 or later, got 'sm_1'
// OPT: error: sparse-to-nvvm: opt-level must be 0, 1, 2 or 3, got 4
// BLOCK: error: sparse-to-nvvm: block-size must be 1..1024, got -1
// BLOCK2: error: sparse-to-nvvm: block-size must be 1..1024, got 1025
// CHUNK: error: sparse-to-nvvm: chunk-rows must be at least 1, got 0

func.func @f(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>,
             %oi: tensor<?x2xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi
      : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
