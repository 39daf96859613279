# sparse-opt --run on the user's arrays: .npy files made by numpy go in
# with --input=@FILE, results come back with --output=@FILE and as printed
# text, for every value type and for static, dynamic and unranked
# signatures and the memref form. Values are compared bit for bit with the
# reference loop (printed values too: full precision reads back exactly);
# bad files are clear errors before anything runs.
#
# REQUIRES: numpy
# RUN: rm -rf %t && mkdir -p %t
# RUN: %test_python %s %t | FileCheck %s
# CHECK: run-npy: {{[1-9][0-9]*}} value runs, {{[1-9][0-9]*}} error runs, 0 failures

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

tmp = sys.argv[1]
failures, n_values, n_errors = [], 0, 0

GRAD = """
func.func @grad(%g: {g}, %ii: {ii}, %s: {s}, %oi: {oi}) -> ({r}, {r}) {{
  %r = sparse.slice_grad %g, %ii, %s, %oi : {g}, {ii}, {s}, {oi} -> {r}
  return %r, %r : {r}, {r}
}}
"""
# The memref form returns its destination argument.
MEMREF = """
func.func @grad(%g: memref<?x{e}>, %ii: memref<?x?xi64>, %s: memref<?xi64>,
                %oi: memref<?x?xi64>, %out: memref<?x{e}>) -> memref<?x{e}> {{
  sparse.slice_grad %g, %ii, %s, %oi : memref<?x{e}>, memref<?x?xi64>, memref<?xi64>, memref<?x?xi64> into %out : memref<?x{e}>
  return %out : memref<?x{e}>
}}
"""


def module_for(elt, form, case):
    path = os.path.join(tmp, "%s_%s.mlir" % (form, elt.replace("<", "").replace(">", "")))
    if form == "memref":
        text = MEMREF.format(e=elt)
    elif form == "unranked":
        t = "tensor<*x%s>" % elt
        text = """
func.func @grad(%g: {t}, %ii: tensor<*xi64>, %s: tensor<*xi64>, %oi: tensor<*xi64>) -> ({t}, {t}) {{
  %g1 = tensor.cast %g : {t} to tensor<?x{e}>
  %ii1 = tensor.cast %ii : tensor<*xi64> to tensor<?x?xi64>
  %s1 = tensor.cast %s : tensor<*xi64> to tensor<?xi64>
  %oi1 = tensor.cast %oi : tensor<*xi64> to tensor<?x?xi64>
  %r = sparse.slice_grad %g1, %ii1, %s1, %oi1 : tensor<?x{e}>, tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> tensor<?x{e}>
  %u = tensor.cast %r : tensor<?x{e}> to {t}
  return %u, %u : {t}, {t}
}}
""".format(t=t, e=elt)
    else:
        def ty(a, e):
            if form == "static":
                return lib.tensor_type(a.shape, e)
            return "tensor<%s%s>" % ("?x" * a.ndim, e)
        text = GRAD.format(g=ty(case["g"], elt), ii=ty(case["ii"], "i64"),
                           s=ty(case["s"], "i64"), oi=ty(case["oi"], "i64"),
                           r="tensor<%s%s>" % (
                               "%dx" % case["ii"].shape[0] if form == "static"
                               else "?x", elt))
    with open(path, "w") as f:
        f.write(text)
    return path


def save(name, array):
    path = os.path.join(tmp, name + ".npy")
    np.save(path, array)
    return "--input=@" + path


def parse_printed(line, dtype):
    """The values of `result[k]: DIMSxTYPE=v v ...` as a numpy array."""
    values = line.split("=", 1)[1]
    tokens = re.findall(r"\([^)]*\)|[^\s\[\]]+", values)
    npdt = lib.DTYPES[dtype][1]
    if dtype.startswith("complex"):
        return np.array([complex(*map(float, t[1:-1].split(",")))
                         for t in tokens], dtype=npdt)
    if dtype == "bf16":  # printed as a float: back to its bits
        f = np.array([float(t) for t in tokens], dtype=np.float32)
        return (f.view(np.uint32) >> 16).astype(np.uint16)
    if dtype in ("f16", "f32", "f64"):
        return np.array([float(t) for t in tokens], dtype=npdt)
    return np.array([int(t) for t in tokens], dtype=npdt)


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=300)


