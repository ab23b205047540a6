#!/usr/bin/env bash
# Installs what the build needs, builds tickwire and decodes the bundled sample capture:
# the first messages as text, then the summary (packets, messages by type, drops, gaps).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh >/dev/null
[ -d build ] || meson setup build --buildtype=release -Dwerror=true >/dev/null
ninja -C build tickwire >/dev/null
sample=${1:-pcap_samples/sample_day.pcap}
echo "== first messages of $sample"
# head stops reading after 12 lines; the decoder ending on SIGPIPE then is expected.
{ ./build/tickwire decode --format text "$sample" || true; } | head -n 12
echo "== summary"
./build/tickwire decode --format none --stats "$sample"
