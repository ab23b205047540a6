#!/usr/bin/env bash
# Installs what the build needs, builds tickwire (warnings are errors) and runs the whole
# test suite: unit and integration tests. This is the test command of README.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
[ -d build ] || meson setup build --buildtype=release -Dwerror=true
ninja -C build
meson test -C build --print-errorlogs --num-processes 2
