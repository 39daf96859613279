# The JAX module (sparse_slice_grad_jax) as JAX users call it: every value
# type JAX has, on every input class and random cases, called directly,
# inside a larger jitted function (indices as arguments and as constants),
# under jax.grad and under jax.vmap, bit for bit against TensorFlow's loop
# (the Python reference); TensorFlow's checks as JAX exceptions with its
# code and message; int64 indices without x64 as a TypeError; and 6 Python
# threads calling at once with passing and failing inputs, each getting its
# own result or error. With --tf, also against tf.raw_ops.SparseSliceGrad.
#
# REQUIRES: jax, numpy
# UNSUPPORTED: sanitizers
# RUN: env PYTHONPATH=%jax_package %test_python %s | FileCheck %s
# CHECK: jax-ffi: x64 off: TypeError ok
# CHECK: jax-ffi: {{[1-9][0-9]*}} value cases, 14 types, {{[1-9][0-9]*}} error cases, 0 failures
# CHECK: jax-ffi jit: {{[1-9][0-9]*}} cases, 0 failures
# CHECK: jax-ffi grad: {{[1-9][0-9]*}} cases, 0 failures
# CHECK: jax-ffi vmap: {{[1-9][0-9]*}} cases, 0 failures
# CHECK: jax-ffi threads: 6 threads x 40 calls, 0 failures

import argparse
import os
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402

os.environ.setdefault("JAX_PLATFORMS", "cpu")
import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import jax_testlib as jaxlib  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402
from sparse_slice_grad_jax import sparse_slice_grad  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=31)
parser.add_argument("--tf", action="store_true",
                    help="also compare with tf.raw_ops.SparseSliceGrad")
args = parser.parse_args()
rng = np.random.default_rng(args.seed)
failures = []

# Without x64, JAX turns int64 into int32: a TypeError that says so.
print("jax-ffi: x64 off: " + jaxlib.x64_off_outcome(lambda: sparse_slice_grad(
    np.ones(1, np.float32), np.zeros((1, 1), np.int64), np.zeros(1, np.int64),
    np.zeros((1, 1), np.int64))))
TYPES = jaxlib.TYPES
bits = jaxlib.bits


def values(dtype, n):
    return jaxlib.random_values(rng, dtype, n)


def expected(g, case):
    """The reference on the values' bits (any type: the op moves bits)."""
    width = g.dtype.itemsize
    as_int = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
    if width == 16:
        words = g.view(np.uint64).reshape(-1, 2)
        lo, err = lib.reference(dict(case, g=words[:, 0].copy()))
        if err is not None:
            return None, err
        hi, _ = lib.reference(dict(case, g=words[:, 1].copy()))
        return np.stack([lo, hi], axis=1).reshape(-1).view(g.dtype), None
    out, err = lib.reference(dict(case, g=g.view(as_int[width])))
    return (None if out is None else out.view(g.dtype)), err


def error_text(message):
    code = "INTERNAL" if "propagated" in message else "INVALID_ARGUMENT"
    return "%s: %s" % (code, message)


def check(name, got_fn, want, want_error):
    try:
        got = np.asarray(got_fn())
    except Exception as e:  # noqa: BLE001 (JAX's runtime error)
        if want_error is None or error_text(want_error) not in str(e):
            failures.append("%s: %s: %s" % (name, type(e).__name__, e))
        return
    if want_error is not None:
        failures.append("%s: no error, expected %r" % (name, want_error))
    elif bits(got) != bits(want):
        failures.append("%s: wrong values" % name)


cases = []
for kind in gen.CLASSES:
    for rank in (1, 2, 3, 8):
        cases.append(gen.class_case(rng, kind, 120, rank))
for n in range(40):
    cases.append(gen.random_case(rng, "random%d" % n, max_rows=300))
for n in range(12):
    case = gen.shape_error_case(rng, "sizes%d" % n)
    case["g_len"] = case["g_len"]
    cases.append(case)
base = gen.class_case(rng, "sorted-scattered-50", 40, 2)
for name, change in (("ii_vector", {"ii": base["ii"][:, 0]}),
                     ("oi_3d", {"oi": base["oi"][:, :, None]}),
                     ("s_matrix", {"s": base["s"][None, :]})):
    cases.append(dict(base, name=name, **change))

value_cases = error_cases = 0
for k, case in enumerate(cases):
    dtype = TYPES[k % len(TYPES)]
    n_out = case.get("g_len", case["oi"].shape[0] if case["oi"].ndim else 0)
    g = values(dtype, n_out)
    want, err = expected(g, case)
    value_cases += err is None
    error_cases += err is not None
    check(case["name"], lambda: sparse_slice_grad(g, case["ii"], case["s"],
                                                  case["oi"]), want, err)
