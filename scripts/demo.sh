#!/usr/bin/env bash
# The main job on the bundled demo day: 30,000 ITCH messages of 24 securities on two
# multicast lines (A and B, with packets lost, duplicated and reordered on each), replayed
# through the sequencer, the books, the priority rings and a worker running the stages,
# paced at 100,000 messages a second so that end-to-end latency is measured, with the
# pattern templates of config/demo_patterns.toml watching across its securities. Prints the
# summary: messages and drops, gaps, signals and pattern signals (with examples), throughput,
# latency.
#   scripts/demo.sh [CAPTURE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
[ -d build ] || meson setup build --buildtype=release -Dwerror=true >/dev/null
ninja -C build tickwire >/dev/null
sample=${1:-pcap_samples/demo_day.pcap.gz}
mkdir -p build/demo
# Alerts (gaps, lines going quiet) are printed as they happen; the summary comes last.
./build/tickwire replay --workers 1 --rate 100000 --config config/demo_patterns.toml \
  --journal build/demo/signals.jsonl "$sample"
echo
echo "every signal: build/demo/signals.jsonl; every figure: add --stats; the tour: README.md"
