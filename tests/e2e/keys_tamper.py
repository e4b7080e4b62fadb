#!/usr/bin/env python3
"""Write a copy of a classic pcap with one byte of a handshake flipped.

usage: keys_tamper.py IN OUT clienthello|record-after-ccs
clienthello: the last byte of the ClientHello's cipher suite list (an offered suite changes; the
random, hence the keys, stay): with keys, each Finished must then mismatch its transcript.
record-after-ccs: a byte inside the first handshake record after a ChangeCipherSpec record (the
encrypted Finished of TLS <= 1.2): with keys, the record no longer authenticates."""
import sys


def main():
    src, dst, what = sys.argv[1:4]
    data = bytearray(open(src, "rb").read())
    if what == "clienthello":
        at = data.find(b"\x16\x03\x01")
        while at >= 0 and data[at + 5] != 1:
            at = data.find(b"\x16\x03\x01", at + 1)
        assert at >= 0, "no ClientHello record"
        p = at + 5 + 4 + 2 + 32  # record header, handshake header, version, random
        p += 1 + data[p]  # session id
        n = data[p] << 8 | data[p + 1]
        pos = p + 2 + n - 1
    else:
        at = data.find(b"\x14\x03\x03\x00\x01\x01\x16\x03\x03")
        assert at >= 0, "no ChangeCipherSpec followed by a handshake record"
        pos = at + 6 + 5 + 8
    data[pos] ^= 0x01
    open(dst, "wb").write(bytes(data))


if __name__ == "__main__":
    main()
