#!/usr/bin/env python3
"""Regenerates the fixtures of tests/unit/test_tls12_keys.c and test_tls13_keys.c: the two byte
streams (client->server, server->client) of one TCP connection, cut out with tshark's
follow,tcp,raw. Usage: extract.py CAPTURE STREAM OUTPREFIX (writes OUTPREFIX.c2s / .s2c)."""
import subprocess, sys

cap, stream, out = sys.argv[1], sys.argv[2], sys.argv[3]
txt = subprocess.run(["tshark", "-r", cap, "-q", "-z", "follow,tcp,raw," + stream],
                     capture_output=True, text=True, check=True).stdout
c2s, s2c = bytearray(), bytearray()
body = txt.split("=" * 67)[1]
for line in body.splitlines():
    if not line or line.startswith(("Follow:", "Filter:", "Node ")):
        continue
    if line.startswith("\t"):
        s2c += bytes.fromhex(line.strip())
    else:
        c2s += bytes.fromhex(line.strip())
open(out + ".c2s", "wb").write(c2s)
open(out + ".s2c", "wb").write(s2c)
print(out, len(c2s), len(s2c))
