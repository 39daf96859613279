//===- SparseToLoops.cpp - sparse.slice_grad to scf loops -----------------===//
//
// Lowers the memref form of sparse.slice_grad to TensorFlow's sequential
// algorithm. This lowering is the reference every faster one is tested
// against, so it follows TensorFlow's CPU kernel step by step.
//
//===----------------------------------------------------------------------===//

#include "SliceGrad/Conversion/Passes.h"
#include "SliceGrad/Dialect/Sparse/IR/Sparse.h"
#include "SliceGrad/Runtime/SliceGradRuntime.h"

#include "mlir/Dialect/Complex/IR/Complex.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir {
namespace sparse {
#define GEN_PASS_DEF_CONVERTSPARSETOLOOPSPASS
#include "SliceGrad/Conversion/Passes.h.inc"
} // namespace sparse
} // namespace mlir

using namespace mlir;
using namespace mlir::sparse;

/// The zero of a TensorFlow value type.
static Value buildZero(OpBuilder &b, Location loc, Type type) {
  if (auto complexType = dyn_cast<ComplexType>(type)) {
    auto eltType = cast<FloatType>(complexType.getElementType());
    Attribute zero = b.getFloatAttr(eltType, 0.0);
    return complex::ConstantOp::create(b, loc, complexType,
                                       b.getArrayAttr({zero, zero}));
  }
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, 0.0));
  auto intType = cast<IntegerType>(type);
  Value zero = arith::ConstantIntOp::create(
      b, loc, b.getIntegerType(intType.getWidth()), 0);
  if (intType.isSignless())
    return zero;
  // arith has no signed/unsigned constants; the LLVM type converter maps both
  // to the same signless type, so this cast folds away.
  return UnrealizedConversionCastOp::create(b, loc, type, zero).getResult(0);
}

/// Declares (once) the runtime function that reports a failed check.
static void declareCheckFailedFunc(ModuleOp module, OpBuilder &b) {
  if (module.lookupSymbol(kSparseSliceGradCheckFailedName))
    return;
  b.setInsertionPointToStart(module.getBody());
  auto type = b.getFunctionType(
      {b.getI32Type(), b.getI64Type(), b.getI64Type()}, {});
  auto func = func::FuncOp::create(b, module.getLoc(),
                                   kSparseSliceGradCheckFailedName, type);
  func.setPrivate();
}

namespace {
struct SliceGradToLoops : public OpConversionPattern<SliceGradOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(SliceGradOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op.hasBufferSemantics())
      return rewriter.notifyMatchFailure(op, "tensor form: bufferize first");
    Location loc = op.getLoc();
    auto checkFailed =
        FlatSymbolRefAttr::get(getContext(), kSparseSliceGradCheckFailedName);
    Value grad = adaptor.getBackpropValGrad(),
          inIdx = adaptor.getInputIndices(), start = adaptor.getInputStart(),
          outIdx = adaptor.getOutputIndices(), out = adaptor.getOut();

