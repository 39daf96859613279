# Every kernel of the GPU lowering compiles to PTX that ptxas assembles for
# sm_90: one function per value type (TensorFlow's 17 types: the quantized
# ones are their integer storage types), a run-time R (kernels for
# R = 1..8 and the generic ones), R = 0, and device-resident operands.
#
# REQUIRES: ptxas
# RUN: %test_python %s %ptxas | FileCheck %s
# CHECK: ptx: 18 functions, {{[0-9]+}} kernels assembled for sm_90, 0 failures

import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
import extract_ptx  # noqa: E402
import slicegrad_testlib as lib  # noqa: E402

ptxas = sys.argv[1]


def function(name, elt, rank, space=""):
    """A memref function (device-resident when `space` is given) or a tensor
    one."""
    r = "?" if rank is None else str(rank)
    if space:
        mem = lambda shape: "memref<%s%s, %s>" % (shape, elt, space)  # noqa
        idx = lambda shape: "memref<%si64, %s>" % (shape, space)  # noqa
        types = (mem("?x"), idx("?x%sx" % r), idx("%sx" % r), idx("?x%sx" % r))
        return ("func.func @%s(%%g: %s, %%ii: %s, %%s: %s, %%oi: %s, "
                "%%out: %s) {\n  sparse.slice_grad %%g, %%ii, %%s, %%oi : "
                "%s, %s, %s, %s into %%out : %s\n  return\n}\n" % (
                    (name,) + types + (mem("?x"),) + types + (mem("?x"),)))
    types = ("tensor<?x%s>" % elt, "tensor<?x%sxi64>" % r,
             "tensor<%sxi64>" % r, "tensor<?x%sxi64>" % r)
    return ("func.func @%s(%%g: %s, %%ii: %s, %%s: %s, %%oi: %s) -> %s {\n"
            "  %%r = sparse.slice_grad %%g, %%ii, %%s, %%oi : %s, %s, %s, %s "
            "-> %s\n  return %%r : %s\n}\n" % (
                (name,) + types + (types[0],) + types + (types[0],) * 2))


funcs = [function("grad_" + name.replace("<", "_").replace(">", ""), elt, 2)
         for name, (elt, _, _) in sorted(lib.DTYPES.items())]
funcs.append(function("grad_dynamic_rank", "f32", None))
funcs.append(function("grad_rank0", "f64", 0))
funcs.append(function("grad_rank3_bf16", "bf16", 3))
funcs.append(function("grad_device_resident", "complex<f64>", 4,
                      "#gpu.address_space<global>"))
module = "".join(funcs)

out = subprocess.run([lib.sparse_opt(), "-", "--sparse-to-nvvm"],
                     input=module, capture_output=True, text=True)
if out.returncode != 0:
    sys.exit("sparse-to-nvvm failed: %s" % out.stderr[-2000:])
objects = extract_ptx.ptx_objects(out.stdout)
failures = 0
with tempfile.TemporaryDirectory() as tmp:
    for k, ptx in enumerate(objects):
        if ".target sm_90" not in ptx:
            print("kernel %d: not PTX for sm_90" % k)
            failures += 1
            continue
        path = os.path.join(tmp, "k%d.ptx" % k)
        with open(path, "w") as f:
            f.write(ptx)
        run = subprocess.run([ptxas, "-arch=sm_90", path, "-o", path + ".cubin"],
                             capture_output=True, text=True)
        if run.returncode != 0:
            print("kernel %d: ptxas: %s" % (k, run.stderr[-500:]))
            failures += 1
# Nine kernels per sequence: 14 value types, 9 for the run-time R, R = 0,
# R = 3 and the device-resident one.
expected = 9 * (len(lib.DTYPES) + 9 + 3)
if len(objects) != expected:
    print("expected %d kernels, got %d" % (expected, len(objects)))
    failures += 1
print("ptx: %d functions, %d kernels assembled for sm_90, %d failures" % (
    len(funcs), len(objects), failures))
sys.exit(1 if failures else 0)
