#!/bin/bash
# The rendering thread (analyzer/pipeline.c) must change nothing but speed: every format, with
# and without keys, on damaged input and with --fail-on, is byte for byte what --single-thread
# writes, with the same exit code.
set -e
# shellcheck source=tests/e2e/cli_lib.sh disable=SC2034
. "$(dirname "$0")/cli_lib.sh"

T="$TLSAUDIT"
S="$TLSA_SRC/samples"
base=(--no-system-ca --ca-file "$S/pki/ca.pem" --now 2026-06-01T12:00:00Z)

same() { # same WHAT ARGS...: one thread and two threads agree
    local what=$1
    shift
    run "$T" --single-thread "$@"
    local rc1=$RC
    cp "$TMP/out" "$TMP/one"
    cp "$TMP/err" "$TMP/one.err"
    run "$T" "$@"
    if [ "$RC" -eq "$rc1" ]; then pass; else fail "$what: exit $RC with two threads, $rc1 with one"; fi
    if cmp -s "$TMP/one" "$TMP/out"; then pass; else
        fail "$what: output differs between one and two threads"
        diff "$TMP/one" "$TMP/out" | head -5 >&2
    fi
    if cmp -s "$TMP/one.err" "$TMP/err"; then pass; else fail "$what: stderr differs"; fi
    [ -s "$TMP/out" ] && pass || fail "$what: no output at all"
}

for fmt in text jsonl json csv; do
    same "samples --format $fmt" "${base[@]}" --format "$fmt" "$S"
done
same "--steps" "${base[@]}" --steps "$S/05-tls13.pcap" "$S/12-tls12-mtls.pcap"
same "--min-severity/--fail-on" "${base[@]}" --format jsonl --min-severity medium --fail-on high "$S"
same "keys" "${base[@]}" --format jsonl --keylog "$S/keys/05-tls13.keys" "$S/05-tls13.pcap"
same "rsa key" "${base[@]}" --format jsonl --rsa-key "$S/keys/01-tls12-rsa.server.key" \
    "$S/01-tls12-rsa.pcap"
same "damaged file" "${base[@]}" --format jsonl "$S/45-truncated-file.pcap"
run "$T" --single-thread "${base[@]}" --format jsonl - <"$S/52-many-connections.pcap"
cp "$TMP/out" "$TMP/one"
run "$T" "${base[@]}" --format jsonl - <"$S/52-many-connections.pcap"
[ -s "$TMP/out" ] && cmp -s "$TMP/one" "$TMP/out" && pass || fail "stdin: output differs"
# The ring holds 256 records, the reading thread's blocks 4096 packets or 1 MiB: many more than
# that must pass through both in order.
many="$TMP/many.pcap"
python3 - "$S/52-many-connections.pcap" "$many" <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
hdr, body = data[:24], data[24:]
pkts, off = [], 0
while off + 16 <= len(body):
    incl = struct.unpack_from('<I', body, off + 8)[0]
    pkts.append(body[off:off + 16 + incl]); off += 16 + incl
out = bytearray(hdr)
for rep in range(40):  # each copy on its own client port range: distinct flows
    for p in pkts:
        p = bytearray(p)
        # Ethernet + IPv4 (20-byte header) + TCP: shift the client port of both directions
        eth, ip = 16 + 14, 16 + 14 + 20
        sport, dport = struct.unpack_from('>HH', p, ip)
        if sport > dport: sport = (sport + rep * 97) & 0xffff
        else: dport = (dport + rep * 97) & 0xffff
        struct.pack_into('>HH', p, ip, sport, dport)
        out += p
open(sys.argv[2], 'wb').write(out)
PY
run "$T" --single-thread --format jsonl --no-system-ca "$many"
n=$(wc -l <"$TMP/out")
[ "$n" -gt 600 ] && pass || fail "many connections: only $n records"
same "many connections" --format jsonl --no-system-ca "$many"
# Cut inside a packet well past the first of the reading thread's blocks: the same records and
# the same "damaged at byte offset" message.
head -c $(($(stat -c %s "$many") - 100)) "$many" >"$TMP/cut.pcap"
same "damaged past the first block" --format jsonl --no-system-ca "$TMP/cut.pcap"
grep -q "damaged at byte offset" "$TMP/err" && pass || fail "cut file: no damage message"
same "--filter" --format jsonl --no-system-ca --filter "tcp port 443" "$many"

# A named pipe is read as packets arrive (no read-ahead, no batches, each record written at once):
# a finished connection shows while the writer still holds the pipe open.
mkfifo "$TMP/fifo"
(
    cat "$S/05-tls13.pcap"
    sleep 5
) >"$TMP/fifo" &
writer=$!
"$T" --format jsonl --no-system-ca "$TMP/fifo" >"$TMP/fifo.out" 2>/dev/null &
reader=$!
for _ in $(seq 40); do
    [ -s "$TMP/fifo.out" ] && break
    sleep 0.1
done
if [ -s "$TMP/fifo.out" ] && kill -0 "$writer" 2>/dev/null; then pass; else
    fail "named pipe: no record while the writer was still writing"
fi
wait "$reader" "$writer"
grep -q '"version":"TLS 1.3"' "$TMP/fifo.out" && pass || fail "named pipe: record"
finish
