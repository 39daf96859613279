//===- Partition.h - Building a partitioned sparse.slice_grad ---*- C++ -*-===//
//
// The two partitioned algorithms of sparse.slice_grad (docs/Sharding.md)
// and the collectives they share. Private to this folder.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_PARTITION_H
#define SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_PARTITION_H

#include "mlir/Dialect/Shard/IR/ShardOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "llvm/ADT/STLFunctionalExtras.h"

namespace mlir::sparse::partition {

/// Operand numbers of sparse.slice_grad.
enum : unsigned { kGrad = 0, kInIdx = 1, kStart = 2, kOutIdx = 3 };

/// The process group that splits the rows: the grid, its axes, P.
struct Group {
  StringRef grid;
  ArrayRef<shard::GridAxis> axes;
  int64_t numProcs;
};

/// Columns of R per all_reduce where the processes exchange words per
/// column (static sizes: MLIR 22's convert-shard-to-mpi mishandles an
/// all_reduce of dynamic size).
constexpr int64_t kColumnsPerReduce = 8;

/// An i64 tensor of `shape` (dynamic sizes in `dynSizes`), every word
/// `word`.
Value filledWords(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape,
                  ValueRange dynSizes, int64_t word = 0);
/// A loop over R = `r` columns, kColumnsPerReduce at a time, carrying
/// `init`: `body` gets the chunk's first column, its number of columns
/// and the carried value, and returns the next one.
Value buildColumnChunks(ImplicitLocOpBuilder &b, Value r, Value init,
                        function_ref<Value(ImplicitLocOpBuilder &, Value col0,
                                           Value cols, Value acc)>
                            body);
/// `v` (an index or integer) as an i64.
Value asI64(OpBuilder &b, Location l, Value v);
/// Word `at` of a reduced vector, as an index.
Value element(OpBuilder &b, Location l, Value vec, Value at);
/// A vector of n words, zero but for each value at its place, summed over
/// the group.
Value allSum(ImplicitLocOpBuilder &b, const Group &group,
             ArrayRef<std::pair<Value, Value>> entries, int64_t n);
/// `values` written over `dest` (of the same length): a branch that
/// computes the result anew yields it in the buffer of the one that did
/// not, so that after bufferization both yield one buffer, which the
/// function owns (a result yielded from a buffer allocated outside the
/// branch is not owned by the scf.if, and buffer deallocation copies it
/// before returning it).
Value overwrite(ImplicitLocOpBuilder &b, Value values, Value dest);
/// A 62-bit fingerprint of what the processes must hold alike: input_start
/// and R, and where `wholeOutput` (output rows replicated) output_indices'
/// words and backprop_val_grad's length.
Value buildFingerprint(ImplicitLocOpBuilder &b, Value grad, Value start,
                       Value outIdx, bool wholeOutput);

/// The bounding box of the output rows shifted by input_start (R minima,
/// then R maxima: the `box` operand of sparse.slice_grad_count and
/// sparse.slice_grad_resume) where every process holds all output rows:
/// each process `me` takes a share of them, a max all_reduce of (~min,
/// max) per column (8 columns at a time) combines the shares.
Value buildGroupBox(ImplicitLocOpBuilder &b, const Group &group, Value me,
                    Value start, Value outIdx);

/// Output rows replicated (every process holds all of them): the guessed
/// starts proved by the ends, TensorFlow's global checks. Returns the op
/// whose results are this process's val_grad and the loop's final j.
Operation *buildReplicatedPartition(ImplicitLocOpBuilder &b, const Group &group,
                                    ArrayRef<Value> operands);

/// Output rows and their gradients split by rows on the group, each
/// process holding a contiguous run of them in process order: each process
/// runs its own rows against its own output rows, verified with a few
/// words per process; where the verification fails, the output rows are
/// gathered and the replicated algorithm runs. Returns val_grad.
Value buildSplitPartition(ImplicitLocOpBuilder &b, const Group &group,
                          ArrayRef<Value> operands);

} // namespace mlir::sparse::partition

#endif // SLICEGRAD_DIALECT_SPARSE_TRANSFORMS_PARTITION_H
