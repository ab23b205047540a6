#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default
# 60), two at a time (one per core), seeded from the real captures and the bundled samples.
# Fails on any crash, naming the target and its reproducer.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh
targets=(fuzz_frame_decoder fuzz_mold_payload fuzz_capture_reader fuzz_binary_file fuzz_sequence_audit
         fuzz_sequencer fuzz_soupbintcp)
if [ ! -d build-fuzz ]; then
  CXX=clang++ CC=clang meson setup build-fuzz --buildtype=plain -Dcpp_args="-O1 -gline-tables-only" \
    -Dtests=false -Dfuzzing=true -Db_sanitize=address,undefined -Db_lundef=false
fi
# Only the targets (and the data-path libraries they link), not the whole control plane.
ninja -C build-fuzz "${targets[@]/#/tests/fuzz/}"
corpus=build-fuzz/corpus
python3 scripts/fuzz_seeds.py "$corpus" ../shared/data/itch50 pcap_samples
mkdir -p build-fuzz/artifacts
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

run_target() {
  local target=$1
  mkdir -p "$corpus/$target"
  local log=build-fuzz/$target.log
  local status=0
  ./build-fuzz/tests/fuzz/"$target" "$corpus/$target" -max_total_time="$seconds" -max_len=4096 \
    -artifact_prefix=build-fuzz/artifacts/"$target"- -print_final_stats=1 >"$log" 2>&1 || status=$?
  echo "== $target: ${seconds}s, $(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' || echo '?') runs"
  if [ "$status" -ne 0 ]; then
    tail -n 60 "$log"
    echo "fuzz target $target failed (exit $status); reproducer in build-fuzz/artifacts/$target-*"
    return 1
  fi
}
export -f run_target
export corpus seconds
printf '%s\n' "${targets[@]}" | xargs -P 2 -I{} bash -c 'run_target {}'
