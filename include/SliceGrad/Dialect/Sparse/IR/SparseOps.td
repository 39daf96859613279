//===- SparseOps.td - sparse dialect ops -------------------*- tablegen -*-===//
//
// sparse.slice_grad: TensorFlow's SparseSliceGrad on tensors and on memrefs;
// sparse.slice: TensorFlow's SparseSlice; the ops of their partition and
// fusion.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_DIALECT_SPARSE_IR_SPARSEOPS_TD
#define SLICEGRAD_DIALECT_SPARSE_IR_SPARSEOPS_TD

include "SliceGrad/Dialect/Sparse/IR/SparseDialect.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/CommonTypeConstraints.td"

// The value types of TensorFlow's SparseSliceGrad (TF_CALL_NUMBER_TYPES).
// TF's quantized types (qint8, quint8, qint32) are carried by their storage
// integer types. Integers may be signless, signed or unsigned.
def Sparse_ValueElementType : AnyTypeOf<[
    F16, BF16, F32, F64, Complex<F32>, Complex<F64>,
    I8, I16, I32, I64, SI8, SI16, SI32, SI64, UI8, UI16, UI32, UI64],
    "TensorFlow number type"> {
  // mlir::sparse::isSliceGradValueType, for the importer.
  let cppFunctionName = "isSliceGradValueType";
}

def Sparse_ValueTensorOrMemRef : AnyTypeOf<[
    RankedTensorOf<[Sparse_ValueElementType]>,
    MemRefOf<[Sparse_ValueElementType]>],
    "ranked tensor or memref of TensorFlow number type">;

def Sparse_IndexTensorOrMemRef : AnyTypeOf<[
    RankedTensorOf<[I64]>, MemRefOf<[I64]>],
    "ranked tensor or memref of i64">;

