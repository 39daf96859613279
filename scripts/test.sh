#!/usr/bin/env bash
# Installs what is missing, builds, and runs the whole lit suite
# (check-sparse), then prints 'N passed, N failed, N skipped'; then the
# sanitized build and its tests (scripts/sanitize.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
# A clone has nothing beside it: no tracked file may reach outside the
# repository (the team's shared/ folder, for one).
if git rev-parse --git-dir >/dev/null 2>&1 && \
    git grep -n -I -E '\.\./shared/|/work/shared' -- ':!scripts/test.sh'; then
  echo "test.sh: the lines above reach outside the repository" >&2
  exit 1
fi
bash scripts/install-deps.sh
# House style (.clang-format, LLVM's): every C and C++ file formatted.
if git rev-parse --git-dir >/dev/null 2>&1; then
  git ls-files -z '*.cpp' '*.h' '*.c' |
    xargs -0 clang-format-22 --dry-run -Werror
fi
bash scripts/build.sh
BUILD_DIR=${BUILD_DIR:-build}
log="$BUILD_DIR/check-sparse.log"
status=0
cmake --build "$BUILD_DIR" -j2 --target check-sparse 2>&1 | tee "$log" || status=$?
count() { sed -n "s/^ *$1 *: *\([0-9]*\).*/\1/p" "$log" | tail -1; }
passed=$(count Passed); failed=$(count Failed); unsupported=$(count Unsupported)
echo "check-sparse: ${passed:-0} passed, ${failed:-0} failed, ${unsupported:-0} skipped"
if [ "$status" -eq 0 ] && [ "${passed:-0}" -eq 0 ]; then
  echo "check-sparse ran no test" >&2
  exit 1
fi
if [ "$status" -ne 0 ]; then exit "$status"; fi
# The fuzzing and bad-input tests again under ASan+UBSan (a build of its
# own), unless this build is the sanitized one already.
if [ "${SLICE_GRAD_SKIP_SANITIZERS:-0}" != 1 ] && [ "${SLICE_GRAD_SANITIZE:-0}" != 1 ]; then
  bash scripts/sanitize.sh
fi
