//===- SparseDialect.td - The sparse dialect ---------------*- tablegen -*-===//
//
// The `sparse` dialect: TensorFlow's sparse-tensor gradient ops as MLIR ops.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_DIALECT_SPARSE_IR_SPARSEDIALECT_TD
#define SLICEGRAD_DIALECT_SPARSE_IR_SPARSEDIALECT_TD

include "mlir/IR/OpBase.td"

def Sparse_Dialect : Dialect {
  let name = "sparse";
  let cppNamespace = "::mlir::sparse";
  let summary = "TensorFlow's sparse-tensor gradient ops (SparseSliceGrad)";
  let description = [{
    The `sparse` dialect holds ops that compute TensorFlow's sparse-tensor
    kernels exactly, on tensors and on memrefs, so that they can be lowered
    to loops (CPU) or GPU kernels and fused into a host compiler's pipeline.

    A TensorFlow sparse tensor is a COO triple (`indices`, `values`,
    `dense_shape`); the ops here take the index and value arrays as plain
    ranked tensors or memrefs, in TensorFlow's operand order. This dialect is
    unrelated to upstream's `sparse_tensor` dialect, which encodes sparsity
    in tensor types.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::bufferization::BufferizationDialect",
    "::mlir::complex::ComplexDialect",
    "::mlir::memref::MemRefDialect",
    "::mlir::tensor::TensorDialect",
  ];
  // Folded results become arith.constant.
  let hasConstantMaterializer = 1;
}

class Sparse_Op<string mnemonic, list<Trait> traits = []> :
    Op<Sparse_Dialect, mnemonic, traits>;

#endif // SLICEGRAD_DIALECT_SPARSE_IR_SPARSEDIALECT_TD
