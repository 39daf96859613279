#!/usr/bin/env python3
"""Times sparse.slice_grad partitioned over P MPI processes
(sparse-shard-to-llvm, mpirun.mpich) against the one-process default
pipeline (sparse-lower-to-llvm) on the same data, in one run, and prints
ratios. Two forms: output_indices and backprop_val_grad replicated (every
process holds all output rows), and split by rows as a row-split forward
SparseSlice leaves them (each process the output rows of its input rows).
Each configuration is `sparse-opt --run --repeat=N`: the per-call minimum
of each process, the slowest process for P > 1 (the call ends for all
when the last one finishes). JIT compilation is not timed. Every result is
compared bit for bit with the one-process result first.

    .venv/bin/python bench/shard_bench.py [--build-dir build] [--rows 10000000]
        [--rank 2] [--repeat 7] [--classes sorted,shuffled]
"""

import argparse
import os
import re
import subprocess
import tempfile

import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--build-dir", default="build")
parser.add_argument("--rows", type=int, default=10_000_000)
parser.add_argument("--rank", type=int, default=2)
parser.add_argument("--repeat", type=int, default=7)
parser.add_argument("--classes", default="sorted,shuffled")
args = parser.parse_args()
opt = os.path.abspath(os.path.join(args.build_dir, "bin", "sparse-opt"))

ONE = """
func.func @slice_grad(%g: tensor<?xf32>, %ii: tensor<?x?xi64>,
                      %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi
      : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
"""
SHARDED = """
shard.grid @grid(shape = {procs})
func.func @slice_grad(%g: tensor<?xf32>, %ii: tensor<?x?xi64>,
                      %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {{
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x?xi64>
  %r = sparse.slice_grad %g, %ii_rows, %s, %oi
      : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}}
"""
SPLIT = SHARDED.replace(
    "  %r = sparse.slice_grad %g, %ii_rows, %s, %oi",
    "  %oi_rows = shard.shard %oi to %rows : tensor<?x?xi64>\n"
    "  %g_rows = shard.shard %g to %rows : tensor<?xf32>\n"
    "  %r = sparse.slice_grad %g_rows, %ii_rows, %s, %oi_rows")
TIME = re.compile(r"calls: min ([0-9.]+) ms")


def data(kind, rng):
    """A SparseSlice of a sparse tensor: the rows of a box (half of all
    rows, in the middle of the sorted order), output rows in input order
    (as TensorFlow's SparseSlice emits them)."""
    n, r = args.rows, args.rank
    i = np.arange(n, dtype=np.int64)
    ii = np.zeros((n, r), dtype=np.int64)
    ii[:, 0] = i // 4
    if r > 1:
        ii[:, 1] = i % 4
    if kind == "shuffled":
        ii = ii[rng.permutation(n)]
    start = np.zeros(r, dtype=np.int64)
    start[0] = n // 16
    inside = (ii[:, 0] >= n // 16) & (ii[:, 0] < 3 * n // 16)
    oi = ii[inside] - start
    g = rng.standard_normal(len(oi)).astype(np.float32)
    return g, ii, start, oi, inside


def run(command, cwd, procs=0):
    """The slowest process's per-call minimum. Under mpirun each process
    writes its own log (err.<rank>.txt): the processes' lines interleave
    on one stream."""
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                          timeout=900)
    logs = [proc.stderr] if not procs else [
        open(os.path.join(cwd, "err.%d.txt" % p)).read()
        for p in range(procs)]
    if proc.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (" ".join(command),
                                             "".join(logs)[-2000:]))
    return max(float(t) for log in logs for t in TIME.findall(log))


