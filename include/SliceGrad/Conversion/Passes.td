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
    loop: zero the destination (`scf.for`), then the greedy two-pointer loop
    (`scf.while` over input rows while output rows remain; an inner
    `scf.while` compares a row, stopping at the first differing coordinate),
    copying `backprop_val_grad[j]` to the matching row and advancing `j`.
    It is the reference every other lowering is tested against.

    **`strategy=parallel`** (the default of the `sparse-lower-to-llvm`
    pipeline) splits the input rows into chunks of `chunk-rows` (more when
    N_in needs more than 1024 chunks), each run as one iteration of an
    `scf.parallel`. Each chunk guesses the `j` the sequential loop has at
    its first row: 0 for the first chunk, else a binary search of the
    chunk's first row among the shifted output rows (exact when both index
    lists are sorted and unique, as TensorFlow's SparseSlice makes them).
    Then up to two passes run:

    1. **The box pass** (`box-pass=true`, static R >= 1, N_out > 0): one
       streaming, branch-free pass that is final for real SparseSlice
       output. Chunk c numbers its input rows from its guess `j_c`: a row is
       *flagged* when it lies inside a box of shifted output rows that holds
       output row `j` (the row's number), it must then equal that row, and
       it gets that row's gradient; an unflagged row gets zero. The chunk's
       guess is *proved* when every flagged row matched and its count ends
       exactly at the next chunk's guess `j_{c+1}`. When every chunk's guess
       is proved, the result is the sequential loop's: by induction over the
       rows, the loop's `j` at a row is its number; a flagged row matches
       output row `j`; an unflagged row lies outside a box that holds
       output row `j`, so it cannot match it and the loop skips it; and all
       N_out gradients were used.
       With a static R, identity layouts and an int or float value type,
       `vector-width` rows go at once: `vector.load` of the flattened rows,
       box compares against the box of a window of 8 steps' worth of output
       rows from the current `j` (every row a step can meet lies in it;
       recomputed when `j` could pass the window's end, from rows the steps
       then read again from L1, and prefetched one window ahead with
       `memref.prefetch`), the per-row flags as integer bits (or
       `vector.shuffle`s of i64 words), and `vector.expandload` of the next
       output rows and gradients into the flagged lanes (one instruction
       each with AVX-512; other targets get a scalarized expansion), or
       plain `vector.load`s where every row is flagged. The rows after the
       last whole step take the greedy step itself (flagged exactly when
       equal to output row `j`). Without vectors, one box per chunk is used:
       of its guessed output rows and the next chunk's first.
    2. **The greedy pass**, only when some guess of the box pass was not
       proved (unsorted or duplicate rows, output rows that are not a box's
       worth of the input, ...), and it overwrites every value. Each chunk
       runs the greedy loop over its rows from its guess, writing every one
       of its rows, and records the `j` it ends with. The loop body is
       branch-free (`arith.select`); with a static R, identity layouts and
       an int or float value type, a vector step compares `vector-width`
       rows with the current output row and jumps to the first match
       (`vector.reduction <minui>`), zeroing the rows it passes with one
       `vector.store`. A sequential fix-up then walks the chunks in order: a
       chunk whose guess equals its predecessor's end `j` computed exactly
       what the sequential loop computes for its rows (by induction from
       chunk 0); any other chunk is rerun from the true `j`.

    No order is assumed anywhere: on unsorted or duplicated rows a guess can
    be wrong, which costs the greedy pass or a sequential rerun of a chunk,
    never a wrong value. Extra memory is two words per chunk (at most 1024
    chunks, 16 KiB, in a `memref.alloca_scope`) whatever N_in.

    Why this algorithm: on real SparseSlice output it reads every input
    byte once from memory and writes each output value once, with no
    data-dependent branch per row, like the speed-of-light kernel of the
    benchmark. The design notes' bounding-box and prefix-sum algorithm
    reads the input twice (flags, then scatter) and needs a global box (a
    third read of the output indices); per-row binary search reads at
    random. The greedy pass alone is branch-bound where about half the rows
    match; a box per chunk costs a separate pass over the chunk's output
    rows, and a box per step puts a load on the loop-carried path of `j`.
    See BENCHMARKS.md for the numbers.

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
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect",
  ];
  let options = [
    Option<"strategy", "strategy", "::mlir::sparse::SliceGradStrategy",
           "::mlir::sparse::SliceGradStrategy::Sequential",
           "How to lower the op",
           [{::llvm::cl::values(
             clEnumValN(::mlir::sparse::SliceGradStrategy::Sequential,
                        "sequential", "TensorFlow's loop, one thread"),
             clEnumValN(::mlir::sparse::SliceGradStrategy::Parallel,
                        "parallel",
                        "Chunks under scf.parallel: a verified box pass, "
                        "else a chained greedy pass with a sequential "
                        "fix-up"))}]>,
    Option<"vectorWidth", "vector-width", "unsigned", "8",
           "Rows per vector step of the parallel strategy's scan over "
           "non-matching rows (0 or 1: scalar code only)">,
    Option<"chunkRows", "chunk-rows", "int64_t", "65536",
           "Input rows per parallel chunk (the unit of work of one "
           "scf.parallel iteration)">,
    Option<"boxPass", "box-pass", "bool", "true",
           "Try the parallel strategy's one-pass box check before its greedy "
           "pass (static R >= 1 only)">,
  ];
}

