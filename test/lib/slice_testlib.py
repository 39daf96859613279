"""Tests of sparse.slice and of the pair (slice, then its gradient): MLIR
emission of cases, runs through `sparse-opt --run`, comparison with the
reference of TensorFlow's kernels (sparse_slice_ref.py, checked against
real TensorFlow by test/TensorFlow/tf_slice.py).

A slice case is a dict: `ii` (indices [N, R]), `v` (values), `sh`, `st`,
`sz` (shape, start, size), `name`; a pair case adds `g` (the gradient of
the kept values, M of them, or a wrong count for an error case).
"""

import numpy as np

import slicegrad_testlib as lib
import sparse_slice_ref as ref

# i1 (SparseSlice's bool) on top of the gradient's types.
DTYPES = dict(lib.DTYPES, i1=("i1", np.bool_, 8))


def values_literal(v, dtype):
    elt = DTYPES[dtype][0]
    if dtype == "i1":
        body = ",".join("true" if x else "false" for x in v)
        return "dense<[%s]> : tensor<%dxi1>" % (body, len(v))
    return lib.dense_literal(lib.convert(v, dtype), elt)


def print_values_body(dtype):
    if dtype == "i1":
        return ("    %b = arith.extui %x : i1 to i8\n"
                "    vector.print %b : i8 punctuation <no_punctuation>\n"
                "    vector.print str \" \"\n")
    return lib.print_body(dtype)


def value_bits(values, dtype):
    if dtype == "i1":
        return [int(bool(x)) for x in values]
    return lib.bits(values, dtype)


def _types(case, dtype, dynamic):
    elt = DTYPES[dtype][0]
    n, r = case["ii"].shape
    if dynamic:
        return ("tensor<?x?xi64>", "tensor<?x%s>" % elt, "tensor<?xi64>",
                "tensor<?xi64>", "tensor<?xi64>")
    return ("tensor<%dx%dxi64>" % (n, r), "tensor<%dx%s>" % (len(case["v"]), elt),
            "tensor<%dxi64>" % len(case["sh"]), "tensor<%dxi64>" % len(case["st"]),
            "tensor<%dxi64>" % len(case["sz"]))


def _result_types(case, dtype, dynamic):
    elt = DTYPES[dtype][0]
    r = "?" if dynamic else str(case["ii"].shape[1])
    s = "?" if dynamic else str(len(case["sh"]))
    return ("tensor<?x%sxi64>" % r, "tensor<?x%s>" % elt, "tensor<%sxi64>" % s)


PRINT_I64 = lib.PRINT_FUNC.format(name="i64", elt="i64",
                                  body=lib.print_body("i64"))
# The output indices, row after row on one line.
PRINT_ROWS = """
func.func private @print_rows(%t: tensor<?x?xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %t, %c0 : tensor<?x?xi64>
  %r = tensor.dim %t, %c1 : tensor<?x?xi64>
  scf.for %i = %c0 to %n step %c1 {
    scf.for %d = %c0 to %r step %c1 {
      %x = tensor.extract %t[%i, %d] : tensor<?x?xi64>
      vector.print %x : i64 punctuation <no_punctuation>
      vector.print str " "
    }
  }
  vector.print str "\\n"
  return
}
"""


def emit_module(cases, dtype, dynamic, with_grad=False):
    """@main runs every case and prints `CASE k`, then the flattened output
    indices, the values' bits, the output shape (and, with `with_grad`,
    the gradient of the input values from `sparse.slice_grad` of the
    slice's output indices)."""
    elt = DTYPES[dtype][0]
    lines = [PRINT_I64, PRINT_ROWS]
    if dtype != "i64":
        lines.append(lib.PRINT_FUNC.format(name=dtype, elt=elt,
                                           body=print_values_body(dtype)))
    main = ["func.func @main() {"]
    for k, case in enumerate(cases):
        ts = _types(case, dtype, dynamic)
        rts = _result_types(case, dtype, dynamic)
        lines.append("func.func private @case_%d() {" % k)
        operands = []
        for name, lit in (("ii", lib.dense_literal(case["ii"], "i64")),
                          ("v", values_literal(case["v"], dtype)),
                          ("sh", lib.dense_literal(case["sh"], "i64")),
                          ("st", lib.dense_literal(case["st"], "i64")),
                          ("sz", lib.dense_literal(case["sz"], "i64"))):
            lines.append("  %%%s0 = arith.constant %s" % (name, lit))
            static = lit.rsplit(" : ", 1)[1]
            t = ts[len(operands)]
            if static != t:
                lines.append("  %%%s = tensor.cast %%%s0 : %s to %s"
                             % (name, name, static, t))
            else:
                lines.append("  %%%s = tensor.cast %%%s0 : %s to %s"
                             % (name, name, static, static))
            operands.append("%" + name)
        lines.append("  %%oi, %%ov, %%os = sparse.slice %s : %s -> %s"
                     % (", ".join(operands), ", ".join(ts), ", ".join(rts)))
        lines.append('  vector.print str "CASE %d\\n"' % k)
        lines.append("  %%oid = tensor.cast %%oi : %s to tensor<?x?xi64>"
                     % rts[0])
        lines.append("  call @print_rows(%oid) : (tensor<?x?xi64>) -> ()")
        lines.append("  call @print_%s(%%ov) : (tensor<?x%s>) -> ()"
                     % (dtype, elt))
        lines.append("  %%osd = tensor.cast %%os : %s to tensor<?xi64>"
                     % rts[2])
        lines.append("  call @print_i64(%osd) : (tensor<?xi64>) -> ()")
        if with_grad:
            g = lib.convert(case["g"], dtype)
            gt = "tensor<?x%s>" % elt
            lines.append("  %%g0 = arith.constant %s" % lib.dense_literal(
                g, elt))
            lines.append("  %%g = tensor.cast %%g0 : tensor<%dx%s> to %s"
                         % (len(g), elt, gt))
            lines.append("  %%vg = sparse.slice_grad %%g, %%ii, %%st, %%oi : "
                         "%s, %s, %s, %s -> tensor<?x%s>"
                         % (gt, ts[0], ts[3], rts[0], elt))
            lines.append("  call @print_%s(%%vg) : (tensor<?x%s>) -> ()"
                         % (dtype, elt))
        lines.append("  return\n}")
        main.append("  call @case_%d() : () -> ()" % k)
    main.append("  return\n}")
    return "\n".join(lines + main) + "\n"


