#!/usr/bin/env python3
"""Builds the seed corpora under tests/fuzz/corpus/ from real captures (../shared/captures and
samples/), using tshark to cut out handshake messages, certificates and TCP streams.
Run from the repository root: python3 tests/fuzz/make-seeds.py [SHARED_DIR]. The output is
committed; rerun it when the captures change."""
import hashlib
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared")
CAPS = os.path.join(SHARED, "captures", "wireshark")
OUT = os.path.join(ROOT, "tests", "fuzz", "corpus")

# Small TCP captures (uncompressed copies for .gz).
CAPTURES = ["rsa-p-lt-q.pcap", "uncompressed/dhe1.pcapng", "tls13-rfc8446.pcap",
            "retrans-tls.pcap", "tls12-dsb.pcapng", "dmgr.pcapng", "rsasnakeoil2.pcap",
            "tls12-chacha20poly1305.pcap", "tls13-20-chacha20poly1305.pcap",
            "http2-brotli.pcapng", "tls-renegotiation.pcap", "tls12-aes128ccm.pcap"]

# fuzz_msg selector per handshake type (see fuzz_msg.c).
SELECT = {1: 0, 2: 2, 8: 3, 11: 4, 12: 5, 16: 6, 13: 7, 15: 8, 4: 9, 22: 10, 24: 11, 20: 14,
          14: 14, 0: 14}
VERSIONS = [0x0300, 0x0301, 0x0302, 0x0303, 0x0304]
KEX = {"RSA": 1, "DHE": 2, "ECDHE": 3, "PSK": 6, "DHE_PSK": 7, "ECDHE_PSK": 8, "RSA_PSK": 9}


def flavour(version_index, kex_kind):
    for f in range(256):
        if f % 5 == version_index and f % 13 == kex_kind:
            return f
    return version_index


def put(target, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


class Pairs(list):
    """A JSON object kept as (key, value) pairs: tshark repeats keys for repeated fields."""


def walk_raw(node, key, found):
    if isinstance(node, Pairs):
        for k, v in node:
            if k == key:
                if isinstance(v, list) and v and isinstance(v[0], list):
                    found.extend(v)  # several occurrences: a list of [hex, offset, ...] lists
                else:
                    found.append(v)
            else:
                walk_raw(v, key, found)
    elif isinstance(node, list):
        for v in node:
            walk_raw(v, key, found)
    elif isinstance(node, dict):
        walk_raw(Pairs(node.items()), key, found)


def hexes(found):
    out = []
    for v in found:
        if isinstance(v, list) and v and isinstance(v[0], str):
            out.append(v[0])
        elif isinstance(v, str):
            out.append(v)
    return out


def kex_of(cap):
    """Guess the key exchange family of the first ServerHello's suite for SKE/CKE seeds."""
    r = subprocess.run(["tshark", "-n", "-r", cap, "-Y", "tls.handshake.type==2", "-T", "fields",
                        "-e", "tls.handshake.ciphersuite"], capture_output=True, text=True)
    s = r.stdout.split("\n")[0].strip()
    names = {"0xc0": "ECDHE", "0x00": "RSA", "0xcc": "ECDHE"}
    if s in ("0x0039", "0x0033", "0x009e", "0x009f", "0xccaa"):
        return "DHE"
    if s in ("0xccab", "0x00a8", "0x00a9", "0xc0a4", "0xc0a8"):
        return "PSK"
    if s == "0xccae":
        return "RSA_PSK"
    if s == "0xccad":
        return "DHE_PSK"
    if s == "0xccac":
        return "ECDHE_PSK"
    return names.get(s[:4], "RSA")


def from_capture(cap):
    r = subprocess.run(["tshark", "-n", "-2", "-r", cap, "-T", "json", "-x", "-Y", "tls.handshake"],
                       capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        return
    pkts = json.loads(r.stdout, object_pairs_hook=Pairs)
    kex = KEX[kex_of(cap)]
    for p in pkts:
        found = []
        walk_raw(p, "tls.handshake_raw", found)
        for h in hexes(found):
            msg = bytes.fromhex(h)
            if len(msg) < 4 or (msg[1] << 16 | msg[2] << 8 | msg[3]) != len(msg) - 4:
                continue  # encrypted or fragment
            t = msg[0]
            if t not in SELECT:
                continue
            body = msg[4:]
            for vi in (1, 3, 4):
                put("msg", bytes([SELECT[t], flavour(vi, kex)]) + body)
            if t == 1 and len(body) > 38:
                exts = client_hello_extensions(body)
                if exts is not None:
                    put("extensions", exts)
        certs = []
        walk_raw(p, "tls.handshake.certificate_raw", certs)
        ders = [bytes.fromhex(h) for h in hexes(certs)]
        if ders:
            put("cert_chain", b"".join(len(d).to_bytes(2, "big") + d for d in ders if len(d) < 65536))


def client_hello_extensions(body):
    try:
        p = 34
        p += 1 + body[p]
        p += 2 + (body[p] << 8 | body[p + 1])
        p += 1 + body[p]
        n = body[p] << 8 | body[p + 1]
        return body[p + 2:p + 2 + n]
    except IndexError:
        return None


def streams(cap):
    r = subprocess.run(["tshark", "-n", "-r", cap, "-T", "fields", "-e", "tcp.stream"],
                       capture_output=True, text=True)
    ids = sorted({int(x) for x in r.stdout.split() if x.strip().isdigit()})
    for sid in ids[:4]:
        r = subprocess.run(["tshark", "-n", "-r", cap, "-q", "-z", f"follow,tcp,raw,{sid}"],
                           capture_output=True, text=True)
        out = bytearray()
        started = False
        for line in r.stdout.splitlines():
            if line.startswith("Node 1:"):
                started = True
                continue
            if not started or line.startswith("=") or not line.strip():
                continue
            side = 1 if line.startswith("\t") else 0
            data = bytes.fromhex(line.strip())
            for i in range(0, len(data), 127):
                chunk = data[i:i + 127]
                out.append(side << 7 | len(chunk))
                out.extend(chunk)
            if len(out) > 60000:
                break
        if out:
            put("tls_stream", bytes(out))


def main():
    for t in ("msg", "extensions", "tls_stream", "cert_chain", "capture"):
        shutil.rmtree(os.path.join(OUT, t), ignore_errors=True)
    for c in CAPTURES:
        cap = os.path.join(CAPS, c)
        if not os.path.exists(cap):
            print("missing", cap, file=sys.stderr)
            continue
        from_capture(cap)
        streams(cap)
        if os.path.getsize(cap) <= 30000:
            with open(cap, "rb") as f:
                put("capture", f.read())
    samples = os.path.join(ROOT, "samples")
    if os.path.isdir(samples):
        for name in sorted(os.listdir(samples)):
            path = os.path.join(samples, name)
            if name.endswith((".pcap", ".pcapng")) and os.path.getsize(path) <= 30000:
                with open(path, "rb") as f:
                    put("capture", f.read())
    for t in sorted(os.listdir(OUT)):
        print(t, len(os.listdir(os.path.join(OUT, t))))


main()
