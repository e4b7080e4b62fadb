#!/usr/bin/env bash
# Profiles as text, for bench/README.md and the record: where tlsaudit's time goes on one file.
#   sudo bash bench/profile.sh [FILE]     (default bench/corpus/100mb.pcap; needs perf)
# Writes bench/profiles/: tlsaudit jsonl on one thread (perf, self time), the default threads
# (perf, per thread), instruction counts per function (callgrind, when valgrind is installed),
# and tshark with and without the plugin (perf, self time by library).
set -eu # no pipefail: head closes the pipes of perf report early
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=${TLSA_BUILD:-$top/build}
file=${1:-$here/corpus/100mb.pcap}
out=$here/profiles
tlsaudit=$build/analyzer/tlsaudit
command -v perf >/dev/null || { echo "profile.sh: perf is not installed (linux-perf)" >&2; exit 2; }
mkdir -p "$out"
data=$(mktemp)
trap 'rm -f "$data"' EXIT
header() { printf '# %s\n# %s, %s, %s\n\n' "$1" "$(date -u +%F)" "$(basename "$file")" "$(uname -m)"; }

top_symbols() { # perf data → the 40 heaviest symbols by self time
    perf report -i "$data" --no-children --stdio --sort "${1:-dso,sym}" 2>/dev/null |
        grep -E '^ +[0-9]' | head -"${2:-40}"
}

perf record -q -F 5000 -o "$data" "$tlsaudit" --single-thread --format jsonl --quiet \
    --no-system-ca "$file" >/dev/null 2>&1
{ header "tlsaudit --single-thread --format jsonl: self time by symbol"; top_symbols; } \
    >"$out/jsonl-1-thread.txt"

perf record -q -F 5000 -o "$data" "$tlsaudit" --format jsonl --quiet --no-system-ca "$file" \
    >/dev/null 2>&1
{
    header "tlsaudit --format jsonl (default threads): share per thread, then per thread by symbol"
    top_symbols pid 5
    for tid in $(top_symbols pid 3 | awk '{print $2}' | cut -d: -f1); do
        printf '\n## thread %s\n' "$tid"
        perf report -i "$data" --no-children --stdio --tid "$tid" --sort sym 2>/dev/null |
            grep -E '^ +[0-9]' | head -15
    done
} >"$out/jsonl-default-threads.txt"

if command -v valgrind >/dev/null; then
    small=$(mktemp)
    head -c 30000000 "$file" >"$small" # a cut copy: callgrind runs ~50x slower
    valgrind --tool=callgrind --callgrind-out-file="$data" "$tlsaudit" --single-thread \
        --format jsonl --quiet --no-system-ca "$small" >/dev/null 2>&1 || true
    {
        header "callgrind, first 30 MB, one thread: instructions per function, inclusive"
        callgrind_annotate --inclusive=yes "$data" 2>/dev/null | grep -E '^ *[0-9,]+ \(' |
            sed "s|$top/||g" | head -60
    } >"$out/callgrind-1-thread.txt"
    rm -f "$small"
fi

if command -v tshark >/dev/null && [ -f "$build/plugin/tlsaudit.so" ]; then
    home=$(mktemp -d)
    chmod 755 "$home"
    mkdir -p "$home/.local/lib/wireshark/plugins/4.0/epan"
    cp "$build/plugin/tlsaudit.so" "$home/.local/lib/wireshark/plugins/4.0/epan/"
    chmod -R a+rX "$home"
    chmod a+r "$file"
    empty=$(mktemp -d)
    chmod 755 "$empty"
    as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups env)
    tsh=(tshark -n -r "$file" -Y tls.handshake -T fields -e frame.number -e tls.handshake.type)
    for run in without with; do
        h=$empty
        [ "$run" = with ] && h=$home
        perf record -q -F 2000 -o "$data" "${as_user[@]}" HOME="$h" "${tsh[@]}" >/dev/null 2>&1
        {
            header "tshark $run the tlsaudit plugin: self time by library, then by symbol"
            top_symbols dso 12
            echo
            top_symbols
        } >"$out/tshark-$run-plugin.txt"
    done
    rm -rf "$home" "$empty"
fi
ls -l "$out"
