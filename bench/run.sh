#!/usr/bin/env bash
# The benchmark: every tool on the same files in the same invocation.
#   bench/run.sh [--runs N] FILE...        (default: the corpus made by bench/make-corpus.sh)
# Prints per tool and file: median wall time, MB/s, packets/s, handshakes/s, peak RSS, and the
# ratio to the libpcap floor. Needs a build in build/ (scripts/run-samples.sh or test-all.sh).
# Peers are run when installed: tshark (with and without the tlsaudit plugin), ndpiReader,
# ssldump (bench/install-peers.sh installs them).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${TLSA_BUILD:-$top/build}
runs=3
if [ "${1:-}" = --runs ]; then
    runs=$2
    shift 2
fi
files=("$@")
[ ${#files[@]} -gt 0 ] || files=("$here"/corpus/*.pcap)
tlsaudit=$build/analyzer/tlsaudit
floor=$build/bench/floor
[ -x "$floor" ] || { mkdir -p "$build/bench"; cc -O2 -o "$floor" "$here/floor.c" -lpcap; }
[ -x "$tlsaudit" ] || { echo "run.sh: build tlsaudit first ($tlsaudit missing)" >&2; exit 2; }

plugin_home=""
if [ -f "$build/plugin/tlsaudit.so" ]; then
    plugin_home=$(mktemp -d)
    chmod 755 "$plugin_home"
    mkdir -p "$plugin_home/.local/lib/wireshark/plugins/4.0/epan"
    cp "$build/plugin/tlsaudit.so" "$plugin_home/.local/lib/wireshark/plugins/4.0/epan/"
    chmod -R a+rX "$plugin_home"
fi
# tshark ignores personal plugins for root: run it as nobody with a HOME holding the plugin.
as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env)

# measure NAME CMD... → "seconds maxrss_kb" (median wall time over $runs runs)
measure() {
    local name=$1
    shift
    local times=() rss=0
    for _ in $(seq "$runs"); do
        local out
        /usr/bin/time -o "$timefile" -f '%e %M' "$@" >/dev/null 2>/dev/null || true
        out=$(tail -1 "$timefile")
        times+=("${out% *}")
        local r=${out#* }
        [ "$r" -gt "$rss" ] && rss=$r
    done
    local med
    med=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "$med $rss"
}

timefile=$(mktemp)
printf '# tlsaudit benchmark, %s, %s, %s cores, %s runs (median)\n' "$(date -u +%F)" \
    "$(uname -m)" "$(nproc)" "$runs"
printf '| file | tool | wall s | MB/s | Mpkt/s | handshakes/s | peak RSS MB | x floor |\n'
printf '|---|---|---|---|---|---|---|---|\n'
for f in "${files[@]}"; do
    [ -r "$f" ] || continue
    chmod a+r "$f"
    bytes=$(stat -c %s "$f")
    pkts=$("$floor" "$f" | awk '{print $1}')
    hs=$("$tlsaudit" --format jsonl --quiet --no-system-ca "$f" | wc -l)
    read -r floor_s floor_rss < <(measure floor "$floor" "$f")
    row() { # tool seconds rss [handshakes]
        awk -v f="$(basename "$f")" -v t="$1" -v s="$2" -v r="$3" -v b="$bytes" -v p="$pkts" \
            -v h="${4-$hs}" -v fl="$floor_s" 'BEGIN {
                s = (s < 0.005) ? 0.005 : s; fl = (fl < 0.005) ? 0.005 : fl;
                hs = h == "" ? "—" : sprintf("%.0f", h / s);
                printf "| %s | %s | %.2f | %.0f | %.2f | %s | %.0f | %.1f |\n",
                       f, t, s, b / 1048576 / s, p / 1e6 / s, hs, r / 1024, s / fl }'
    }
    row "libpcap floor" "$floor_s" "$floor_rss" ""
    # The headline is one thread; by default libpcap reads on a second thread and the audit and
    # output run on a third (analyzer/reader.c, pipeline.c).
    read -r s r < <(measure jsonl1 "$tlsaudit" --single-thread --format jsonl --quiet \
        --no-system-ca "$f")
    row "tlsaudit jsonl, 1 thread" "$s" "$r"
    read -r s r < <(measure jsonl "$tlsaudit" --format jsonl --quiet --no-system-ca "$f")
    row "tlsaudit jsonl, default threads" "$s" "$r"
    read -r s r < <(measure text1 "$tlsaudit" --single-thread --quiet --no-system-ca "$f")
    row "tlsaudit text, 1 thread" "$s" "$r"
    read -r s r < <(measure text "$tlsaudit" --quiet --no-system-ca "$f")
    row "tlsaudit text, default threads" "$s" "$r"
    if command -v tshark >/dev/null; then
        tsh=(tshark -n -r "$f" -Y tls.handshake -T fields -e frame.number -e tls.handshake.type)
        if [ -n "$plugin_home" ]; then
            empty=$(mktemp -d)
            chmod 755 "$empty"
            read -r s0 r < <(measure tshark "${as_user[@]}" HOME="$empty" "${tsh[@]}")
            row "tshark -Y tls.handshake" "$s0" "$r"
            read -r s1 r < <(measure tshark_plugin "${as_user[@]}" HOME="$plugin_home" "${tsh[@]}")
            row "tshark + tlsaudit plugin" "$s1" "$r"
            awk -v a="$s0" -v b="$s1" 'BEGIN { printf "| | plugin overhead | %.1f %% | | | | | |\n", (b - a) / a * 100 }'
            rm -rf "$empty"
        else
            read -r s r < <(measure tshark "${tsh[@]}")
            row "tshark -Y tls.handshake" "$s" "$r"
        fi
    fi
    if command -v ndpiReader >/dev/null; then
        read -r s r < <(measure ndpi ndpiReader -i "$f" -q)
        row "ndpiReader" "$s" "$r"
    fi
    if command -v ssldump >/dev/null; then
        read -r s r < <(measure ssldump ssldump -n -r "$f")
        row "ssldump" "$s" "$r"
    fi
done
[ -n "$plugin_home" ] && rm -rf "$plugin_home"
rm -f "$timefile"
