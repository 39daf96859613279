//===- HostArray.cpp - Host arrays for running lowered code ---------------===//
//
// The .npy format: https://numpy.org/doc/stable/reference/generated/
// numpy.lib.format.html (a magic string, a version, a Python dict literal
// padded to 64 bytes, then the raw data).
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Runner/HostArray.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/DebugStringHelper.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>

using namespace mlir;
using llvm::StringRef;

namespace mlir::sparse::runner {

static llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

int64_t HostArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

/// The machine's memory in bytes (0 if unknown): more cannot be held.
static uint64_t physicalMemory() {
  long pages = sysconf(_SC_PHYS_PAGES), pageSize = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && pageSize > 0 ? uint64_t(pages) * uint64_t(pageSize) : 0;
}

llvm::Error HostArray::allocate(size_t size) {
  uint64_t memory = physicalMemory();
  if (memory && size > memory)
    return makeError("needs " + llvm::Twine(size) +
                     " bytes, more than this machine's memory (" +
                     llvm::Twine(memory) + " bytes)");
  // 64-byte aligned like numpy's own files, so that vector loads of any
  // element type are aligned.
  size_t rounded = llvm::alignTo(std::max<size_t>(size, 1), 64);
  owned = {static_cast<char *>(std::aligned_alloc(64, rounded)), &std::free};
  if (!owned)
    return makeError("cannot allocate " + llvm::Twine(size) + " bytes");
  // Only the padding: the caller writes every byte of the data.
  std::memset(owned.get() + size, 0, rounded - size);
  file.reset();
  data = owned.get();
  bytes = size;
  return llvm::Error::success();
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
  else if (type.isUnsignedInteger())
    kind = 'u';
  else if (type.isF16() || type.isF32() || type.isF64())
    kind = 'f';
  else if (isa<FloatType>(type))
    kind = 'u'; // bf16, the f8 types: numpy has none, their bits go
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
  if (*order == "True")
    return makeError(path + ": the array is in Fortran order; save it in C "
                            "order (numpy.ascontiguousarray)");
  if (*order != "False")
    return bad("fortran_order is " + *order + ", not True or False");
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

namespace {
/// Where a .npy file's header lies, from its first bytes.
struct NpyPrefix {
  size_t headerStart = 0, headerLength = 0;
};
} // namespace

/// The magic string, the version and the header's length; `bytes` are the
/// file's first bytes (at least 12 if the file has them).
static llvm::Expected<NpyPrefix> parseNpyPrefix(StringRef bytes,
                                                StringRef path) {
  if (!bytes.starts_with("\x93NUMPY"))
    return makeError(path + ": not a .npy file (no \\x93NUMPY magic)");
  if (bytes.size() < 7)
    return makeError(path + ": truncated .npy file (no version)");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  if (major < 1 || major > 3)
    return makeError(path + ": .npy version " + llvm::Twine(major) +
                     " is not 1, 2 or 3");
  NpyPrefix prefix;
  prefix.headerStart = major == 1 ? 10 : 12;
  if (bytes.size() < prefix.headerStart)
    return makeError(path + ": truncated .npy file (no header length)");
  prefix.headerLength = major == 1
                            ? llvm::support::endian::read16le(bytes.data() + 8)
                            : llvm::support::endian::read32le(bytes.data() + 8);
  return prefix;
}

/// Reads up to `into.size()` bytes; fewer only at the end of the file.
static llvm::Expected<size_t> readFully(llvm::sys::fs::file_t file,
                                        llvm::MutableArrayRef<char> into) {
  size_t done = 0;
  while (done < into.size()) {
    llvm::Expected<size_t> got =
        llvm::sys::fs::readNativeFile(file, into.drop_front(done));
    if (!got)
      return got.takeError();
    if (*got == 0)
      break;
    done += *got;
  }
  return done;
}

/// A header longer than this in a pipe or device is not numpy's.
static constexpr size_t kMaxStreamedHeader = size_t(1) << 24;

/// A .npy file that cannot be mapped (a pipe, a device): read in order,
/// the header first, so that nothing unbounded is read before it is
/// checked.
static llvm::Expected<HostArray> readNpyStream(StringRef path) {
  llvm::Expected<llvm::sys::fs::file_t> file =
      llvm::sys::fs::openNativeFileForRead(path);
  if (!file)
    return makeError(path + ": " + llvm::toString(file.takeError()));
  llvm::scope_exit closeFile([&] { llvm::sys::fs::closeFile(*file); });
  auto ioError = [&](llvm::Error error) {
    return makeError(path + ": " + llvm::toString(std::move(error)));
  };
  char first[12];
  llvm::Expected<size_t> got = readFully(*file, {first, 10});
  if (!got)
    return ioError(got.takeError());
  size_t have = *got;
  if (have == 10 && static_cast<unsigned char>(first[6]) >= 2) {
    if (!(got = readFully(*file, {first + 10, 2})))
      return ioError(got.takeError());
    have += *got;
  }
  llvm::Expected<NpyPrefix> prefix = parseNpyPrefix({first, have}, path);
  if (!prefix)
    return prefix.takeError();
  if (prefix->headerLength > kMaxStreamedHeader)
    return makeError(path + ": .npy header of " +
                     llvm::Twine(prefix->headerLength) + " bytes is too long");
  std::string header(prefix->headerLength, '\0');
  if (!(got = readFully(*file, {header.data(), header.size()})))
    return ioError(got.takeError());
  if (*got != header.size())
    return makeError(path + ": truncated .npy header");
  HostArray array;
  if (llvm::Error error = parseNpyHeader(header, array, path))
    return std::move(error);
  if (llvm::Error error = array.allocate(array.bytes))
    return makeError(path + ": " + llvm::toString(std::move(error)));
  if (!(got = readFully(*file, {array.data, array.bytes})))
    return ioError(got.takeError());
  char extra;
  size_t data = *got;
  if (data == array.bytes) {
    if (!(got = readFully(*file, {&extra, 1})))
      return ioError(got.takeError());
    if (*got)
      return makeError(path + ": holds more data than its shape and dtype " +
                       "need (" + llvm::Twine(array.bytes) + " bytes)");
  }
  if (data != array.bytes)
    return makeError(path + ": holds " + llvm::Twine(data) +
                     " bytes of data, its shape and dtype need " +
                     llvm::Twine(array.bytes));
  return std::move(array);
}

llvm::Expected<HostArray> readNpy(StringRef path) {
  llvm::sys::fs::file_status status;
  if (std::error_code ec = llvm::sys::fs::status(path, status))
    return makeError(path + ": " + ec.message());
  if (status.type() == llvm::sys::fs::file_type::directory_file)
    return makeError(path + ": is a directory, not a .npy file");
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return readNpyStream(path);
  // Mapped privately: pages are read when touched and copied only if the
  // program writes them.
  auto buffer = llvm::WritableMemoryBuffer::getFile(path);
  if (!buffer)
    return makeError(path + ": " + buffer.getError().message());
  HostArray array;
  array.file = std::move(*buffer);
  StringRef contents(array.file->getBufferStart(), array.file->getBufferSize());
  llvm::Expected<NpyPrefix> prefix = parseNpyPrefix(contents, path);
  if (!prefix)
    return prefix.takeError();
  if (prefix->headerLength > contents.size() - prefix->headerStart)
    return makeError(path + ": truncated .npy header");
  if (llvm::Error error = parseNpyHeader(
          contents.substr(prefix->headerStart, prefix->headerLength), array,
          path))
    return std::move(error);
  size_t dataStart = prefix->headerStart + prefix->headerLength;
  if (contents.size() - dataStart != array.bytes)
    return makeError(
        path + ": holds " + llvm::Twine(contents.size() - dataStart) +
        " bytes of data, its shape and dtype need " + llvm::Twine(array.bytes));
  array.data = array.file->getBufferStart() + dataStart;
  // numpy aligns the data to 64 bytes in the file; other writers may not.
  if (reinterpret_cast<uintptr_t>(array.data) % 16 != 0) {
    std::unique_ptr<llvm::WritableMemoryBuffer> file = std::move(array.file);
    char *from = file->getBufferStart() + dataStart;
    if (llvm::Error error = array.allocate(array.bytes))
      return makeError(path + ": " + llvm::toString(std::move(error)));
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

/// The .npy bytes before the data: version 1 where the header's length
/// fits its 16 bits, else version 2 (a 32-bit length, e.g. rank 25000).
static std::string npyPrefixAndHeader(const ArrayView &array) {
  std::string header;
  llvm::raw_string_ostream os(header);
  os << "{'descr': '" << npyDescr(array.elementType)
     << "', 'fortran_order': False, 'shape': (";
  for (int64_t d : array.shape)
    os << d << (array.shape.size() == 1 ? "," : ", ");
  os << "), }";
  // Magic, version, length, header and newline: a multiple of 64 bytes.
  size_t prefix = 10;
  size_t total = llvm::alignTo(prefix + header.size() + 1, 64);
  if (total - prefix > 0xFFFF) {
    prefix = 12;
    total = llvm::alignTo(prefix + header.size() + 1, 64);
  }
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';
  char start[12] = {'\x93', 'N', 'U', 'M', 'P', 'Y', 0, 0};
  start[6] = prefix == 10 ? 1 : 2;
  if (prefix == 10)
    llvm::support::endian::write16le(start + 8, header.size());
  else
    llvm::support::endian::write32le(start + 8, header.size());
  return std::string(start, prefix) + header;
}

static void writeNpyTo(llvm::raw_ostream &out, const ArrayView &array) {
  out << npyPrefixAndHeader(array);
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
}

llvm::Error writeNpy(StringRef path, const ArrayView &array) {
  // A device or a pipe (/dev/stdout, /dev/full) is written in place.
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file &&
      status.type() != llvm::sys::fs::file_type::file_not_found) {
    std::error_code ec;
    llvm::raw_fd_ostream out(path, ec);
    if (ec)
      return makeError(path + ": " + ec.message());
    writeNpyTo(out, array);
    out.close();
    if (out.has_error()) {
      std::error_code error = out.error();
      out.clear_error();
      return makeError(path + ": " + error.message());
    }
    return llvm::Error::success();
  }
  // A file is replaced only once its new contents are whole: the result may
  // be an input's mapped buffer (--output onto its --input), and a failed
  // write must not leave the old file truncated.
  llvm::Expected<llvm::sys::fs::TempFile> temp =
      llvm::sys::fs::TempFile::create(path + ".tmp-%%%%%%%%",
                                      llvm::sys::fs::all_read |
                                          llvm::sys::fs::all_write);
  if (!temp)
    return makeError(path + ": " + llvm::toString(temp.takeError()));
  llvm::raw_fd_ostream out(temp->FD, /*shouldClose=*/false);
  writeNpyTo(out, array);
  out.flush();
  if (out.has_error()) {
    std::error_code error = out.error();
    out.clear_error();
    llvm::consumeError(temp->discard());
    return makeError(path + ": " + error.message());
  }
  if (llvm::Error error = temp->keep(path))
    return makeError(path + ": " + llvm::toString(std::move(error)));
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
    // 0x and the bits, as printArray writes a NaN with a payload.
    if (token.starts_with_insensitive("0x")) {
      uint64_t bits;
      if (token.drop_front(2).getAsInteger(16, bits) ||
          (fp.getWidth() < 64 && bits >> fp.getWidth()))
        return makeError("'" + token + "' is not the bits of a " +
                         debugString(type) + " (0x and at most " +
                         llvm::Twine(fp.getWidth() / 4) + " hex digits)");
      std::memcpy(to, &bits, elementBytes(type)); // little-endian host
      return llvm::Error::success();
    }
    // A whole decimal literal (APFloat alone takes "1.5e" as 1.5).
    StringRef literal = token;
    literal.consume_front("+");
    double parsed;
    auto [end, ec] = std::from_chars(literal.begin(), literal.end(), parsed);
    if (end != literal.end() ||
        (ec != std::errc() && ec != std::errc::result_out_of_range))
      return bad();
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
  Type type;
  {
    // The message below names the fault; not the parser's raw line.
    ScopedDiagnosticHandler quiet(context,
                                  [](Diagnostic &) { return success(); });
    type = parseType(rest, context, &consumed, /*isKnownNullTerminated=*/false);
  }
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
  if (llvm::Error error = array.allocate(*total))
    return makeError("'" + typeText + "' " + llvm::toString(std::move(error)));

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
  // A NaN other than the one `nan` or `-nan` reads back to: its bits, which
  // the inline parser reads back.
  uint64_t raw = 0;
  std::memcpy(&raw, at, type.getWidth() / 8);
  llvm::APFloat exact(type.getFloatSemantics(),
                      llvm::APInt(type.getWidth(), raw));
  if (exact.isNaN() && !exact.bitwiseIsEqual(llvm::APFloat::getQNaN(
                           type.getFloatSemantics(), exact.isNegative()))) {
    os << "0x" << llvm::format_hex_no_prefix(raw, type.getWidth() / 4, true);
    return;
  }
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
  // No values, whatever the other sizes (99999999999x0 is not a billion
  // empty brackets).
  if (llvm::is_contained(array.shape, 0))
    return;
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

} // namespace mlir::sparse::runner
