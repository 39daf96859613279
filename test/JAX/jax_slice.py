# The JAX module's sparse_slice (the forward, with static shapes: room for
# every input row and a count) as JAX users call it: every value type JAX
# has, on the input classes, random and adversarial cases (the int64
# extremes, TensorShape's thresholds), called directly and inside a larger
# jitted function, bit for bit against TensorFlow's SparseSlice (the Python
# reference), the padding rows zero; TensorFlow's checks as JAX exceptions
# with its code and message; jax.grad through the slice against
# TensorFlow's SparseSliceGrad loop on the slice's own output; jax.vmap;
# and 4 Python threads calling at once with passing and failing inputs.
# With --tf, also against tf.raw_ops.SparseSlice and tf.sparse.slice's
# gradient under tf.GradientTape.
#
# REQUIRES: jax, numpy
# UNSUPPORTED: sanitizers
# RUN: env PYTHONPATH=%jax_package %test_python %s | FileCheck %s
# CHECK: jax-slice: x64 off: TypeError ok
# CHECK: jax-slice: {{[1-9][0-9]*}} value cases, 14 types, {{[1-9][0-9]*}} error cases, 0 failures
# CHECK: jax-slice jit: {{[1-9][0-9]*}} cases, 0 failures
# CHECK: jax-slice grad: {{[1-9][0-9]*}} cases, 0 failures
# CHECK: jax-slice vmap: {{[1-9][0-9]*}} cases, 0 failures
# CHECK: jax-slice threads: 4 threads x 30 calls, 0 failures

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
import slice_cases as gen  # noqa: E402
import slicegrad_testlib as gradlib  # noqa: E402
import sparse_slice_ref as ref  # noqa: E402
from sparse_slice_grad_jax import sparse_slice  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=41)
parser.add_argument("--tf", action="store_true",
                    help="also compare with tf.raw_ops.SparseSlice and "
                    "tf.sparse.slice's gradient")
args = parser.parse_args()
rng = np.random.default_rng(args.seed)
failures = []

print("jax-slice: x64 off: " + jaxlib.x64_off_outcome(lambda: sparse_slice(
    np.zeros((1, 1), np.int64), np.ones(1, np.float32), np.ones(1, np.int64),
    np.zeros(1, np.int64), np.ones(1, np.int64))))
TYPES = jaxlib.TYPES
bits = jaxlib.bits


def values(dtype, n):
    return jaxlib.random_values(rng, dtype, n)


def reference(case, v):
    """((indices, values, shape), None) or (None, TensorFlow's message)."""
    try:
        return ref.sparse_slice(case["ii"], v, case["sh"], case["st"],
                                case["sz"]), None
    except ref.TFError as e:
        return None, str(e)


def call(case, v, fn=None):
    return (fn or sparse_slice)(case["ii"], v, case["sh"], case["st"],
                                case["sz"])


def check(name, got_fn, want, want_error):
    """`want`: TensorFlow's (indices, values, shape); the result holds them
    in its first `count` rows, and zeros after."""
    try:
        oi, ov, os_, count = (np.asarray(x) for x in got_fn())
    except Exception as e:  # noqa: BLE001 (JAX's runtime error)
        if want_error is None or (
                "INVALID_ARGUMENT: " + want_error) not in str(e):
            failures.append("%s: %s: %s" % (name, type(e).__name__, e))
        return
    if want_error is not None:
        failures.append("%s: no error, expected %r" % (name, want_error))
        return
    w_oi, w_ov, w_os = want
    m = w_ov.shape[0]
    if int(count) != m:
        failures.append("%s: count %d, expected %d" % (name, count, m))
    elif (bits(oi[:m]) != bits(w_oi) or bits(ov[:m]) != bits(w_ov) or
          bits(os_) != bits(w_os)):
        failures.append("%s: wrong result" % name)
    elif np.any(oi[m:] != 0) or np.any(ov[m:].view(np.uint8) != 0):
        failures.append("%s: padding rows not zero" % name)


cases = []
for kind in ("sorted", "shuffled", "blocks", "duplicates", "prefix"):
    for r in (1, 2, 3, 8):
        for keep in (0.05, 0.5, 1.0):
            cases.append(gen.class_case(rng, kind, 150, r, keep))
for n in range(60):
    cases.append(gen.random_case(rng, "random%d" % n))
for n in range(12):
    cases.append(gen.size_error_case(rng, "sizes%d" % n))
cases += gen.rank_error_cases(rng, 40)

value_cases = error_cases = 0
for k, case in enumerate(cases):
    dtype = TYPES[k % len(TYPES)]
    n = case.get("v_len", case["ii"].shape[0] if case["ii"].ndim else 0)
    v = values(dtype, n)
    want, err = reference(case, v)
    value_cases += err is None
    error_cases += err is not None
    check(case["name"], lambda: call(case, v), want, err)
print("jax-slice: %d value cases, %d types, %d error cases, %d failures" %
      (value_cases, len(TYPES), error_cases, len(failures)))

# Inside a larger jitted function: operands as arguments, and closed over.
ok_cases = [c for c in cases if "v_len" not in c and c["ii"].ndim == 2 and
            c["sh"].ndim == 1 and c["st"].ndim == 1 and c["sz"].ndim == 1
            and reference(c, np.zeros(c["ii"].shape[0]))[1] is None]
