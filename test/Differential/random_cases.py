# Differential test: seeded random and adversarial cases (unsorted and
# duplicate rows, rows outside the slice, foreign output rows, empty
# operands, R = 0..5 and 9..12, N_in up to 3000, coordinates near INT64_MIN/MAX) run
# through sparse-opt --run with static and dynamic shapes, against the
# Python reference of TensorFlow's loop. Values are compared bit for bit;
# a case the reference rejects must fail with the same message.
#
# REQUIRES: numpy
# Every case runs under several lowering configurations (slicegrad_testlib
# CONFIGS): the sequential strategy, and the parallel one with 1 and 2
# OpenMP threads, with and without vector steps, in order without OpenMP,
# with chunks of 3 to 16 rows so that cases span many chunks, and after the
# folds and canonicalizations (constant operands fold at compile time).
#
# RUN: %test_python %s --seed 1 --cases 200 --configs sequential,parallel-t1,parallel-t2,sequential-inline | FileCheck %s
# RUN: %test_python %s --seed 2 --cases 150 --dtypes f64,i8,ui16,complex128,bf16 --configs default,parallel-scalar-t2,parallel-inorder | FileCheck %s
# RUN: %test_python %s --seed 3 --cases 150 --dtypes f32,i16,ui64,complex64 --configs sequential-scalar,canonicalize | FileCheck %s
# RUN: %test_python %s --seed 4 --cases 180 --dtypes f32,i64,ui8,complex64,f16 --configs gpu-algorithm-t2,parallel-t1 | FileCheck %s
# RUN: %test_python %s --seed 6 --cases 180 --dtypes f32,i8,f64,bf16 --configs parallel-vw3-t2,parallel-vw16-t1 | FileCheck %s
# CHECK: differential: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, {{[2-9]}} configs, {{[0-9]+}} runs, 0 failures

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--cases", type=int, default=300)
parser.add_argument("--dtypes", default="f32,i32,f16,ui8,complex64,i64")
parser.add_argument("--max-errors", type=int, default=6,
                    help="error cases to run (each needs its own process)")
parser.add_argument("--batch", type=int, default=100)
parser.add_argument("--configs", default="default",
                    help="comma-separated slicegrad_testlib.CONFIGS names")
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
dtypes = args.dtypes.split(",")
failures = []
value_cases = {d: [] for d in dtypes}
error_cases = []
for k in range(args.cases):
    case = gen.random_case(rng, "rand%d" % k)
    dtype = dtypes[k % len(dtypes)]
    case["g"] = lib.random_values(rng, dtype, case["oi"].shape[0])
    _, error = lib.reference(dict(case, g=lib.convert(case["g"], dtype)))
    if error is None:
        value_cases[dtype].append(case)
    else:
        error_cases.append((case, dtype))
for k in range(args.max_errors // 2):
    case = gen.shape_error_case(rng, "shape%d" % k)
    case["g"] = lib.random_values(rng, "f32", case.pop("g_len"))
    error_cases.append((case, "f32"))

# Errors: the not-all-propagated ones first, then shape errors.
chosen = [e for e in error_cases if "shape" not in e[0]["name"]]
chosen = chosen[:args.max_errors - args.max_errors // 2] + \
    [e for e in error_cases if "shape" in e[0]["name"]]
sys.exit(lib.run_and_report("differential", value_cases, chosen, failures,
                            batch=args.batch,
                            configs=args.configs.split(",")))
