#!/usr/bin/env bash
# Line and branch coverage of the data-processing code (dataplane/, drivers/) by the test
# suite, with gcovr. Prints the per-file line report and the totals; the branch report is
# written to BUILD/coverage-branches.txt.
#   scripts/coverage.sh [BUILD]   BUILD: a build whose suite ran with coverage counters; CI
#                                 passes build-asan (sanitize.sh asan --coverage: one build
#                                 and one run give both). Default: build-cov, built at -O0
#                                 and run here.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-cov}
bash scripts/install-deps.sh
if [ "$build" = build-cov ]; then
  # Worker threads run alongside the RX thread in tests: counters must be updated atomically,
  # or concurrent increments leave gcov with impossible (negative) counts.
  [ -d build-cov ] || meson setup build-cov --buildtype=debug -Db_coverage=true -Dcpp_args=-fprofile-update=atomic
  ninja -C build-cov
  meson test -C build-cov --num-processes 2 --timeout-multiplier 3 --print-errorlogs
fi
common=(--root . --object-directory "$build" --filter 'dataplane/' --filter 'drivers/'
        --exclude-unreachable-branches --exclude-throw-branches --gcov-ignore-parse-errors)
gcovr "${common[@]}" --branches --txt "$build/coverage-branches.txt"
tail -2 "$build/coverage-branches.txt" | head -1 | sed 's/^TOTAL/branches, all files:/'
# gcov counts a template's branches once per instantiation: the decoder's 23-way dispatch is
# compiled once per sink type, and most sinks see only some message types in the tests. The
# branch figure without it says how well the rest is exercised.
gcovr "${common[@]}" --exclude 'dataplane/itch/decoder.h' --branches --txt "$build/coverage-branches-no-decoder.txt"
tail -2 "$build/coverage-branches-no-decoder.txt" | head -1 | sed 's/^TOTAL/branches, decoder.h aside:/'
gcovr "${common[@]}" --txt "$build/coverage-lines.txt" --print-summary
cat "$build/coverage-lines.txt"
