# The op wherever a compiler puts it: at the top of a function, inside
# scf.for (also carried through iter_args), both regions of scf.while,
# scf.if, scf.execute_region, scf.index_switch, scf.forall, a user's
# scf.parallel, affine.for, a loop of cf.br blocks, a private function
# called several times, with its result unused, returned, or fed to another
# slice_grad. Every context is generated with static and with dynamic
# shapes, lowered through every pipeline configuration below, JIT-run, and
# its printed values compared bit for bit with TensorFlow's loop (the Python
# reference).
#
# REQUIRES: numpy
# RUN: %test_python %s --configs default,sequential,parallel-t2 | FileCheck %s
# RUN: %test_python %s --configs gpu-algorithm-t2,parallel-nodealloc,sequential-nodealloc | FileCheck %s
# RUN: %test_python %s --dtype i16 --configs default,sequential-scalar | FileCheck %s
# CHECK: contexts: {{[1-9][0-9]*}} contexts, {{[1-9]}} configs, {{[0-9]+}} runs, 0 failures
#
# --pair: every op is a sparse.slice (start %s, size [3, 3], so that it
# keeps exactly the output rows of the input) followed by sparse.slice_grad
# of its output indices: the pair the default pipeline fuses, in every
# context, against the same reference.
# RUN: %test_python %s --pair --configs default,unfused,sequential,gpu-algorithm-t2 | FileCheck %s
# RUN: %test_python %s --pair --dtype i16 --configs parallel-nodealloc | FileCheck %s
#
# The same modules through sparse-to-nvvm to a gpu.binary (compile only:
# the GPU tests run them where a device is present; opt-level=0 halves the
# time, and test/Pipelines/GPU/ptx_types.py assembles every kernel at -O3).
# RUN: %test_python %s --compile-only --configs nvvm | FileCheck %s --check-prefix=NVVM
# RUN: %test_python %s --pair --compile-only --configs nvvm | FileCheck %s --check-prefix=NVVM
# NVVM: contexts: {{[1-9][0-9]*}} contexts, 1 configs, {{[0-9]+}} runs, 0 failures

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import numpy as np  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--dtype", default="f32")
parser.add_argument("--configs", default="default")
parser.add_argument("--compile-only", action="store_true")
parser.add_argument("--pair", action="store_true",
                    help="each op a sparse.slice and the gradient of its "
                    "output indices")
parser.add_argument("--only", help="comma-separated contexts to generate")
parser.add_argument("--emit", choices=["static", "dynamic"],
                    help="print the module instead of running it")
args = parser.parse_args()

EXTRA_CONFIGS = {
    "parallel-nodealloc": ((lib._pipeline(
        "strategy=parallel chunk-rows=4 vector-width=4 deallocate=false"),), 2),
    "sequential-nodealloc": ((lib._pipeline(
        "strategy=sequential deallocate=false"),), None),
    "nvvm": (("--pass-pipeline=builtin.module(sparse-to-nvvm{opt-level=0})",), None),
}
lib.CONFIGS.update(EXTRA_CONFIGS)

# One input: sorted rows with a duplicate, rows outside the slice, R = 2.
rng = np.random.default_rng(7)
ii = np.array(sorted(rng.integers(0, 6, size=(37, 2)).tolist()), dtype=np.int64)
start = np.array([1, 2], dtype=np.int64)
rel = ii - start
oi = rel[np.all((rel >= 0) & (rel < 3), axis=1)]
g = lib.convert(lib.random_values(rng, args.dtype, oi.shape[0]), args.dtype)
expected, error = lib.reference({"g": g, "ii": ii, "s": start, "oi": oi})
assert error is None
N_IN, N_OUT = ii.shape[0], oi.shape[0]
ELT = lib.DTYPES[args.dtype][0]


def types(dynamic):
    if dynamic:
        return {"g": "tensor<?x%s>" % ELT, "ii": "tensor<?x?xi64>",
                "s": "tensor<?xi64>", "oi": "tensor<?x?xi64>",
                "r": "tensor<?x%s>" % ELT}
    return {"g": "tensor<%dx%s>" % (N_OUT, ELT),
            "ii": "tensor<%dx2xi64>" % N_IN, "s": "tensor<2xi64>",
            "oi": "tensor<%dx2xi64>" % N_OUT, "r": "tensor<%dx%s>" % (N_IN, ELT)}


