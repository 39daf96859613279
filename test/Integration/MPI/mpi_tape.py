# A GradientTape program sharded by rows over P MPI processes
# (sparse-shard-to-llvm, mpirun.mpich): the forward sparse.slice
# (TensorFlow's SparseSlice) and its gradient sparse.slice_grad on the
# forward's results, both split, with the kept values as the upstream
# gradient (loss = sum(v^2) / 2). Each process gets its rows of indices
# and values and writes its share of the kept rows and values, the output
# shape and its rows of the gradient. The kept rows and values of all
# processes, concatenated, must be TensorFlow's SparseSlice's, every
# output shape TensorFlow's, the gradients TensorFlow's SparseSliceGrad's
# on them (the Python models of both kernels), bit for bit; a slice that
# TensorFlow rejects makes every process fail with TensorFlow's message.
#
# With --tf the judge is real TensorFlow: tf.raw_ops.SparseSlice, and the
# gradient of sum(v^2) / 2 through tf.sparse.slice under tf.GradientTape.
#
# REQUIRES: numpy, mpich
# RUN: %test_python %s --procs 1 --cases 6 | FileCheck %s
# RUN: %test_python %s --procs 2 --cases 12 | FileCheck %s
# RUN: %test_python %s --procs 3 --cases 10 | FileCheck %s
# RUN: %if tensorflow %{ %test_python %s --procs 2 --cases 10 --tf | FileCheck %s %}
# CHECK: mpi tape: P={{[1-3]}}, {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 0 failures

import argparse
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402
import sparse_slice_ref as ref  # noqa: E402

MODULE = """
shard.grid @grid(shape = {procs})
func.func @tape(%ii: tensor<?x{r}xi64>, %v: tensor<?xf64>, %shape: tensor<{r}xi64>,
                %start: tensor<{r}xi64>, %size: tensor<{r}xi64>)
    -> (tensor<?x{r}xi64>, tensor<?xf64>, tensor<{r}xi64>, tensor<?xf64>) {{
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x{r}xi64>
  %v_rows = shard.shard %v to %rows : tensor<?xf64>
  %oi, %ov, %os = sparse.slice %ii_rows, %v_rows, %shape, %start, %size
      : tensor<?x{r}xi64>, tensor<?xf64>, tensor<{r}xi64>, tensor<{r}xi64>,
        tensor<{r}xi64> -> tensor<?x{r}xi64>, tensor<?xf64>, tensor<{r}xi64>
  %vg = sparse.slice_grad %ov, %ii_rows, %start, %oi
      : tensor<?xf64>, tensor<?x{r}xi64>, tensor<{r}xi64>, tensor<?x{r}xi64>
        -> tensor<?xf64>
  return %oi, %ov, %os, %vg
      : tensor<?x{r}xi64>, tensor<?xf64>, tensor<{r}xi64>, tensor<?xf64>
}}
"""
RESULTS = ("oi", "ov", "os", "vg")
USE_TF = False


