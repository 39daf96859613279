#!/usr/bin/env python3
"""Compile cost of sparse.slice_grad as the number of ops in a module grows:
a function with N ops (one per sparse feature of a model, tensor form, each
on its own operands), lowered by `sparse-opt --sparse-lower-to-llvm` (to
the LLVM dialect), then through LLVM's -O3 codegen (mlir-translate, opt -O3,
llc -O3 to an object file) for each CPU of --cpus: `native` is the host, as
the JIT (sparse-opt --run, createEngine) compiles; `x86-64` the generic
baseline. With and without outline-kernels, R static (2) and known only at
run time; medians of --reps runs.

    .venv/bin/python bench/compile_bench.py [--build-dir build] [--reps 3]
        [--ops 1,5,20] [--cpus native,x86-64]
"""

import argparse
import os
import statistics
import subprocess
import tempfile
import time

parser = argparse.ArgumentParser()
parser.add_argument("--build-dir", default="build")
parser.add_argument("--reps", type=int, default=3)
parser.add_argument("--ops", default="1,5,20")
parser.add_argument("--llvm-bin", default="/usr/lib/llvm-22/bin")
parser.add_argument("--cpus", default="native,x86-64")
args = parser.parse_args()

sparse_opt = os.path.join(args.build_dir, "bin", "sparse-opt")
tool = lambda name: os.path.join(args.llvm_bin, name)  # noqa: E731


def module(n, rank):
    r = str(rank) if rank else "?"
    params, body, results = [], [], []
    for k in range(n):
        types = ("tensor<?xf32>", "tensor<?x%sxi64>" % r, "tensor<%sxi64>" % r,
                 "tensor<?x%sxi64>" % r)
        params.append(", ".join("%%%s%d: %s" % (name, k, t) for name, t in
                                zip(("g", "ii", "s", "oi"), types)))
        body.append("  %%v%d = sparse.slice_grad %%g%d, %%ii%d, %%s%d, %%oi%d "
                    ": %s -> tensor<?xf32>" % (k, k, k, k, k, ", ".join(types)))
        results.append("%%v%d" % k)
    ret_types = ", ".join(["tensor<?xf32>"] * n)
    return ("func.func @model(%s) -> (%s) {\n%s\n  return %s : %s\n}\n" % (
        ", ".join(params), ret_types, "\n".join(body), ", ".join(results),
        ret_types))


def timed(cmd, **kw):
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    return time.perf_counter() - t0


def measure(tmp, n, rank, outline):
    src = os.path.join(tmp, "in.mlir")
    llvm_dialect = os.path.join(tmp, "out.mlir")
    with open(src, "w") as f:
        f.write(module(n, rank))
    lower, codegen = [], {cpu: [] for cpu in cpus}
    for _ in range(args.reps):
        lower.append(timed([sparse_opt, src, "-o", llvm_dialect,
                            "--sparse-lower-to-llvm=outline-kernels=%d"
                            % outline]))
        ir, opt, obj = (os.path.join(tmp, x) for x in ("a.ll", "b.bc", "c.o"))
        translate = timed([tool("mlir-translate"), "--mlir-to-llvmir",
                           llvm_dialect, "-o", ir])
        for cpu in cpus:
            target = ["-mtriple=" + triple, "-mcpu=" + cpu]
            codegen[cpu].append(
                translate +
                timed([tool("opt"), "-O3", *target, ir, "-o", opt]) +
                timed([tool("llc"), "-O3", *target, "-filetype=obj", opt,
                       "-o", obj]))
    return (statistics.median(lower), os.path.getsize(llvm_dialect),
            [statistics.median(codegen[cpu]) for cpu in cpus],
            os.path.getsize(obj))


ops = [int(x) for x in args.ops.split(",")]
cpus = args.cpus.split(",")
# mlir-translate's module has no triple: give opt and llc the host's, as the
# JIT has it (without one opt has no target to tune for).
triple = subprocess.run([tool("llc"), "--version"], capture_output=True,
                        text=True, check=True).stdout.split(
                            "Default target:")[1].split()[0]
rows = []
with tempfile.TemporaryDirectory() as tmp:
    for rank in (0, 2):
        for outline in (0, 1):
            base = None
            for n in ops:
                lower, size, codegen, obj = measure(tmp, n, rank, outline)
                totals = [lower + c for c in codegen]
                base = base or totals
                rows.append([
                    "run-time" if rank == 0 else str(rank),
                    "yes" if outline else "no", str(n),
                    "%.2f" % lower, "%d" % (size // 1024)] +
                    ["%.2f" % c for c in codegen] + ["%d" % (obj // 1024)] +
                    ["%.2f (%.2fx)" % (t, t / b) for t, b in zip(totals, base)])
header = (["R", "outline-kernels", "ops", "lower s", "LLVM dialect KB"] +
          ["-O3 codegen s, %s" % cpu for cpu in cpus] +
          ["object KB (%s)" % cpus[-1]] +
          ["total s, %s (vs 1 op)" % cpu for cpu in cpus])
print("| " + " | ".join(header) + " |")
print("|" + "|".join("---" for _ in header) + "|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print("median of %d runs each" % args.reps)
