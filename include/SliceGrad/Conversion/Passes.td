//===- Passes.td - Conversions out of the sparse dialect ---*- tablegen -*-===//

#ifndef SLICEGRAD_CONVERSION_PASSES_TD
#define SLICEGRAD_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSparseToLoopsPass : Pass<"convert-sparse-to-loops", "ModuleOp"> {
  let summary = "Lower sparse.slice_grad on memrefs to scf/memref/arith loops";
  let description = [{
    Rewrites every `sparse.slice_grad` in memref form into TensorFlow's
    sequential algorithm, exactly as TensorFlow's CPU kernel runs it:

    1. Run-time checks of TensorFlow's shape conditions that the static types
       leave open (the verifier has decided the others): equal column counts
       of the index operands, `N_out <= N_in`, one gradient per output row,
       `input_start` of length R, and a destination of N_in elements.
    2. Zero the destination (`scf.for`).
    3. The greedy two-pointer loop (`scf.while` over input rows while output
       rows remain; an inner `scf.while` compares a row, stopping at the
       first differing coordinate), copying `backprop_val_grad[j]` to the
       matching row and advancing `j`.
    4. The check that every gradient was propagated (`j == N_out`).

    A failed check calls `sparseSliceGradCheckFailed(check, a, b)` from the
    project's runtime library (`libSliceGradRuntime.so`), which prints
    TensorFlow's message with the sizes involved and exits with status 1.
    `sparse-opt --run` provides that symbol itself; with `mlir-runner`, pass
    the library in `-shared-libs`.

    The tensor form must be bufferized first (`one-shot-bufferize`); the pass
    fails on any `sparse.slice_grad` it cannot lower, so none survives it.

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
                        "Chunked greedy loop under scf.parallel, chained "
                        "and verified, with a sequential fix-up"))}]>,
    Option<"vectorWidth", "vector-width", "unsigned", "8",
           "Rows per vector step of the parallel strategy's scan over "
           "non-matching rows (0 or 1: scalar code only)">,
    Option<"chunkRows", "chunk-rows", "int64_t", "65536",
           "Input rows per parallel chunk (the unit of work of one "
           "scf.parallel iteration)">,
  ];
}

#endif // SLICEGRAD_CONVERSION_PASSES_TD
