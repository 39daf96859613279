// Without the CUDA runtime wrappers (CUDA not found at build time, or
// SLICE_GRAD_NO_CUDA_RUNTIME set), sparse-opt --run loads stand-ins: GPU code
// links and stops at its first GPU call with a clear message and a non-zero
// exit. Runs on every machine.
//
// RUN: env SLICE_GRAD_NO_CUDA_RUNTIME=1 not sparse-opt --run %S/no-device.mlir -e main --entry-point-result=void --pass-pipeline='builtin.module(sparse-to-nvvm)' 2>&1 | FileCheck %s --implicit-check-not=after
// RUN: env SLICE_GRAD_NO_CUDA_RUNTIME=1 sparse-opt --run %slice_grad_src/examples/slice_grad.mlir -e main --entry-point-result=void | FileCheck %s --check-prefix=CPU

// CHECK: sparse-opt: no CUDA device is available: no CUDA runtime wrappers

// CPU code is not affected.
// CPU: [0,  0,  0,  0,  0,  13,  0,  0,  23,  0,  0,  0,  33,  0]
