#!/usr/bin/env bash
# Installs every Debian 12 package tickwire needs to build, test, fuzz and measure.
# Idempotent: apt-get skips what is already there. Run as root. Used by CI and docker/.
set -euo pipefail

packages=(
  build-essential pkg-config meson ninja-build python3
  dpdk dpdk-dev libdpdk-dev
  libpcap-dev libtbb-dev zlib1g-dev libssl-dev libtomlplusplus-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  gcovr
  tcpdump iproute2
  valgrind
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
