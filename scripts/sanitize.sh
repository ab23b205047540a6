#!/usr/bin/env bash
# The test suite under AddressSanitizer (with leak detection) and UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d build-asan ] || meson setup build-asan --buildtype=debugoptimized -Dwerror=true \
  -Db_sanitize=address,undefined -Db_lundef=false
ninja -C build-asan
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
meson test -C build-asan --print-errorlogs --num-processes 2 --timeout-multiplier 3

# ThreadSanitizer for the code that runs on two cores at once.
[ -d build-tsan ] || meson setup build-tsan --buildtype=debugoptimized -Dwerror=true -Db_sanitize=thread \
  -Db_lundef=false
tsan_tests=(spsc_ring_test priority_scheduler_test worker_test qsbr_test)
ninja -C build-tsan "${tsan_tests[@]/#/tests/}"
for t in "${tsan_tests[@]}"; do TSAN_OPTIONS=halt_on_error=1 "./build-tsan/tests/$t"; done

# The whole session under TSan: RX thread, two workers, the control-plane merge, a scripted
# swap storm and paced release.
ninja -C build-tsan tickwire
TSAN_OPTIONS=halt_on_error=1 ./build-tsan/tickwire replay --workers 2 --swap-every 500 --journal /dev/null \
  --journal-events pcap_samples/sample_faults.pcap > /dev/null
TSAN_OPTIONS=halt_on_error=1 ./build-tsan/tickwire replay --workers 2 --rate 200000 --journal /dev/null \
  pcap_samples/sample_day.pcap > /dev/null
