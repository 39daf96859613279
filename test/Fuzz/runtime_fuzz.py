# Fuzzing, run time: seeded random and adversarial inputs (the input
# classes of the differential tests - shuffled, concatenated blocks, runs,
# all-equal rows, rows outside the slice, foreign output rows - at R = 1, 2
# and 9, random cases with R = 0..5 and 9..12, coordinates near INT64_MIN
# and INT64_MAX, empty operands, shape errors), JIT-run with static and
# dynamic shapes and checked against the reference loop: TF's value bit for
# bit or TF's message with exit status 1, no signal, no sanitizer report.
# Under ASan+UBSan in .ci/run (scripts/sanitize.sh).
#
# REQUIRES: numpy
# RUN: %test_python %s --seed 21 --cases 150 | FileCheck %s
# CHECK: runtime fuzz: {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 2 configs, {{[0-9]+}} runs, 0 failures

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=21)
parser.add_argument("--cases", type=int, default=150)
parser.add_argument("--configs", default="default,sequential")
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
dtypes = ["f32", "i8", "complex128", "bf16"]
value_cases = {d: [] for d in dtypes}
error_cases, failures = [], []


def add(case, dtype):
    case["g"] = lib.random_values(rng, dtype, case["oi"].shape[0])
    _, error = lib.reference(dict(case, g=lib.convert(case["g"], dtype)))
    if error is None:
        value_cases[dtype].append(case)
    elif len(error_cases) < 4:
        error_cases.append((case, dtype))


k = 0
for kind in gen.CLASSES:
    for rank in (1, 2, 9):
        add(gen.class_case(rng, kind, 37, rank), dtypes[k % len(dtypes)])
        k += 1
for n in range(args.cases):
    add(gen.random_case(rng, "fuzz%d" % n, max_rows=300),
        dtypes[n % len(dtypes)])
for n in range(2):
    case = gen.shape_error_case(rng, "shape%d" % n)
    case["g"] = lib.random_values(rng, "f32", case.pop("g_len"))
    error_cases.append((case, "f32"))
sys.exit(lib.run_and_report("runtime fuzz", value_cases, error_cases,
                            failures, batch=80,
                            configs=args.configs.split(",")))
