#!/usr/bin/env python3
"""Writes adversarial captures for the limit tests (python3 standard library only):
  syn_flood.pcap      100,000 SYNs from one client to distinct server ports
  ooo_forever.pcap    a ClientHello, then a hole that never fills and 20,000 segments after it
  huge_message.pcap   a handshake message declaring 16 MB (2^24-1), then 4 MB of its body
  tiny_records.pcap   10,000 one-byte handshake records (a ClientHello cut in 1-byte pieces)
  empty_records.pcap  a ClientHello then 100,000 zero-length records
  long_chain.pcap     a Certificate message carrying 1,000 certificates
Usage: hostile_pcaps.py OUTDIR"""
import os
import struct
import sys

CLIENT = bytes([10, 0, 0, 1])
SERVER = bytes([10, 0, 0, 2])


def u8(v): return struct.pack("!B", v)
def u16(v): return struct.pack("!H", v)
def u24(v): return struct.pack("!I", v)[1:]


class Pcap:
    def __init__(self, path):
        self.f = open(path, "wb")
        self.f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 228))  # raw IPv4
        self.t = 1780000000

    def tcp(self, src, dst, sport, dport, seq, flags, payload=b"", ack=0):
        tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack, 5 << 4, flags,
                          65535, 0, 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src,
                         dst) + tcp
        self.t += 1
        self.f.write(struct.pack("<IIII", self.t // 1000000 + 1780000000, self.t % 1000000,
                                 len(ip), len(ip)))
        self.f.write(ip)

    def close(self):
        self.f.close()


SYN, ACK, PSH = 0x02, 0x10, 0x08


def handshake_flow(p, cport, client_bytes, server_bytes=b"", seg=1400):
    p.tcp(CLIENT, SERVER, cport, 443, 1000, SYN)
    p.tcp(SERVER, CLIENT, 443, cport, 5000, SYN | ACK, ack=1001)
    seq = 1001
    for i in range(0, len(client_bytes), seg):
        chunk = client_bytes[i:i + seg]
        p.tcp(CLIENT, SERVER, cport, 443, seq, PSH | ACK, chunk, 5001)
        seq += len(chunk)
    sseq = 5001
    for i in range(0, len(server_bytes), seg):
        chunk = server_bytes[i:i + seg]
        p.tcp(SERVER, CLIENT, 443, cport, sseq, PSH | ACK, chunk, seq)
        sseq += len(chunk)


def record(ctype, body, version=0x0303):
    return u8(ctype) + u16(version) + u16(len(body)) + body


def client_hello():
    sni = b"hostile.example"
    ext = u16(0) + u16(len(sni) + 5) + u16(len(sni) + 3) + u8(0) + u16(len(sni)) + sni
    body = u16(0x0303) + bytes(32) + u8(0) + u16(2) + u16(0xC02F) + u8(1) + u8(0) + \
        u16(len(ext)) + ext
    return u8(1) + u24(len(body)) + body


def server_hello():
    body = u16(0x0303) + bytes(32) + u8(0) + u16(0xC02F) + u8(0)
    return u8(2) + u24(len(body)) + body


def main(out):
    os.makedirs(out, exist_ok=True)

    p = Pcap(os.path.join(out, "syn_flood.pcap"))
    for i in range(100000):
        p.tcp(CLIENT, SERVER, 40000, 1 + i % 65000, i, SYN)
    p.close()

    p = Pcap(os.path.join(out, "ooo_forever.pcap"))
    ch = record(22, client_hello())
    handshake_flow(p, 40001, ch)
    hole = 1001 + len(ch)
    for i in range(20000):  # the 100 bytes at `hole` never arrive
        p.tcp(CLIENT, SERVER, 40001, 443, hole + 100 + i * 100, PSH | ACK, bytes(100), 5001)
    p.close()

    p = Pcap(os.path.join(out, "huge_message.pcap"))
    huge = u8(11) + u24(0xFFFFFF) + bytes(4 * 1024 * 1024)
    stream = record(22, client_hello())
    data = b""
    for i in range(0, len(huge), 16384):
        data += record(22, huge[i:i + 16384])
    handshake_flow(p, 40002, stream, record(22, server_hello()) + data)
    p.close()

    p = Pcap(os.path.join(out, "tiny_records.pcap"))
    ch = client_hello() * 200
    tiny = b"".join(record(22, ch[i:i + 1]) for i in range(min(10000, len(ch))))
    handshake_flow(p, 40003, tiny)
    p.close()

    p = Pcap(os.path.join(out, "empty_records.pcap"))
    handshake_flow(p, 40004, record(22, client_hello()) + record(22, b"") * 100000)
    p.close()

    p = Pcap(os.path.join(out, "long_chain.pcap"))
    cert = bytes([0x30, 0x82, 0x01, 0xFC]) + bytes(508)  # 512 bytes of DER-looking garbage
    certs = b"".join(u24(len(cert)) + cert for _ in range(1000))
    msg = u8(11) + u24(len(certs) + 3) + u24(len(certs)) + certs
    data = b"".join(record(22, msg[i:i + 16384]) for i in range(0, len(msg), 16384))
    handshake_flow(p, 40005, record(22, client_hello()), record(22, server_hello()) + data)
    p.close()


main(sys.argv[1])
