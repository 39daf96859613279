//===- SparseOps.td - sparse dialect ops -------------------*- tablegen -*-===//
//
// sparse.slice_grad: TensorFlow's SparseSliceGrad on tensors and on memrefs.
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
    /// diagnostic, says whether the types pass.
    static ::mlir::LogicalResult verifyShapes(::mlir::Type backpropValGrad,
        ::mlir::Type inputIndices, ::mlir::Type inputStart,
        ::mlir::Type outputIndices, ::mlir::Type resultOrDestination,
        ::llvm::function_ref<::mlir::InFlightDiagnostic()> emitError);
  }];

  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

#endif // SLICEGRAD_DIALECT_SPARSE_IR_SPARSEOPS_TD
