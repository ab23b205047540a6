#!/usr/bin/env bash
# The benchmarks, as the closing notes report them. Release build; reserves huge pages when
# run as root (the book pools use them when they exist). Never run in CI: figures from a
# shared 2-core VM are context, not a pass/fail.
#   scripts/bench.sh [decode|book|pipeline|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
bash scripts/install-deps.sh >/dev/null
[ -d build ] || meson setup build --buildtype=release -Dwerror=true >/dev/null
ninja -C build tests/decode_bench tests/book_bench tests/pipeline_bench >/dev/null
if [ "$(id -u)" = 0 ] && [ "$(cat /proc/sys/vm/nr_hugepages)" -lt 512 ]; then
  echo 512 > /proc/sys/vm/nr_hugepages || true
fi
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
if [ "$what" = decode ] || [ "$what" = all ]; then
  echo "== decode: 10M generated messages, every field into a verified checksum"
  build/tests/decode_bench --messages=10000000 --benchmark_repetitions=6 --benchmark_report_aggregates_only=true
fi
if [ "$what" = book ] || [ "$what" = all ]; then
  echo "== decode + book + events: 10M generated messages, >= 1M live orders at peak"
  build/tests/book_bench --messages=10000000 --live-orders=1200000
fi
if [ "$what" = pipeline ] || [ "$what" = all ]; then
  echo "== pipeline: decode + book alone, + stages inline, + rings and one worker core; paced latency"
  build/tests/pipeline_bench --messages=10000000 --live-orders=1200000 --paced-messages=2000000 \
    --rates=1000000,5000000
fi
