# Fuzzing, pass options: the project's registered pipelines
# (sparse-lower-to-llvm, sparse-shard-to-llvm, sparse-to-nvvm) and passes
# (convert-sparse-to-loops, convert-sparse-to-gpu, convert-tf-to-sparse,
# sparse-fuse-slice-grad, sparse-check-allocations,
# sparse-check-slice-grad-sharded, sparse-finish-shard-to-mpi,
# sparse-lower-device-memory-space), their options as `sparse-opt --help`
# lists them (defaults from Pipelines.h and Passes.td) at their extremes:
# the default, 0, 1, -1, the documented maximum and one past it, 2^31, 2^63,
# 2^64, '' and 'bogus'; every enum value and a bogus one; true, false and 2
# for booleans; sm_90, sm_90a, sm_, sm_9x, sm_20, sm_1 for chip; isa, bin,
# fatbin for format; an option that does not exist. Each in every nesting
# position: builtin.module(X), the flag --X=opts, builtin.module(func.func(X)),
# builtin.module(builtin.module(X)) on a nested module, any(X) and
# builtin.module(gpu.module(X)); a seeded sample of the cross product, all
# options at once at random valid extremes, and a few sparse-lower-to-llvm
# combinations JIT-run (--run) against TensorFlow's result.
# Asserts: exit status 0 or 1, no signal, no crash report ('LLVM ERROR',
# 'PLEASE submit a bug report', 'Stack dump', a sanitizer's), no time-out;
# a value or nesting the pipeline cannot take exits 1 with an 'error' line
# naming the pipeline or pass or the option, a valid one compiles.
# --exhaustive tries every value of every option (about twice as long);
# --targets a,b restricts the run to some of them.
#
# REQUIRES: numpy
# RUN: %test_python %s --seed 7 | FileCheck %s
# CHECK: pipeline fuzz: 11 pipelines and passes, {{[1-9][0-9]*}} options, 6 nestings, {{[1-9][0-9]*}} runs, 0 failures

import argparse
import concurrent.futures
import os
import random
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
# Sampled (option, value) runs per option, besides the nesting matrix.
parser.add_argument("--values-per-option", type=int, default=3)
parser.add_argument("--combos", type=int, default=2)
# Every value of every option instead of a sample (minutes, not for lit).
parser.add_argument("--exhaustive", action="store_true")
# A comma-separated subset of TARGETS (to reproduce or bisect).
parser.add_argument("--targets", default="")
parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
parser.add_argument("--timeout", type=int, default=60)
parser.add_argument("--verbose", action="store_true")
args = parser.parse_args()
rnd = random.Random(args.seed)
SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

PIPELINES = ["sparse-lower-to-llvm", "sparse-shard-to-llvm", "sparse-to-nvvm"]
PASSES = ["convert-sparse-to-loops", "convert-sparse-to-gpu",
          "convert-tf-to-sparse", "sparse-fuse-slice-grad",
          "sparse-check-allocations", "sparse-check-slice-grad-sharded",
          "sparse-finish-shard-to-mpi", "sparse-lower-device-memory-space"]
TARGETS = [t for t in PIPELINES + PASSES
           if not args.targets or t in args.targets.split(",")]

# ---------------------------------------------------------------------------
# The options: names, types and enum values from --help; defaults from the
# sources.


def parse_help(text):
    """{pass or pipeline: [(option, type, description, [enum values])]} for
    every entry of --help's pass list (its lines are indented by 6, options
    by 8, enum values by 4 with a leading '=')."""
    entries, current, last = {}, None, None
    for line in text.splitlines():
        m = re.match(r"^      --([\w.-]+)\s+-\s", line)
        if m:
            current = entries.setdefault(m.group(1), [])
            last = None
            continue
        m = re.match(r"^        --([\w-]+)(?:=<(\w+)>)?\s+- (.*)$", line)
        if m and current is not None:
            last = [m.group(1), m.group(2) or "bool", m.group(3), []]
            current.append(last)
            continue
        m = re.match(r"^    =([\w-]+)\s+-", line)
        if m and last is not None:
            last[3].append(m.group(1))
            continue
        if re.match(r"^ {0,6}--", line):
            current = last = None
    return entries


def clean_default(text):
    text = text.strip()
    if text.startswith('"') and text.endswith('"'):
        return text[1:-1]
    if "::" in text:  # an enum value: SliceGradStrategy::Parallel
        return text.rsplit("::", 1)[1].lower()
    return text