before = len(failures)
for case in ok_cases[:20]:
    v = rng.standard_normal(case["ii"].shape[0]).astype(np.float32)
    oi, ov, os_ = reference(case, v * np.float32(2))[0]

    @jax.jit
    def model(ii, v, sh, st, sz):
        oi, ov, os_, count = sparse_slice(ii, v * 2, sh, st, sz)
        return oi, ov, os_, count

    check(case["name"] + " jit", lambda: call(case, v, model),
          (oi, ov, os_), None)
    closed = jax.jit(lambda v: sparse_slice(case["ii"], v * 2, case["sh"],
                                            case["st"], case["sz"]))
    check(case["name"] + " jit-const", lambda: closed(v), (oi, ov, os_), None)
print("jax-slice jit: %d cases, %d failures" % (2 * len(ok_cases[:20]),
                                                len(failures) - before))


def check_grad(name, got, want):
    if bits(np.asarray(got)) != bits(want):
        failures.append("%s: wrong gradient" % name)


# jax.grad through the slice: the gradient of sum(w * output_values) with
# respect to the input values is TensorFlow's SparseSliceGrad loop of w's
# first M entries on the slice's own output.
before = len(failures)
for case in ok_cases[:25]:
    n = case["ii"].shape[0]
    v = rng.standard_normal(n)
    w = rng.standard_normal(n)
    oi = reference(case, v)[0][0]
    m = oi.shape[0]
    want, err = gradlib.reference({"g": w[:m], "ii": case["ii"],
                                   "s": case["st"], "oi": oi})
    if err is not None:
        failures.append("%s grad: the reference failed: %s" % (case["name"],
                                                               err))
        continue
    loss = jax.jit(jax.grad(lambda v: jnp.sum(call(case, v)[1] * w)))
    try:
        check_grad(case["name"] + " grad", loss(v), want)
    except Exception as e:  # noqa: BLE001
        failures.append("%s grad: %s" % (case["name"], e))
print("jax-slice grad: %d cases, %d failures" % (len(ok_cases[:25]),
                                                 len(failures) - before))

# jax.vmap over a batch of values (the calls run one by one).
before = len(failures)
for case in ok_cases[:10]:
    batch = rng.standard_normal((3, case["ii"].shape[0])).astype(np.float32)
    mapped = jax.vmap(lambda v: sparse_slice(case["ii"], v, case["sh"],
                                             case["st"], case["sz"]))
    try:
        oi, ov, os_, count = (np.asarray(x) for x in mapped(batch))
    except Exception as e:  # noqa: BLE001
        failures.append("%s vmap: %s" % (case["name"], e))
        continue
    for b in range(3):
        check("%s vmap %d" % (case["name"], b),
              lambda: (oi[b], ov[b], os_[b], count[b]),
              reference(case, batch[b])[0], None)
print("jax-slice vmap: %d cases, %d failures" % (len(ok_cases[:10]),
                                                 len(failures) - before))

# Threads: passing and failing calls at once, each its own outcome.
before = len(failures)
good = ok_cases[0]
bad_size = dict(good, name="negative size",
                sz=np.full_like(good["sz"], -1))
bad_len = dict(good, name="values length", v_len=good["ii"].shape[0] + 1)
jitted = jax.jit(sparse_slice)
trio = []
for case in (good, bad_size, bad_len):
    v = rng.standard_normal(case.get("v_len", case["ii"].shape[0]))
    trio.append((case, v, reference(case, v)))


def worker(t):
    for k in range(30):
        case, v, (want, err) = trio[(t + k) % 3]
        check("thread %d %s" % (t, case["name"]),
              lambda: call(case, v, jitted), want, err)


threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print("jax-slice threads: 4 threads x 30 calls, %d failures" %
      (len(failures) - before))

if args.tf:
    import tensorflow as tf
    before = len(failures)
    for case in ok_cases[:20]:
        v = rng.standard_normal(case["ii"].shape[0])
        oi, ov, os_ = tf.raw_ops.SparseSlice(
            indices=case["ii"], values=v, shape=case["sh"],
            start=case["st"], size=case["sz"])
        check(case["name"] + " tf", lambda: call(case, v),
              (oi.numpy(), ov.numpy(), os_.numpy()), None)
        w = rng.standard_normal(case["ii"].shape[0])
        tv = tf.constant(v)
        with tf.GradientTape() as tape:
            tape.watch(tv)
            out = tf.sparse.slice(
                tf.sparse.SparseTensor(case["ii"], tv, case["sh"]),
                case["st"], case["sz"])
            loss = tf.reduce_sum(out.values * w[:out.values.shape[0]])
        want = tape.gradient(loss, tv).numpy()
        got = jax.grad(lambda v: jnp.sum(call(case, v)[1] * w))(v)
        check_grad(case["name"] + " tf grad", got, want)
    print("jax-slice tensorflow: %d cases, %d failures" %
          (len(ok_cases[:20]), len(failures) - before))

for f in failures[:10]:
    print("FAIL:", f)