rng = np.random.default_rng(11)
forms = ["dynamic", "static", "unranked", "memref"]
for k, dtype in enumerate(lib.DTYPES):
    elt = lib.DTYPES[dtype][0]
    # A value case of every type (shuffled input, not what SparseSlice
    # makes, for every other type), and for two types an error case.
    for trial in [0, 1] if k < 2 else [0]:
        form = forms[k % len(forms)]
        while True:
            case = gen.random_case(rng, "npy")
            if k % 2:
                case["ii"] = case["ii"][rng.permutation(case["ii"].shape[0])]
            case["g"] = lib.convert(lib.random_values(
                rng, dtype, case["oi"].shape[0]), dtype)
            want, error = lib.reference(case)
            if case["ii"].shape[1] >= 1 and (error is None) == (trial == 0) \
                    and (error or case["oi"].shape[0]):
                break
        label = "%s/%s/%s" % (dtype, form, case["name"])
        args = [save("g", case["g"]), save("ii", case["ii"]),
                save("s", case["s"]), save("oi", case["oi"])]
        out = os.path.join(tmp, "out.npy")
        if os.path.exists(out):
            os.remove(out)
        if form == "memref":
            args.append(save("dest", np.full(case["ii"].shape[0], 7,
                                             dtype=case["g"].dtype)))
            args += ["--output=@" + out]
        else:
            args += ["--output=@" + out, "--output=-"]
        proc = run([lib.sparse_opt(), "--run", module_for(elt, form, case),
                    "-e", "grad"] + args)
        if error is not None:
            n_errors += 1
            if proc.returncode != 1 or error not in proc.stderr:
                failures.append("%s: expected %r, got rc %d %s" % (
                    label, error, proc.returncode, proc.stderr[-600:]))
            continue
        n_values += 1
        if proc.returncode:
            failures.append("%s: rc %d %s" % (label, proc.returncode,
                                              proc.stderr[-600:]))
            continue
        got = np.load(out)
        expected_dtype = np.dtype(lib.DTYPES[dtype][1])
        if got.dtype != expected_dtype or got.shape != want.shape or \
                lib.bits(got, dtype) != lib.bits(want, dtype):
            failures.append("%s: .npy %s %s %s, expected %s" % (
                label, got.dtype, got.shape, got[:8], want[:8]))
        if form != "memref":
            line = proc.stdout.splitlines()[0] if proc.stdout else ""
            if not line.startswith("result[1]: "):
                failures.append("%s: printed %r" % (label, proc.stdout[:200]))
            elif lib.bits(parse_printed(line, dtype), dtype) != \
                    lib.bits(want, dtype):
                failures.append("%s: printed %s, expected %s" % (
                    label, line[:200], want[:8]))

# Bad files and arguments: one message each, nothing run.
ok = {"g": np.zeros(1, np.float32), "ii": np.zeros((1, 2), np.int64),
      "s": np.zeros(2, np.int64), "oi": np.zeros((1, 2), np.int64)}
f32 = module_for("f32", "dynamic", ok)


def bad(label, inputs, message, extra=()):
    global n_errors
    n_errors += 1
    proc = run([lib.sparse_opt(), "--run", f32, "-e", "grad"] + inputs +
               list(extra))
    if proc.returncode != 1 or message not in proc.stderr or proc.stdout:
        failures.append("%s: expected %r, got rc %d %r %r" % (
            label, message, proc.returncode, proc.stderr[-400:],
            proc.stdout[:100]))


good = [save("okg", ok["g"]), save("okii", ok["ii"]), save("oks", ok["s"]),
        save("okoi", ok["oi"])]
bad("dtype", [save("g64", ok["g"].astype(np.float64))] + good[1:],
    "--input #1 (@%s/g64.npy) does not fit argument #1 of @grad, "
    "tensor<?xf32>: its dtype is '<f8', the argument needs '<f4'" % tmp)
bad("rank", good[:2] + [save("s2", np.zeros((2, 1), np.int64))] + good[3:],
    "its shape is 2x1, the argument has rank 1")
bad("fortran", [good[0], save("iif", np.asfortranarray(
    np.zeros((3, 2), np.int64)))] + good[2:], "the array is in Fortran order")
bad("big-endian", [save("gbe", ok["g"].astype(">f4"))] + good[1:],
    "dtype '>f4' is not a little-endian number type")
bad("structured", [save("gst", np.zeros(1, dtype=[("a", "<f4")]))] +
    good[1:], "is a structured dtype")
with open(os.path.join(tmp, "trunc.npy"), "wb") as f:
    f.write(open(os.path.join(tmp, "okii.npy"), "rb").read()[:-3])
bad("truncated", [good[0], "--input=@" + os.path.join(tmp, "trunc.npy")] +
    good[2:], "holds 13 bytes of data, its shape and dtype need 16")
bad("not-npy", ["--input=@" + f32] + good[1:], "not a .npy file")
bad("missing", ["--input=@" + os.path.join(tmp, "none.npy")] + good[1:],
    "none.npy: No such file or directory")
bad("count", good[:3], "takes 4 arguments, 3 --input given")
bad("output", good, "--output #1 is 'x.npy': give @FILE.npy, - (print) or "
    "nothing (drop)", ["--output=x.npy"])
bad("runner-kind", good, "--entry-point-result=void does not fit @grad",
    ["--entry-point-result=void"])

# A file whose data is not 16-byte aligned (numpy pads to 64; other
# writers may not) is copied, and the values are still right.
n_values += 1
with open(os.path.join(tmp, "okg.npy"), "rb") as f:
    raw = f.read()
header_len = int.from_bytes(raw[8:10], "little")
header = raw[10:10 + header_len].rstrip(b" \n")
header += b" " * ((-(10 + len(header) + 1) % 16) + 4) + b"\n"
with open(os.path.join(tmp, "odd.npy"), "wb") as f:
    f.write(raw[:8] + len(header).to_bytes(2, "little") + header +
            raw[10 + header_len:])
proc = run([lib.sparse_opt(), "--run", f32, "-e", "grad",
            "--input=@" + os.path.join(tmp, "odd.npy")] + good[1:] +
           ["--output=", "--repeat=3"])
if proc.returncode or proc.stdout.strip() != "result[1]: 1xf32=0" or \
        not re.search(r"@grad: 3 calls: min [0-9.]+ ms, median [0-9.]+ ms",
                      proc.stderr):
    failures.append("unaligned/repeat: rc %d %r %r" % (
        proc.returncode, proc.stdout, proc.stderr[-300:]))

for f in failures:
    print("FAIL:", f)
print("run-npy: %d value runs, %d error runs, %d failures"
      % (n_values, n_errors, len(failures)))