def source_defaults():
    """{pass or pipeline: {option: default}} from Passes.td (both) and
    Pipelines.h (through Pipelines.def and the structs' bases)."""
    out = {}
    for td in ("Conversion", "Transforms"):
        with open(os.path.join(SRC, "include", "SliceGrad", td,
                               "Passes.td")) as f:
            text = f.read()
        for block in re.split(r"\ndef ", text):
            m = re.match(r'\w+\s*:\s*Pass<"([\w-]+)"', block)
            if m:
                out[m.group(1)] = {
                    o.group(1): clean_default(o.group(2)) for o in re.finditer(
                        r'Option<"\w+",\s*"([\w-]+)",\s*"[^"]*",\s*"([^"]*)"',
                        block)}
    inc = os.path.join(SRC, "include", "SliceGrad", "Pipelines")
    with open(os.path.join(inc, "Pipelines.h")) as f:
        header = f.read()
    structs, bases = {}, {}
    for s in re.finditer(r"\nstruct (\w+)\s*(?::\s*public (\w+)<[^{]*)?\{",
                         header):
        body = header[s.end():header.find("\n};", s.end())]
        structs[s.group(1)] = {
            o.group(1): clean_default(o.group(2)) for o in re.finditer(
                r'Option<[^<>{;]+>\s+\w+\{\s*\*this,\s*"([\w-]+)".*?'
                r"llvm::cl::init\(([^)]*)\)", body, re.S)}
        bases[s.group(1)] = s.group(2)
    with open(os.path.join(inc, "Pipelines.def")) as f:
        for name, struct in re.findall(r'SPARSE_PIPELINE\(\s*"([\w-]+)",\s*'
                                       r"(\w+)", f.read()):
            opts = {}
            while struct:
                opts = dict(structs.get(struct, {}), **opts)
                struct = bases.get(struct)
            out[name] = opts
    return out


# Limits --help does not state (chunk-rows: the passes' own check; opt-level:
# LLVM's levels; block-size: CUDA's most threads per block).
KNOWN_RANGES = {"chunk-rows": (1, None), "opt-level": (0, 3),
                "block-size": (1, 1024)}
TYPE_RANGES = {"long": (-(1 << 63), (1 << 63) - 1), "int": (-(1 << 31),
               (1 << 31) - 1), "uint": (0, (1 << 32) - 1)}
PTXAS = shutil.which("ptxas") or os.path.exists("/usr/local/cuda/bin/ptxas")
# String options: (value, what is expected) - "ok", "error", or "either"
# (bin and fatbin need ptxas).
STRING_VALUES = {
    "chip": [("sm_90", "ok"), ("sm_90a", "ok"), ("sm_20", "ok"),
             ("sm_", "error"), ("sm_9x", "error"), ("", "error"),
             ("bogus", "error"), ("sm_1", "error")],
    "format": [("isa", "ok"), ("bin", "ok" if PTXAS else "either"),
               ("fatbin", "ok" if PTXAS else "either"),
               ("bogus", "error"), ("", "error")],
    # LLVM warns about a feature it does not know and ignores it, as llc
    # does.
    "features": [("+ptx80", "ok"), ("", "ok"), ("bogus", "either")],
}


def classify(name, kind, desc, enum, text):
    """What one value of an option should give: "ok" (it compiles), "error"
    (exit status 1 with a message) or "either"."""
    if kind == "bool":
        # LLVM's parser takes '' (the bare flag) as true.
        return "ok" if text in ("", "true", "false", "0", "1") else "error"
    if kind == "value":
        return "ok" if text in enum else "error"
    if kind == "string":
        return dict(STRING_VALUES.get(name, [])).get(text, "either")
    tlo, thi = TYPE_RANGES[kind]
    lo, hi = option_range(name, kind, desc)
    if not re.fullmatch(r"-?[0-9]+", text):
        return "error"
    v = int(text)
    bad = not tlo <= v <= thi or (lo is not None and v < lo) or \
        (hi is not None and v > hi)
    return "error" if bad else "ok"


def option_range(name, kind, desc):
    lo, hi = KNOWN_RANGES.get(name, (None, None))
    m = re.search(r"at most (\d+)", desc)
    if m:
        hi = int(m.group(1))
    return lo, hi


