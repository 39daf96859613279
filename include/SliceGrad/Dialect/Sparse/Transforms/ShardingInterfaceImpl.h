//===- ShardingInterfaceImpl.h - sparse.slice_grad on a grid ----*- C++ -*-===//

#ifndef SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_SHARDINGINTERFACEIMPL_H
#define SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_SHARDINGINTERFACEIMPL_H

namespace mlir {
class DialectRegistry;

namespace sparse {
/// Attaches the shard dialect's ShardingInterface to sparse.slice_grad:
/// input_indices and the result split by rows on the same grid axes, the
/// other operands replicated; shard-partition turns the op into the
/// partitioned algorithm (ShardingInterfaceImpl.cpp).
void registerShardingInterfaceExternalModels(DialectRegistry &registry);
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_SHARDINGINTERFACEIMPL_H
