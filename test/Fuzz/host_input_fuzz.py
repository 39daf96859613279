# Fuzzing, host arrays: seeded, structure-aware inputs to `sparse-opt --run`'s
# --input and --output surfaces (lib/Runner/HostArray.cpp).
#  - .npy files written by numpy (versions 1, 2, 3; f32, f64, i64, i8, ui8,
#    bool, bf16 as '<u2', complex64, rank 1, unranked up to rank 64) and
#    then corrupted: truncated at each part (magic, version, header length,
#    header, data), version byte 0..4 and 255, header length off by one, 64,
#    0xFFFF, 0xFFFFFFFF and 0, header dicts without keys, fortran_order
#    True / 0 / garbage, big-endian, void, structured and unknown dtypes,
#    negative, huge (2**62, products past 2**64), non-integer and rank-100
#    shapes, data longer or shorter than the shape needs, misaligned data,
#    random byte flips; an empty file, a directory, /dev/zero, /dev/null, a
#    missing file, and FIFOs fed (by a writer that a refusing reader must not
#    deadlock) with a valid file, garbage, a short or endless stream, and
#    headers claiming huge lengths or shapes;
#  - inline arrays: random valid ones of each dtype (random bit patterns,
#    NaN payloads, -0.0, subnormals, infinities) that must print and re-read
#    bit for bit, and invalid ones (wrong counts, bad literals, out-of-range
#    integers, too many or overflowing dims, bad type names, no '=');
#  - --output: onto the --input file of a function that writes its argument
#    (the result is the mapped input buffer), to /dev/full next to a real
#    file, into a missing directory or onto a directory, to a FIFO and to
#    /dev/stdout, a zero-element result with a huge leading dimension, and a
#    rank-25000 result whose .npy header needs version 2;
#  - sparse.slice_grad called on random cases given as .npy files, checked
#    against TF's loop (value or message).
# Every run must exit 0 with the right values, or 1 with a one-line-ish
# message that starts with `sparse-opt:` (or the op's own `... in @fn (...):
# CODE: message`): no signal, no LLVM ERROR or stack dump, no timeout.
#
# REQUIRES: numpy
# RUN: %test_python %s --seed 7 --cases 40 | FileCheck %s
# CHECK: host input fuzz: {{[1-9][0-9]*}} npy cases, {{[1-9][0-9]*}} inline cases, {{[1-9][0-9]*}} output cases, {{[0-9]+}} runs, 0 failures

import argparse
import io
import os
import re
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_cases as gen  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=7)
parser.add_argument("--cases", type=int, default=40)
parser.add_argument("--keep", action="store_true",
                    help="keep the temporary directory")
args = parser.parse_args()

rng = np.random.default_rng(args.seed)
TMP = tempfile.mkdtemp(prefix="host_input_fuzz.")
failures = []
counts = {"npy": 0, "inline": 0, "output": 0, "runs": 0}
STDOUT_CAP = 1 << 22  # bytes of stdout kept (a run may print without end)
STDERR_CAP = 1 << 16

# ---------------------------------------------------------------------------
# The entry functions: one module of identities (cheap to lower), one with
# the op (about a second to lower).

# name -> (MLIR element type, numpy dtype of its .npy, bytes per element)
FAMILIES = {
    "f32": ("f32", np.dtype("<f4")),
    "f64": ("f64", np.dtype("<f8")),
    "i64": ("i64", np.dtype("<i8")),
    "i8": ("i8", np.dtype("|i1")),
    "ui8": ("ui8", np.dtype("|u1")),
    "i1": ("i1", np.dtype("|b1")),
    "bf16": ("bf16", np.dtype("<u2")),
    "c64": ("complex<f32>", np.dtype("<c8")),
}


def ident(name, ttype):
    return ("func.func @%s(%%a: %s) -> (%s, %s) {\n"
            "  return %%a, %%a : %s, %s\n}\n" % ((name,) + (ttype,) * 5))


ID_MLIR = os.path.join(TMP, "id.mlir")
with open(ID_MLIR, "w") as f:
    for fam, (elt, _) in FAMILIES.items():
        f.write(ident(fam, "tensor<?x?x%s>" % elt))
    f.write(ident("r1", "tensor<?xf32>"))
    f.write(ident("u", "tensor<*xf32>"))
    f.write("func.func @inplace(%a: memref<?xf32>) -> memref<?xf32> {\n"
            "  %c0 = arith.constant 0 : index\n"
            "  %v = arith.constant 42.0 : f32\n"
            "  memref.store %v, %a[%c0] : memref<?xf32>\n"
            "  return %a : memref<?xf32>\n}\n")
GRAD_MLIR = os.path.join(TMP, "grad.mlir")
with open(GRAD_MLIR, "w") as f:
    f.write("func.func @grad(%g: tensor<?xf32>, %ii: tensor<?x?xi64>, "
            "%s: tensor<?xi64>, %oi: tensor<?x?xi64>) -> tensor<?xf32> {\n"
            "  %r = sparse.slice_grad %g, %ii, %s, %oi : tensor<?xf32>, "
            "tensor<?x?xi64>, tensor<?xi64>, tensor<?x?xi64> -> "
            "tensor<?xf32>\n  return %r : tensor<?xf32>\n}\n")

# ---------------------------------------------------------------------------
# Running sparse-opt.

BAD_STDERR = re.compile(r"LLVM ERROR|PLEASE submit a bug report|Stack dump|"
                        r"Sanitizer|runtime error:")
OP_LINE = re.compile(r"^\S+ in @\w+ \(.*\): [A-Z_]+: ")


def _drain(pipe, cap, into):
    try:
        while True:
            chunk = pipe.read(1 << 16)
            if not chunk:
                break
            if into["n"] < cap:
                into["data"] += chunk[:cap - into["n"]]
            into["n"] += len(chunk)
    except (OSError, ValueError):
        pass


class Run:
    pass


def sparse_opt(argv, module=ID_MLIR, timeout=60):
    """Runs `sparse-opt --run module argv`; stdout and stderr are read with
    a cap (what is past it is counted and dropped)."""
    cmd = [lib.sparse_opt(), "--run", module] + argv
    counts["runs"] += 1
    for attempt in range(10):  # the binary may be relinked under us
        try:
            proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                    stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, cwd=TMP)
            break
        except OSError:
            if attempt == 9:
                raise
            time.sleep(3)
    out, err = {"data": b"", "n": 0}, {"data": b"", "n": 0}
    readers = [threading.Thread(target=_drain, args=(proc.stdout, STDOUT_CAP,
                                                     out), daemon=True),
               threading.Thread(target=_drain, args=(proc.stderr, STDERR_CAP,
                                                     err), daemon=True)]
    for t in readers:
        t.start()
    start = time.monotonic()
    r = Run()
    r.timed_out = False
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        r.timed_out = True
        proc.kill()
        proc.wait()
    for t in readers:
        t.join(5)
    r.elapsed = time.monotonic() - start
    r.rc = proc.returncode
    r.out_bytes, r.out_len = out["data"], out["n"]
    r.out = r.out_bytes.decode("utf-8", "replace")
    r.err = err["data"].decode("utf-8", "replace")
    r.cmd = cmd
    return r


