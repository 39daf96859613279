# Deeply nested input parses, verifies and runs (the parser and the passes
# recurse once per level; sparse-opt runs on a 1 GiB stack) in both modes.
#
# RUN: %test_python %s parens > %t.parens.mlir
# RUN: sparse-opt %t.parens.mlir | FileCheck %s --check-prefix=PARENS
# RUN: %test_python %s regions > %t.regions.mlir
# RUN: sparse-opt --run %t.regions.mlir -e main --entry-point-result=void | FileCheck %s --check-prefix=REGIONS
#
# PARENS: affine_map<(d0) -> (d0)>
# REGIONS: innermost

import sys

if sys.argv[1] == "parens":
    n = 100000
    print("#map = affine_map<(d0) -> (" + "(" * n + "d0" + ")" * n + ")>")
    print("func.func @main() attributes {map = #map} { return }")
else:
    n = 10000
    print("func.func @main() {")
    print("  scf.execute_region {\n" * n, end="")
    print('  vector.print str "innermost\\n"\n  scf.yield\n  }')
    print("  scf.yield\n  }\n" * (n - 1), end="")
    print("  return\n}")
