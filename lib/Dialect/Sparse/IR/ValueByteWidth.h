//===- ValueByteWidth.h - Bytes per element of a value type ----*- C++ -*-===//
//
// Shared by the verifier (size limits) and the folds (raw constant buffers).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_LIB_DIALECT_SPARSE_IR_VALUEBYTEWIDTH_H
#define SLICEGRAD_LIB_DIALECT_SPARSE_IR_VALUEBYTEWIDTH_H

#include "mlir/IR/BuiltinTypes.h"

#include <optional>

namespace mlir {
namespace sparse {
/// Bytes per element of a value type, as in a DenseElementsAttr's raw
/// buffer (complex: both parts); none for a width that is not whole bytes.
inline std::optional<size_t> valueByteWidth(Type type) {
  if (auto complexType = dyn_cast<ComplexType>(type)) {
    std::optional<size_t> part = valueByteWidth(complexType.getElementType());
    return part ? std::optional<size_t>(2 * *part) : std::nullopt;
  }
  if (!type.isIntOrFloat() || type.getIntOrFloatBitWidth() % 8 != 0)
    return std::nullopt;
  return type.getIntOrFloatBitWidth() / 8;
}
} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_LIB_DIALECT_SPARSE_IR_VALUEBYTEWIDTH_H
