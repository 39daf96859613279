#!/usr/bin/env bash
# Builds the GPU bundle: everything scripts/gpu-check.sh needs on a GPU
# machine that has CUDA's toolkit and Python (numpy, JAX) but no MLIR, no
# TensorFlow and no network, in one folder under 64 MiB:
#   bin/      sparse-opt, FileCheck, not, count, split-file
#   lib/      libMLIR and libLLVM (xz), our runtime libraries, the mgpu*
#             wrappers, the runner-utils libraries, libomp, the benchmark's
#             kernels (bench/gpu_kernels_*.mlir through sparse-to-nvvm)
#   lib/fallback/  the libraries libLLVM needs beyond glibc, used there
#             only where the machine lacks them; libz3 and libxml2 as stubs
#             (LLVM calls them only from its SMT solver and manifest tools)
#   lit/      LLVM's lit;  src/  the GPU tests and what they import, the
#             benchmark's sources;  test/  lit's site configuration
#   gpu-check.sh
#
#   bash scripts/gpu-bundle.sh           # into $BUNDLE_DIR ($BUILD_DIR/gpu-bundle)
#   bash scripts/gpu-bundle.sh --check   # everything but the compression
#   bash scripts/gpu-bundle.sh --check --no-build   # and without ninja (the
#                           # lit test test/Integration/GPU/gpu-bundle.test)
# It prints the file list (also in MANIFEST.txt) and the size. Run on the
# GPU machine:
#   bash build/gpu-bundle/gpu-check.sh OUTDIR
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
BUILD_DIR=${BUILD_DIR:-build}
LLVM_DIR=${LLVM_DIR:-/usr/lib/llvm-22}
bundle=${BUNDLE_DIR:-$BUILD_DIR/gpu-bundle}
check_only=0 build=1
for arg in "$@"; do
  case $arg in
    --check) check_only=1 ;;
    --no-build) build=0 ;;
    *) echo "usage: gpu-bundle.sh [--check [--no-build]]" >&2; exit 2 ;;
  esac
done
# The transfer limit is 64 MiB with the repository; keep room to spare.
limit_mib=56

say() { echo "gpu-bundle: $*"; }
die() { echo "gpu-bundle: error: $*" >&2; exit 1; }

[ -f "$BUILD_DIR/build.ninja" ] || die "no build in $BUILD_DIR (run scripts/build.sh)"
[ -f "$BUILD_DIR/lib/libSliceGradCudaRuntime.so" ] ||
  die "$BUILD_DIR has no libSliceGradCudaRuntime.so: CUDA's cuda.h was not found at configure time"
if [ $build = 1 ]; then
  ninja -C "$BUILD_DIR" sparse-opt SliceGradRuntime SliceGradCudaRuntime \
    SliceGradNoCudaRuntime SliceGradGpuBenchKernels >/dev/null
fi

rm -rf "$bundle"
mkdir -p "$bundle"/{bin,lib/fallback,lit,src/test,src/bench/include/mlir/ExecutionEngine} \
  "$bundle"/test/{Integration,Pipelines}/GPU

# Tools.
cp "$BUILD_DIR/bin/sparse-opt" "$bundle/bin/"
for tool in FileCheck not count split-file; do
  cp "$LLVM_DIR/bin/$tool" "$bundle/bin/"
done

# Our libraries, and the JIT's default libraries under the names sparse-opt
# looks for beside its own (tools/sparse-opt/JitRunMode.cpp).
for lib in SliceGradRuntime SliceGradCudaRuntime SliceGradNoCudaRuntime \
           SliceGradGpuBenchKernels; do
  cp "$BUILD_DIR/lib/lib$lib.so" "$bundle/lib/"
done
defaults=$(grep -o 'SLICE_GRAD_DEFAULT_SHARED_LIBS=\\"[^\\]*' \
             "$BUILD_DIR/build.ninja" | head -1 | sed 's/.*\\"//')
[ -n "$defaults" ] || die "cannot read sparse-opt's default libraries from $BUILD_DIR/build.ninja"
IFS=, read -r -a default_libs <<<"$defaults"
for lib in "${default_libs[@]}"; do
  cp -L "$lib" "$bundle/lib/$(basename "$lib")"
