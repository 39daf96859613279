//===- EntryCall.h - Calling lowered code with host arrays ------*- C++ -*-===//
//
// How `sparse-opt --run` calls a JIT-compiled function with HostArrays: its
// C interface (`llvm.emit_c_interface`), each memref argument a pointer to
// its descriptor (CRunnerUtils' StridedMemRefType, of the array's rank),
// results through a pointer to their struct, read back as
// DynamicMemRefType views. Library SliceGradRunner; test/Runner holds its
// unit tests.
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_RUNNER_ENTRYCALL_H
#define SLICEGRAD_RUNNER_ENTRYCALL_H

#include "SliceGrad/Runner/HostArray.h"

#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinTypes.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace mlir::sparse::runner {

/// Whether a host passes or takes values of `type` through the C
/// interface: tensors and memrefs (ranked or not) of number types, and
/// scalars of those types.
bool isHostValueType(Type type);

/// Why `array` cannot be the argument of type `type` (its element type,
/// rank, static sizes, or a layout that is not contiguous row-major), or
/// success.
llvm::Error checkArgument(const HostArray &array, Type type);

/// A memref descriptor of a rank known at run time: StridedMemRefType's
/// pointers and offset, then `rank` sizes and `rank` strides, as the LLVM
/// lowering lays out a memref of that rank.
class RankedDescriptor {
public:
  RankedDescriptor(void *data, llvm::ArrayRef<int64_t> shape);
  /// Where a memref argument's pointer points.
  void *get() { return words.data(); }

private:
  std::vector<int64_t> words;
};

/// Repeated calls of one function through its C interface, with the same
/// arguments, holding the last call's results.
class EntryCall {
public:
  /// `arguments` outlive the call and each fits its argument of `signature`
  /// (checkArgument); every result is a host value type. Tensor results
  /// come back as the memrefs one-shot-bufferize makes of them.
  EntryCall(FunctionType signature, llvm::ArrayRef<HostArray> arguments);
  EntryCall(const EntryCall &) = delete;
  EntryCall &operator=(const EntryCall &) = delete;
  ~EntryCall();

  /// Calls `_mlir_ciface_<function>`, after freeing the buffers that the
  /// previous call returned.
  llvm::Error invoke(ExecutionEngine &engine, llvm::StringRef function);

  /// The last call's results; a scalar is a view of rank 0.
  llvm::SmallVector<ArrayView> results() const;

private:
  struct Result {
    Type elementType;
    llvm::SmallVector<int64_t> shape, strides;
    const char *base = nullptr;
    void *allocated = nullptr;  // the buffer the program allocated
    void *descriptor = nullptr; // an unranked result's heap descriptor
  };
  void readResults();
  void freeResults();

  llvm::ArrayRef<HostArray> arguments;
  llvm::SmallVector<Type> resultTypes;
  llvm::SmallVector<size_t> resultOffsets;
  bool resultsByPointer = false;
  std::vector<RankedDescriptor> descriptors;
  std::vector<::UnrankedMemRefType<char>> unranked;
  llvm::SmallVector<void *> pointers;
  std::vector<int64_t> resultStorage;
  void *resultPointer = nullptr;
  llvm::SmallVector<void *> packed;
  llvm::SmallVector<Result> results_;
};

} // namespace mlir::sparse::runner

#endif // SLICEGRAD_RUNNER_ENTRYCALL_H
