//===- Passes.td - The pipelines' helper passes ------------*- tablegen -*-===//
//
// Passes the pipelines run around upstream ones: the dialect's rewrites
// (sparse-fuse-slice-grad), and one pass for each gap of MLIR 22
// (docs/Upstream.md lists those with what to delete on an upgrade).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_TRANSFORMS_PASSES_TD
#define SLICEGRAD_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def SparseFuseSliceGradPass
    : Pass<"sparse-fuse-slice-grad", "::mlir::ModuleOp"> {
  let summary = "Compute the gradient of a sparse.slice from the rows it kept";
  let description = [{
    Rewrites every tensor-form `sparse.slice_grad` whose `output_indices`
    are the output indices of a `sparse.slice` of the same `input_indices`
    and the same `input_start` (the same values, through `tensor.cast`s;
    or equal constants) to `sparse.slice_grad_scatter` of the slice's
    kept positions: the slice gains its `positions` result (the other uses
    of its results are left as they are), and the gradient then reads only
    the positions and `backprop_val_grad`. TensorFlow's loop over such
    output indices matches exactly the kept rows, in order
    (docs/Rationale.md), so the result is TensorFlow's, and the only check
    that can still fail stays (the gradient's length against M).

    A gradient whose output indices are the result of a call first gets
    the call inlined where the callee holds a `sparse.slice` (so the pair
    fuses when the forward and the gradient sit in different functions);
    no other call is inlined, so the program and the functions its run-time
    errors name stay as they were. `sparse-lower-to-llvm` runs it first,
    unless its option `fuse-slice-grad=false`.

    Before:
    ```mlir
    %oi, %ov, %os = sparse.slice %ii, %v, %shape, %start, %size : ...
    %g = sparse.slice_grad %bvg, %ii, %start, %oi : ...
    ```
    After:
    ```mlir
    %oi, %ov, %os, %pos = sparse.slice %ii, %v, %shape, %start, %size
        : ... -> ..., positions tensor<?xi64>
    %g = sparse.slice_grad_scatter %bvg, %pos, %ii : ...
    ```
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def SparseCheckSliceGradShardedPass
    : Pass<"sparse-check-slice-grad-sharded", "::mlir::func::FuncOp"> {
  let summary = "Fail where sharding-propagation left a sparse.slice_grad "
                "or sparse.slice without a sharding";
  let description = [{
    In a function with `shard.shard` annotations, every tensor-form
    `sparse.slice_grad` and `sparse.slice` must have a sharded result after
    `sharding-propagation`. MLIR 22's propagation reports an operand
    sharding the op does not support but succeeds, and `shard-partition`
    then crashes on the op without annotations; this pass stops the
    pipeline there with a diagnostic instead (`sparse-shard-to-llvm` runs
    it between the two). Functions without annotations are left alone.
  }];
  let dependentDialects = ["::mlir::shard::ShardDialect"];
}

def SparseCheckAllocationsPass
    : Pass<"sparse-check-allocations", "::mlir::ModuleOp"> {
  let summary = "Fail with TensorFlow's ResourceExhausted where a buffer's "
                "run-time size overflows or malloc returns null";
  let description = [{
    Before every `memref.alloc` with run-time sizes, computes its byte count
    with overflow checks (a result of 2^62 rows of f32 would otherwise ask
    malloc for 0 bytes); after it, checks malloc's pointer. Where either
    fails, the code calls the runtime's `sparseAllocationFailed`, which
    reports TensorFlow's error (RESOURCE_EXHAUSTED, "OOM when allocating
    tensor with shape[...] and type ...") through the error handler and
    ends the process: unlike a failed check of the op, the program cannot go
    on without the buffer. The CPU pipelines run it after the op's lowering,
    before memrefs go to LLVM.

    ```mlir
    %a = memref.alloc(%n) : memref<?xf32>
    // becomes: bytes = 4 * n (overflow: call), %a = memref.alloc(%n),
    // aligned pointer of %a == 0 and bytes != 0: call
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
}

def SparseLowerDeviceMemorySpacePass
    : Pass<"sparse-lower-device-memory-space", "::mlir::ModuleOp"> {
  let summary = "Map #gpu.address_space<global> to the NVPTX address space 1 "
                "everywhere, host code included";
  let description = [{
    Replaces `#gpu.address_space<global>` by the integer memory space 1 in
    every type and attribute of the module. MLIR 22 maps the GPU memory
    spaces only inside kernels (`convert-gpu-to-nvvm`), so the host lowering
    of a function with device-resident memref arguments fails ("conversion
    of memref memory space #gpu.address_space<global> to integer address
    space failed") without it. `sparse-to-nvvm` runs it after kernel
    outlining. Other memory spaces are left as they are.
  }];
}

def SparseAttachGpuDataLayoutPass
    : Pass<"sparse-attach-gpu-data-layout", "::mlir::ModuleOp"> {
  let summary = "Give each gpu.module its NVVM target's LLVM data layout";
  let description = [{
    Sets `llvm.data_layout` on every `gpu.module` with an `#nvvm.target` to
    the data layout of that target's LLVM target machine. MLIR 22's
    `gpu-module-to-binary` translates a kernel module to LLVM IR before it
    sets the target's data layout, so without this the translation takes
    LLVM's default layout, where i64 is 4-byte aligned, and NVPTX splits
    every 64-bit load and store in two 32-bit ones.
  }];
}

def SparseFinishShardToMPIPass
    : Pass<"sparse-finish-shard-to-mpi", "::mlir::ModuleOp"> {
  let summary = "Make MLIR 22's convert-shard-to-mpi output lowerable and "
                "correct: unaliased allreduce buffers, no communicator per "
                "call, no shard.grid left";
  let description = [{
    What MLIR 22's `convert-shard-to-mpi` leaves that MPI or the LLVM
    lowering cannot take:

    * an `mpi.allreduce` whose send and receive buffers are one buffer (MPI
      forbids aliased buffers; the reduced values come out wrong) gets a
      separate receive buffer, copied back;
    * an `mpi.comm_split` with a constant color (a group of the whole grid)
      is the communicator it splits: the split made a new communicator on
      every call and never freed it, and MPICH aborts after a few thousand;
    * the `shard.grid` declarations, which have no LLVM form, are erased
      once nothing refers to them;
    * a module with MPI calls and no `dlti.map` gets
      `"MPI:Implementation" = "MPICH"`, which MLIR 22's MPI lowering
      otherwise assumes after an error diagnostic.

    `sparse-shard-to-llvm` runs it right after `convert-shard-to-mpi`.
  }];
  let dependentDialects = [
    "::mlir::DLTIDialect",
    "::mlir::memref::MemRefDialect",
  ];
}

#endif // SLICEGRAD_TRANSFORMS_PASSES_TD
