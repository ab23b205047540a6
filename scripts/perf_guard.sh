#!/usr/bin/env bash
# The deterministic performance guard. Wall-clock figures swing by 30% on a shared machine;
# instruction counts do not. Counts the instructions per message of decode + book and of
# decode + book + the inline pipeline (tests/bench/instructions_per_message.cc) under
# callgrind, on a fixed generated day, and checks them against tests/bench/perf_baseline.txt
# within its tolerance, in both directions: a change that moves a figure past it updates the
# baseline in the same commit and says why in the message.
#   scripts/perf_guard.sh            check (the release build of scripts/test.sh)
#   scripts/perf_guard.sh --update   write the current counts as the baseline
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d build ] || meson setup build --buildtype=release -Dwerror=true
ninja -C build tickwire tests/instructions_per_message
baseline=tests/bench/perf_baseline.txt
work=build/perf_guard
mkdir -p "$work"
# The day the baseline was counted on; the generator is deterministic (same options, same bytes).
day_options=(--messages 200000 --symbols 500 --seed 1)
./build/tickwire generate --out "$work/day.bin" "${day_options[@]}" --quiet
messages=200000

count() {  # the instructions inside function $1, per message
  valgrind --tool=callgrind --callgrind-out-file="$work/$1.callgrind" --collect-atstart=no \
    "--toggle-collect=*$1*" ./build/tests/instructions_per_message "$work/day.bin" > "$work/$1.out" 2> "$work/$1.err"
  local total
  total=$(awk '/^totals:/ { print $2 }' "$work/$1.callgrind")
  awk -v t="$total" -v m="$messages" 'BEGIN { printf "%.2f", t / m }'
}
decode_book=$(count measured_decode_book)
inline_pipeline=$(count measured_inline_pipeline)

if [ "${1:-}" = --update ]; then
  cat > "$baseline" <<TEXT
# Instructions per message counted by callgrind (scripts/perf_guard.sh), release build with
# Debian 12's g++ 12, on \`tickwire generate ${day_options[*]}\` (a BinaryFILE). A change
# that moves a figure past the tolerance updates it here in the same commit, saying why.
tolerance_percent 1.0
decode_book $decode_book
inline_pipeline $inline_pipeline
TEXT
  echo "baseline written: decode_book $decode_book, inline_pipeline $inline_pipeline"
  exit 0
fi

tolerance=$(awk '$1 == "tolerance_percent" { print $2 }' "$baseline")
status=0
for name in decode_book inline_pipeline; do
  now=${!name}
  was=$(awk -v k="$name" '$1 == k { print $2 }' "$baseline")
  verdict=$(awk -v now="$now" -v was="$was" -v tol="$tolerance" 'BEGIN {
    change = (now - was) / was * 100
    printf "%s instructions/message: %.2f, baseline %.2f (%+.2f%%, tolerance %.1f%%)", "'"$name"'", now, was, change, tol
    if (change > tol || change < -tol) printf " -- OUTSIDE"
  }')
  echo "$verdict"
  case "$verdict" in *OUTSIDE*) status=1 ;; esac
done
if [ "$status" -ne 0 ]; then
  echo "perf guard: a figure moved past the tolerance. If the change is meant, run"
  echo "  scripts/perf_guard.sh --update"
  echo "and commit tests/bench/perf_baseline.txt with the change, saying why the count moved."
fi
exit "$status"