def cases(rng, count):
    """Sorted, shuffled, duplicate-heavy and concatenated (blocks in
    random order) tensors sliced by random boxes, empty ones included;
    every fifth with a negative size (TensorFlow's shape error)."""
    kinds = ["sorted", "shuffled", "duplicates", "blocks", "error"]
    out = []
    for k in range(count):
        kind = kinds[k % len(kinds)]
        rank = int(rng.integers(1, 4))
        n = int(rng.integers(0, 40))
        ii = rng.integers(0, 5, size=(n, rank), dtype=np.int64)
        if kind in ("sorted", "blocks", "duplicates") and n:
            ii = ii[np.lexsort(ii.T[::-1])]
        if kind == "duplicates" and n:
            ii = np.repeat(ii[: max(1, n // 3)], 3, axis=0)
        if kind == "blocks" and n > 4:
            parts = np.array_split(ii, 3)
            rng.shuffle(parts)
            ii = np.concatenate(parts)
        if kind == "shuffled" and n:
            ii = ii[rng.permutation(n)]
        shape = np.full(rank, 5, dtype=np.int64)
        start = rng.integers(0, 3, size=rank, dtype=np.int64)
        size = rng.integers(0, 4, size=rank, dtype=np.int64)
        if kind == "error":
            size[0] = -1
        out.append({"name": "%s-%d" % (kind, k), "ii": ii,
                    "v": rng.standard_normal(len(ii)), "shape": shape,
                    "start": start, "size": size})
    return out


def expected_by_tf(case):
    """Real TensorFlow: its SparseSlice kernel, and the gradient of
    sum(v^2) / 2 with respect to the values through tf.sparse.slice under
    tf.GradientTape (SparseSliceGrad of the kept values)."""
    import tensorflow as tf
    ii = tf.constant(case["ii"], tf.int64)
    v = tf.constant(case["v"], tf.float64)
    args = [tf.constant(case[k], tf.int64) for k in ("shape", "start",
                                                     "size")]
    try:
        oi, ov, os_ = tf.raw_ops.SparseSlice(indices=ii, values=v,
                                             shape=args[0], start=args[1],
                                             size=args[2])
    except tf.errors.InvalidArgumentError as e:
        # Eager errors wrap the kernel's message: "{{function_node ...}}
        # <message> [Op:SparseSlice] name: ".
        message = re.sub(r"^\{\{[^}]*\}\}\s*", "", e.message)
        return None, re.sub(r"\s*\[Op:[^]]*\].*$", "", message)
    with tf.GradientTape() as tape:
        tape.watch(v)
        kept = tf.sparse.slice(tf.SparseTensor(ii, v, args[0]), args[1],
                               args[2])
        loss = tf.reduce_sum(kept.values * kept.values) / 2
    vg = tape.gradient(loss, v)
    return (oi.numpy(), ov.numpy(), os_.numpy(), vg.numpy()), None


def expected(case):
    """TensorFlow's slice and gradient, or (None, its message)."""
    if USE_TF:
        return expected_by_tf(case)
    try:
        oi, ov, os_ = ref.sparse_slice(case["ii"], case["v"], case["shape"],
                                       case["start"], case["size"])
    except ref.TFError as e:
        return None, str(e)
    vg, error = lib.reference({"g": ov, "ii": case["ii"], "s": case["start"],
                               "oi": oi})
    assert error is None, error
    return (oi, ov, os_, vg), None


def blocks_of(rng, n, procs):
    if rng.random() < 0.5:
        return np.array_split(np.arange(n), procs)
    return np.split(np.arange(n), np.sort(rng.integers(0, n + 1,
                                                       size=procs - 1)))


def run_case(case, procs, workdir, rng):
    ii = case["ii"]
    rank = ii.shape[1]
    module = os.path.join(workdir, "tape-r%d.mlir" % rank)
    if not os.path.exists(module):
        with open(module, "w") as f:
            f.write(MODULE.format(procs=procs, r=rank))
    for name in ("shape", "start", "size"):
        np.save(os.path.join(workdir, name + ".npy"), case[name])
    for p, rows in enumerate(blocks_of(rng, len(ii), procs)):
        np.save(os.path.join(workdir, "ii.%d.npy" % p),
                np.ascontiguousarray(ii[rows].reshape(-1, rank)))
        np.save(os.path.join(workdir, "v.%d.npy" % p), case["v"][rows])
        for name in RESULTS:
            path = os.path.join(workdir, "%s.%d.npy" % (name, p))
            if os.path.exists(path):
                os.remove(path)
    command = (
        'exec "{opt}" --run "{mod}" -e tape '
        "--pass-pipeline='builtin.module(sparse-shard-to-llvm{{num-threads=1}})' "
        "--input=@ii.$PMI_RANK.npy --input=@v.$PMI_RANK.npy "
        "--input=@shape.npy --input=@start.npy --input=@size.npy {outs} -O0"
    ).format(opt=lib.sparse_opt(), mod=module,
             outs=" ".join("--output=@%s.$PMI_RANK.npy" % n for n in RESULTS))
    proc = subprocess.run(["mpirun.mpich", "-np", str(procs), "sh", "-c",
                           command], cwd=workdir, capture_output=True,
                          text=True, timeout=120)
    want, error = expected(case)
    if error is not None:
        lines = [ln for ln in proc.stderr.splitlines() if error in ln]
        if proc.returncode == 0 or len(lines) < procs:
            return "expected %r on every process; rc %d, stderr: %s" % (
                error, proc.returncode, proc.stderr[-500:])
        return None
    if proc.returncode != 0:
        return "failed: " + proc.stderr[-800:]
    got = {name: [np.load(os.path.join(workdir, "%s.%d.npy" % (name, p)))
                  for p in range(procs)] for name in RESULTS}
    oi, ov, os_, vg = want
    checks = [("kept rows", np.concatenate(got["oi"]), oi),
              ("kept values", np.concatenate(got["ov"]), ov),
              ("gradient", np.concatenate(got["vg"]), vg)]
    checks += [("output shape of process %d" % p, s, os_)
               for p, s in enumerate(got["os"])]
    for what, have, should in checks:
        if have.dtype != should.dtype or have.shape != should.shape or \
                have.tobytes() != should.tobytes():
            return "%s: got %s, expected %s" % (what, have.tolist(),
                                                should.tolist())
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--procs", type=int, required=True)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tf", action="store_true",
                        help="judge by real TensorFlow")
    args = parser.parse_args()
    global USE_TF
    USE_TF = args.tf
    rng = np.random.default_rng(args.seed + 1000 * args.procs)
    failures = values = errors = 0
    with tempfile.TemporaryDirectory() as workdir:
        for case in cases(rng, args.cases):
            if expected(case)[1] is None:
                values += 1
            else:
                errors += 1
            problem = run_case(case, args.procs, workdir, rng)
            if problem:
                failures += 1
                print("FAIL %s: %s" % (case["name"], problem))
    print("mpi tape: P=%d, %d value cases, %d error cases, %d failures" % (
        args.procs, values, errors, failures))


if __name__ == "__main__":
    main()
