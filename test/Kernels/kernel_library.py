# The ahead-of-time kernel library (libSliceGradKernels) through its C ABI,
# called with ctypes as a host would: every input class and random cases,
# values of 1, 2, 4, 8 and 16 bytes, under each CPU level the library was
# built for (SLICE_GRAD_KERNEL_TARGET, one process each), bit for bit
# against TensorFlow's loop (the Python reference); TensorFlow's checks,
# ranks included, with its messages and codes; and 8 threads calling at
# once with passing and failing cases, each getting its own outcome; calls
# the C ABI cannot take (negative sizes, null shapes or data, overflowing
# sizes, a short destination) as errors, never a signal. The forward
# (sparseSliceRun) the same way: every level, random and adversarial cases,
# 5 widths, against TensorFlow's SparseSlice (the Python reference), its
# checks with its messages, and malformed calls.
#
# REQUIRES: numpy
# UNSUPPORTED: sanitizers
# RUN: %test_python %s --lib %slice_grad_lib/libSliceGradKernels.so | FileCheck %s
# CHECK-DAG: kernel-library x86-64-v2: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 0 failures
# CHECK-DAG: kernel-library default: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 0 failures
# CHECK-DAG: kernel-library threads: 8 threads x 60 calls, 0 failures
# CHECK-DAG: kernel-library malformed: 8 calls, 0 failures
# CHECK-DAG: kernel-library slice x86-64-v2: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 0 failures
# CHECK-DAG: kernel-library slice default: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 0 failures
# CHECK-DAG: kernel-library slice malformed: 5 calls, 0 failures
# CHECK: kernel-library: targets ok

import argparse
import ctypes
import os
import subprocess
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slice_cases as slice_gen  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402
import sparse_slice_ref as slice_ref  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--lib", required=True)
parser.add_argument("--seed", type=int, default=21)
parser.add_argument("--child", default=None,
                    help="run the cases under this CPU level only")
args = parser.parse_args()

LEVELS = ["x86-64-v4", "x86-64-v3", "x86-64-v2", "generic"]


class Array(ctypes.Structure):
    _fields_ = [("data", ctypes.c_void_p), ("rank", ctypes.c_int64),
                ("shape", ctypes.POINTER(ctypes.c_int64))]


class Error(ctypes.Structure):
    _fields_ = [("where", ctypes.c_char_p), ("code", ctypes.c_int32),
                ("codeName", ctypes.c_char_p), ("message", ctypes.c_char_p)]


class Status(ctypes.Structure):
    _fields_ = [("failed", ctypes.c_int32), ("error", Error),
                ("whereBuffer", ctypes.c_char * 256),
                ("messageBuffer", ctypes.c_char * 1024)]


kernels = ctypes.CDLL(args.lib)
kernels.sparseSliceGradRun.restype = ctypes.c_int32
kernels.sparseSliceGradRun.argtypes = [
    ctypes.c_int64, Array, Array, Array, Array, ctypes.c_void_p,
    ctypes.c_int64, ctypes.POINTER(Status)]
kernels.sparseSliceRun.restype = ctypes.c_int32
kernels.sparseSliceRun.argtypes = [
    ctypes.c_int64, Array, Array, Array, Array, Array, ctypes.c_void_p,
    ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p,
    ctypes.POINTER(ctypes.c_int64), ctypes.POINTER(Status)]
kernels.sparseSliceGradKernelTarget.restype = ctypes.c_char_p
kernels.sparseSliceGradKernelTargets.restype = ctypes.c_char_p


def array(a, keep):
    a = np.asarray(a)
    if not a.flags.c_contiguous:
        a = a.copy(order="C")
    shape = (ctypes.c_int64 * max(1, a.ndim))(*a.shape)
    keep += [a, shape]
    return Array(a.ctypes.data, a.ndim, shape)


def run(g, ii, s, oi):
    """(values, None) or (None, (code, message)) from the library."""
    keep = []
    out = np.zeros(ii.shape[0] if ii.ndim == 2 else 0, dtype=g.dtype)
    status = Status()
    rc = kernels.sparseSliceGradRun(
        g.dtype.itemsize, array(g, keep), array(ii, keep), array(s, keep),
        array(oi, keep), out.ctypes.data, out.shape[0], ctypes.byref(status))
    if rc != (status.error.code if status.failed else 0):
        return None, (-1, "return code %d disagrees with the status" % rc)
    if status.failed:
        return None, (status.error.code, status.error.message.decode())
    return out, None