def Sparse_SliceGradOp : Sparse_Op<"slice_grad", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Gradient of SparseSlice w.r.t. the input values (TF's SparseSliceGrad)";
  let description = [{
    Computes TensorFlow's `SparseSliceGrad`: given the gradient of the values
    of a sliced sparse tensor, returns the gradient of the values of the
    input sparse tensor. Operands in TensorFlow's order:

    | operand | shape | meaning |
    | --- | --- | --- |
    | `backprop_val_grad` | `N_out` | gradient w.r.t. the sliced tensor's values |
    | `input_indices` | `N_in x R`, i64 | indices of the input sparse tensor |
    | `input_start` | `R`, i64 | start of the slice |
    | `output_indices` | `N_out x R`, i64 | indices of the slice, relative to `input_start` |
    | result `val_grad` | `N_in` | gradient w.r.t. the input tensor's values |

    The semantics are exactly those of TensorFlow's CPU kernel, on every
    input (sorted or not, with duplicate rows or not):

    ```
    val_grad[0..N_in) = 0
    j = 0
    for i in 0..N_in while j < N_out:
      if input_indices[i][d] == output_indices[j][d] + input_start[d] for all d:
        val_grad[i] = backprop_val_grad[j]; j += 1
    error unless j == N_out:
      "Elements of backprop_val_grad aren't all propagated. Num elements: N_out, used: j"
    ```

    Coordinates add with two's-complement wrap-around (TF's int64 addition).

    The op has two forms:

    * On ranked tensors: four operands and one tensor result. This is the
      form a frontend emits; `one-shot-bufferize` turns it into the memref
      form (the op implements `BufferizableOpInterface`).
    * On memrefs (destination-passing style): the four operands plus the
      caller's output buffer after `into`, no result. The lowering passes
      work on this form.

    Sizes may be static or dynamic. The verifier applies each of
    TensorFlow's seven shape checks, with TensorFlow's wording, wherever the
    static shapes decide it; the lowering emits the remaining ones as
    run-time checks, together with the "all propagated" check.

    Value element types: f16, bf16, f32, f64, complex<f32>, complex<f64> and
    8/16/32/64-bit integers of any signedness (TF's quantized types use their
    storage integer types). Index operands are i64.

    Example:

    ```mlir
    // Tensor form.
    %g = sparse.slice_grad %bvg, %ii, %start, %oi
        : tensor<3xf32>, tensor<14x2xi64>, tensor<2xi64>, tensor<3x2xi64>
        -> tensor<14xf32>

    // Memref form, writing into %out.
    sparse.slice_grad %bvg, %ii, %start, %oi
        : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64>
        into %out : memref<?xf32>
    ```
  }];

  let arguments = (ins
    Sparse_ValueTensorOrMemRef:$backprop_val_grad,
    Sparse_IndexTensorOrMemRef:$input_indices,
    Sparse_IndexTensorOrMemRef:$input_start,
    Sparse_IndexTensorOrMemRef:$output_indices,
    Optional<MemRefOf<[Sparse_ValueElementType]>>:$out);
  let results = (outs
    Optional<RankedTensorOf<[Sparse_ValueElementType]>>:$val_grad);

  let assemblyFormat = [{
    $backprop_val_grad `,` $input_indices `,` $input_start `,` $output_indices
    attr-dict `:` type($backprop_val_grad) `,` type($input_indices) `,`
    type($input_start) `,` type($output_indices)
    (`->` type($val_grad)^)? (`into` $out^ `:` type($out))?
  }];

  let builders = [
    // Tensor form: the result type is given.
    OpBuilder<(ins "::mlir::Type":$resultType, "::mlir::Value":$backpropValGrad,
                   "::mlir::Value":$inputIndices, "::mlir::Value":$inputStart,
                   "::mlir::Value":$outputIndices)>,
    // Memref form: writes into `out`.
    OpBuilder<(ins "::mlir::Value":$backpropValGrad,
                   "::mlir::Value":$inputIndices, "::mlir::Value":$inputStart,
                   "::mlir::Value":$outputIndices, "::mlir::Value":$out)>,
  ];

  let extraClassDeclaration = [{
    /// True for the destination-passing memref form.
    bool hasBufferSemantics() { return getOut() != nullptr; }
    /// The 1-D output: the tensor result or the memref destination.
    ::mlir::Value getValGradOrOut() {
      if (hasBufferSemantics())
        return getOut();
      return getValGrad();
    }
    /// The verifier's checks on operand and result (or destination) types:
    /// the byte limit, addressable layouts, TensorFlow's shape checks where
    /// the static shapes decide them, the result's shape. The canonicalizer
    /// asks it before it refines types, with an inactive diagnostic
    /// (`InFlightDiagnostic()`) to check quietly: the result, not the
    /// diagnostic, says whether the types pass. `oneProcessRows`: the
    /// index operands hold one process's rows of a partitioned op, so the
    /// check that output_indices has no more rows than input_indices is
    /// left to sparse.slice_grad_global_checks.
    static ::mlir::LogicalResult verifyShapes(::mlir::Type backpropValGrad,
        ::mlir::Type inputIndices, ::mlir::Type inputStart,
        ::mlir::Type outputIndices, ::mlir::Type resultOrDestination,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError,
        bool oneProcessRows = false);
  }];

  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

// SparseSlice's value types: SparseSliceGrad's and bool (TF_CALL_ALL_TYPES
// less strings, resources and variants).
def Sparse_SliceValueElementType : AnyTypeOf<[
    I1, F16, BF16, F32, F64, Complex<F32>, Complex<F64>,
    I8, I16, I32, I64, SI8, SI16, SI32, SI64, UI8, UI16, UI32, UI64],
    "TensorFlow number type or i1"> {
  let cppFunctionName = "isSliceValueType";
}

def Sparse_SliceValueTensorOrMemRef : AnyTypeOf<[
    RankedTensorOf<[Sparse_SliceValueElementType]>,
    MemRefOf<[Sparse_SliceValueElementType]>],
    "ranked tensor or memref of TensorFlow number type or i1">;

