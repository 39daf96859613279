# TensorFlow's SparseSlice, forward and gradient, as a client exports it.
#
# 1. The reference (test/lib/sparse_slice_ref.py, which the differential
#    tests use) against real tf.raw_ops.SparseSlice: TensorFlow's own test
#    vectors (sparse_slice_op_test.py's 4x6 matrix and 2x3x4 tensor, slices
#    of rows, columns, beyond the shape, empty) and seeded random cases at
#    the int64 extremes and TensorShape's thresholds; values, order, shape
#    and every error message must agree.
# 2. tf.functions that TensorFlow exports with both ops
#    (tf.mlir.experimental.convert_function): the forward alone, a
#    GradientTape over tf.sparse.slice with output_gradients, two slices of
#    one tensor with their gradients, the forward in an inner tf.function
#    called from the one that takes the gradient, unknown-rank operands;
#    imported with --convert-tf-to-sparse and run by sparse-opt --run on
#    numpy's .npy files, fused (the default) and unfused: every result bit
#    for bit against TF eager, and TF's errors with its message and code.
#
# REQUIRES: tensorflow, numpy
# RUN: rm -rf %t && mkdir -p %t
# RUN: %test_python %s %t | FileCheck %s
# CHECK: tf slice reference: {{[1-9][0-9]*}} cases, {{[1-9][0-9]*}} errors, 0 mismatches
# CHECK: tf slice export: {{[1-9][0-9]*}} value runs, {{[1-9][0-9]*}} error runs, 0 failures

import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
tf.get_logger().setLevel("ERROR")
import slice_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402
import sparse_slice_ref as ref  # noqa: E402

TMP = sys.argv[1]


def tf_slice(ii, v, sh, st, sz):
    try:
        r = tf.raw_ops.SparseSlice(
            indices=tf.constant(ii, tf.int64, shape=np.shape(ii)),
            values=tf.constant(v), shape=tf.constant(sh, tf.int64,
                                                     shape=[len(sh)]),
            start=tf.constant(st, tf.int64, shape=[len(st)]),
            size=tf.constant(sz, tf.int64, shape=[len(sz)]))
        return [x.numpy() for x in r]
    except tf.errors.InvalidArgumentError as e:
        return "ERR " + e.message.split(" [Op:")[0].split("}} ")[-1]


def ref_slice(*a):
    try:
        return list(ref.sparse_slice(*a))
    except ref.TFError as e:
        return "ERR " + str(e)


# --- 1. The reference against TensorFlow ----------------------------------
# sparse_slice_op_test.py's inputs: a 4x6 matrix and a 2x3x4 tensor.
M_IDS = np.array([[0, 0], [0, 2], [0, 4], [0, 5], [1, 1], [1, 3], [1, 4],
                  [2, 0], [2, 3], [2, 5], [3, 0], [3, 2], [3, 3], [3, 5]])
M_VALS = np.array([0, 2, 4, 5, 11, 13, 14, 20, 23, 25, 30, 32, 33, 35],
                  np.float32)
T_IDS = np.array([[0, 0, 1], [0, 0, 3], [0, 1, 0], [0, 1, 3], [0, 2, 1],
                  [1, 0, 3], [1, 1, 1], [1, 1, 3], [1, 2, 2]])
T_VALS = np.arange(9, dtype=np.float32)
tf_vectors = []
for st, sz in [([0, 0], [2, 6]), ([2, 0], [5, 6]), ([0, 0], [4, 3]),
               ([0, 3], [7, 7]), ([0, 0], [0, 0]), ([5, 0], [2, 2]),
               ([3, 5], [1, 1]), ([-1, -1], [3, 3])]:
    tf_vectors.append((M_IDS, M_VALS, [4, 6], st, sz))
for st, sz in [([0, 0, 0], [2, 3, 2]), ([1, 1, 1], [1, 2, 3]),
               ([0, 0, 3], [2, 3, 1]), ([1, 2, 2], [5, 5, 5])]:
    tf_vectors.append((T_IDS, T_VALS, [2, 3, 4], st, sz))