def check(case, dtype):
    """A failure's description, or None."""
    g = lib.convert(case["g"], dtype)
    want, want_error = lib.reference(dict(case, g=g))
    got, got_error = run(g, case["ii"], case["s"], case["oi"])
    if want_error is not None:
        code = 13 if "propagated" in want_error else 3
        if got_error != (code, want_error):
            return "%s: expected error %r, got %r" % (case["name"],
                                                      (code, want_error),
                                                      got_error)
        return None
    if got_error is not None:
        return "%s: unexpected error %r" % (case["name"], got_error)
    if lib.bits(got, dtype) != lib.bits(want, dtype):
        return "%s (%s): wrong values" % (case["name"], dtype)
    return None


def cases(rng):
    """(case, dtype) pairs: every class, random cases, rank errors."""
    dtypes = ["i8", "f16", "f32", "f64", "complex128"]
    out, k = [], 0
    for kind in gen.CLASSES:
        for rank in (1, 2, 3, 8):
            case = gen.class_case(rng, kind, 300, rank)
            out.append((case, dtypes[k % len(dtypes)]))
            k += 1
    for n in range(60):
        case = gen.random_case(rng, "random%d" % n, max_rows=400)
        out.append((case, dtypes[n % len(dtypes)]))
    for n in range(20):
        case = gen.shape_error_case(rng, "sizes%d" % n)
        case["g"] = np.zeros(case["g_len"])
        out.append((case, "f32"))
    for case, dtype in out:
        if case["g"] is None:
            case["g"] = lib.random_values(rng, dtype, case["oi"].shape[0])
    # Ranks TensorFlow rejects, in its order.
    base = gen.class_case(rng, "sorted-scattered-50", 50, 2)
    base["g"] = np.arange(base["oi"].shape[0], dtype=np.float32)
    for name, change in (("ii_vector", {"ii": base["ii"][:, 0]}),
                         ("oi_3d", {"oi": base["oi"][:, :, None]}),
                         ("g_matrix", {"g": base["g"][:, None]}),
                         ("s_matrix", {"s": base["s"][None, :]}),
                         ("s_scalar", {"s": np.int64(3)})):
        out.append((dict(base, name=name, **change), "f32"))
    return out


def run_child():
    """The cases under this process's CPU level."""
    rng = np.random.default_rng(args.seed)
    failures, values, errors = [], 0, 0
    for case, dtype in cases(rng):
        g = lib.convert(case["g"], dtype)
        if lib.reference(dict(case, g=g))[1] is None:
            values += 1
        else:
            errors += 1
        f = check(case, dtype)
        if f:
            failures.append(f)
    for f in failures[:10]:
        print("FAIL:", f)
    target = kernels.sparseSliceGradKernelTarget().decode()
    print("target", target)
    print("kernel-library %s: %d value cases, %d error cases, %d failures" %
          (args.child, values, errors, len(failures)))


def run_malformed():
    """Calls the C ABI cannot take: each an INVALID_ARGUMENT, no signal."""
    good = gen.class_case(np.random.default_rng(5), "sorted-scattered-50",
                          20, 2)
    g = np.ones(good["oi"].shape[0], np.float32)
    keep = []
    arrays = [array(a, keep) for a in (g, good["ii"], good["s"], good["oi"])]
    out = np.zeros(good["ii"].shape[0], np.float32)
    huge = (ctypes.c_int64 * 2)(1 << 62, 4)
    minus = (ctypes.c_int64 * 2)(-3, 2)

    def call(width=4, change=None, dest=out.ctypes.data, length=None):
        a = list(arrays)
        if change:
            a[change[0]] = change[1]
        status = Status()
        rc = kernels.sparseSliceGradRun(
            width, *a, dest, out.shape[0] if length is None else length,
            ctypes.byref(status))
        return rc, status.error.message.decode() if status.failed else ""

    calls = [
        ("width 3", call(width=3), "values of 3 bytes have no kernel"),
        ("negative size", call(change=(1, Array(good["ii"].ctypes.data, 2,
                                                minus))),
         "input_indices: size -3 in dimension 0 is negative"),
        ("null shape", call(change=(3, Array(good["oi"].ctypes.data, 2,
                                             None))),
         "output_indices: rank 2 needs a shape of that length"),
        ("null data", call(change=(0, Array(None, 1, arrays[0].shape))),
         "backprop_val_grad: null data for"),
        ("overflow", call(change=(1, Array(good["ii"].ctypes.data, 2, huge))),
         "input_indices: its byte count overflows int64"),
        ("null destination", call(dest=None), "val_grad: null data for"),
        ("negative destination", call(length=-1),
         "val_grad: size -1 in dimension 0 is negative"),
        ("short destination", call(length=3),
         "destination must have one element per row of input_indices"),
    ]
    failures = [name for name, (rc, msg), want in calls
                if rc != 3 or want not in msg]
    for name in failures:
        print("FAIL: malformed call:", name, dict((n, r) for n, r, _ in
                                                    calls)[name])
    print("kernel-library malformed: %d calls, %d failures" %
          (len(calls), len(failures)))