def Sparse_SliceOp : Sparse_Op<"slice", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "The part of a sparse tensor inside a box (TF's SparseSlice)";
  let description = [{
    Computes TensorFlow's `SparseSlice`: the rows of a sparse tensor in COO
    form (`indices`, `values`, dense `shape`) whose coordinates lie in the
    box `start <= x < start + size`, in their input order, shifted by
    `start`, and the shape of the slice. Operands and results in
    TensorFlow's order:

    | operand / result | shape | meaning |
    | --- | --- | --- |
    | `indices` | `N x R`, i64 | coordinates of the input's values |
    | `values` | `N` | the input's values |
    | `shape` | `R`, i64 | the input's dense shape |
    | `start`, `size` | `R`, i64 | the box |
    | `output_indices` | `M x R`, i64 | coordinates of the kept rows, minus `start` |
    | `output_values` | `M` | the kept values |
    | `output_shape` | `R`, i64 | the slice's dense shape (`size`, clipped to `shape`) |
    | `positions` (optional) | `M`, i64 | the input row of each kept row |

    M is known only at run time, so result row counts are dynamic. The
    semantics are those of TensorFlow's CPU kernel on every input:

    ```
    TensorFlow's checks of the sizes and of shape (its messages, INVALID_ARGUMENT)
    for d in 0..R: output_shape[d] = size[d]           if start[d] < shape[d] - size[d]
                                     shape[d] - start[d] else if start[d] < shape[d]
                                     0                  otherwise
                   (an error if negative or if the elements overflow int64)
    for i in 0..N:
      if start[d] <= indices[i][d] < start[d] + size[d] for all d:
        append (indices[i] - start, values[i]) and, with positions, i
    ```

    Coordinates add and subtract with two's-complement wrap-around (TF's
    int64 arithmetic); unsorted and duplicate rows are kept as they come;
    R = 0 keeps every row. `positions` is not TensorFlow's: the fusion with
    the gradient (`sparse-fuse-slice-grad`) adds it, so that the gradient
    becomes `sparse.slice_grad_scatter`.

    Two forms, told apart by the types:

    * On ranked tensors (what a frontend emits). `one-shot-bufferize` turns
      it into the memref form.
    * On memrefs: the op allocates its results (their sizes are data
      dependent: the lowering counts the kept rows, then allocates and
      writes them), which the buffer deallocation pipeline frees as it
      frees a `memref.alloc`. docs/Rationale.md says why this form and not
      a count op with a destination.

    The verifier applies TensorFlow's size checks where the static shapes
    decide them; the lowering runs the rest, and the output shape's, at run
    time through the runtime's recoverable errors. If a check fails and the
    error handler returns, the results are empty (M = 0).

    Value element types: those of `sparse.slice_grad` and i1.

    Example:

    ```mlir
    %oi, %ov, %os = sparse.slice %ii, %v, %shape, %start, %size
        : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>,
          tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
    ```
  }];

  let arguments = (ins
    Sparse_IndexTensorOrMemRef:$indices,
    Sparse_SliceValueTensorOrMemRef:$values,
    Sparse_IndexTensorOrMemRef:$shape,
    Sparse_IndexTensorOrMemRef:$start,
    Sparse_IndexTensorOrMemRef:$size);
  let results = (outs
    Sparse_IndexTensorOrMemRef:$output_indices,
    Sparse_SliceValueTensorOrMemRef:$output_values,
    Sparse_IndexTensorOrMemRef:$output_shape,
    Optional<Sparse_IndexTensorOrMemRef>:$positions);

  let assemblyFormat = [{
    $indices `,` $values `,` $shape `,` $start `,` $size
    attr-dict `:` type($indices) `,` type($values) `,` type($shape) `,`
    type($start) `,` type($size) `->` type($output_indices) `,`
    type($output_values) `,` type($output_shape)
    (`,` `positions` type($positions)^)?
  }];

  let builders = [
    // Result types from the operands' (dynamic M), of the operands' form;
    // with `positions`, the fourth result.
    OpBuilder<(ins "::mlir::Value":$indices, "::mlir::Value":$values,
                   "::mlir::Value":$shape, "::mlir::Value":$start,
                   "::mlir::Value":$size, CArg<"bool", "false">:$withPositions)>,
  ];

  let extraClassDeclaration = [{
    /// True for the memref form.
    bool hasBufferSemantics() {
      return ::mlir::isa<::mlir::MemRefType>(getIndices().getType());
    }
    /// The result types of a slice of these operand types (dynamic M).
    static ::llvm::SmallVector<::mlir::Type, 4> inferResultTypes(
        ::mlir::Type indices, ::mlir::Type values, ::mlir::Type shape,
        bool withPositions);
  }];

  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

