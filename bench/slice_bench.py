#!/usr/bin/env python3
"""sparse.slice (the forward) and the pair (forward, then its gradient)
against TensorFlow's kernels, on the same inputs in one run, as a user runs
them: .npy files, `sparse-opt --run -O3 --repeat=N` (the default pipeline,
OMP threads = the machine's cores, results allocated per call), against
tf.raw_ops.SparseSlice and SparseSlice + SparseSliceGrad (eager, inputs
already tensors), and JAX's `sparse.bcoo_slice` where jax is installed.
Every variant's results are compared bit for bit with TensorFlow's before
its time counts. Prints one markdown table of ratios (TF time / ours).

    .venv/bin/python bench/slice_bench.py [--build-dir build] [--rows 1000000]
        [--reps 9]
"""

import argparse
import os
import sys
import tempfile

import benchlib
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--build-dir", default="build")
parser.add_argument("--rows", type=int, default=1000000)
parser.add_argument("--reps", type=int, default=9)
parser.add_argument("--classes",
                    default="sorted,shuffled,blocks,duplicates,prefix")
parser.add_argument("--ranks", default="1,2,4,8")
parser.add_argument("--malloc-cache", action="store_true",
                    help="run TensorFlow and sparse-opt with glibc malloc "
                    "keeping freed memory (no mmap/trim of large blocks), as "
                    "a framework's caching allocator would")
args = parser.parse_args()
TUNABLES = "glibc.malloc.mmap_threshold=268435456:" \
    "glibc.malloc.trim_threshold=1073741824"
if args.malloc_cache and os.environ.get("GLIBC_TUNABLES") != TUNABLES:
    os.execve(sys.executable, [sys.executable] + sys.argv,
              dict(os.environ, GLIBC_TUNABLES=TUNABLES))
SPARSE_OPT = os.path.join(args.build_dir, "bin", "sparse-opt")
TMP = tempfile.mkdtemp(prefix="slice-bench-")
SIDE0, SIDE = 1000, 16  # column 0's range; the other columns'


