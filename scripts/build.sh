#!/usr/bin/env bash
# Configures and builds the project (clang-22 + lld, Ninja, libMLIR.so).
# BUILD_DIR (default: build) selects the build folder; SLICE_GRAD_SANITIZE=1
# builds with AddressSanitizer and UndefinedBehaviorSanitizer. Arguments
# name targets to build instead of everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
SANITIZE=OFF
if [ "${SLICE_GRAD_SANITIZE:-0}" = 1 ]; then SANITIZE=ON; fi
PY=python3
if [ -x .venv/bin/python ]; then PY="$PWD/.venv/bin/python"; fi

cmake -S . -B "$BUILD_DIR" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
  -DCMAKE_C_COMPILER=clang-22 -DCMAKE_CXX_COMPILER=clang++-22 \
  -DLLVM_USE_LINKER=lld \
  -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
  -DSLICE_GRAD_TEST_PYTHON="$PY" \
  -DSLICE_GRAD_ENABLE_SANITIZERS="$SANITIZE" >/dev/null
if [ "$#" -gt 0 ]; then
  cmake --build "$BUILD_DIR" -j2 --target "$@"
else
  # Everything `cmake --build` builds, plus the docs generated from ODS.
  cmake --build "$BUILD_DIR" -j2
  cmake --build "$BUILD_DIR" -j2 --target mlir-doc
fi