def option_values(name, kind, desc, enum, default):
    """[(text, expectation)] of one option."""
    if kind == "bool":
        texts = [default, "true", "false", "", "2", "bogus"]
    elif kind == "value":
        texts = enum + ["bogus", ""]
    elif kind == "string":
        texts = [v for v, _ in STRING_VALUES.get(name, [])] or \
            [default, "", "bogus"]
    else:
        top = option_range(name, kind, desc)[1]
        top = top if top is not None else TYPE_RANGES[kind][1]
        texts = [str(v) for v in [int(default), 0, 1, -1, top, top + 1,
                                  1 << 31, 1 << 63, 1 << 64]] + ["", "bogus"]
    out = []
    for t in texts:
        if t not in [v for v, _ in out]:
            out.append((t, classify(name, kind, desc, enum, t)))
    return out


# ---------------------------------------------------------------------------
# Inputs: tensor-level code (a slice's gradient, a slice, the pair the fusion
# rewrites), memref-level code (the lowerings' input), TensorFlow's export,
# a sharded function, and that function after sharding-propagation.

TENSOR = """\
func.func @grad(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, %s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {
  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?xf32>
  return %r : tensor<?xf32>
}
func.func @slice(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %st: tensor<2xi64>, %sz: tensor<2xi64>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>) {
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  return %oi, %ov, %os : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
}
func.func @pair(%ii: tensor<?x2xi64>, %v: tensor<?xf32>, %sh: tensor<2xi64>, %st: tensor<2xi64>, %sz: tensor<2xi64>, %g: tensor<?xf32>) -> (tensor<?x2xi64>, tensor<?xf32>, tensor<?xf32>) {
  %oi, %ov, %os = sparse.slice %ii, %v, %sh, %st, %sz : tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>, tensor<2xi64>, tensor<2xi64> -> tensor<?x2xi64>, tensor<?xf32>, tensor<2xi64>
  %vg = sparse.slice_grad %g, %ii, %st, %oi : tensor<?xf32>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf32>
  return %oi, %ov, %vg : tensor<?x2xi64>, tensor<?xf32>, tensor<?xf32>
}
"""
MEMREF = """\
func.func @grad(%g: memref<?xf32>, %ii: memref<?x?xi64>, %s: memref<?xi64>, %oi: memref<?x?xi64>) -> memref<?xf32> {
  %c0 = arith.constant 0 : index
  %n = memref.dim %ii, %c0 : memref<?x?xi64>
  %out = memref.alloc(%n) : memref<?xf32>
  sparse.slice_grad %g, %ii, %s, %oi : memref<?xf32>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?xf32>
  return %out : memref<?xf32>
}
func.func @device(%d: memref<?xf32, #gpu.address_space<global>>) -> memref<?xf32, #gpu.address_space<global>> {
  return %d : memref<?xf32, #gpu.address_space<global>>
}
"""
TF = """\
func.func @tf(%g: tensor<*xf32>, %ii: tensor<?x?xi64>, %s: tensor<2xi64>, %oi: tensor<?x?xi64>) -> tensor<*xf32> {
  %0 = "tf.SparseSliceGrad"(%g, %ii, %s, %oi) {T = f32} : (tensor<*xf32>, tensor<?x?xi64>, tensor<2xi64>, tensor<?x?xi64>) -> tensor<*xf32>
  %1 = "tf.Identity"(%0) : (tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}
"""
# test/Integration/MPI/mpi_run.py's MODULE, 2 processes, R = 2.
SHARD = """\
shard.grid @grid(shape = 2)
func.func @slice_grad(%g: tensor<?xf64>, %ii: tensor<?x2xi64>,
                      %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf64> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x2xi64>
  %r = sparse.slice_grad %g, %ii_rows, %s, %oi
      : tensor<?xf64>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf64>
  return %r : tensor<?xf64>
}
"""
# SHARD after func.func(sharding-propagation): what
# sparse-check-slice-grad-sharded sees in sparse-shard-to-llvm (replicated
# as [[]]: MLIR 22 prints [], which its parser does not take).
PROPAGATED = """\
shard.grid @grid(shape = 2)
func.func @slice_grad(%g: tensor<?xf64>, %ii: tensor<?x2xi64>, %s: tensor<2xi64>, %oi: tensor<?x2xi64>) -> tensor<?xf64> {
  %rows = shard.sharding @grid split_axes = [[0]] : !shard.sharding
  %ii_rows = shard.shard %ii to %rows : tensor<?x2xi64>
  %rep = shard.sharding @grid split_axes = [[]] : !shard.sharding
  %g_u = shard.shard %g to %rep annotate_for_users : tensor<?xf64>
  %ii_u = shard.shard %ii_rows to %rows annotate_for_users : tensor<?x2xi64>
  %s_u = shard.shard %s to %rep annotate_for_users : tensor<2xi64>
  %oi_u = shard.shard %oi to %rep annotate_for_users : tensor<?x2xi64>
  %r = sparse.slice_grad %g_u, %ii_u, %s_u, %oi_u : tensor<?xf64>, tensor<?x2xi64>, tensor<2xi64>, tensor<?x2xi64> -> tensor<?xf64>
  %out = shard.shard %r to %rows : tensor<?xf64>
  return %out : tensor<?xf64>
}
"""
INPUTS = {"tensor": TENSOR, "memref": MEMREF, "tf": TF, "shard": SHARD,
          "propagated": PROPAGATED}
