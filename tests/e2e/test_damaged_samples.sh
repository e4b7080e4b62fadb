#!/usr/bin/env bash
# Damaged captures: every sample corrupted at random (editcap -E, fixed seeds so a failure can be
# replayed) and every sample cut short. tlsaudit must never crash (exit 0 or 3 only; in the
# sanitizer build any ASan/UBSan report aborts with another code) and, for cut files, must still
# report the connections that ended before the cut, with a message naming the file and offset.
# TLSA_DAMAGE_VARIANTS (default 1000) sets how many corrupted variants run.
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh"
variants=${TLSA_DAMAGE_VARIANTS:-1000}
command -v editcap >/dev/null || { echo "SKIP: editcap not installed"; exit 0; }
mapfile -t samples < <(ls "$TLSA_SRC"/samples/*.pcap "$TLSA_SRC"/samples/*.pcapng 2>/dev/null)
[ ${#samples[@]} -gt 0 ] || { echo "FAIL: no samples"; exit 1; }

crashes=0
for i in $(seq 0 $((variants - 1))); do
    s=${samples[$((i % ${#samples[@]}))]}
    prob=$(awk -v i="$i" 'BEGIN { printf "%.3f", 0.005 + (i % 10) * 0.01 }')
    editcap -E "$prob" --seed "$i" "$s" "$TMP/v.pcap" >/dev/null 2>&1 || continue
    set +e
    "$TLSAUDIT" --format jsonl --quiet --no-system-ca "$TMP/v.pcap" >/dev/null 2>"$TMP/err"
    rc=$?
    set -e
    if [ $rc -ne 0 ] && [ $rc -ne 3 ]; then
        crashes=$((crashes + 1))
        cp "$TMP/v.pcap" "$TMP/crash-$i.pcap"
        fail "variant $i ($(basename "$s"), -E $prob --seed $i): exit $rc"
        head -5 "$TMP/err" >&2
    else
        pass
    fi
done
echo "$variants corrupted variants: $crashes crashes"

# Cut files: the connections completed before the cut are still reported.
for s in "$TLSA_SRC/samples/52-many-connections.pcap" "$CAPS/tls12-chacha20poly1305.pcap"; do
    full=$("$TLSAUDIT" --format jsonl --quiet --no-system-ca "$s" | wc -l)
    size=$(stat -c %s "$s")
    head -c $((size * 2 / 3)) "$s" >"$TMP/cut.pcap"
    run "$TLSAUDIT" --format jsonl --quiet --no-system-ca "$TMP/cut.pcap"
    expect_rc 3 "$(basename "$s") cut at 2/3"
    expect_grep "$TMP/err" "cut.pcap" "the message names the file"
    expect_grep "$TMP/err" "offset" "the message names the offset"
    got=$(wc -l <"$TMP/out")
    if [ "$got" -gt 0 ] && [ "$got" -le "$full" ]; then pass; else
        fail "$(basename "$s") cut: $got connections reported (full file: $full)"
    fi
    echo "$(basename "$s"): $full connections in full, $got reported from the first 2/3"
done
echo "$CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
