// sparse-finish-shard-to-mpi on what MLIR 22's convert-shard-to-mpi leaves:
// an in-place allreduce gets its own receive buffer (copied back), a split
// with a constant color is the communicator it splits, unused grids go,
// and the module names MPICH.
// RUN: sparse-opt %s --sparse-finish-shard-to-mpi | FileCheck %s

// CHECK-LABEL: module attributes {dlti.map = #dlti.map<"MPI:Implementation" = "MPICH">}
// CHECK-NOT: shard.grid @unused
// CHECK: shard.grid @used
shard.grid @unused(shape = 2)
shard.grid @used(shape = 2)

// CHECK-LABEL: func.func @in_place(
//  CHECK-SAME:     %[[BUF:.*]]: memref<5xi64>, %[[KEY:.*]]: i32, %[[COLOR:.*]]: i32)
func.func @in_place(%buf: memref<5xi64>, %key: i32, %color: i32) {
  %c0 = arith.constant 0 : i32
  %world = mpi.comm_world : !mpi.comm
  // CHECK: %[[WORLD:.*]] = mpi.comm_world
  // CHECK-NOT: mpi.comm_split(%[[WORLD]], %{{.*}}, %[[KEY]])
  // CHECK: %[[RECV:.*]] = memref.alloc() : memref<5xi64>
  // CHECK: mpi.allreduce(%[[BUF]], %[[RECV]], MPI_SUM, %[[WORLD]])
  // CHECK: memref.copy %[[RECV]], %[[BUF]]
  %all = mpi.comm_split(%world, %c0, %key) : !mpi.comm
  mpi.allreduce(%buf, %buf, MPI_SUM, %all) : memref<5xi64>, memref<5xi64>
  // A split by a color known only at run time stays.
  // CHECK: %[[PART:.*]] = mpi.comm_split(%[[WORLD]], %[[COLOR]], %[[KEY]])
  // CHECK: mpi.allreduce(%[[BUF]], %{{.*}}, MPI_SUM, %[[PART]])
  %part = mpi.comm_split(%world, %color, %key) : !mpi.comm
  mpi.allreduce(%buf, %buf, MPI_SUM, %part) : memref<5xi64>, memref<5xi64>
  return
}

// CHECK-LABEL: func.func @separate(
//  CHECK-SAME:     %[[A:.*]]: memref<2xi64>, %[[B:.*]]: memref<2xi64>)
// CHECK-NEXT:    %[[W:.*]] = mpi.comm_world
// CHECK-NEXT:    mpi.allreduce(%[[A]], %[[B]], MPI_SUM, %[[W]])
// CHECK-NEXT:    return
func.func @separate(%a: memref<2xi64>, %b: memref<2xi64>) {
  %world = mpi.comm_world : !mpi.comm
  mpi.allreduce(%a, %b, MPI_SUM, %world) : memref<2xi64>, memref<2xi64>
  return
}

// A dynamic or strided buffer (never what convert-shard-to-mpi makes, but
// the pass is on the command line): the receive buffer has its sizes.
// CHECK-LABEL: func.func @dynamic(
//  CHECK-SAME:     %[[D:.*]]: memref<?xi64, strided<[2]>>)
//       CHECK:   %[[C0:.*]] = arith.constant 0 : index
//       CHECK:   %[[N:.*]] = memref.dim %[[D]], %[[C0]]
//       CHECK:   %[[R:.*]] = memref.alloc(%[[N]]) : memref<?xi64>
//       CHECK:   mpi.allreduce(%[[D]], %[[R]], MPI_SUM, %{{.*}}) : memref<?xi64, strided<[2]>>, memref<?xi64>
//       CHECK:   memref.copy %[[R]], %[[D]]
func.func @dynamic(%d: memref<?xi64, strided<[2]>>) {
  %world = mpi.comm_world : !mpi.comm
  mpi.allreduce(%d, %d, MPI_SUM, %world) : memref<?xi64, strided<[2]>>, memref<?xi64, strided<[2]>>
  return
}

func.func @uses_grid() -> index {
  %i = shard.process_linear_index on @used : index
  return %i : index
}
