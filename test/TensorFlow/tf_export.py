# TensorFlow's own export as a client would use it: tf.functions that call
# tf.raw_ops.SparseSliceGrad (dynamic, static and unknown shapes, several
# value types, qint8, calls through tf.PartitionedCall, the op between
# tf.Identity and tf.Const) are exported with
# tf.mlir.experimental.convert_function (default and tf-standard-pipeline),
# imported with --convert-tf-to-sparse and JIT-run by sparse-opt --run on
# .npy files that numpy wrote (-e names TF's function, --input=@FILE.npy,
# --output=@FILE.npy); the values must equal TF eager's bit for bit, and where
# TF raises, the run must fail with TF's message and code.
#
# REQUIRES: tensorflow, numpy
# RUN: rm -rf %t && mkdir -p %t
# RUN: %test_python %s %t | FileCheck %s
# CHECK: tf export: {{[1-9][0-9]*}} value runs, {{[1-9][0-9]*}} error runs, 0 failures

import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
tf.get_logger().setLevel("ERROR")
import slicegrad_testlib as lib  # noqa: E402

TMP = sys.argv[1]

raw = tf.raw_ops.SparseSliceGrad
TF = {"f32": tf.float32, "f64": tf.float64, "i32": tf.int32,
      "complex64": tf.complex64, "f16": tf.float16, "i8": tf.qint8}
# TensorFlow's CPU kernel is registered for no quantized type; qint8's
# values are int8's (its storage type, what the import maps it to).
EAGER = dict(TF, i8=tf.int8)


def spec(shape, dtype):
    return tf.TensorSpec(shape, dtype)


def functions(dtype):
    """(name, tf.function, input specs): the op as users write it."""
    t = TF[dtype]

    @tf.function
    def plain(g, ii, s, oi):
        return raw(backprop_val_grad=g, input_indices=ii, input_start=s,
                   output_indices=oi)

    @tf.function
    def nested(g, ii, s, oi):
        return tf.identity(plain(g, ii, s, oi))

    @tf.function
    def consts(g, ii):
        return raw(backprop_val_grad=g, input_indices=ii,
                   input_start=tf.constant([1, 0], tf.int64),
                   output_indices=tf.constant([[0, 1], [2, 0]], tf.int64))

    dyn = [spec([None], t), spec([None, None], tf.int64),
           spec([None], tf.int64), spec([None, None], tf.int64)]
    unknown = [spec(None, t), spec(None, tf.int64), spec(None, tf.int64),
               spec(None, tf.int64)]
    static = [spec([2], t), spec([5, 2], tf.int64), spec([2], tf.int64),
              spec([2, 2], tf.int64)]
    yield "dynamic", plain, dyn
    yield "unknown_rank", plain, unknown
    yield "static", plain, static
    yield "nested_call", nested, dyn
    yield "constants", consts, [spec([2], t), spec([None, 2], tf.int64)]


def run(cmd, text):
    return subprocess.run(cmd, input=text, capture_output=True, text=True,
                          timeout=300)


def npy_inputs(arrays):
    """--input flags for `arrays`, saved as .npy files as numpy writes them."""
    flags = []
    for k, a in enumerate(arrays):
        path = os.path.join(TMP, "arg%d.npy" % k)
        np.save(path, a)
        flags.append("--input=@" + path)
    return flags


# Inputs: TF's testGradientsExplicit-like values, a case that fails
# TF's propagation check and one that fails its shape checks.
ii = np.array([[0, 0], [1, 1], [1, 2], [3, 0], [3, 1]], np.int64)
CASES = {
    "ok": (ii, np.array([1, 0], np.int64), np.array([[0, 1], [2, 0]], np.int64)),
    "not_propagated": (ii, np.array([1, 0], np.int64),
                       np.array([[5, 5], [2, 0]], np.int64)),
    "ndims": (ii, np.array([1, 0], np.int64),
              np.array([[0, 1, 0], [2, 0, 0]], np.int64)),
}
_imports = {}


