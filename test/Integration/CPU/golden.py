# Every case of test/golden/tf_cases.json (TensorFlow's own test vectors), through sparse-opt --run, in
# every value type, with static and with dynamic shapes: each value is
# compared bit for bit with TensorFlow's expected result, and each error case
# must exit non-zero with TensorFlow's message. Both strategies run: the
# sequential one and the parallel one on two threads with 1-row chunks.
#
# REQUIRES: numpy
# RUN: %test_python %s %golden/tf_cases.json | FileCheck %s
# CHECK: golden: 70 value cases, 14 error cases, 4 configs, 672 runs, 0 failures

import sys

sys.path.insert(0, __import__("os").path.join(
    __import__("os").path.dirname(__file__), "..", "..", "lib"))
import slicegrad_testlib as lib  # noqa: E402

lib.CONFIGS["parallel-chunk1-t2"] = ((lib._pipeline(
    "strategy=parallel chunk-rows=1 vector-width=2"),), 2)

data, cases = lib.golden_cases(sys.argv[1])
# An optional second argument replaces the configurations (test/Integration/GPU).
configs = sys.argv[2].split(",") if len(sys.argv) > 2 else (
    "sequential", "parallel-t2", "parallel-chunk1-t2", "gpu-algorithm-t2")
ok_cases = [c for c in cases if c["expected_error"] is None]
error_cases = [c for c in cases if c["expected_error"] is not None]
failures = []

# The golden expectations agree with our reference of TF's loop.
for c in cases:
    got, err = lib.reference(c)
    if c["expected_error"] is not None:
        if err != c["expected_error"]:
            failures.append("reference disagrees on %s: %r" % (c["name"], err))
    elif err is not None or got.tolist() != c["expected"]:
        failures.append("reference disagrees on %s" % c["name"])

# The reference, in every type, gives the golden file's own expectation.
for dtype in lib.DTYPES:
    for c in ok_cases:
        want = lib.bits(lib.convert(c["expected"], dtype), dtype)
        got, _ = lib.reference(dict(c, g=lib.convert(c["g"], dtype)))
        if lib.bits(got, dtype) != want:
            failures.append("golden mismatch %s (%s)" % (c["name"], dtype))

sys.exit(lib.run_and_report(
    "golden", {dtype: ok_cases for dtype in lib.DTYPES},
    [(c, dtype) for dtype in lib.DTYPES for c in error_cases], failures,
    configs=configs))
