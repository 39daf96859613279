# One failing process of an MPI job (issue 23): whatever step it fails at,
# before MPI starts (a bad --input, a pipeline it cannot build), during the
# collectives (a check that fails on that process only) or after them (an
# --output it cannot write), the job ends with a non-zero status and the
# failing process's message, and no process waits forever (each run under
# a timeout). Operands every process must hold whole (output_indices,
# input_start) that differ on one process are named, not silently mixed.
#
# REQUIRES: numpy, mpich
# RUN: %test_python %s --procs 2 | FileCheck %s
# RUN: %test_python %s --procs 3 | FileCheck %s
# CHECK: mpi failures: P={{[23]}}, 9 cases, 0 failures

import argparse
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

MODULE = """
shard.grid @grid(shape = {procs})
func.func @slice_grad(%g: tensor<?xf64>, %ii: tensor<?x1xi64>,
                      %s: tensor<1xi64>, %oi: tensor<?x1xi64>) -> tensor<?xf64> {{
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x1xi64>
  %r = sparse.slice_grad %g, %ii_rows, %s, %oi
      : tensor<?xf64>, tensor<?x1xi64>, tensor<1xi64>, tensor<?x1xi64> -> tensor<?xf64>
  return %r : tensor<?xf64>
}}
"""

parser = argparse.ArgumentParser()
parser.add_argument("--procs", type=int, required=True)
args = parser.parse_args()
procs = args.procs
last = procs - 1
failures = []

with tempfile.TemporaryDirectory() as tmp:
    module = os.path.join(tmp, "sharded.mlir")
    with open(module, "w") as f:
        f.write(MODULE.format(procs=procs))
    n = 2 * procs
    np.save(os.path.join(tmp, "g.npy"), np.arange(1.0, n + 1.0))
    np.save(os.path.join(tmp, "g_short.npy"), np.arange(1.0, n))
    np.save(os.path.join(tmp, "s.npy"), np.zeros(1, np.int64))
    np.save(os.path.join(tmp, "s1.npy"), np.ones(1, np.int64))
    oi = np.arange(n, dtype=np.int64)[:, None]
    np.save(os.path.join(tmp, "oi.npy"), oi)
    changed = oi.copy()
    changed[-1, 0] += 1
    np.save(os.path.join(tmp, "oi_changed.npy"), changed)
    np.save(os.path.join(tmp, "oi_swapped.npy"), oi[[1, 0] + list(range(2, n))])
    np.save(os.path.join(tmp, "oi_short.npy"), oi[:-1])
    for p in range(procs):
        np.save(os.path.join(tmp, "ii.%d.npy" % p),
                np.array([[2 * p], [2 * p + 1]], np.int64))

    def command(g="g.npy", ii="ii.$PMI_RANK.npy", pipeline="",
                output="out.$PMI_RANK.npy", s="s.npy", oi="oi.npy"):
        return ('exec "{opt}" --run "{mod}" -e slice_grad '
                '--pass-pipeline="builtin.module(sparse-shard-to-llvm'
                '{{num-threads=1{pipe}}})" --input=@{g} --input=@{ii} '
                "--input=@{s} --input=@{oi} --output=@{out} -O0").format(
                    opt=lib.sparse_opt(), mod=module, g=g, ii=ii,
                    pipe=pipeline, out=output, s=s, oi=oi)

    def on_last(bad, good):
        """A shell value: `bad` on the last process, `good` elsewhere."""
        return '$( [ "$PMI_RANK" = %d ] && echo %s || echo %s )' % (
            last, bad, good)

    REPLICAS = ("differ between the processes of a partitioned "
                "sparse.slice_grad")
    cases = [
        ("ok", command(), 0, None),
        ("before MPI: missing --input", command(
            ii=on_last("missing.npy", "ii.$PMI_RANK.npy")), 1,
         "missing.npy: No such file or directory"),
        ("before MPI: a pipeline it cannot build", command(
            pipeline=on_last("\\ vector-width=65", "")), 1,
         "vector-width must be at most 64"),
        ("during: a check that fails on one process", command(
            g=on_last("g_short.npy", "g.npy")), 1,
         "# elements of backprop_val_grad and # rows of output_indices "
         "should match"),
        ("during: output_indices changed on one process", command(
            oi=on_last("oi_changed.npy", "oi.npy")), 1, REPLICAS),
        ("during: output_indices reordered on one process", command(
            oi=on_last("oi_swapped.npy", "oi.npy")), 1, REPLICAS),
        ("during: output_indices and backprop_val_grad shorter on one "
         "process", command(oi=on_last("oi_short.npy", "oi.npy"),
                            g=on_last("g_short.npy", "g.npy")), 1, REPLICAS),
        ("during: input_start changed on one process", command(
            s=on_last("s1.npy", "s.npy")), 1, REPLICAS),
        ("after: an --output it cannot write", command(
            output=on_last("missing/out.npy", "out.$PMI_RANK.npy")), 1,
         "missing/out.npy: No such file or directory"),
    ]
    for label, cmd, want_rc, message in cases:
        for p in range(procs):
            out = os.path.join(tmp, "out.%d.npy" % p)
            if os.path.exists(out):
                os.remove(out)
        started = time.time()
        try:
            proc = subprocess.run(["mpirun.mpich", "-np", str(procs), "sh",
                                   "-c", cmd], cwd=tmp, capture_output=True,
                                  text=True, timeout=90)
        except subprocess.TimeoutExpired:
            failures.append("%s: hung (killed after 90 s)" % label)
            continue
        if (proc.returncode == 0) != (want_rc == 0) or \
                (message and message not in proc.stderr):
            failures.append("%s: rc %d, expected %s%s; stderr: %s" % (
                label, proc.returncode, "0" if want_rc == 0 else "non-zero",
                " and %r" % message if message else "", proc.stderr[-600:]))
            continue
        # The processes that did not fail wrote their rows.
        if label.startswith("ok") or label.startswith("after"):
            good = range(procs) if label == "ok" else range(last)
            for p in good:
                got = np.load(os.path.join(tmp, "out.%d.npy" % p))
                if got.tolist() != [2.0 * p + 1, 2.0 * p + 2]:
                    failures.append("%s: process %d wrote %s" % (
                        label, p, got.tolist()))

for f in failures:
    print("FAIL:", f)
print("mpi failures: P=%d, %d cases, %d failures" % (procs, len(cases),
                                                      len(failures)))
