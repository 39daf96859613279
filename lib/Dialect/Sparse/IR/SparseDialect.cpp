//===- SparseDialect.cpp - The sparse dialect -----------------------------===//

#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"

// The dialects the op's definition and folds use (its dependent dialects).
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "mlir/Dialect/Bufferization/IR/BufferizableOpInterface.h"
#include "mlir/Dialect/Shard/Interfaces/ShardingInterface.h"
#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace mlir::sparse;

#include "SliceGrad/Dialect/Sparse/IR/SparseOpsDialect.cpp.inc"

namespace {
/// Every op of the dialect may be inlined: none refers to its enclosing
/// function (the run-time checks name it once lowered, after inlining).
struct SparseInlinerInterface : public DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;

  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void SparseDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "SliceGrad/Dialect/Sparse/IR/SparseOps.cpp.inc"
      >();
  // The bufferization and sharding models live in SparseTransforms
  // (registerSliceGradDialects attaches them); fail clearly when a user
  // bufferizes or shards without registering them.
  addInterfaces<SparseInlinerInterface>();
  declarePromisedInterface<bufferization::BufferizableOpInterface,
                           SliceGradOp>();
  declarePromisedInterface<bufferization::BufferizableOpInterface, SliceOp>();
  declarePromisedInterface<bufferization::BufferizableOpInterface,
                           SliceGradScatterOp>();
  declarePromisedInterface<shard::ShardingInterface, SliceGradOp>();
}

Operation *SparseDialect::materializeConstant(OpBuilder &builder,
                                              Attribute value, Type type,
                                              Location loc) {
  if (!arith::ConstantOp::isBuildableWith(value, type))
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, cast<TypedAttr>(value));
}

namespace mlir::sparse {
#include "SliceGrad/Dialect/Sparse/IR/SparseTypeConstraints.cpp.inc"
} // namespace mlir::sparse