def _quote(a):
    return a if re.fullmatch(r"[\w@%+=:,./-]+", a) else "'%s'" % a.replace(
        "'", "'\\''")


def fail(what, r, why=""):
    cmd = " ".join(_quote(a) for a in r.cmd) if r is not None else ""
    failures.append("%s%s rc=%s stderr=%r cmd=%s" % (
        what, (" (" + why + ")") if why else "",
        None if r is None else ("timeout" if r.timed_out else r.rc),
        "" if r is None else r.err[:200], cmd[:600]))


def sane(what, r):
    """The checks every run must pass; False (and a failure) if not."""
    if r.timed_out:
        fail(what, r, "timed out")
        return False
    if r.rc < 0:
        fail(what, r, "killed by signal %d" % -r.rc)
        return False
    if BAD_STDERR.search(r.err):
        fail(what, r, "crash report on stderr")
        return False
    if len(r.err.splitlines()) > 4:
        fail(what, r, "%d lines of stderr" % len(r.err.splitlines()))
        return False
    if r.rc not in (0, 1):
        fail(what, r, "exit status not 0 or 1")
        return False
    if r.rc == 1:
        first = r.err.splitlines()[0] if r.err else ""
        if not (first.startswith("sparse-opt: ") or OP_LINE.match(first)):
            fail(what, r, "exit 1 without a sparse-opt: message")
            return False
    return True


def expect_error(what, r, contains=None):
    if not sane(what, r):
        return False
    if r.rc != 1:
        fail(what, r, "accepted, expected an error")
        return False
    if contains is not None and contains not in r.err:
        fail(what, r, "message lacks %r" % contains)
        return False
    return True


def expect_ok(what, r):
    if not sane(what, r):
        return False
    if r.rc != 0:
        fail(what, r, "refused, expected a result")
        return False
    return True


# ---------------------------------------------------------------------------
# Values as bit patterns, printed text.

def bits_of(a, fam):
    """The bit patterns of array `a` (of FAMILIES[fam]'s dtype), flat; a
    complex value is two patterns."""
    a = np.ascontiguousarray(a)
    if fam == "c64":
        a = a.view(np.float32)
    return [int(x) for x in a.reshape(-1).view("u%d" % a.dtype.itemsize)]


def _nearest(x, c, dtype, ubits):
    """The value of `dtype` nearest to the Fraction `x`, ties to even, from
    candidate `c` and its neighbours."""
    with np.errstate(over="ignore"):  # the neighbour of the largest value
        cands = [c, np.nextafter(c, dtype(np.inf)),
                 np.nextafter(c, dtype(-np.inf))]
    best = None
    for v in cands:
        if not np.isfinite(v):
            continue
        d = abs(Fraction(float(v)) - x)
        b = int(np.array(v, dtype=dtype).view(ubits))
        key = (d, b & 1)
        if best is None or key < best[0]:
            best = (key, b)
    return best[1]


def token_bits(tok, fam):
    """The bit pattern that printed token `tok` stands for (None if it is not
    one), in the printer's spelling; exact decimal rounding."""
    elt = {"c64": "f32"}.get(fam, fam)
    if elt in ("f32", "f64", "bf16"):
        width = {"f32": 32, "f64": 64, "bf16": 16}[elt]
        if tok.lower().startswith("0x"):
            return int(tok, 16)
        neg = tok.startswith("-")
        body = tok[1:] if neg else tok
        if body == "nan":
            q = {"f32": 0x7FC00000, "f64": 0x7FF8000000000000,
                 "bf16": 0x7FC0}[elt]
        elif body == "inf":
            q = {"f32": 0x7F800000, "f64": 0x7FF0000000000000,
                 "bf16": 0x7F80}[elt]
        else:
            try:
                x = Fraction(body)
            except (ValueError, ZeroDivisionError):
                return None
            if elt == "f64":
                q = int(np.array(float(x)).view(np.uint64))
            elif elt == "f32":
                q = _nearest(x, np.float32(float(x)), np.float32, np.uint32)
            else:
                q32 = _nearest(x, np.float32(float(x)), np.float32, np.uint32)
                if q32 & 0xFFFF:
                    return None  # not a bf16 value: the printer never says so
                q = q32 >> 16
        return q | ((1 << (width - 1)) if neg else 0)
    try:
        v = int(tok)
    except ValueError:
        return None
    width = {"i64": 64, "i8": 8, "ui8": 8, "i1": 1}[elt]
    if elt == "i1" and v not in (0, 1):
        return None
    if elt == "ui8" and not 0 <= v < 256:
        return None
    if elt in ("i8", "i64") and not -(1 << (width - 1)) <= v < (1 << (width - 1)):
        return None  # the printer writes signless as signed
    return v % (1 << width)


def tokenize(text):
    """The inline values, as the tool splits them."""
    toks, i = [], 0
    while i < len(text):
        c = text[i]
        if c.isspace() or c in ",[]":
            i += 1
            continue
        if c == "(":
            j = text.find(")", i)
            j = len(text) if j < 0 else j + 1
        else:
            j = i
            while j < len(text) and not (text[j].isspace() or text[j] in ",[]"):
                j += 1
        toks.append(text[i:j])
        i = j
    return toks


def printed_results(out):
    """{k: 'DIMSxTYPE=VALUES'} from `result[k]: ...` lines."""
    res = {}
    for line in out.splitlines():
        m = re.match(r"result\[(\d+)\]: (.*)$", line)
        if m:
            res[int(m.group(1))] = m.group(2)
    return res