def generate(rng, kind, n, r, keep):
    """Indices [n, r] of class `kind` and the box keeping about `keep` of
    the rows (a range of column 0; `prefix`: its first values only)."""
    ii = np.empty((n, r), np.int64)
    ii[:, 0] = rng.integers(0, SIDE0, n)
    if r > 1:
        ii[:, 1:] = rng.integers(0, SIDE, (n, r - 1))
    if kind == "duplicates":
        ii = ii[rng.integers(0, n // 8, n)]
    if kind != "shuffled":
        ii = ii[np.lexsort(ii.T[::-1])]
    if kind == "blocks":
        blocks = np.array_split(np.arange(n), n // 4096)
        ii = ii[np.concatenate([blocks[b] for b in rng.permutation(
            len(blocks))])]
    sh = np.array([SIDE0] + [SIDE] * (r - 1), np.int64)
    st = np.zeros(r, np.int64)
    sz = sh.copy()
    if kind == "prefix":
        sz[0] = int(SIDE0 * 0.1)
    else:
        width = int(round(SIDE0 * keep))
        st[0] = (SIDE0 - width) // 2
        sz[0] = width
    return ii, sh, st, sz


def median_time(fn, reps):
    return benchlib.median_seconds(fn, reps) * 1e3


def module(r, static_r, pair):
    rr = str(r) if static_r else "?"
    ti = "tensor<?x%sxi64>" % rr
    tv = "tensor<?xf32>"
    ts = "tensor<%sxi64>" % (str(r) if static_r else "?")
    args_ = "%%ii: %s, %%v: %s, %%sh: %s, %%st: %s, %%sz: %s" % (
        ti, tv, ts, ts, ts)
    results = "%s, %s, %s" % (ti, tv, ts)
    body = ("  %%oi, %%ov, %%os = sparse.slice %%ii, %%v, %%sh, %%st, %%sz : "
            "%s, %s, %s, %s, %s -> %s\n" % (ti, tv, ts, ts, ts, results))
    if pair:
        args_ += ", %g: tensor<?xf32>"
        body += ("  %%vg = sparse.slice_grad %%g, %%ii, %%st, %%oi : "
                 "tensor<?xf32>, %s, %s, %s -> tensor<?xf32>\n" % (ti, ts, ti))
        return ("func.func @pair(%s) -> (%s, tensor<?xf32>) {\n%s"
                "  return %%oi, %%ov, %%os, %%vg : %s, tensor<?xf32>\n}\n"
                % (args_, results, body, results))
    return ("func.func @slice(%s) -> (%s) {\n%s  return %%oi, %%ov, %%os : "
            "%s\n}\n" % (args_, results, body, results))


def ours(text, entry, arrays, want, extra=()):
    """Median ms of `entry` over --repeat calls, after checking its
    results against `want` bit for bit (None: a mismatch)."""
    path = os.path.join(TMP, "m.mlir")
    with open(path, "w") as f:
        f.write(text)
    ins = []
    for k, a in enumerate(arrays):
        ins.append(os.path.join(TMP, "in%d.npy" % k))
        np.save(ins[-1], a)
    outs = [os.path.join(TMP, "out%d.npy" % k) for k in range(len(want))]
    seconds = benchlib.sparse_opt_run(SPARSE_OPT, path, entry, ins, outs,
                                      args.reps, extra)
    for o, w in zip(outs, want):
        got = np.load(o)
        if got.shape != w.shape or got.tobytes() != w.tobytes():
            return None
    return seconds * 1e3


def jax_slice():
    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        from jax.experimental import sparse as jsparse
        return jax, jsparse
    except ImportError:
        return None, None


jax, jsparse = jax_slice()
rng = np.random.default_rng(0)
rows = []
for r in [int(x) for x in args.ranks.split(",")]:
    for kind in args.classes.split(","):
        keeps = (0.05, 0.5, 1.0) if r == 2 and kind != "prefix" else (0.5,)
        for keep in keeps:
            n = args.rows
            ii, sh, st, sz = generate(rng, kind, n, r, keep)
            v = rng.standard_normal(n).astype(np.float32)
            t_ii, t_v = tf.constant(ii), tf.constant(v)
            t_sh, t_st, t_sz = (tf.constant(x) for x in (sh, st, sz))
            fwd = tf.raw_ops.SparseSlice(indices=t_ii, values=t_v, shape=t_sh,
                                         start=t_st, size=t_sz)
            want = [x.numpy() for x in fwd]
            m = want[0].shape[0]
            g = rng.standard_normal(m).astype(np.float32)
            t_g = tf.constant(g)
            want_vg = tf.raw_ops.SparseSliceGrad(
                backprop_val_grad=t_g, input_indices=t_ii, input_start=t_st,
                output_indices=fwd[0]).numpy()

            def tf_fwd():
                tf.raw_ops.SparseSlice(indices=t_ii, values=t_v, shape=t_sh,
                                       start=t_st, size=t_sz)[1].numpy()

            def tf_pair():
                o = tf.raw_ops.SparseSlice(indices=t_ii, values=t_v,
                                           shape=t_sh, start=t_st, size=t_sz)
                tf.raw_ops.SparseSliceGrad(
                    backprop_val_grad=t_g, input_indices=t_ii,
                    input_start=t_st, output_indices=o[0]).numpy()

            t_tf = median_time(tf_fwd, args.reps)
            t_tf_pair = median_time(tf_pair, args.reps)
            arrays = [ii, v, sh, st, sz]
            fs = ours(module(r, True, False), "slice", arrays, want)
            fd = ours(module(r, False, False), "slice", arrays, want)
            pf = ours(module(r, False, True), "pair", arrays + [g],
                      want + [want_vg])
            pu = ours(module(r, False, True), "pair", arrays + [g],
                      want + [want_vg],
                      ["--pass-pipeline=builtin.module(sparse-lower-to-llvm"
                       "{fuse-slice-grad=false})"])
            t_jax = None
            if jsparse is not None:
                mat = jsparse.BCOO((jax.numpy.asarray(v),
                                    jax.numpy.asarray(ii)),
                                   shape=tuple(int(x) for x in sh))
                f = jax.jit(lambda a: jsparse.bcoo_slice(
                    a, start_indices=tuple(int(x) for x in st),
                    limit_indices=tuple(int(x + y) for x, y in zip(st, sz))))
                t_jax = median_time(lambda: f(mat).data.block_until_ready(),
                                    args.reps)

            def ratio(t_ref, t):
                return "mismatch" if t is None else "%.2fx" % (t_ref / t)
            rows.append("| %s | %d | %d%% | %.2f | %s | %s | %s | %s | %s | %s |"
                        % (kind, r, int(keep * 100), t_tf, ratio(t_tf, fs),
                           ratio(t_tf, fd),
                           "n/a" if t_jax is None else "%.2fx" % (t_jax / t_tf),
                           ratio(t_tf_pair, pf), ratio(t_tf_pair, pu),
                           "mismatch" if pf is None or pu is None else
                           "%.2fx" % (pu / pf)))
            print(rows[-1], flush=True)
print()
print("N_in = %d, f32, %d threads, median of %d calls, %s" % (
    args.rows, os.cpu_count(), args.reps,
    "malloc keeping freed memory" if args.malloc_cache else "default malloc"))
print("| class | R | kept | TF SparseSlice ms | forward, static R | forward, "
      "run-time R | JAX bcoo_slice / TF (time) | fused pair vs TF's two | "
      "unfused pair vs TF's two | fused vs unfused |")
print("|---|---|---|---|---|---|---|---|---|---|")
for row in rows:
    print(row)
