#!/usr/bin/env bash
# Line and branch coverage of the data-processing code (dataplane/, drivers/) by the test
# suite, with gcovr. Prints the summary and writes build-cov/coverage.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d build-cov ] || meson setup build-cov --buildtype=debug -Db_coverage=true
ninja -C build-cov
meson test -C build-cov --num-processes 2 --timeout-multiplier 3 >/dev/null || meson test -C build-cov --print-errorlogs
gcovr --root . --object-directory build-cov --filter 'dataplane/' --filter 'drivers/' \
  --exclude-unreachable-branches --exclude-throw-branches --txt build-cov/coverage.txt \
  --txt-metric branch --print-summary | tail -n 3
gcovr --root . --object-directory build-cov --filter 'dataplane/' --filter 'drivers/' \
  --exclude-unreachable-branches --exclude-throw-branches --txt build-cov/coverage-lines.txt >/dev/null
cat build-cov/coverage-lines.txt
