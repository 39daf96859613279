"""Prints the PTX of the NVVM objects in gpu.binary ops read from stdin
(gpu-module-to-binary{format=isa} output), unescaping MLIR's string
printing (\\XX hex escapes, \\\\ and \\"): all of them, or with an
argument N only the N-th (from 0), so that ptxas gets one module.
ptx_objects() gives them to other test scripts."""

import re
import sys


def _unescape(escaped):
    out, i = [], 0
    while i < len(escaped):
        c = escaped[i]
        if c == "\\":
            nxt = escaped[i + 1]
            if nxt in '\\"':
                out.append(nxt)
                i += 2
            else:
                out.append(chr(int(escaped[i + 1:i + 3], 16)))
                i += 3
        else:
            out.append(c)
            i += 1
    return "".join(out)


def ptx_objects(text):
    """The PTX text of every NVVM object in `text`, in order."""
    return [_unescape(e) for e in re.findall(
        r'#gpu\.object<#nvvm\.target<[^>]*>,[^"]*"((?:[^"\\]|\\.)*)"', text)]


if __name__ == "__main__":
    objects = ptx_objects(sys.stdin.read())
    if not objects:
        sys.exit("extract_ptx: no NVVM object in the input")
    if len(sys.argv) > 1:
        objects = [objects[int(sys.argv[1])]]
    for ptx in objects:
        sys.stdout.write(ptx)
