"""JAX's own gradient of a sparse slice, a user's alternative to ours, on
the arrays slice-grad-gpu-bench wrote (--dump-dir): the VJP of
jax.experimental.sparse.bcoo_slice (compacted by bcoo_sum_duplicates, which
gives TensorFlow's order on sorted input) with respect to the values,
jitted, on JAX's default device. Each case is checked bit for bit against
TensorFlow's result (the dump's expected array) before it is timed; with
--ours, the table adds slice-grad-gpu-bench's device-resident time of the
same case (from its markdown output) and the ratio.

    python3 bench/jax_gpu_bench.py DUMP_DIR [--ours bench.md] [--reps 5]
"""

import argparse
import glob
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from benchlib import median_seconds  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("dump_dir")
parser.add_argument("--ours", help="slice-grad-gpu-bench's output")
parser.add_argument("--reps", type=int, default=5)
args = parser.parse_args()

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax.experimental import sparse as jsparse  # noqa: E402

jax.config.update("jax_enable_x64", True)


def ours_times(path):
    """(class, N_in, R) -> our device-resident milliseconds."""
    times = {}
    if not path:
        return times
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) > 4 and re.fullmatch(r"[0-9]+", cells[1]):
            times[(cells[0], int(cells[1]), int(cells[2]))] = float(cells[4])
    return times


def load(base, suffix, dtype):
    return np.fromfile(base + suffix, dtype=dtype)


ours = ours_times(args.ours)
device = jax.devices()[0]
print("JAX %s on %s (%s)\n" % (jax.__version__, device.platform,
                               device.device_kind))
print("| class | N_in | R | bcoo_slice VJP (ms) | ours, device (ms) | "
      "ours vs bcoo_slice |")
print("|---|---|---|---|---|---|")
failures = 0
for base in sorted(glob.glob(os.path.join(args.dump_dir,
                                          "*.input_indices.i64"))):
    base = base[:-len("input_indices.i64")]
    kind, n_in, rank = os.path.basename(base)[:-1].rsplit("_", 2)
    n_in, rank = int(n_in), int(rank)
    ii = load(base, "input_indices.i64", np.int64).reshape(n_in, rank)
    start = load(base, "input_start.i64", np.int64)
    oi = load(base, "output_indices.i64", np.int64).reshape(-1, rank)
    g = load(base, "grad.f32", np.float32)
    want = load(base, "expected.f32", np.float32)
    # The slice is the box of the output rows (the generator's slices are
    # boxes whose every face holds an output row).
    limit = tuple(int(x) for x in start + oi.max(axis=0) + 1)
    shape = tuple(int(x) for x in np.maximum(ii.max(axis=0) + 1, limit))
    n_out = oi.shape[0]

    def sliced(data, indices):
        m = jsparse.BCOO((data, indices), shape=shape)
        out = jsparse.bcoo_slice(m, start_indices=tuple(start.tolist()),
                                 limit_indices=limit)
        return jsparse.bcoo_sum_duplicates(out, nse=n_out).data

    vjp = jax.jit(lambda d, idx, c: jax.vjp(
        lambda d: sliced(d, idx), d)[1](c)[0])
    data0 = jnp.zeros(n_in, jnp.float32)
    indices, ct = jnp.asarray(ii), jnp.asarray(g)
    got = np.asarray(vjp(data0, indices, ct))
    if got.tobytes() != want.tobytes():
        failures += 1
        print("| %s | %d | %d | differs from TensorFlow | | |" % (
            kind, n_in, rank))
        continue
    ms = 1e3 * median_seconds(
        lambda: vjp(data0, indices, ct).block_until_ready(), args.reps)
    mine = ours.get((kind, n_in, rank))
    print("| %s | %d | %d | %.3f | %s | %s |" % (
        kind, n_in, rank, ms, "%.3f" % mine if mine else "",
        "%.1fx" % (ms / mine) if mine else ""))
sys.exit(1 if failures else 0)
