# Every case of shared/golden/tf_cases.json, through sparse-opt --run, in
# every value type, with static and with dynamic shapes: each value is
# compared bit for bit with TensorFlow's expected result, and each error case
# must exit non-zero with TensorFlow's message.
#
# REQUIRES: numpy
# RUN: %test_python %s %golden/tf_cases.json | FileCheck %s
# CHECK: golden: {{[0-9]+}} value checks and {{[0-9]+}} error checks, 0 failures

import sys

sys.path.insert(0, __import__("os").path.join(
    __import__("os").path.dirname(__file__), "..", "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

data, cases = lib.golden_cases(sys.argv[1])
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

values = errors = 0
for dtype in lib.DTYPES:
    for dynamic in (False, True):
        # Compare with the golden file's own expectation, not only ours.
        for c in ok_cases:
            want = lib.bits(lib.convert(c["expected"], dtype), dtype)
            got, _ = lib.reference(dict(c, g=lib.convert(c["g"], dtype)))
            if lib.bits(got, dtype) != want:
                failures.append("golden mismatch " + c["name"])
        failures += lib.check_values(ok_cases, dtype, dynamic)
        values += len(ok_cases)
        for c in error_cases:
            f = lib.check_error(c, dtype, dynamic)
            errors += 1
            if f:
                failures.append(f)

for f in failures:
    print("FAIL:", f)
print("golden: %d value checks and %d error checks, %d failures"
      % (values, errors, len(failures)))
sys.exit(1 if failures else 0)
