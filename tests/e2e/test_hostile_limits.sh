#!/usr/bin/env bash
# Adversarial captures (tests/e2e/hostile_pcaps.py): tlsaudit finishes each with exit 0, stays
# under the documented memory bound (docs/limits.md: 64 MB peak RSS in a normal build), and
# reports what it could decode. Under ASan the RSS bound is not checked (its shadow memory).
set -euo pipefail
source "$(dirname "$0")/cli_lib.sh"
python3 "$TLSA_SRC/tests/e2e/hostile_pcaps.py" "$TMP/h"
asan=0
nm "$TLSAUDIT" 2>/dev/null | grep -q __asan_init && asan=1

for f in syn_flood ooo_forever huge_message tiny_records empty_records long_chain; do
    set +e
    /usr/bin/time -f '%e %M' -o "$TMP/time" "$TLSAUDIT" --format jsonl --quiet --no-system-ca \
        "$TMP/h/$f.pcap" >"$TMP/out" 2>"$TMP/err"
    RC=$?
    set -e
    read -r secs rss <"$TMP/time"
    echo "$f: exit $RC, ${secs}s, peak RSS $((rss / 1024)) MB, $(wc -l <"$TMP/out") connections"
    expect_rc 0 "$f"
    if [ "$asan" = 0 ]; then
        if [ "$rss" -lt $((64 * 1024)) ]; then pass; else fail "$f: peak RSS $rss KB over 64 MB"; fi
    fi
    case $f in
    syn_flood) # not TLS: nothing reported, but it all went through
        [ "$(wc -l <"$TMP/out")" -eq 0 ] && pass || fail "$f: reported connections" ;;
    ooo_forever | empty_records | tiny_records)
        expect_grep "$TMP/out" '"sni":"hostile.example"' "$f: the ClientHello is still decoded" ;;
    huge_message)
        expect_grep "$TMP/out" '"proto.malformed"' "$f: the oversize message is a finding"
        expect_grep "$TMP/out" 'exceeds the configured maximum size' "$f: says which limit" ;;
    long_chain)
        expect_grep "$TMP/out" '"proto.malformed"' "$f: the chain over the limit is noted" ;;
    esac
done
echo "$CHECKS checks, $FAILS failed"
[ "$FAILS" -eq 0 ]
