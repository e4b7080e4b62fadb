#!/bin/bash
# Damaged, truncated and unsupported inputs: exit 3, a message naming the file and the place,
# and everything decoded before the damage is still reported.
set -e
# shellcheck source=tests/e2e/cli_lib.sh disable=SC2034
. "$(dirname "$0")/cli_lib.sh"

T="$TLSAUDIT"
CHACHA="$CAPS/tls12-chacha20poly1305.pcap"

# a pcap cut in the middle of a packet
head -c 9000 "$CHACHA" >"$TMP/cut.pcap"
run "$T" --format jsonl "$TMP/cut.pcap"
expect_rc 3 "truncated pcap"
expect_grep "$TMP/err" "tlsaudit: $TMP/cut.pcap: damaged at byte offset 9000 after 14 packets: truncated dump file" "truncated pcap message"
n=$(wc -l <"$TMP/out")
[ "$n" -eq 2 ] && pass || fail "truncated pcap: $n connections reported, expected the 2 before the cut"
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$TMP/out" && pass || fail "truncated pcap: jsonl invalid"
first=$(python3 -c 'import json,sys; print(json.loads(open(sys.argv[1]).readline())["version"])' "$TMP/out")
[ "$first" = "TLS 1.2" ] && pass || fail "truncated pcap: first connection version '$first'"

# the same in text: report plus summary, still exit 3
run "$T" "$TMP/cut.pcap"
expect_rc 3 "truncated pcap (text)"
expect_grep "$TMP/out" "summary: 1 file, 14 packets, 2 TLS connections" "truncated pcap summary"

# a pcapng cut in a block
head -c 3000 "$CAPS/dmgr.pcapng" >"$TMP/cut.pcapng"
run "$T" --format jsonl "$TMP/cut.pcapng"
expect_rc 3 "truncated pcapng"
expect_grep "$TMP/err" "cut.pcapng: damaged at byte offset 3000 after 5 packets: truncated pcapng dump file" "truncated pcapng message"
[ "$(wc -l <"$TMP/out")" -eq 1 ] && pass || fail "truncated pcapng: connection before the cut not reported"

# a file too short for its header
head -c 10 "$CHACHA" >"$TMP/short.pcap"
run "$T" "$TMP/short.pcap"
expect_rc 3 "short file"
expect_grep "$TMP/err" "short.pcap: cannot read: truncated dump file" "short file message"

# not a capture at all
echo "hello" >"$TMP/text.pcap"
run "$T" "$TMP/text.pcap"
expect_rc 3 "not a capture"
expect_grep "$TMP/err" "text.pcap: cannot read: " "not a capture message"

# an unsupported link type: one message, skipped, exit 3; other inputs still reported
run "$T" --format jsonl "$CAPS/uncompressed/wpa-eap-tls.pcap" "$CHACHA"
expect_rc 3 "unsupported link type"
expect_grep "$TMP/err" "wpa-eap-tls.pcap: link type 127 (IEEE802_11_RADIO) is not supported; skipped" "link type message"
[ "$(grep -c 'link type' "$TMP/err")" -eq 1 ] && pass || fail "link type message repeated"
[ "$(wc -l <"$TMP/out")" -eq 7 ] && pass || fail "input after an unsupported one not reported"

# damaged input from stdin
set +e
"$T" --format jsonl - <"$TMP/cut.pcap" >"$TMP/out" 2>"$TMP/err"
RC=$?
set -e
expect_rc 3 "truncated stdin"
expect_grep "$TMP/err" "tlsaudit: (standard input): damaged at byte offset" "truncated stdin message"
[ "$(wc -l <"$TMP/out")" -eq 2 ] && pass || fail "truncated stdin: connections before the cut not reported"

# exit 3 wins over --fail-on's 1
run "$T" --quiet --fail-on info "$TMP/cut.pcap"
expect_rc 3 "damaged + --fail-on"

finish
