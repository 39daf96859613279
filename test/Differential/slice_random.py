# Differential test of sparse.slice: seeded random and adversarial cases
# (unsorted and duplicate rows, negative and oversized sizes, starts beyond
# the shape, coordinates and sizes at the int64 extremes and at
# TensorShape's 16/32-bit thresholds, R = 0..9, empty inputs) and every
# input class of the benchmark, with static and dynamic shapes, under
# several lowering configurations, against the reference of TensorFlow's
# kernel (test/lib/sparse_slice_ref.py, itself checked against real
# TensorFlow by test/TensorFlow/tf_slice.py). Kept rows, their order,
# values (bit for bit, i1 included) and the output shape must match; a case
# TensorFlow rejects must fail with its message.
#
# With --pair, each case also takes the gradient of the slice
# (sparse.slice_grad of its output indices), which the default pipeline
# fuses into a scatter by the kept positions, and configs=unfused keeps
# TensorFlow's loop: both against TensorFlow's SparseSliceGrad.
#
# REQUIRES: numpy
# RUN: %test_python %s --seed 1 --cases 130 --configs sequential,parallel-t1,parallel-t2 | FileCheck %s
# RUN: %test_python %s --seed 2 --cases 120 --dtypes f64,i1,ui16,complex128,bf16,i8 --configs default,canonicalize | FileCheck %s
# RUN: %test_python %s --seed 3 --cases 100 --pair --dtypes f32,complex64,i64,f16 --configs default,unfused,sequential,parallel-t2 | FileCheck %s
# CHECK: slice: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, {{[2-9]}} configs, {{[0-9]+}} runs, 0 failures

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slice_cases as gen  # noqa: E402
import slice_testlib as slib  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402
import sparse_slice_ref as ref  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--cases", type=int, default=100)
parser.add_argument("--dtypes", default="f32,i32,i1,complex64")
parser.add_argument("--configs", default="default")
parser.add_argument("--pair", action="store_true")
parser.add_argument("--max-errors", type=int, default=8)
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
dtypes = args.dtypes.split(",")
configs = args.configs.split(",")


def with_values(case, dtype):
    n = case.pop("v_len", case["ii"].shape[0])
    if dtype == "i1":
        case["v"] = rng.integers(0, 2, size=n).astype(bool)
    else:
        case["v"] = lib.random_values(rng, dtype, n)
    return case


def with_grad(case, dtype):
    try:
        oi, _, _ = ref.sparse_slice(case["ii"], case["v"], case["sh"],
                                    case["st"], case["sz"])
        m = oi.shape[0]
    except ref.TFError:
        m = 0
    if rng.random() < 0.05:
        m += 1  # TensorFlow's "# elements of backprop_val_grad" error
    case["g"] = lib.random_values(rng, dtype, m)
    return case


def is_error(case, dtype):
    try:
        slib.expected(case, dtype, args.pair)
        return False
    except ref.TFError:
        return True


value_cases = {d: [] for d in dtypes}
error_cases = []
cases = [gen.random_case(rng, "rand%d" % k) for k in range(args.cases)]
for kind in ("sorted", "shuffled", "blocks", "duplicates", "prefix"):
    for r in (1, 2, 4, 8):
        for keep in (0.05, 0.5, 1.0):
            cases.append(gen.class_case(rng, kind, int(rng.integers(1, 300)),
                                        r, keep))
for k in range(args.max_errors // 2):
    cases.append(gen.size_error_case(rng, "size%d" % k))
for k, case in enumerate(cases):
    dtype = dtypes[k % len(dtypes)]
    if args.pair and dtype == "i1":
        dtype = "f32"  # SparseSliceGrad has no bool
    with_values(case, dtype)
    if args.pair:
        with_grad(case, dtype)
    if is_error(case, dtype):
        error_cases.append((case, dtype))
    else:
        value_cases[dtype].append(case)
# Each error case needs its own process: a sample of them.
rng.shuffle(error_cases)
error_cases = error_cases[:args.max_errors]

failures = []
n_runs = 0
for dtype, group in value_cases.items():
    for b in range(0, len(group), 60):
        batch = group[b:b + 60]
        for config in configs:
            for dynamic in (False, True):
                failures += slib.check_values(batch, dtype, dynamic, config,
                                              args.pair)
                n_runs += len(batch)
for case, dtype in error_cases:
    for config in configs[:2]:
        for dynamic in (False, True):
            f = slib.check_error(case, dtype, dynamic, config, args.pair)
            n_runs += 1
            if f:
                failures.append(f)
for f in failures:
    print("FAIL:", f)
print("slice: %d value cases, %d error cases, %d configs, %d runs, "
      "%d failures" % (sum(len(g) for g in value_cases.values()),
                       len(error_cases), len(configs), n_runs, len(failures)))
sys.exit(1 if failures else 0)
