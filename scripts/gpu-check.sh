#!/usr/bin/env bash
# The GPU run, on a machine with an NVIDIA GPU, CUDA's toolkit and Python
# (numpy; JAX for its baseline), from the bundle scripts/gpu-bundle.sh
# built (no MLIR, no network needed):
#
#   bash build/gpu-bundle/gpu-check.sh OUTDIR [--quick]
#
# Writes to OUTDIR, each step with a one-line verdict in OUTDIR/verdicts.txt
# (also printed):
#   setup       unpacks libMLIR/libLLVM, adds the fallback libraries the
#               machine lacks, runs sparse-opt
#   lit         the lit GPU tests (test/Integration/GPU, test/Pipelines/GPU)
#   differential  the lit tests that compare the device's results with
#               TensorFlow's loop (device*.mlir / device*.py)
#   memcheck    compute-sanitizer's memcheck of a small case
#   bench       slice-grad-gpu-bench (built here by nvcc): our kernels,
#               TensorFlow's algorithm and a copy of the same bytes
#   jax         JAX's bcoo_slice VJP on the same arrays
# --quick: N_in = 1e7 only in the benchmark. Exit code 1 if a step failed.
# Without a GPU (the lit test test/Integration/GPU/gpu-bundle.test), the
# steps that need none run: setup, the lit tests of test/Integration/GPU
# (the device tests unsupported) and the benchmark's nvcc build.
set -uo pipefail
bundle=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: gpu-check.sh OUTDIR [--quick]}
quick=${2:-}
mkdir -p "$out"
out=$(cd "$out" && pwd)
verdicts="$out/verdicts.txt"
: >"$verdicts"
failed=0
verdict() { # step, PASS/FAIL/SKIP, text
  echo "$1: $2 - $3" | tee -a "$verdicts"
  [ "$2" = FAIL ] && failed=1
  return 0
}
start=$(date +%s)
elapsed() { echo "$(( $(date +%s) - start )) s"; }

# --- setup ------------------------------------------------------------------
# Unpacked outside the bundle, which stays small enough to send again.
libs=$(mktemp -d "${TMPDIR:-/tmp}/slice-grad-gpu.XXXXXX")
trap 'rm -rf "$libs"' EXIT
for xz in "$bundle"/lib/*.xz; do
  [ -e "$xz" ] || continue
  python3 -c "import lzma, shutil, sys
with lzma.open(sys.argv[1]) as f, open(sys.argv[2], 'wb') as o:
    shutil.copyfileobj(f, o)" "$xz" "$libs/$(basename "${xz%.xz}")"
done
added=()
for lib in "$bundle"/lib/fallback/*; do
  name=$(basename "$lib")
  if ! python3 -c "import ctypes, sys; ctypes.CDLL(sys.argv[1])" "$name" 2>/dev/null; then
    ln -sf "$lib" "$libs/$name"
    added+=("$name")
  fi
done
export PATH="$bundle/bin:$PATH"
export LD_LIBRARY_PATH="$bundle/lib:$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
have_gpu=0
if python3 -c "import ctypes
cuda = ctypes.CDLL('libcuda.so.1')
n = ctypes.c_int(0)
assert cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(n)) == 0
assert n.value > 0" 2>/dev/null; then
  have_gpu=1
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader \
    >"$out/gpu.txt" 2>&1
else
  echo "no CUDA device" >"$out/gpu.txt"
fi
no_gpu() { verdict "$1" SKIP "no CUDA device${2:+; $2}"; }
if sparse-opt --version >"$out/setup.txt" 2>&1; then
  verdict setup PASS "$(head -1 "$out/gpu.txt"); fallback libraries used: ${added[*]:-none} ($(elapsed))"
else
  verdict setup FAIL "sparse-opt does not start: $(tail -1 "$out/setup.txt")"
  exit 1
fi

# --- lit --------------------------------------------------------------------
suites=("$bundle/test/Integration/GPU" "$bundle/test/Pipelines/GPU")
# Without a GPU, check-sparse has run the rest already.
[ $have_gpu = 1 ] || suites=("$bundle/test/Integration/GPU")
timeout 240 python3 "$bundle/lit/lit.py" -v "${suites[@]}" \
  >"$out/lit.txt" 2>&1
lit_rc=$?
count() { grep -cE "^$1: " "$out/lit.txt"; }
summary="$(count PASS) passed, $(count FAIL) failed, $(count UNSUPPORTED) unsupported ($(elapsed))"
if [ $lit_rc = 0 ] && [ "$(count PASS)" -gt 0 ]; then
  verdict lit PASS "$summary"
else
  verdict lit FAIL "$summary, lit exit $lit_rc: $(grep -E '^FAIL: ' "$out/lit.txt" | tr '\n' ' ')"
fi
diff_pass=$(grep -cE '^PASS: .*GPU/device[^ ]*' "$out/lit.txt")
diff_fail=$(grep -cE '^(FAIL|UNSUPPORTED|UNRESOLVED|TIMEOUT): .*GPU/device[^ ]*' "$out/lit.txt")
if [ $have_gpu = 0 ]; then
  no_gpu differential
elif [ "$diff_pass" -gt 0 ] && [ "$diff_fail" = 0 ]; then
  verdict differential PASS "$diff_pass device tests exact against TensorFlow's kernels: $(grep -oE '^PASS: .*GPU/device[^ ]*' "$out/lit.txt" | sed 's|.*/||' | sort | tr '\n' ' ')"
