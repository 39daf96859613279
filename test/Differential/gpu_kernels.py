# The GPU lowering's kernels alone, on CPU threads: without their fallback
# (gpu-fallback=false), every input whose rows inside the box are the
# output rows in order (what a real SparseSlice gives, sorted or not) must
# be proved by the box, count, scan and verification and give TensorFlow's
# result bit for bit; inputs that are not must be refuted (an error, never
# a wrong result). The differential tests run the same kernels with the
# fallback; a bug here (a wrong scan, say) would hide behind the fallback
# there and only cost time.
#
# REQUIRES: numpy
# RUN: %test_python %s --seed 21 | FileCheck %s
# CHECK: gpu kernels: {{[1-9][0-9]*}} value cases, 0 error cases, 2 configs, {{[0-9]+}} runs, 0 failures
# CHECK: gpu kernels: {{[1-9][0-9]*}} refuted cases, 0 failures

import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=21)
args = parser.parse_args()
rng = np.random.default_rng(args.seed)
configs = ["gpu-kernels-t2", "gpu-kernels-chunk40-t1"]

# Output rows = the rows inside the box, in input order (R >= 2: with one
# column the box is an interval that holds rows of other slices).
PROVED = ["sorted-scattered-5", "sorted-scattered-50", "sorted-scattered-100",
          "sorted-runs", "shuffled", "blocks", "duplicates", "runs"]
# Rows inside the box that are not the output rows in order.
REFUTED = ["runs-skip", "all-equal", "swapped", "permuted", "foreign"]

dtypes = ["f32", "i64", "complex64", "ui8"]
value_cases = {d: [] for d in dtypes}
k = 0
for kind in PROVED:
    for rank in (2, 3, 8):
        for n_in in (1, 40, 400):
            case = gen.class_case(rng, kind, n_in, rank)
            dtype = dtypes[k % len(dtypes)]
            k += 1
            case["g"] = lib.random_values(rng, dtype, case["oi"].shape[0])
            _, error = lib.reference(dict(case, g=lib.convert(case["g"], dtype)))
            assert error is None, case["name"]
            value_cases[dtype].append(case)
# No output rows at all: an empty box, nothing flagged.
for rank in (1, 2):
    case = gen.class_case(rng, "shuffled", 50, rank)
    case["oi"] = case["oi"][:0]
    case["g"] = lib.random_values(rng, "f32", 0)
    value_cases["f32"].append(case)
failures = []
status = lib.run_and_report("gpu kernels", value_cases, [], failures,
                            batch=40, configs=configs)

# The refuted ones: an error that names the failed verification.
refuted, failures = 0, []
for kind in REFUTED:
    for rank in (1, 2):
        case = gen.class_case(rng, kind, 60, rank)
        case["g"] = lib.random_values(rng, "f32", case["oi"].shape[0])
        # Dynamic shapes: constant operands of static shapes fold.
        rc, _, err = lib.run_module(lib.emit_module([case], "f32", True),
                                    configs[0])
        refuted += 1
        if rc != 1 or "GPU kernels did not verify" not in err:
            failures.append("%s: exit %d, %r" % (case["name"], rc,
                                                 err.strip()[-300:]))
for f in failures:
    print("FAIL:", f)
print("gpu kernels: %d refuted cases, %d failures" % (refuted, len(failures)))
sys.exit(status or (1 if failures else 0))