def ConvertSparseToGPUPass : Pass<"convert-sparse-to-gpu", "ModuleOp"> {
  let summary = "Lower sparse.slice_grad (memref form) to a GPU-parallel, "
                "verified box pass with the host loop as fallback";
  let description = [{
    Lowers the memref form of `sparse.slice_grad` to host code around one
    parallel loop that the `sparse-to-nvvm` pipeline maps to a GPU kernel:

    1. TensorFlow's shape checks, on the host (as `convert-sparse-to-loops`).
    2. Where R is static (>= 1), every operand has an identity layout and
       N_out > 0: the operands are copied to device buffers (`gpu.alloc`,
       `gpu.memcpy`), and an `scf.parallel` over chunks of `chunk-rows`
       input rows runs the box pass of the parallel CPU strategy, one chunk
       per GPU thread (see `convert-sparse-to-loops`): each chunk guesses
       its first output row by binary search, takes the bounding box of its
       guessed output rows and the next chunk's first, flags and numbers its
       input rows inside the box, checks each against its output row,
       writes its values, and stores whether its guess was proved in a
       per-chunk verdict buffer.
    3. The verdicts are copied back; if all hold, the result is copied to
       the destination. The box pass's proof makes it the sequential loop's
       result on any input where all guesses are proved.
    4. Otherwise (unsorted or duplicate rows, output rows that are not a
       box's worth of the input, N_out = 0, a dynamic R, strided operands),
       the host runs TensorFlow's sequential loop, with its "not all
       propagated" error.

    Unlike TensorFlow's GPU kernel (a binary search per input row that
    assumes sorted, unique rows and skips the all-propagated check), the
    result equals TensorFlow's CPU kernel's on every input.

    With `device-memory=false`, the buffers are host memrefs
    (`memref.alloc`, `memref.copy`): the same algorithm then runs on the CPU
    (the `scf.parallel` on OpenMP threads), which is how the test suite
    checks it on machines without a GPU. Run this pass after buffer
    deallocation: it allocates and frees its own buffers.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect",
  ];
  let options = [
    Option<"chunkRows", "chunk-rows", "int64_t", "64",
           "Input rows per chunk, i.e. per GPU thread">,
    Option<"deviceMemory", "device-memory", "bool", "true",
           "Copy the operands to gpu.alloc buffers (false: host buffers, "
           "to run the algorithm on the CPU)">,
  ];
}

def ConvertTFToSparsePass : Pass<"convert-tf-to-sparse", "ModuleOp"> {
  let summary = "Import TensorFlow's tf.SparseSliceGrad as sparse.slice_grad";
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
    * The value type is the `T` attribute where present (it must agree with
      the operand and result element types), else the operands'.
    * TensorFlow's quantized types, which parse as opaque types
      (`!tf_type.qint8`, `quint8`, `qint16`, `quint16`, `qint32`), become
      their storage integer types (`i8`, `ui8`, `i16`, `ui16`, `i32`). The
      pass rewrites the types of function arguments, results, calls and
      returns that carry them; a quantized value used by any other op cannot
      be expressed with storage types and gets a diagnostic naming that op.
    * Malformed ops get a diagnostic: wrong operand or result counts,
      non-tensor operands, index operands that are not i64, a `T` that
      disagrees with the operands, element types TensorFlow does not allow,
      and (from `sparse.slice_grad`'s verifier) TensorFlow's shape errors.
  }];
  let dependentDialects = [
    "::mlir::func::FuncDialect",
    "::mlir::sparse::SparseDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // SLICEGRAD_CONVERSION_PASSES_TD
