// DEFINE: %{run} = not sparse-opt --run %s --entry-point-result=void
// RUN: %{run} -e not_propagated 2>&1 | FileCheck %s --check-prefix=PROPAGATED --implicit-check-not=after
// RUN: %{run} -e not_propagated_static 2>&1 | FileCheck %s --check-prefix=PROPAGATED --implicit-check-not=after
// RUN: %{run} -e ndims 2>&1 | FileCheck %s --check-prefix=NDIMS
// RUN: %{run} -e rows 2>&1 | FileCheck %s --check-prefix=ROWS
// RUN: %{run} -e nnz 2>&1 | FileCheck %s --check-prefix=NNZ
// RUN: %{run} -e start_length 2>&1 | FileCheck %s --check-prefix=START
// The op in every iteration of a parallel loop on two OpenMP threads, each
// failing: one message, exit status 1, no crash (ten runs, as a race that
// once crashed most runs).
// RUN: for i in 1 2 3 4 5 6 7 8 9 10; do env OMP_NUM_THREADS=2 sparse-opt --run %s --entry-point-result=void -e threads 2>&1; echo "exit $?"; done | FileCheck %s --check-prefix=THREADS --implicit-check-not=INVALID_ARGUMENT

// TensorFlow's run-time errors: a message and a non-zero exit, no crash.
// What the program printed before the error comes first.

// PROPAGATED: before
// PROPAGATED-NEXT: sparse.slice_grad in @{{kernel|not_propagated_static}} ({{.*}}runtime-errors.mlir:{{[0-9]+}}:{{[0-9]+}}): INTERNAL: Elements of backprop_val_grad aren't all propagated. Num elements:1, used: 0
// NDIMS: sparse.slice_grad in @kernel ({{.*}}): INVALID_ARGUMENT: The input and output should have the same ndims: got: 2 and 3
// ROWS: # rows of output_indices should be not greater than of input_indices, got 3 and 2
// NNZ: # elements of backprop_val_grad and # rows of output_indices should match (#nnz of sum): got 2 and 1
// THREADS-COUNT-10: sparse.slice_grad in @threads ({{.*}}): INVALID_ARGUMENT: # elements of backprop_val_grad and # rows of output_indices should match (#nnz of sum): got 2 and 1{{$}}
// THREADS-SAME: {{$}}
// THREADS-NEXT: exit 1
// START: Expected input_start to be a vector of length 2 but got length 1

func.func private @printMemrefF32(tensor<*xf32>) attributes {llvm.emit_c_interface}

func.func private @kernel(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}

func.func private @run(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) {
  vector.print str "before\n"
  %r = call @kernel(%g, %ii, %s, %oi) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> tensor<?xf32>
  vector.print str "after\n"
  %u = tensor.cast %r : tensor<?xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

// test/golden's not_all_propagated case.
func.func @not_propagated() {
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[5, 5]]> : tensor<1x2xi64>
  %gd = tensor.cast %g : tensor<1xf32> to tensor<?xf32>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x?xi64>
  %sd = tensor.cast %s : tensor<2xi64> to tensor<?xi64>
  %oid = tensor.cast %oi : tensor<1x2xi64> to tensor<?x?xi64>
  call @run(%gd, %iid, %sd, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> ()
  return
}

// The same with static shapes: the check is a run-time one still. (An
// unused result would let the op be removed as dead, like any op without
// side effects, so the result is printed.)
func.func @not_propagated_static() {
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[5, 5]]> : tensor<1x2xi64>
  vector.print str "before\n"
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<1xf32>, tensor<2x2xi64>, tensor<2xi64>, tensor<1x2xi64> -> tensor<2xf32>
  vector.print str "after\n"
  %u = tensor.cast %r : tensor<2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}

func.func @ndims() {
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0, 0]]> : tensor<1x3xi64>
  %gd = tensor.cast %g : tensor<1xf32> to tensor<?xf32>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x?xi64>
  %sd = tensor.cast %s : tensor<2xi64> to tensor<?xi64>
  %oid = tensor.cast %oi : tensor<1x3xi64> to tensor<?x?xi64>
  call @run(%gd, %iid, %sd, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> ()
  return
}

func.func @rows() {
  %g = arith.constant dense<[1.0, 2.0, 3.0]> : tensor<3xf32>
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0], [1, 1], [2, 2]]> : tensor<3x2xi64>
  %gd = tensor.cast %g : tensor<3xf32> to tensor<?xf32>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x?xi64>
  %sd = tensor.cast %s : tensor<2xi64> to tensor<?xi64>
  %oid = tensor.cast %oi : tensor<3x2xi64> to tensor<?x?xi64>
  call @run(%gd, %iid, %sd, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> ()
  return
}

func.func @nnz() {
  %g = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %s = arith.constant dense<[0, 0]> : tensor<2xi64>
  %oi = arith.constant dense<[[0, 0]]> : tensor<1x2xi64>
  %gd = tensor.cast %g : tensor<2xf32> to tensor<?xf32>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x?xi64>
  %sd = tensor.cast %s : tensor<2xi64> to tensor<?xi64>
  %oid = tensor.cast %oi : tensor<1x2xi64> to tensor<?x?xi64>
  call @run(%gd, %iid, %sd, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> ()
  return
}

func.func @start_length() {
  %g = arith.constant dense<[1.0]> : tensor<1xf32>
  %ii = arith.constant dense<[[0, 0], [1, 1]]> : tensor<2x2xi64>
  %s = arith.constant dense<[0]> : tensor<1xi64>
  %oi = arith.constant dense<[[0, 0]]> : tensor<1x2xi64>
  %gd = tensor.cast %g : tensor<1xf32> to tensor<?xf32>
  %iid = tensor.cast %ii : tensor<2x2xi64> to tensor<?x?xi64>
  %sd = tensor.cast %s : tensor<1xi64> to tensor<?xi64>
  %oid = tensor.cast %oi : tensor<1x2xi64> to tensor<?x?xi64>
  call @run(%gd, %iid, %sd, %oid) : (tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64>) -> ()
  return
}

func.func @threads() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %g = memref.alloc(%c2) : memref<?xf32>
  %ii = memref.alloc(%c2, %c2) : memref<?x?xi64>
  %s = memref.alloc(%c2) : memref<?xi64>
  %oi = memref.alloc(%c1, %c2) : memref<?x?xi64>
  %out = memref.alloc(%c2) : memref<?xf32>
  scf.parallel (%i) = (%c0) to (%c64) step (%c1) {
    sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
    scf.reduce
  }
  vector.print str "not reached\n"
  return
}
