"""Shared helpers of the Python tests: TensorFlow's loop as the reference,
MLIR emission of test cases, and running them through `sparse-opt --run`.

A case is a dict of numpy arrays: `g` (backprop_val_grad), `ii`
(input_indices), `s` (input_start), `oi` (output_indices), plus `name`.
Values are compared as bit patterns, so every value type, -0.0 included,
is checked exactly.
"""

import os
import re
import subprocess

import numpy as np

INT64_MIN = -(1 << 63)

# name -> (MLIR element type, numpy dtype of the stored value, bit width)
DTYPES = {
    "f16": ("f16", np.float16, 16),
    "bf16": ("bf16", np.uint16, 16),  # bf16 values are carried as raw bits
    "f32": ("f32", np.float32, 32),
    "f64": ("f64", np.float64, 64),
    "complex64": ("complex<f32>", np.complex64, 64),
    "complex128": ("complex<f64>", np.complex128, 128),
    "i8": ("i8", np.int8, 8),
    "i16": ("i16", np.int16, 16),
    "i32": ("i32", np.int32, 32),
    "i64": ("i64", np.int64, 64),
    "ui8": ("ui8", np.uint8, 8),
    "ui16": ("ui16", np.uint16, 16),
    "ui32": ("ui32", np.uint32, 32),
    "ui64": ("ui64", np.uint64, 64),
}
# The short names of the golden file.
ALIASES = {"complex<f32>": "complex64", "complex<f64>": "complex128"}

