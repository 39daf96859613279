"""Prints the PTX of the NVVM objects in gpu.binary ops read from stdin
(gpu-module-to-binary{format=isa} output), unescaping MLIR's string
printing (\\XX hex escapes, \\\\ and \\"): all of them, or with an
argument N only the N-th (from 0), so that ptxas gets one module."""

import re
import sys

text = sys.stdin.read()
objects = re.findall(r'#gpu\.object<#nvvm\.target<[^>]*>,[^"]*"((?:[^"\\]|\\.)*)"',
                     text)
if not objects:
    sys.exit("extract_ptx: no NVVM object in the input")
if len(sys.argv) > 1:
    objects = [objects[int(sys.argv[1])]]
for escaped in objects:
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
    sys.stdout.write("".join(out))
