#!/usr/bin/env python3
"""Runs slice-grad-bench once over the whole matrix of input classes and
ranks, adds TensorFlow's own CPU kernel (tf.raw_ops.SparseSliceGrad, eager,
inputs already tensors) on the same inputs, checked against the C++ loop's
result, and prints one markdown table of ratios from that one run.

    .venv/bin/python bench/run_bench.py [--build-dir build] [--reps 7]
        [--sizes 1000000] [--ranks 1,2,4,8] [--inside 5,50,100]
        [--classes sorted,shuffled,blocks,runs,runs-skip,all-equal,prefix,suffix]
        [--value-type f32|complex<f64>]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile

import benchlib
import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
import tensorflow as tf  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--build-dir", default="build")
parser.add_argument("--reps", type=int, default=7)
parser.add_argument("--sizes", default="1000000")
parser.add_argument("--ranks", default="1,2,4,8")
parser.add_argument("--inside", default="5,50,100")
parser.add_argument("--classes",
                    default="sorted,shuffled,blocks,runs,runs-skip,"
                    "all-equal,prefix,suffix")
parser.add_argument("--value-type", default="f32",
                    choices=["f32", "complex<f64>"])
parser.add_argument("--bench-args", default="",
                    help="extra slice-grad-bench flags (e.g. --chunk-rows=N)")
args = parser.parse_args()

subprocess.run(["cmake", "--build", args.build_dir, "--target",
                "slice-grad-bench"], check=True, stdout=subprocess.DEVNULL)
bench = os.path.join(args.build_dir, "bin", "slice-grad-bench")


DTYPES = {"f32": np.float32, "complex<f64>": np.complex128}


def tf_time(prefix, rank):
    def load(name, dtype, shape):
        return np.fromfile(prefix + name, dtype=dtype).reshape(shape)
    ii = load("input_indices.i64", np.int64, (-1, rank))
    oi = load("output_indices.i64", np.int64, (-1, rank))
    g = load("grad.bin", DTYPES[args.value_type], (-1,))
    s = load("input_start.i64", np.int64, (rank,))
    expected = load("expected.bin", DTYPES[args.value_type], (-1,))
    tensors = dict(backprop_val_grad=tf.constant(g),
                   input_indices=tf.constant(ii),
                   input_start=tf.constant(s),
                   output_indices=tf.constant(oi))
    got = tf.raw_ops.SparseSliceGrad(**tensors).numpy()
    if got.tobytes() != expected.tobytes():
        sys.exit("TensorFlow's result differs from the C++ loop's")
    return benchlib.median_seconds(
        lambda: tf.raw_ops.SparseSliceGrad(**tensors), args.reps)


with tempfile.TemporaryDirectory() as tmp:
    out = os.path.join(tmp, "result.json")
    cmd = [bench, "--sizes=" + args.sizes, "--ranks=" + args.ranks,
           "--inside=" + args.inside, "--classes=" + args.classes,
           "--reps=%d" % args.reps, "--json=" + out, "--dump-dir=" + tmp,
           "--value-type=" + args.value_type]
    cmd += args.bench_args.split()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    sys.stderr.write(proc.stdout)
    if proc.returncode:
        sys.exit("slice-grad-bench failed:\n" + proc.stderr)
    with open(out) as f:
        result = json.load(f)
    rows = []
    below = []  # the floor: 1.0x TF's kernel, 0.9x the C++ loop
    for case in result["cases"]:
        prefix = os.path.join(tmp, "%s_n%d_r%d_in%d_" % (
            case["class"], case["n_in"], case["rank"], case["inside"]))
        tf_seconds = tf_time(prefix, case["rank"])
        t = {k: v["seconds"] for k, v in case["times"].items()}
        loop = t["C++ TF loop"]
        par2, par2d = t["JIT parallel 2T"], t["JIT par 2T dyn-R"]
        seq, seqd = t["JIT sequential"], t["JIT seq dyn-R"]
        tensor = t["JIT par 2T tensor"]
        for name, v in (("static R", par2), ("run-time R", par2d),
                        ("tensor form", tensor)):
            if tf_seconds / v < 1.0 or loop / v < 0.9:
                below.append("%s R=%d %s%% (%s): %.2fx TF, %.2fx loop" % (
                    case["class"], case["rank"], case["inside"], name,
                    tf_seconds / v, loop / v))
        inside = "-" if case["class"] == "all-equal" else \
            "%d%%" % case["inside"]
        rows.append([
            case["class"], str(case["rank"]), inside,
            "%.2f" % (tf_seconds * 1e3), "%.2f" % (loop * 1e3),
            "%.2f" % (par2 * 1e3),
            "%.2fx" % (loop / par2), "%.2fx" % (tf_seconds / par2),
            "%.2fx" % (loop / seq), "%.2fx" % (loop / t["JIT parallel 1T"]),
            "%.2f" % (par2 / par2d), "%.2f" % (seq / seqd),
            "%.2f" % (par2 / tensor),
            "%.0f%%" % (100 * t["SOL 2T"] / par2),
            "%.0f%%" % (100 * case["bytes"] / par2 / result["stream_copy_2t"]),
        ])

header = ["class", "R", "inside", "TF kernel ms", "C++ loop ms",
          "par 2T ms", "par 2T vs loop", "par 2T vs TF", "seq vs loop",
          "par 1T vs loop", "dyn-R / static par 2T", "dyn-R / static seq",
          "tensor / memref par 2T",
          "par 2T % of SOL 2T", "par 2T % of STREAM"]
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" for _ in header) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("N_in = %s, %s, median of %d; STREAM copy %.1f GB/s (1 thread), "
      "%.1f GB/s (2 threads); JIT compile latency of the one-op module "
      "%.1f ms; peak RSS %d MB" % (
          args.sizes, args.value_type, args.reps,
          result["stream_copy_1t"] / 1e9,
          result["stream_copy_2t"] / 1e9, result["compile_seconds"] * 1e3,
          result["peak_rss_mb"]))
print()
print("Below the floor (par 2T at least 1.0x TF's kernel and 0.9x the C++ "
      "loop; static R, run-time R, tensor form): %d of %d" % (
          len(below), 3 * len(rows)))
for line in below:
    print("- " + line)
