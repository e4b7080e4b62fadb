#!/usr/bin/env python3
"""Compare the handshake messages tlsaudit reveals with keys against tshark's decrypted oracle.

usage: keys_compare.py NAME ORACLE_TSV JSONL [EXCEPTION...]
ORACLE_TSV: oracle/<capture>.keys.tsv (column 1 frame.number, 2 tcp.stream, 4
tls.handshake.type, comma-separated in wire order). JSONL: tlsaudit --format jsonl with keys.
The multisets of (frame, handshake type) must be equal, TCP rows only. An EXCEPTION is
"frame:type:reason": that pair may be missing from tlsaudit's side. Every connection must
say "verified" for both Finished.
Prints one table row "NAME conns decrypted finished-verified"; exit 1 on any difference."""
import collections
import json
import sys

NAMES = {
    "HelloRequest": 0, "ClientHello": 1, "ServerHello": 2, "HelloVerifyRequest": 3,
    "NewSessionTicket": 4, "EndOfEarlyData": 5, "HelloRetryRequest": 2,
    "EncryptedExtensions": 8, "Certificate": 11, "ServerKeyExchange": 12,
    "CertificateRequest": 13, "ServerHelloDone": 14, "CertificateVerify": 15,
    "ClientKeyExchange": 16, "Finished": 20, "CertificateURL": 21, "CertificateStatus": 22,
    "KeyUpdate": 24, "CompressedCertificate": 25,
}


def main():
    name, oracle, jsonl = sys.argv[1:4]
    exceptions = {}
    for e in sys.argv[4:]:
        frame, typ, why = e.split(":", 2)
        exceptions[(int(frame), int(typ))] = why
    want = collections.Counter()
    with open(oracle, encoding="utf-8") as f:
        next(f)
        for line in f:
            col = line.rstrip("\n").split("\t")
            if len(col) < 4 or not col[1] or not col[3]:
                continue
            for t in col[3].split(","):
                want[(int(col[0]), int(t))] += 1
    got = collections.Counter()
    conns = decrypted = verified = 0
    bad = []
    with open(jsonl, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            conns += 1
            decrypted += bool(r["decrypted"])
            fin = r["finished"]
            verified += fin["verified"]
            for side in ("client", "server"):
                if fin[side] != "verified":
                    bad.append(f"conn {r['conn']}: {side} Finished {fin[side]}"
                               f" ({r['keys_note'] or 'no note'})")
            if r["certificate_verify"] == "invalid":
                bad.append(f"conn {r['conn']}: CertificateVerify invalid")
            for s in r["steps"]:
                if s["encrypted"] or s["message"] not in NAMES:
                    continue
                got[(s["frame"], NAMES[s["message"]])] += 1
    missing = want - got
    extra = got - want
    excused = []
    for k in sorted(missing):
        if k in exceptions:
            excused.append(f"frame {k[0]} type {k[1]}: {exceptions[k]}")
        else:
            bad.append(f"frame {k[0]}: tshark shows type {k[1]} x{missing[k]}, tlsaudit not")
    for k in sorted(extra):
        bad.append(f"frame {k[0]}: tlsaudit shows type {k[1]} x{extra[k]}, tshark not")
    print(f"{name:34s} {conns:5d} {decrypted:9d} {verified:9d}")
    for e in excused:
        print(f"    exception: {e}")
    for b in bad:
        print(f"    FAIL: {b}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
