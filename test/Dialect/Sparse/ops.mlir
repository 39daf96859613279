// RUN: sparse-opt %s | sparse-opt | FileCheck %s
// RUN: sparse-opt %s --mlir-print-op-generic | sparse-opt | FileCheck %s

// CHECK-LABEL: func @static_f32
// CHECK: %[[R:.*]] = sparse.slice_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
// CHECK: return %[[R]]
func.func @static_f32(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<14xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
  return %r : tensor<14xf32>
}

// The generic form of the issue parses.
// CHECK-LABEL: func @generic_form
// CHECK: sparse.slice_grad %{{.*}} : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64> -> tensor<14xf32>
func.func @generic_form(%g: tensor<3xf32>, %ii: tensor<14x2xi64>, %s: tensor<2xi64>, %oi: tensor<3x2xi64>) -> tensor<14xf32> {
  %r = "sparse.slice_grad"(%g, %ii, %s, %oi) : (tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64>) -> tensor<14xf32>
  return %r : tensor<14xf32>
}

// CHECK-LABEL: func @dynamic_f64
// CHECK: sparse.slice_grad {{.*}} : tensor<?xf64>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf64>
func.func @dynamic_f64(%g: tensor<?xf64>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf64> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf64>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf64>
  return %r : tensor<?xf64>
}

// CHECK-LABEL: func @mixed_types
// CHECK: -> tensor<5xbf16>
// CHECK: -> tensor<?xf16>
// CHECK: -> tensor<5xcomplex<f32>>
// CHECK: -> tensor<5xcomplex<f64>>
// CHECK: -> tensor<5xi8>
// CHECK: -> tensor<5xi16>
// CHECK: -> tensor<5xi32>
// CHECK: -> tensor<5xi64>
// CHECK: -> tensor<5xui8>
// CHECK: -> tensor<5xui16>
// CHECK: -> tensor<5xui32>
// CHECK: -> tensor<5xui64>
// CHECK: -> tensor<5xsi8>
func.func @mixed_types(%ii: tensor<5x3xi64>, %s: tensor<3xi64>, %oi: tensor<2x3xi64>,
    %a: tensor<2xbf16>, %b: tensor<?xf16>, %c: tensor<2xcomplex<f32>>, %d: tensor<2xcomplex<f64>>,
    %e: tensor<2xi8>, %f: tensor<2xi16>, %g: tensor<2xi32>, %h: tensor<2xi64>,
    %i: tensor<2xui8>, %j: tensor<2xui16>, %k: tensor<2xui32>, %l: tensor<2xui64>, %m: tensor<2xsi8>) {
  %0 = sparse.slice_grad %a, %ii, %s, %oi : tensor<2xbf16>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xbf16>
  %1 = sparse.slice_grad %b, %ii, %s, %oi : tensor<?xf16>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<?xf16>
  %2 = sparse.slice_grad %c, %ii, %s, %oi : tensor<2xcomplex<f32>>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xcomplex<f32>>
  %3 = sparse.slice_grad %d, %ii, %s, %oi : tensor<2xcomplex<f64>>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xcomplex<f64>>
  %4 = sparse.slice_grad %e, %ii, %s, %oi : tensor<2xi8>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xi8>
  %5 = sparse.slice_grad %f, %ii, %s, %oi : tensor<2xi16>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xi16>
  %6 = sparse.slice_grad %g, %ii, %s, %oi : tensor<2xi32>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xi32>
  %7 = sparse.slice_grad %h, %ii, %s, %oi : tensor<2xi64>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xi64>
  %8 = sparse.slice_grad %i, %ii, %s, %oi : tensor<2xui8>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xui8>
  %9 = sparse.slice_grad %j, %ii, %s, %oi : tensor<2xui16>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xui16>
  %10 = sparse.slice_grad %k, %ii, %s, %oi : tensor<2xui32>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xui32>
  %11 = sparse.slice_grad %l, %ii, %s, %oi : tensor<2xui64>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xui64>
  %12 = sparse.slice_grad %m, %ii, %s, %oi : tensor<2xsi8>, tensor<5x3xi64>, tensor<3xi64>, tensor<2x3xi64> -> tensor<5xsi8>
  return
}

// Memref form: destination-passing, no result.
// CHECK-LABEL: func @memref_form
// CHECK: sparse.slice_grad %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %{{.*}} : memref<?xf32>
// CHECK: sparse.slice_grad {{.*}} : memref<3xui8>, memref<14x2xi64, strided<[?, ?], offset: ?>>, memref<2xi64>, memref<3x2xi64> into %{{.*}} : memref<14xui8>
func.func @memref_form(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>, %out: memref<?xf32>,
    %g2: memref<3xui8>, %ii2: memref<14x2xi64, strided<[?, ?], offset: ?>>, %s2: memref<2xi64>, %oi2: memref<3x2xi64>, %out2: memref<14xui8>) {
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  sparse.slice_grad %g2, %ii2, %s2, %oi2 : memref<3xui8>, memref<14x2xi64, strided<[?, ?], offset: ?>>, memref<2xi64>, memref<3x2xi64> into %out2 : memref<14xui8>
  return
}

// R = 0 and empty operands are valid.
// CHECK-LABEL: func @empty
// CHECK: sparse.slice_grad {{.*}} : tensor<0xf32>, tensor<4x0xi64>, tensor<0xi64>, tensor<0x0xi64> -> tensor<4xf32>
func.func @empty(%g: tensor<0xf32>, %ii: tensor<4x0xi64>, %s: tensor<0xi64>, %oi: tensor<0x0xi64>) -> tensor<4xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<0xf32>, tensor<4x0xi64>, tensor<0xi64>, tensor<0x0xi64> -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// The partition's ops, with and without the box of the output rows
// (tensor and memref forms; the generic form keeps the operand segments).
// CHECK-LABEL: func @partition_ops
// CHECK: sparse.slice_grad_count %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<?xf32>
// CHECK: sparse.slice_grad_count %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} box(%{{.*}} : tensor<4xi64>) : tensor<?xf32>
// CHECK: sparse.slice_grad_resume %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} from %{{.*}} box(%{{.*}} : tensor<4xi64>) : {{.*}} -> tensor<?xf32>
// CHECK: sparse.slice_grad_resume %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} from %{{.*}} box(%{{.*}} : memref<?xi64>) : {{.*}} into %{{.*}} : memref<?xf32>
// CHECK: sparse.slice_grad_resume %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} from %{{.*}} : {{.*}} into %{{.*}} : memref<?xf32>
func.func @partition_ops(%g: tensor<?xf32>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>, %box: tensor<4xi64>,
    %mg: memref<?xf32>, %mii: memref<?x?xi64>, %ms: memref<?xi64>, %moi: memref<?x?xi64>, %mbox: memref<?xi64>, %out: memref<?xf32>, %j: index) {
  %n = sparse.slice_grad_count %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>
  %m = sparse.slice_grad_count %g, %ii, %s, %oi box(%box : tensor<4xi64>) : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>
  %vg, %e = sparse.slice_grad_resume %g, %ii, %s, %oi from %j box(%box : tensor<4xi64>) : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  %e2 = sparse.slice_grad_resume %mg, %mii, %ms, %moi from %j box(%mbox : memref<?xi64>) : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  %e3 = sparse.slice_grad_resume %mg, %mii, %ms, %moi from %j : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  return
}
