//===- ParallelLowering.cpp - Chunked, verified slice_grad ----------------===//
//
// The parallel strategy: chunks of input rows under scf.parallel. The box
// pass (BoxPass.cpp) runs first and proves its result in the common case;
// otherwise the greedy pass (GreedyPass.cpp) runs, followed by a sequential
// fix-up that reruns every chunk whose guessed start was wrong. No order is
// assumed: a bad guess costs time, never a wrong value.
//
//===----------------------------------------------------------------------===//

#include "ParallelBuilder.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

/// At most this many chunks: the chain needs two words per chunk, kept on the
/// stack (16 KiB), and 1024 chunks balance any thread count we run on.
static constexpr int64_t kMaxChunks = 1024;

void lowering::buildParallelLowering(OpBuilder &b, Location loc,
                                     const SliceGradOperands &ops,
                                     int64_t chunkRows, unsigned vectorWidth,
                                     bool boxPass) {
  ParallelBuilder builder(b, loc, ops, vectorWidth);
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  // chunkLen = max(chunk-rows, ceil(N_in / kMaxChunks)); the last chunk is
  // the only short one and none is empty.
  Value cChunk = arith::ConstantIndexOp::create(b, loc, chunkRows);
  Value cMax = arith::ConstantIndexOp::create(b, loc, kMaxChunks);
  Value minLen = arith::CeilDivUIOp::create(b, loc, ops.nIn, cMax);
  Value chunkLen = arith::MaxUIOp::create(b, loc, cChunk, minLen);
  Value nChunks = arith::CeilDivUIOp::create(b, loc, ops.nIn, chunkLen);
  auto chunkBounds = [&](OpBuilder &nb, Value k) -> std::pair<Value, Value> {
    Value lo = arith::MulIOp::create(nb, loc, k, chunkLen);
    Value end = arith::AddIOp::create(nb, loc, lo, chunkLen);
    Value hi = arith::MinUIOp::create(nb, loc, end, ops.nIn);
    return {lo, hi};
  };

  // The chain lives in an alloca scope, so that an op inside a loop does
  // not grow the stack. The scope returns the final j as i64: LLVM 22's
  // finalize-memref-to-llvm leaves index-typed scope results unconverted.
  Type indexType = b.getIndexType();
  auto scope =
      memref::AllocaScopeOp::create(b, loc, TypeRange{b.getI64Type()});
  {
    OpBuilder::InsertionGuard guard(b);
    b.createBlock(&scope.getBodyRegion());
    // Two words per chunk: the j it started from and the j it ended with
    // (the box pass: whether its guess was proved).
    auto chunkArrayType = MemRefType::get({kMaxChunks}, indexType);
    Value guesses = memref::AllocaOp::create(b, loc, chunkArrayType);
    Value ends = memref::AllocaOp::create(b, loc, chunkArrayType);

    // The greedy pass: right on every input; returns the final j.
    auto buildGreedy = [&](OpBuilder &gb) -> Value {
      scf::ParallelOp::create(
          gb, loc, ValueRange{c0}, ValueRange{nChunks}, ValueRange{c1},
          [&](OpBuilder &nb, Location l, ValueRange ivs) {
            Value k = ivs[0];
            auto [lo, hi] = chunkBounds(nb, k);
            Value j0 = builder.buildGuess(nb, k, chunkLen, nChunks);
            memref::StoreOp::create(nb, l, j0, guesses, k);
            Value jEnd = builder.buildChunk(nb, lo, hi, j0);
            memref::StoreOp::create(nb, l, jEnd, ends, k);
          });

      // Walk the chain from j = 0; rerun every chunk whose guess was not its
      // predecessor's end, from that end (chunk 0's guess, 0, always holds).
      auto chain = scf::ForOp::create(
          gb, loc, c0, nChunks, c1, ValueRange{c0},
          [&](OpBuilder &nb, Location l, Value k, ValueRange iterArgs) {
            Value j = iterArgs[0];
            Value guess = memref::LoadOp::create(nb, l, guesses, k);
            Value chained = arith::CmpIOp::create(
                nb, l, arith::CmpIPredicate::eq, guess, j);
            auto next = scf::IfOp::create(
                nb, l, chained,
                [&](OpBuilder &tb, Location tl) {
                  Value e = memref::LoadOp::create(tb, tl, ends, k);
                  scf::YieldOp::create(tb, tl, e);
                },
                [&](OpBuilder &eb, Location el) {
                  auto [lo, hi] = chunkBounds(eb, k);
                  scf::YieldOp::create(eb, el,
                                       builder.buildChunk(eb, lo, hi, j));
                });
            scf::YieldOp::create(nb, l, next.getResults());
          });
      return arith::IndexCastUIOp::create(gb, loc, gb.getI64Type(),
                                          chain.getResult(0));
    };

    Value used;
    if (boxPass && builder.canUseBoxPass()) {
      // The box pass first (it needs an output row to number from); the
      // greedy pass only where it could not prove its result.
      Value hasOut =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, ops.nOut, c0);
      auto tryBox = scf::IfOp::create(
          b, loc, hasOut,
          [&](OpBuilder &tb, Location tl) {
            scf::ParallelOp::create(
                tb, tl, ValueRange{c0}, ValueRange{nChunks}, ValueRange{c1},
                [&](OpBuilder &nb, Location l, ValueRange ivs) {
                  Value k = ivs[0];
                  auto [lo, hi] = chunkBounds(nb, k);
                  Value kNext = arith::AddIOp::create(nb, l, k, c1);
                  Value proved = builder.buildBoxChunk(
                      nb, lo, hi, builder.buildGuess(nb, k, chunkLen, nChunks), builder.buildGuess(nb, kNext, chunkLen, nChunks));
                  Value word = arith::IndexCastUIOp::create(
                      nb, l, nb.getIndexType(), proved);
                  memref::StoreOp::create(nb, l, word, ends, k);
                });
            scf::YieldOp::create(tb, tl,
                                 buildAllProved(tb, tl, ends, nChunks));
          },
          [&](OpBuilder &eb, Location el) {
            Value no = arith::ConstantIntOp::create(eb, el, 0, /*width=*/1);
            scf::YieldOp::create(eb, el, no);
          });
      auto result = scf::IfOp::create(
          b, loc, tryBox.getResult(0),
          [&](OpBuilder &tb, Location tl) {
            Value all = arith::IndexCastUIOp::create(tb, tl, tb.getI64Type(),
                                                     ops.nOut);
            scf::YieldOp::create(tb, tl, all);
          },
          [&](OpBuilder &eb, Location el) {
            scf::YieldOp::create(eb, el, buildGreedy(eb));
          });
      used = result.getResult(0);
    } else {
      used = buildGreedy(b);
    }
    memref::AllocaScopeReturnOp::create(b, loc, used);
  }
  Value used = arith::IndexCastUIOp::create(b, loc, indexType,
                                            scope.getResult(0));

  // TensorFlow's run-time error when not every gradient found its row.
  emitCheck(b, loc, arith::CmpIPredicate::ne, SliceGradCheck::AllPropagated,
            ops.nOut, used);
}
