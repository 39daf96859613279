#!/usr/bin/env python3
"""SparseSliceGrad and SparseSlice from JAX, on the same inputs in one run:
the project's JAX module (sparse_slice_grad_jax: jax.jit over the XLA FFI
handlers and the ahead-of-time kernel library), JAX's own (the slice
jax.experimental.sparse.bcoo_slice, compacted by bcoo_sum_duplicates, and
its VJP with respect to the values, jitted), TensorFlow's kernels
(tf.raw_ops.SparseSliceGrad and SparseSlice, eager, inputs already tensors)
and, for the gradient, `sparse-opt --run -O3` on the same arrays as .npy
files. Every result is checked against TensorFlow's before it is timed.
The second table is the forward, and jax.grad through it (the slice and
its fused gradient) against JAX's own slice and its VJP.

    .venv/bin/python bench/jax_bench.py [--build-dir build] [--rows 1000000]
        [--ranks 2,4] [--inside 5,50,100] [--reps 15]
"""

import argparse
import os
import sys
import tempfile

import benchlib
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ.setdefault("JAX_PLATFORMS", "cpu")

parser = argparse.ArgumentParser()
parser.add_argument("--build-dir", default="build")
parser.add_argument("--rows", type=int, default=1000000)
parser.add_argument("--ranks", default="2,4")
parser.add_argument("--inside", default="5,50,100")
parser.add_argument("--reps", type=int, default=15)
args = parser.parse_args()
sys.path.insert(0, os.path.join(args.build_dir, "python"))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
from jax.experimental import sparse as jsparse  # noqa: E402
import tensorflow as tf  # noqa: E402

jax.config.update("jax_enable_x64", True)
from sparse_slice_grad_jax import (kernel_target, sparse_slice,  # noqa: E402
                                   sparse_slice_grad)


def case(rng, n, rank, inside):
    """Sorted distinct rows of a dense-ish grid, and a slice of the box
    that keeps about inside% of them (the output rows in input order)."""
    side = int(np.ceil((n * 2) ** (1.0 / rank)))
    flat = np.sort(rng.choice(side ** rank, size=n, replace=False))
    ii = np.stack(np.unravel_index(flat, (side,) * rank), axis=1)
    ii = ii.astype(np.int64)
    # Keep the first dimension's share of inside%, all of the others.
    lo = 0
    hi = max(1, int(round(side * inside / 100.0)))
    start = np.zeros(rank, np.int64)
    size = np.full(rank, side, np.int64)
    start[0], size[0] = lo, hi - lo
    keep = np.all((ii >= start) & (ii < start + size), axis=1)
    oi = ii[keep] - start
    g = rng.standard_normal(oi.shape[0]).astype(np.float32)
    return g, ii, start, oi, (side,) * rank, size


def sparse_opt_run(tmp, g, ii, s, oi, reps):
    names = ("g", "ii", "s", "oi")
    for name, a in zip(names, (g, ii, s, oi)):
        np.save(os.path.join(tmp, name + ".npy"), a)
    out = os.path.join(tmp, "out.npy")
    seconds = benchlib.sparse_opt_run(
        os.path.join(args.build_dir, "bin", "sparse-opt"),
        "examples/slice_grad.mlir", "slice_grad",
        [os.path.join(tmp, n + ".npy") for n in names], [out], reps)
    return seconds, np.load(out)