def printed_matches(text, fam, a):
    """Whether printed `text` is array `a` of family `fam`: shape, type and
    every bit. Returns None or why not."""
    elt = FAMILIES[fam][0] if fam in FAMILIES else "f32"
    want_type = shape_prefix(a.shape) + elt
    if "=" not in text:
        return "no '=' in %r" % text[:80]
    typ, vals = text.split("=", 1)
    if typ != want_type:
        return "type %r, expected %r" % (typ[:80], want_type[:80])
    toks = tokenize(vals)
    if a.size == 0:
        return None if not toks else "values for an empty array"
    want = bits_of(a, fam)
    got = []
    for t in toks:
        if fam == "c64":
            if not (t.startswith("(") and t.endswith(")") and "," in t):
                return "token %r is not complex" % t
            re_, im = t[1:-1].split(",", 1)
            got += [token_bits(re_, fam), token_bits(im, fam)]
        else:
            got.append(token_bits(t, fam))
    if got != want:
        bad = next(i for i in range(min(len(got), len(want)) + 1)
                   if i >= len(got) or i >= len(want) or got[i] != want[i])
        return "value %d: printed %r, expected bits %s (of %d/%d)" % (
            bad, toks[bad // (2 if fam == "c64" else 1)] if bad < len(got)
            else None, hex(want[bad]) if bad < len(want) else None,
            len(got), len(want))
    return None


def shape_prefix(shape):
    return "".join("%dx" % d for d in shape)


def loaded_matches(path, fam, a):
    """Whether .npy `path` holds `a` (dtype, shape, bits)."""
    try:
        got = np.load(path, allow_pickle=False)
    except Exception as e:  # noqa: BLE001 - any load error is the finding
        return "np.load: %s" % e
    want_dtype = FAMILIES[fam][1] if fam in FAMILIES else np.dtype("<f4")
    if got.dtype != want_dtype or got.shape != a.shape:
        return "loaded %s %s, expected %s %s" % (got.dtype, got.shape,
                                                 want_dtype, a.shape)
    if bits_of(got, fam) != bits_of(a, fam):
        return "loaded values differ"
    return None


# ---------------------------------------------------------------------------
# Random arrays.

F32_SPECIAL = [0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000,
               0xFFC00000, 0x7FC00001, 0x7F800001, 0xFFBFFFFF, 0x00000001,
               0x807FFFFF, 0x7F7FFFFF, 0x00800000, 0x3F800000]
F64_SPECIAL = [0, 1 << 63, 0x7FF0000000000000, 0xFFF0000000000000,
               0x7FF8000000000000, 0xFFF8000000000000, 0x7FF0000000000001,
               0x7FF8DEADBEEF0001, 1, 0x000FFFFFFFFFFFFF, 0x7FEFFFFFFFFFFFFF,
               0x3FB999999999999A]
BF16_SPECIAL = [0x0000, 0x8000, 0x7F80, 0xFF80, 0x7FC0, 0xFFC0, 0x7FC1,
                0x7F81, 0x0001, 0x807F, 0x7F7F, 0x3F80, 0x3DCD]


def random_bits(n, width, special):
    v = rng.integers(0, 1 << width, size=n, dtype=np.uint64) if width < 64 \
        else rng.integers(0, 1 << 63, size=n, dtype=np.uint64) * 2 + \
        rng.integers(0, 2, size=n, dtype=np.uint64)
    mask = rng.random(n) < 0.3
    v[mask] = rng.choice(np.array(special, dtype=np.uint64), size=mask.sum())
    # Also plain values (not only random exponents).
    return v


def random_array(fam, shape):
    n = int(np.prod(shape, dtype=np.int64))
    if fam == "f32":
        a = random_bits(n, 32, F32_SPECIAL).astype(np.uint32).view("<f4")
    elif fam == "f64":
        a = random_bits(n, 64, F64_SPECIAL).view("<f8")
    elif fam == "bf16":
        a = random_bits(n, 16, BF16_SPECIAL).astype("<u2")
    elif fam == "c64":
        a = random_bits(2 * n, 32, F32_SPECIAL).astype(np.uint32).view("<c8")
    elif fam == "i64":
        a = random_bits(n, 64, [0, 1, 1 << 63, (1 << 64) - 1, (1 << 63) - 1]
                        ).view("<i8")
    elif fam == "i8":
        a = random_bits(n, 8, [0, 0x80, 0x7F, 0xFF]).astype(np.uint8).view(
            "|i1")
    elif fam == "ui8":
        a = random_bits(n, 8, [0, 0xFF]).astype("|u1")
    elif fam == "i1":
        a = rng.random(n) < 0.5
    return np.ascontiguousarray(a.reshape(shape))


def random_shape(rank, maxdim=5, allow_zero=True):
    lo = 0 if allow_zero and rng.random() < 0.1 else 1
    return tuple(int(x) for x in rng.integers(lo, maxdim + 1, size=rank))


def spell(fam, b):
    """Some spelling of one value with bit pattern(s) `b` for inline text."""
    elt = {"c64": "f32"}.get(fam, fam)
    if fam == "c64":
        return "(%s,%s%s)" % (spell("f32", b[0]), " " * int(rng.integers(0, 2)),
                              spell("f32", b[1]))
    if elt in ("f32", "f64", "bf16"):
        width = {"f32": 32, "f64": 64, "bf16": 16}[elt]
        if elt == "f32":
            v = np.array(b, dtype=np.uint32).view(np.float32)[()]
        elif elt == "f64":
            v = np.array(b, dtype=np.uint64).view(np.float64)[()]
        else:
            v = np.array(b << 16, dtype=np.uint32).view(np.float32)[()]
        if np.isnan(v) or rng.random() < 0.3:
            return ("0x%0*X" if rng.random() < 0.5 else "0x%0*x") % (
                width // 4, b)
        if np.isinf(v):
            return "-inf" if v < 0 else "inf"
        if elt == "f64":
            return repr(float(v))
        # f32's shortest text; bf16's value is exact as a double.
        return str(v) if elt == "f32" else repr(float(v))
    if fam == "i1":
        return rng.choice(["0", "false"]) if not b else rng.choice(["1",
                                                                    "true"])
    width = {"i64": 64, "i8": 8, "ui8": 8}[fam]
    signed = b - (1 << width) if (fam != "ui8" and b >> (width - 1)) else b
    # Signless integers take either reading.
    if fam != "ui8" and signed < 0 and rng.random() < 0.3:
        return str(b)
    return str(signed)


def inline_text(fam, a):
    """`DIMSxTYPE=VALUES` for `a`, with random separators."""
    b = bits_of(a, fam)
    per = 2 if fam == "c64" else 1
    vals = [spell(fam, b[i * per:(i + 1) * per] if per == 2 else b[i])
            for i in range(a.size)]
    style = rng.integers(0, 4)
    if style == 0 or a.ndim < 2:
        body = " ".join(vals)
    elif style == 1:
        body = ", ".join(vals)
    elif style == 2:  # a bracket around each row
        row = a.shape[-1] or 1
        body = "".join("[" + " ".join(vals[i:i + row]) + "]"
                       for i in range(0, len(vals), row))
    else:
        body = "  ".join(vals) + " "
    return shape_prefix(a.shape) + FAMILIES.get(fam, ("f32",))[0] + "=" + body


def fn_for(fam, a):
    """The entry function that takes `a`."""
    if fam in FAMILIES and a.ndim == 2:
        return fam
    return "r1" if a.ndim == 1 else "u"


# ---------------------------------------------------------------------------
# 1. .npy files

def npy_bytes(a, version):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, a, version=version, allow_pickle=False)
    return buf.getvalue()


def npy_raw(header, data=b"", version=1, align=64, length=None):
    """A .npy file from a header dict text, padded like numpy's."""
    h = header.encode("utf-8") if isinstance(header, str) else header
    prefix = 10 if version == 1 else 12
    total = -(-(prefix + len(h) + 1) // align) * align
    h = h + b" " * (total - prefix - len(h) - 1) + b"\n"
    n = len(h) if length is None else length
    lenf = struct.pack("<H", n) if version == 1 else struct.pack("<I", n)
    return b"\x93NUMPY" + bytes([version, 0]) + lenf + h + data


def header_text(descr, shape, order="False"):
    if not isinstance(shape, str):
        shape = "(" + "".join("%s, " % d for d in shape) + ")" if len(
            shape) != 1 else "(%s,)" % shape[0]
    return "{'descr': %s, 'fortran_order': %s, 'shape': %s, }" % (
        descr, order, shape)


FILE_N = [0]


def write_file(data):
    FILE_N[0] += 1
    path = os.path.join(TMP, "in%d.npy" % FILE_N[0])
    with open(path, "wb") as f:
        f.write(data)
    return path


def out_path():
    FILE_N[0] += 1
    path = os.path.join(TMP, "out%d.npy" % FILE_N[0])
    if os.path.exists(path):
        os.remove(path)
    return path


def run_npy_input(spec, fam, a_shape_rank=2):
    """Runs the family function on `spec` (an --input), result to a file."""
    o = out_path()
    fn = fam if a_shape_rank == 2 else ("r1" if a_shape_rank == 1 else "u")
    return sparse_opt(["-e", fn, "--input=" + spec, "--output=@" + o,
                       "--output="]), o


def npy_value_case(what, path, fam, a):
    """A file that must be read: the result equals `a`, by file and by
    print."""
    counts["npy"] += 1
    fn = fn_for(fam, a)
    o = out_path()
    r = sparse_opt(["-e", fn, "--input=@" + path, "--output=@" + o,
                    "--output=-"])
    if not expect_ok(what, r):
        return
    why = loaded_matches(o, fam if fn == fam else "f32", a)
    if why is None:
        got = printed_results(r.out).get(1)
        why = "no result[1] printed" if got is None else printed_matches(
            got, fam if fn == fam else "f32", a)
    if why:
        fail(what, r, why)


def npy_error_case(what, spec, fam="f32", rank=2, contains=None):
    counts["npy"] += 1
    r, o = run_npy_input(spec, fam, rank)
    if expect_error(what, r, contains) and os.path.exists(o):
        fail(what, r, "an error, but %s was written" % o)


def npy_either_case(what, path, fam, rank=2):
    """A file the tool may read or refuse; if read, the result is what numpy
    reads (when numpy reads it as this family's dtype)."""
    counts["npy"] += 1
    r, o = run_npy_input("@" + path, fam, rank)
    if not sane(what, r) or r.rc != 0:
        return
    try:
        want = np.load(path, allow_pickle=False)
    except Exception:  # noqa: BLE001 - numpy stricter than the tool
        return
    if want.dtype.str.lstrip("=|<") != FAMILIES[fam][1].str.lstrip("=|<"):
        return
    if not want.flags.c_contiguous:
        return
    why = loaded_matches(o, fam, np.ascontiguousarray(want))
    if why:
        fail(what, r, "read, but not as numpy reads it: " + why)


VERSIONS = [(1, 0), (2, 0), (3, 0)]

# Valid files of every family and version.
bases = []
for k, fam in enumerate(FAMILIES):
    for v in VERSIONS:
        shape = random_shape(2)
        a = random_array(fam, shape)
        data = npy_bytes(a, v)
        path = write_file(data)
        npy_value_case("npy valid %s v%d %s" % (fam, v[0], shape), path, fam, a)
        bases.append((fam, v[0], a, data))
for rank in (0, 1, 3, 64):
    shape = (1,) * rank if rank == 64 else random_shape(rank)
    a = random_array("f32", shape)
    npy_value_case("npy valid f32 rank %d" % rank,
                   write_file(npy_bytes(a, (1, 0) if rank < 64 else (2, 0))),
                   "f32", a)


def parts(data):
    """(prefix length, header length, data start) of numpy's file."""
    prefix = 10 if data[6] == 1 else 12
    hlen = struct.unpack("<H", data[8:10])[0] if prefix == 10 else \
        struct.unpack("<I", data[8:12])[0]
    return prefix, hlen, prefix + hlen


# Structural corruptions of some of the valid files: one of each version,
# others chosen by the seed.
picks = [b for b in bases if b[0] == "f32"]
picks += [bases[int(i)] for i in rng.choice(len(bases), size=3, replace=False)]
for fam, ver, a, data in picks:
    prefix, hlen, start = parts(data)
    tag = "%s v%d %s" % (fam, ver, a.shape)
    cuts = sorted({0, 1, 3, 6, 7, 8, 9, prefix - 1, prefix, prefix + 1,
                   prefix + hlen // 2, start - 1, start, start + 1,
                   len(data) - 1})
    for cut in cuts:
        if cut >= len(data) or (cut == start and a.nbytes == 0):
            continue
        npy_error_case("npy %s truncated at %d of %d" % (tag, cut, len(data)),
                       "@" + write_file(data[:cut]), fam)
    for version in (0, 1, 2, 3, 4, 255):
        mutated = data[:6] + bytes([version]) + data[7:]
        path = write_file(mutated)
        same_layout = version == ver or (version in (2, 3) and ver in (2, 3))
        what = "npy %s version byte %d" % (tag, version)
        if same_layout:
            npy_value_case(what, path, fam, a)
        else:
            npy_error_case(what, "@" + path, fam)
    lengths = [hlen + 1, hlen - 1, hlen + 64, max(hlen - 64, 0), 0, 0xFFFF]
    if prefix == 12:
        lengths += [0xFFFFFFFF, 0x10000 + hlen, 1 << 31]
    for n in lengths:
        if n == hlen:
            continue
        field = struct.pack("<H", n) if prefix == 10 else struct.pack("<I", n)
        mutated = data[:8] + field + data[prefix:]
        npy_error_case("npy %s header length %d (not %d)" % (tag, n, hlen),
                       "@" + write_file(mutated), fam)
    extra = a.dtype.itemsize
    npy_error_case("npy %s %d data bytes too many" % (tag, extra),
                   "@" + write_file(data + b"\0" * extra), fam)
    npy_error_case("npy %s 1 data byte too many" % tag,
                   "@" + write_file(data + b"\x01"), fam)
    if a.nbytes:
        npy_error_case("npy %s 1 data byte short" % tag,
                       "@" + write_file(data[:-1]), fam)

# Header dicts, on a 2x3 f32 array.
A23 = np.arange(6, dtype="<f4").reshape(2, 3) - 2.5
D23 = A23.tobytes()
F4 = "'<f4'"
good_headers = [
    ("extra key", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), "
                  "'extra': 1, }"),
    ("spaces in shape", header_text(F4, "( 2 ,3 )")),
    ("keys reordered", "{'shape': (2, 3), 'fortran_order': False, "
                       "'descr': '<f4'}"),
    ("native order '='", header_text("'=f4'", (2, 3))),
    ("Python 2 long", header_text(F4, "(2L, 3L)")),
]
for what, h in good_headers:
    npy_value_case("npy header " + what, write_file(npy_raw(h, D23)), "f32",
                   A23)
# Misaligned data (the header not padded to 64 bytes): copied, not mapped.
for align in (1, 3, 8, 16):
    for version in (1, 2):
        npy_value_case("npy data at an offset aligned to %d, v%d" % (
            align, version), write_file(npy_raw(header_text(F4, (2, 3)), D23,
                                                version=version, align=align)),
            "f32", A23)
bad_headers = [
    ("no descr", "{'fortran_order': False, 'shape': (2, 3), }", None),
    ("no fortran_order", "{'descr': '<f4', 'shape': (2, 3), }", None),
    ("no shape", "{'descr': '<f4', 'fortran_order': False, }", None),
    ("empty dict", "{}", None),
    ("empty header", "", None),
    ("not a dict", "[1, 2, 3]", None),
    ("unclosed shape", "{'descr': '<f4', 'fortran_order': False, "
                       "'shape': (2, 3}", None),
    ("fortran_order True", header_text(F4, (2, 3), "True"), "Fortran"),
    ("fortran_order 0", header_text(F4, (2, 3), "0"), None),
    ("fortran_order garbage", header_text(F4, (2, 3), "Flase"), None),
    ("fortran_order 'False'", header_text(F4, (2, 3), "'False'"), None),
    ("descr big-endian", header_text("'>f4'", (2, 3)), None),
    ("descr |V4", header_text("'|V4'", (2, 3)), None),
    ("descr structured", header_text("[('a', '<f4')]", (2, 3)), None),
    ("descr unknown <q4", header_text("'<q4'", (2, 3)), None),
    ("descr <f3", header_text("'<f3'", (2, 3)), None),
    ("descr <f0", header_text("'<f0'", (2, 3)), None),
    ("descr <f99999999999", header_text("'<f99999999999'", (2, 3)), None),
    ("descr empty", header_text("''", (2, 3)), None),
    ("descr unquoted", header_text("<f4", (2, 3)), None),
    ("descr <i4 for f32", header_text("'<i4'", (2, 3)), None),
    ("descr <c8 for f32", header_text("'<c8'", (2, 3)), None),
    ("shape negative", header_text(F4, (-1, 6)), None),
    ("shape -0", header_text(F4, "(-0, 3)"), None),
    ("shape float", header_text(F4, "(2.0, 3)"), None),
    ("shape name", header_text(F4, "(a, 3)"), None),
    ("shape list", header_text(F4, "[2, 3]"), None),
    ("shape nested", header_text(F4, "((2, 3),)"), None),
    ("shape hex", header_text(F4, "(0x2, 3)"), None),
    ("shape 2**62", header_text(F4, (2 ** 62, 3)), None),
    ("shape 2**63", header_text(F4, (2 ** 63, 1)), None),
    ("shape 2**64", header_text(F4, (2 ** 64, 1)), None),
    ("shape product past 2**64", header_text(F4, (2 ** 32, 2 ** 32, 1)),
     "too large"),
    ("shape bytes past 2**64", header_text(F4, (2 ** 31, 2 ** 31 * 3)),
     "too large"),
    ("shape rank 100 for rank 2", header_text(F4, (1,) * 100), None),
    ("shape wrong rank", header_text(F4, (6,)), None),
    ("shape more elements", header_text(F4, (3, 3)), None),
    ("shape fewer elements", header_text(F4, (1, 3)), None),
    ("shape zero elements, data left", header_text(F4, (0, 3)), None),
]
for what, h, contains in bad_headers:
    npy_error_case("npy header " + what, "@" + write_file(npy_raw(h, D23)),
                   "f32", 2, contains)
# Valid files that are empty: a zero in the shape, huge other dimensions
# (up to what numpy can hold).
for shape in ((0, 3), (0, 2 ** 40), (2 ** 40, 0)):
    npy_value_case("npy empty %s" % (shape,),
                   write_file(npy_raw(header_text(F4, shape))), "f32",
                   np.zeros(shape, dtype="<f4"))
# Dtypes a signless integer argument takes, and ones it does not.
A_I8 = np.array([[1, -2, 3]], dtype="|i1")
npy_value_case("npy |u1 for i8", write_file(npy_bytes(A_I8.view("|u1"),
                                                      (1, 0))), "i8", A_I8)
npy_error_case("npy |b1 for i8", "@" + write_file(npy_bytes(
    A_I8.view("|b1"), (1, 0))), "i8")
npy_error_case("npy |i1 for ui8", "@" + write_file(npy_bytes(A_I8, (1, 0))),
               "ui8")
npy_error_case("npy <f4 for bf16", "@" + write_file(npy_bytes(A23, (1, 0))),
               "bf16")

# Files that are not files.
os.mkdir(os.path.join(TMP, "adir"))
npy_error_case("npy empty file", "@" + write_file(b""))
npy_error_case("npy only the magic", "@" + write_file(b"\x93NUMPY"))
npy_error_case("npy a directory", "@" + os.path.join(TMP, "adir"))
npy_error_case("npy missing file", "@" + os.path.join(TMP, "no", "such.npy"))
npy_error_case("npy /dev/zero", "@/dev/zero")
npy_error_case("npy /dev/null", "@/dev/null")
npy_error_case("npy empty path", "@")


def fifo_case(what, payload, fam="f32", a=None, endless=False, contains=None):
    """A FIFO fed by a daemon writer: a reader that stops early gets no
    deadlock (the writer sees EPIPE)."""
    counts["npy"] += 1
    FILE_N[0] += 1
    path = os.path.join(TMP, "fifo%d" % FILE_N[0])
    os.mkfifo(path)

    def writer():
        try:
            with open(path, "wb", buffering=0) as f:
                f.write(payload)
                while endless:
                    f.write(b"\0" * 65536)
        except (BrokenPipeError, OSError):
            pass

    t = threading.Thread(target=writer, daemon=True)
    t.start()
    r, o = run_npy_input("@" + path, fam)
    if t.is_alive():  # never opened, or stopped reading: release the writer
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
            t.join(2)
            os.close(fd)
        except OSError:
            pass
        t.join(5)
        if t.is_alive():
            fail(what, r, "the FIFO's writer is still blocked")
    if a is None:
        if expect_error(what, r, contains) and os.path.exists(o):
            fail(what, r, "an error, but %s was written" % o)
    elif expect_ok(what, r):
        why = loaded_matches(o, fam, a)
        if why:
            fail(what, r, why)


A_F = random_array("f32", (3, 4))
for v in VERSIONS:
    fifo_case("fifo valid v%d" % v[0], npy_bytes(A_F, v), "f32", A_F)
A_BIG = random_array("f64", (300, 100))  # more than a pipe's buffer
fifo_case("fifo valid 240 kB", npy_bytes(A_BIG, (1, 0)), "f64", A_BIG)
fifo_case("fifo garbage", bytes(rng.integers(0, 256, 5000, dtype=np.uint8)))
fifo_case("fifo empty", b"")
fifo_case("fifo endless zeros", b"", endless=True)
fifo_case("fifo short data", npy_bytes(A_F, (1, 0))[:-3])
fifo_case("fifo extra data", npy_bytes(A_F, (1, 0)) + b"\0" * 4)
fifo_case("fifo endless data", npy_bytes(A_F, (1, 0)), endless=True)
fifo_case("fifo truncated header", npy_bytes(A_F, (1, 0))[:40])
fifo_case("fifo header length 0xFFFFFFFF",
          b"\x93NUMPY\x02\x00\xff\xff\xff\xff" + b" " * 1000, endless=True)
fifo_case("fifo header length 2**30",
          b"\x93NUMPY\x03\x00" + struct.pack("<I", 1 << 30), endless=True)
fifo_case("fifo shape past the memory",
          npy_raw(header_text(F4, (1 << 40, 4))), endless=True,
          contains="memory")
fifo_case("fifo 1 GB shape, 12 bytes given",
          npy_raw(header_text(F4, (1 << 26, 4))) + b"\0" * 12)
fifo_case("fifo fortran order", npy_bytes(np.asfortranarray(A_F), (1, 0)),
          contains="Fortran")

# Random structure-aware mutations: bytes of the header or the data flipped,
# set to header syntax, inserted or removed.
SYNTAX = b"{}()[]',: -0123456789LTrueFalse<>|=fiucbV\n\0\x93"
for n in range(args.cases):
    fam, ver, a, data = bases[int(rng.integers(0, len(bases)))]
    prefix, hlen, start = parts(data)
    m = bytearray(data)
    ops = []
    for _ in range(int(rng.integers(1, 4))):
        region = rng.choice(["header", "header", "data", "prefix"])
        lo, hi = {"prefix": (0, prefix), "header": (prefix, start),
                  "data": (start, len(m))}[region]
        if hi <= lo:
            continue
        at = int(rng.integers(lo, hi))
        op = rng.choice(["flip", "syntax", "insert", "delete"])
        if op == "flip":
            m[at] ^= 1 << int(rng.integers(0, 8))
        elif op == "syntax":
            m[at] = SYNTAX[int(rng.integers(0, len(SYNTAX)))]
        elif op == "insert":
            m[at:at] = bytes([SYNTAX[int(rng.integers(0, len(SYNTAX)))]])
        else:
            del m[at]
        ops.append("%s@%d" % (op, at))
    npy_either_case("npy mutated %s v%d %s: %s" % (fam, ver, a.shape,
                                                    " ".join(ops)),
                    write_file(bytes(m)), fam)

# ---------------------------------------------------------------------------
# 2. Inline arrays

def inline_value_case(what, fam, a, text=None):
    """`text` (default: random spelling of `a`) must give `a`; the printed
    text must give it again, and print the same."""
    counts["inline"] += 1
    text = text if text is not None else inline_text(fam, a)
    fn = fn_for(fam, a)
    pf = fam if fn == fam else "f32"
    o = out_path()
    r = sparse_opt(["-e", fn, "--input=" + text, "--output=-",
                    "--output=@" + o])
    if not expect_ok(what, r):
        return
    printed = printed_results(r.out).get(0)
    why = loaded_matches(o, pf, a) or (
        "nothing printed" if printed is None else printed_matches(printed, pf,
                                                                  a))
    if why:
        fail(what + " [" + text[:120] + "]", r, why)
        return
    o2 = out_path()
    r2 = sparse_opt(["-e", fn, "--input=" + printed, "--output=-",
                     "--output=@" + o2])
    if not expect_ok(what + ", reprinted", r2):
        return
    again = printed_results(r2.out).get(0)
    why = loaded_matches(o2, pf, a) or (
        None if again == printed else "printed %r, then %r" % (
            printed[:100], (again or "")[:100]))
    if why:
        fail(what + ", reprinted", r2, why)


def inline_error_case(what, text, fn="f32", contains=None, quick=None):
    counts["inline"] += 1
    r = sparse_opt(["-e", fn, "--input=" + text])
    if expect_error(what, r, contains) and quick and r.elapsed > quick:
        fail(what, r, "took %.1f s" % r.elapsed)


for n in range(args.cases):
    fam = list(FAMILIES)[n % len(FAMILIES)]
    shape = random_shape(2, maxdim=6)
    inline_value_case("inline random %s %s" % (fam, shape), fam,
                      random_array(fam, shape))
for rank in (0, 1, 4):
    shape = random_shape(rank)
    inline_value_case("inline random f32 rank %d" % rank, "f32",
                      random_array("f32", shape))
# Texts that must give a known array.
exact = [
    ("one value fills", "f32", "2x3xf32=7", np.full((2, 3), 7, "<f4")),
    ("zero elements", "f32", "0x5xf32=", np.zeros((0, 5), "<f4")),
    ("brackets ignored", "f32", "2x2xf32=]]1,2[[3 4", np.array(
        [[1, 2], [3, 4]], "<f4")),
    ("hex bits", "f32", "1x3xf32=0x7FC00001 0x80000000 0x00000001",
     np.array([[0x7FC00001, 0x80000000, 1]], np.uint32).view("<f4")),
    ("NaN signs", "f64", "1x2xf64=nan -nan", np.array(
        [[0x7FF8000000000000, 0xFFF8000000000000]], np.uint64).view("<f8")),
    ("subnormals", "f32", "1x2xf32=1e-45 -1.17549435e-38", np.array(
        [[1, 0x80800000]], np.uint32).view("<f4")),
    ("underflow to -0", "f32", "1x1xf32=-1e-50", np.array([[-0.0]], "<f4")),
    ("int extremes", "i64",
     "1x3xi64=-9223372036854775808 18446744073709551615 9223372036854775807",
     np.array([[-(1 << 63), -1, (1 << 63) - 1]], "<i8")),
    ("i8 both readings", "i8", "1x3xi8=255 -128 200",
     np.array([[-1, -128, -56]], "|i1")),
    ("i1 words", "i1", "1x4xi1=true false 1 0",
     np.array([[True, False, True, False]])),
    ("complex spaces", "c64", "1x1xcomplex<f32>=( 1.5 , -0 )",
     np.array([[complex(1.5, -0.0)]], "<c8")),
    ("bf16 rounds", "bf16", "1x2xbf16=1.00390625 0.1",
     np.array([[0x3F80, 0x3DCD]], "<u2")),
]
for what, fam, text, a in exact:
    inline_value_case("inline " + what, fam, a, text)

bad_inline = [
    ("too few values", "2x3xf32=1 2 3 4 5", "f32", "needs 6 values, 5 given"),
    ("too many values", "2x3xf32=1 2 3 4 5 6 7", "f32", None),
    ("no values", "2x3xf32=", "f32", None),
    ("scalar without value", "f32=", "u", None),
    ("1.5e", "1x1xf32=1.5e", "f32", None),
    ("1e", "1x1xf32=1e", "f32", None),
    ("--1", "1x1xf32=--1", "f32", None),
    ("1..5", "1x1xf64=1..5", "f64", None),
    ("trailing text", "1x1xf32=1.5f", "f32", None),
    ("0x with 9 digits for f32", "1x1xf32=0x1FFFFFFFF", "f32", None),
    ("0x with 5 digits for bf16", "1x1xbf16=0x1FFFF", "bf16", None),
    ("0x with 17 digits for f64", "1x1xf64=0x1FFFFFFFFFFFFFFFF", "f64", None),
    ("0x alone", "1x1xf32=0x", "f32", None),
    ("0x not hex", "1x1xf32=0xG", "f32", None),
    ("0x signed", "1x1xf32=0x-1", "f32", None),
    ("f32 overflow", "1x1xf32=1e39", "f32", "out of the range"),
    ("f64 overflow", "1x1xf64=1e309", "f64", "out of the range"),
    ("bf16 overflow", "1x1xbf16=3.4e38", "bf16", "out of the range"),
    ("256 for ui8", "1x1xui8=256", "ui8", None),
    ("-1 for ui8", "1x1xui8=-1", "ui8", None),
    ("-129 for i8", "1x1xi8=-129", "i8", None),
    ("256 for i8", "1x1xi8=256", "i8", None),
    ("2 for i1", "1x1xi1=2", "i1", None),
    ("-1 for i1", "1x1xi1=-1", "i1", None),
    ("2**64 for i64", "1x1xi64=18446744073709551616", "i64", None),
    ("-2**63-1 for i64", "1x1xi64=-9223372036854775809", "i64", None),
    ("float for i64", "1x1xi64=1.0", "i64", None),
    ("complex without comma", "1x1xcomplex<f32>=(1 2)", "c64", None),
    ("complex unclosed", "1x1xcomplex<f32>=(1,2", "c64", None),
    ("complex three parts", "1x1xcomplex<f32>=(1,2,3)", "c64", None),
    ("complex bare", "1x1xcomplex<f32>=1", "c64", None),
    ("huge dims", "99999999999xf32=0", "r1", "memory"),
    ("huge 2-d dims", "99999999999x5xf32=0", "f32", None),
    ("dims past 2**64", "4294967296x4294967296xi8=0", "i8", None),
    ("dims product past 2**64 then 0",
     "4611686018427387904x4611686018427387904x0xf32=", "u", None),
    ("dim past int64", "9223372036854775808x0xf32=", "f32", None),
    ("type foo32", "2x2xfoo32=1", "f32", None),
    ("type tensor", "tensor<2xf32>=1 2", "r1", None),
    ("type 2xtensor", "2xtensor<2xf32>=1", "r1", None),
    ("type i3", "2xi3=1 2", "r1", None),
    ("type i128", "2xi128=1 2", "r1", None),
    ("type complex<i32>", "2xcomplex<i32>=(1,2) (3,4)", "r1", None),
    ("type index for f32", "2xindex=1 2", "r1", None),
    ("type f16 for f32", "2xf16=1 2", "r1", None),
    ("type dialect", "2x!foo.bar=1", "r1", None),
    ("type missing", "2x2x=1", "f32", None),
    ("type only", "f32", "u", None),
    ("missing =", "2x2xf32 1 2 3 4", "f32", "neither @FILE.npy"),
    ("empty", "", "u", None),
    ("only =", "=", "u", None),
    ("space in dims", "2 x2xf32=1", "f32", None),
    ("negative dim", "-2x2xf32=1", "f32", None),
    ("wrong rank", "2x2x2xf32=1", "f32", None),
    ("wrong element type", "2x2xf64=1", "f32", None),
]
for what, text, fn, contains in bad_inline:
    inline_error_case("inline " + what, text, fn, contains,
                      quick=5 if "dims" in what else None)

# Random invalid mutations of valid texts: one token replaced by a bad one,
# one value dropped or added.
BAD_TOKENS = ["1.5e", "1e", "--1", "0x", "0x123456789ABCDEF01", "+-0", "e5",
              "nan(", "1,5.", "0b1", "1/2", "∞", "(1,2)", "true1", "\x01"]
for n in range(max(args.cases // 2, 1)):
    fam = ["f32", "f64", "bf16", "i64", "i8", "ui8"][n % 6]
    shape = random_shape(2, maxdim=4, allow_zero=False)
    a = random_array(fam, shape)
    text = inline_text(fam, a)
    typ, body = text.split("=", 1)
    toks = tokenize(body)
    kind = rng.choice(["replace", "drop", "add"])
    if kind == "replace":
        i = int(rng.integers(0, len(toks)))
        toks[i] = BAD_TOKENS[int(rng.integers(0, len(BAD_TOKENS)))]
        if "," in toks[i] or toks[i].startswith("("):
            toks[i] = "1.5e"  # a separator would make two tokens
    elif kind == "drop" and len(toks) > 2:
        toks.pop(int(rng.integers(0, len(toks))))
    else:
        toks.append(toks[0])
    inline_error_case("inline %s %s: %s" % (fam, shape, kind),
                      typ + "=" + " ".join(toks), fam)

# ---------------------------------------------------------------------------
# 3. --output

def output_case():
    counts["output"] += 1


def npy_header_shape(raw):
    """(version, shape) of a .npy file's bytes, read by hand (numpy loads at
    most 64 dimensions)."""
    if raw[:6] != b"\x93NUMPY":
        return None, None
    prefix = 10 if raw[6] == 1 else 12
    n = struct.unpack("<H", raw[8:10])[0] if prefix == 10 else \
        struct.unpack("<I", raw[8:12])[0]
    h = raw[prefix:prefix + n].decode("latin-1")
    m = re.search(r"'shape': \(([^)]*)\)", h)
    if (prefix + n) % 64 or not h.endswith("\n") or not m or \
            "'descr': '<f4'" not in h or "'fortran_order': False" not in h:
        return raw[6], None
    return raw[6], (tuple(int(x) for x in m.group(1).split(",") if x.strip()),
                    raw[prefix + n:])


# Onto the input file of a function that writes its argument (the result
# is the mapped input): whole afterwards; without --output, not changed.
for n in range(6):
    length = int(rng.integers(1, 2000)) if n < 5 else 70000
    a = random_array("f32", (length,))
    want = a.copy()
    want[0] = 42
    for mode in ("onto", "untouched"):
        output_case()
        path = write_file(npy_bytes(a, VERSIONS[n % 3]) if n != 2 else
                          npy_raw(header_text(F4, (length,)), a.tobytes(),
                                  align=4))  # misaligned: a copy
        what = "output %s its input (%d, %s)" % (mode, length,
                                                "copied" if n == 2 else "mapped")
        argv = ["-e", "inplace", "--input=@" + path]
        argv += ["--output=@" + path] if mode == "onto" else ["--output="]
        r = sparse_opt(argv)
        if expect_ok(what, r):
            why = loaded_matches(path, "f32", want if mode == "onto" else a)
            if why:
                fail(what, r, why)
        if mode == "onto":
            # The same through a file that a second --input also maps.
            pass

# /dev/full, then a real file: one message naming /dev/full, the file
# written all the same.
if os.path.exists("/dev/full"):
    for fam in ("f32", "c64"):
        output_case()
        a = random_array(fam, random_shape(2, allow_zero=False))
        o = out_path()
        what = "output to /dev/full then a file (%s)" % fam
        r = sparse_opt(["-e", fam, "--input=" + inline_text(fam, a),
                        "--output=@/dev/full", "--output=@" + o])
        if expect_error(what, r, "/dev/full"):
            why = loaded_matches(o, fam, a)
            if len(r.err.strip().splitlines()) != 1:
                why = "%d lines of stderr" % len(r.err.strip().splitlines())
            if why:
                fail(what, r, why)

# Into a missing directory, onto a directory, a path ending in '/': an
# error, nothing left behind.
for what, target in [("into a missing directory",
                      os.path.join(TMP, "missing", "o.npy")),
                     ("onto a directory", os.path.join(TMP, "adir")),
                     ("onto a path ending in /", os.path.join(TMP, "adir2/")),
                     ("to an empty path", "")]:
    output_case()
    before = sorted(os.listdir(TMP))
    r = sparse_opt(["-e", "f32", "--input=2x2xf32=1 2 3 4",
                    "--output=@" + target, "--output="])
    if expect_error("output " + what, r):
        after = sorted(os.listdir(TMP))
        left = sorted(set(after) - set(before)) + os.listdir(
            os.path.join(TMP, "adir"))
        if left:
            fail("output " + what, r, "left %s" % left)

# Output specifications that are not one.
for what, argv in [("without @", ["--output=o.npy"]),
                   ("more than the results", ["--output=-", "--output=-",
                                              "--output=-"])]:
    output_case()
    expect_error("output " + what, sparse_opt(
        ["-e", "f32", "--input=1x1xf32=1"] + argv))

# To a FIFO (read by a thread) and to /dev/stdout.
for where in ("fifo", "stdout"):
    output_case()
    a = random_array("f64", (50, 40))
    what = "output to a %s" % where
    got = {}
    if where == "fifo":
        path = os.path.join(TMP, "outfifo")
        os.mkfifo(path)

        def reader():
            with open(path, "rb") as f:
                got["data"] = f.read()

        t = threading.Thread(target=reader, daemon=True)
        t.start()
        target = path
    else:
        target = "/dev/stdout"
    src = write_file(npy_bytes(a, (1, 0)))
    r = sparse_opt(["-e", "f64", "--input=@" + src, "--output=@" + target,
                    "--output="])
    if where == "fifo":
        if t.is_alive():
            try:
                fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
                os.close(fd)
            except OSError:
                pass
            t.join(5)
        data = got.get("data", b"")
    else:
        data = r.out_bytes
    if expect_ok(what, r):
        try:
            loaded = np.load(io.BytesIO(data), allow_pickle=False)
            if loaded.dtype != a.dtype or bits_of(loaded, "f64") != bits_of(
                    a, "f64"):
                fail(what, r, "wrong array")
        except Exception as e:  # noqa: BLE001
            fail(what, r, "np.load: %s (%d bytes)" % (e, len(data)))

# A zero-element result with a huge leading dimension: printed and written
# at once.
for text in ("99999999999x0xf32=", "0x9223372036854775807xf32="):
    output_case()
    what = "output of %s" % text
    o = out_path()
    r = sparse_opt(["-e", "f32", "--input=" + text, "--output=-",
                    "--output=@" + o], timeout=30)
    if expect_ok(what, r):
        shape = tuple(int(d) for d in text[:-5].split("x"))
        if r.out != "result[0]: %s\n" % text:
            fail(what, r, "printed %r (%d bytes)" % (r.out[:100], r.out_len))
        elif r.elapsed > 10:
            fail(what, r, "took %.1f s" % r.elapsed)
        else:
            with open(o, "rb") as f:
                version, (got_shape, rest) = npy_header_shape(f.read())
            if got_shape != shape or rest:
                fail(what, r, "file has shape %s and %d data bytes" % (
                    got_shape, len(rest)))

# ---------------------------------------------------------------------------
# 4. A rank whose .npy header is longer than 65535 bytes (version 2), written
# and read back.

RANK = 25000
output_case()
o = out_path()
text = "1x" * RANK + "f32=5"
what = "output rank %d" % RANK
r = sparse_opt(["-e", "u", "--input=" + text, "--output=@" + o,
                "--output="])
if expect_ok(what, r):
    with open(o, "rb") as f:
        raw = f.read()
    version, parsed = npy_header_shape(raw)
    if version != 2 or parsed is None or parsed[0] != (1,) * RANK or \
            parsed[1] != struct.pack("<f", 5):
        fail(what, r, "wrote version %s, %s" % (
            version, None if parsed is None else (len(parsed[0]),
                                                  parsed[1][:8])))
    else:
        output_case()
        r2 = sparse_opt(["-e", "u", "--input=@" + o, "--output=-",
                         "--output="])
        if expect_ok(what + ", read back", r2) and \
                printed_results(r2.out).get(0) != "1x" * RANK + "f32=" + \
                "[" * (RANK - 1) + "5" + "]" * (RANK - 1):
            fail(what + ", read back", r2, "printed %r" % r2.out[-100:])

# ---------------------------------------------------------------------------
# 5. sparse.slice_grad on .npy inputs (about a second a run: a few cases).

def grad_case(k):
    counts["npy"] += 1
    case = gen.random_case(rng, "g%d" % k, max_rows=60)
    case["g"] = lib.random_values(rng, "f32", case["oi"].shape[0]).astype(
        np.float32)
    want, error = lib.reference(case)
    files = []
    for key in ("g", "ii", "s", "oi"):
        arr = np.ascontiguousarray(case[key])
        if k % 3 == 1 and key == "s":  # inline, as the printer writes it
            files.append("%dxi64=%s" % (arr.shape[0], " ".join(
                str(int(x)) for x in arr)))
        else:
            files.append("@" + write_file(npy_bytes(arr, VERSIONS[k % 3])))
    o = out_path()
    r = sparse_opt(["-e", "grad"] + ["--input=" + f for f in files] +
                   ["--output=@" + o], module=GRAD_MLIR)
    what = "slice_grad %s" % case["name"]
    if error is None:
        if expect_ok(what, r):
            why = loaded_matches(o, "f32", want.astype("<f4"))
            if why:
                fail(what, r, why)
    elif expect_error(what, r, error):
        if not OP_LINE.match(r.err):
            fail(what, r, "not the op's own message line")


for k in range(max(2, args.cases // 10)):
    grad_case(k)
# Input errors before anything is compiled: a dtype and a rank that do not
# fit.
counts["npy"] += 1
expect_error("slice_grad <i4 indices", sparse_opt(
    ["-e", "grad", "--input=1xf32=1",
     "--input=@" + write_file(npy_bytes(np.zeros((1, 1), "<i4"), (1, 0))),
     "--input=1xi64=0", "--input=1x1xi64=0"], module=GRAD_MLIR), "'<i4'")
counts["npy"] += 1
expect_error("slice_grad rank-1 indices", sparse_opt(
    ["-e", "grad", "--input=1xf32=1",
     "--input=@" + write_file(npy_bytes(np.zeros((1,), "<i8"), (1, 0))),
     "--input=1xi64=0", "--input=1x1xi64=0"], module=GRAD_MLIR), "rank 2")

# Nothing the tool writes is left as a temporary file.
leftovers = [n for n in os.listdir(TMP) if ".tmp-" in n]
if leftovers:
    fail("temporary files left", None, ", ".join(leftovers[:5]))

for f in failures:
    print("FAIL:", f)
print("host input fuzz: %d npy cases, %d inline cases, %d output cases, "
      "%d runs, %d failures" % (counts["npy"], counts["inline"],
                                counts["output"], counts["runs"],
                                len(failures)))
if not args.keep:
    shutil.rmtree(TMP, ignore_errors=True)
sys.exit(1 if failures else 0)
