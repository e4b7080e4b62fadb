#!/usr/bin/env python3
"""Generate lib/src/names_gen.c: the IANA name tables behind lib/include/tlsaudit/names.h.

Usage: tools/gen-names.py [REFERENCE_DIR] [-o OUTPUT]
REFERENCE_DIR defaults to ../shared/reference relative to the repository root; OUTPUT defaults to
lib/src/names_gen.c ("-" writes to stdout). Inputs (see REFERENCE_DIR/README.md):
  iana/tls-parameters-4.csv         cipher suites (name, Recommended)
  iana/tls-parameters-8.csv         supported groups
  iana/known-updates-after-snapshot.csv  newer supported-group rows
  testssl/curves-mapping.csv        group names missing from the IANA snapshot
  testssl/cipher-mapping.csv        cross-check of the suite classification (warnings only)
  iana/tls-signaturescheme.csv      signature schemes
  iana/from-xml-2023-07-19/tls-parameters-16.csv, -18.csv  TLS 1.2 signature/hash bytes
  iana/tls-extensiontype-values-1.csv  extension types
  iana/tls-parameters-6.csv         alert descriptions
Suites are classified from the structure of their IANA names (TLS_<kex>_<auth>_WITH_<cipher>_<mac>,
or TLS_<aead>_<hash> for TLS 1.3).
"""
import csv
import os
import re
import sys


