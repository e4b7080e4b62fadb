#!/usr/bin/env python3
"""Switch TCP segmentation offload (TSO) and generic segmentation offload (GSO) on or off
for an interface, like `ethtool -K IF tso off gso off`, without needing ethtool (stdlib only).

usage: nooffload.py IFACE off|on
Without this, tcpdump on lo sees the large pre-segmentation packets even with a small MTU.
"""
import ctypes
import fcntl
import socket
import struct
import sys

SIOCETHTOOL = 0x8946
ETHTOOL_STSO = 0x0000001f
ETHTOOL_SGSO = 0x00000024
ETHTOOL_SSG = 0x00000019


def set_flag(sock, ifname, cmd, value):
    ev = ctypes.create_string_buffer(struct.pack("II", cmd, value))
    ifr = struct.pack("16sP", ifname.encode(), ctypes.addressof(ev)) + b"\0" * 16
    fcntl.ioctl(sock.fileno(), SIOCETHTOOL, ifr)


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in ("on", "off"):
        sys.exit(__doc__)
    v = 1 if sys.argv[2] == "on" else 0
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    set_flag(s, sys.argv[1], ETHTOOL_STSO, v)
    set_flag(s, sys.argv[1], ETHTOOL_SGSO, v)
    s.close()


if __name__ == "__main__":
    main()
