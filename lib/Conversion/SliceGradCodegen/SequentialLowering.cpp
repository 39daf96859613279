//===- SequentialLowering.cpp - TensorFlow's loop for slice_grad ----------===//
//
// TensorFlow's CPU kernel on one thread: the greedy loop over every row
// (GreedyLoop.cpp): the rows are zeroed, then the matches stored.
//
//===----------------------------------------------------------------------===//

#include "SliceGradBuilder.h"
#include "Strategies.h"

using namespace mlir;
using namespace mlir::sparse;
using namespace mlir::sparse::lowering;

Value lowering::buildSequentialLoop(OpBuilder &b, Location loc,
                                    const SliceGradOperands &ops,
                                    unsigned vectorWidth, Value from) {
  Value c0 = constantIndex(b, loc, 0);
  SliceGradBuilder builder(b, loc, ops, vectorWidth);
  return builder.buildGreedyLoop(b, c0, ops.nIn, from ? from : c0);
}