rng = np.random.default_rng(7)
random_vectors = []
for k in range(1500):
    c = gen.random_case(rng, "r%d" % k, max_rows=12)
    random_vectors.append((c["ii"], rng.standard_normal(c["ii"].shape[0])
                           .astype(np.float32), c["sh"], c["st"], c["sz"]))
mismatches, errors = [], 0
for vec in tf_vectors + random_vectors:
    a, b = tf_slice(*vec), ref_slice(*vec)
    if isinstance(a, str) or isinstance(b, str):
        ok = a == b
        errors += isinstance(a, str)
    else:
        ok = all(x.shape == y.shape and np.array_equal(x, y)
                 for x, y in zip(a, b))
    if not ok:
        mismatches.append((vec, a, b))
for vec, a, b in mismatches[:5]:
    print("MISMATCH", [np.asarray(x).tolist() for x in vec], "TF:", a,
          "REF:", b)
print("tf slice reference: %d cases, %d errors, %d mismatches"
      % (len(tf_vectors) + len(random_vectors), errors, len(mismatches)))


# --- 2. TensorFlow's exports -----------------------------------------------
def spec(shape, dtype):
    return tf.TensorSpec(shape, dtype)


def functions(t):
    def sparse(ii, v, sh):
        return tf.sparse.SparseTensor(ii, v, sh)

    @tf.function
    def forward(ii, v, sh, st, sz):
        out = tf.sparse.slice(sparse(ii, v, sh), st, sz)
        return out.indices, out.values, out.dense_shape

    @tf.function
    def tape(ii, v, sh, st, sz, g):
        with tf.GradientTape() as gt:
            gt.watch(v)
            out = tf.sparse.slice(sparse(ii, v, sh), st, sz)
        return (out.indices, out.values, out.dense_shape,
                gt.gradient(out.values, v, output_gradients=g))

    @tf.function
    def two_slices(ii, v, sh, st, sz, g):
        with tf.GradientTape(persistent=True) as gt:
            gt.watch(v)
            a = tf.sparse.slice(sparse(ii, v, sh), st, sz)
            b = tf.sparse.slice(sparse(ii, v, sh),
                                tf.constant([0, 0], tf.int64),
                                tf.constant([3, 4], tf.int64))
        return (a.values, b.values,
                gt.gradient(a.values, v, output_gradients=g),
                gt.gradient(b.values, v, output_gradients=b.values))

    @tf.function
    def inner(ii, v, sh, st, sz):
        out = tf.sparse.slice(sparse(ii, v, sh), st, sz)
        return out.values

    @tf.function
    def nested(ii, v, sh, st, sz, g):
        with tf.GradientTape() as gt:
            gt.watch(v)
            vals = inner(ii, v, sh, st, sz)
        return vals, gt.gradient(vals, v, output_gradients=g)

    i64 = tf.int64
    dyn = [spec([None, 2], i64), spec([None], t), spec([2], i64),
           spec([2], i64), spec([2], i64)]
    unknown = [spec(None, i64), spec(None, t), spec(None, i64),
               spec(None, i64), spec(None, i64)]
    yield "forward", forward, dyn, False
    yield "forward_unknown_rank", forward, unknown, False
    yield "tape", tape, dyn + [spec([None], t)], True
    yield "tape_unknown_rank", tape, unknown + [spec(None, t)], True
    yield "two_slices", two_slices, dyn + [spec([None], t)], True
    yield "nested", nested, dyn + [spec([None], t)], True


def run(cmd, text):
    return subprocess.run(cmd, input=text, capture_output=True, text=True,
                          timeout=300)


TF = {"f32": tf.float32, "f64": tf.float64, "complex64": tf.complex64,
      "i32": tf.int32}
