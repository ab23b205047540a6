#!/usr/bin/env bash
# The benchmarks, as the closing notes report them. Release build; reserves huge pages when
# run as root (the book pools use them when they exist). Never run in CI: figures from a
# shared 2-core VM are context, not a pass/fail.
#   scripts/bench.sh [jitter|decode|book|pipeline|io|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
bash scripts/install-deps.sh >/dev/null
[ -d build ] || meson setup build --buildtype=release -Dwerror=true >/dev/null
ninja -C build tickwire tests/decode_bench >/dev/null
if [ "$(id -u)" = 0 ] && [ "$(cat /proc/sys/vm/nr_hugepages)" -lt 512 ]; then
  echo 512 > /proc/sys/vm/nr_hugepages || true
fi
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
if [ "$what" = jitter ] || [ "$what" = all ]; then
  echo "== platform jitter: what a spinning core loses (the floor under every latency figure)"
  build/tickwire bench jitter --seconds 5 --cpu 0
  build/tickwire bench jitter --seconds 5 --cpu 1
fi
if [ "$what" = decode ] || [ "$what" = all ]; then
  echo "== decode: 10M generated messages, every field into a verified checksum"
  build/tests/decode_bench --messages=10000000 --benchmark_repetitions=6 --benchmark_report_aggregates_only=true
fi
if [ "$what" = book ] || [ "$what" = all ]; then
  echo "== decode + book + events: 10M generated messages, >= 1M live orders at peak"
  build/tickwire bench book --messages 10000000 --live-orders 1200000
fi
if [ "$what" = pipeline ] || [ "$what" = all ]; then
  echo "== pipeline: decode + book alone, + stages inline, + rings and one worker core; paced latency"
  build/tickwire bench pipeline --messages 10000000 --live-orders 1200000 --paced-messages 2000000 \
    --rates 1000000,5000000
fi
if [ "$what" = io ] || [ "$what" = all ]; then
  echo "== I/O: tickwire run against dpdk-testpmd rxonly, the same net_pcap input (the I/O ceiling)"
  capture=/tmp/tickwire-bench-io.pcap
  [ -f "$capture" ] || build/tickwire generate --out "$capture" --messages 10000000 --quiet
  eal="--no-huge -m 2048 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=$capture"
  # testpmd reports packets per second each second: the best full second is its ceiling.
  testpmd_pps=$(timeout -s INT 40 dpdk-testpmd $eal,tx_pcap=/dev/null -l 0-1 -- --forward-mode=rxonly \
    --nb-cores=1 --stats-period=1 2>&1 | awk '/Rx-pps:/ { if ($2 > best) best = $2 } END { print best + 0 }')
  report=$(build/tickwire run --stats --eal "$eal" --idle-exit-ms 500 --set control.socket='""' --workers 1)
  ours=$(awk '/^rx.packets_per_second/ { print $2 }' <<<"$report")
  messages=$(awk '/^rx.messages_per_second/ { print $2 }' <<<"$report")
  echo "testpmd rxonly:  $testpmd_pps packets/s"
  echo "tickwire run:    $ours packets/s, $messages messages/s (decode, sequencer, books, events,"
  echo "                 classification, rings, one worker running the detector)"
  awk -v a="$ours" -v b="$testpmd_pps" 'BEGIN { if (b > 0) printf "ratio:           %.2f of testpmd rxonly\n", a / b }'
  grep -E "^(port\.|latency\.end_to_end\.(count|p50_ns|p99_ns|p99_9_ns) |rx\.busy)" <<<"$report"
fi
