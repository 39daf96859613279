//===- EntryCall.cpp - Calling lowered code with host arrays --------------===//

#include "SliceGrad/Runner/EntryCall.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/Support/DebugStringHelper.h"

#include "llvm/Support/MathExtras.h"

#include <cstddef>
#include <cstdlib>
#include <optional>
#include <string>

using namespace mlir;
using namespace mlir::sparse::runner;

//===----------------------------------------------------------------------===//
// Argument checks
//===----------------------------------------------------------------------===//

namespace {
/// The element type and rank of an array argument or result (rank -1:
/// unranked); a scalar is not an array.
struct ValueKind {
  Type elementType;
  int64_t rank = 0;
  ArrayRef<int64_t> staticShape;
  bool isArray = false;
};
} // namespace

static std::optional<ValueKind> classify(Type type) {
  ValueKind kind;
  if (auto shaped = dyn_cast<ShapedType>(type)) {
    if (!isa<TensorType, BaseMemRefType>(type))
      return std::nullopt;
    kind.isArray = true;
    kind.elementType = shaped.getElementType();
    kind.rank = shaped.hasRank() ? shaped.getRank() : -1;
    if (shaped.hasRank())
      kind.staticShape = shaped.getShape();
  } else {
    kind.elementType = type;
  }
  if (!elementBytes(kind.elementType))
    return std::nullopt;
  return kind;
}

bool mlir::sparse::runner::isHostValueType(Type type) {
  return classify(type).has_value();
}

/// Whether a memref argument takes a contiguous row-major array.
static bool takesContiguous(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || memref.getLayout().isIdentity())
    return true;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(memref.getStridesAndOffset(strides, offset)))
    return false;
  if (!ShapedType::isDynamic(offset) && offset != 0)
    return false;
  int64_t expected = 1;
  for (int64_t i = memref.getRank() - 1; i >= 0; --i) {
    if (!ShapedType::isDynamic(strides[i]) && strides[i] != expected &&
        memref.getDimSize(i) != 1)
      return false;
    int64_t dim = memref.getDimSize(i);
    expected = ShapedType::isDynamic(dim) || ShapedType::isDynamic(expected)
                   ? ShapedType::kDynamic
                   : expected * dim;
  }
  return true;
}

/// Integer types that take the same values given inline: the same width,
/// one of them signless (or index, 64-bit signless here).
static bool sameIntegerWidth(Type a, Type b) {
  auto width = [](Type t) -> unsigned {
    if (isa<IndexType>(t))
      return 64;
    return isa<IntegerType>(t) ? t.getIntOrFloatBitWidth() : 0;
  };
  auto signless = [](Type t) {
    return isa<IndexType>(t) || t.isSignlessInteger();
  };
  return width(a) && width(a) == width(b) && (signless(a) || signless(b));
}

llvm::Error mlir::sparse::runner::checkArgument(const HostArray &array,
                                                Type type) {
  auto mismatch = [](const llvm::Twine &why) {
    return llvm::createStringError(why);
  };
  std::optional<ValueKind> kind = classify(type);
  if (!kind)
    return mismatch("--input gives only arrays and scalars of number types");
  if (!takesContiguous(type))
    return mismatch("the argument's layout is not contiguous row-major, "
                    "which --input's arrays are");
  Type expected = kind->elementType;
  bool typeFits = array.elementType
                      ? array.elementType == expected ||
                            sameIntegerWidth(array.elementType, expected)
                      : acceptsDescr(expected, array.descr);
  if (!typeFits)
    return mismatch(
        (array.elementType
             ? "its element type is " + debugString(array.elementType)
             : "its dtype is '" + array.descr + "', the argument needs '" +
                   npyDescr(expected) + "'"));
  int64_t rank = array.shape.size();
  std::string arrayShape = "its shape is " + shapeString(array.shape, "");
  if (rank == 0)
    arrayShape = "it is a scalar";
  else
    arrayShape.pop_back(); // the 'x' before the (empty) type
  if (!kind->isArray) {
    if (rank != 0)
      return mismatch(arrayShape + ", the argument is a scalar");
    return llvm::Error::success();
  }
  if (kind->rank >= 0 && kind->rank != rank)
    return mismatch(arrayShape + ", the argument has rank " +
                    std::to_string(kind->rank));
  for (auto [i, dim] : llvm::enumerate(kind->staticShape))
    if (!ShapedType::isDynamic(dim) && dim != array.shape[i])
      return mismatch(arrayShape + ", dimension " + std::to_string(i) +
                      " must be " + std::to_string(dim));
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Descriptors
//===----------------------------------------------------------------------===//

/// The words of a descriptor before its sizes.
static constexpr size_t kHeadWords =
    sizeof(StridedMemRefType<char, 0>) / sizeof(int64_t);
using Rank2 = StridedMemRefType<char, 2>;
static_assert(sizeof(StridedMemRefType<char, 0>) == 3 * sizeof(int64_t) &&
                  offsetof(Rank2, sizes) == sizeof(StridedMemRefType<char, 0>),
              "a descriptor's sizes follow its pointers and offset");

RankedDescriptor::RankedDescriptor(void *data, ArrayRef<int64_t> shape) {
  int64_t rank = shape.size();
  words.assign(kHeadWords + 2 * rank, 0);
  auto *head = reinterpret_cast<StridedMemRefType<char, 0> *>(words.data());
  head->basePtr = head->data = static_cast<char *>(data);
  head->offset = 0;
  MutableArrayRef<int64_t> sizes(words.data() + kHeadWords, rank);
  MutableArrayRef<int64_t> strides(sizes.end(), rank);
  int64_t stride = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    sizes[i] = shape[i];
    strides[i] = stride;
    stride *= shape[i];
  }
}

