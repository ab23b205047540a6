#!/usr/bin/env bash
# The test suite under the sanitizers:
#   scripts/sanitize.sh asan [--coverage]   ASan (leak detection) + UBSan, the whole suite; with
#                                           --coverage the same build also counts line and
#                                           branch coverage (scripts/coverage.sh build-asan)
#   scripts/sanitize.sh tsan                TSan on everything that runs on two threads or more
#   scripts/sanitize.sh                     both
# Built at -O1 with line tables only (-g1): sanitizer reports keep file:line, and the builds
# take half the time of -O2 -g.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
coverage=false
[ "${2:-}" = "--coverage" ] && coverage=true
bash scripts/install-deps.sh

if [ "$what" = asan ] || [ "$what" = all ]; then
  if [ ! -d build-asan ]; then
    args=(--buildtype=plain -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false)
    if $coverage; then
      # Worker threads run beside the RX thread in tests: counters must be updated atomically,
      # or concurrent increments leave gcov with impossible (negative) counts.
      args+=(-Db_coverage=true "-Dcpp_args=-O1 -g1 -fprofile-update=atomic")
    else
      args+=("-Dcpp_args=-O1 -g1")
    fi
    meson setup build-asan "${args[@]}"
  fi
  ninja -C build-asan
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
  meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

if [ "$what" = tsan ] || [ "$what" = all ]; then
  [ -d build-tsan ] || meson setup build-tsan --buildtype=plain "-Dcpp_args=-O1 -g1" -Dwerror=true \
    -Db_sanitize=thread -Db_lundef=false
  # The rings, the scheduler, the worker, RCU, the figure snapshots, the outboxes, the bench's
  # overload run (RX, worker and drain threads), the pattern layer's broadcast ring and tap.
  tsan_tests=(spsc_ring_test priority_scheduler_test worker_test qsbr_test figure_snapshot_test outbox_test
              overload_bench_test broadcast_ring_test market_tap_test)
  ninja -C build-tsan tickwire "${tsan_tests[@]/#/tests/}"
  export TSAN_OPTIONS=halt_on_error=1
  for t in "${tsan_tests[@]}"; do "./build-tsan/tests/$t"; done
  bash scripts/tsan_sessions.sh build-tsan/tickwire
fi