# Each context is a function body over %g, %ii, %s, %oi (types T) that
# prints with PRINT(x); and how many copies of the result it prints.
# {op} expands to a fresh slice_grad whose result is named by its argument.
CONTEXTS = {
    "top": ("""
  {op:r}
  {print:r}
""", 1),
    "unused": ("""
  {op:r}
""", 0),
    "chain": ("""
  {op:r}
  %z = arith.constant dense<0> : tensor<2xi64>
  %zs = tensor.cast %z : tensor<2xi64> to {T_s}
  %r2 = sparse.slice_grad %r, %ii, %zs, %ii : {T_r}, {T_ii}, {T_s}, {T_ii} -> {T_r}
  {print:r2}
""", 1),
    "call_twice": ("""
  %a = func.call @helper(%g, %ii, %s, %oi) : ({T_g}, {T_ii}, {T_s}, {T_oi}) -> {T_r}
  %b = func.call @helper(%g, %ii, %s, %oi) : ({T_g}, {T_ii}, {T_s}, {T_oi}) -> {T_r}
  {print:a}
  {print:b}
""", 2),
    "for": ("""
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.for %k = %c0 to %c2 step %c1 {{
    {op:r}
    {print:r}
  }}
""", 2),
    "for_iter_args": ("""
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  {op:init}
  %res = scf.for %k = %c0 to %c3 step %c1 iter_args(%acc = %init) -> ({T_r}) {{
    %z = arith.constant dense<0> : tensor<2xi64>
    %zs = tensor.cast %z : tensor<2xi64> to {T_s}
    %r = sparse.slice_grad %acc, %ii, %zs, %ii : {T_r}, {T_ii}, {T_s}, {T_ii} -> {T_r}
    scf.yield %r : {T_r}
  }}
  {print:res}
""", 1),
    "while": ("""
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %w = scf.while (%k = %c0) : (index) -> index {{
    {op:r}
    {print:r}
    %more = arith.cmpi ult, %k, %c2 : index
    scf.condition(%more) %k : index
  }} do {{
  ^bb0(%k2: index):
    {op:r}
    {print:r}
    %n = arith.addi %k2, %c1 : index
    scf.yield %n : index
  }}
""", 5),
    "if": ("""
  %c0 = arith.constant 0 : index
  %n = tensor.dim %ii, %c0 : {T_ii}
  %yes = arith.cmpi ugt, %n, %c0 : index
  %no = arith.cmpi eq, %n, %c0 : index
  %a = scf.if %yes -> ({T_r}) {{
    {op:r}
    scf.yield %r : {T_r}
  }} else {{
    {op:r}
    scf.yield %r : {T_r}
  }}
  %b = scf.if %no -> ({T_r}) {{
    {op:r}
    scf.yield %r : {T_r}
  }} else {{
    {op:r}
    scf.yield %r : {T_r}
  }}
  {print:a}
  {print:b}
  scf.if %yes {{
    {op:r}
    {print:r}
  }}
""", 3),
    "execute_region": ("""
  %a = scf.execute_region -> {T_r} {{
    {op:r}
    scf.yield %r : {T_r}
  }}
  {print:a}
""", 1),
    "index_switch": ("""
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  scf.for %k = %c0 to %c2 step %c1 {{
    %a = scf.index_switch %k -> {T_r}
    case 0 {{
      {op:r}
      scf.yield %r : {T_r}
    }}
    default {{
      {op:r}
      scf.yield %r : {T_r}
    }}
    {print:a}
  }}
""", 2),
    "affine_for": ("""
  affine.for %k = 0 to 2 {{
    {op:r}
    {print:r}
  }}
""", 2),
    "cf_loop": ("""
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  cf.br ^loop(%c0 : index)
^loop(%k: index):
  %more = arith.cmpi ult, %k, %c2 : index
  cf.cond_br %more, ^body, ^exit
^body:
  {op:r}
  {print:r}
  %n = arith.addi %k, %c1 : index
  cf.br ^loop(%n : index)
^exit:
""", 2),
    "forall": ("""
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %ii, %c0 : {T_ii}
  %n2 = arith.muli %n, %c2 : index
  %init = tensor.empty(%n2) : tensor<?x{elt}>
  %all = scf.forall (%k) in (2) shared_outs(%o = %init) -> (tensor<?x{elt}>) {{
    {op:r}
    %rd = tensor.cast %r : {T_r} to tensor<?x{elt}>
    %off = arith.muli %k, %n : index
    scf.forall.in_parallel {{
      tensor.parallel_insert_slice %rd into %o[%off] [%n] [1] : tensor<?x{elt}> into tensor<?x{elt}>
    }}
  }}
  func.call @print_{dtype}(%all) : (tensor<?x{elt}>) -> ()
""", 2),
    "parallel": ("""
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %n = tensor.dim %ii, %c0 : {T_ii}
  %n2 = arith.muli %n, %c2 : index
  %buf = memref.alloc(%n2) : memref<?x{elt}>
  scf.parallel (%k) = (%c0) to (%c2) step (%c1) {{
    {op:r}
    %rd = tensor.cast %r : {T_r} to tensor<?x{elt}>
    %m = bufferization.to_buffer %rd read_only : tensor<?x{elt}> to memref<?x{elt}, strided<[?], offset: ?>>
    %off = arith.muli %k, %n : index
    %dst = memref.subview %buf[%off] [%n] [1] : memref<?x{elt}> to memref<?x{elt}, strided<[1], offset: ?>>
    memref.copy %m, %dst : memref<?x{elt}, strided<[?], offset: ?>> to memref<?x{elt}, strided<[1], offset: ?>>
    scf.reduce
  }}
  %all = bufferization.to_tensor %buf restrict : memref<?x{elt}> to tensor<?x{elt}>
  func.call @print_{dtype}(%all) : (tensor<?x{elt}>) -> ()
""", 2),
}


