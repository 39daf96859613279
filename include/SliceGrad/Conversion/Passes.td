//===- Passes.td - Conversions out of the sparse dialect ---*- tablegen -*-===//

#ifndef SLICEGRAD_CONVERSION_PASSES_TD
#define SLICEGRAD_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSparseToLoopsPass : Pass<"convert-sparse-to-loops", "ModuleOp"> {
  let summary = "Lower sparse.slice_grad on memrefs to scf/memref/arith loops";
  let description = [{
    Rewrites every `sparse.slice_grad` in memref form into loops. Both
    strategies give TensorFlow's CPU kernel's result bit for bit on every
    input (unsorted, duplicate or foreign rows, empty operands, any R,
    coordinates that wrap around), and its run-time errors.

    Both start with run-time checks of TensorFlow's shape conditions that the
    static types leave open (the verifier has decided the others): equal
    column counts of the index operands, `N_out <= N_in`, one gradient per
    output row, `input_start` of length R, and a destination of N_in
    elements. Both end with the check that every gradient was propagated.

    **`strategy=sequential`** (the default of this pass) is TensorFlow's
    loop, one row at a time from j = 0: the rows are zeroed, then a row
    that equals output row j takes `backprop_val_grad[j]` and j advances (a
    branch on the match, as in TensorFlow's kernel: it predicts well on
    real data and keeps the next row's loads independent of this row's
    comparison). Where R is static, a vector step first checks whether the
    next `vector-width` rows are the next output rows (a dense slice) and
    takes them at once.

    **`strategy=parallel`** (the default of the `sparse-lower-to-llvm`
    pipeline) needs no order of the rows. A row is *flagged* when it lies in
    the bounding box B of the shifted output rows, and numbered by the count
    of flagged rows before it. Blocks of `chunk-rows` input rows go to the
    iterations of an `scf.parallel` in order (an atomic counter); each
    counts its flagged rows, waits for the block before it to publish its
    inclusive count (decoupled look-back), publishes its own, and writes its
    rows from cache: a flagged row numbered below N_out must equal that
    output row and gets its gradient, every other row gets zero. Up to the
    first flagged row that differs, this is exactly what TensorFlow's loop
    computes; from that row on, TensorFlow's loop runs (blocks past it stop
    early), in parts of about `chunk-rows` rows run in parallel, each from a
    guessed j that a pass in order verifies (a part with a wrong guess runs
    again); with a static R >= 2 and output rows that ascend or are the
    input rows in order, from the first row (no box, each row read once). On output rows from a real SparseSlice (the rows inside the slice
    in input order, whatever that order) nothing differs and every row
    is read once from memory. docs/Rationale.md has the proof and the
    vector steps. Extra memory: a few words per block and one flag byte per
    vector step, on the heap.

    A run-time R (`memref<?x?xi64>`, what TensorFlow's exports give) is
    specialized: an `scf.index_switch` runs the static-R code for R = 1 to
    8 on memrefs cast to that R, and the generic code for any other R.

    With `outline` (the default of the pipelines), an op becomes one call
    of a private function of its operand types,
    `@__sparse_slice_grad_<strategy and options>_op<N>`, shared by the
    module's ops with those types, which takes the op's "@function
    (location)" text for its messages: TensorFlow's checks, each R's code
    as a call of a kernel `@__sparse_slice_grad_<strategy and
    options>_<type>_r<R>` (one per value type, R, operand layout class and
    options; `_rgen` for the generic code; a run-time R is a switch over
    the kernels that static R call too), then the check that every
    gradient was propagated. Both have internal linkage. A model with
    twenty sparse features compiles the strategy once per R, not twenty
    times, and a run-time R runs the very code a static R runs.

    A failed check calls `sparseSliceGradCheckFailed(check, a, b)` from the
    project's runtime library (`libSliceGradRuntime.so`), which prints
    TensorFlow's message with the sizes involved and exits with status 1.
    `sparse-opt --run` provides that symbol itself; with `mlir-runner`, pass
    the library in `-shared-libs`.

    The tensor form must be bufferized first (`one-shot-bufferize`); the pass
    fails on any `sparse.slice_grad` it cannot lower, so none survives it.
    The destination must not alias the other operands.

    Unsigned and signed integer element types have no `arith` constants: the
    zero is built as a signless constant and reinterpreted with
    `builtin.unrealized_conversion_cast`, which `reconcile-unrealized-casts`
    removes after the LLVM lowering.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
  let options = [
    Option<"strategy", "strategy", "::mlir::sparse::SliceGradStrategy",
           "::mlir::sparse::SliceGradStrategy::Sequential",
           "How to lower the op",
           [{::mlir::sparse::sliceGradStrategyValues()}]>,
    Option<"vectorWidth", "vector-width", "unsigned", "8",
           "Rows per vector step (0 or 1: scalar code only; at most 64)">,
    Option<"chunkRows", "chunk-rows", "int64_t", "8192",
           "Input rows per block of the parallel strategy (the unit of work "
           "of one scf.parallel iteration; a block should fit the L2 "
           "cache)">,
    Option<"outline", "outline", "bool", "false",
           "Lower each op to a call of a private function of its operand "
           "types (its checks, then calls of one kernel per value type, R, "
           "operand layouts and options), shared by the module's ops: a "
           "module with many ops compiles the strategy once per R">,
  ];
}

def ConvertSparseToGPUPass : Pass<"convert-sparse-to-gpu", "ModuleOp"> {
  let summary = "Lower sparse.slice_grad (memref form) to order-free GPU "
                "kernels that verify their result and fall back on the device";
  let description = [{
    Lowers the memref form of `sparse.slice_grad` to host code that launches
    a short sequence of kernels, each an `scf.parallel` that the
    `sparse-to-nvvm` pipeline maps to one `gpu.launch_func` (one thread per
    iteration). The algorithm is the flags + prefix + verify one of
    docs/Rationale.md; it needs no sorted input:

    1. TensorFlow's shape checks, on the host (sizes only: the host reads
       no operand).
    2. box: the bounding box of the shifted output rows, a tree reduction
       (leaves: chunks of `chunk-rows` output rows).
    3. count: per chunk of `chunk-rows` input rows, the rows inside the box.
    4. scan: an exclusive scan of the chunk counts on the device (an
       up-sweep and a down-sweep over a tree with `chunk-rows` children per
       node, one launch per level).
    5. write: each chunk, from its exact start, gives the rows inside the
       box the next gradient and checks that each equals that output row;
       a failed check sets a word of a 24-byte status buffer (atomic or).
    6. fallback: one thread runs TensorFlow's loop over all rows where a
       check failed or the flagged rows do not number N_out (unsorted
       duplicates, rows outside the slice between matches); the j it ends
       with goes to the status buffer.
    7. The host copies the status buffer back (24 bytes) and raises
       TensorFlow's "not all propagated" error through the runtime's error
       handler (which an embedding host may install to get a status).

    Where the operands are: memrefs in `#gpu.address_space<global>` (or any
    memrefs with `device-resident=true`) are device memory, and the
    kernels read and write them in place: no `gpu.alloc` or `gpu.memcpy` of
    operands or result, only of the scratch buffers (box tree, scan tree,
    status). Host memrefs (the default memory space, what `sparse-opt
    --run` passes) with identity layouts are copied to device buffers and
    the result back; strided host memrefs run TensorFlow's loop on the host.
    A run-time R gets one kernel sequence per R = 1..8 (operands cast to
    that R) and one with loops over columns for any other R.

    The result equals TensorFlow's CPU kernel's on every input (unlike
    TensorFlow's GPU kernel, a binary search per input row that assumes
    sorted, unique rows and skips the all-propagated check).

    With `device-memory=false` the scratch buffers are host memrefs
    (`memref.alloc`) and the kernels run on the operands in place, on CPU
    threads (OpenMP): `sparse-lower-to-llvm{gpu-algorithm=true}` is how the
    test suite runs these kernels on machines without a GPU. Run this pass
    after buffer deallocation: it allocates and frees its own buffers.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
  let options = [
    Option<"chunkRows", "chunk-rows", "int64_t", "64",
           "Input (and output) rows per GPU thread, and children per node "
           "of the box and scan trees (at least 2)">,
    Option<"deviceMemory", "device-memory", "bool", "true",
           "Run the kernels on a GPU (false: on CPU threads, with host "
           "scratch buffers and the operands in place)">,
    Option<"deviceResident", "device-resident", "bool", "false",
           "The memref operands are device memory whatever their memory "
           "space: the kernels use them in place, nothing is copied">,
    Option<"fallback", "fallback", "bool", "true",
           "Run TensorFlow's loop on the device where the verification "
           "fails (false, for tests of the kernels: report the failed "
           "verification as an error instead)">,
  ];
}

def ConvertTFToSparsePass : Pass<"convert-tf-to-sparse", "ModuleOp"> {
  let summary = "Import TensorFlow's exported tf.SparseSliceGrad as "
                "sparse.slice_grad";
  let description = [{
    TensorFlow's MLIR dialect has no generated op for SparseSliceGrad: its
    importer emits it as an unregistered op (parse such modules with
    `--allow-unregistered-dialect`):

    ```mlir
    %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32}
        : (tensor<?xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>)
        -> tensor<?xf32>
    ```

    This pass rewrites every such op into `sparse.slice_grad`:

    * Operands TensorFlow types less precisely (unranked tensors) get a
      `tensor.cast` to the ranked type the op needs (`tensor<?xT>`,
      `tensor<?x?xi64>`, `tensor<?xi64>`); ranked ones stay as they are. The
      result is cast back to the TensorFlow op's type where it differs.
      TensorFlow checks the ranks at run time; so does the converted code,
      before the op, with TensorFlow's messages and in its order (through
      `sparseSliceGradShapeCheckFailed` and `sparseSliceGradCheckFailed` of
      the runtime).
    * The value type is the `T` attribute where present (it must agree with
      the operand and result element types), else the operands'.
    * TensorFlow's quantized types, which parse as opaque types
      (`!tf_type.qint8`, `quint8`, `qint16`, `quint16`, `qint32`), become
      their storage integer types (`i8`, `ui8`, `i16`, `ui16`, `i32`). The
      pass rewrites the types of function arguments, results, calls and
      returns that carry them; a quantized value used by any other op cannot
      be expressed with storage types and gets a diagnostic naming that op.
    * What `tf.mlir.experimental.convert_function` puts around the op is
      imported too: `tf.Identity` and `tf.IdentityN` become their operands,
      `tf.Const` with a dense value `arith.constant`, `tf.PartitionedCall`
      and `tf.StatefulPartitionedCall` a `func.call` of their function `f`.
      Any other TF op (and a `tf_executor` graph) gets one diagnostic naming
      it: the host compiler's own TensorFlow legalization must lower it
      first (`populateTFToSparseConversionPatterns` adds this pass's
      patterns to such a conversion).
    * Malformed ops get a diagnostic: wrong operand or result counts,
      non-tensor operands, index operands that are not i64, a `T` that is
      not a type or disagrees with the operands, element types TensorFlow
      does not allow, a declared result type that cannot hold one value per
      input row, the op at the end of a block that needs a terminator, and
      (from `sparse.slice_grad`'s verifier) TensorFlow's shape errors.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::sparse::SparseDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // SLICEGRAD_CONVERSION_PASSES_TD