rng = np.random.default_rng(7)
rows, slice_rows = [], []
ours_fn = jax.jit(sparse_slice_grad)
ours_slice = jax.jit(sparse_slice)
with tempfile.TemporaryDirectory() as tmp:
    for rank in [int(r) for r in args.ranks.split(",")]:
        for inside in [int(p) for p in args.inside.split(",")]:
            g, ii, s, oi, shape, size = case(rng, args.rows, rank,
                                                   inside)
            tensors = [tf.constant(a) for a in (g, ii, s, oi)]
            want = tf.raw_ops.SparseSliceGrad(
                backprop_val_grad=tensors[0], input_indices=tensors[1],
                input_start=tensors[2], output_indices=tensors[3]).numpy()

            args_dev = [jnp.asarray(a) for a in (g, ii, s, oi)]
            got = np.asarray(ours_fn(*args_dev))
            assert got.tobytes() == want.tobytes(), "JAX module differs"

            # JAX's own: the VJP of the slice's values in the values.
            indices = jnp.asarray(ii)
            limit = tuple(int(x) for x in s + size)

            n_out = int(oi.shape[0])

            def sliced(data, indices):
                # The slice's values as TensorFlow gives them: bcoo_slice
                # keeps every entry (those outside marked), so the kept
                # ones are compacted, in index order, by sum_duplicates.
                m = jsparse.BCOO((data, indices), shape=shape)
                out = jsparse.bcoo_slice(m, start_indices=tuple(s.tolist()),
                                         limit_indices=limit)
                return jsparse.bcoo_sum_duplicates(out, nse=n_out).data

            data0 = jnp.zeros(ii.shape[0], jnp.float32)
            ct = jnp.asarray(g)
            # Indices as an argument: closed over, XLA would sort them
            # while compiling (constant folding) instead of at run time.
            jax_vjp = jax.jit(lambda d, idx, c: jax.vjp(
                lambda d: sliced(d, idx), d)[1](c)[0])
            got_jax = np.asarray(jax_vjp(data0, indices, ct))
            assert got_jax.tobytes() == want.tobytes(), "bcoo_slice differs"

            median = benchlib.median_seconds
            t_ours = median(lambda: ours_fn(*args_dev).block_until_ready(),
                            args.reps)
            t_jax = median(lambda: jax_vjp(data0, indices,
                                           ct).block_until_ready(),
                           max(3, args.reps // 5))
            t_tf = median(lambda: tf.raw_ops.SparseSliceGrad(
                backprop_val_grad=tensors[0], input_indices=tensors[1],
                input_start=tensors[2], output_indices=tensors[3]),
                args.reps)
            t_run, got_run = sparse_opt_run(tmp, g, ii, s, oi, args.reps)
            assert got_run.tobytes() == want.tobytes(), "--run differs"
            rows.append([
                str(rank), "%d%%" % inside, str(oi.shape[0]),
                "%.3f" % (t_ours * 1e3), "%.3f" % (t_run * 1e3),
                "%.3f" % (t_tf * 1e3), "%.1f" % (t_jax * 1e3),
                "%.2fx" % (t_ours / t_run), "%.2fx" % (t_tf / t_ours),
                "%.0fx" % (t_jax / t_ours)])

            # The forward, and jax.grad through it.
            v = rng.standard_normal(ii.shape[0]).astype(np.float32)
            w = jnp.asarray(rng.standard_normal(ii.shape[0]).astype(
                np.float32))
            dense_shape = np.array(shape, np.int64)
            tf_in = [tf.constant(a) for a in (ii, v, dense_shape, s, size)]
            w_oi, w_ov, w_os = (x.numpy() for x in tf.raw_ops.SparseSlice(
                indices=tf_in[0], values=tf_in[1], shape=tf_in[2],
                start=tf_in[3], size=tf_in[4]))
            slice_args = [jnp.asarray(a) for a in (ii, v, dense_shape, s,
                                                   size)]
            oi_, ov_, os_, count = ours_slice(*slice_args)
            m = int(count)
            assert (m == w_ov.shape[0] and
                    np.asarray(oi_)[:m].tobytes() == w_oi.tobytes() and
                    np.asarray(ov_)[:m].tobytes() == w_ov.tobytes() and
                    np.asarray(os_).tobytes() == w_os.tobytes()), \
                "sparse_slice differs"
            jax_slice = jax.jit(sliced)
            assert np.asarray(jax_slice(jnp.asarray(v), indices)).tobytes() \
                == w_ov.tobytes(), "bcoo_slice differs"
            wm = w[:m]
            ours_grad = jax.jit(jax.grad(lambda v, *a: jnp.sum(
                sparse_slice(a[0], v, *a[1:])[1] * w), argnums=0))
            jax_grad = jax.jit(jax.grad(lambda v, idx: jnp.sum(
                sliced(v, idx) * wm)))
            g_ours = np.asarray(ours_grad(slice_args[1], slice_args[0],
                                          *slice_args[2:]))
            g_jax = np.asarray(jax_grad(slice_args[1], indices))
            assert g_ours.tobytes() == g_jax.tobytes(), "grads differ"
            t_slice = median(lambda: ours_slice(
                *slice_args)[1].block_until_ready(), args.reps)
            t_tf_slice = median(lambda: tf.raw_ops.SparseSlice(
                indices=tf_in[0], values=tf_in[1], shape=tf_in[2],
                start=tf_in[3], size=tf_in[4]), args.reps)
            t_jax_slice = median(lambda: jax_slice(
                slice_args[1], indices).block_until_ready(),
                max(3, args.reps // 5))
            t_ours_grad = median(lambda: ours_grad(
                slice_args[1], slice_args[0],
                *slice_args[2:]).block_until_ready(), args.reps)
            t_jax_grad = median(lambda: jax_grad(
                slice_args[1], indices).block_until_ready(),
                max(3, args.reps // 5))
            slice_rows.append([
                str(rank), "%d%%" % inside, str(m),
                "%.3f" % (t_slice * 1e3), "%.3f" % (t_tf_slice * 1e3),
                "%.1f" % (t_jax_slice * 1e3), "%.2fx" % (t_tf_slice / t_slice),
                "%.0fx" % (t_jax_slice / t_slice),
                "%.3f" % (t_ours_grad * 1e3), "%.1f" % (t_jax_grad * 1e3),
                "%.0fx" % (t_jax_grad / t_ours_grad)])

header = ["R", "inside", "N_out", "JAX + handler ms", "sparse-opt --run ms",
          "TF kernel ms", "bcoo_slice VJP ms", "handler / --run",
          "vs TF kernel", "vs bcoo_slice VJP"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" for _ in header) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
header = ["R", "inside", "M", "sparse_slice ms", "TF SparseSlice ms",
          "bcoo_slice ms", "vs TF kernel", "vs bcoo_slice",
          "grad through sparse_slice ms", "grad through bcoo_slice ms",
          "vs bcoo_slice grad"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" for _ in header) + "|")
for r in slice_rows:
    print("| " + " | ".join(r) + " |")
print()
print("N_in = %d, f32, medians of %d calls (bcoo_slice: %d); kernels for %s; "
      "jax %s" % (args.rows, args.reps, max(3, args.reps // 5),
                  kernel_target(), jax.__version__))
