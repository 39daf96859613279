#!/usr/bin/env python3
"""Runs slice-grad-bench case by case and adds TensorFlow's own CPU kernel
(tf.raw_ops.SparseSliceGrad, eager, inputs already tensors) on the same
inputs, checked against the C++ loop's result; prints one markdown table.

    .venv/bin/python bench/run_bench.py [--build-dir build] [--reps 9]
        [--sizes 1000000,10000000] [--ranks 2,4] [--inside 5,50,100]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--build-dir", default="build")
parser.add_argument("--reps", type=int, default=9)
parser.add_argument("--sizes", default="1000000,10000000")
parser.add_argument("--ranks", default="2,4")
parser.add_argument("--inside", default="5,50,100")
args = parser.parse_args()

subprocess.run(["cmake", "--build", args.build_dir, "--target",
                "slice-grad-bench"], check=True, stdout=subprocess.DEVNULL)
bench = os.path.join(args.build_dir, "bin", "slice-grad-bench")


def tf_time(prefix, rank):
    def load(name, dtype, shape):
        return np.fromfile(prefix + name, dtype=dtype).reshape(shape)
    ii = load("input_indices.i64", np.int64, (-1, rank))
    oi = load("output_indices.i64", np.int64, (-1, rank))
    g = load("grad.f32", np.float32, (-1,))
    s = load("input_start.i64", np.int64, (rank,))
    expected = load("expected.f32", np.float32, (-1,))
    tensors = dict(backprop_val_grad=tf.constant(g),
                   input_indices=tf.constant(ii),
                   input_start=tf.constant(s),
                   output_indices=tf.constant(oi))
    got = tf.raw_ops.SparseSliceGrad(**tensors).numpy()
    if got.tobytes() != expected.tobytes():
        sys.exit("TensorFlow's result differs from the C++ loop's")
    times = []
    for _ in range(args.reps):
        t0 = time.perf_counter()
        tf.raw_ops.SparseSliceGrad(**tensors)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


rows, header = [], None
for rank in args.ranks.split(","):
    for size in args.sizes.split(","):
        for inside in args.inside.split(","):
            with tempfile.TemporaryDirectory() as tmp:
                out = os.path.join(tmp, "result.json")
                proc = subprocess.run(
                    [bench, "--sizes=" + size, "--ranks=" + rank,
                     "--inside=" + inside, "--reps=%d" % args.reps,
                     "--json=" + out, "--dump-dir=" + tmp],
                    capture_output=True, text=True)
                sys.stderr.write(proc.stdout)
                if proc.returncode:
                    sys.exit("slice-grad-bench failed:\n" + proc.stderr)
                with open(out) as f:
                    result = json.load(f)
                case = result["cases"][0]
                prefix = os.path.join(tmp, "n%d_r%d_in%d_" % (
                    case["n_in"], case["rank"], case["inside"]))
                tf_seconds = tf_time(prefix, case["rank"])
            t = {k: v["seconds"] for k, v in case["times"].items()}
            fresh = {k: v["fresh_seconds"] for k, v in case["times"].items()}
            loop = t["C++ TF loop"]
            par2 = t["JIT parallel 2T"]
            bw = result["stream_copy_2t"]
            rows.append([
                "%.0e" % case["n_in"], str(case["rank"]),
                "%d%%" % case["inside"],
                "%.2f" % (tf_seconds * 1e3), "%.2f" % (loop * 1e3),
                "%.2f" % (t["JIT sequential"] * 1e3),
                "%.2f" % (t["JIT parallel 1T"] * 1e3),
                "%.2f" % (par2 * 1e3), "%.2f" % (t["SOL 1T"] * 1e3),
                "%.2f" % (t["SOL 2T"] * 1e3),
                "%.2f" % (fresh["C++ TF loop"] * 1e3),
                "%.2f" % (fresh["JIT parallel 2T"] * 1e3),
                "%.2f" % (t["JIT sequential"] / loop),
                "%.2fx" % (loop / par2), "%.2fx" % (tf_seconds / par2),
                "%.0f%%" % (100 * t["SOL 2T"] / par2),
                "%.1f" % (case["bytes"] / par2 / 1e9),
                "%.0f%%" % (100 * case["bytes"] / par2 / bw),
                "%.1f" % (bw / 1e9),
            ])
            compile_ms = result["compile_seconds"] * 1e3
            rss = result["peak_rss_mb"]

header = ["N_in", "R", "inside", "TF kernel ms", "C++ TF loop ms",
          "JIT seq ms", "JIT par 1T ms", "JIT par 2T ms", "SOL 1T ms",
          "SOL 2T ms", "C++ loop fresh ms", "JIT par 2T fresh ms",
          "seq / loop", "par 2T vs loop", "par 2T vs TF", "par 2T % of SOL 2T",
          "par 2T GB/s", "% of STREAM", "STREAM GB/s"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" for _ in header) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("JIT compile latency, one-op module (parse + sparse-lower-to-llvm + "
      "LLVM -O3 + codegen), median of 5, last run: %.1f ms" % compile_ms)
print("peak RSS of the last slice-grad-bench run: %d MB" % rss)