def export_and_import(dtype, name, fn, specs, pipeline):
    """TF's export of `fn` and its import, once per function and pipeline:
    (TF's function name, the finished sparse-opt process)."""
    key = (dtype, name, pipeline)
    if key not in _imports:
        cf = fn.get_concrete_function(*specs)
        text = tf.mlir.experimental.convert_function(
            cf, pass_pipeline=pipeline) if pipeline else \
            tf.mlir.experimental.convert_function(cf)
        fname = text.split("func.func @")[1].split("(")[0]
        _imports[key] = (fname, run([lib.sparse_opt(),
                                     "--allow-unregistered-dialect",
                                     "--convert-tf-to-sparse", "-"], text))
    return _imports[key]


failures, n_values, n_errors = [], 0, 0
for dtype in ("f32", "f64", "complex64", "i8"):
    g_np = lib.convert(lib.random_values(np.random.default_rng(1), dtype
                                         if dtype != "i8" else "i8", 2), dtype)
    for name, fn, specs in functions(dtype):
        for case, (cii, cs, coi) in CASES.items():
            if name == "constants" and case != "ok":
                continue
            if name == "static" and case == "ndims":
                continue  # a static shape error is a compile-time one
            arrays = [g_np, cii, cs, coi][:len(specs)]
            tf_args = [tf.constant(g_np, EAGER[dtype])] + \
                [tf.constant(a) for a in arrays[1:]]
            try:
                want = fn(*tf_args).numpy()
                tf_error = None
            except tf.errors.OpError as e:
                want, tf_error = None, e
            # TF's standard pipeline gave the same text here; once per case.
            for pipeline in ("", "tf-standard-pipeline") if dtype == "f32" \
                    else ("",):
                label = "%s/%s/%s/%s" % (dtype, name, case, pipeline or "default")
                fname, imported = export_and_import(dtype, name, fn, specs,
                                                    pipeline)
                if imported.returncode:
                    failures.append("%s: import failed: %s" % (
                        label, imported.stderr[-800:]))
                    continue
                # TensorFlow's function itself is the entry: numpy's
                # arrays in, a .npy file out.
                out = os.path.join(TMP, "out.npy")
                if os.path.exists(out):
                    os.remove(out)
                proc = run([lib.sparse_opt(), "--run", "-", "-e", fname] +
                           npy_inputs(arrays) + ["--output=@" + out],
                           imported.stdout)
                if tf_error is None:
                    n_values += 1
                    got = np.load(out) if os.path.exists(out) else None
                    if proc.returncode or got is None or \
                            got.dtype != want.dtype or \
                            lib.bits(got, dtype) != lib.bits(want, dtype):
                        failures.append("%s: expected %s, got rc %d %s %s" % (
                            label, lib.bits(want, dtype), proc.returncode,
                            got, proc.stderr[-800:]))
                else:
                    n_errors += 1
                    code = {tf.errors.InvalidArgumentError: "INVALID_ARGUMENT",
                            tf.errors.InternalError: "INTERNAL"}.get(
                                type(tf_error), "?")
                    # TF's text, as the reference loop words it (TF's
                    # message adds graph context around it).
                    _, ref = lib.reference({"g": g_np, "ii": cii, "s": cs,
                                            "oi": coi} if len(specs) == 4 else
                                           {"g": g_np, "ii": cii,
                                            "s": np.array([1, 0], np.int64),
                                            "oi": np.array([[0, 1], [2, 0]],
                                                           np.int64)})
                    expected = "%s: %s" % (code, ref)
                    if ref is None or ref not in tf_error.message:
                        failures.append("%s: TF raised %r, the reference %r"
                                        % (label, tf_error.message, ref))
                    elif proc.returncode != 1 or expected not in proc.stderr:
                        failures.append("%s: expected %r, got rc %d %r" % (
                            label, expected, proc.returncode,
                            proc.stderr[-800:]))
for f in failures:
    print("FAIL:", f)
print("tf export: %d value runs, %d error runs, %d failures"
      % (n_values, n_errors, len(failures)))