def rows(ref, rel):
    with open(os.path.join(ref, rel), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def single_value(text):
    """'0x00,0x2F' / '0x0804' / '23' -> int; ranges and wildcards -> None."""
    t = text.strip()
    if "-" in t or "*" in t:
        return None
    m = re.fullmatch(r"0x([0-9A-Fa-f]{2}),0x([0-9A-Fa-f]{2})", t)
    if m:
        return int(m.group(1), 16) << 8 | int(m.group(2), 16)
    if re.fullmatch(r"0x[0-9A-Fa-f]+", t):
        return int(t, 16)
    if t.isdigit():
        return int(t)
    return None


def skip_desc(d):
    return d.startswith("Unassigned") or d.startswith("Reserved") or d == ""


def is_grease(v):
    return (v >> 8) == (v & 0xFF) and (v & 0x0F) == 0x0A


def c_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def json_plain(s):
    """True when s needs no JSON escaping: printable ASCII other than the quote and the backslash.
    The JSON writer copies suite names as they are (lib/src/output.c), so this must hold."""
    return all(0x20 <= ord(ch) < 0x7F and ch not in '"\\' for ch in s)


# --- cipher suites --------------------------------------------------------------------------

KEX_AUTH = {
    "NULL": ("TLSA_KEX_UNKNOWN", "TLSA_AUTH_NONE"),
    "RSA": ("TLSA_KEX_RSA", "TLSA_AUTH_RSA"),
    "DH_DSS": ("TLSA_KEX_DH", "TLSA_AUTH_DSS"),
    "DH_RSA": ("TLSA_KEX_DH", "TLSA_AUTH_RSA"),
    "DHE_DSS": ("TLSA_KEX_DHE", "TLSA_AUTH_DSS"),
    "DHE_RSA": ("TLSA_KEX_DHE", "TLSA_AUTH_RSA"),
    "DH_anon": ("TLSA_KEX_DHE", "TLSA_AUTH_ANON"),  # anonymous DH is ephemeral
    "ECDH_ECDSA": ("TLSA_KEX_ECDH", "TLSA_AUTH_ECDSA"),
    "ECDH_RSA": ("TLSA_KEX_ECDH", "TLSA_AUTH_RSA"),
    "ECDHE_ECDSA": ("TLSA_KEX_ECDHE", "TLSA_AUTH_ECDSA"),
    "ECDHE_RSA": ("TLSA_KEX_ECDHE", "TLSA_AUTH_RSA"),
    "ECDH_anon": ("TLSA_KEX_ECDHE", "TLSA_AUTH_ANON"),
    "PSK": ("TLSA_KEX_PSK", "TLSA_AUTH_PSK"),
    "DHE_PSK": ("TLSA_KEX_DHE_PSK", "TLSA_AUTH_PSK"),
    "PSK_DHE": ("TLSA_KEX_DHE_PSK", "TLSA_AUTH_PSK"),  # RFC 6655 spelling
    "ECDHE_PSK": ("TLSA_KEX_ECDHE_PSK", "TLSA_AUTH_PSK"),
    "RSA_PSK": ("TLSA_KEX_RSA_PSK", "TLSA_AUTH_RSA"),
    "KRB5": ("TLSA_KEX_UNKNOWN", "TLSA_AUTH_KRB5"),
    "SRP_SHA": ("TLSA_KEX_SRP", "TLSA_AUTH_SRP"),
    "SRP_SHA_RSA": ("TLSA_KEX_SRP", "TLSA_AUTH_RSA"),
    "SRP_SHA_DSS": ("TLSA_KEX_SRP", "TLSA_AUTH_DSS"),
    "ECCPWD": ("TLSA_KEX_UNKNOWN", "TLSA_AUTH_UNKNOWN"),
    "GOSTR341112_256": ("TLSA_KEX_UNKNOWN", "TLSA_AUTH_UNKNOWN"),
}

CIPHERS = [  # (name prefix, cipher kind), longest first
    ("3DES_EDE", "TLSA_CIPHER_3DES"), ("DES40", "TLSA_CIPHER_DES"), ("DES", "TLSA_CIPHER_DES"),
    ("AES_128", "TLSA_CIPHER_AES128"), ("AES_256", "TLSA_CIPHER_AES256"),
    ("CAMELLIA_128", "TLSA_CIPHER_CAMELLIA128"), ("CAMELLIA_256", "TLSA_CIPHER_CAMELLIA256"),
    ("ARIA_128", "TLSA_CIPHER_ARIA128"), ("ARIA_256", "TLSA_CIPHER_ARIA256"),
    ("CHACHA20", "TLSA_CIPHER_CHACHA20"), ("RC4", "TLSA_CIPHER_RC4"), ("RC2", "TLSA_CIPHER_RC2"),
    ("IDEA", "TLSA_CIPHER_IDEA"), ("SEED", "TLSA_CIPHER_SEED"), ("SM4", "TLSA_CIPHER_SM4"),
    ("KUZNYECHIK", "TLSA_CIPHER_GOST"), ("MAGMA", "TLSA_CIPHER_GOST"),
    ("28147", "TLSA_CIPHER_GOST"), ("NULL", "TLSA_CIPHER_NULL"), ("SHA256", "TLSA_CIPHER_NULL"),
    ("SHA384", "TLSA_CIPHER_NULL"), ("AEGIS", "TLSA_CIPHER_OTHER"), ("ASCON", "TLSA_CIPHER_OTHER"),
]

MACS = ["SHA512", "SHA384", "SHA256", "SHA", "MD5", "SM3", "ASCONHASH256"]


def classify_suite(sid, name):
    """-> dict of C field values for one suite."""
    info = {"kex": "TLSA_KEX_UNKNOWN", "auth": "TLSA_AUTH_UNKNOWN", "cipher": "TLSA_CIPHER_UNKNOWN",
            "mode": "TLSA_MODE_NONE", "mac": "", "export": False, "tls13": False}
    body = name[4:] if name.startswith("TLS_") else name
    if body.endswith("_SCSV"):
        info["mac"] = "NONE"
        return info
    if "_WITH_" in body:
        ka, enc = body.split("_WITH_", 1)
        if ka.endswith("_EXPORT"):
            info["export"] = True
            ka = ka[: -len("_EXPORT")]
        info["kex"], info["auth"] = KEX_AUTH.get(ka, ("TLSA_KEX_UNKNOWN", "TLSA_AUTH_UNKNOWN"))
    else:  # TLS 1.3 style: TLS_<aead>_<hash>
        enc = body
        info["tls13"] = True
        info["kex"], info["auth"] = "TLSA_KEX_TLS13", "TLSA_AUTH_TLS13"
    for prefix, kind in CIPHERS:
        if enc == prefix or enc.startswith(prefix + "_") or (prefix == "DES40" and enc.startswith("DES40")):
            info["cipher"] = kind
            break
    toks = enc.split("_")
    if "40" in toks or enc.startswith("DES40"):
        info["export"] = True
    if "GCM" in toks:
        info["mode"] = "TLSA_MODE_GCM"
    elif "CCM" in toks:
        info["mode"] = "TLSA_MODE_CCM8" if "8" in toks else "TLSA_MODE_CCM"
    elif "POLY1305" in toks:
        info["mode"] = "TLSA_MODE_POLY1305"
    elif "CBC" in toks:
        info["mode"] = "TLSA_MODE_CBC"
    elif info["cipher"] == "TLSA_CIPHER_RC4":
        info["mode"] = "TLSA_MODE_STREAM"
    elif info["cipher"] in ("TLSA_CIPHER_NULL", "TLSA_CIPHER_UNKNOWN"):
        info["mode"] = "TLSA_MODE_NONE"
    else:
        info["mode"] = "TLSA_MODE_OTHER"  # GOST CTR/CNT/MGM, AEGIS, ASCON
    aead = info["mode"] in ("TLSA_MODE_GCM", "TLSA_MODE_CCM", "TLSA_MODE_CCM8", "TLSA_MODE_POLY1305") \
        or "MGM" in toks or info["cipher"] in ("TLSA_CIPHER_OTHER",)
    if info["tls13"] and info["cipher"] == "TLSA_CIPHER_NULL":
        aead = False  # RFC 9150 integrity-only suites
    if aead and not info["tls13"]:
        info["mac"] = "AEAD"
    elif info["tls13"]:
        info["mac"] = "AEAD" if aead else toks[-1]
    else:
        last = toks[-1]
        info["mac"] = last if last in MACS else ("OMAC" if last == "OMAC" else ("IMIT" if last == "IMIT" else last))
    if info["cipher"] == "TLSA_CIPHER_NULL" and "NULL_NULL" in enc:
        info["mac"] = "NULL"
    return info


TESTSSL_KX = {"TLSA_KEX_RSA": {"RSA", "RSA(512)", "RSA(1024)"}, "TLSA_KEX_DHE": {"DH", "DH(512)", "DH(1024)"},
              "TLSA_KEX_ECDHE": {"ECDH"}, "TLSA_KEX_DH": {"DH/DSS", "DH/RSA", "DH"},
              "TLSA_KEX_ECDH": {"ECDH/ECDSA", "ECDH/RSA", "ECDH"}, "TLSA_KEX_TLS13": {"any"}}


def cross_check(ref, suites):
    """Warn where testssl's classification disagrees on kex, export or cipher family."""
    try:
        ts = rows(ref, "testssl/cipher-mapping.csv")
    except OSError:
        return
    by_id = {s[0]: s for s in suites}
    fam = {"TLSA_CIPHER_AES128": "AES", "TLSA_CIPHER_AES256": "AES", "TLSA_CIPHER_3DES": "3DES",
           "TLSA_CIPHER_DES": "DES", "TLSA_CIPHER_RC4": "RC4", "TLSA_CIPHER_CHACHA20": "ChaCha20",
           "TLSA_CIPHER_NULL": "None", "TLSA_CIPHER_CAMELLIA128": "Camellia",
           "TLSA_CIPHER_CAMELLIA256": "Camellia", "TLSA_CIPHER_ARIA128": "ARIA",
           "TLSA_CIPHER_ARIA256": "ARIA", "TLSA_CIPHER_SEED": "SEED", "TLSA_CIPHER_IDEA": "IDEA",
           "TLSA_CIPHER_RC2": "RC2"}
    for r in ts:
        v = single_value(r["code"])
        if v is None or v not in by_id or r["iana_name"] != by_id[v][1]:
            continue
        info = by_id[v][2]
        exp = r["export"].strip() in ("Y", "export")
        if exp != info["export"]:
            print(f"warning: 0x{v:04X} export: testssl {r['export']} vs {info['export']}", file=sys.stderr)
        want = fam.get(info["cipher"])
        if want and not r["enc"].startswith(want):
            print(f"warning: 0x{v:04X} cipher: testssl {r['enc']} vs {info['cipher']}", file=sys.stderr)
        kx = TESTSSL_KX.get(info["kex"])
        if kx and r["kx"] not in kx:
            print(f"warning: 0x{v:04X} kex: testssl {r['kx']} vs {info['kex']}", file=sys.stderr)


CSINFO_KEX = {"TLSA_KEX_RSA": {"RSA"}, "TLSA_KEX_DHE": {"DHE", "DH"}, "TLSA_KEX_ECDHE": {"ECDHE", "ECDH"},
              "TLSA_KEX_DH": {"DH"}, "TLSA_KEX_ECDH": {"ECDH"}, "TLSA_KEX_PSK": {"PSK"},
              "TLSA_KEX_DHE_PSK": {"DHE"}, "TLSA_KEX_ECDHE_PSK": {"ECDHE"}, "TLSA_KEX_RSA_PSK": {"RSA"},
              "TLSA_KEX_SRP": {"SRP"}, "TLSA_KEX_TLS13": {"-"}}
CSINFO_AUTH = {"TLSA_AUTH_RSA": {"RSA", "SHA RSA"}, "TLSA_AUTH_DSS": {"DSS", "SHA DSS"},
               "TLSA_AUTH_ECDSA": {"ECDSA"}, "TLSA_AUTH_ANON": {"anon"}, "TLSA_AUTH_PSK": {"PSK"},
               "TLSA_AUTH_KRB5": {"KRB5"}, "TLSA_AUTH_SRP": {"SHA"}, "TLSA_AUTH_TLS13": {"-"}}


def cross_check_csinfo(ref, suites):
    """Warn where ciphersuite.info's derived columns disagree on kex, auth or export."""
    try:
        info_rows = rows(ref, "ciphersuite_info/cipher-suite-ratings-derived.csv")
    except OSError:
        return
    by_id = {s[0]: s for s in suites}
    for r in info_rows:
        v = int(r["id_hex"], 16)
        if v not in by_id or r["iana_name"] != by_id[v][1]:
            continue
        info = by_id[v][2]
        if ("EXPORT" in r["protocol"]) != info["export"]:
            print(f"warning: 0x{v:04X} export: ciphersuite.info {r['protocol']} vs {info['export']}",
                  file=sys.stderr)
        kex = CSINFO_KEX.get(info["kex"])
        if kex and r["kex"] not in kex:
            print(f"warning: 0x{v:04X} kex: ciphersuite.info {r['kex']} vs {info['kex']}", file=sys.stderr)
        auth = CSINFO_AUTH.get(info["auth"])
        # Known, deliberate differences: RSA_PSK servers authenticate with an RSA certificate
        # (RFC 4279 §4; testssl agrees), and ciphersuite.info puts the hash of the RFC 9150
        # integrity-only TLS 1.3 suites in its auth column.
        if info["kex"] == "TLSA_KEX_RSA_PSK" or info["tls13"]:
            auth = None
        if auth and r["auth"] not in auth:
            print(f"warning: 0x{v:04X} auth: ciphersuite.info {r['auth']} vs {info['auth']}", file=sys.stderr)


def load_suites(ref):
    out = []
    for r in rows(ref, "iana/tls-parameters-4.csv"):
        v = single_value(r["Value"])
        d = r["Description"].strip()
        if v is None or skip_desc(d) or is_grease(v):
            continue
        rec = r["Recommended"].strip()
        out.append((v, d, classify_suite(v, d), rec if rec in ("Y", "N", "D") else ""))
    out.sort()
    return out


# --- groups ---------------------------------------------------------------------------------

def group_bits(name):
    """Security-relevant size: the curve's field size, the FFDHE modulus size, or for hybrids
    the size of the classical component; pure ML-KEM gets its parameter set number."""
    n = name.lower()
    if n.startswith("x25519"):
        return 255
    if n.startswith("x448"):
        return 448
    if n.startswith("curvesm2") or n.startswith("gc256"):
        return 256
    if n.startswith("gc512"):
        return 512
    for pat in (r"^ffdhe(\d+)", r"^sec[pt](\d+)", r"^brainpoolp(\d+)", r"^mlkem(\d+)"):
        m = re.match(pat, n)
        if m:
            return int(m.group(1))
    return 0


def load_groups(ref):
    groups = {}
    for r in rows(ref, "iana/tls-parameters-8.csv"):
        v = single_value(r["Value"])
        d = r["Description"].strip()
        if v is None or skip_desc(d) or is_grease(v):
            continue
        groups[v] = re.sub(r"\s*\(OBSOLETE\)$", "", d)
    try:  # rows registered after the snapshot: only description changes matter for names
        for r in rows(ref, "iana/known-updates-after-snapshot.csv"):
            if r["registry_file"] == "tls-parameters-8.csv" and r["field"] == "Description":
                groups[int(r["value"])] = r["newer_value"].strip()
    except OSError:
        pass
    try:  # names IANA's snapshot lacks (e.g. 0x11EE curveSM2MLKEM768)
        for r in rows(ref, "testssl/curves-mapping.csv"):
            v = int(r["id_hex"], 16)
            name = r["iana_name"].strip()
            if v not in groups and v != 0 and name and name != "-" and not is_grease(v):
                groups[v] = name
    except OSError:
        pass
    out = []
    for v in sorted(groups):
        name = groups[v]
        pq = bool(re.search(r"mlkem|kyber", name, re.I))
        out.append((v, name, group_bits(name), pq))
    return out


# --- signature schemes, extensions, alerts --------------------------------------------------

def load_sigschemes(ref):
    names = {}
    for r in rows(ref, "iana/tls-signaturescheme.csv"):
        v = single_value(r["Value"])
        d = r["Description"].strip()
        if v is None or skip_desc(d):
            continue
        names[v] = d
    # TLS 1.2 SignatureAndHashAlgorithm pairs the scheme registry only reserves (RFC 8446 §4.2.3).
    base = os.path.join("iana", "from-xml-2023-07-19")
    try:
        sig = {int(r["Value"]): r["Description"] for r in rows(ref, os.path.join(base, "tls-parameters-16.csv"))
               if r["Value"].isdigit() and int(r["Value"]) in (1, 2, 3)}
        hsh = {int(r["Value"]): r["Description"] for r in rows(ref, os.path.join(base, "tls-parameters-18.csv"))
               if r["Value"].isdigit() and 1 <= int(r["Value"]) <= 6}
        for h, hn in hsh.items():
            for s, sn in sig.items():
                v = h << 8 | s
                if v not in names:
                    names[v] = f"{sn}_{hn}"
    except OSError:
        pass
    return sorted(names.items())


EXTENSION_OVERRIDES = {
    # IANA renamed it "extended_main_secret"; RFC 7627's name is the one tools and people use.
    23: "extended_master_secret",
}


def load_extensions(ref):
    out = {}
    for r in rows(ref, "iana/tls-extensiontype-values-1.csv"):
        v = single_value(r["Value"])
        d = r["Extension Name"].strip()
        if v is None or skip_desc(d) or is_grease(v):
            continue
        d = re.sub(r"\s*\(renamed from .*\)$", "", d)
        d = re.sub(r"\s*\(deprecated\)$", "_deprecated", d)
        out[v] = EXTENSION_OVERRIDES.get(v, d)
    return sorted(out.items())


def load_alerts(ref):
    out = {}
    for r in rows(ref, "iana/tls-parameters-6.csv"):
        v = single_value(r["Value"])
        d = r["Description"].strip()
        if v is None or skip_desc(d) or v > 255:
            continue
        out[v] = re.sub(r"_RESERVED$", "", d)  # still the TLS ≤ 1.2 alert of that name
    return sorted(out.items())


# --- output ---------------------------------------------------------------------------------

def render_suite_index(suites):
    """Two-level index for an O(1) tlsa_suite_lookup: tlsa_gen_suite_page[id >> 8] is 0 when no
    suite has that high byte, else 1 + a row of tlsa_gen_suite_slot, whose [id & 0xFF] is 0 or
    1 + the suite's position in tlsa_gen_suites."""
    pages = sorted({v >> 8 for v, *_ in suites})
    if len(pages) > 255:
        sys.exit("too many suite pages for a uint8_t index")
    L = ["", "const uint8_t tlsa_gen_suite_page[256] = {"]
    L += [f"    [0x{hi:02X}] = {k + 1}," for k, hi in enumerate(pages)]
    L.append("};")
    L.append("const uint16_t tlsa_gen_suite_slot[][256] = {")
    for hi in pages:
        L.append("    {")
        L += [f"        [0x{v & 0xFF:02X}] = {n + 1},"
              for n, (v, *_) in enumerate(suites) if v >> 8 == hi]
        L.append("    },")
    L.append("};")
    return L


def render(ref):
    suites = load_suites(ref)
    cross_check(ref, suites)
    cross_check_csinfo(ref, suites)
    L = []
    L.append("/* GENERATED by tools/gen-names.py from the IANA TLS registries in shared/reference.")
    L.append(" * Do not edit: change the generator and re-run it. */")
    L.append("/* clang-format off */")
    L.append('#include "names_gen.h"')
    L.append("")
    L.append("const tlsa_suite_info tlsa_gen_suites[] = {")
    for v, name, i, rec in suites:
        if not json_plain(name) or len(name) > 255:
            sys.exit(f"0x{v:04X}: suite name {name!r} is not plain ASCII of at most 255 bytes")
        recc = f"'{rec}'" if rec else "0"
        L.append(f"    {{0x{v:04X}, {c_str(name)}, {i['kex']}, {i['auth']}, {i['cipher']}, {i['mode']},")
        L.append(f"     {c_str(i['mac'])}, {'true' if i['export'] else 'false'}, "
                 f"{'true' if i['tls13'] else 'false'}, {recc}, {len(name)}}},")
    L.append("};")
    L.append("const size_t tlsa_gen_suites_n = sizeof tlsa_gen_suites / sizeof tlsa_gen_suites[0];")
    L.extend(render_suite_index(suites))
    L.append("")
    L.append("const tlsa_gen_group tlsa_gen_groups[] = {")
    for v, name, bits, pq in load_groups(ref):
        L.append(f"    {{0x{v:04X}, {c_str(name)}, {bits}, {'true' if pq else 'false'}}},")
    L.append("};")
    L.append("const size_t tlsa_gen_groups_n = sizeof tlsa_gen_groups / sizeof tlsa_gen_groups[0];")
    for cname, items in (("sigschemes", load_sigschemes(ref)), ("extensions", load_extensions(ref))):
        L.append("")
        L.append(f"const tlsa_gen_name tlsa_gen_{cname}[] = {{")
        for v, name in items:
            L.append(f"    {{0x{v:04X}, {c_str(name)}}},")
        L.append("};")
        L.append(f"const size_t tlsa_gen_{cname}_n = sizeof tlsa_gen_{cname} / sizeof tlsa_gen_{cname}[0];")
    L.append("")
    L.append("const char *const tlsa_gen_alerts[256] = {")
    for v, name in load_alerts(ref):
        L.append(f"    [{v}] = {c_str(name)},")
    L.append("};")
    return "\n".join(L) + "\n"


def main(argv):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ref = os.path.join(root, "..", "shared", "reference")
    out = os.path.join(root, "lib", "src", "names_gen.c")
    args = list(argv[1:])
    if "-o" in args:
        i = args.index("-o")
        out = args[i + 1]
        del args[i : i + 2]
    if args:
        ref = args[0]
    text = render(ref)
    if out == "-":
        sys.stdout.write(text)
    else:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
