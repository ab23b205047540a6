#!/usr/bin/env bash
# Whole sessions under ThreadSanitizer: the RX thread, workers, the merge thread and the
# control thread of `tickwire replay` and `run`, a scripted swap storm, paced release, two
# feeds side by side, the pattern layer's threads and a securities reload across them, live
# DPDK ports, the control channel at work, and a live late join.
#   scripts/tsan_sessions.sh BUILD/tickwire   (a -Db_sanitize=thread build; sanitize.sh tsan)
set -euo pipefail
cd "$(dirname "$0")/.."
tw=${1:?usage: tsan_sessions.sh PATH/TO/tickwire}
export TSAN_OPTIONS=halt_on_error=1
"$tw" replay --workers 2 --swap-every 500 --journal /dev/null \
  --journal-events pcap_samples/sample_faults.pcap > /dev/null
"$tw" replay --workers 2 --rate 200000 --journal /dev/null \
  pcap_samples/sample_day.pcap > /dev/null
# A stream breaker on the RX thread whose transitions reach the merge thread as alerts.
breaker_toml=$(mktemp)
printf '[breaker.storm]\nscope = "system"\ntrigger = "message_rate"\ntrip = 2000\nclear = 1000\nwindow_ms = 50\n' \
  > "$breaker_toml"
"$tw" replay --workers 2 --config "$breaker_toml" --stats --journal /dev/null pcap_samples/sample_day.pcap 2> /dev/null |
  grep -q 'breakers.storm.opened *1'
rm -f "$breaker_toml"
# Two feed sessions side by side over one capture, one inline and one with two workers: the
# same journal, and nothing shared between their threads but what the process means to share.
feeds_dir=$(mktemp -d)
printf '[feed.a]\nworkers.count = 0\n[feed.b]\nworkers.count = 2\n' > "$feeds_dir/feeds.toml"
"$tw" replay --config "$feeds_dir/feeds.toml" --swap-every 700 \
  --journal "$feeds_dir/j.jsonl" --journal-events pcap_samples/sample_faults.pcap > /dev/null
cmp "$feeds_dir/j.a.jsonl" "$feeds_dir/j.b.jsonl"
# ... and live, each polling a DPDK port of its own from a thread registered as an lcore.
printf '[feed.a]\ninput.ports = ["net_pcap0"]\nworkers.count = 1\n[feed.b]\ninput.ports = ["net_pcap1"]\n' \
  > "$feeds_dir/live.toml"
"$tw" run --config "$feeds_dir/live.toml" --idle-exit-ms 500 \
  --set control.socket= --journal "$feeds_dir/live.jsonl" --eal "--no-huge -m 256 --no-pci --no-shconf \
  --vdev=net_pcap0,rx_pcap=pcap_samples/sample_day.pcap --vdev=net_pcap1,rx_pcap=pcap_samples/sample_day.pcap" \
  > /dev/null
cmp "$feeds_dir/live.a.jsonl" "$feeds_dir/live.b.jsonl"
# The pattern layer: two venues' rings read by two pattern threads beside the feeds' workers,
# their signals merged by the merge thread into the process journal, replayed and live.
"$tw" generate --out "$feeds_dir/nq.pcap" --seed 3 --universe-seed 9 --messages 8000 --symbols 8 --quiet
"$tw" generate --out "$feeds_dir/bx.pcap" --seed 4 --universe-seed 9 --messages 6000 --symbols 8 \
  --group 233.54.12.112:26477 --session BXSESSION1 --quiet
printf '[feed.nasdaq]\ninput.files = ["%s"]\ninput.ports = ["net_pcap0"]\nworkers.count = 1\n[feed.bx]\ninput.files = ["%s"]\ninput.ports = ["net_pcap1"]\n[patterns]\nworkers = 2\n[pattern.xv]\ntemplate = "cross_venue"\nsecurities = ["*"]\n[pattern.sweep]\ntemplate = "sequence"\nsecurities = ["*"]\nsteps = ["level_removed depth<=0 x2", "trade"]\nwithin_us = 50000\n' \
  "$feeds_dir/nq.pcap" "$feeds_dir/bx.pcap" > "$feeds_dir/patterns.toml"
