# -*- Python -*-
import os
import subprocess
import shutil

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "SPARSE"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".py", ".c", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.slice_grad_obj_root, "test")
config.excludes = ["CMakeLists.txt", "README.md", "lit.cfg.py",
                   "lit.site.cfg.py", "lib", "consumer", "golden", "Inputs"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%slice_grad_src", config.slice_grad_src_root))
config.substitutions.append(("%slice_grad_lib", config.slice_grad_lib_dir))
config.substitutions.append(("%slice_grad_obj", config.slice_grad_obj_root))
config.substitutions.append(("%slice_grad_cxx", config.slice_grad_cxx_compiler))
config.substitutions.append(("%mlir_lib_dir", config.llvm_lib_dir))
config.substitutions.append(("%mlir_include_dir", config.mlir_include_dir))
# TensorFlow's own test vectors, kept in the repository (test/golden).
config.substitutions.append(("%golden", os.path.join(
    config.test_source_root, "golden")))
config.substitutions.append(("%testlib", os.path.join(
    config.test_source_root, "lib")))

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.slice_grad_tools_dir,
                             append_path=True)
llvm_config.with_system_environment(["HOME", "TMPDIR", "TF_CPP_MIN_LOG_LEVEL"])
config.environment["FILECHECK_OPTS"] = (
    "-enable-var-scope --allow-unused-prefixes=false")
if config.slice_grad_sanitizers in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("sanitizers")
    # JIT-compiled code is not instrumented, but its malloc/free go through
    # ASan's interceptors: LeakSanitizer also sees what a lowered program
    # leaks. A failed allocation returns null, as without ASan, so the
    # programs' own checks (sparse-check-allocations) report it.
    config.environment["ASAN_OPTIONS"] = (
        "detect_leaks=1:allocator_may_return_null=1")

# scripts/gpu-bundle.sh's copy of the tests carries sparse-opt alone.
in_bundle = getattr(config, "slice_grad_bundle", False)
optional = "ignore" if in_bundle else "fatal"
tools = [ToolSubst("sparse-opt", unresolved="fatal"),
         ToolSubst("sparse-capi-test", unresolved=optional),
         ToolSubst("host-array-test", unresolved=optional),
         ToolSubst("entry-call-test", unresolved=optional),
         ToolSubst("split-plan-test", unresolved=optional),
         ToolSubst("slice-grad-gpu-bench-cpu", unresolved="ignore"),
         ToolSubst("%test_python", config.slice_grad_test_python,
                   unresolved="fatal")]
llvm_config.add_tool_substitutions(tools, [config.slice_grad_tools_dir,
                                           config.llvm_tools_dir])


def python_has(module):
    try:
        subprocess.run([config.slice_grad_test_python, "-c",
                        "import " + module], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=120)
        return True
    except Exception:
        return False


# MPICH's launcher runs the sharded (MPI) programs.
if shutil.which("mpirun.mpich"):
    config.available_features.add("mpich")

if python_has("numpy"):
    config.available_features.add("numpy")
if python_has("tensorflow"):
    config.available_features.add("tensorflow")
# The JAX module (lib/JAX), built where jax was found at configure time.
jax_package = os.path.join(config.slice_grad_obj_root, "python")
if python_has("jax") and os.path.exists(
        os.path.join(jax_package, "sparse_slice_grad_jax",
                     "libSliceGradJaxFfi.so")):
    config.available_features.add("jax")
    config.substitutions.append(("%jax_package", jax_package))


# GPU: ptxas assembles the PTX tests; the CUDA runtime wrappers are built
# where cuda.h was found; a CUDA device runs the GPU integration tests.

ptxas = shutil.which("ptxas") or (
    "/usr/local/cuda/bin/ptxas"
    if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
# The GPU benchmark's CPU build (check-sparse builds it; the sanitized
# build does not).
if os.path.exists(os.path.join(config.slice_grad_tools_dir,
                               "slice-grad-gpu-bench-cpu")):
    config.available_features.add("gpu-bench-cpu")
# nvcc builds the GPU benchmark (scripts/gpu-check.sh).
if shutil.which("nvcc") or os.path.exists("/usr/local/cuda/bin/nvcc"):
    config.available_features.add("nvcc")
if os.path.exists(os.path.join(config.slice_grad_lib_dir,
                               "libSliceGradCudaRuntime.so")):
    config.available_features.add("cuda-runtime")


def has_cuda_device():
    try:
        import ctypes
        cuda = ctypes.CDLL("libcuda.so.1")
        count = ctypes.c_int(0)
        return cuda.cuInit(0) == 0 and \
            cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0
    except OSError:
        return False


if has_cuda_device():
    config.available_features.add("cuda-device")