else
  verdict differential FAIL "$diff_pass passed, $diff_fail not (see lit.txt)"
fi

# --- memcheck ---------------------------------------------------------------
if [ $have_gpu = 0 ]; then
  no_gpu memcheck
elif command -v compute-sanitizer >/dev/null; then
  timeout 180 compute-sanitizer --tool memcheck --error-exitcode 3 \
    sparse-opt --run "$bundle/src/test/Integration/GPU/device.mlir" -e main \
    --entry-point-result=void \
    '--pass-pipeline=builtin.module(sparse-to-nvvm{chunk-rows=2 block-size=32})' \
    >"$out/memcheck.txt" 2>&1
  rc=$?
  errors=$(grep -oE 'ERROR SUMMARY: [0-9]+ error' "$out/memcheck.txt" | tail -1)
  if [ $rc = 0 ] && [ -n "$errors" ]; then
    verdict memcheck PASS "$errors (device.mlir @main, 14 rows)"
  else
    verdict memcheck FAIL "exit $rc, ${errors:-no summary}: $(tail -2 "$out/memcheck.txt" | tr '\n' ' ')"
  fi
else
  verdict memcheck SKIP "no compute-sanitizer on PATH"
fi

# --- bench ------------------------------------------------------------------
nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
src="$bundle/src/bench"
if "$nvcc" -x cu -std=c++17 -O3 \
     -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90 \
     -I"$src" -I"$src/include" "$src/SliceGradGpuBench.cpp" \
     -L"$bundle/lib" -lSliceGradGpuBenchKernels -Xlinker -rpath="$bundle/lib" \
     -o "$out/slice-grad-gpu-bench" >"$out/nvcc.txt" 2>&1; then
  [ $have_gpu = 1 ] || no_gpu bench "built by nvcc, not run"
fi
if [ $have_gpu = 1 ] && [ -x "$out/slice-grad-gpu-bench" ]; then
  sizes=10000000,100000000
  [ "$quick" = --quick ] && sizes=10000000
  mkdir -p "$out/dump"
  timeout 300 "$out/slice-grad-gpu-bench" --sizes=$sizes \
    --dump-dir="$out/dump" >"$out/bench.md" 2>"$out/bench.err"
  rc=$?
  if [ $rc = 0 ]; then
    verdict bench PASS "ours exact on every case; $(grep -c '^| [a-z]' "$out/bench.md") rows in bench.md ($(elapsed))"
  else
    verdict bench FAIL "exit $rc: $(tail -3 "$out/bench.err" | tr '\n' ' ')"
  fi
elif [ ! -x "$out/slice-grad-gpu-bench" ]; then
  verdict bench FAIL "nvcc failed: $(tail -3 "$out/nvcc.txt" | tr '\n' ' ')"
fi

# --- jax --------------------------------------------------------------------
if [ $have_gpu = 0 ]; then
  no_gpu jax
elif python3 -c "import jax" 2>/dev/null && ls "$out"/dump/*.i64 >/dev/null 2>&1; then
  timeout 240 python3 "$src/jax_gpu_bench.py" "$out/dump" \
    --ours "$out/bench.md" >"$out/jax.md" 2>"$out/jax.err"
  rc=$?
  if [ $rc = 0 ]; then
    verdict jax PASS "bcoo_slice VJP exact on $(grep -c '^| [a-z]' "$out/jax.md") cases: $(head -1 "$out/jax.md")"
  else
    verdict jax FAIL "exit $rc: $(tail -2 "$out/jax.err" | tr '\n' ' ')"
  fi
else
  verdict jax SKIP "no jax in python3, or no arrays from the benchmark"
fi
rm -rf "$out/dump"

echo "gpu-check: done in $(elapsed)" | tee -a "$verdicts"
exit $failed