    auto dim = [&](Value v, int64_t d) -> Value {
      return memref::DimOp::create(rewriter, loc, v, d);
    };
    auto toI64 = [&](Value v) -> Value {
      return arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                        v);
    };
    // Emits `if (a <pred> b) sparseSliceGradCheckFailed(check, a, b)`, where
    // `pred` is the failing comparison.
    auto emitCheck = [&](arith::CmpIPredicate pred, SliceGradCheck check,
                         Value a, Value b) {
      Value failed = arith::CmpIOp::create(rewriter, loc, pred, a, b);
      scf::IfOp::create(rewriter, loc, failed, [&](OpBuilder &nb, Location l) {
        Value code = arith::ConstantIntOp::create(
            nb, l, static_cast<int64_t>(check), /*width=*/32);
        func::CallOp::create(nb, l, checkFailed, TypeRange{},
                             ValueRange{code, toI64(a), toI64(b)});
        scf::YieldOp::create(nb, l);
      });
    };
    // A size check is emitted only where the static types leave it open.
    auto isDynamic = [](Value v, int64_t d) {
      return cast<MemRefType>(v.getType()).isDynamicDim(d);
    };

    Value c0 = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value c1 = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value nIn = dim(inIdx, 0), numDims = dim(inIdx, 1);
    Value nOut = dim(outIdx, 0);

    // TensorFlow's shape checks, in its order (ranks are static).
    if (isDynamic(inIdx, 1) || isDynamic(outIdx, 1)) {
      Value outDims = dim(outIdx, 1);
      emitCheck(arith::CmpIPredicate::ne, SliceGradCheck::SameNumDims,
                numDims, outDims);
    }
    if (isDynamic(outIdx, 0) || isDynamic(inIdx, 0))
      emitCheck(arith::CmpIPredicate::ugt, SliceGradCheck::OutputRowsNotGreater,
                nOut, nIn);
    if (isDynamic(grad, 0) || isDynamic(outIdx, 0)) {
      Value nGrad = dim(grad, 0);
      emitCheck(arith::CmpIPredicate::ne,
                SliceGradCheck::GradMatchesOutputRows, nGrad, nOut);
    }
    if (isDynamic(inIdx, 1) || isDynamic(start, 0)) {
      Value nStart = dim(start, 0);
      emitCheck(arith::CmpIPredicate::ne, SliceGradCheck::StartLength,
                numDims, nStart);
    }
    if (isDynamic(out, 0) || isDynamic(inIdx, 0)) {
      Value nDest = dim(out, 0);
      emitCheck(arith::CmpIPredicate::ne, SliceGradCheck::DestinationLength,
                nDest, nIn);
    }

    // val_grad[0..N_in) = 0.
    Type eltType = cast<MemRefType>(out.getType()).getElementType();
    Value zero = buildZero(rewriter, loc, eltType);
    scf::ForOp::create(rewriter, loc, c0, nIn, c1, ValueRange{},
                       [&](OpBuilder &b, Location l, Value i, ValueRange) {
                         memref::StoreOp::create(b, l, zero, out, i);
                         scf::YieldOp::create(b, l);
                       });

    // for (i = 0; i < N_in && j < N_out; ++i)
    //   if (input_indices[i] == output_indices[j] + input_start)
    //     val_grad[i] = backprop_val_grad[j++];
    Type indexType = rewriter.getIndexType();
    auto outer = scf::WhileOp::create(
        rewriter, loc, TypeRange{indexType, indexType}, ValueRange{c0, c0},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value iInRange = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::ult, args[0], nIn);
          Value jInRange = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::ult, args[1], nOut);
          Value cond = arith::AndIOp::create(b, l, iInRange, jInRange);
          scf::ConditionOp::create(b, l, cond, args);
        },
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value i = args[0], j = args[1];
          Value d = buildRowCompare(b, l, inIdx, outIdx, start, i, j, numDims);
          Value same =
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::eq, d, numDims);
          auto ifOp = scf::IfOp::create(
              b, l, same,
              [&](OpBuilder &tb, Location tl) {
                Value g = memref::LoadOp::create(tb, tl, grad, j);
                memref::StoreOp::create(tb, tl, g, out, i);
                Value next = arith::AddIOp::create(tb, tl, j, c1);
                scf::YieldOp::create(tb, tl, next);
              },
              [&](OpBuilder &eb, Location el) {
                scf::YieldOp::create(eb, el, j);
              });
          Value nextI = arith::AddIOp::create(b, l, i, c1);
          scf::YieldOp::create(b, l, ValueRange{nextI, ifOp.getResult(0)});
        });

    // TensorFlow's run-time error when not every gradient found its row.
    Value used = outer.getResult(1);
    emitCheck(arith::CmpIPredicate::ne, SliceGradCheck::AllPropagated, nOut,
              used);
    rewriter.eraseOp(op);
    return success();
  }

private:
  /// Returns the first column d < R where input row i differs from output row
  /// j shifted by input_start, or R when the rows are equal.
  static Value buildRowCompare(OpBuilder &b, Location loc, Value inIdx,
                               Value outIdx, Value start, Value i, Value j,
                               Value numDims) {
    Type indexType = b.getIndexType();
    Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
    auto loop = scf::WhileOp::create(
        b, loc, TypeRange{indexType}, ValueRange{c0},
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value d = args[0];
          Value inRange =
              arith::CmpIOp::create(nb, l, arith::CmpIPredicate::ult, d, numDims);
          auto equal = scf::IfOp::create(
              nb, l, inRange,
              [&](OpBuilder &tb, Location tl) {
                Value a = memref::LoadOp::create(tb, tl, inIdx, ValueRange{i, d});
                Value o =
                    memref::LoadOp::create(tb, tl, outIdx, ValueRange{j, d});
                Value s = memref::LoadOp::create(tb, tl, start, d);
                // TensorFlow adds int64 coordinates with wrap-around.
                Value shifted = arith::AddIOp::create(tb, tl, o, s);
                Value eq = arith::CmpIOp::create(
                    tb, tl, arith::CmpIPredicate::eq, a, shifted);
                scf::YieldOp::create(tb, tl, eq);
              },
              [&](OpBuilder &eb, Location el) {
                Value f = arith::ConstantIntOp::create(eb, el, 0, /*width=*/1);
                scf::YieldOp::create(eb, el, f);
              });
          scf::ConditionOp::create(nb, l, equal.getResult(0), args);
        },
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value c1 = arith::ConstantIndexOp::create(nb, l, 1);
          Value next = arith::AddIOp::create(nb, l, args[0], c1);
          scf::YieldOp::create(nb, l, next);
        });
    return loop.getResult(0);
  }
};

struct ConvertSparseToLoopsPass
    : public sparse::impl::ConvertSparseToLoopsPassBase<
          ConvertSparseToLoopsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Name the reason before the generic "failed to legalize" error.
    bool found = false;
    WalkResult walk = module.walk([&](SliceGradOp op) {
      found = true;
      if (op.hasBufferSemantics())
        return WalkResult::advance();
      op.emitOpError("on tensors must be bufferized first (one-shot-bufferize)");
      return WalkResult::interrupt();
    });
    if (walk.wasInterrupted())
      return signalPassFailure();
    if (!found)
      return;
    OpBuilder builder(&getContext());
    declareCheckFailedFunc(module, builder);

    ConversionTarget target(getContext());
    target.addIllegalOp<SliceGradOp>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    patterns.add<SliceGradToLoops>(&getContext());
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
