# Fuzzing, compile time: seeded random sparse.slice_grad ops, malformed and
# extreme (element types TensorFlow allows and others, ranks 0..3, sizes
# 0..3, dynamic, near 2^31, 2^62 and 2^63, R up to 10^5 and 2^40, strided,
# permuted and offset layouts, memory spaces, tensors and memrefs mixed, TF
# import with unranked and quantized operands), each in its own chunk of a
# --split-input-file run through the folds, the lowerings and the import.
# Asserts: no signal, no sanitizer report, no crash report, every chunk
# either compiles or gets a diagnostic, within the time limit (compile time
# does not grow with the sizes). Run under ASan+UBSan by .ci/run
# (scripts/sanitize.sh).
#
# RUN: %test_python %s --seed 1 --cases 300 | FileCheck %s
# CHECK: ir fuzz: 300 cases, {{[0-9]+}} rejected, {{[1-9][0-9]*}} compiled, 0 failures

import argparse
import bisect
import os
import random
import re
import subprocess
import sys

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--cases", type=int, default=300)
parser.add_argument("--timeout", type=int, default=300)
args = parser.parse_args()
rnd = random.Random(args.seed)

VALUE_TYPES = ["f32", "f64", "f16", "bf16", "i8", "i16", "i32", "i64",
               "ui8", "ui16", "ui32", "ui64", "complex<f32>", "complex<f64>"]
BAD_TYPES = ["i1", "index", "i4", "f8E4M3FN", "complex<i32>", "i128"]
SIZES = [0, 1, 2, 3, "?", 2**31 - 1, 2**31, 2**62, 2**63 - 1]
RANKS = [0, 1, 2, 3, 9, 100000, 2**40]


def size():
    return rnd.choice(SIZES) if rnd.random() < 0.1 else rnd.choice([0, 1, 2, 3, "?"])


def shape(rank, first=None, second=None):
    dims = [size() for _ in range(rank)]
    if rank >= 1 and first is not None and rnd.random() < 0.8:
        dims[0] = first
    if rank >= 2 and second is not None and rnd.random() < 0.8:
        dims[1] = second
    return dims


def rank(want):
    return want if rnd.random() < 0.95 else rnd.choice([0, 1, 2, 3])


def fmt(dims, elt):
    return "".join("%sx" % d for d in dims) + elt


def layout(dims):
    r = rnd.random()
    if r < 0.8 or not dims:
        return ""
    if r < 0.85:
        strides = ", ".join(rnd.choice(["?", "1", "4"]) for _ in dims)
        return ", strided<[%s], offset: %s>" % (strides, rnd.choice(["0", "?", "7"]))
    if r < 0.97 and len(dims) == 2:
        return ", affine_map<(d0, d1) -> (d1, d0)>"
    return ", 1"


