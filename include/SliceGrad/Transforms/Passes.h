//===- Passes.h - The pipelines' helper passes ------------------*- C++ -*-===//
//
// The passes of Passes.td: each works around a gap of MLIR 22 in a
// pipeline (docs/Upstream.md).
//
//===----------------------------------------------------------------------===//

#ifndef SLICEGRAD_TRANSFORMS_PASSES_H
#define SLICEGRAD_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
namespace sparse {

#define GEN_PASS_DECL
#include "SliceGrad/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "SliceGrad/Transforms/Passes.h.inc"

} // namespace sparse
} // namespace mlir

#endif // SLICEGRAD_TRANSFORMS_PASSES_H
