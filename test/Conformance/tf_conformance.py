# Conformance with real TensorFlow: the golden cases, a few hundred random
# and adversarial cases and a sample of every input class go through tf.raw_ops.SparseSliceGrad (TensorFlow's
# CPU kernel) and through sparse-opt --run. Values must be identical bit for
# bit; where TensorFlow raises, sparse-opt must fail with the message
# TensorFlow gives.
#
# REQUIRES: tensorflow, numpy
# RUN: %test_python %s --golden %golden/tf_cases.json --seed 7 --cases 300 | FileCheck %s
# CHECK: conformance: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 1 configs, {{[0-9]+}} runs, 0 failures

import argparse
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--golden", required=True)
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--cases", type=int, default=300)
parser.add_argument("--max-errors", type=int, default=16)
args = parser.parse_args()

TF_DTYPES = {"f16": tf.float16, "bf16": tf.bfloat16, "f32": tf.float32,
             "f64": tf.float64, "complex64": tf.complex64,
             "complex128": tf.complex128, "i8": tf.int8, "i16": tf.int16,
             "i32": tf.int32, "i64": tf.int64, "ui8": tf.uint8,
             "ui16": tf.uint16, "ui32": tf.uint32, "ui64": tf.uint64}


def run_tf(case, dtype):
    """TensorFlow's answer as bit patterns, or ('error', message)."""
    g = lib.convert(case["g"], dtype)
    if dtype == "bf16":
        tg = tf.bitcast(tf.constant(g, dtype=tf.uint16), tf.bfloat16)
    else:
        tg = tf.constant(g, dtype=TF_DTYPES[dtype])
    try:
        with tf.device("/CPU:0"):
            r = tf.raw_ops.SparseSliceGrad(
                backprop_val_grad=tg, input_indices=tf.constant(case["ii"]),
                input_start=tf.constant(case["s"]),
                output_indices=tf.constant(case["oi"]))
    except (tf.errors.OpError, ValueError) as e:
        return None, str(e)
    if dtype == "bf16":
        r = tf.bitcast(r, tf.uint16)
    return lib.bits(r.numpy(), dtype), None


rng = np.random.default_rng(args.seed)
dtypes = list(lib.DTYPES)
_, golden = lib.golden_cases(args.golden)
cases = []
for c in golden:
    for dtype in ("f32", "f64", "i32", "ui8", "bf16", "complex64"):
        cases.append((dict(c, name=c["name"] + "_" + dtype), dtype))
for k in range(args.cases):
    c = gen.random_case(rng, "rand%d" % k, max_rows=1000)
    dtype = dtypes[k % len(dtypes)]
    c["g"] = lib.random_values(rng, dtype, c["oi"].shape[0])
    cases.append((c, dtype))
# A sample of every input class of the benchmark.
for k, kind in enumerate(gen.CLASSES):
    for rank in (1, 3):
        c = gen.class_case(rng, kind, 300, rank)
        dtype = dtypes[(k + rank) % len(dtypes)]
        c["g"] = lib.random_values(rng, dtype, c["oi"].shape[0])
        cases.append((c, dtype))
for k in range(6):
    c = gen.shape_error_case(rng, "shape%d" % k)
    c["g"] = lib.random_values(rng, "f32", c.pop("g_len"))
    cases.append((c, "f32"))

failures, by_dtype, errors = [], {}, []
for c, dtype in cases:
    tf_bits, tf_error = run_tf(c, dtype)
    ref, ref_error = lib.reference(dict(c, g=lib.convert(c["g"], dtype)))
    # Our reference must agree with TensorFlow before it judges sparse-opt.
    if tf_error is not None:
        if ref_error is None or ref_error not in tf_error:
            failures.append("%s: TensorFlow raised %r, reference says %r"
                            % (c["name"], tf_error, ref_error))
        errors.append((c, dtype))
    elif ref_error is not None or lib.bits(ref, dtype) != tf_bits:
        failures.append("%s: reference differs from TensorFlow" % c["name"])
    else:
        by_dtype.setdefault(dtype, []).append(c)

propagated = [e for e in errors if "shape" not in e[0]["name"]]
shape = [e for e in errors if "shape" in e[0]["name"]]
chosen = propagated[:args.max_errors - len(shape)] + shape
sys.exit(lib.run_and_report("conformance", by_dtype, chosen, failures))
