#!/usr/bin/env python3
"""Writes a pcap with one TLS 1.2 handshake start whose ClientHello carries a hostile SNI and
hostile ALPN protocols (terminal escapes, quotes, commas, a newline, invalid UTF-8, U+2028, a
spreadsheet formula), answered by a ServerHello that selects a hostile ALPN.
Usage: cli_hostile_pcap.py OUT.pcap   (python3 standard library only)"""
import struct
import sys

SNI = b'=HYPERLINK("x")\x1b[31mred\x1b]0;pwn\x07,"q"\n\xc0\xaf\xe2\x80\xa8.example'
ALPN_OFFERED = [b"h2", b"\x1b[2Jevil,\"x\"\r\n<script>"]
ALPN_SELECTED = ALPN_OFFERED[1]

CLIENT = (bytes([10, 0, 0, 1]), 40000)
SERVER = (bytes([192, 0, 2, 10]), 443)


def u8(v): return struct.pack("!B", v)
def u16(v): return struct.pack("!H", v)
def u24(v): return struct.pack("!I", v)[1:]


def ext(t, body): return u16(t) + u16(len(body)) + body


def client_hello():
    sni = ext(0, u16(len(SNI) + 3) + u8(0) + u16(len(SNI)) + SNI)
    plist = b"".join(u8(len(p)) + p for p in ALPN_OFFERED)
    alpn = ext(16, u16(len(plist)) + plist)
    groups = ext(10, u16(4) + u16(29) + u16(23))
    sigalgs = ext(13, u16(4) + u16(0x0403) + u16(0x0804))
    reneg = ext(0xFF01, u8(0))
    ems = ext(23, b"")
    exts = sni + alpn + groups + sigalgs + reneg + ems
    suites = [0xC02F, 0xC030, 0x009C]
    body = (u16(0x0303) + bytes(range(32)) + u8(0) + u16(2 * len(suites)) +
            b"".join(u16(s) for s in suites) + u8(1) + u8(0) + u16(len(exts)) + exts)
    return u8(1) + u24(len(body)) + body


def server_hello():
    alpn = ext(16, u16(len(ALPN_SELECTED) + 1) + u8(len(ALPN_SELECTED)) + ALPN_SELECTED)
    exts = alpn + ext(0xFF01, u8(0)) + ext(23, b"")
    body = (u16(0x0303) + bytes(range(100, 132)) + u8(0) + u16(0xC02F) + u8(0) +
            u16(len(exts)) + exts)
    return u8(2) + u24(len(body)) + body


def record(ct, payload): return u8(ct) + u16(0x0301 if ct == 22 else 0x0303) + u16(len(payload)) + payload


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def packet(src, dst, seq, ack, flags, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", src[1], dst[1], seq, ack, 5 << 4, flags, 65535, 0, 0)
    pseudo = src[0] + dst[0] + struct.pack("!BBH", 0, 6, len(tcp) + len(payload))
    c = csum(pseudo + tcp + payload)
    tcp = tcp[:16] + u16(c) + tcp[18:]
    total = 20 + len(tcp) + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, total, 1, 0x4000, 64, 6, 0, src[0], dst[0])
    ip = ip[:10] + u16(csum(ip)) + ip[12:]
    eth = b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + u16(0x0800)
    return eth + ip + tcp + payload


SYN, ACK, PSH, FIN = 0x02, 0x10, 0x08, 0x01


def main():
    ch = record(22, client_hello())
    sh = record(22, server_hello())
    c, s = 1000, 5000
    pkts = [
        packet(CLIENT, SERVER, c, 0, SYN),
        packet(SERVER, CLIENT, s, c + 1, SYN | ACK),
        packet(CLIENT, SERVER, c + 1, s + 1, ACK),
        packet(CLIENT, SERVER, c + 1, s + 1, PSH | ACK, ch),
        packet(SERVER, CLIENT, s + 1, c + 1 + len(ch), PSH | ACK, sh),
        packet(CLIENT, SERVER, c + 1 + len(ch), s + 1 + len(sh), FIN | ACK),
        packet(SERVER, CLIENT, s + 1 + len(sh), c + 2 + len(ch), FIN | ACK),
    ]
    with open(sys.argv[1], "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, p in enumerate(pkts):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(p), len(p)))
            f.write(p)


if __name__ == "__main__":
    main()
