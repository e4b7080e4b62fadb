#!/usr/bin/env python3
"""Print well-known DH parameters as a PEM "DH PARAMETERS" block (stdlib only).

usage: dhparams.py modp1024   -> RFC 2409 section 6.2, Second Oakley Group (1024-bit MODP), g = 2
"""
import base64
import sys

MODP1024 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD1"
    "29024E088A67CC74020BBEA63B139B22514A08798E3404DD"
    "EF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245"
    "E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381"
    "FFFFFFFFFFFFFFFF", 16)


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def der_int(v):
    b = v.to_bytes((v.bit_length() + 8) // 8, "big")  # leading 0 keeps it positive
    return b"\x02" + der_len(len(b)) + b


def main():
    if sys.argv[1:] != ["modp1024"]:
        sys.exit(__doc__)
    body = der_int(MODP1024) + der_int(2)
    der = b"\x30" + der_len(len(body)) + body
    b64 = base64.b64encode(der).decode()
    print("-----BEGIN DH PARAMETERS-----")
    for i in range(0, len(b64), 64):
        print(b64[i:i + 64])
    print("-----END DH PARAMETERS-----")


if __name__ == "__main__":
    main()