done

# libMLIR and libLLVM: xz, unpacked by gpu-check.sh.
big_libs=(libMLIR.so.22.1 libLLVM.so.22.1)
for lib in "${big_libs[@]}"; do
  if [ $check_only = 1 ]; then
    [ -f "$LLVM_DIR/lib/$lib" ] || die "$LLVM_DIR/lib/$lib is missing"
    echo "$LLVM_DIR/lib/$lib" >"$bundle/lib/$lib.xz.not-built"
  else
    say "compressing $lib (about a minute)"
    xz -T2 -6 -c "$LLVM_DIR/lib/$lib" >"$bundle/lib/$lib.xz"
  fi
done

# What libLLVM and libMLIR need beyond glibc and libstdc++.
for lib in libffi.so.8 libedit.so.2 libbsd.so.0 libmd.so.0 libtinfo.so.6 \
           libz.so.1 libzstd.so.1; do
  path=$(ldd "$LLVM_DIR/lib/libLLVM.so.22.1" | awk -v l="$lib" '$1 == l {print $3}')
  [ -n "$path" ] || die "libLLVM does not resolve $lib here"
  cp -L "$path" "$bundle/lib/fallback/$lib"
done
# Stubs: every symbol the two libraries import from libz3/libxml2, which
# aborts if called, with the symbol versions the imports name.
make_stub() {
  local soname=$1 pattern=$2 real=$3 dir
  dir=$(mktemp -d)
  nm -D --undefined-only "$LLVM_DIR/lib/libLLVM.so.22.1" \
      "$LLVM_DIR/lib/libMLIR.so.22.1" | awk '$1 == "U" {print $2}' |
    grep -E "^($pattern)" | sort -u >"$dir/imports"
  {
    echo '#include <stdio.h>'
    echo '#include <stdlib.h>'
    echo "static void stub(void) { fputs(\"$soname is a stub (gpu-bundle.sh)\\n\", stderr); abort(); }"
    while IFS=@ read -r name _; do
      if nm -D --defined-only "$real" | awk '{print $2, $3}' |
           grep -qE "^[DB] $name(@|\$)"; then
        echo "void *$name = (void *)stub;"
      else
        echo "void $name(void) { stub(); }"
      fi
    done <"$dir/imports"
  } >"$dir/stub.c"
  # One version node per version the imports name, in the order they appear.
  local script="$dir/versions" prev=""
  : >"$script"
  for version in $(awk -F@ 'NF > 1 {print $2}' "$dir/imports" | sort -uV); do
    echo "$version { global:" >>"$script"
    awk -F@ -v v="$version" '$2 == v {print "  " $1 ";"}' "$dir/imports" >>"$script"
    echo "} $prev;" >>"$script"
    prev=$version
  done
  local flags=()
  [ -s "$script" ] && flags=("-Wl,--version-script=$script")
  cc -shared -fPIC -O1 -o "$bundle/lib/fallback/$soname" "$dir/stub.c" \
    -Wl,-soname,"$soname" "${flags[@]}"
  rm -rf "$dir"
}
make_stub libz3.so.4 'Z3_' "$(ldd "$LLVM_DIR/lib/libLLVM.so.22.1" | awk '$1 == "libz3.so.4" {print $3}')"
make_stub libxml2.so.2 'xml' "$(ldd "$LLVM_DIR/lib/libLLVM.so.22.1" | awk '$1 == "libxml2.so.2" {print $3}')"

# lit, the GPU tests and what they import.
cp -r "$LLVM_DIR/utils/lit/lit" "$bundle/lit/"
find "$bundle/lit" -name __pycache__ -prune -exec rm -rf {} +
cat >"$bundle/lit/lit.py" <<'EOF'
import os
import sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lit.main import main  # noqa: E402
main()
EOF
for path in test/lit.cfg.py test/lib test/golden test/Integration/GPU \
            test/Pipelines/GPU test/Integration/CPU/golden.py \
            test/Differential/random_cases.py test/Differential/input_classes.py \
            test/Differential/slice_random.py \
            examples/slice_grad.mlir include/SliceGrad/Runtime/SliceGradMessages.def; do
  mkdir -p "$bundle/src/$(dirname "$path")"
  cp -r "$path" "$bundle/src/$path"
