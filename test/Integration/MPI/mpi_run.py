# sparse.slice_grad partitioned by rows over P MPI processes
# (sparse-shard-to-llvm, mpirun.mpich), against the Python reference of
# TensorFlow's loop: the golden cases and seeded random and adversarial
# ones (sorted, shuffled, block-shuffled, duplicates, rows split across a
# process boundary, an empty block, foreign output rows, the
# not-all-propagated error). Each process gets its own rows of
# input_indices (its own .npy file) and writes its rows of the result;
# their concatenation must equal the reference bit for bit, and an input
# TensorFlow rejects must make every process fail with its message.
# With --split-out, output_indices and backprop_val_grad are split by rows
# too: as a row-split forward SparseSlice leaves them (each process the
# output rows its input rows match) or at random cuts (the exact path).
#
# REQUIRES: numpy, mpich
# RUN: %test_python %s --procs 1 --cases 5 | FileCheck %s
# RUN: %test_python %s --procs 2 --cases 21 | FileCheck %s
# RUN: %test_python %s --procs 3 --cases 10 | FileCheck %s
# RUN: %test_python %s --procs 1 --cases 5 --split-out | FileCheck %s
# RUN: %test_python %s --procs 2 --cases 16 --split-out | FileCheck %s
# RUN: %test_python %s --procs 3 --cases 14 --split-out | FileCheck %s
# CHECK: mpi run: P={{[1-3]}}, {{[1-9][0-9]*}} value cases, {{[1-9][0-9]*}} error cases, 0 failures

import argparse
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

# Row counts are dynamic (each process has its own); R is static per
# module (one module per R keeps the JIT's work small: a dynamic R compiles
# a specialization for every R up to 8).
MODULE = """
shard.grid @grid(shape = {procs})
func.func @slice_grad(%g: tensor<?xf64>, %ii: tensor<?x{r}xi64>,
                      %s: tensor<{r}xi64>, %oi: tensor<?x{r}xi64>) -> tensor<?xf64> {{
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x{r}xi64>
  {split}
  %r = sparse.slice_grad %g, %ii_rows, %s, %oi
      : tensor<?xf64>, tensor<?x{r}xi64>, tensor<{r}xi64>, tensor<?x{r}xi64> -> tensor<?xf64>
  return %r : tensor<?xf64>
}}
"""
# Output rows and gradients split by rows as well (the names shadow the
# arguments from here on).
SPLIT = """%oi_rows = shard.shard %oi to %rows : tensor<?x{r}xi64>
  %g_rows = shard.shard %g to %rows : tensor<?xf64>"""


def module_for(workdir, procs, rank, split_out=False):
    """The sharded module for `procs` processes and R = rank, or R known
    only at run time for rank None (written once)."""
    r = "?" if rank is None else str(rank)
    path = os.path.join(workdir, "sharded-r%s%s.mlir" % (
        r.replace("?", "dyn"), "-split" if split_out else ""))
    if not os.path.exists(path):
        text = MODULE.format(procs=procs, r=r,
                             split=SPLIT.format(r=r) if split_out else "")
        if split_out:
            text = text.replace("%g, %ii_rows, %s, %oi\n",
                                "%g_rows, %ii_rows, %s, %oi_rows\n")
        with open(path, "w") as f:
            f.write(text)
    return path


