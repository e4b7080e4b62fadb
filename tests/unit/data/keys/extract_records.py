#!/usr/bin/env python3
"""Regenerates the connection fixtures of tests/unit/test_keys_conn.c: the TLS records of one TCP
connection in capture order, each as one direction byte (0 client, 1 server) followed by the whole
record (5-byte header + fragment); an SSLv2-compatible ClientHello is direction byte 2, a 2-byte
length and the message without its SSLv2 record header. Payloads are taken in frame order with tshark; retransmitted
bytes are dropped by TCP sequence number. Usage: extract_records.py CAPTURE STREAM OUT"""
import subprocess, sys

cap, stream, out = sys.argv[1], sys.argv[2], sys.argv[3]
rows = subprocess.run(
    ["tshark", "-r", cap, "-Y", "tcp.stream==" + stream, "-T", "fields", "-e", "tcp.srcport",
     "-e", "tcp.seq", "-e", "tcp.len", "-e", "tcp.payload", "-e", "tcp.flags.syn"],
    capture_output=True, text=True, check=True).stdout.splitlines()
client_port = None
bufs, nxt, res = {}, {}, bytearray()
count = 0
for row in rows:
    port, seq, length, payload, syn = (row.split("\t") + [""] * 5)[:5]
    if client_port is None:
        client_port = port  # the first packet (SYN) comes from the client
    d = 0 if port == client_port else 1
    seq, length = int(seq), int(length or 0)
    if length == 0:
        continue
    data = bytes.fromhex(payload.replace(":", ""))
    exp = nxt.get(d, seq)
    if seq + length <= exp:
        continue  # retransmission
    data = data[exp - seq:] if seq < exp else data
    nxt[d] = seq + length
    b = bufs.setdefault(d, bytearray())
    b += data
    if d == 0 and count == 0 and len(b) >= 2 and b[0] & 0x80:
        n = 2 + ((b[0] & 0x7F) << 8 | b[1])  # SSLv2-compatible ClientHello
        if len(b) < n:
            continue
        res.append(2)
        res += (n - 2).to_bytes(2, "big") + b[2:n]
        del b[:n]
        count += 1
    while len(b) >= 5 and len(b) >= 5 + (b[3] << 8 | b[4]):
        n = 5 + (b[3] << 8 | b[4])
        res.append(d)
        res += b[:n]
        del b[:n]
        count += 1
open(out, "wb").write(res)
print(out, count, "records")