done
# The tests of the CPU build of the benchmark and of the bundle itself
# stay here (bench/ below is built there by nvcc).
rm "$bundle/src/test/Integration/GPU/"{gpu-bench-cpu,gpu-bundle}.test
find "$bundle/src" -name __pycache__ -prune -exec rm -rf {} +
# The site configuration: test/lit.site.cfg.py.in's fields, relative to the
# bundle, with python3 (or $SLICE_GRAD_TEST_PYTHON) and no compiler.
cat >"$bundle/test/lit.site.cfg.py" <<'EOF'
# scripts/gpu-bundle.sh: test/lit.site.cfg.py.in for the bundle.
import os
bundle = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
config.llvm_tools_dir = os.path.join(bundle, "bin")
config.llvm_lib_dir = os.path.join(bundle, "lib")
config.mlir_obj_dir = bundle
config.slice_grad_tools_dir = os.path.join(bundle, "bin")
config.slice_grad_lib_dir = os.path.join(bundle, "lib")
config.slice_grad_src_root = os.path.join(bundle, "src")
config.slice_grad_obj_root = bundle
config.slice_grad_test_python = os.environ.get("SLICE_GRAD_TEST_PYTHON",
                                               "python3")
config.slice_grad_sanitizers = "OFF"
config.python_executable = "python3"
config.slice_grad_cxx_compiler = ""
config.mlir_include_dir = ""
config.lit_tools_dir = ""
# Tools the bundle leaves out (the C API test, the CPU benchmark) are not
# required: the GPU tests do not use them.
config.slice_grad_bundle = True

import lit.llvm
lit.llvm.initialize(lit_config, config)
lit_config.load_config(config, os.path.join(bundle, "src", "test", "lit.cfg.py"))
EOF

# The benchmark's sources, built by nvcc on the GPU machine.
cp bench/SliceGradGpuBench.cpp bench/SliceGradCases.h bench/TfGpuSliceGrad.h \
   bench/jax_gpu_bench.py bench/benchlib.py "$bundle/src/bench/"
cp "$LLVM_DIR/include/mlir/ExecutionEngine/CRunnerUtils.h" \
   "$bundle/src/bench/include/mlir/ExecutionEngine/"
cp scripts/gpu-check.sh "$bundle/"

# The list and the size.
list=$(cd "$bundle" && find . -type f -printf '%s %p\n' | sort -k2)
echo "$list" >"$bundle/MANIFEST.txt"
total=$(echo "$list" | awk '{s += $1} END {print s}')
files=$(echo "$list" | wc -l)
# The repository travels with the bundle (the device tool copies the work
# tree).
tree=$(git -C "$root" ls-files -z 2>/dev/null | xargs -0 -r du -cb | tail -1 | cut -f1) || true
echo "$list" | awk '{printf "  %10d  %s\n", $1, $2}'
mib() { awk -v b="$1" 'BEGIN {printf "%.1f", b / 1048576}'; }
if [ $check_only = 1 ]; then
  say "checked: $files files, $(mib "$total") MiB without libMLIR and libLLVM (not compressed: --check)"
  # The two libraries take about 45 MiB compressed (xz -6): the rest must
  # leave that room.
  [ "$total" -lt $(( (limit_mib - 45) * 1048576 )) ] ||
    die "the bundle without libMLIR and libLLVM is $(mib "$total") MiB: over $((limit_mib - 45)) MiB"
else
  say "$bundle: $files files, $(mib "$total") MiB (the repository adds $(mib "${tree:-0}") MiB)"
  [ $((total + ${tree:-0})) -lt $((limit_mib * 1048576)) ] ||
    die "bundle and repository are $(mib $((total + ${tree:-0}))) MiB: over $limit_mib MiB"
fi