if args.only:
    CONTEXTS = {k: v for k, v in CONTEXTS.items()
                if k in args.only.split(",")}


def pair_op(t):
    """A sparse.slice of %ii at %s with size [3, 3] (it keeps exactly the
    rows of %oi, in order), then the gradient of its output indices."""
    dyn = t["ii"].startswith("tensor<?")
    tv = "tensor<?xi64>" if dyn else "tensor<%dxi64>" % N_IN
    toi = "tensor<?x?xi64>" if dyn else "tensor<?x2xi64>"
    text = (
        "%{0}_v0 = arith.constant dense<7> : tensor<@N@xi64>\n"
        "  %{0}_v = tensor.cast %{0}_v0 : tensor<@N@xi64> to @TV@\n"
        "  %{0}_sh0 = arith.constant dense<6> : tensor<2xi64>\n"
        "  %{0}_sh = tensor.cast %{0}_sh0 : tensor<2xi64> to {T_s}\n"
        "  %{0}_sz0 = arith.constant dense<3> : tensor<2xi64>\n"
        "  %{0}_sz = tensor.cast %{0}_sz0 : tensor<2xi64> to {T_s}\n"
        "  %{0}_oi, %{0}_ov, %{0}_os = sparse.slice %ii, %{0}_v, %{0}_sh, %s, "
        "%{0}_sz : {T_ii}, @TV@, {T_s}, {T_s}, {T_s} -> @TOI@, tensor<?xi64>, "
        "{T_s}\n"
        "  %{0} = sparse.slice_grad %g, %ii, %s, %{0}_oi : {T_g}, {T_ii}, "
        "{T_s}, @TOI@ -> {T_r}")
    return text.replace("@N@", str(N_IN)).replace("@TV@", tv).replace(
        "@TOI@", toi)


def expand(body, t, dtype):
    import re
    op = ("%{0} = sparse.slice_grad %g, %ii, %s, %oi : {T_g}, {T_ii}, {T_s}, "
          "{T_oi} -> {T_r}")
    if args.pair:
        op = pair_op(t)
    pr = ("%{0}_p = tensor.cast %{0} : {T_r} to tensor<?x{elt}>\n"
          "  func.call @print_{dtype}(%{0}_p) : (tensor<?x{elt}>) -> ()")
    subst = {"T_" + k: v for k, v in t.items()}
    subst.update(elt=ELT, dtype=dtype)
    body = re.sub(r"\{op:(\w+)\}", lambda m: op.replace("{0}", m.group(1)),
                  body)
    body = re.sub(r"\{print:(\w+)\}",
                  lambda m: pr.replace("{0}", m.group(1)), body)
    return body.format(**subst)


