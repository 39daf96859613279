// The README's demo prints the gradient TensorFlow gives.
// RUN: sparse-opt --run %slice_grad_src/examples/slice_grad.mlir -e main --entry-point-result=void | FileCheck %s
// CHECK: sizes = [14]
// CHECK-NEXT: [0,  0,  0,  0,  0,  13,  0,  0,  23,  0,  0,  0,  33,  0]
