#!/usr/bin/env bash
# Installs every Debian 12 package tlsaudit needs to build, test and make samples.
# Idempotent: does nothing (no apt-get update) when all packages are present.
set -euo pipefail

packages=(
    build-essential cmake pkg-config
    libpcap-dev libglib2.0-dev libssl-dev libcunit1-dev
    libwireshark-dev wireshark-dev tshark
    tcpdump openssl gnutls-bin python3 iproute2 util-linux
    clang clang-format
    xvfb xauth xdotool imagemagick wireshark-qt
    time
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-deps: all ${#packages[@]} packages present"
    exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
