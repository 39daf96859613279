// sparse-lower-device-memory-space: #gpu.address_space<global> becomes the
// integer memory space 1 in every type, host code and kernels alike; other
// memory spaces stay.
// RUN: sparse-opt %s --sparse-lower-device-memory-space | FileCheck %s --implicit-check-not="address_space<global>"

// CHECK-LABEL: func.func @host(
//  CHECK-SAME:     %{{.*}}: memref<?xf32, 1>, %{{.*}}: memref<?xf32, #gpu.address_space<workgroup>>) -> memref<?xf32, 1>
//       CHECK:   memref.cast %{{.*}} : memref<?xf32, 1> to memref<4xf32, 1>
func.func @host(%a: memref<?xf32, #gpu.address_space<global>>,
                %w: memref<?xf32, #gpu.address_space<workgroup>>)
    -> memref<?xf32, #gpu.address_space<global>> {
  %c = memref.cast %a : memref<?xf32, #gpu.address_space<global>> to memref<4xf32, #gpu.address_space<global>>
  return %a : memref<?xf32, #gpu.address_space<global>>
}

// CHECK-LABEL: func.func @plain(
//  CHECK-SAME:     %{{.*}}: memref<?xf32>, %{{.*}}: memref<?xf32, 3>)
func.func @plain(%a: memref<?xf32>, %b: memref<?xf32, 3>) {
  return
}
