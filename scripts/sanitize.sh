#!/usr/bin/env bash
# The ASan+UBSan build (build-san) and, on it, the fuzzing tests and the
# tests of bad input and error paths: the compiler (parser, verifier, folds,
# passes) and the runtime are instrumented; JIT-compiled code is not, but
# its malloc/free go through ASan. Any sanitizer report fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export SLICE_GRAD_SANITIZE=1
bash scripts/install-deps.sh
BUILD_DIR=build-san bash scripts/build.sh sparse-opt sparse-capi-test host-array-test entry-call-test \
  split-plan-test
/usr/lib/llvm-22/bin/lit -sv -j2 \
  build-san/test/Fuzz \
  build-san/test/Runner \
  build-san/test/Runtime \
  build-san/test/Dialect \
  build-san/test/Conversion \
  build-san/test/sparse-opt \
  build-san/test/Transforms \
  build-san/test/Pipelines/nested-module.mlir \
  build-san/test/Pipelines/sparse-lower-to-llvm.mlir \
  build-san/test/Pipelines/sparse-shard-to-llvm.mlir \
  build-san/test/Pipelines/GPU/options.mlir \
  build-san/test/Integration/CPU/runtime-errors.mlir \
  build-san/test/Integration/CPU/tf-import-ranks.py \
  build-san/test/Integration/CPU/tf-import.mlir
