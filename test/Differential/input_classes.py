# Every input class of the benchmark at small sizes (sorted with scattered
# inside rows at 5, 50 and 100%, sorted with runs of inside rows, shuffled,
# sorted blocks in random order, duplicate-heavy, all-equal, runs of equal
# rows with every copy, only the first one, or the first 1 to 3 sliced (and
# the first only with two output rows swapped, or with neighbouring runs
# traded at random: the split loop's guesses are often wrong), a foreign
# output row, an output row that is not propagated, output rows swapped or
# permuted: as many rows inside the box as output rows, but out of order),
# a slice of the first or the last tenth of the rows (TF's loop stops
# early; runs to the end), R = 1, 2, 3, 4 and 8, under every strategy,
# through the shared kernels (outline-kernels, the default) and inline:
# TensorFlow's loop (the Python reference) decides every value, bit for
# bit, and every error message.
#
# REQUIRES: numpy
# RUN: %test_python %s --seed 11 --configs sequential,sequential-scalar,parallel-t2,parallel-t1,parallel-inline-t2 | FileCheck %s
# RUN: %test_python %s --seed 12 --dtypes f64,complex128,bf16 --configs default,parallel-scalar-t2,parallel-inorder,gpu-algorithm-t2 | FileCheck %s
# CHECK: input-classes: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, {{[2-9]}} configs, {{[0-9]+}} runs, 0 failures

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=11)
parser.add_argument("--dtypes", default="f32,i16")
parser.add_argument("--configs", default="default")
parser.add_argument("--ranks", default="1,2,3,4,8")
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
dtypes = args.dtypes.split(",")
value_cases = {d: [] for d in dtypes}
error_cases, failures = [], []
k = 0
for kind in gen.CLASSES:
    for rank in [int(r) for r in args.ranks.split(",")]:
        for n_in in (37, 700):
            case = gen.class_case(rng, kind, n_in, rank)
            dtype = dtypes[k % len(dtypes)]
            k += 1
            case["g"] = lib.random_values(rng, dtype, case["oi"].shape[0])
            _, error = lib.reference(dict(case, g=lib.convert(case["g"], dtype)))
            if error is None:
                value_cases[dtype].append(case)
            elif n_in == 37 and rank in (1, 2, 8) and (
                    "swapped" not in kind and kind != "permuted" or rank == 2):
                error_cases.append((case, dtype))
# Every class must contribute (the generator is exercised, not skipped).
assert sum(len(v) for v in value_cases.values()) >= 100
sys.exit(lib.run_and_report("input-classes", value_cases, error_cases,
                            failures, batch=60,
                            configs=args.configs.split(",")))