def parse_results(stdout, lines_per_case):
    results, current, got = {}, None, []
    for line in stdout.splitlines():
        if line.startswith("CASE "):
            current, got = int(line.split()[1]), []
            continue
        if current is not None:
            got.append([int(x) for x in line.split()])
            if len(got) == lines_per_case:
                results[current] = got
                current = None
    return results


def expected(case, dtype, with_grad=False):
    """The printed lines TensorFlow's kernels give, or raises TFError."""
    v = lib.convert(case["v"], dtype) if dtype != "i1" else np.asarray(
        case["v"], dtype=bool)
    oi, ov, os_ = ref.sparse_slice(case["ii"], v, case["sh"], case["st"],
                                   case["sz"])
    lines = [[int(x) for x in oi.reshape(-1)], value_bits(ov, dtype),
             [int(x) for x in os_]]
    if with_grad:
        g = lib.convert(case["g"], dtype)
        vg, error = lib.reference({"g": g, "ii": np.asarray(case["ii"]),
                                   "s": np.asarray(case["st"]), "oi": oi})
        if error:
            raise ref.TFError(error)
        lines.append(lib.bits(vg, dtype))
    return lines


def printed(lines, dtype):
    """Printed ints as bit patterns (the values' lines)."""
    out = [lines[0], lines[1] if dtype == "i1" else
           lib.printed_bits(lines[1], dtype), lines[2]]
    if len(lines) > 3:
        out.append(lib.printed_bits(lines[3], dtype))
    return out


def check_values(cases, dtype, dynamic, config, with_grad=False):
    failures = []
    rc, out, err = lib.run_module(emit_module(cases, dtype, dynamic, with_grad),
                                  config)
    if rc != 0:
        return ["%s/%s/dynamic=%s: sparse-opt exited %d: %s" % (
            config, dtype, dynamic, rc, err.strip()[-1500:])]
    results = parse_results(out, 4 if with_grad else 3)
    for k, case in enumerate(cases):
        want = expected(case, dtype, with_grad)
        got = results.get(k)
        if got is None or printed(got, dtype) != want:
            failures.append("%s (%s, %s, dynamic=%s): expected %s, got %s" % (
                case["name"], config, dtype, dynamic, str(want)[:300],
                None if got is None else str(printed(got, dtype))[:300]))
    return failures


def check_error(case, dtype, dynamic, config, with_grad=False):
    try:
        expected(case, dtype, with_grad)
        raise AssertionError("%s: no error" % case["name"])
    except ref.TFError as e:
        message = str(e)
    rc, out, err = lib.run_module(emit_module([case], dtype, dynamic,
                                              with_grad), config)
    if rc != 1:
        return "%s (%s, dynamic=%s): exit %d, expected 1 with %r; stderr %r" % (
            case["name"], config, dynamic, rc, message, err[-500:])
    if lib.SANITIZER_REPORT.search(err):
        return "%s: sanitizer report: %r" % (case["name"], err[-1500:])
    # Static sizes: the verifier may decide the check at compile time.
    decided = not dynamic and "op " + message in err
    if ": INVALID_ARGUMENT: " + message not in err and not decided:
        return "%s (%s, dynamic=%s): expected %r, got %r" % (
            case["name"], config, dynamic, message, err.strip()[-500:])
    return None
