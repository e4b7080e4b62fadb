#!/usr/bin/env bash
# Makes the benchmark corpus in bench/corpus/ (as root: recording uses a network namespace):
#   base.pcap (real handshakes), 100mb.pcap, 1gb.pcap, 4gb.pcap (SIZES to change) and
#   interleaved.pcap (~10,000 connections open at once).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sizes=${SIZES:-"100 1024 4096"}
mkdir -p "$here/corpus"
cc -O2 -Wall -o "$here/corpus/scale" "$here/scale.c" -lpcap
[ -f "$here/corpus/base.pcap" ] || bash "$here/record-base.sh" "$here/corpus/base.pcap" 40
for mb in $sizes; do
    name=$([ "$mb" -ge 1024 ] && echo "$((mb / 1024))gb" || echo "${mb}mb")
    [ -f "$here/corpus/$name.pcap" ] || "$here/corpus/scale" "$here/corpus/base.pcap" "$here/corpus/$name.pcap" "$mb"
done
# 50 copies of 200 connections interleaved: ~10,000 flows live at once.
[ -f "$here/corpus/interleaved.pcap" ] ||
    "$here/corpus/scale" "$here/corpus/base.pcap" "$here/corpus/interleaved.pcap" 200 --interleave 50
ls -la "$here/corpus"