def run_slice(ii, v, sh, st, sz):
    """((indices, values, shape, positions), None) or (None, (code,
    message)) from sparseSliceRun."""
    keep = []
    n = ii.shape[0] if ii.ndim >= 1 else 0
    r = ii.shape[1] if ii.ndim >= 2 else 0
    oi = np.full((n, r), -5, np.int64)
    ov = np.zeros(n, v.dtype)
    os_ = np.zeros(sh.shape[0] if sh.ndim >= 1 else 0, np.int64)
    pos = np.full(n, -5, np.int64)
    count = ctypes.c_int64(-1)
    ptrs = [oi.ctypes.data, ov.ctypes.data, os_.ctypes.data, pos.ctypes.data]
    status = Status()
    rc = kernels.sparseSliceRun(
        v.dtype.itemsize, array(ii, keep), array(v, keep), array(sh, keep),
        array(st, keep), array(sz, keep), *ptrs, ctypes.byref(count),
        ctypes.byref(status))
    if rc != (status.error.code if status.failed else 0):
        return None, (-1, "return code %d disagrees with the status" % rc)
    if status.failed:
        return None, (status.error.code, status.error.message.decode())
    m = count.value
    return (oi[:m], ov[:m], os_, pos[:m]), None


def check_slice(case, dtype):
    """A failure's description, or None."""
    n = case.get("v_len", case["ii"].shape[0] if case["ii"].ndim else 0)
    v = lib.random_values(np.random.default_rng(n), dtype, n)
    try:
        want, want_error = slice_ref.sparse_slice(
            case["ii"], v, case["sh"], case["st"], case["sz"]), None
    except slice_ref.TFError as e:
        want, want_error = None, str(e)
    got, got_error = run_slice(case["ii"], v, case["sh"], case["st"],
                               case["sz"])
    if want_error is not None:
        if got_error != (3, want_error):
            return "slice %s: expected error %r, got %r" % (
                case["name"], want_error, got_error)
        return None
    if got_error is not None:
        return "slice %s: unexpected error %r" % (case["name"], got_error)
    oi, ov, os_, pos = got
    kept = np.nonzero(slice_ref.kept(case["ii"], case["st"], case["sz"]))[0]
    if (oi.tobytes() != want[0].tobytes() or
            lib.bits(ov, dtype) != lib.bits(want[1], dtype) or
            os_.tobytes() != want[2].tobytes() or
            pos.tobytes() != kept.astype(np.int64).tobytes()):
        return "slice %s (%s): wrong result" % (case["name"], dtype)
    return None


def run_slice_child():
    """The forward's cases under this process's CPU level."""
    rng = np.random.default_rng(args.seed + 7)
    dtypes = ["i8", "f16", "f32", "f64", "complex128"]
    cases = []
    for kind in ("sorted", "shuffled", "blocks", "duplicates", "prefix"):
        for r in (1, 2, 3, 8):
            cases.append(slice_gen.class_case(rng, kind, 200, r, 0.5))
    cases += [slice_gen.random_case(rng, "random%d" % n) for n in range(60)]
    cases += [slice_gen.size_error_case(rng, "sizes%d" % n)
              for n in range(12)]
    cases += slice_gen.rank_error_cases(rng, 30)
    failures, values, errors = [], 0, 0
    for k, case in enumerate(cases):
        f = check_slice(case, dtypes[k % len(dtypes)])
        if f:
            failures.append(f)
        try:
            slice_ref.check_operands(case["ii"], np.zeros(case.get(
                "v_len", case["ii"].shape[0] if case["ii"].ndim else 0)),
                case["sh"], case["st"], case["sz"])
            slice_ref.output_shape(case["sh"], case["st"], case["sz"])
            values += 1
        except slice_ref.TFError:
            errors += 1
    for f in failures[:10]:
        print("FAIL:", f)
    print("kernel-library slice %s: %d value cases, %d error cases, "
          "%d failures" % (args.child, values, errors, len(failures)))