ii = M_IDS.astype(np.int64)
CASES = {
    "rows": (np.array([4, 6]), np.array([1, 0]), np.array([2, 6])),
    "clipped": (np.array([4, 6]), np.array([2, 3]), np.array([10, 10])),
    "beyond": (np.array([4, 6]), np.array([5, 0]), np.array([2, 2])),
    "negative_size": (np.array([4, 6]), np.array([0, 0]), np.array([-1, 2])),
    "negative_shape": (np.array([-4, 6]), np.array([0, 0]), np.array([1, 2])),
}
failures, n_values, n_errors = [], 0, 0
for dtype in ("f32", "f64", "complex64", "i32"):
    vals = lib.random_values(np.random.default_rng(3), dtype, len(ii))
    for name, fn, specs, takes_grad in functions(TF[dtype]):
        if takes_grad and dtype == "i32":
            continue  # TensorFlow has no gradient of integer values
        cf = fn.get_concrete_function(*specs)
        text = tf.mlir.experimental.convert_function(cf)
        fname = text.split("func.func @")[1].split("(")[0]
        imported = run([lib.sparse_opt(), "--allow-unregistered-dialect",
                        "--convert-tf-to-sparse", "-"], text)
        if imported.returncode:
            failures.append("%s/%s: import failed: %s" % (
                dtype, name, imported.stderr[-800:]))
            continue
        for case, (sh, st, sz) in CASES.items():
            m = len(ref_slice(ii, vals, sh, st, sz)[1]) if not isinstance(
                ref_slice(ii, vals, sh, st, sz), str) else 0
            g = lib.random_values(np.random.default_rng(4), dtype, m)
            arrays = [ii, vals, sh.astype(np.int64), st.astype(np.int64),
                      sz.astype(np.int64)] + ([g] if takes_grad else [])
            try:
                want = [np.asarray(x) for x in
                        fn(*[tf.constant(a) for a in arrays])]
                tf_error = None
            except tf.errors.OpError as e:
                want, tf_error = None, e
            for config in ("default", "unfused"):
                label = "%s/%s/%s/%s" % (dtype, name, case, config)
                outs = [os.path.join(TMP, "out%d.npy" % k)
                        for k in range(len(cf.structured_outputs))]
                for o in outs:
                    if os.path.exists(o):
                        os.remove(o)
                flags = []
                for k, a in enumerate(arrays):
                    path = os.path.join(TMP, "arg%d.npy" % k)
                    np.save(path, a)
                    flags.append("--input=@" + path)
                flags += ["--output=@" + o for o in outs]
                extra = list(lib.CONFIGS[config][0])
                proc = run([lib.sparse_opt(), "--run", "-", "-e", fname] +
                           extra + flags, imported.stdout)
                if tf_error is None:
                    n_values += 1
                    got = [np.load(o) if os.path.exists(o) else None
                           for o in outs]
                    bad = proc.returncode != 0 or any(
                        x is None or x.dtype != w.dtype or x.shape != w.shape
                        or x.tobytes() != w.tobytes()
                        for x, w in zip(got, want))
                    if bad:
                        failures.append("%s: expected %s, got rc %d %s %s" % (
                            label, want, proc.returncode, got,
                            proc.stderr[-800:]))
                else:
                    n_errors += 1
                    # TF's message (inside its graph context), as the
                    # reference words it.
                    message = ref_slice(ii, vals, sh, st, sz)[4:]
                    expected = "INVALID_ARGUMENT: " + message
                    if not isinstance(tf_error,
                                      tf.errors.InvalidArgumentError) or \
                            message not in tf_error.message:
                        failures.append("%s: TF raised %r, the reference %r"
                                        % (label, tf_error.message, message))
                    elif proc.returncode != 1 or expected not in proc.stderr:
                        failures.append("%s: expected %r, got rc %d %r" % (
                            label, expected, proc.returncode,
                            proc.stderr[-800:]))
for f in failures:
    print("FAIL:", f[:3000])
print("tf slice export: %d value runs, %d error runs, %d failures"
      % (n_values, n_errors, len(failures)))