def case(k):
    elt = rnd.choice(VALUE_TYPES) if rnd.random() < 0.93 else rnd.choice(BAD_TYPES)
    R = rnd.choice(RANKS) if rnd.random() < 0.2 else rnd.choice([0, 1, 2, 3, "?"])
    n_in, n_out = size(), size()
    g = shape(rank(1), n_out)
    ii = shape(rank(2), n_in, R)
    s = shape(rank(1), R)
    oi = shape(rank(2), n_out, R)
    out = shape(rank(1), n_in)
    form = rnd.random()
    name = "@case%d" % k
    if form < 0.45:  # tensors
        types = ["tensor<%s>" % fmt(g, elt), "tensor<%s>" % fmt(ii, "i64"),
                 "tensor<%s>" % fmt(s, "i64"), "tensor<%s>" % fmt(oi, "i64")]
        rt = "tensor<%s>" % fmt(out, elt)
        return ("func.func %s(%%g: %s, %%ii: %s, %%s: %s, %%oi: %s) -> %s {\n"
                "  %%r = sparse.slice_grad %%g, %%ii, %%s, %%oi : %s, %s, %s, %s -> %s\n"
                "  return %%r : %s\n}\n" % (name, *types, rt, *types, rt, rt))
    if form < 0.8:  # memrefs
        types = ["memref<%s%s>" % (fmt(d, e), layout(d)) for d, e in
                 ((g, elt), (ii, "i64"), (s, "i64"), (oi, "i64"), (out, elt))]
        return ("func.func %s(%%g: %s, %%ii: %s, %%s: %s, %%oi: %s, %%o: %s) {\n"
                "  sparse.slice_grad %%g, %%ii, %%s, %%oi : %s, %s, %s, %s into %%o : %s\n"
                "  return\n}\n" % (name, *types, *types))
    # TensorFlow's import: unranked or ranked operands, quantized values.
    qelt = rnd.choice(VALUE_TYPES + ["!tf_type.qint8", "!tf_type.quint8",
                                     "!tf_type.qint32", "!tf_type.qint16"])
    def tft(d, e):
        return "tensor<*x%s>" % e if rnd.random() < 0.5 else "tensor<%s>" % fmt(d, e)
    types = [tft(g, qelt), tft(ii, "i64"), tft(s, "i64"), tft(oi, "i64")]
    rt = tft(out, qelt)
    tattr = rnd.choice(["{T = %s}" % qelt] * 4 + ["", "{T = 1 : i32}", "{T = f32}"])
    return ("func.func %s(%%g: %s, %%ii: %s, %%s: %s, %%oi: %s) -> %s {\n"
            "  %%r = \"tf.SparseSliceGrad\"(%%g, %%ii, %%s, %%oi) %s : (%s, %s, %s, %s) -> %s\n"
            "  return %%r : %s\n}\n" % (name, *types, rt, tattr, *types, rt, rt))


PIPELINES = [
    ["--allow-unregistered-dialect", "--convert-tf-to-sparse", "--canonicalize"],
    ["--allow-unregistered-dialect", "--convert-tf-to-sparse", "--sparse-lower-to-llvm"],
    ["--allow-unregistered-dialect", "--convert-tf-to-sparse",
     "--sparse-lower-to-llvm=strategy=sequential gpu-algorithm=true"],
    ["--allow-unregistered-dialect",
     "--pass-pipeline=builtin.module(convert-tf-to-sparse,"
     "sparse-to-nvvm{format=isa})"],
]
BAD = re.compile(r"Stack dump|PLEASE submit|runtime error:|AddressSanitizer|"
                 r"LeakSanitizer|UndefinedBehaviorSanitizer|LLVM ERROR|"
                 r"Assertion|invalid IR|failed to legalize|"
                 r"unrealized_conversion_cast")

chunks = [case(k) for k in range(args.cases)]
text = "\n// -----\n".join(chunks)
starts, line = [], 1
for c in chunks:  # first line of each chunk
    starts.append(line)
    line += c.count("\n") + 1
failures = []
compiled = set(range(args.cases))
for flags in PIPELINES:
    try:
        proc = subprocess.run(
            [os.environ.get("SPARSE_OPT", "sparse-opt"), "--split-input-file",
             "-o", os.devnull, *flags, "-"],
            input=text, capture_output=True, text=True, timeout=args.timeout)
    except subprocess.TimeoutExpired:
        failures.append("%s: timed out after %d s" % (flags, args.timeout))
        continue
    if proc.returncode not in (0, 1) or BAD.search(proc.stderr):
        m = BAD.search(proc.stderr)
        failures.append("%s: exit %d: %s" % (
            flags[-1], proc.returncode,
            proc.stderr[max(0, m.start() - 1500) if m else -1500:][:3000]))
    # Every error names its chunk's line: anything else (a bad flag, a
    # pipeline that failed as a whole) would leave the cases untested.
    for line in proc.stderr.splitlines():
        if "error" in line and not line.startswith("<stdin>:"):
            failures.append("%s: an error outside the cases: %s"
                            % (flags[-1], line))
            break
    # The chunks with an error (diagnostics keep the input's line numbers).
    for line in re.findall(r"<stdin>:(\d+):\d+: error:", proc.stderr):
        compiled.discard(bisect.bisect_right(starts, int(line)) - 1)
for f in failures:
    print("FAIL:", f)
print("ir fuzz: %d cases, %d rejected, %d compiled, %d failures"
      % (args.cases, args.cases - len(compiled), len(compiled), len(failures)))
sys.exit(1 if failures else 0)
