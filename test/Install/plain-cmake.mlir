// The plain CMake way, as most CMake users build: no flags. MLIR 22 is
// found on Debian's path, the build type defaults to Release, lit is found
// for check-sparse, and `cmake --build` builds sparse-opt (add_mlir_tool
// leaves tools out of `all` unless asked). Configuring only: install.mlir
// installs and consumes the package that a build makes.
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: env -u CC -u CXX cmake -S %slice_grad_src -B %t/plain -G Ninja > %t/configure.log
// RUN: FileCheck %s --check-prefix=CACHE < %t/plain/CMakeCache.txt
// CACHE-DAG: CMAKE_BUILD_TYPE:STRING=Release
// CACHE-DAG: LLVM_EXTERNAL_LIT:FILEPATH={{.*}}lit
// CACHE-DAG: MLIR_DIR:PATH=/usr/lib/llvm-22/lib/cmake/mlir
//
// RUN: ninja -C %t/plain -t query all tools/all tools/sparse-opt/all | FileCheck %s --check-prefix=ALL
// ALL-LABEL: {{^}}all:
// ALL: tools/all
// ALL-LABEL: {{^}}tools/all:
// ALL: tools/sparse-opt/all
// ALL-LABEL: {{^}}tools/sparse-opt/all:
// ALL: bin/sparse-opt
//
// Without MLIR, one line says what to give.
// RUN: not cmake -S %slice_grad_src -B %t/nomlir -G Ninja -DCMAKE_DISABLE_FIND_PACKAGE_MLIR=ON 2>&1 | FileCheck %s --check-prefix=NOMLIR
// NOMLIR: MLIR 22 not found: give -DMLIR_DIR=<prefix>/lib/cmake/mlir
