#!/usr/bin/env bash
# Installs the peers the benchmark compares against (Debian packages), when available.
set -euo pipefail
missing=()
for p in ssldump libndpi-bin tshark time; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
