//===- HostArray.cpp - Arrays for sparse-opt --run ------------------------===//
//
// The .npy format: https://numpy.org/doc/stable/reference/generated/
// numpy.lib.format.html (a magic string, a version, a Python dict literal
// padded to 64 bytes, then the raw data).
//
//===----------------------------------------------------------------------===//

#include "HostArray.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/DebugStringHelper.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>

using namespace mlir;
using llvm::StringRef;

namespace sparse_opt {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t HostArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

void HostArray::allocate(size_t size) {
  // 64-byte aligned like numpy's own files, so that vector loads of any
  // element type are aligned.
  size_t rounded = llvm::alignTo(std::max<size_t>(size, 1), 64);
  owned = {static_cast<char *>(std::aligned_alloc(64, rounded)), &std::free};
  if (!owned)
    llvm::report_fatal_error("sparse-opt: out of memory for an input");
  std::memset(owned.get(), 0, rounded);
  file.reset();
  data = owned.get();
  bytes = size;
}

unsigned elementBytes(Type type) {
  if (isa<IndexType>(type))
    return 8;
  if (auto complex = dyn_cast<ComplexType>(type)) {
    Type part = complex.getElementType();
    return isa<FloatType>(part) ? 2 * elementBytes(part) : 0;
  }
  unsigned width = 0;
  if (auto integer = dyn_cast<IntegerType>(type))
    width = integer.getWidth();
  else if (auto fp = dyn_cast<FloatType>(type))
    width = fp.getWidth();
  switch (width) {
  case 1:
    return isa<IntegerType>(type) ? 1 : 0;
  case 8:
  case 16:
  case 32:
  case 64:
    return width / 8;
  default:
    return 0;
  }
}

std::string npyDescr(Type type) {
  unsigned bytes = elementBytes(type);
  char kind = 'i';
  if (type.isInteger(1))
    kind = 'b';
  else if (type.isUnsignedInteger() || type.isBF16())
    kind = 'u';
  else if (isa<FloatType>(type))
    kind = 'f';
  else if (isa<ComplexType>(type))
    kind = 'c';
  return (llvm::Twine(bytes == 1 ? '|' : '<') + llvm::Twine(kind) +
          llvm::Twine(bytes))
      .str();
}

/// The dtype in one spelling: native order ('=') is little-endian here, and
/// byte order does not apply to one-byte types.
static std::string canonicalDescr(StringRef descr) {
  std::string result = descr.str();
  if (!result.empty() && result[0] == '=')
    result[0] = '<';
  if (result.size() == 3 && result[2] == '1' && result[0] == '<')
    result[0] = '|';
  return result;
}

bool acceptsDescr(Type type, StringRef descr) {
  std::string given = canonicalDescr(descr), expected = npyDescr(type);
  if (given == expected)
    return true;
  // A signless integer is either signedness.
  if (type.isSignlessInteger() && !type.isInteger(1) && given.size() > 1 &&
      given[1] == 'u') {
    given[1] = 'i';
    return given == expected;
  }
  return false;
}

std::string shapeString(llvm::ArrayRef<int64_t> shape, StringRef type) {
  std::string result;
  llvm::raw_string_ostream os(result);
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d))
      os << '?';
    else
      os << d;
    os << 'x';
  }
  os << type;
  return result;
}

//===----------------------------------------------------------------------===//
// .npy files
//===----------------------------------------------------------------------===//