INPUT_OF = {"sparse-lower-to-llvm": "tensor", "sparse-to-nvvm": "tensor",
            "sparse-fuse-slice-grad": "tensor",
            "sparse-shard-to-llvm": "shard",
            "sparse-finish-shard-to-mpi": "shard",
            "sparse-check-slice-grad-sharded": "propagated",
            "convert-sparse-to-loops": "memref",
            "convert-sparse-to-gpu": "memref",
            "sparse-check-allocations": "memref",
            "sparse-lower-device-memory-space": "memref",
            "convert-tf-to-sparse": "tf"}
# sparse-opt --run -e grad on test/sparse-opt/run-inputs.mlir's GRAD inputs.
RUN_INPUTS = ["--input=3xf32=0.1 -0 3.4028235e38",
              "--input=14x2xi64=[0 0][0 2][0 4][0 5][1 1][1 3][1 4][2 0]"
              "[2 3][2 5][3 0][3 2][3 3][3 5]",
              "--input=2xi64=1 3", "--input=3x2xi64=[0 0][1 0][2 0]"]
RUN_RESULT = "result[0]: 14xf32=0 0 0 0 0 0.1 0 0 -0 0 0 0 3.4028235e+38 0"

NESTINGS = ["builtin.module(X)", "--X=opts", "builtin.module(func.func(X))",
            "builtin.module(builtin.module(X))", "any(X)",
            "builtin.module(gpu.module(X))"]
FUNC_PASSES = {"sparse-check-slice-grad-sharded"}


def nesting_ok(target, nesting):
    """Whether the target can run in that position: pipelines and module
    passes where the anchor is a module (or, for a pass, any op), the
    function pass under func.func (the flag form nests it implicitly)."""
    if nesting == "--X=opts":
        return True
    if target in FUNC_PASSES:
        return nesting == "builtin.module(func.func(X))"
    if target in PIPELINES:
        return nesting in ("builtin.module(X)",
                           "builtin.module(builtin.module(X))")
    return nesting in ("builtin.module(X)", "builtin.module(builtin.module(X))",
                       "any(X)")


def norm(text):
    return re.sub(r"[^a-z0-9]", "", text.lower())


DIAGNOSTIC = re.compile(r"^\S*:\d+(:\d+)?: (error|warning|note|remark):")
# LLVM's option parser, as mlir-opt reports a value it cannot parse.
OPTION_PARSER = re.compile(r"^(sparse-opt: for the -+[\w-]+ option: |"
                           r"<Pass-Options-Parser>: )")


def error_reports(err):
    """Each 'error' line (or option parser's complaint) of stderr with the
    lines of its message that follow (up to the next diagnostic: a note's
    IR dump is not the message); an empty error message stands for the
    option parser's line before it."""
    lines = err.splitlines()
    for i, line in enumerate(lines):
        if not re.search(r"\berror\b", line) and not OPTION_PARSER.match(line):
            continue
        report = [line]
        if re.search(r"\berror: *$", line) and i > 0:
            report.insert(0, lines[i - 1])
        for more in lines[i + 1:]:
            if DIAGNOSTIC.match(more) or re.search(r"\berror\b", more):
                break
            report.append(more)
        yield "\n".join(report)


# ---------------------------------------------------------------------------
# Running.

CRASH = ["LLVM ERROR", "PLEASE submit a bug report", "Stack dump",
         "AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
         "runtime error:"]