def run_slice_malformed():
    """Calls of sparseSliceRun the C ABI cannot take."""
    good = slice_gen.class_case(np.random.default_rng(6), "sorted", 20, 2,
                                0.5)
    v = np.ones(20, np.float32)
    minus = (ctypes.c_int64 * 2)(-3, 2)
    keep = []

    def call(width=4, indices=None, outputs=None):
        ii = indices or array(good["ii"], keep)
        status = Status()
        n = 20
        bufs = [np.zeros(n * 2, np.int64), np.zeros(n, np.float32),
                np.zeros(2, np.int64), np.zeros(n, np.int64)]
        keep.extend(bufs)
        ptrs = [b.ctypes.data for b in bufs]
        for k, p in (outputs or {}).items():
            ptrs[k] = p
        count = ctypes.c_int64(0)
        rc = kernels.sparseSliceRun(
            width, ii, array(v, keep), array(good["sh"], keep),
            array(good["st"], keep), array(good["sz"], keep), *ptrs,
            ctypes.byref(count), ctypes.byref(status))
        return rc, status.error.message.decode() if status.failed else ""

    calls = [
        ("width 3", call(width=3), "values of 3 bytes have no kernel"),
        ("negative size", call(indices=Array(good["ii"].ctypes.data, 2,
                                             minus)),
         "indices: size -3 in dimension 0 is negative"),
        ("null output indices", call(outputs={0: None}),
         "output_indices: null data for"),
        ("null positions", call(outputs={3: None}), "positions: null data"),
        ("null output shape", call(outputs={2: None}),
         "output_shape: null data"),
    ]
    failures = [name for name, (rc, msg), want in calls
                if rc != 3 or want not in msg]
    for name in failures:
        print("FAIL: malformed slice call:", name, dict(
            (n, r) for n, r, _ in calls)[name])
    print("kernel-library slice malformed: %d calls, %d failures" %
          (len(calls), len(failures)))


def run_threads():
    """8 threads, each calling 60 times: passing, ndims, not propagated."""
    rng = np.random.default_rng(args.seed + 1)
    good = gen.class_case(rng, "sorted-scattered-50", 500, 2)
    good["g"] = lib.random_values(rng, "f32", good["oi"].shape[0])
    ndims = dict(good, name="ndims", oi=np.zeros((3, 3), dtype=np.int64),
                 g=np.zeros(3, dtype=np.float32))
    lost = dict(good, name="lost", oi=np.full((1, 2), -7, dtype=np.int64),
                g=np.ones(1, dtype=np.float32))
    failures = []

    def worker(t):
        for k in range(60):
            f = check((good, ndims, lost)[(t + k) % 3], "f32")
            if f:
                failures.append(f)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for f in failures[:10]:
        print("FAIL:", f)
    print("kernel-library threads: 8 threads x 60 calls, %d failures" %
          len(failures))


if args.child is not None:
    run_child()
    run_slice_child()
    if args.child == "default":
        run_threads()
        run_malformed()
        run_slice_malformed()
    sys.exit(0)

# One process per level (the library chooses once per process): each runs
# the level it asks for, or a lower one where this CPU cannot run it.
built = kernels.sparseSliceGradKernelTargets().decode().split(",")
ok = all(level in LEVELS for level in built)
for level in built + ["default"]:
    env = dict(os.environ)
    env.pop("SLICE_GRAD_KERNEL_TARGET", None)
    if level != "default":
        env["SLICE_GRAD_KERNEL_TARGET"] = level
    child = subprocess.run([sys.executable, __file__, "--lib", args.lib,
                            "--seed", str(args.seed), "--child", level],
                           env=env, capture_output=True, text=True)
    lines = child.stdout.splitlines()
    target = [line.split()[1] for line in lines if line.startswith("target ")]
    for line in lines:
        if not line.startswith("target "):
            print(line)
    if child.returncode != 0 or not target:
        print(child.stderr)
        ok = False
        continue
    if level != "default" and target[0] not in built[built.index(level):]:
        print("FAIL: asked for %s, ran %s" % (level, target[0]))
        ok = False
print("kernel-library: targets %s" % ("ok" if ok else "FAILED"))
