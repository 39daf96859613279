#!/usr/bin/env bash
# Installs what is missing, builds, and JIT-runs examples/slice_grad.mlir.
set -euo pipefail
cd "$(dirname "$0")/.."
SLICE_GRAD_SKIP_TENSORFLOW=1 bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
echo "--- sparse-opt --run examples/slice_grad.mlir -e main --entry-point-result=void"
"$BUILD_DIR"/bin/sparse-opt --run examples/slice_grad.mlir -e main --entry-point-result=void
