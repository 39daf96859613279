//===- HostArray.h - Host arrays for running lowered code -------*- C++ -*-===//
//
// The arrays a host hands lowered code and takes from it (sparse-opt
// --run's `--input` and `--output`): .npy files (mapped, not copied) and
// inline text in iree-run-module's form (`3x2xi64=[1 2][3 4][5 6]`,
// `f32=1.5`). Library SliceGradRunner; test/Runner holds its unit tests.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNNER_HOSTARRAY_H
#define SLICEGRAD_RUNNER_HOSTARRAY_H

#include "mlir/IR/Types.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdint>
#include <memory>
#include <string>

namespace llvm {
class raw_ostream;
}

namespace mlir {
class MLIRContext;
}

namespace mlir::sparse::runner {

/// A row-major array on the host. Its data is mapped from a file (copy on
/// write: a function that writes its argument does not change the file) or
/// held in an aligned allocation.
struct HostArray {
  /// The element type given inline; null for a file, whose element type is
  /// its numpy dtype (`descr`).
  mlir::Type elementType;
  std::string descr;
  llvm::SmallVector<int64_t> shape;
  char *data = nullptr;
  size_t bytes = 0;

  std::unique_ptr<llvm::WritableMemoryBuffer> file;
  std::unique_ptr<char, void (*)(void *)> owned{nullptr, nullptr};

  int64_t numElements() const;
  /// Makes the data a fresh allocation of `bytes` bytes (the caller fills
  /// it); fails for more than the machine's memory or a failed allocation.
  llvm::Error allocate(size_t bytes);
};

/// A view of a strided array that lowered code produced.
struct ArrayView {
  mlir::Type elementType;
  llvm::ArrayRef<int64_t> shape;
  llvm::ArrayRef<int64_t> strides; // in elements
  const char *base = nullptr;      // the element at index 0
};

/// The size of an element of `type` in memory (index: 8), or 0 for a type
/// that --input and --output do not handle.
unsigned elementBytes(mlir::Type type);

/// numpy's dtype string for `type` ('<f4', '|i1', ...); float types that
/// numpy lacks (bf16, the f8 types) go as their bits ('<u2', '|u1').
std::string npyDescr(mlir::Type type);

/// Whether an array of numpy dtype `descr` can be given where `type` is
/// expected: the same dtype, or an unsigned one of the width of a signless
/// integer.
bool acceptsDescr(mlir::Type type, llvm::StringRef descr);

/// Maps `path`, a .npy file of version 1, 2 or 3, little-endian and in C
/// order.
llvm::Expected<HostArray> readNpy(llvm::StringRef path);

/// Parses `[DIMSx]TYPE=VALUES`, e.g. `3x2xi64=1 2 3 4 5 6`; brackets and
/// commas between values are ignored, complex values are `(re,im)`.
llvm::Expected<HostArray> parseInlineArray(llvm::StringRef text,
                                           mlir::MLIRContext *context);

/// Prints `DIMSxTYPE=VALUES` (what parseInlineArray reads) with each value
/// in full precision: the shortest text that reads back to the same bits.
void printArray(llvm::raw_ostream &os, const ArrayView &array);

/// Writes `array` to `path` as a .npy file.
llvm::Error writeNpy(llvm::StringRef path, const ArrayView &array);

/// `DIMSxTYPE` for messages, e.g. `3x?xi64`.
std::string shapeString(llvm::ArrayRef<int64_t> shape, llvm::StringRef type);

} // namespace mlir::sparse::runner

#endif // SLICEGRAD_RUNNER_HOSTARRAY_H
