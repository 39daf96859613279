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
import threading

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

# Hostile files (issue 23): each a message, or the right result.
with open(os.path.join(tmp, "okg.npy"), "rb") as f:
    okg = f.read()
with open(os.path.join(tmp, "order0.npy"), "wb") as f:
    f.write(okg.replace(b"'fortran_order': False", b"'fortran_order': 0    "))
bad("fortran-0", ["--input=@" + os.path.join(tmp, "order0.npy")] + good[1:],
    "fortran_order is 0, not True or False")
with open(os.path.join(tmp, "v2trunc.npy"), "wb") as f:
    f.write(b"\x93NUMPY\x02\x00\x10")
bad("truncated-v2", ["--input=@" + os.path.join(tmp, "v2trunc.npy")] +
    good[1:], "truncated .npy file (no header length)")
bad("directory", ["--input=@" + tmp] + good[1:], "is a directory")

# A pipe: read in order (the writer may close early when refused).
fifo = os.path.join(tmp, "g.fifo")
os.mkfifo(fifo)
for label, payload, message in [("fifo", okg, None),
                                ("fifo-garbage", b"\0" * 4096, "not a .npy")]:
    def feed(data=payload):
        try:
            with open(fifo, "wb") as pipe:
                pipe.write(data)
        except BrokenPipeError:
            pass
    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    proc = run([lib.sparse_opt(), "--run", f32, "-e", "grad",
                "--input=@" + fifo] + good[1:] + ["--output="])
    writer.join(timeout=10)
    if message:
        n_errors += 1
        ok_run = proc.returncode == 1 and message in proc.stderr
    else:
        n_values += 1
        ok_run = proc.returncode == 0 and \
            proc.stdout.strip() == "result[1]: 1xf32=0"
    if not ok_run:
        failures.append("%s: rc %d %r %r" % (label, proc.returncode,
                                             proc.stdout, proc.stderr[-300:]))

# --output onto the --input it returns (the memref form writes its
# destination, mapped from the file): the file ends with the result.
n_values += 1
case = {"g": np.array([1.5, 2.5], np.float32),
        "ii": np.array([[0, 1], [1, 1], [2, 2]], np.int64),
        "s": np.array([0, 1], np.int64),
        "oi": np.array([[0, 0], [2, 1]], np.int64)}
want, _ = lib.reference(case)
dest = os.path.join(tmp, "dest.npy")
args = [save("mg", case["g"]), save("mii", case["ii"]), save("ms", case["s"]),
        save("moi", case["oi"]), save("dest", np.full(3, 7, np.float32))]
proc = run([lib.sparse_opt(), "--run", module_for("f32", "memref", case),
            "-e", "grad"] + args + ["--output=@" + dest])
got = np.load(dest) if os.path.exists(dest) else None
if proc.returncode or got is None or got.tobytes() != want.tobytes():
    failures.append("output onto input: rc %d %r, file %r, expected %r" % (
        proc.returncode, proc.stderr[-300:], got, want))

# A header longer than version 1's 16-bit length (rank 25000): version 2,
# and it reads back.
n_values += 1
unranked = os.path.join(tmp, "unranked.mlir")
with open(unranked, "w") as f:
    f.write("func.func @u(%a: tensor<*xf32>) -> tensor<*xf32> "
            "{ return %a : tensor<*xf32> }\n")
big = os.path.join(tmp, "rank25000.npy")
proc = run([lib.sparse_opt(), "--run", unranked, "-e", "u",
            "--input=" + "x".join(["1"] * 25000) + "xf32=2.5",
            "--output=@" + big])
problem = "rc %d %r" % (proc.returncode, proc.stderr[-300:])
if not proc.returncode:
    with open(big, "rb") as f:
        version = np.lib.format.read_magic(f)
        shape, _, dtype = np.lib.format.read_array_header_2_0(
            f, max_header_size=1 << 20)
        data = f.read()
    back = run([lib.sparse_opt(), "--run", unranked, "-e", "u",
                "--input=@" + big, "--output="])
    problem = None
    if version != (2, 0) or len(shape) != 25000 or dtype != np.float32 or \
            data != np.float32(2.5).tobytes() or back.returncode:
        problem = "version %r rank %d %r %r" % (version, len(shape), data,
                                                back.stderr[-200:])
if problem:
    failures.append("rank 25000: " + problem)

# A float type numpy lacks goes as its bits.
n_values += 1
f8 = os.path.join(tmp, "f8.mlir")
with open(f8, "w") as f:
    f.write("func.func @u(%a: tensor<?xf8E4M3FN>) -> tensor<?xf8E4M3FN> "
            "{ return %a : tensor<?xf8E4M3FN> }\n")
out8 = os.path.join(tmp, "f8.npy")
proc = run([lib.sparse_opt(), "--run", f8, "-e", "u",
            "--input=2xf8E4M3FN=1 -2", "--output=@" + out8])
got = np.load(out8) if not proc.returncode else None
if got is None or got.dtype != np.uint8 or got.tolist() != [0x38, 0xC0]:
    failures.append("f8E4M3FN: rc %d %r %r" % (proc.returncode,
                                               proc.stderr[-200:], got))

for f in failures:
    print("FAIL:", f)
print("run-npy: %d value runs, %d error runs, %d failures"
      % (n_values, n_errors, len(failures)))
