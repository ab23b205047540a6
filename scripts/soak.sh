#!/usr/bin/env bash
# A soak: generated trading days replayed back to back through the whole pipeline (one worker,
# the stages, the journal to /dev/null), paced, for MINUTES; a status line every INTERVAL
# seconds (default 60) with messages, rate, RSS and end-to-end latency percentiles over the
# interval. Fails when memory grows: the last RSS above the first by more than 2% + 16 MiB
# (pools and rings are reserved and touched at start-up, so a healthy run stays flat).
#   scripts/soak.sh MINUTES [INTERVAL_S] [RATE]     (CI: scripts/soak.sh 2)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: scripts/soak.sh MINUTES [INTERVAL_S] [RATE]}
interval=${2:-60}
rate=${3:-200000}
bash scripts/install-deps.sh >/dev/null
[ -d build ] || meson setup build --buildtype=release -Dwerror=true >/dev/null
ninja -C build tickwire >/dev/null
work=build/soak
mkdir -p "$work"
day_messages=500000
[ -f "$work/day.bin" ] || ./build/tickwire generate --out "$work/day.bin" --messages "$day_messages" --symbols 2000 \
  --seed 11 --burst 5:2:4 --halts 3 --quiet
# Enough days, one after the other (each BinaryFILE is a trading day: books emptied, locates
# forgotten, sequences from 1), to run the whole time at the rate.
days=$(( (minutes * 60 * rate + day_messages - 1) / day_messages ))
inputs=()
for _ in $(seq "$days"); do inputs+=("$work/day.bin"); done
echo "soak: $days days of $day_messages messages at $rate messages/s: about $minutes min, a line every ${interval}s"
status=0
./build/tickwire replay --workers 1 --rate "$rate" --set output.status_interval_s="$interval" \
  --journal /dev/null "${inputs[@]}" > "$work/summary.txt" 2> "$work/status.txt" || status=$?
grep ' status ' "$work/status.txt" || true
cat "$work/summary.txt"
[ "$status" -eq 0 ] || { echo "soak: the replay failed (exit $status)"; tail -20 "$work/status.txt"; exit 1; }
rss=($(grep -o 'RSS [0-9,]* MiB' "$work/status.txt" | tr -d , | awk '{ print $2 }'))
if [ "${#rss[@]}" -lt 2 ]; then
  echo "soak: fewer than two status lines: nothing to compare (run longer, or a shorter interval)"
  exit 1
fi
first=${rss[0]}
last=${rss[${#rss[@]} - 1]}
limit=$(( first + first / 50 + 16 ))
echo "soak: RSS first ${first} MiB, last ${last} MiB, limit ${limit} MiB over ${#rss[@]} samples"
if [ "$last" -gt "$limit" ]; then
  echo "soak: memory grew"
  exit 1
fi