def save_parts(work, procs, ii, g, oi, inside):
    """Each process's input rows (even blocks) and, for the split form,
    the output rows and gradients of its input rows."""
    at = 0
    for p, rows in enumerate(np.array_split(np.arange(len(ii)), procs)):
        np.save(os.path.join(work, "ii.%d.%d.npy" % (procs, p)),
                np.ascontiguousarray(ii[rows]))
        m = int(np.count_nonzero(inside[rows]))
        np.save(os.path.join(work, "oi.%d.%d.npy" % (procs, p)),
                np.ascontiguousarray(oi[at:at + m]))
        np.save(os.path.join(work, "g.%d.%d.npy" % (procs, p)),
                np.ascontiguousarray(g[at:at + m]))
        at += m


def check(work, name, procs, expected):
    got = np.concatenate([np.load(os.path.join(work, "out.%d.npy" % p))
                          for p in range(procs)])
    if got.tobytes() != expected.tobytes():
        raise SystemExit("%s: result differs from one process's" % name)


def main():
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "one.mlir"), "w") as f:
            f.write(ONE)
        for procs in (1, 2):
            for form, text in (("replicated", SHARDED), ("split", SPLIT)):
                with open(os.path.join(work, "%s%d.mlir" % (form, procs)),
                          "w") as f:
                    f.write(text.format(procs=procs))
        for kind in args.classes.split(","):
            g, ii, s, oi, inside = data(kind, rng)
            for name, a in (("g", g), ("ii", ii), ("s", s), ("oi", oi)):
                np.save(os.path.join(work, name + ".npy"), a)
            for procs in (1, 2):
                save_parts(work, procs, ii, g, oi, inside)
            common = ["--repeat=%d" % args.repeat, "-O3"]
            base = run([opt, "--run", "one.mlir", "-e", "slice_grad",
                        "--input=@g.npy", "--input=@ii.npy", "--input=@s.npy",
                        "--input=@oi.npy", "--output=@out.0.npy"] + common,
                       work)
            expected = np.load(os.path.join(work, "out.0.npy"))
            result = {"one process, 2 threads": base}
            result["one process, 1 thread"] = run(
                [opt, "--run", "one.mlir", "-e", "slice_grad",
                 "--pass-pipeline=builtin.module(sparse-lower-to-llvm"
                 "{num-threads=1})", "--input=@g.npy", "--input=@ii.npy",
                 "--input=@s.npy", "--input=@oi.npy", "--output=@out.0.npy"]
                + common, work)
            check(work, "one process, 1 thread", 1, expected)
            for form in ("replicated", "split"):
                for procs, threads in ((1, 1), (2, 1), (1, 2)):
                    own = ".%d.$PMI_RANK" % procs if form == "split" else ""
                    cmd = ('exec "%s" --run %s%d.mlir -e slice_grad '
                           "--pass-pipeline='builtin.module("
                           "sparse-shard-to-llvm{num-threads=%d})' "
                           "--input=@g%s.npy --input=@ii.%d.$PMI_RANK.npy "
                           "--input=@s.npy --input=@oi%s.npy "
                           "--output=@out.$PMI_RANK.npy %s "
                           "2> err.$PMI_RANK.txt") % (
                               opt, form, procs, threads, own, procs, own,
                               " ".join(common))
                    name = "%s P=%d x %d" % (form, procs, threads)
                    result[name] = run(
                        ["mpirun.mpich", "-np", str(procs), "sh", "-c", cmd],
                        work, procs)
                    check(work, name, procs, expected)
            rows.append((kind, result))
    print("N_in = %d, R = %d, N_out = N_in / 2, f32; min of %d calls "
          "(slowest process); P = processes x threads each\n" % (
              args.rows, args.rank, args.repeat))
    names = list(rows[0][1])
    print("| input | config | ms | vs one process 2T | vs P=1 x 1 "
          "of its form |")
    print("|---|---|---|---|---|")
    for kind, result in rows:
        base = result[names[0]]
        for n in names:
            form = n.split()[0]
            own = result.get("%s P=1 x 1" % form, result[n])
            print("| %s | %s | %.1f | %.2fx | %.2fx |" % (
                kind, n, result[n], base / result[n], own / result[n]))


if __name__ == "__main__":
    main()
