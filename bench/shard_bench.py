#!/usr/bin/env python3
"""Times sparse.slice_grad partitioned over P MPI processes
(sparse-shard-to-llvm, mpirun.mpich) against the one-process default
pipeline (sparse-lower-to-llvm) on the same data, in one run, and prints
ratios. Each configuration is `sparse-opt --run --repeat=N`: the per-call
minimum of each process, the slowest process for P > 1 (the call ends for
all when the last one finishes). JIT compilation is not timed.

    .venv/bin/python bench/shard_bench.py [--build-dir build] [--rows 4000000]
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
parser.add_argument("--rows", type=int, default=4_000_000)
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
    return g, ii, start, oi


def run(command, cwd):
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                          timeout=900)
    if proc.returncode != 0:
        raise SystemExit("failed: %s\n%s" % (" ".join(command),
                                             proc.stderr[-2000:]))
    times = [float(t) for t in TIME.findall(proc.stderr)]
    return max(times)


def main():
    rng = np.random.default_rng(0)
    rows = []
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, "one.mlir"), "w") as f:
            f.write(ONE)
        for procs in (1, 2):
            with open(os.path.join(work, "p%d.mlir" % procs), "w") as f:
                f.write(SHARDED.format(procs=procs))
        for kind in args.classes.split(","):
            g, ii, s, oi = data(kind, rng)
            for name, a in (("g", g), ("ii", ii), ("s", s), ("oi", oi)):
                np.save(os.path.join(work, name + ".npy"), a)
            for procs in (1, 2):
                for p, part in enumerate(np.array_split(ii, procs)):
                    np.save(os.path.join(work, "ii.%d.%d.npy" % (procs, p)),
                            np.ascontiguousarray(part))
            common = ["--repeat=%d" % args.repeat, "-O3", "--output="]
            base = run([opt, "--run", "one.mlir", "-e", "slice_grad",
                        "--input=@g.npy", "--input=@ii.npy", "--input=@s.npy",
                        "--input=@oi.npy"] + common, work)
            result = {"one process, 2 threads": base}
            for procs, threads in ((1, 2), (2, 1)):
                cmd = ('exec "%s" --run p%d.mlir -e slice_grad '
                       "--pass-pipeline='builtin.module(sparse-shard-to-llvm"
                       "{num-threads=%d})' --input=@g.npy "
                       "--input=@ii.%d.$PMI_RANK.npy --input=@s.npy "
                       "--input=@oi.npy %s") % (opt, procs, threads, procs,
                                                " ".join(common))
                result["P=%d x %d thread(s)" % (procs, threads)] = run(
                    ["mpirun.mpich", "-np", str(procs), "sh", "-c", cmd], work)
            rows.append((kind, result))
    print("N_in = %d, R = %d, N_out = N_in / 2, f32; min of %d calls "
          "(slowest process)\n" % (args.rows, args.rank, args.repeat))
    names = list(rows[0][1])
    print("| input | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for kind, result in rows:
        base = result[names[0]]
        cells = ["%.1f ms (%.2fx)" % (result[n], base / result[n])
                 for n in names]
        print("| %s | %s |" % (kind, " | ".join(cells)))


if __name__ == "__main__":
    main()
