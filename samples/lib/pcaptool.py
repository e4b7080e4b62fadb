#!/usr/bin/env python3
"""Tiny classic-pcap reader/writer (stdlib only) used by make-samples.sh.

Commands:
  firstts IN                 print the first packet's timestamp as SEC.USEC
  reorder IN OUT             copy IN with some TCP data segments swapped (out of
                             order) and a few duplicated (retransmissions)
  vlan IN OUT VID            insert an 802.1Q tag (VLAN VID) into every Ethernet frame
  head-bytes IN OUT NBYTES   keep only the first NBYTES of the file (cut mid-packet)
  has-marker IN              exit 0 when a packet contains the end-of-capture marker
  drop-marker IN OUT         copy IN without the packets that contain the marker
"""
import struct
import sys

LINKTYPE_ETHERNET = 1
MARKER = b"TLSAUDIT-END-OF-CAPTURE"


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        endian, nano = "<", False
    elif magic == b"\xa1\xb2\xc3\xd4":
        endian, nano = ">", False
    elif magic == b"\x4d\x3c\xb2\xa1":
        endian, nano = "<", True
    elif magic == b"\xa1\xb2\x3c\x4d":
        endian, nano = ">", True
    else:
        sys.exit(f"pcaptool: {path}: not a classic pcap file")
    _, vmaj, vmin, tz, sigfigs, snaplen, linktype = struct.unpack(endian + "IHHiIII", data[:24])
    pkts = []
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, orig = struct.unpack(endian + "IIII", data[off:off + 16])
        off += 16
        if off + incl > len(data):
            break
        pkts.append([sec, frac, orig, data[off:off + incl]])
        off += incl
    hdr = dict(endian=endian, nano=nano, snaplen=snaplen, linktype=linktype, magic=magic,
               vmaj=vmaj, vmin=vmin)
    return hdr, pkts


def write_pcap(path, hdr, pkts):
    e = hdr["endian"]
    with open(path, "wb") as f:
        f.write(hdr["magic"])
        f.write(struct.pack(e + "HHiIII", hdr["vmaj"], hdr["vmin"], 0, 0, hdr["snaplen"], hdr["linktype"]))
        for sec, frac, orig, body in pkts:
            f.write(struct.pack(e + "IIII", sec, frac, len(body), max(orig, len(body))))
            f.write(body)


def tcp_info(hdr, body):
    """(src_port, dst_port, payload_len) for an Ethernet/IPv4|IPv6/TCP frame, else None."""
    if hdr["linktype"] != LINKTYPE_ETHERNET or len(body) < 14:
        return None
    etype = struct.unpack("!H", body[12:14])[0]
    off = 14
    if etype == 0x0800:
        ihl = (body[off] & 0x0F) * 4
        if body[off + 9] != 6:
            return None
        total = struct.unpack("!H", body[off + 2:off + 4])[0]
        tcp = off + ihl
        iplen = total - ihl
    elif etype == 0x86DD:
        if body[off + 6] != 6:
            return None
        iplen = struct.unpack("!H", body[off + 4:off + 6])[0]
        tcp = off + 40
    else:
        return None
    sport, dport = struct.unpack("!HH", body[tcp:tcp + 4])
    doff = (body[tcp + 12] >> 4) * 4
    return sport, dport, iplen - doff


def cmd_firstts(path):
    hdr, pkts = read_pcap(path)
    if not pkts:
        sys.exit(f"pcaptool: {path}: no packets")
    sec, frac = pkts[0][0], pkts[0][1]
    if hdr["nano"]:
        print(f"{sec}.{frac:09d}")
    else:
        print(f"{sec}.{frac:06d}")


def cmd_reorder(src, dst):
    hdr, pkts = read_pcap(src)
    # data segments per direction, in file order
    by_dir = {}
    for i, p in enumerate(pkts):
        info = tcp_info(hdr, p[3])
        if info and info[2] > 0:
            by_dir.setdefault((info[0], info[1]), []).append(i)
    # the direction with most data segments is the server's (certificate flight)
    segs = max(by_dir.values(), key=len)
    if len(segs) < 8:
        sys.exit("pcaptool reorder: need at least 8 data segments in one direction")
    bodies = {i: pkts[i][3] for i in range(len(pkts))}
    # 1. out of order: swap the payload of data segments #2 and #3 and of #6 and #7
    #    (timestamps stay in file order, so the later segment simply arrives first)
    for a, b in ((segs[2], segs[3]), (segs[6], segs[7])):
        pkts[a][3], pkts[b][3] = bodies[b], bodies[a]
        pkts[a][2], pkts[b][2] = len(bodies[b]), len(bodies[a])
    # 2. retransmissions: duplicate data segment #1 right after #4, and #5 right after itself
    out = []
    for i, p in enumerate(pkts):
        out.append(list(p))
        if i == segs[4]:
            dup = list(pkts[segs[1]])
            dup[0], dup[1] = p[0], p[1] + 1
            out.append(dup)
        if i == segs[5]:
            dup = list(p)
            dup[1] = p[1] + 1
            out.append(dup)
    for p in out:  # keep microsecond field normalised
        lim = 1000000000 if hdr["nano"] else 1000000
        while p[1] >= lim:
            p[1] -= lim
            p[0] += 1
    write_pcap(dst, hdr, out)


def cmd_vlan(src, dst, vid):
    hdr, pkts = read_pcap(src)
    if hdr["linktype"] != LINKTYPE_ETHERNET:
        sys.exit("pcaptool vlan: input is not Ethernet")
    tag = struct.pack("!HH", 0x8100, int(vid) & 0x0FFF)
    out = []
    for sec, frac, orig, body in pkts:
        nb = body[:12] + tag + body[12:]
        out.append([sec, frac, orig + 4, nb])
    hdr["snaplen"] += 4
    write_pcap(dst, hdr, out)


def cmd_head_bytes(src, dst, n):
    with open(src, "rb") as f:
        data = f.read()
    with open(dst, "wb") as f:
        f.write(data[:int(n)])


def cmd_has_marker(src):
    _, pkts = read_pcap(src)
    sys.exit(0 if any(MARKER in p[3] for p in pkts) else 1)


def cmd_drop_marker(src, dst):
    hdr, pkts = read_pcap(src)
    write_pcap(dst, hdr, [p for p in pkts if MARKER not in p[3]])


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    cmd, args = sys.argv[1], sys.argv[2:]
    {"firstts": cmd_firstts, "reorder": cmd_reorder, "vlan": cmd_vlan,
     "head-bytes": cmd_head_bytes, "has-marker": cmd_has_marker, "drop-marker": cmd_drop_marker}[cmd](*args)


if __name__ == "__main__":
    main()