def command(workdir, target, nesting, opts, run=False):
    nested = nesting == "builtin.module(builtin.module(X))"
    path = os.path.join(workdir, INPUT_OF[target] +
                        ("-nested" if nested else "") + ".mlir")
    text = " ".join("%s=%s" % kv for kv in opts)
    if nesting == "--X=opts":
        flag = "--" + target + ("=" + text if opts else "")
    else:
        inner = target + ("{" + text + "}" if opts else "")
        flag = "--pass-pipeline=" + nesting.replace("X", inner)
    cmd = [lib.sparse_opt(), path, flag]
    if INPUT_OF[target] == "tf":
        cmd.append("--allow-unregistered-dialect")
    if run:
        return cmd + ["--run", "-e", "grad"] + RUN_INPUTS
    return cmd + ["-o", os.devnull]


def check(case):
    """Runs one case; returns (case, failure reason or None, exit status,
    stderr, seconds)."""
    cmd, expect, target, opts, run = case
    start = time.time()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=args.timeout)
    except subprocess.TimeoutExpired as e:
        err = e.stderr or b""
        err = err.decode(errors="replace") if isinstance(err, bytes) else err
        return case, "timed out after %d s" % args.timeout, "timeout", err, \
            time.time() - start
    rc, err = proc.returncode, proc.stderr
    why = None
    crash = [c for c in CRASH if c in err]
    if rc < 0:
        why = "killed by signal %d" % -rc
    elif crash:
        why = "crash report (%s)" % crash[0]
    elif rc not in (0, 1):
        why = "exit status %d" % rc
    elif rc == 1:
        names = [norm(target)] + [norm(k) for k, _ in opts]
        if not any(any(n in norm(report) for n in names)
                   for report in error_reports(err)):
            why = "no 'error' line naming %s or its options %s" % (
                target, [k for k, _ in opts])
        elif expect == "ok":
            why = "refused a valid value or nesting"
    elif expect == "error":
        why = "accepted a value or nesting it cannot take"
    elif run and RUN_RESULT not in proc.stdout.splitlines():
        why = "ran, but printed %r, not TensorFlow's %r" % (
            proc.stdout[:200], RUN_RESULT)
    return case, why, rc, err, time.time() - start


