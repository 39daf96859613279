//===- CheckAllocations.cpp - Run-time sizes that malloc cannot take ------===//
//
// A buffer's size comes from run-time sizes (a result of N rows): its byte
// count can wrap (N = 2^62 rows of f32 is 0 bytes to malloc) and malloc can
// fail. Either way the lowered code would write through a short or null
// buffer; this pass makes both TensorFlow's ResourceExhausted error instead.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Transforms/Passes.h"

#include "SliceGradCodegen/RuntimeCalls.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_SPARSECHECKALLOCATIONSPASS
#include "SliceGrad/Transforms/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;

/// TensorFlow's name of an element type (DataTypeString), for its message.
static std::string tfTypeName(Type type) {
  if (type.isF32())
    return "float";
  if (type.isF64())
    return "double";
  if (type.isF16())
    return "half";
  if (type.isBF16())
    return "bfloat16";
  if (type.isInteger(1))
    return "bool";
  if (isa<IndexType>(type))
    return "int64";
  if (auto integer = dyn_cast<IntegerType>(type))
    return (integer.isUnsigned() ? "uint" : "int") +
           std::to_string(integer.getWidth());
  if (auto complex = dyn_cast<ComplexType>(type)) {
    Type part = complex.getElementType();
    if (part.isF32() || part.isF64())
      return "complex" + std::to_string(2 * part.getIntOrFloatBitWidth());
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  type.print(os);
  return text;
}

/// A constant NUL-terminated string (the type's name) as an !llvm.ptr.
static Value buildString(OpBuilder &b, Location loc, ModuleOp module,
                         StringRef text) {
  std::string value = text.str();
  value.push_back('\0');
  std::string name = "__sparse_check_allocations_type_" + text.str();
  auto global = module.lookupSymbol<LLVM::GlobalOp>(name);
  if (!global) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto type = LLVM::LLVMArrayType::get(b.getI8Type(), value.size());
    global = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                    LLVM::Linkage::Internal, name,
                                    b.getStringAttr(value));
  }
  return LLVM::AddressOfOp::create(b, loc, global);
}

/// Calls the runtime's allocation-failed function (it does not return)
/// where `failed` holds.
static void emitFailure(OpBuilder &b, memref::AllocOp alloc, Value failed) {
  Location loc = alloc.getLoc();
  auto ifOp = scf::IfOp::create(b, loc, failed, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(ifOp.thenBlock()->getTerminator());
  MemRefType type = alloc.getType();
  // The shape, for TensorFlow's message.
  auto shapeType = MemRefType::get({type.getRank()}, b.getI64Type());
  Value shape = memref::AllocaOp::create(b, loc, shapeType);
  unsigned dynamic = 0;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    Value size =
        type.isDynamicDim(d)
            ? arith::IndexCastOp::create(b, loc, b.getI64Type(),
                                         alloc.getDynamicSizes()[dynamic++])
                  .getResult()
            : arith::ConstantIntOp::create(b, loc, type.getDimSize(d), 64)
                  .getResult();
    Value index = arith::ConstantIndexOp::create(b, loc, d);
    memref::StoreOp::create(b, loc, size, shape, index);
  }
  auto dynamicShape = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
  Value shapeArg = memref::CastOp::create(b, loc, dynamicShape, shape);
  auto module = alloc->getParentOfType<ModuleOp>();
  Value where = sparse::lowering::buildWhere(b, alloc);
  Value typeName =
      buildString(b, loc, module, tfTypeName(type.getElementType()));
  func::CallOp::create(b, loc, kSparseAllocationFailedName, TypeRange{},
                       ValueRange{where, typeName, shapeArg});
}

/// The byte count of `alloc` in i64 and whether computing it overflowed
/// (past 2^63 - 1, which no malloc gives).
static std::pair<Value, Value>
buildByteCount(OpBuilder &b, memref::AllocOp alloc, uint64_t elementBytes) {
  Location loc = alloc.getLoc();
  MemRefType type = alloc.getType();
  int64_t staticBytes = elementBytes;
  for (int64_t d : type.getShape())
    if (!ShapedType::isDynamic(d))
      staticBytes *= d; // static shapes are verified to fit
  Value zero = arith::ConstantIntOp::create(b, loc, 0, 64);
  Value bytes = arith::ConstantIntOp::create(b, loc, staticBytes, 64);
  Value overflow = arith::ConstantIntOp::create(b, loc, 0, 1);
  for (Value size : alloc.getDynamicSizes()) {
    Value n = arith::IndexCastOp::create(b, loc, b.getI64Type(), size);
    auto product = arith::MulUIExtendedOp::create(b, loc, bytes, n);
    Value high = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne,
                                       product.getHigh(), zero);
    overflow = arith::OrIOp::create(b, loc, overflow, high);
    bytes = product.getLow();
  }
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, bytes, zero);
  overflow = arith::OrIOp::create(b, loc, overflow, negative);
  return {bytes, overflow};
}

namespace {
struct SparseCheckAllocationsPass
    : public sparse::impl::SparseCheckAllocationsPassBase<
          SparseCheckAllocationsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<memref::AllocOp> allocs;
    module.walk([&](memref::AllocOp alloc) {
      if (!alloc.getDynamicSizes().empty())
        allocs.push_back(alloc);
    });
    if (allocs.empty())
      return;
    OpBuilder b(&getContext());
    declareRuntimeFunction(module, b);
    for (memref::AllocOp alloc : allocs) {
      DataLayout layout = DataLayout::closest(alloc);
      uint64_t elementBytes =
          layout.getTypeSize(alloc.getType().getElementType()).getFixedValue();
      b.setInsertionPoint(alloc);
      auto [bytes, overflow] = buildByteCount(b, alloc, elementBytes);
      emitFailure(b, alloc, overflow);
      // malloc's null (for a size it could not give).
      b.setInsertionPointAfter(alloc);
      Location loc = alloc.getLoc();
      Value pointer =
          memref::ExtractAlignedPointerAsIndexOp::create(b, loc, alloc);
      Value zero = arith::ConstantIndexOp::create(b, loc, 0);
      Value isNull = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                           pointer, zero);
      Value nonEmpty =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, bytes,
                                arith::ConstantIntOp::create(b, loc, 0, 64));
      emitFailure(b, alloc, arith::AndIOp::create(b, loc, isNull, nonEmpty));
    }
  }

  /// sparseAllocationFailed(!llvm.ptr, !llvm.ptr, memref<?xi64>), called
  /// through its C interface.
  static void declareRuntimeFunction(ModuleOp module, OpBuilder &b) {
    if (module.lookupSymbol(kSparseAllocationFailedName))
      return;
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    Type ptr = LLVM::LLVMPointerType::get(b.getContext());
    auto shape = MemRefType::get({ShapedType::kDynamic}, b.getI64Type());
    auto func =
        func::FuncOp::create(b, module.getLoc(), kSparseAllocationFailedName,
                             b.getFunctionType({ptr, ptr, shape}, {}));
    func.setPrivate();
    func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                  b.getUnitAttr());
  }
};
} // namespace
