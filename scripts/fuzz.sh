#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default
# 60), seeded from the real captures and the bundled samples. Fails on any crash.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh
if [ ! -d build-fuzz ]; then
  CXX=clang++ CC=clang meson setup build-fuzz --buildtype=debugoptimized -Dtests=false -Dfuzzing=true \
    -Db_sanitize=address,undefined -Db_lundef=false
fi
ninja -C build-fuzz
corpus=build-fuzz/corpus
python3 scripts/fuzz_seeds.py "$corpus" ../shared/data/itch50 pcap_samples
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
for target in fuzz_frame_decoder fuzz_mold_payload fuzz_capture_reader fuzz_binary_file fuzz_sequence_audit \
              fuzz_sequencer fuzz_soupbintcp; do
  mkdir -p "$corpus/$target" build-fuzz/artifacts
  echo "== $target: ${seconds}s"
  log=build-fuzz/$target.log
  status=0
  ./build-fuzz/tests/fuzz/$target "$corpus/$target" -max_total_time="$seconds" -max_len=4096 \
    -artifact_prefix=build-fuzz/artifacts/ -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^stat::number_of_executed_units|Done [0-9]+ runs" "$log" || true
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "fuzz target $target failed (exit $status); reproducer in build-fuzz/artifacts/"
    exit 1
  fi
done
