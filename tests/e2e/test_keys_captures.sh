#!/usr/bin/env bash
# Keys end to end (tlsaudit --keylog / --rsa-key / pcapng DSBs):
#  1. shared/captures/wireshark: for every TCP TLS capture with secrets, the handshake messages
#     tlsaudit reveals equal tshark 4.0.17's decrypted oracle (oracle/<capture>.keys.tsv: the
#     multiset of (frame, handshake type)), and every Finished verifies. A table is printed.
#  2. samples: with its key log, a TLS 1.3 certificate is judged exactly like the same
#     certificate over TLS 1.2 (05/09/13/40 against 04: the leaf is server.tlsaudit.test), and
#     cert.not_visible is gone; every sample connection that decrypts verifies its Finished.
#  3. Negative: a key log with wrong secrets, a truncated key log, a tampered encrypted Finished,
#     a tampered ClientHello (each Finished then mismatches: handshake.finished_mismatch).
# shellcheck source=tests/e2e/cli_lib.sh
. "$(dirname "$0")/cli_lib.sh"
set -e
S="$TLSA_SRC/samples"
E2E="$TLSA_SRC/tests/e2e"
K="$CAPS/keys"

# Messages tlsaudit does not reveal, by design: "capture frame:type:reason".
EXCEPTIONS=(
    "tls13-rfc8446.pcap 4:4:TLS 1.3 NewSessionTicket after both Finished (application-data phase, never decrypted)"
    "tls13-20-chacha20poly1305.pcap 4:4:TLS 1.3 NewSessionTicket after both Finished (application-data phase, never decrypted)"
    "tls13-20-chacha20poly1305.pcap 12:4:TLS 1.3 NewSessionTicket after both Finished (application-data phase, never decrypted)"
    "tls13-rfc8446.pcap#noearly 4:4:TLS 1.3 NewSessionTicket after both Finished (application-data phase, never decrypted)"
    "tls13-rfc8446.pcap#noearly 11:5:EndOfEarlyData is under the early traffic secret, which this key log lacks (the Finished still verifies)"
    "challenge01_ooo_stream.pcapng 11:4:TLS 1.3 NewSessionTicket after both Finished (application-data phase, never decrypted)"
)

# capture (under $CAPS) and its tlsaudit key options
CASES=(
    "tls13-rfc8446.pcap|--keylog $K/tls13-rfc8446.keys"
    "tls13-rfc8446.pcap#noearly|--keylog $K/tls13-rfc8446-noearly.keys"
    "tls13-20-chacha20poly1305.pcap|--keylog $K/tls13-20-chacha20poly1305.keys"
    "tls12-chacha20poly1305.pcap|--keylog $K/tls12-chacha20poly1305.keys"
    "tls12-dsb.pcapng|"
    "uncompressed/dhe1.pcapng|--keylog $K/dhe1_keylog.dat"
    "rsasnakeoil2.pcap|--rsa-key $K/rsasnakeoil2.key"
    "rsa-p-lt-q.pcap|--rsa-key $K/rsa-p-lt-q.key"
    "tls-renegotiation.pcap|--rsa-key $K/rsasnakeoil2.key"
    "dmgr.pcapng|--rsa-key $K/key.p12 --key-password WebAS"
    "http2-data-reassembly.pcap|--keylog $K/http2-data-reassembly.keys"
    "http2-brotli.pcapng|"
    "http2_follow_multistream.pcapng|"
    "uncompressed/challenge01_ooo_stream.pcapng|"
    "tls12-aes128ccm.pcap|--psk ca19e028a8a372ad2d325f950fcaceed"
    "tls12-aes256gcm.pcap|--psk ca19e028a8a372ad2d325f950fcaceed"
)
# Not run, with the reason: DTLS / QUIC / EAP-TLS captures (not TLS over TCP),
# wireguard-ping-tcp-dsb (no TLS secrets).