print("jax-ffi: %d value cases, %d types, %d error cases, %d failures" %
      (value_cases, len(TYPES), error_cases, len(failures)))

# Inside a larger jitted function: indices as arguments, and closed over
# (constants XLA folds at compile time).
ok_cases = [c for c in cases if "g_len" not in c and c["ii"].ndim == 2 and
            c["oi"].ndim == 2 and c["s"].ndim == 1 and
            expected(np.zeros(c["oi"].shape[0], np.float32), c)[1] is None]
before = len(failures)
for case in ok_cases[:20]:
    g = rng.standard_normal(case["oi"].shape[0]).astype(np.float32)
    want = expected(g * np.float32(2), case)[0] + np.float32(1)

    @jax.jit
    def model(g, ii, s, oi):
        return sparse_slice_grad(g * 2, ii, s, oi) + 1

    check(case["name"] + " jit", lambda: model(g, case["ii"], case["s"],
                                               case["oi"]), want, None)
    closed = jax.jit(lambda g: sparse_slice_grad(g * 2, case["ii"], case["s"],
                                                 case["oi"]) + 1)
    check(case["name"] + " jit-const", lambda: closed(g), want, None)
print("jax-ffi jit: %d cases, %d failures" % (2 * len(ok_cases[:20]),
                                              len(failures) - before))

# jax.grad: the transpose sends each input row's cotangent to its output
# row (the reference on 1..N_out gives the matching).
before = len(failures)
for case in ok_cases[:20]:
    n_out, n_in = case["oi"].shape[0], case["ii"].shape[0]
    g = rng.standard_normal(n_out)
    w = rng.standard_normal(n_in)
    matched = lib.reference(dict(case, g=np.arange(1, n_out + 1)))[0]
    want = np.zeros(n_out)
    want[matched[matched > 0] - 1] = w[matched > 0]
    loss = jax.jit(jax.grad(lambda g: jnp.sum(sparse_slice_grad(
        g, case["ii"], case["s"], case["oi"]) * w)))
    check(case["name"] + " grad", lambda: loss(g), want, None)
print("jax-ffi grad: %d cases, %d failures" % (len(ok_cases[:20]),
                                               len(failures) - before))

# jax.vmap over a batch of gradients (the calls run one by one).
before = len(failures)
for case in ok_cases[:10]:
    batch = rng.standard_normal((3, case["oi"].shape[0])).astype(np.float32)
    want = np.stack([expected(b, case)[0] for b in batch])
    mapped = jax.vmap(lambda g: sparse_slice_grad(g, case["ii"], case["s"],
                                                  case["oi"]))
    check(case["name"] + " vmap", lambda: mapped(batch), want, None)
print("jax-ffi vmap: %d cases, %d failures" % (len(ok_cases[:10]),
                                               len(failures) - before))

# Threads: passing and failing calls at once, each its own outcome.
before = len(failures)
good = ok_cases[0]
g_good = rng.standard_normal(good["oi"].shape[0]).astype(np.float32)
ndims = dict(good, name="ndims", oi=np.zeros((2, good["ii"].shape[1] + 1),
                                             np.int64))
lost = dict(good, name="lost", oi=np.full((1, good["ii"].shape[1]), -7,
                                          np.int64))
jitted = jax.jit(sparse_slice_grad)
trio = [(good, g_good), (ndims, np.ones(2, np.float32)),
        (lost, np.ones(1, np.float32))]
wants = [expected(g, c) for c, g in trio]


def worker(t):
    for k in range(40):
        (case, g), (want, err) = trio[(t + k) % 3], wants[(t + k) % 3]
        check("thread %d %s" % (t, case["name"]),
              lambda: jitted(g, case["ii"], case["s"], case["oi"]), want, err)


threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("jax-ffi threads: 6 threads x 40 calls, %d failures" %
      (len(failures) - before))

if args.tf:
    import tensorflow as tf
    before = len(failures)
    for case in ok_cases[:20]:
        g = rng.standard_normal(case["oi"].shape[0])
        want = tf.raw_ops.SparseSliceGrad(
            backprop_val_grad=g, input_indices=case["ii"],
            input_start=case["s"], output_indices=case["oi"]).numpy()
        check(case["name"] + " tf", lambda: sparse_slice_grad(
            g, case["ii"], case["s"], case["oi"]), want, None)
    print("jax-ffi tensorflow: %d cases, %d failures" %
          (len(ok_cases[:20]), len(failures) - before))

for f in failures[:10]:
    print("FAIL:", f)
