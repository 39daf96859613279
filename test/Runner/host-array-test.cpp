//===- host-array-test.cpp - Unit tests of SliceGradRunner's arrays -------===//
//
// The .npy reader and writer and the inline array syntax, on their own:
// every element type round trips through a .npy file and through printed
// text bit for bit, and hostile files and texts get errors (printed for
// host-array.test to check), never a crash.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Runner/HostArray.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <string>

using namespace mlir;
using namespace mlir::sparse::runner;

namespace {
int failures = 0;

void fail(const llvm::Twine &what) {
  ++failures;
  llvm::outs() << "FAIL: " << what << "\n";
}

ArrayView viewOf(const HostArray &a, Type type,
                 llvm::SmallVectorImpl<int64_t> &strides) {
  strides.assign(a.shape.size(), 1);
  for (int d = static_cast<int>(a.shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * a.shape[d + 1];
  return {type, a.shape, strides, a.data};
}

std::string tempPath(llvm::StringRef name) {
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createTemporaryFile(name, "npy", path))
    fail("cannot create a temporary file");
  return std::string(path);
}

void writeFile(const std::string &path, llvm::StringRef bytes) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  os << bytes;
}

/// `text` parses, prints back to text that parses to the same bits, and
/// round trips through a .npy file with numpy's dtype for its type.
void roundTrip(MLIRContext &context, llvm::StringRef text) {
  llvm::Expected<HostArray> parsed = parseInlineArray(text, &context);
  if (!parsed) {
    fail(text + ": " + llvm::toString(parsed.takeError()));
    return;
  }
  Type type = parsed->elementType;
  llvm::SmallVector<int64_t> strides;
  std::string printed;
  llvm::raw_string_ostream os(printed);
  printArray(os, viewOf(*parsed, type, strides));
  llvm::Expected<HostArray> reparsed = parseInlineArray(printed, &context);
  if (!reparsed || reparsed->bytes != parsed->bytes ||
      std::memcmp(reparsed->data, parsed->data, parsed->bytes)) {
    if (!reparsed)
      llvm::consumeError(reparsed.takeError());
    fail(text + ": printed as " + printed + ", which does not read back");
    return;
  }
  std::string path = tempPath("host-array");
  if (llvm::Error error = writeNpy(path, viewOf(*parsed, type, strides))) {
    fail(text + ": " + llvm::toString(std::move(error)));
    return;
  }
  llvm::Expected<HostArray> read = readNpy(path);
  llvm::sys::fs::remove(path);
  if (!read) {
    fail(text + ": " + llvm::toString(read.takeError()));
    return;
  }
  bool same = read->descr == npyDescr(type) && read->shape == parsed->shape &&
              read->bytes == parsed->bytes &&
              !std::memcmp(read->data, parsed->data, parsed->bytes) &&
              acceptsDescr(type, read->descr);
  if (!same)
    fail(text + ": the .npy file reads back differently");
  llvm::outs() << "round trip " << printed << " as '" << read->descr << "'\n";
}

/// The header numpy writes for `dict`, padded to 64 bytes, version 1.
std::string npyHeader(llvm::StringRef dict, char version = 1) {
  std::string header = dict.str();
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  std::string out = "\x93NUMPY";
  out += version;
  out += '\0';
  out += static_cast<char>(header.size() & 0xff);
  out += static_cast<char>(header.size() >> 8);
  return out + header;
}

/// A hostile .npy file: its error, printed.
void hostileFile(llvm::StringRef name, const std::string &bytes) {
  std::string path = tempPath("host-array-hostile");
  writeFile(path, bytes);
  llvm::Expected<HostArray> read = readNpy(path);
  llvm::sys::fs::remove(path);
  if (read) {
    fail(name + ": read without an error");
    return;
  }
  std::string message = llvm::toString(read.takeError());
  // The message starts with the path, which changes from run to run.
  size_t colon = message.find(": ");
  llvm::outs() << "file " << name << ": "
               << (colon == std::string::npos ? message
                                              : message.substr(colon + 2))
               << "\n";
}

void hostileText(MLIRContext &context, llvm::StringRef text) {
  llvm::Expected<HostArray> parsed = parseInlineArray(text, &context);
  if (parsed) {
    fail(text + ": parsed without an error");
    return;
  }
  llvm::outs() << "text " << text << ": " << llvm::toString(parsed.takeError())
               << "\n";
}
} // namespace

int main() {
  MLIRContext context;
  for (llvm::StringRef text :
       {"2x3xi64=1 2 3 -4 5 -9223372036854775808", "4xi32=[1 -2][3 4]",
        "2xi16=-32768 32767", "3xi8=-1 0 127", "2xi1=1 0", "2xui8=0 255",
        "2xui64=0 18446744073709551615", "3xf32=1.5 -0 3.40282347e+38",
        "2xf64=0.1 -1e-308", "2xf16=0.5 -2", "2xbf16=1 -0.5",
        "2xcomplex<f32>=(1,2) (-0,3.5)", "1xcomplex<f64>=(0.1,-0.2)",
        "2xindex=0 7", "0x2xi64=", "f32=1.25"})
    roundTrip(context, text);

  std::string f4 = npyHeader("{'descr': '<f4', 'fortran_order': False, "
                             "'shape': (2,), }");
  hostileFile("empty", "");
  hostileFile("magic", "\x93NUMPX\x01\x00" + f4.substr(8));
  hostileFile("version", npyHeader("{'descr': '<f4', 'fortran_order': False, "
                                   "'shape': (2,), }",
                                   4) +
                             std::string(8, '\0'));
  hostileFile("header past the end", f4.substr(0, 20));
  hostileFile("big-endian",
              npyHeader("{'descr': '>f4', 'fortran_order': False, "
                        "'shape': (2,), }") +
                  std::string(8, '\0'));
  hostileFile("fortran", npyHeader("{'descr': '<f4', 'fortran_order': True, "
                                   "'shape': (2, 2), }") +
                             std::string(16, '\0'));
  hostileFile("negative dim",
              npyHeader("{'descr': '<f4', 'fortran_order': False, "
                        "'shape': (-2,), }"));
  hostileFile("overflowing shape",
              npyHeader("{'descr': '<f8', 'fortran_order': False, "
                        "'shape': (4294967296, 4294967296), }"));
  hostileFile("short data", f4 + std::string(4, '\0'));
  hostileFile("long data", f4 + std::string(12, '\0'));
  hostileFile("unknown dtype",
              npyHeader("{'descr': '<x9', 'fortran_order': False, "
                        "'shape': (2,), }") +
                  std::string(18, '\0'));
  hostileFile("not a dict", npyHeader("[1, 2, 3]"));

  for (llvm::StringRef text :
       {"2x3xf32=1 2", "f32=abc", "3xq32=1 2 3", "-1xf32=", "2xi8=1 300",
        "2x2xf32=1 2 3 4 5", "2xcomplex<f32>=(1,2) 3", "xf32=1"})
    hostileText(context, text);

  llvm::outs() << "host-array: " << failures << " failures\n";
  return failures ? 1 : 0;
}