def Sparse_SliceGradScatterOp : Sparse_Op<"slice_grad_scatter", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "SparseSliceGrad of a sparse.slice, from its positions";
  let description = [{
    The gradient of a `sparse.slice` with respect to its input values, from
    the positions the slice kept (its `positions` result): N_in zeros, and
    `backprop_val_grad[j]` at row `positions[j]`. `sparse-fuse-slice-grad`
    rewrites a `sparse.slice_grad` of a slice's output indices (same
    indices, same start) to this: TensorFlow's loop then matches exactly the
    kept rows in order (docs/Rationale.md), so it needs neither the output
    indices nor their verification. The check that can still fail stays:
    TensorFlow's "# elements of backprop_val_grad and # rows of
    output_indices should match" (M is the number of positions). A position
    outside `[0, N_in)` (possible only in hand-written IR) is skipped.

    `input_indices` gives N_in (its rows); only its shape is read.

    ```mlir
    %g = sparse.slice_grad_scatter %bvg, %positions, %ii
        : tensor<?xf32>, tensor<?xi64>, tensor<?x2xi64> -> tensor<?xf32>
    sparse.slice_grad_scatter %bvg, %positions, %ii
        : memref<?xf32>, memref<?xi64>, memref<?x2xi64> into %out : memref<?xf32>
    ```
  }];
  let arguments = (ins
    Sparse_ValueTensorOrMemRef:$backprop_val_grad,
    Sparse_IndexTensorOrMemRef:$positions,
    Sparse_IndexTensorOrMemRef:$input_indices,
    Optional<MemRefOf<[Sparse_ValueElementType]>>:$out);
  let results = (outs
    Optional<RankedTensorOf<[Sparse_ValueElementType]>>:$val_grad);
  let assemblyFormat = [{
    $backprop_val_grad `,` $positions `,` $input_indices
    attr-dict `:` type($backprop_val_grad) `,` type($positions) `,`
    type($input_indices)
    (`->` type($val_grad)^)? (`into` $out^ `:` type($out))?
  }];
  let extraClassDeclaration = [{
    bool hasBufferSemantics() { return getOut() != nullptr; }
    ::mlir::Value getValGradOrOut() {
      if (hasBufferSemantics())
        return getOut();
      return getValGrad();
    }
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// The pieces of a row-partitioned sparse.slice_grad (its ShardingInterface
// partition): each process holds some rows of input_indices and all of the
// other operands.
//===----------------------------------------------------------------------===//

def Sparse_SliceGradCountOp : Sparse_Op<"slice_grad_count", [
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "Rows of input_indices inside the box of the shifted output rows";
  let description = [{
    Returns how many rows of `input_indices` lie inside the bounding box of
    the rows of `output_indices` shifted by `input_start` (per column, the
    minimum and maximum). No other row can match an output row, so when
    every process counts its own rows, the exclusive prefix sum of the
    counts is where TensorFlow's loop stands at each process's first row if
    the rows came from a real SparseSlice: the partition's guess, which
    `sparse.slice_grad_resume` then proves or corrects.

    Operands as `sparse.slice_grad`'s (tensors or memrefs), and the same
    shape checks, except that `output_indices` may have more rows than this
    process's `input_indices` (that check is global:
    `sparse.slice_grad_global_checks`).

    `box`, if given, is that bounding box, computed elsewhere (the
    partition computes it once, each process over a share of the output
    rows, combined by an `all_reduce`): 2R words, the R minima of the
    shifted columns, then the R maxima (INT64_MAX and INT64_MIN where
    there are no output rows). The op then does not read `output_indices`'
    rows for it. A box larger than the exact one gives the same results
    (more rows are compared, and a flagged row that differs falls back to
    TensorFlow's loop); a smaller one does not.

    ```mlir
    %n = sparse.slice_grad_count %bvg, %ii, %start, %oi
        : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>
    %m = sparse.slice_grad_count %bvg, %ii, %start, %oi box(%b : tensor<4xi64>)
        : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>
    ```
  }];
  let arguments = (ins
    Sparse_ValueTensorOrMemRef:$backprop_val_grad,
    Sparse_IndexTensorOrMemRef:$input_indices,
    Sparse_IndexTensorOrMemRef:$input_start,
    Sparse_IndexTensorOrMemRef:$output_indices,
    Optional<Sparse_IndexTensorOrMemRef>:$box);
  let results = (outs Index:$count);
  let assemblyFormat = [{
    $backprop_val_grad `,` $input_indices `,` $input_start `,` $output_indices
    (`box` `(` $box^ `:` type($box) `)`)?
    attr-dict `:` type($backprop_val_grad) `,` type($input_indices) `,`
    type($input_start) `,` type($output_indices)
  }];
  let hasVerifier = 1;
}

def Sparse_SliceGradResumeOp : Sparse_Op<"slice_grad_resume", [
    AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<MemoryEffectsOpInterface>]> {
  let summary = "TensorFlow's loop over some input rows from output row j";
  let description = [{
    TensorFlow's loop over the rows of `input_indices`, starting at output
    row `from` instead of 0; returns the values and the `j` it ends with,
    and raises no "all propagated" error (the caller decides):

    ```
    val_grad[0..N_in) = 0
    j = from
    for i in 0..N_in while j < N_out:
      if input_indices[i] == output_indices[j] + input_start:
        val_grad[i] = backprop_val_grad[j]; j += 1
    end = j
    ```

    When `from` is the loop's j at these rows in a longer list, the values
    are that loop's for these rows and `end` its j after them: the
    partitioned op runs it on each process's rows from a guessed start and
    accepts the guesses that the ends confirm. `from` past N_out gives zeros
    and `end = from`. The lowerings use the same algorithm as
    `sparse.slice_grad`'s (numbering the flagged rows from `from`).

    Tensor form (result values) or memref form (destination after `into`);
    shape checks and the optional `box` as `sparse.slice_grad_count`'s (the
    parallel strategy's flags use it; the sequential one needs none).

    ```mlir
    %vg, %end = sparse.slice_grad_resume %bvg, %ii, %start, %oi from %j
        : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64>
        -> tensor<?xf32>
    %end2 = sparse.slice_grad_resume %bvg, %ii, %start, %oi from %j
        box(%b : memref<4xi64>)
        : memref<?xf32>, memref<?x2xi64>, memref<2xi64>, memref<?x2xi64>
        into %out : memref<?xf32>
    ```
  }];
  let arguments = (ins
    Sparse_ValueTensorOrMemRef:$backprop_val_grad,
    Sparse_IndexTensorOrMemRef:$input_indices,
    Sparse_IndexTensorOrMemRef:$input_start,
    Sparse_IndexTensorOrMemRef:$output_indices,
    Index:$from,
    Optional<Sparse_IndexTensorOrMemRef>:$box,
    Optional<MemRefOf<[Sparse_ValueElementType]>>:$out);
  let results = (outs
    Optional<RankedTensorOf<[Sparse_ValueElementType]>>:$val_grad,
    Index:$end);
  let assemblyFormat = [{
    $backprop_val_grad `,` $input_indices `,` $input_start `,` $output_indices
    `from` $from (`box` `(` $box^ `:` type($box) `)`)?
    attr-dict `:` type($backprop_val_grad) `,` type($input_indices) `,`
    type($input_start) `,` type($output_indices)
    (`->` type($val_grad)^)? (`into` $out^ `:` type($out))?
  }];
  let extraClassDeclaration = [{
    bool hasBufferSemantics() { return getOut() != nullptr; }
    ::mlir::Value getValGradOrOut() {
      if (hasBufferSemantics())
        return getOut();
      return getValGrad();
    }
  }];
  let hasVerifier = 1;
}

// A write to no buffer: the checks stay where they are and are never
// removed.
def Sparse_SliceGradGlobalChecksOp : Sparse_Op<"slice_grad_global_checks",
    [MemoryEffects<[MemWrite]>]> {
  let summary = "TensorFlow's checks that need every process's rows";
  let description = [{
    The checks of a partitioned `sparse.slice_grad` that need every
    process's rows, in this order: that as many processes run it as it was
    partitioned for (`processes == partitioned_for`; otherwise rows would be
    missing or counted twice), that the operands every process holds whole
    are the same on each (`replicas_min == replicas_max`, the least and
    greatest fingerprint of the group), then TensorFlow's two checks, with its
    messages and in its order: `num_out <= num_in` ("# rows of
    output_indices should be not greater than ..."), then `used == num_out`
    ("Elements of backprop_val_grad aren't all propagated ..."). `num_in` is
    the number of input rows of all processes, `used` the j of TensorFlow's
    loop after the last one. Every process raises the same error.

    ```mlir
    sparse.slice_grad_global_checks %num_in, %num_out, %used
        processes %p of %expected replicas %fp_min to %fp_max
    ```
  }];
  let arguments = (ins Index:$num_in, Index:$num_out, Index:$used,
                       Index:$processes, Index:$partitioned_for,
                       Index:$replicas_min, Index:$replicas_max);
  let assemblyFormat = [{
    $num_in `,` $num_out `,` $used `processes` $processes `of`
    $partitioned_for `replicas` $replicas_min `to` $replicas_max attr-dict
  }];
}

#endif // SLICEGRAD_DIALECT_SPARSE_IR_SPARSEOPS_TD
