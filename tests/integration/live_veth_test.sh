#!/usr/bin/env bash
# Live, end to end: a sender plays a generated day with independent losses on two lines
# (A and B multicast groups) into a veth pair; tickwire receives it through DPDK
# (net_af_packet) with a re-request server on loopback holding the clean day, and must end
# with the clean day's books: every message recovered. Needs root (veth, raw sockets);
# skipped (exit 77) otherwise.
set -euo pipefail
tickwire=${TICKWIRE_BUILD_DIR:-build}/tickwire
[ "$(id -u)" = 0 ] || { echo "skip: needs root"; exit 77; }
command -v ip >/dev/null || { echo "skip: no ip(8)"; exit 77; }

work=$(mktemp -d)
a=twv$$a
b=twv$$b
cleanup() {
  [ -n "${server:-}" ] && kill "$server" 2>/dev/null || true
  ip link del "$a" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
if ! ip link add "$a" type veth peer name "$b" 2>/dev/null; then echo "skip: cannot create a veth pair"; exit 77; fi
ip link set "$a" up
ip link set "$b" up

scenario=(--quiet --seed 51 --messages 20000 --symbols 30 --rate 1000000)
"$tickwire" generate --out "$work/clean.pcap" "${scenario[@]}"
"$tickwire" generate --out "$work/live.pcap" "${scenario[@]}" --group-b 233.54.13.111:26477 \
  --gap-rate 0.03 --reorder-rate 0.01 --dup-rate 0.01

"$tickwire" rerequest-server --listen 127.0.0.1:0 "$work/clean.pcap" > "$work/server.out" &
server=$!
for _ in $(seq 100); do grep -q '^listening' "$work/server.out" && break; sleep 0.1; done
port=$(sed -n 's/^listening 127.0.0.1:\([0-9]*\).*/\1/p' "$work/server.out")
[ -n "$port" ] || { echo "re-request server did not start"; exit 1; }

expected=$("$tickwire" book --digest "$work/clean.pcap")
# A hole both lines lost waits the reorder window (holding the packets behind it) for the
# re-request server's answer. Under the sanitizers (TICKWIRE_TEST_SCALE set) receiver and
# server run several times slower and an answer took 75 ms once (a CI run): the window and
# the buffer grow with them, or a late answer is a gap.
window_us=20000 buffer=1024
[ -n "${TICKWIRE_TEST_SCALE:-}" ] && window_us=250000 buffer=16384
"$tickwire" book --digest --stats --recovery "127.0.0.1:$port" --reorder-window-us "$window_us" \
  --reorder-buffer "$buffer" --idle-exit-ms 3000 \
  --eal "--no-huge -m 256 --no-pci --no-shconf --log-level=lib.eal:error --vdev=net_af_packet0,iface=$b" \
  > "$work/book.out" 2> "$work/book.err" &
receiver=$!
sleep 2  # EAL start-up and the port up before the first packet
"$tickwire" send --iface "$a" --rate-pps 20000 "$work/live.pcap"
wait "$receiver"

got=$(cat "$work/book.out")
grep -E '^(packets|messages|sequencer\.(gaps|gap_messages)|recovery\.(requests|holes_recovered|holes_abandoned|latency_ns\.p50|latency_ns\.p99)) ' "$work/book.err" || true
if [ "$got" != "$expected" ]; then
  echo "books differ from the clean day's: expected $expected, got $got"
  tail -n 80 "$work/book.err"
  exit 1
fi
echo "live over veth: books equal the clean day's ($got)"