def module(dynamic, dtype):
    t = types(dynamic)
    elt = ELT
    lines = [lib.PRINT_FUNC.format(name=dtype, elt=elt,
                                   body=lib.print_body(dtype))]
    sig = "%g: {g}, %ii: {ii}, %s: {s}, %oi: {oi}".format(**t)
    lines.append("func.func private @helper(%s) -> %s {\n  %s\n"
                 "  return %%r : %s\n}"
                 % (sig, t["r"], expand("{op:r}", t, dtype), t["r"]))
    for name, (body, _) in CONTEXTS.items():
        lines.append("func.func private @ctx_%s(%s) {%s  return\n}"
                     % (name, sig, expand(body, t, dtype)))
    main = ["func.func @main() {"]
    main.append("  %%g0 = arith.constant %s" % lib.dense_literal(g, elt))
    main.append("  %%ii0 = arith.constant %s" % lib.dense_literal(ii, "i64"))
    main.append("  %%s0 = arith.constant %s" % lib.dense_literal(start, "i64"))
    main.append("  %%oi0 = arith.constant %s" % lib.dense_literal(oi, "i64"))
    static = types(False)
    for v in ("g", "ii", "s", "oi"):
        main.append("  %%%s = tensor.cast %%%s0 : %s to %s"
                    % (v, v, static[v], t[v]))
    for name in CONTEXTS:
        main.append('  vector.print str "CTX %s\\n"' % name)
        main.append("  call @ctx_%s(%%g, %%ii, %%s, %%oi) : (%s, %s, %s, %s)"
                    " -> ()" % (name, t["g"], t["ii"], t["s"], t["oi"]))
    main.append('  vector.print str "CTX end\\n"')
    main.append("  return\n}")
    return "\n".join(lines + main) + "\n"


def parse(stdout):
    printed, current = {}, None
    for line in stdout.splitlines():
        line = line.strip()
        if line.startswith("CTX "):
            current = line[4:]
            printed[current] = []
        elif current is not None and line:
            printed[current].append([int(x) for x in line.split()])
    return printed


if args.emit:
    sys.stdout.write(module(args.emit == "dynamic", args.dtype))
    sys.exit(0)
failures = []
runs = 0
want = lib.bits(expected, args.dtype)
for config in args.configs.split(","):
    for dynamic in (False, True):
        text = module(dynamic, args.dtype)
        runs += 1
        label = "%s dynamic=%s" % (config, dynamic)
        if args.compile_only:
            extra, _ = lib.CONFIGS[config]
            proc = subprocess.run([lib.sparse_opt(), *extra, "-o",
                                   os.devnull, "-"], input=text,
                                  capture_output=True, text=True, timeout=600)
            if proc.returncode != 0:
                failures.append("%s: exit %d: %s" % (
                    label, proc.returncode, proc.stderr.strip()[-1500:]))
            continue
        rc, out, err = lib.run_module(text, config)
        if rc != 0:
            failures.append("%s: exit %d: %s" % (label, rc, err.strip()[-1500:]))
            continue
        printed = parse(out)
        if "end" not in printed:
            failures.append("%s: output incomplete" % label)
        for name, (_, copies) in CONTEXTS.items():
            got = [lib.printed_bits(p, args.dtype) for p in printed.get(name, [])]
            flat = [x for p in got for x in p]
            if flat != want * copies:
                failures.append("%s: context %s: expected %d copies of %s, "
                                "got %s" % (label, name, copies, want[:12],
                                            [p[:12] for p in got]))
for f in failures:
    print("FAIL:", f)
print("contexts: %d contexts, %d configs, %d runs, %d failures"
      % (len(CONTEXTS), len(args.configs.split(",")), runs, len(failures)))
sys.exit(1 if failures else 0)
