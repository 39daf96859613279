#!/usr/bin/env bash
# Installs what the project needs on Debian 12, skipping what is there:
# LLVM/MLIR 22 and the build tools from Debian (clang-22 for the scripts,
# g++ for a plain `cmake -S . -B build`), and a Python virtual
# environment (.venv) with numpy, tensorflow-cpu and jax for the tests; MPICH
# (mpirun.mpich, libmpich) for the sharded programs (sparse-shard-to-llvm).
# Set SLICE_GRAD_SKIP_TENSORFLOW=1 or SLICE_GRAD_SKIP_JAX=1 to leave
# TensorFlow or jax out (their tests are then reported UNSUPPORTED).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages=(libmlir-22-dev mlir-22-tools llvm-22-dev llvm-22-tools libomp-22-dev
          clang-22 lld-22 clang-format-22 g++ ninja-build cmake python3 python3-venv
          mpich libmpich-dev)
# The sanitizer runtimes, for SLICE_GRAD_SANITIZE=1 builds only.
if [ "${SLICE_GRAD_SANITIZE:-0}" = 1 ]; then packages+=(libclang-rt-22-dev); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages already installed"
fi

want="numpy"
if [ "${SLICE_GRAD_SKIP_TENSORFLOW:-0}" != 1 ]; then want="$want tensorflow-cpu"; fi
# jax: the XLA FFI headers the JAX module builds with, and its tests.
if [ "${SLICE_GRAD_SKIP_JAX:-0}" != 1 ]; then want="$want jax"; fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
for p in $want; do
  mod=$p; [ "$p" = tensorflow-cpu ] && mod=tensorflow
  if ! .venv/bin/python -c "import $mod" >/dev/null 2>&1; then
    echo "install-deps: pip install $p"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check "$p"
  fi
done
echo "install-deps: done"