/// The bytes of a result of `type` in the C interface's result struct, and
/// their alignment (LLVM's natural alignment on the host).
static size_t resultBytes(Type type, size_t &align) {
  if (auto memref = dyn_cast<MemRefType>(type)) {
    align = alignof(StridedMemRefType<char, 1>);
    return sizeof(StridedMemRefType<char, 0>) +
           2 * memref.getRank() * sizeof(int64_t);
  }
  if (isa<mlir::UnrankedMemRefType>(type)) {
    align = alignof(::UnrankedMemRefType<char>);
    return sizeof(::UnrankedMemRefType<char>);
  }
  size_t bytes = elementBytes(type);
  align = isa<ComplexType>(type) ? bytes / 2 : bytes;
  return bytes;
}

/// Tensors come back as the memrefs one-shot-bufferize makes of them.
static Type resultMemRefType(Type type) {
  if (auto ranked = dyn_cast<RankedTensorType>(type))
    return MemRefType::get(ranked.getShape(), ranked.getElementType());
  if (auto unranked = dyn_cast<UnrankedTensorType>(type))
    return mlir::UnrankedMemRefType::get(unranked.getElementType(), 0);
  return type;
}

//===----------------------------------------------------------------------===//
// The call
//===----------------------------------------------------------------------===//

EntryCall::EntryCall(FunctionType signature, ArrayRef<HostArray> arguments)
    : arguments(arguments) {
  // A pointer to each argument's value: for a ranked memref, to its
  // descriptor; for an unranked one, to its {rank, descriptor} pair.
  descriptors.reserve(arguments.size());
  unranked.reserve(arguments.size());
  for (auto [i, array] : llvm::enumerate(arguments)) {
    auto shaped = dyn_cast<ShapedType>(signature.getInput(i));
    if (!shaped) {
      pointers.push_back(array.data); // a scalar, loaded from here
      continue;
    }
    descriptors.emplace_back(array.data, array.shape);
    pointers.push_back(descriptors.back().get());
    if (!shaped.hasRank()) {
      unranked.push_back(
          {static_cast<int64_t>(array.shape.size()), descriptors.back().get()});
      pointers.back() = &unranked.back();
    }
  }

  size_t size = 0;
  for (Type type : signature.getResults()) {
    type = resultMemRefType(type);
    size_t align;
    size_t bytes = resultBytes(type, align);
    size = llvm::alignTo(size, align);
    resultOffsets.push_back(size);
    size += bytes;
    resultTypes.push_back(type);
  }
  resultStorage.assign(llvm::divideCeil(size, sizeof(int64_t)) + 2, 0);
  resultPointer = resultStorage.data();
  // A struct (several results, a memref, a complex number) comes back
  // through a pointer passed first; a single scalar is the return value.
  resultsByPointer = resultTypes.size() > 1 ||
                     (resultTypes.size() == 1 &&
                      isa<BaseMemRefType, ComplexType>(resultTypes.front()));

  // invokePacked's arguments: pointers to where each value is.
  if (resultsByPointer)
    packed.push_back(&resultPointer);
  for (auto [i, pointer] : llvm::enumerate(pointers))
    packed.push_back(isa<ShapedType>(signature.getInput(i))
                         ? static_cast<void *>(&pointer)
                         : pointer);
  if (!resultsByPointer && !resultTypes.empty())
    packed.push_back(resultStorage.data());
}

EntryCall::~EntryCall() { freeResults(); }

llvm::Error EntryCall::invoke(ExecutionEngine &engine, StringRef function) {
  freeResults();
  if (llvm::Error error =
          engine.invokePacked(("_mlir_ciface_" + function).str(), packed))
    return error;
  readResults();
  return llvm::Error::success();
}

void EntryCall::readResults() {
  results_.clear();
  for (auto [type, offset] : llvm::zip_equal(resultTypes, resultOffsets)) {
    const char *at =
        reinterpret_cast<const char *>(resultStorage.data()) + offset;
    Result result;
    if (!isa<BaseMemRefType>(type)) {
      result.elementType = type;
      result.base = at;
      results_.push_back(std::move(result));
      continue;
    }
    result.elementType = cast<BaseMemRefType>(type).getElementType();
    ::UnrankedMemRefType<char> memref;
    if (isa<mlir::UnrankedMemRefType>(type)) {
      memref = *reinterpret_cast<const ::UnrankedMemRefType<char> *>(at);
      result.descriptor = memref.descriptor;
    } else {
      memref = {cast<MemRefType>(type).getRank(), const_cast<char *>(at)};
    }
    DynamicMemRefType<char> view(memref);
    result.allocated = view.basePtr;
    result.base = view.data + view.offset * elementBytes(result.elementType);
    result.shape.assign(view.sizes, view.sizes + view.rank);
    result.strides.assign(view.strides, view.strides + view.rank);
    results_.push_back(std::move(result));
  }
}

/// Frees the buffers the last call returned: not an argument's buffer, nor
/// a constant's (whose allocated pointer is 0xdeadbeef), each once.
void EntryCall::freeResults() {
  SmallVector<void *> owned;
  for (const Result &result : results_)
    for (void *buffer : {result.allocated, result.descriptor}) {
      bool isArgument = llvm::any_of(
          arguments, [&](const HostArray &a) { return a.data == buffer; });
      if (buffer && buffer != reinterpret_cast<void *>(0xdeadbeef) &&
          !isArgument && !llvm::is_contained(owned, buffer))
        owned.push_back(buffer);
    }
  for (void *buffer : owned)
    std::free(buffer);
  results_.clear();
}

SmallVector<ArrayView> EntryCall::results() const {
  SmallVector<ArrayView> views;
  for (const Result &result : results_)
    views.push_back(
        {result.elementType, result.shape, result.strides, result.base});
  return views;
}