printf '%-34s %5s %9s %9s\n' capture conns decrypted finished
for c in "${CASES[@]}"; do
    label=${c%%|*}
    cap=${label%%#*}
    opts=${c#*|}
    name=$(basename "$label")
    exc=()
    for e in "${EXCEPTIONS[@]}"; do
        [ "${e%% *}" = "$name" ] && exc+=("${e#* }")
    done
    # shellcheck disable=SC2086 # opts are words
    run "$TLSAUDIT" --format jsonl $opts "$CAPS/$cap"
    expect_rc 0 "$name"
    if python3 "$E2E/keys_compare.py" "$name" "$CAPS/oracle/$(basename "$cap").keys.tsv" "$TMP/out" \
        "${exc[@]+"${exc[@]}"}" >"$TMP/table"; then pass; else fail "$name: see the table"; fi
    cat "$TMP/table"
done
# The same key as PKCS#8.
run "$TLSAUDIT" --format jsonl --rsa-key "$K/rsa-p-lt-q.p8" "$CAPS/rsa-p-lt-q.pcap"
expect_grep "$TMP/out" '"finished":{"client":"verified","server":"verified"' "PKCS#8 RSA key"
# Keys that match nothing are reported once.
run "$TLSAUDIT" --format jsonl --keylog "$K/tls12-chacha20poly1305.keys" \
    "$CAPS/tls12-chacha20poly1305.pcap"
expect_grep "$TMP/err" "tlsaudit: key log: 1 RSA pre-master secret matched no connection" \
    "unused RSA line"
run "$TLSAUDIT" --format jsonl --keylog "$K/tls13-rfc8446.keys" "$CAPS/rsa-p-lt-q.pcap"
expect_grep "$TMP/err" "tlsaudit: key log: 2 client randoms matched no connection" "unused keys"
# A file's DSBs in front of --keylog: both used, each key marked used where it came from.
run "$TLSAUDIT" --keylog "$K/tls13-rfc8446.keys" "$CAPS/tls12-dsb.pcapng" "$CAPS/tls13-rfc8446.pcap"
expect_grep "$TMP/out" "keys: 4 of 4 connections decrypted, 8 Finished verified" "DSB and --keylog"
expect_no_grep "$TMP/err" "matched no connection" "DSB and --keylog: nothing unused"
# Text summary.
run "$TLSAUDIT" --keylog "$K/tls13-rfc8446.keys" "$CAPS/tls13-rfc8446.pcap"
expect_grep "$TMP/out" "keys: 2 of 2 connections decrypted, 4 Finished verified" "text summary"

# ---- 2. samples ----
cert_findings() { # jsonl → sorted cert.* ids of the first connection
    python3 -c '
import json, sys
r = json.loads(open(sys.argv[1]).readline())
print(" ".join(sorted(f["id"] for f in r["findings"] if f["id"].startswith("cert."))))' "$1"
}
NOW=(--now 2025-06-01T00:00:00Z --ca-file "$S/pki/ca.pem")
run "$TLSAUDIT" --format jsonl "${NOW[@]}" "$S/04-tls12-ecdhe-rsa.pcap"
want=$(cert_findings "$TMP/out")
for n in 05-tls13 09-tls13-hrr 13-tls13-mtls 40-tls13-gnutls-443; do
    run "$TLSAUDIT" --format jsonl "${NOW[@]}" "$S/$n.pcap"
    expect_grep "$TMP/out" '"cert.not_visible"' "$n without keys"
    run "$TLSAUDIT" --format jsonl "${NOW[@]}" --keylog "$S/keys/$n.keys" "$S/$n.pcap"
    expect_rc 0 "$n with keys"
    got=$(cert_findings "$TMP/out")
    if [ "$got" = "$want" ]; then pass; else
        fail "$n with keys: certificate findings '$got', TLS 1.2 sample 04 has '$want'"
    fi
    expect_no_grep "$TMP/out" '"cert.not_visible"' "$n with keys"
    expect_grep "$TMP/out" '"CN=server.tlsaudit.test"' "$n leaf"
    expect_grep "$TMP/out" '"certificate_verify":"verified"' "$n CertificateVerify"
    expect_grep "$TMP/out" '"decrypted":true,"length"' "$n decrypted steps"
done
# Every sample with a key log: no Finished mismatch, every decrypted connection verified.
for k in "$S"/keys/*.keys; do
    n=$(basename "$k" .keys)
    extra=()
    [ -f "$S/keys/$n.server.key" ] && extra=(--rsa-key "$S/keys/$n.server.key")
    run "$TLSAUDIT" --format jsonl --keylog "$k" "${extra[@]+"${extra[@]}"}" "$S/$n.pcap"
    if python3 -c '
import json, sys
bad = 0
for line in open(sys.argv[1]):
    r = json.loads(line)
    f = r["finished"]
    if "mismatch" in (f["client"], f["server"]) or (
            r["decrypted"] and (f["client"], f["server"]) != ("verified", "verified")):
        print(sys.argv[2], "conn", r["conn"], f, r["keys_note"]); bad = 1
sys.exit(bad)' "$TMP/out" "$n"; then pass; else fail "$n: Finished not verified"; fi
done

# ---- 3. negative ----
# Wrong secrets: the right client random, random bytes for every secret.
awk '{ s = ""; for (i = 0; i < length($3); i++) s = s substr("0123456789abcdef", int(rand() * 16) + 1, 1); print $1, $2, s }' \
    "$S/keys/05-tls13.keys" >"$TMP/wrong.keys"
run "$TLSAUDIT" --format jsonl --keylog "$TMP/wrong.keys" "$S/05-tls13.pcap"
expect_rc 0 "wrong key log"
expect_grep "$TMP/out" '"decrypted":false' "wrong key log: not decrypted"
expect_grep "$TMP/out" '"keys_note":"decryption failed: wrong keys or damaged records"' \
    "wrong key log: note"
expect_grep "$TMP/out" '"cert.not_visible"' "wrong key log: certificate still not visible"
# Truncated key log: the cut line is reported with its number.
lines=$(wc -l <"$S/keys/05-tls13.keys")
head -c $(($(head -n 2 "$S/keys/05-tls13.keys" | wc -c) + 40)) "$S/keys/05-tls13.keys" \
    >"$TMP/cut.keys"
run "$TLSAUDIT" --format jsonl --keylog "$TMP/cut.keys" "$S/05-tls13.pcap"
expect_rc 0 "truncated key log"
expect_grep "$TMP/err" "cut.keys: line 3:" "truncated key log: bad line named ($lines lines)"
# A tampered encrypted Finished (TLS 1.2): it no longer authenticates; reported, no crash.
python3 "$E2E/keys_tamper.py" "$S/01-tls12-rsa.pcap" "$TMP/fin.pcap" record-after-ccs
run "$TLSAUDIT" --format jsonl --keylog "$S/keys/01-tls12-rsa.keys" "$TMP/fin.pcap"
expect_rc 0 "tampered Finished record"
expect_grep "$TMP/out" "does not decrypt or authenticate" "tampered Finished record: problem"
expect_grep "$TMP/out" '"keys_note":"1 protected record did not decrypt"' "tampered record: note"
expect_no_grep "$TMP/out" "handshake.finished_mismatch" "tampered record is not a mismatch"
# A tampered ClientHello (one offered suite changed): the keys still open every record, and
# each Finished, computed by the endpoints over the original messages, mismatches.
for n in 01-tls12-rsa 05-tls13; do
    python3 "$E2E/keys_tamper.py" "$S/$n.pcap" "$TMP/ch.pcap" clienthello
    run "$TLSAUDIT" --format jsonl --keylog "$S/keys/$n.keys" "$TMP/ch.pcap"
    expect_rc 0 "$n tampered ClientHello"
    expect_grep "$TMP/out" '"finished":{"client":"mismatch","server":"mismatch"' \
        "$n tampered ClientHello: both Finished mismatch"
    expect_grep "$TMP/out" '"id":"handshake.finished_mismatch","severity":"critical"' \
        "$n tampered ClientHello: finding"
done
expect_grep "$TMP/out" '"id":"handshake.certificate_verify_invalid"' \
    "TLS 1.3 tampered ClientHello: CertificateVerify over the transcript fails"
# Usage errors.
run "$TLSAUDIT" --keylog "$TMP/missing.keys" "$S/05-tls13.pcap"
expect_rc 2 "missing key log"
run "$TLSAUDIT" --rsa-key "$S/keys/05-tls13.keys" "$S/01-tls12-rsa.pcap"
expect_rc 2 "not an RSA key"
run "$TLSAUDIT" --psk abc "$S/01-tls12-rsa.pcap"
expect_rc 2 "odd PSK"
finish
