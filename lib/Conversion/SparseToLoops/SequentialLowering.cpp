//===- SequentialLowering.cpp - TensorFlow's loop for slice_grad ----------===//
//
// The reference lowering: TensorFlow's CPU kernel step by step. Every faster
// lowering is tested against it.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

void lowering::buildSequentialLowering(OpBuilder &b, Location loc,
                                     const SliceGradOperands &ops) {
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);

  // val_grad[0..N_in) = 0.
  Value zero = buildZero(b, loc, ops.eltType);
  scf::ForOp::create(b, loc, c0, ops.nIn, c1, ValueRange{},
                     [&](OpBuilder &nb, Location l, Value i, ValueRange) {
                       memref::StoreOp::create(nb, l, zero, ops.out, i);
                       scf::YieldOp::create(nb, l);
                     });

  // for (i = 0; i < N_in && j < N_out; ++i)
  //   if (input_indices[i] == output_indices[j] + input_start)
  //     val_grad[i] = backprop_val_grad[j++];
  Type indexType = b.getIndexType();
  auto outer = scf::WhileOp::create(
      b, loc, TypeRange{indexType, indexType}, ValueRange{c0, c0},
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value iInRange = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::ult, args[0], ops.nIn);
        Value jInRange = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::ult, args[1], ops.nOut);
        Value cond = arith::AndIOp::create(nb, l, iInRange, jInRange);
        scf::ConditionOp::create(nb, l, cond, args);
      },
      [&](OpBuilder &nb, Location l, ValueRange args) {
        Value i = args[0], j = args[1];
        Value d = buildFirstDifferingColumn(nb, l, ops, i, j);
        Value same = arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, d,
                                           ops.numDims);
        auto ifOp = scf::IfOp::create(
            nb, l, same,
            [&](OpBuilder &tb, Location tl) {
              Value g = memref::LoadOp::create(tb, tl, ops.grad, j);
              memref::StoreOp::create(tb, tl, g, ops.out, i);
              Value next = arith::AddIOp::create(tb, tl, j, c1);
              scf::YieldOp::create(tb, tl, next);
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, j);
            });
        Value nextI = arith::AddIOp::create(nb, l, i, c1);
        scf::YieldOp::create(nb, l, ValueRange{nextI, ifOp.getResult(0)});
      });

  // TensorFlow's run-time error when not every gradient found its row.
  emitCheck(b, loc, arith::CmpIPredicate::ne, SliceGradCheck::AllPropagated,
            ops.nOut, outer.getResult(1));
}