def main():
    help_text = subprocess.run([lib.sparse_opt(), "--help"],
                               capture_output=True, text=True,
                               timeout=args.timeout).stdout
    entries = parse_help(help_text)
    defaults = source_defaults()
    failures, values, specs = [], {}, {}
    for target in TARGETS:
        if target not in entries:
            failures.append("FAIL: %s --help rc=0 lists no %s" % (
                lib.sparse_opt(), target))
            continue
        values[target], specs[target] = {}, {}
        for name, kind, desc, enum in entries[target]:
            default = defaults.get(target, {}).get(name)
            if default is None:
                failures.append("FAIL: %s --help rc=0 lists %s's option %s, "
                                "which the sources do not declare" % (
                                    lib.sparse_opt(), target, name))
                continue
            specs[target][name] = (kind, desc, enum)
            values[target][name] = option_values(name, kind, desc, enum,
                                                 default)

    def pick_valid(target, name):
        return rnd.choice([v for v, e in values[target][name] if e == "ok"])

    def expectation(target, nesting, chosen):
        # An option the target does not have is an error.
        exps = ["error" if name not in specs[target] else
                classify(name, *specs[target][name], v)
                for name, v in chosen]
        if not nesting_ok(target, nesting) or "error" in exps:
            return "error"
        return "either" if "either" in exps else "ok"

    def fix_format(target, opts):
        # bin and fatbin go through ptxas, which knows the sm_90 family only
        # (an old chip would be ptxas's error, not the pipeline's).
        d = dict(opts)
        if target == "sparse-to-nvvm" and d.get("format") in ("bin", "fatbin"):
            if d.get("chip", "sm_90") not in ("sm_90", "sm_90a"):
                d["chip"] = "sm_90"
        return list(d.items())

    cases = []

    def add(target, nesting, opts, run=False):
        opts = fix_format(target, opts)
        cases.append((command(workdir, target, nesting, opts, run),
                      expectation(target, nesting, opts), target, opts, run))

    workdir = tempfile.mkdtemp(prefix="pipeline-fuzz-")
    for key, text in INPUTS.items():
        with open(os.path.join(workdir, key + ".mlir"), "w") as f:
            f.write(text)
        with open(os.path.join(workdir, key + "-nested.mlir"), "w") as f:
            f.write("module {\n  module @inner {\n" + text + "  }\n}\n")

    for target in values:
        opts = values[target]
        ok_nestings = [n for n in NESTINGS if nesting_ok(target, n)]
        # Every nesting: the defaults at the module, elsewhere one random
        # value of one option (or none).
        for nesting in NESTINGS:
            chosen = []
            if opts and nesting != "builtin.module(X)" and rnd.random() < 0.5:
                name = rnd.choice(sorted(opts))
                chosen = [(name, rnd.choice(opts[name])[0])]
            add(target, nesting, chosen)
        # An option that does not exist.
        add(target, rnd.choice(ok_nestings), [("bogus", "1")])
        # Each option: a value it cannot take, a valid extreme, and random
        # others, each where the target can run.
        for name in sorted(opts):
            vals = opts[name]
            bad = [v for v in vals if v[1] == "error"]
            fine = [v for v in vals if v[1] != "error"]
            picks = ([rnd.choice(bad)] if bad else []) + \
                ([rnd.choice(fine)] if fine else [])
            rest = [v for v in vals if v not in picks]
            picks += rest if args.exhaustive else rnd.sample(rest, min(
                len(rest), max(0, args.values_per_option - len(picks))))
            for v, _ in picks:
                add(target, rnd.choice(ok_nestings), [(name, v)])
        # All options at once, at random valid extremes.
        for _ in range(args.combos if opts else 0):
            chosen = [(name, pick_valid(target, name)) for name in
                      rnd.sample(sorted(opts), len(opts))]
            chosen = [(k, "isa" if k == "format" else v) for k, v in chosen]
            add(target, rnd.choice(ok_nestings), chosen)

    # sparse-lower-to-llvm at extremes, JIT-run: TensorFlow's result.
    if "sparse-lower-to-llvm" in values:
        lower = values["sparse-lower-to-llvm"]
        extremes = [
            {"strategy": "parallel", "chunk-rows": "1", "vector-width": "64"},
            {"strategy": "sequential", "vector-width": "0",
             "chunk-rows": str((1 << 63) - 1), "openmp": "false",
             "deallocate": "false"},
            {"gpu-algorithm": "true", "gpu-fallback": "false",
             "chunk-rows": "1", "num-threads": "4096"},
            {"fuse-slice-grad": "false", "chunk-rows": str(1 << 31),
             "vector-width": "1", "num-threads": "1"},
        ]
        for k, fixed in enumerate(extremes):
            # The other options at random valid values (at most 4 threads
            # where none are fixed: the JIT runs them).
            chosen = [(name, fixed[name] if name in fixed else "4"
                       if name == "num-threads" else
                       pick_valid("sparse-lower-to-llvm", name))
                      for name in sorted(lower)]
            add("sparse-lower-to-llvm", ["builtin.module(X)", "--X=opts"][k % 2],
                chosen, run=True)

    # The slowest (sparse-to-nvvm, the JIT) first, so the two workers finish
    # together.
    cases.sort(key=lambda c: (not c[4], c[2] != "sparse-to-nvvm"))
    start = time.time()
    with concurrent.futures.ThreadPoolExecutor(max(1, args.jobs)) as pool:
        results = list(pool.map(check, cases))
    for case, why, rc, err, secs in results:
        cmd, expect = case[0], case[1]
        if args.verbose:
            print("%-6s rc=%-7s %5.2fs %s%s" % (
                expect, rc, secs, shlex.join(cmd),
                "" if rc == 0 else "\n    " + err.strip()[:200].replace(
                    "\n", "\n    ")))
        if why:
            failures.append("FAIL: %s rc=%s %s\n  (%s)" % (
                shlex.join(cmd), rc, err.strip()[:200], why))
    for f in failures:
        print(f)
    if failures:
        print("inputs kept in %s" % workdir)
    else:
        shutil.rmtree(workdir, ignore_errors=True)
    n_options = sum(len(v) for v in values.values())
    print("pipeline fuzz: %d pipelines and passes, %d options, %d nestings, "
          "%d runs, %d failures" % (len(values), n_options, len(NESTINGS),
                                    len(cases), len(failures)))
    if args.verbose:
        print("%.1f s" % (time.time() - start))
    return 1 if failures else 0


sys.exit(main())
