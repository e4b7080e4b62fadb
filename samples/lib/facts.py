#!/usr/bin/env python3
"""What actually went over the wire, per TCP connection, according to tshark.

usage: facts.py FILE.pcap...   (prints one JSON object per TLS connection)
Used by expected.py to check the hand-written expectations against the captures.
"""
import json
import subprocess
import sys

FIELDS = [
    "frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
    "tcp.len", "tls.record.content_type", "tls.handshake.type", "tls.handshake.version",
    "tls.handshake.extensions.supported_version", "tls.handshake.ciphersuite",
    "tls.handshake.extensions_server_name", "tls.handshake.extension.type",
    "tls.handshake.extensions_alpn_str", "tls.handshake.extensions_key_share_group",
    "tls.handshake.server_named_curve", "tls.handshake.p_len", "tls.alert_message.desc",
    "tls.alert_message.level",
    "tls.handshake.session_id_length",
]
VERSIONS = {0x0300: "SSL 3.0", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}
GROUPS = {19: "secp192r1", 21: "secp224r1", 23: "secp256r1", 24: "secp384r1", 25: "secp521r1", 29: "x25519", 30: "x448",
          256: "ffdhe2048", 257: "ffdhe3072", 4588: "X25519MLKEM768"}
_SUITES = None


def suites():
    global _SUITES
    if _SUITES is None:
        out = subprocess.run(["tshark", "-G", "values"], capture_output=True, text=True).stdout
        _SUITES = {}
        for line in out.splitlines():
            p = line.split("\t")
            if len(p) == 4 and p[0] == "V" and p[1] == "tls.handshake.ciphersuite":
                _SUITES[int(p[2], 0)] = p[3]
    return _SUITES


def ints(s):
    return [int(x, 0) for x in s.split(",") if x != ""]


def facts(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t", "-E", "occurrence=a",
           "-E", "aggregator=,"]
    for f in FIELDS:
        cmd += ["-e", f]
    res = subprocess.run(cmd, capture_output=True, text=True)
    conns = {}
    order = []
    for line in res.stdout.splitlines():
        row = dict(zip(FIELDS, line.split("\t")))
        if row.get("tcp.stream", "") == "":
            continue
        st = int(row["tcp.stream"])
        c = conns.get(st)
        if c is None:
            c = conns[st] = {"stream": st, "first_frame": int(row["frame.number"]), "client_port": None,
                             "server_port": None, "ports": (int(row["tcp.srcport"]), int(row["tcp.dstport"])),
                             "tls": False, "client_hellos": 0, "server_hellos": 0, "hs_types": [],
                             "ch_versions": [], "ch_ext": [], "sh_ext": [], "ch_suites": [], "version": None,
                             "cipher": None, "sni": None, "alpn": None, "group": None, "dh_bits": None,
                             "alerts": [], "fatal_alerts": [], "alert_records": 0, "appdata_records": 0}
            order.append(st)
        if row["tcp.flags.syn"] in ("1", "True") and row["tcp.flags.ack"] in ("0", "False"):
            c["client_port"], c["server_port"] = int(row["tcp.srcport"]), int(row["tcp.dstport"])
        ctypes = ints(row["tls.record.content_type"])
        if ctypes:
            c["tls"] = True
        c["alert_records"] += ctypes.count(21)
        c["appdata_records"] += ctypes.count(23)
        htypes = ints(row["tls.handshake.type"])
        c["hs_types"] += htypes
        if row["tls.alert_message.desc"]:
            c["alerts"] += ints(row["tls.alert_message.desc"])
            c["fatal_alerts"] += [d for d, lv in zip(ints(row["tls.alert_message.desc"]),
                                                     ints(row["tls.alert_message.level"])) if lv == 2]
        if 1 in htypes:
            c["client_hellos"] += 1
            if c["client_port"] is None:
                c["client_port"], c["server_port"] = int(row["tcp.srcport"]), int(row["tcp.dstport"])
            c["ch_ext"] = ints(row["tls.handshake.extension.type"])
            c["ch_suites"] = ints(row["tls.handshake.ciphersuite"])
            c["sni"] = row["tls.handshake.extensions_server_name"] or None
            c["ch_versions"] = ints(row["tls.handshake.extensions.supported_version"])
            c["ch_alpn"] = row["tls.handshake.extensions_alpn_str"] or None
        if 2 in htypes:
            c["server_hellos"] += 1
            sv = ints(row["tls.handshake.extensions.supported_version"])
            hv = ints(row["tls.handshake.version"])
            v = sv[0] if sv else (hv[0] if hv else None)
            c["version"] = VERSIONS.get(v, v)
            cs = ints(row["tls.handshake.ciphersuite"])
            c["cipher"] = suites().get(cs[0], hex(cs[0])) if cs else None
            c["sh_ext"] = ints(row["tls.handshake.extension.type"])
            c["alpn"] = row["tls.handshake.extensions_alpn_str"] or None
            ks = ints(row["tls.handshake.extensions_key_share_group"])
            if ks:
                c["group"] = GROUPS.get(ks[0], ks[0])
        nc = ints(row["tls.handshake.server_named_curve"])
        if nc:
            c["group"] = GROUPS.get(nc[0], nc[0])
        pl = ints(row["tls.handshake.p_len"])
        if pl:
            c["dh_bits"] = pl[0] * 8
    out = []
    for st in order:
        c = conns[st]
        if c["client_port"] is None:
            c["client_port"], c["server_port"] = c["ports"]
        c["ems"] = 23 in c["ch_ext"] and 23 in c["sh_ext"]
        c["reneg_info"] = ((0xff01 in c["ch_ext"] or 0x00ff in c["ch_suites"]), 0xff01 in c["sh_ext"])
        c["psk"] = 41 in c["sh_ext"]
        c["certificate_seen"] = 11 in c["hs_types"]
        del c["ports"]
        out.append(c)
    return out, res.returncode


def main():
    for p in sys.argv[1:]:
        conns, rc = facts(p)
        for c in conns:
            if not c["tls"]:
                continue
            short = {k: c[k] for k in ("client_port", "server_port", "version", "cipher", "sni", "alpn", "group",
                                       "dh_bits", "ems", "reneg_info", "psk", "certificate_seen", "client_hellos",
                                       "server_hellos", "alerts", "appdata_records")}
            short["hs"] = sorted(set(c["hs_types"]))
            print(p.split("/")[-1], json.dumps(short))


if __name__ == "__main__":
    main()