def cases(rng, count, golden=True):
    """Cases with the row order that splits across processes matters."""
    out = []
    if golden:
        _, tf_cases = lib.golden_cases(os.path.join(
            os.path.dirname(__file__), "..", "..", "golden", "tf_cases.json"))
        out = [c for c in tf_cases if c["ii"].ndim == 2 and c["oi"].ndim == 2
               and c["g"].ndim == 1 and c["s"].ndim == 1]
    kinds = ["sorted", "unpropagated", "shuffled", "blocks", "duplicates",
             "foreign", "empty-out"]
    for k in range(count):
        kind = kinds[k % len(kinds)]
        rank = int(rng.integers(1, 4))
        n_in = int(rng.integers(0, 40))
        ii = rng.integers(0, 4, size=(n_in, rank), dtype=np.int64)
        if kind == "sorted" and n_in:
            ii = ii[np.lexsort(ii.T[::-1])]
        if kind == "duplicates" and n_in:
            ii = np.repeat(ii[: max(1, n_in // 3)], 3, axis=0)
        start = rng.integers(0, 2, size=rank, dtype=np.int64)
        inside = [i for i in range(len(ii)) if all(
            1 <= ii[i][d] - start[d] <= 2 for d in range(rank))] \
            if len(ii) else []
        oi = (ii[inside] - start).reshape(-1, rank) if inside else \
            np.zeros((0, rank), dtype=np.int64)
        if kind == "blocks" and len(ii) > 4:
            # Concatenated slices: blocks of rows in shuffled order (the
            # output rows keep the original order).
            parts = np.array_split(ii, 3)
            rng.shuffle(parts)
            ii = np.concatenate(parts)
        if kind == "shuffled" and len(ii):
            ii = ii[rng.permutation(len(ii))]
        if kind == "foreign" and len(oi):
            oi = oi.copy()
            oi[-1] = 9  # a row no input row equals
        if kind == "unpropagated":
            # Reversed order: the loop stops early; or a row no input row
            # equals.
            oi = oi[::-1].copy() if len(oi) > 1 else np.concatenate(
                [oi, np.full((1, rank), 9, dtype=np.int64)])
        if kind == "empty-out":
            oi = np.zeros((0, rank), dtype=np.int64)
        g = rng.standard_normal(len(oi))
        out.append({"name": "%s-%d" % (kind, k), "g": g, "ii": ii,
                    "s": start, "oi": oi})
    # Three equal input rows and two output rows equal to them, the third
    # input row on process 1 and one output row on each of processes 0
    # and 1: process 0's second row matches process 1's output row, so
    # TensorFlow's loop gives process 1's row 0 (split output rows: process
    # 0 must refuse its own run).
    rank = int(rng.integers(1, 4))
    ii = np.ones((3, rank), dtype=np.int64)
    out.append({"name": "boundary-duplicates", "g": rng.standard_normal(2),
                "ii": ii, "s": np.zeros(rank, np.int64), "oi": ii[:2].copy(),
                "blocks": [2, 1], "cuts": [1, 2]})
    return out


def split_rows(rng, n, procs, sizes=None):
    """Process boundaries: even, or random with possibly empty blocks; or
    the first blocks of the given sizes and the rest empty."""
    if sizes:
        bounds = np.minimum(np.cumsum(sizes), n)[:procs - 1]
        bounds = list(bounds) + [n] * (procs - 1 - len(bounds))
        return np.split(np.arange(n), bounds)
    if rng.random() < 0.5:
        return np.array_split(np.arange(n), procs)
    cuts = np.sort(rng.integers(0, n + 1, size=procs - 1))
    return np.split(np.arange(n), cuts)


def forward_cuts(case, blocks):
    """Output row boundaries as a row-split forward SparseSlice leaves
    them: each process the output rows that its input rows match in
    TensorFlow's loop (a row no input row matches stays with the process
    before it)."""
    ii, oi, s = case["ii"].tolist(), case["oi"].tolist(), case["s"].tolist()
    owner_of_row = np.zeros(len(ii), dtype=np.int64)
    for p, rows in enumerate(blocks):
        owner_of_row[rows] = p
    owners, j = [], 0
    for i in range(len(ii)):
        if j < len(oi) and all(ii[i][d] == lib.wrap64(oi[j][d] + s[d])
                               for d in range(len(s))):
            owners.append(int(owner_of_row[i]))
            j += 1
    owners += [owners[-1] if owners else 0] * (len(oi) - j)
    return [int(np.searchsorted(owners, p)) for p in range(1, len(blocks))]


def save_output_rows(case, blocks, rng, workdir):
    """Each process's output rows and gradients: forward cuts or random
    ones (empty blocks included). Gradients longer or shorter than the
    output rows (an error case) put the difference on the last process."""
    g, oi = case["g"].astype(np.float64), case["oi"].astype(np.int64)
    if "cuts" in case:
        cuts = list(np.minimum(case["cuts"], len(oi))[:len(blocks) - 1])
        cuts += [len(oi)] * (len(blocks) - 1 - len(cuts))
    elif rng.random() < 0.5:
        cuts = forward_cuts(case, blocks)
    else:
        cuts = sorted(rng.integers(0, len(oi) + 1, size=len(blocks) - 1))
    bounds = [0] + list(cuts) + [len(oi)]
    for p in range(len(blocks)):
        lo, hi = bounds[p], bounds[p + 1]
        g_hi = len(g) if p == len(blocks) - 1 else min(hi, len(g))
        np.save(os.path.join(workdir, "oi.%d.npy" % p),
                np.ascontiguousarray(oi[lo:hi]))
        np.save(os.path.join(workdir, "g.%d.npy" % p),
                np.ascontiguousarray(g[min(lo, len(g)):g_hi]))


def run_case(case, procs, workdir, rng, repeat=1, dynamic_rank=False,
             split_out=False):
    ii = case["ii"].astype(np.int64)
    module_path = module_for(workdir, procs,
                             None if dynamic_rank else ii.shape[1], split_out)
    np.save(os.path.join(workdir, "g.npy"), case["g"].astype(np.float64))
    np.save(os.path.join(workdir, "s.npy"), case["s"].astype(np.int64))
    np.save(os.path.join(workdir, "oi.npy"), case["oi"].astype(np.int64))
    blocks = split_rows(rng, len(ii), procs, case.get("blocks"))
    for p, rows in enumerate(blocks):
        np.save(os.path.join(workdir, "ii.%d.npy" % p),
                np.ascontiguousarray(ii[rows].reshape(-1, ii.shape[1])))
        out = os.path.join(workdir, "out.%d.npy" % p)
        if os.path.exists(out):
            os.remove(out)
    own = ""
    if split_out:
        save_output_rows(case, blocks, rng, workdir)
        own = ".$PMI_RANK"
    command = (
        'exec "{opt}" --run "{mod}" -e slice_grad '
        "--pass-pipeline='builtin.module(sparse-shard-to-llvm{{num-threads=1}})' "
        "--input=@g{own}.npy --input=@ii.$PMI_RANK.npy --input=@s.npy "
        "--input=@oi{own}.npy --output=@out.$PMI_RANK.npy -O0 --repeat={rep}"
    ).format(opt=lib.sparse_opt(), mod=module_path, rep=repeat, own=own)
    proc = subprocess.run(["mpirun.mpich", "-np", str(procs), "sh", "-c",
                           command], cwd=workdir, capture_output=True,
                          text=True, timeout=120)
    expected, error = lib.reference(case)
    if error is not None:
        # Every process reports TensorFlow's message and fails.
        if proc.returncode == 0:
            return "ran; expected error: " + error
        if split_out and error.startswith(NNZ):
            # A process sees only its own lengths: those that differ
            # report them (with TensorFlow's words), the rest stop.
            error, procs = NNZ, 1
        lines = [ln for ln in proc.stderr.splitlines() if error in ln]
        if len(lines) < procs:
            return "error on %d of %d processes, expected %r; stderr: %s" % (
                len(lines), procs, error, proc.stderr[-500:])
        return None
    if proc.returncode != 0:
        return "failed: " + proc.stderr[-800:]
    got = np.concatenate([np.load(os.path.join(workdir, "out.%d.npy" % p))
                          for p in range(procs)])
    if got.dtype != np.float64 or got.tobytes() != expected.tobytes():
        return "got %s, expected %s" % (got.tolist(), expected.tolist())
    return None


NNZ = "# elements of backprop_val_grad and # rows of output_indices"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--procs", type=int, required=True)
    parser.add_argument("--cases", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-golden", action="store_true")
    parser.add_argument("--split-out", action="store_true")
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed + 100 * args.procs)
    failures = values = errors = 0
    with tempfile.TemporaryDirectory() as workdir:
        module_path = module_for(workdir, args.procs, 1)
        for k, case in enumerate(
                cases(rng, args.cases, golden=not args.no_golden)):
            _, error = lib.reference(case)
            if error is None:
                values += 1
            else:
                errors += 1
            # The first case 3000 times in a row: more calls than MPICH has
            # communicators (2048), so a communicator made per call would
            # fail.
            # The second one also with R known only at run time.
            problem = run_case(case, args.procs, workdir, rng,
                               repeat=3000 if k == 0 and args.procs == 2
                               else 1, split_out=args.split_out)
            if not problem and k == 1 and args.procs == 2:
                problem = run_case(case, args.procs, workdir, rng,
                                   dynamic_rank=True,
                                   split_out=args.split_out)
            if problem:
                failures += 1
                print("FAIL %s: %s" % (case["name"], problem))
        if args.procs == 2:
            # On fewer processes than the grid has: every process fails
            # with the process-count message (no wrong result, no hang).
            case = {"name": "np-1", "g": np.ones(1), "s": np.zeros(1, np.int64),
                    "ii": np.zeros((2, 1), np.int64),
                    "oi": np.zeros((1, 1), np.int64)}
            np.save(os.path.join(workdir, "g.npy"), case["g"])
            np.save(os.path.join(workdir, "s.npy"), case["s"])
            np.save(os.path.join(workdir, "oi.npy"), case["oi"])
            np.save(os.path.join(workdir, "ii.0.npy"), case["ii"])
            command = (
                'exec "{opt}" --run "{mod}" -e slice_grad '
                "--pass-pipeline='builtin.module(sparse-shard-to-llvm)' "
                "--input=@g.npy --input=@ii.0.npy --input=@s.npy "
                "--input=@oi.npy -O0").format(opt=lib.sparse_opt(),
                                               mod=module_path)
            proc = subprocess.run(["mpirun.mpich", "-np", "1", "sh", "-c",
                                   command], cwd=workdir, capture_output=True,
                                  text=True, timeout=120)
            errors += 1
            want = "partitioned for 2 processes but runs on 1"
            if proc.returncode == 0 or want not in proc.stderr:
                failures += 1
                print("FAIL np-1: " + proc.stderr[-500:])
    print("mpi run: P=%d, %d value cases, %d error cases, %d failures" % (
        args.procs, values, errors, failures))


if __name__ == "__main__":
    main()
