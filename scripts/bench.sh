#!/usr/bin/env bash
# The benchmarks, as the closing notes report them. Release build; reserves huge pages when
# run as root (the book pools use them when they exist). Never run in CI: figures from a
# shared 2-core VM are context, not a pass/fail.
#   scripts/bench.sh [jitter|decode|book|pipeline|io|patterns|all]
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
    --nb-cores=1 --stats-period=1 2>&1 | awk '/Rx-pps:/ { if ($2 > best) best = $2 } END { print best + 0 }' || true)
  report=$(build/tickwire run --stats --eal "$eal" --idle-exit-ms 500 --set control.socket='""' --workers 1)
  ours=$(awk '/^rx.packets_per_second/ { print $2 }' <<<"$report")
  messages=$(awk '/^rx.messages_per_second/ { print $2 }' <<<"$report")
  echo "testpmd rxonly:  $testpmd_pps packets/s"
  echo "tickwire run:    $ours packets/s, $messages messages/s (decode, sequencer, books, events,"
  echo "                 classification, rings, one worker running the detector)"
  awk -v a="$ours" -v b="$testpmd_pps" 'BEGIN { if (b > 0) printf "ratio:           %.2f of testpmd rxonly\n", a / b }'
  grep -E "^(port\.|latency\.end_to_end\.(count|p50_ns|p99_ns|p99_9_ns) |rx\.busy)" <<<"$report"
fi
if [ "$what" = patterns ] || [ "$what" = all ]; then
  echo "== patterns: three venues of one universe (1,000 securities), 10,000 pair_spread instances"
  echo "   and cross_venue on every security; the same single-venue replay with the tap on and off;"
  echo "   latency from arrival to pattern signal, paced at 1M messages/s with one pattern thread"
  dir=/tmp/tickwire-bench-patterns
  mkdir -p "$dir"
  venues=(nasdaq:233.54.12.111:1 bx:233.49.196.111:2 psx:233.54.14.111:3)
  for v in "${venues[@]}"; do
    IFS=: read -r name group seed <<<"$v"
    [ -f "$dir/$name.pcap" ] || build/tickwire generate --out "$dir/$name.pcap" --universe-seed 42 --seed "$seed" \
      --symbols 1000 --messages 3400000 --rate 1000000 --group "$group:26477" --session "${name^^}0001" --quiet
  done
  # The securities, from a small day of the same universe.
  build/tickwire generate --out "$dir/universe.pcap" --universe-seed 42 --symbols 1000 --messages 20000 --quiet
  build/tickwire decode "$dir/universe.pcap" | grep -o '"type":"R"[^}]*"stock":"[^"]*"' |
    sed 's/.*"stock":"\([^"]*\)"/\1/' | sort -u > "$dir/symbols.txt"
  # 10,000 pairs drawn over the securities (deterministic), and cross_venue on all of them.
  awk 'NR == FNR { s[n++] = $1; next } END {
         for (i = 0; i < 10000; ++i) {
           a = (i * 7919) % n; b = (i * 104729 + 1 + int(i / n)) % n; if (b == a) b = (b + 1) % n
           printf "[pattern.pair%d]\ntemplate = \"pair_spread\"\nsecurities = [\"%s\", \"%s\"]\nwindow_ms = 5000\n", i, s[a], s[b]
         }
         printf "[pattern.xv]\ntemplate = \"cross_venue\"\nsecurities = [\"*\"]\n"
       }' "$dir/symbols.txt" /dev/null > "$dir/patterns.toml"
  { for v in "${venues[@]}"; do
      IFS=: read -r name _ _ <<<"$v"
      printf '[feed.%s]\ninput.files = ["%s/%s.pcap"]\n' "$name" "$dir" "$name"
    done
    printf '[patterns]\nworkers = 1\n'
    cat "$dir/patterns.toml"
  } > "$dir/venues.toml"
  report=$(build/tickwire replay --config "$dir/venues.toml" --stats)
  grep -E "^(patterns\.(instances|updates|batches|securities|signals|thread0\.(busy_us|ns_per_update)) |patterns\.signals\.(locked|crossed|divergence|convergence) |feed\.[a-z]+\.(messages|rx\.elapsed_us) )" <<<"$report"
  echo "-- one venue inline (workers.count 0), replay unpaced: the RX thread's ns per message, median of 5"
  printf '[patterns]\nworkers = 1\n' > "$dir/one.toml"
  cat "$dir/patterns.toml" >> "$dir/one.toml"
  for mode in off on; do
    runs=()
    for _ in 1 2 3 4 5; do
      if [ "$mode" = on ]; then args=(--config "$dir/one.toml"); else args=(); fi
      r=$(build/tickwire replay "${args[@]}" --stats "$dir/nasdaq.pcap")
      runs+=("$(awk '/^messages / { m = $2 } /^rx.elapsed_us / { e = $2 } END { printf "%.1f", e * 1000 / m }' <<<"$r")")
    done
    median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 3p)
    echo "patterns $mode: ${runs[*]} ns/message (median $median)"
  done
  echo "-- paced at 1,000,000 messages/s, one pattern thread: arrival to pattern signal"
  build/tickwire replay --config "$dir/one.toml" --rate 1000000 --stats "$dir/nasdaq.pcap" |
    grep -E "^(latency\.pattern_signal\.(count|p50_ns|p99_ns|p99_9_ns|max_ns)|latency\.end_to_end\.(p50_ns|p99_ns|p99_9_ns)) "
fi
