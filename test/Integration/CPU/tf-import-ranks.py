# TensorFlow's rank checks for operands of unknown rank, as TensorFlow's
# importer writes them (tf.SparseSliceGrad on tensor<*x...>): after
# --convert-tf-to-sparse each check runs before any access, in TensorFlow's
# order and with its message (sparse_slice_grad_op.cc), and a well-ranked
# case gives TensorFlow's values. Seeded operands of rank 0..3 (each
# mostly the right rank), checked against the reference loop of
# test/lib/slicegrad_testlib.py.
#
# REQUIRES: numpy
# RUN: %test_python %s --seed 1 --cases 40 | FileCheck %s
# CHECK: unranked import: {{[1-9][0-9]*}} error cases, {{[1-9][0-9]*}} value cases, 0 failures

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--cases", type=int, default=40)
args = parser.parse_args()
rng = np.random.default_rng(args.seed)


def operand(rank_wanted, shape_fn):
    """An array of mostly the wanted rank, sometimes 0..3."""
    rank = rank_wanted if rng.random() < 0.75 else int(rng.integers(0, 4))
    return shape_fn(rank)


def random_case(k):
    r = int(rng.integers(0, 3))
    n_in = int(rng.integers(0, 5))
    n_out = int(rng.integers(0, n_in + 1))

    def ints(shape):
        return rng.integers(0, 3, size=shape, dtype=np.int64)

    def matrix(rows):
        return lambda rank: ints(
            (rows, r) if rank == 2 else tuple(int(x) for x in
                                              rng.integers(0, 3, size=rank)))
    ii = operand(2, matrix(n_in))
    if ii.ndim == 2 and rng.random() < 0.5:
        oi = ii[np.sort(rng.choice(n_in, size=n_out, replace=False))]
    else:
        oi = operand(2, matrix(n_out))
    s = operand(1, lambda rank: np.zeros(
        (r,) if rank == 1 else tuple(int(x) for x in
                                     rng.integers(1, 3, size=rank)),
        dtype=np.int64))
    g_rows = oi.shape[0] if oi.ndim >= 1 else 1
    g = operand(1, lambda rank: rng.standard_normal(
        (g_rows,) if rank == 1 else tuple(int(x) for x in
                                          rng.integers(1, 3, size=rank))
    ).astype(np.float32))
    return {"name": "case%d" % k, "g": g, "ii": ii, "s": s, "oi": oi}


KERNEL = """
func.func private @grad(%g: tensor<*xf32>, %ii: tensor<*xi64>, %s: tensor<*xi64>, %oi: tensor<*xi64>) -> tensor<*xf32> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<*xf32>, tensor<*xi64>, tensor<*xi64>, tensor<*xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
"""


def module(case):
    lines = [lib.PRINT_FUNC.format(name="f32", elt="f32",
                                   body=lib.print_body("f32")), KERNEL,
             "func.func @main() {"]
    args = []
    for v, elt in (("g", "f32"), ("ii", "i64"), ("s", "i64"), ("oi", "i64")):
        a = case[v]
        lines.append("  %%%s = arith.constant %s" % (v, lib.dense_literal(a, elt)))
        lines.append("  %%%s_u = tensor.cast %%%s : %s to tensor<*x%s>"
                     % (v, v, lib.tensor_type(a.shape, elt), elt))
        args.append("%" + v + "_u")
    lines.append("  %%r = call @grad(%s) : (tensor<*xf32>, tensor<*xi64>, "
                 "tensor<*xi64>, tensor<*xi64>) -> tensor<*xf32>"
                 % ", ".join(args))
    lines.append("  %rr = tensor.cast %r : tensor<*xf32> to tensor<?xf32>")
    lines.append('  vector.print str "CASE 0\\n"')
    lines.append("  call @print_f32(%rr) : (tensor<?xf32>) -> ()")
    lines.append("  return\n}")
    return "\n".join(lines) + "\n"


def run(text):
    imported = subprocess.run(
        [lib.sparse_opt(), "--allow-unregistered-dialect",
         "--convert-tf-to-sparse", "-"], input=text, capture_output=True,
        text=True, timeout=300)
    if imported.returncode:
        return imported.returncode, "", "import failed: " + imported.stderr
    proc = subprocess.run(
        [lib.sparse_opt(), "--run", "-e", "main", "--entry-point-result=void",
         "-"], input=imported.stdout, capture_output=True, text=True,
        timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


failures, n_err, n_val = [], 0, 0
for k in range(args.cases):
    case = random_case(k)
    want, error = lib.reference(case)
    rc, out, err = run(module(case))
    shapes = " ".join("%s%s" % (v, list(case[v].shape))
                      for v in ("g", "ii", "s", "oi"))
    if error is not None:
        n_err += 1
        if rc == 0 or error not in err or "Segmentation" in err:
            failures.append("%s (%s): expected %r, got rc %d: %r"
                            % (case["name"], shapes, error, rc, err[-300:]))
    else:
        n_val += 1
        got = lib.parse_results(out).get(0)
        if rc or got is None or \
                lib.printed_bits(got, "f32") != lib.bits(want, "f32"):
            failures.append("%s (%s): expected %s, got rc %d %s %r"
                            % (case["name"], shapes, list(want), rc, got,
                               err[-300:]))
for f in failures:
    print("FAIL:", f)
print("unranked import: %d error cases, %d value cases, %d failures"
      % (n_err, n_val, len(failures)))
