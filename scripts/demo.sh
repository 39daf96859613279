#!/usr/bin/env bash
# Installs what is missing, builds, and JIT-runs examples/slice_grad.mlir on
# the arrays in examples/inputs/ (numpy .npy files).
set -euo pipefail
cd "$(dirname "$0")/.."
SLICE_GRAD_SKIP_TENSORFLOW=1 bash scripts/install-deps.sh
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
set -x
"$BUILD_DIR"/bin/sparse-opt --run examples/slice_grad.mlir -e slice_grad \
  --input=@examples/inputs/backprop_val_grad.npy \
  --input=@examples/inputs/input_indices.npy \
  --input=@examples/inputs/input_start.npy \
  --input=@examples/inputs/output_indices.npy