/// The value of `'key':` in numpy's header dict, up to the next top-level
/// comma or the closing brace.
static std::optional<StringRef> headerValue(StringRef header, StringRef key) {
  size_t at = header.find(("'" + key + "'").str());
  if (at == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(at + key.size() + 2).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  int depth = 0;
  for (size_t i = 0; i < rest.size(); ++i) {
    char c = rest[i];
    if (c == '(' || c == '[')
      ++depth;
    else if (c == ')' || c == ']')
      --depth;
    if (depth == 0 && (c == ',' || c == '}'))
      return rest.take_front(i).rtrim();
  }
  return std::nullopt;
}

static llvm::Error parseNpyHeader(StringRef header, HostArray &array,
                                  StringRef path) {
  auto bad = [&](const llvm::Twine &what) {
    return makeError(path + ": not a .npy file this tool reads: " + what);
  };
  std::optional<StringRef> descr = headerValue(header, "descr");
  std::optional<StringRef> order = headerValue(header, "fortran_order");
  std::optional<StringRef> shape = headerValue(header, "shape");
  if (!descr || !order || !shape)
    return bad("its header has no descr, fortran_order or shape");
  if (!descr->consume_front("'") || !descr->consume_back("'"))
    return bad("dtype " + *descr + " is a structured dtype");
  if (*order != "False")
    return makeError(path + ": the array is in Fortran order; save it in C "
                            "order (numpy.ascontiguousarray)");
  std::string canonical = canonicalDescr(*descr);
  StringRef d(canonical);
  unsigned itemBytes = 0;
  if (d.size() < 3 || (d[0] != '<' && d[0] != '|') ||
      !StringRef("biufc").contains(d[1]) ||
      d.drop_front(2).getAsInteger(10, itemBytes) || itemBytes == 0)
    return makeError(path + ": dtype '" + *descr +
                     "' is not a little-endian number type");
  array.descr = canonical;

  StringRef dims = *shape;
  if (!dims.consume_front("(") || !dims.consume_back(")"))
    return bad("shape " + *shape);
  llvm::SmallVector<StringRef> parts;
  dims.split(parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  uint64_t elements = 1;
  for (StringRef part : parts) {
    part = part.trim();
    if (part.empty())
      continue;
    part.consume_back("L"); // Python 2's long
    int64_t dim;
    if (part.getAsInteger(10, dim) || dim < 0)
      return bad("shape " + *shape);
    array.shape.push_back(dim);
    std::optional<uint64_t> product =
        llvm::checkedMulUnsigned<uint64_t>(elements, dim);
    if (!product)
      return makeError(path + ": shape " + *shape + " is too large");
    elements = *product;
  }
  std::optional<uint64_t> bytes =
      llvm::checkedMulUnsigned<uint64_t>(elements, itemBytes);
  if (!bytes || *bytes > std::numeric_limits<size_t>::max())
    return makeError(path + ": shape " + *shape + " is too large");
  array.bytes = *bytes;
  return llvm::Error::success();
}

llvm::Expected<HostArray> readNpy(StringRef path) {
  // Mapped privately: pages are read when touched and copied only if the
  // program writes them.
  auto buffer = llvm::WritableMemoryBuffer::getFile(path);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  HostArray array;
  array.file = std::move(*buffer);
  StringRef contents(array.file->getBufferStart(), array.file->getBufferSize());
  if (!contents.starts_with("\x93NUMPY") || contents.size() < 10)
    return makeError(path + ": not a .npy file (no \\x93NUMPY magic)");
  unsigned major = static_cast<unsigned char>(contents[6]);
  size_t headerLength, headerStart;
  if (major == 1) {
    headerLength = llvm::support::endian::read16le(contents.data() + 8);
    headerStart = 10;
  } else if ((major == 2 || major == 3) && contents.size() >= 12) {
    headerLength = llvm::support::endian::read32le(contents.data() + 8);
    headerStart = 12;
  } else {
    return makeError(path + ": .npy version " + llvm::Twine(major) +
                     " is not 1, 2 or 3");
  }
  if (headerStart + headerLength > contents.size())
    return makeError(path + ": truncated .npy header");
  if (llvm::Error error = parseNpyHeader(
          contents.substr(headerStart, headerLength), array, path))
    return std::move(error);
  size_t dataStart = headerStart + headerLength;
  if (contents.size() - dataStart != array.bytes)
    return makeError(
        path + ": holds " + llvm::Twine(contents.size() - dataStart) +
        " bytes of data, its shape and dtype need " + llvm::Twine(array.bytes));
  array.data = array.file->getBufferStart() + dataStart;
  // numpy aligns the data to 64 bytes in the file; other writers may not.
  if (reinterpret_cast<uintptr_t>(array.data) % 16 != 0) {
    std::unique_ptr<llvm::WritableMemoryBuffer> file = std::move(array.file);
    char *from = file->getBufferStart() + dataStart;
    array.allocate(array.bytes);
    std::memcpy(array.data, from, array.bytes);
  }
  return std::move(array);
}

/// Calls `fn(byteOffset)` for each element of `array` in row-major order.
static void forEachElement(const ArrayView &array, unsigned bytes,
                           llvm::function_ref<void(int64_t)> fn) {
  size_t rank = array.shape.size();
  for (int64_t d : array.shape)
    if (d == 0)
      return;
  llvm::SmallVector<int64_t> index(rank, 0);
  while (true) {
    int64_t offset = 0;
    for (size_t i = 0; i < rank; ++i)
      offset += index[i] * array.strides[i];
    fn(offset * bytes);
    size_t dim = rank;
    while (dim > 0 && ++index[dim - 1] == array.shape[dim - 1])
      index[--dim] = 0;
    if (dim == 0)
      return;
  }
}

static bool isRowMajor(const ArrayView &array) {
  int64_t expected = 1;
  for (size_t i = array.shape.size(); i-- > 0;) {
    if (array.shape[i] != 1 && array.strides[i] != expected)
      return false;
    expected *= array.shape[i];
  }
  return true;
}

llvm::Error writeNpy(StringRef path, const ArrayView &array) {
  std::string header;
  llvm::raw_string_ostream os(header);
  os << "{'descr': '" << npyDescr(array.elementType)
     << "', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    os << d << (array.shape.size() == 1 ? "," : ", ");
  os << "), }";
  // Magic, version, length, header and newline: a multiple of 64 bytes.
  size_t total = llvm::alignTo(10 + header.size() + 1, 64);
  header.append(total - 10 - header.size() - 1, ' ');
  header += '\n';

  std::error_code ec;
  llvm::raw_fd_ostream out(path, ec);
  if (ec)
    return makeError(path + ": " + ec.message());
  out << StringRef("\x93NUMPY\x01\x00", 8);
  char length[2];
  llvm::support::endian::write16le(length, header.size());
  out.write(length, 2);
  out << header;
  unsigned bytes = elementBytes(array.elementType);
  if (isRowMajor(array)) {
    int64_t n = 1;
    for (int64_t d : array.shape)
      n *= d;
    out.write(array.base, n * bytes);
  } else {
    forEachElement(array, bytes, [&](int64_t offset) {
      out.write(array.base + offset, bytes);
    });
  }
  out.close();
  if (out.has_error())
    return makeError(path + ": " + out.error().message());
  return llvm::Error::success();
}

//===----------------------------------------------------------------------===//
// Inline text
//===----------------------------------------------------------------------===//

static llvm::Error parseScalar(StringRef token, Type type, char *to) {
  auto bad = [&]() {
    return makeError("'" + token + "' is not a value of type " +
                     debugString(type));
  };
  if (auto fp = dyn_cast<FloatType>(type)) {
    llvm::APFloat value(fp.getFloatSemantics());
    auto status =
        value.convertFromString(token, llvm::APFloat::rmNearestTiesToEven);
    if (!status) {
      llvm::consumeError(status.takeError());
      return bad();
    }
    // Rounding is what a literal does; overflow to infinity is a mistake.
    if (*status & llvm::APFloat::opOverflow)
      return makeError("'" + token + "' is out of the range of " +
                       debugString(type));
    uint64_t bits = value.bitcastToAPInt().getZExtValue();
    std::memcpy(to, &bits, elementBytes(type)); // little-endian host
    return llvm::Error::success();
  }
  if (auto complex = dyn_cast<ComplexType>(type)) {
    StringRef inner = token;
    if (!inner.consume_front("(") || !inner.consume_back(")") ||
        !inner.contains(','))
      return bad();
    auto [re, im] = inner.split(',');
    Type part = complex.getElementType();
    if (llvm::Error error = parseScalar(re.trim(), part, to))
      return error;
    return parseScalar(im.trim(), part, to + elementBytes(part));
  }
  unsigned width = isa<IndexType>(type) ? 64 : type.getIntOrFloatBitWidth();
  if (width == 1 && (token == "true" || token == "false")) {
    *to = token == "true";
    return llvm::Error::success();
  }
  // Any value that the type holds in one of its readings: signless
  // integers take both signed and unsigned values.
  bool isSigned = !type.isUnsignedInteger(),
       isUnsigned = !type.isSignedInteger();
  if (isa<IndexType>(type) || width == 1)
    isUnsigned = width == 1, isSigned = width != 1;
  uint64_t bits;
  if (token.starts_with("-")) {
    int64_t value;
    if (!isSigned || token.getAsInteger(10, value) ||
        (width < 64 && value < -(int64_t(1) << (width - 1))))
      return bad();
    bits = static_cast<uint64_t>(value);
  } else {
    if (token.getAsInteger(10, bits))
      return bad();
    uint64_t max = isUnsigned ? llvm::maxUIntN(width) : llvm::maxIntN(width);
    if (bits > max)
      return bad();
  }
  std::memcpy(to, &bits, elementBytes(type));
  return llvm::Error::success();
}

/// The values of inline text: separated by spaces or commas, brackets
/// ignored, a complex value in parentheses.
static llvm::SmallVector<StringRef> tokenize(StringRef text) {
  llvm::SmallVector<StringRef> tokens;
  size_t i = 0;
  auto isSeparator = [](char c) {
    return llvm::isSpace(c) || c == ',' || c == '[' || c == ']';
  };
  while (i < text.size()) {
    if (isSeparator(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    if (text[i] == '(') {
      end = text.find(')', i);
      end = end == StringRef::npos ? text.size() : end + 1;
    } else {
      while (end < text.size() && !isSeparator(text[end]))
        ++end;
    }
    tokens.push_back(text.slice(i, end));
    i = end;
  }
  return tokens;
}

llvm::Expected<HostArray> parseInlineArray(StringRef text,
                                           MLIRContext *context) {
  auto [typeText, valuesText] = text.split('=');
  if (!text.contains('='))
    return makeError("'" + text +
                     "' is neither @FILE.npy nor DIMSxTYPE=VALUES (e.g. "
                     "3x2xi64=1 2 3 4 5 6, f32=1.5)");
  HostArray array;
  StringRef rest = typeText.trim();
  uint64_t elements = 1;
  while (!rest.empty() && llvm::isDigit(rest[0])) {
    size_t x = rest.find('x');
    int64_t dim;
    if (x == StringRef::npos || rest.take_front(x).getAsInteger(10, dim))
      break;
    array.shape.push_back(dim);
    std::optional<uint64_t> product =
        llvm::checkedMulUnsigned<uint64_t>(elements, dim);
    if (!product)
      return makeError("'" + typeText + "' has too many elements");
    elements = *product;
    rest = rest.drop_front(x + 1);
  }
  size_t consumed = 0;
  Type type =
      parseType(rest, context, &consumed, /*isKnownNullTerminated=*/false);
  if (!type || consumed != rest.size() || !elementBytes(type))
    return makeError("'" + typeText +
                     "' is not DIMSxTYPE with TYPE a number type (e.g. "
                     "3x2xi64, f32, 4xcomplex<f32>)");
  array.elementType = type;
  array.descr = npyDescr(type);
  unsigned bytes = elementBytes(type);
  std::optional<uint64_t> total =
      llvm::checkedMulUnsigned<uint64_t>(elements, bytes);
  if (!total || *total > (uint64_t(1) << 40))
    return makeError("'" + typeText + "' is too large to give inline");
  array.allocate(*total);

  llvm::SmallVector<StringRef> tokens = tokenize(valuesText);
  // One value fills the array.
  if (tokens.size() == 1 && elements != 1) {
    if (llvm::Error error = parseScalar(tokens[0], type, array.data))
      return std::move(error);
    for (uint64_t i = 1; i < elements; ++i)
      std::memcpy(array.data + i * bytes, array.data, bytes);
    return std::move(array);
  }
  if (tokens.size() != elements)
    return makeError("'" + typeText + "' needs " + llvm::Twine(elements) +
                     " values, " + llvm::Twine(tokens.size()) + " given");
  for (auto [i, token] : llvm::enumerate(tokens))
    if (llvm::Error error = parseScalar(token, type, array.data + i * bytes))
      return std::move(error);
  return std::move(array);
}

static void printFloat(llvm::raw_ostream &os, FloatType type, const char *at) {
  char buffer[64];
  std::to_chars_result written;
  if (type.isF32()) {
    float value;
    std::memcpy(&value, at, 4);
    written = std::to_chars(buffer, buffer + sizeof(buffer), value);
  } else {
    // Other widths through double, which holds each of their values.
    uint64_t bits = 0;
    std::memcpy(&bits, at, type.getWidth() / 8);
    llvm::APFloat value(type.getFloatSemantics(),
                        llvm::APInt(type.getWidth(), bits));
    bool lost;
    value.convert(llvm::APFloat::IEEEdouble(),
                  llvm::APFloat::rmNearestTiesToEven, &lost);
    written =
        std::to_chars(buffer, buffer + sizeof(buffer), value.convertToDouble());
  }
  os << StringRef(buffer, written.ptr - buffer);
}

static void printScalar(llvm::raw_ostream &os, Type type, const char *at) {
  if (auto fp = dyn_cast<FloatType>(type))
    return printFloat(os, fp, at);
  if (auto complex = dyn_cast<ComplexType>(type)) {
    Type part = complex.getElementType();
    os << '(';
    printScalar(os, part, at);
    os << ',';
    printScalar(os, part, at + elementBytes(part));
    os << ')';
    return;
  }
  unsigned bytes = elementBytes(type);
  uint64_t bits = 0;
  std::memcpy(&bits, at, bytes);
  if (type.isInteger(1) || type.isUnsignedInteger())
    os << bits;
  else
    os << llvm::SignExtend64(bits, bytes * 8);
}

void printArray(llvm::raw_ostream &os, const ArrayView &array) {
  os << shapeString(array.shape, debugString(array.elementType)) << '=';
  unsigned bytes = elementBytes(array.elementType);
  size_t rank = array.shape.size();
  if (rank == 0) {
    printScalar(os, array.elementType, array.base);
    return;
  }
  // [a b][c d] for rank 2: a bracket around each row (not around the
  // whole), as iree-run-module prints.
  std::function<void(size_t, int64_t)> print = [&](size_t dim, int64_t offset) {
    for (int64_t i = 0; i < array.shape[dim]; ++i) {
      int64_t at = offset + i * array.strides[dim];
      if (dim + 1 == rank) {
        if (i)
          os << ' ';
        printScalar(os, array.elementType, array.base + at * bytes);
      } else {
        os << '[';
        print(dim + 1, at);
        os << ']';
      }
    }
  };
  print(0, 0);
}

} // namespace sparse_opt