"$tw" replay --config "$feeds_dir/patterns.toml" --journal "$feeds_dir/p.jsonl" > /dev/null
"$tw" replay --config "$feeds_dir/patterns.toml" --set patterns.workers=0 --journal "$feeds_dir/p0.jsonl" > /dev/null
cmp "$feeds_dir/p.jsonl" "$feeds_dir/p0.jsonl"
sed -i 's/^input.files = .*$//' "$feeds_dir/patterns.toml"
"$tw" run --config "$feeds_dir/patterns.toml" --idle-exit-ms 500 --set control.socket= \
  --journal "$feeds_dir/live_p.jsonl" --eal "--no-huge -m 256 --no-pci --no-shconf \
  --vdev=net_pcap0,rx_pcap=$feeds_dir/nq.pcap --vdev=net_pcap1,rx_pcap=$feeds_dir/bx.pcap" > /dev/null
rm -r "$feeds_dir"
# ... and with the control channel at work: a promotion, a stage swap, a new table, and
# breakers (a ladder, a security breaker, one on the rings' fill) set and forced while the
# RX thread runs them.
socket=$(mktemp -u /tmp/tickwire-tsan-XXXXXX.sock)
ctl_toml=$(mktemp)
printf '%s\n' '[breaker.storm]' 'trip = 2000' 'clear = 1000' 'actions = ["shed_low", "critical_only"]' \
  '[breaker.halt]' 'scope = "security"' 'trigger = "halt"' \
  '[breaker.rings]' 'trigger = "ring_fill"' 'trip = 50' 'clear = 10' 'actions = ["shed_low"]' > "$ctl_toml"
"$tw" replay --workers 2 --rate 2000 --control "$socket" --config "$ctl_toml" \
  --journal /dev/null pcap_samples/sample_day.pcap > /dev/null &
replay=$!
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
"$tw" ctl --socket "$socket" set stage.price_move.jump_bps=20
"$tw" ctl --socket "$socket" set classification.jump_bps=10
"$tw" ctl --socket "$socket" promote AGPJ critical || true  # once its directory message is in
"$tw" ctl --socket "$socket" breaker set storm.trip=3000
"$tw" ctl --socket "$socket" breaker open storm
"$tw" ctl --socket "$socket" breaker open rings
"$tw" ctl --socket "$socket" breaker open halt AGPJ || true  # once its directory message is in
"$tw" ctl --socket "$socket" breaker auto storm
"$tw" ctl --socket "$socket" stats > /dev/null
wait "$replay"
rm -f "$ctl_toml"
# A securities file reloaded while two pattern threads run beside two feeds' workers: the
# control thread prepares it, both threads stop at a batch's start and take it at one key.
market=$(mktemp -d)
"$tw" generate --venues nasdaq,bx --out "$market" --seconds 10 --symbols 29 --episodes 0 --quiet
"$tw" replay --config "$market/scenario.toml" --set workers.count=1 --set patterns.workers=2 --rate 5000 \
  --control "$market/ctl.sock" --journal "$market/m.jsonl" > /dev/null &
replay=$!
for _ in $(seq 100); do [ -S "$market/ctl.nasdaq.sock" ] && break; sleep 0.1; done
"$tw" ctl --socket "$market/ctl.nasdaq.sock" securities reload | grep -q '^ok'
wait "$replay"
grep -q '"securities":"reloaded"' "$market/m.jsonl"
rm -rf "$market"
# A live late join: the snapshot is fetched on its own thread while the RX loop holds packets.
# The server waits long enough that the whole capture arrives during the fetch.
server_out=$(mktemp)
"$tw" snapshot-server --listen 127.0.0.1:0 --at 400 --delay-ms 6000 \
  pcap_samples/sample_day.pcap > "$server_out" 2>&1 &
server=$!
for _ in $(seq 600); do grep -q listening "$server_out" && break; sleep 0.1; done
address=$(grep -o '127.0.0.1:[0-9]*' "$server_out" | head -1)
join_err=$(mktemp)
"$tw" book --snapshot "$address" --digest --stats --idle-exit-ms 10000 \
  --eal "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_pcap0,rx_pcap=pcap_samples/sample_day.pcap" \
  > /dev/null 2> "$join_err"
kill "$server"
grep -q 'sequencer.join_held_packets *[1-9]' "$join_err" || { echo "live join held nothing"; cat "$join_err"; exit 1; }
rm -f "$server_out" "$join_err"