def _tf_messages():
    """TensorFlow's messages by check name, from the table the verifier and
    the runtime use (SliceGradMessages.def); {0}, {1} as in str.format."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                        "include", "SliceGrad", "Runtime",
                        "SliceGradMessages.def")
    with open(path) as f:
        return dict(re.findall(r'^SLICE_GRAD_MESSAGE\((\w+), "(.*)"\)$',
                               f.read(), re.M))


_TF = _tf_messages()
MESSAGES = {
    "matrices": _TF["IndicesMatrices"],
    "vector": _TF["GradVector"],
    "ndims": _TF["SameNumDims"],
    "rows": _TF["OutputRowsNotGreater"],
    "nnz": _TF["GradMatchesOutputRows"],
    "start_vector": _TF["StartVector"],
    "start_len": _TF["StartLength"],
    "propagated": _TF["AllPropagated"],
}


def shape_str(a):
    return "[" + ",".join(str(d) for d in a.shape) + "]"


def wrap64(x):
    return ((x - INT64_MIN) % (1 << 64)) + INT64_MIN


def reference(case):
    """TensorFlow's CPU kernel (sparse_slice_grad_op.cc), checks included.

    Returns (values, None) or (None, error message)."""
    g, ii, s, oi = case["g"], case["ii"], case["s"], case["oi"]
    if ii.ndim != 2 or oi.ndim != 2:
        return None, MESSAGES["matrices"].format(shape_str(ii), shape_str(oi))
    if g.ndim != 1:
        return None, MESSAGES["vector"].format(shape_str(g))
    if ii.shape[1] != oi.shape[1]:
        return None, MESSAGES["ndims"].format(ii.shape[1], oi.shape[1])
    if oi.shape[0] > ii.shape[0]:
        return None, MESSAGES["rows"].format(oi.shape[0], ii.shape[0])
    if g.shape[0] != oi.shape[0]:
        return None, MESSAGES["nnz"].format(g.shape[0], oi.shape[0])
    if s.ndim != 1:
        return None, MESSAGES["start_vector"].format(shape_str(s))
    if ii.shape[1] != s.shape[0]:
        return None, MESSAGES["start_len"].format(ii.shape[1], s.shape[0])
    n_in, n_out, rank = ii.shape[0], oi.shape[0], ii.shape[1]
    out = np.zeros(n_in, dtype=g.dtype)
    iil, oil, sl = ii.tolist(), oi.tolist(), s.tolist()
    j = 0
    for i in range(n_in):
        if j >= n_out:
            break
        if all(iil[i][d] == wrap64(oil[j][d] + sl[d]) for d in range(rank)):
            out[i] = g[j]
            j += 1
    if j != n_out:
        return None, MESSAGES["propagated"].format(n_out, j)
    return out, None


def convert(values, dtype):
    """`values` (any numbers) as a numpy array of `dtype`; bf16 becomes its
    bit patterns (float32 truncated, exact for the values tests use)."""
    if dtype == "bf16" and np.asarray(values).dtype != np.uint16:
        f = np.asarray(values, dtype=np.float32)
        return (f.view(np.uint32) >> 16).astype(np.uint16)
    return np.asarray(values, dtype=DTYPES[dtype][1])


def bits(values, dtype):
    """The bit patterns of `values` as Python ints (complex: re, im)."""
    _, npdt, width = DTYPES[dtype]
    a = np.ascontiguousarray(np.asarray(values, dtype=npdt))
    if dtype.startswith("complex"):
        a = a.view(np.float32 if dtype == "complex64" else np.float64)
        width //= 2
    return [int(x) for x in a.view("u%d" % (width // 8))]


def random_values(rng, dtype, n):
    """Random values of `dtype`, with signed zeros and extremes mixed in."""
    _, npdt, width = DTYPES[dtype]
    if dtype.startswith("complex"):
        part = np.float32 if dtype == "complex64" else np.float64
        re = rng.standard_normal(n).astype(part)
        im = rng.standard_normal(n).astype(part)
        return (re + 1j * im).astype(npdt)
    if dtype in ("f16", "f32", "f64"):
        v = rng.standard_normal(n).astype(npdt) * npdt(100)
        if n:
            v[rng.integers(0, n, size=max(1, n // 8))] = npdt(-0.0)
        return v
    # Integers and bf16 bit patterns: the whole range.
    info = np.iinfo(npdt)
    return rng.integers(info.min, info.max, size=n, endpoint=True,
                        dtype=npdt)


def dense_literal(a, mlir_type):
    """An exact `dense<...> : tensor<...>` literal (raw little-endian hex)."""
    shape = "x".join(str(d) for d in a.shape)
    ttype = "tensor<%s%s>" % (shape + "x" if a.ndim else "", mlir_type)
    if a.size == 0:
        return "dense<> : " + ttype
    raw = np.ascontiguousarray(a).astype(a.dtype.newbyteorder("<")).tobytes()
    return 'dense<"0x%s"> : %s' % (raw.hex().upper(), ttype)


def tensor_type(shape, elt):
    return "tensor<%s%s>" % ("".join("%sx" % d for d in shape), elt)


PRINT_FUNC = """
func.func private @print_{name}(%t: tensor<?x{elt}>) {{
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %t, %c0 : tensor<?x{elt}>
  scf.for %i = %c0 to %n step %c1 {{
    %x = tensor.extract %t[%i] : tensor<?x{elt}>
{body}
  }}
  vector.print str "\\n"
  return
}}
"""


def print_body(dtype):
    elt, _, width = DTYPES[dtype]
    pr = "    vector.print %{v} : {t} punctuation <no_punctuation>\n" \
         "    vector.print str \" \"\n"
    if dtype.startswith("complex"):
        part = "f32" if dtype == "complex64" else "f64"
        iw = "i32" if part == "f32" else "i64"
        return ("    %re = complex.re %x : {elt}\n"
                "    %im = complex.im %x : {elt}\n"
                "    %rb = arith.bitcast %re : {p} to {iw}\n"
                "    %ib = arith.bitcast %im : {p} to {iw}\n").format(
                    elt=elt, p=part, iw=iw) + \
            pr.format(v="rb", t=iw) + pr.format(v="ib", t=iw)
    if dtype in ("f16", "bf16", "f32", "f64"):
        iw = "i%d" % width
        return "    %b = arith.bitcast %x : {} to {}\n".format(elt, iw) + \
            pr.format(v="b", t=iw)
    return pr.format(v="x", t=elt)


def memref_type(tensor):
    return "memref" + tensor[len("tensor"):]


def device_resident_kernel(name, g, ii, s, oi, out):
    """@name(tensors) -> tensor: the op on device buffers, called the way a
    host that keeps its tensors on the GPU calls it: the operands copied to
    gpu.alloc buffers, @name_dev's sparse.slice_grad on them in place
    (sparse-to-nvvm{device-resident=true}), the result copied back."""
    m = {v: memref_type(t) for v, t in (("g", g), ("ii", ii), ("s", s),
                                         ("oi", oi), ("out", out))}
    signature = ", ".join(m[v] for v in ("g", "ii", "s", "oi", "out"))
    lines = [
        "func.func private @%s_dev(%%g: %s, %%ii: %s, %%s: %s, %%oi: %s, "
        "%%out: %s) {" % (name, m["g"], m["ii"], m["s"], m["oi"], m["out"]),
        "  sparse.slice_grad %%g, %%ii, %%s, %%oi : %s, %s, %s, %s into "
        "%%out : %s" % (m["g"], m["ii"], m["s"], m["oi"], m["out"]),
        "  return\n}",
        "func.func private @%s(%%g: %s, %%ii: %s, %%s: %s, %%oi: %s) -> %s {"
        % (name, g, ii, s, oi, out),
        "  %c0 = arith.constant 0 : index",
        "  %c1 = arith.constant 1 : index"]
    for v, t in (("g", g), ("ii", ii), ("s", s), ("oi", oi)):
        lines.append("  %%%s_h = bufferization.to_buffer %%%s : %s to %s"
                     % (v, v, t, m[v]))
        sizes = []
        for d, size in enumerate(t[len("tensor<"):-1].split("x")[:-1]):
            if size == "?":
                lines.append("  %%%s_n%d = memref.dim %%%s_h, %%c%d : %s"
                             % (v, d, v, d, m[v]))
                sizes.append("%%%s_n%d" % (v, d))
        lines.append("  %%%s_d = gpu.alloc (%s) : %s"
                     % (v, ", ".join(sizes), m[v]))
        lines.append("  gpu.memcpy %%%s_d, %%%s_h : %s, %s"
                     % (v, v, m[v], m[v]))
    n = "%ii_n0" if out.startswith("tensor<?") else ""
    lines += [
        "  %%out_d = gpu.alloc (%s) : %s" % (n, m["out"]),
        "  call @%s_dev(%%g_d, %%ii_d, %%s_d, %%oi_d, %%out_d) : (%s) -> ()"
        % (name, signature),
        "  %%out_h = memref.alloc (%s) : %s" % (n, m["out"]),
        "  gpu.memcpy %%out_h, %%out_d : %s, %s" % (m["out"], m["out"])]
    lines += ["  gpu.dealloc %%%s_d : %s" % (v, m[v])
              for v in ("g", "ii", "s", "oi", "out")]
    lines += ["  %%r = bufferization.to_tensor %%out_h restrict : %s to %s"
              % (m["out"], out),
              "  return %%r : %s\n}" % out]
    return "\n".join(lines) + "\n"


def emit_module(cases, dtype, dynamic, device_resident=False):
    """One module: @main runs every case and prints `CASE <k>` and its
    result's bit patterns. Dynamic cases go through a function whose operand
    sizes are all dynamic, so the run-time checks are exercised.
    `device_resident`: every case goes through a function that runs the op
    on device buffers (device_resident_kernel)."""
    elt = DTYPES[dtype][0]
    lines = [PRINT_FUNC.format(name=dtype, elt=elt, body=print_body(dtype))]
    dyn = {"g": "tensor<?x%s>" % elt, "ii": "tensor<?x?xi64>",
           "s": "tensor<?xi64>", "oi": "tensor<?x?xi64>"}
    if dynamic and device_resident:
        lines.append(device_resident_kernel(
            "kernel", dyn["g"], dyn["ii"], dyn["s"], dyn["oi"],
            "tensor<?x%s>" % elt))
    elif dynamic:
        lines.append(
            "func.func private @kernel(%g: tensor<?x{e}>, %ii: tensor<?x?xi64>,"
            " %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?x{e}> {{\n"
            "  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?x{e}>, "
            "tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?x{e}>\n"
            "  return %r : tensor<?x{e}>\n}}\n".format(e=elt))
    main = ["func.func @main() {"]
    for k, case in enumerate(cases):
        g = convert(case["g"], dtype)
        ii, s, oi = case["ii"], case["s"], case["oi"]
        gt, iit = tensor_type(g.shape, elt), tensor_type(ii.shape, "i64")
        st, oit = tensor_type(s.shape, "i64"), tensor_type(oi.shape, "i64")
        rt = tensor_type((ii.shape[0],), elt)
        if device_resident and not dynamic:
            lines.append(device_resident_kernel("kernel_%d" % k, gt, iit, st,
                                                oit, rt))
        lines.append("func.func private @case_%d() {" % k)
        lines.append("  %%g = arith.constant %s" % dense_literal(g, elt))
        lines.append("  %%ii = arith.constant %s" % dense_literal(ii, "i64"))
        lines.append("  %%s = arith.constant %s" % dense_literal(s, "i64"))
        lines.append("  %%oi = arith.constant %s" % dense_literal(oi, "i64"))
        if dynamic:
            for v, t in (("g", gt), ("ii", iit), ("s", st), ("oi", oit)):
                lines.append("  %%%s_d = tensor.cast %%%s : %s to %s"
                             % (v, v, t, dyn[v]))
            lines.append(
                "  %%r = call @kernel(%%g_d, %%ii_d, %%s_d, %%oi_d) : (%s, %s, "
                "%s, %s) -> tensor<?x%s>" % (dyn["g"], dyn["ii"], dyn["s"],
                                             dyn["oi"], elt))
        else:
            if device_resident:
                lines.append(
                    "  %%r0 = call @kernel_%d(%%g, %%ii, %%s, %%oi) : (%s, %s, "
                    "%s, %s) -> %s" % (k, gt, iit, st, oit, rt))
            else:
                lines.append(
                    "  %%r0 = sparse.slice_grad %%g, %%ii, %%s, %%oi : %s, %s, "
                    "%s, %s -> %s" % (gt, iit, st, oit, rt))
            lines.append("  %%r = tensor.cast %%r0 : %s to tensor<?x%s>"
                         % (rt, elt))
        lines.append('  vector.print str "CASE %d\\n"' % k)
        lines.append("  call @print_%s(%%r) : (tensor<?x%s>) -> ()"
                     % (dtype, elt))
        lines.append("  return\n}")
        main.append("  call @case_%d() : () -> ()" % k)
    main.append("  return\n}")
    return "\n".join(lines + main) + "\n"


def sparse_opt():
    return os.environ.get("SPARSE_OPT", "sparse-opt")


# Lowering configurations the differential tests run: (sparse-opt flags,
# OpenMP threads). Small chunks make most cases span many chunks, so the
# parallel strategy's guesses, chain check and fix-up all run; vector steps
# run where a chunk has vector-width rows left and R is static.
def _pipeline(options, before=""):
    return "--pass-pipeline=builtin.module(%ssparse-lower-to-llvm{%s})" % (
        before, options)


CONFIGS = {
    "default": ((), None),
    "sequential": ((_pipeline("strategy=sequential"),), None),
    "parallel-t1": ((_pipeline("strategy=parallel chunk-rows=6 "
                               "vector-width=2"),), 1),
    "parallel-t2": ((_pipeline("strategy=parallel chunk-rows=16 "
                               "vector-width=4"),), 2),
    "parallel-scalar-t2": ((_pipeline("strategy=parallel chunk-rows=5 "
                                      "vector-width=0"),), 2),
    # Vector steps of 3 rows (masks as i64 words, windows of 24 rows) and of
    # 16 rows (flat vectors of up to 80 lanes).
    "parallel-vw3-t2": ((_pipeline("strategy=parallel chunk-rows=10 "
                                   "vector-width=3"),), 2),
    "parallel-vw16-t1": ((_pipeline("strategy=parallel chunk-rows=40 "
                                    "vector-width=16"),), 1),
    # Each op's code in its own function, not in a shared kernel (the
    # pipelines outline by default).
    "parallel-inline-t2": ((_pipeline("strategy=parallel chunk-rows=16 "
                                      "vector-width=4 "
                                      "outline-kernels=false"),), 2),
    "sequential-inline": ((_pipeline("strategy=sequential "
                                     "outline-kernels=false"),), None),
    # TensorFlow's loop without vector steps (the default has them).
    "sequential-scalar": ((_pipeline("strategy=sequential vector-width=0"),),
                          None),
    # The pair (sparse.slice, then its gradient) without the fusion:
    # TensorFlow's loop over the slice's output indices.
    "unfused": ((_pipeline("fuse-slice-grad=false"),), None),
    # The folds and canonicalizations first: constants fold at compile time.
    "canonicalize": ((_pipeline("", "inline,canonicalize,"),), None),
    "parallel-inorder": ((_pipeline("strategy=parallel chunk-rows=3 "
                                    "vector-width=2 openmp=false"),), None),
    # The GPU lowering's algorithm (convert-sparse-to-gpu) on host buffers
    # and CPU threads: chunks of 3 rows, one per "GPU thread".
    "gpu-algorithm-t2": ((_pipeline("gpu-algorithm=true chunk-rows=3"),), 2),
    # The same kernels without their fallback: a failed verification is an
    # error (inputs whose fast path must hold).
    "gpu-kernels-t2": ((_pipeline("gpu-algorithm=true gpu-fallback=false "
                                  "chunk-rows=3"),), 2),
    "gpu-kernels-chunk40-t1": ((_pipeline("gpu-algorithm=true "
                                          "gpu-fallback=false "
                                          "chunk-rows=40"),), 1),
    # On an NVIDIA GPU (REQUIRES: cuda-device): small chunks, so that cases
    # span many threads and blocks.
    "gpu-device": (("--pass-pipeline=builtin.module(sparse-to-nvvm{"
                    "chunk-rows=2 block-size=32})",), None),
    # The same on device buffers (emit_module's device_resident): the
    # caller frees them itself, which buffer deallocation does not accept.
    "gpu-device-resident": (("--pass-pipeline=builtin.module(sparse-to-nvvm{"
                             "device-resident=true deallocate=false "
                             "chunk-rows=2 block-size=32})",), None),
}
DEVICE_RESIDENT_CONFIGS = ("gpu-device-resident",)


def run_module(text, config="default"):
    """Runs `sparse-opt --run` on `text` with a CONFIGS entry; returns (exit
    code, stdout, stderr)."""
    extra_args, threads = CONFIGS[config]
    env = dict(os.environ)
    if threads is not None:
        env["OMP_NUM_THREADS"] = str(threads)
    proc = subprocess.run(
        [sparse_opt(), "--run", "-e", "main", "--entry-point-result=void",
         *extra_args, "-"],
        input=text, capture_output=True, text=True, timeout=600, env=env)
    return proc.returncode, proc.stdout, proc.stderr


def parse_results(stdout):
    """Maps case number -> list of printed ints."""
    results, current = {}, None
    for line in stdout.splitlines():
        m = re.match(r"CASE (\d+)$", line.strip())
        if m:
            current = int(m.group(1))
            continue
        if current is not None:
            results[current] = [int(x) for x in line.split()]
            current = None
    return results


def printed_bits(printed, dtype):
    """Printed ints (signed or unsigned) as bit patterns."""
    width = DTYPES[dtype][2]
    if dtype.startswith("complex"):
        width //= 2
    return [x % (1 << width) for x in printed]


def check_values(cases, dtype, dynamic, config="default"):
    """Runs `cases` (none of which may fail) in one module and compares every
    value with the reference. Returns a list of failure descriptions."""
    failures = []
    rc, out, err = run_module(emit_module(
        cases, dtype, dynamic, config in DEVICE_RESIDENT_CONFIGS), config)
    if rc != 0:
        return ["%s/%s/%s: sparse-opt exited %d: %s" % (
            config, dtype, dynamic, rc, err.strip()[-2000:])]
    results = parse_results(out)
    for k, case in enumerate(cases):
        g = convert(case["g"], dtype)
        expected, error = reference(dict(case, g=g))
        assert error is None, case["name"]
        got = results.get(k)
        want = bits(expected, dtype)
        if got is None or printed_bits(got, dtype) != want:
            failures.append("%s (%s, %s, dynamic=%s): expected %s, got %s" % (
                case["name"], config, dtype, dynamic, want[:40],
                None if got is None else printed_bits(got, dtype)[:40]))
    return failures


# What ASan, UBSan and LLVM print when something went wrong inside.
SANITIZER_REPORT = re.compile(r"Sanitizer|runtime error:|Stack dump|"
                              r"PLEASE submit")


def check_error(case, dtype, dynamic, config="default"):
    """Runs one failing case; the run must exit non-zero with the reference's
    message. Returns a failure description or None."""
    g = convert(case["g"], dtype)
    _, error = reference(dict(case, g=g))
    assert error is not None, case["name"]
    rc, out, err = run_module(emit_module(
        [case], dtype, dynamic, config in DEVICE_RESIDENT_CONFIGS), config)
    if rc == 0:
        return "%s (%s, dynamic=%s): expected error %r, but exit 0" % (
            case["name"], dtype, dynamic, error)
    if rc != 1:
        return "%s: exit %d (a signal if negative), not 1" % (case["name"], rc)
    if SANITIZER_REPORT.search(err):
        return "%s: sanitizer report: %r" % (case["name"], err[-1500:])
    if error not in err:
        return "%s (%s, dynamic=%s): expected %r in stderr, got %r" % (
            case["name"], dtype, dynamic, error, err.strip()[-500:])
    return None


def run_and_report(label, value_cases, error_cases, failures, batch=50,
                   configs=("default",)):
    """Runs `value_cases` ({dtype: [case]}) in batches and `error_cases`
    ([(case, dtype)]), each with static and dynamic shapes and under every
    lowering configuration in `configs`, adds what fails to `failures`,
    prints a summary line and returns the exit code."""
    n_values = n_runs = 0
    for dtype, cases in value_cases.items():
        for b in range(0, len(cases), batch):
            group = cases[b:b + batch]
            for config in configs:
                for dynamic in (False, True):
                    failures += check_values(group, dtype, dynamic, config)
                    n_runs += len(group)
            n_values += len(group)
    for case, dtype in error_cases:
        for config in configs:
            for dynamic in (False, True):
                f = check_error(case, dtype, dynamic, config)
                n_runs += 1
                if f:
                    failures.append(f)
    for f in failures:
        print("FAIL:", f)
    print("%s: %d value cases, %d error cases, %d configs, %d runs, "
          "%d failures" % (label, n_values, len(error_cases), len(configs),
                           n_runs, len(failures)))
    return 1 if failures else 0


def golden_cases(path):
    import json
    with open(path) as f:
        data = json.load(f)
    cases = []
    for c in data["cases"]:
        rank = len(c["input_start"])
        ii = np.array(c["input_indices"], dtype=np.int64).reshape(-1, rank)
        oi = np.array(c["output_indices"], dtype=np.int64).reshape(-1, rank)
        cases.append({
            "name": c["name"],
            "g": np.array(c["backprop_val_grad"], dtype=np.float64),
            "ii": ii, "s": np.array(c["input_start"], dtype=np.int64),
            "oi": oi,
            "expected": c.get("expected_val_grad"),
            "expected_error": c.get("expected_error"),
        })
    return data, cases
