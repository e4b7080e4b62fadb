#!/usr/bin/env python3
"""Write samples/expected/NN-name.json and samples/README.md for the captures.

usage: expected.py SAMPLES_DIR

The expectations (findings, key exchange, certificate) are written down here by hand, one entry
per sample, from what the scenario does. Everything that tshark can see on the wire is then
checked against the capture (version, suite, SNI, ALPN, ports, resumption, number of
connections); a disagreement stops make-samples.sh. Client ports are read from the capture.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import facts  # noqa: E402

SNI = "server.tlsaudit.test"
T13 = ["cert.not_visible", "kex.no_pq"]          # TLS 1.3 full handshake, no keys given to tlsaudit
T13R = ["kex.no_pq"]                              # TLS 1.3 PSK resumption: no certificate sent

# step strings for the README
ST12 = "ClientHello → ServerHello, Certificate, ServerKeyExchange, ServerHelloDone → ClientKeyExchange, CCS, Finished → NewSessionTicket, CCS, Finished → data"
ST12RSA = "ClientHello → ServerHello, Certificate, ServerHelloDone → ClientKeyExchange, CCS, Finished → NewSessionTicket, CCS, Finished → data"
ST12G = "ClientHello → ServerHello, Certificate, ServerKeyExchange, ServerHelloDone → ClientKeyExchange, CCS, Finished → NewSessionTicket, CCS, Finished → data (GnuTLS)"
ST12OLD = "ClientHello → ServerHello, Certificate, ServerKeyExchange, ServerHelloDone → ClientKeyExchange, CCS, Finished → NewSessionTicket, CCS, Finished → data"
ST13 = "ClientHello → ServerHello, CCS, {EncryptedExtensions, Certificate, CertificateVerify, Finished} → CCS, {Finished} → {NewSessionTicket …} → data"
ST13R = "ClientHello(+PSK) → ServerHello(+PSK), CCS, {EncryptedExtensions, Finished} → CCS, {Finished} → data"
ST12NT = "ClientHello → ServerHello, Certificate, ServerKeyExchange, ServerHelloDone → ClientKeyExchange, CCS, Finished → CCS, Finished → data"
ST12R = "ClientHello(+session) → ServerHello, CCS, Finished → CCS, Finished → data"


def conn(server_port, version, cipher, kex, cert="server", sni=SNI, alpn=None, resumed=False, complete=True,
         findings=(), check=True):
    return dict(server_port=server_port, version=version, cipher=cipher, kex=kex, cert=cert, sni=sni, alpn=alpn,
                resumed=resumed, complete=complete, findings=sorted(findings), check=check)


def c12(port=4433, cert="server", sni=SNI, findings=(), kex="ECDHE x25519",
        cipher="TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", version="TLS 1.2", **kw):
    return conn(port, version, cipher, kex, cert=cert, sni=sni, findings=findings, **kw)


def c13(port=4433, kex="TLS 1.3 x25519", sni=SNI, findings=T13, **kw):
    # the certificate is encrypted: not visible without keys
    return conn(port, "TLS 1.3", "TLS_AES_256_GCM_SHA384", kex, cert=None, sni=sni, findings=findings, **kw)


def c13r(port=4433, findings=T13R, **kw):
    return conn(port, "TLS 1.3", "TLS_AES_256_GCM_SHA384", "TLS 1.3 x25519 (PSK)", cert=None, resumed=True,
                findings=findings, **kw)


def c12r(port=4433, **kw):
    return conn(port, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "none (resumed)", cert=None,
                resumed=True, **kw)


RSA12 = dict(cipher="TLS_RSA_WITH_AES_128_GCM_SHA256", kex="RSA", findings=["cipher.no_pfs", "cipher.policy"])
CBC12 = dict(cipher="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", findings=["cipher.cbc", "cipher.policy"])
P256 = "ECDHE secp256r1"


def many():
    out = []
    for _ in range(4):
        out += [c13(4433), c12(443), c12(4433, **RSA12), c12(4433, **CBC12),
                c12(8443, cert="expired", sni="expired.tlsaudit.test", findings=["cert.expired"])]
    return out


# file -> (what it shows, handshake steps, connections, stack)
SAMPLES = {
    "01-tls12-rsa": ("TLS 1.2 with static RSA key exchange; full chain; server key and key log in keys/",
                     ST12RSA, [c12(**RSA12)], "OpenSSL"),
    "02-tls10": ("TLS 1.0 (SECLEVEL=0 on both sides)", ST12OLD,
                 [c12(version="TLS 1.0", cipher="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                      findings=["cipher.cbc", "cipher.policy", "sig.weak_hash", "version.tls10"])], "OpenSSL"),
    "03-tls11": ("TLS 1.1 (SECLEVEL=0 on both sides)", ST12OLD,
                 [c12(version="TLS 1.1", cipher="TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
                      findings=["cipher.cbc", "cipher.policy", "sig.weak_hash", "version.tls11"])], "OpenSSL"),
    "04-tls12-ecdhe-rsa": ("TLS 1.2 ECDHE-RSA, GnuTLS on both sides", ST12G,
                           [c12(8443, kex=P256)], "GnuTLS"),
    "05-tls13": ("TLS 1.3 full handshake", ST13, [c13()], "OpenSSL"),
    "06-tls12-ecdhe-ecdsa": ("TLS 1.2 ECDHE-ECDSA (P-256 leaf), GnuTLS", ST12G,
                             [c12(8443, kex=P256, cipher="TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", cert="ecdsa",
                                  sni="ecdsa.tlsaudit.test")], "GnuTLS"),
    "07-tls12-dhe1024": ("TLS 1.2 DHE with a 1024-bit group (RFC 2409 Oakley group 2)", ST12,
                         [c12(kex="DHE 1024", cipher="TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                              findings=["cipher.policy", "kex.weak_dh"])], "OpenSSL"),
    # Mozilla intermediate 6.0 lists no DHE suite, so DHE is outside the default policy.
    "08-tls12-dhe2048": ("TLS 1.2 DHE with RFC 7919 ffdhe2048", ST12,
                         [c12(kex="DHE 2048", cipher="TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
                              findings=["cipher.policy"])], "OpenSSL"),
    "09-tls13-hrr": ("TLS 1.3 HelloRetryRequest: client key share x25519 only, server wants P-256",
                     "ClientHello(x25519) → HelloRetryRequest(secp256r1), CCS → CCS, ClientHello(secp256r1) → ServerHello, {EncryptedExtensions, Certificate, CertificateVerify, Finished} → {Finished} → {NewSessionTicket …} → data",
                     [c13(kex="TLS 1.3 secp256r1")], "OpenSSL"),
    "10-tls13-psk-resume": ("TLS 1.3 full handshake, then PSK resumption (psk_dhe_ke) with its ticket",
                            ST13 + " ‖ " + ST13R, [c13(), c13r()], "OpenSSL"),
    "11-tls13-0rtt": ("TLS 1.3 full handshake, then resumption with 0-RTT early data (accepted)",
                      ST13 + " ‖ ClientHello(+PSK, early_data), CCS, {early data} → ServerHello, CCS, {EncryptedExtensions(early_data), Finished} → {EndOfEarlyData, Finished} → data",
                      [c13(), c13r(findings=["kex.no_pq", "proto.early_data"])], "OpenSSL"),
    "12-tls12-mtls": ("TLS 1.2 mutual TLS (client certificate CN=client.tlsaudit.test)",
                      "ClientHello → ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone → Certificate, ClientKeyExchange, CertificateVerify, CCS, Finished → NewSessionTicket, CCS, Finished → data",
                      [c12()], "OpenSSL"),
    "13-tls13-mtls": ("TLS 1.3 mutual TLS (client certificate encrypted)",
                      "ClientHello → ServerHello, {EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished} → {Certificate, CertificateVerify, Finished} → data",
                      [c13()], "OpenSSL"),
    "14-tls12-resume-sessid": ("TLS 1.2 full handshake (no tickets), then resumption by session id",
                               ST12NT + " ‖ " + ST12R, [c12(), c12r()], "OpenSSL"),
    "15-tls12-resume-ticket": ("TLS 1.2 full handshake, then resumption by session ticket",
                               ST12 + " ‖ ClientHello(+ticket) → ServerHello, CCS, Finished → CCS, Finished → data",
                               [c12(), c12r()], "OpenSSL"),
    "16-tls12-reneg": ("TLS 1.2 secure renegotiation started by the client (gnutls-cli --rehandshake)",
                       ST12G + " → {ClientHello → ServerHello, Certificate, ServerKeyExchange, ServerHelloDone → ClientKeyExchange, CCS, Finished → CCS, Finished} (encrypted) → data",
                       [c12(8443, kex=P256, findings=["proto.renegotiation"])], "GnuTLS"),
    "17-cert-expired": ("leaf expired 2026-05-15 (before the capture)", ST12,
                        [c12(cert="expired", sni="expired.tlsaudit.test", findings=["cert.expired"])], "OpenSSL"),
    "18-cert-not-yet-valid": ("leaf valid only from 2026-07-01", ST12,
                              [c12(cert="notyet", sni="notyet.tlsaudit.test", findings=["cert.not_yet_valid"])],
                              "OpenSSL"),
    "19-cert-self-signed": ("self-signed leaf", ST12,
                            [c12(cert="selfsigned", sni="selfsigned.tlsaudit.test",
                                 findings=["cert.self_signed", "cert.untrusted"])], "OpenSSL"),
    "20-cert-wrong-host": ("SNI www.example.tlsaudit.test, certificate for server.tlsaudit.test", ST12,
                           [c12(sni="www.example.tlsaudit.test", findings=["cert.hostname_mismatch"])], "OpenSSL"),
    "21-cert-wildcard-ok": ("a.wild.tlsaudit.test matches *.wild.tlsaudit.test", ST12,
                            [c12(cert="wild", sni="a.wild.tlsaudit.test")], "OpenSSL"),
    "22-cert-wildcard-bad": ("x.y.wild.tlsaudit.test does not match *.wild.tlsaudit.test", ST12,
                             [c12(cert="wild", sni="x.y.wild.tlsaudit.test", findings=["cert.hostname_mismatch"])],
                             "OpenSSL"),
    "23-cert-no-intermediate": ("server sends the leaf only (intermediate missing)", ST12,
                                [c12(findings=["cert.untrusted"])], "OpenSSL"),
    "24-cert-unknown-root": ("leaf issued by \"tlsaudit Other Root CA\" (not in ca.pem)", ST12,
                             [c12(cert="unknownca", sni="unknownca.tlsaudit.test", findings=["cert.untrusted"])],
                             "OpenSSL"),
    "25-cert-rsa1024": ("RSA 1024-bit leaf key", ST12,
                        [c12(cert="weakkey", sni="weakkey.tlsaudit.test", findings=["cert.weak_key"])], "OpenSSL"),
    "26-cert-sha1": ("leaf signed with sha1WithRSAEncryption", ST12,
                     [c12(cert="sha1", sni="sha1.tlsaudit.test", findings=["cert.weak_signature"])], "OpenSSL"),
    "27-cert-too-long": ("leaf lifetime 365 days, issued 2026-05-01 (limit 200 days)", ST12,
                         [c12(cert="longlife", sni="longlife.tlsaudit.test", findings=["cert.validity_too_long"])],
                         "OpenSSL"),
    "28-cert-no-san": ("leaf without subjectAltName (CN only, CN matches SNI)", ST12,
                       [c12(cert="nosan", sni="nosan.tlsaudit.test", findings=["cert.no_san"])], "OpenSSL"),
    "29-cert-leaf-is-ca": ("leaf with basicConstraints CA:TRUE", ST12,
                           [c12(cert="leafca", sni="leafca.tlsaudit.test", findings=["cert.leaf_is_ca"])], "OpenSSL"),
    "30-cert-eku-client": ("leaf with extendedKeyUsage clientAuth only", ST12,
                           [c12(cert="clientonly", sni="clientonly.tlsaudit.test", findings=["cert.bad_usage"])],
                           "OpenSSL"),
    "31-cert-long-chain": ("root → 3 intermediates → leaf, all sent", ST12,
                           [c12(cert="longchain", sni="longchain.tlsaudit.test")], "OpenSSL"),
    "32-cipher-3des": ("TLS 1.2 with 3DES (GnuTLS, +3DES-CBC)", ST12G,
                       [c12(8443, kex=P256, cipher="TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA",
                            findings=["cipher.3des", "cipher.cbc", "cipher.policy"])], "GnuTLS"),
    "33-cipher-cbc": ("TLS 1.2 with an AES-CBC suite", ST12,
                      [c12(cipher="TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", findings=["cipher.cbc", "cipher.policy"])],
                      "OpenSSL"),
    "34-cipher-null": ("TLS 1.2 NULL encryption (records readable: Finished and alerts in clear)",
                       ST12RSA.replace(" → data", " → data (plaintext)"),
                       [c12(cipher="TLS_RSA_WITH_NULL_SHA256", kex="RSA",
                            findings=["cipher.no_pfs", "cipher.null", "cipher.policy", "client.offers_weak"])],
                       "OpenSSL"),
    "35-cipher-anon": ("TLS 1.2 anonymous DH: no certificate at all",
                       "ClientHello → ServerHello, ServerKeyExchange, ServerHelloDone → ClientKeyExchange, CCS, Finished → NewSessionTicket, CCS, Finished → data",
                       [c12(cert=None, kex="DHE 2048", cipher="TLS_DH_anon_WITH_AES_128_GCM_SHA256",
                            findings=["cipher.anon", "cipher.policy", "client.offers_weak"])], "OpenSSL"),
    "36-alert-unknown-ca": ("client verifies against ca.pem and aborts with fatal alert unknown_ca",
                            "ClientHello → ServerHello, Certificate, ServerKeyExchange, ServerHelloDone → Alert(fatal, unknown_ca) from client at step 3",
                            [c12(cert="unknownca", sni="unknownca.tlsaudit.test", complete=False,
                                 findings=["cert.untrusted", "proto.fatal_alert", "proto.incomplete"])], "OpenSSL"),
    "37-cut-after-serverhello": ("capture ends after the server's first flight",
                                 "ClientHello → ServerHello, Certificate, ServerKeyExchange, ServerHelloDone → (capture ends)",
                                 [c12(complete=False, findings=["proto.incomplete"])], "OpenSSL"),
    "38-no-sni": ("ClientHello without server_name, port 443", ST12,
                  [c12(443, sni=None, findings=["proto.no_sni"])], "OpenSSL"),
    "39-alpn": ("ALPN: client offers h2,http/1.1, server picks http/1.1", ST12, [c12(alpn="http/1.1")], "OpenSSL"),
    "40-tls13-gnutls-443": ("TLS 1.3 between GnuTLS peers on port 443", ST13, [c13(443, kex="TLS 1.3 secp256r1")],
                            "GnuTLS"),
    "41-starttls-smtp": ("SMTP STARTTLS on port 25 (Python ssl server, s_client -starttls smtp)",
                         "plain SMTP 220/EHLO/250-STARTTLS/STARTTLS/220 → " + ST13,
                         [c13(25, sni="mail.tlsaudit.test")], "OpenSSL client, Python ssl server"),
    "42-frag-small-mtu": ("lo MTU 576, max_send_frag 512: 4-certificate chain in many records and TCP segments",
                          ST12, [c12(cert="longchain", sni="longchain.tlsaudit.test")], "OpenSSL"),
    "43-reorder-retrans": ("copy of 42 with server segments swapped (out of order) and duplicated (retransmissions)",
                           ST12, [c12(cert="longchain", sni="longchain.tlsaudit.test", check=False)], "OpenSSL"),
    "44-midstream": ("capture starts at the ClientHello: SYN, SYN/ACK, ACK dropped", ST12, [c12()], "OpenSSL"),
    "45-truncated-file": ("file cut 40 bytes before its end, in the middle of the last packet (a final ACK)", ST12,
                          [c12()], "OpenSSL"),
    "46-snaplen-200": ("tcpdump -s 200: every packet cut to 200 bytes (ClientHello and certificate lost)",
                       "ClientHello (cut) → ServerHello, (Certificate … cut) → … (cut) → data (cut)",
                       [conn(4433, "TLS 1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE", cert=None, sni=None,
                             complete=False, findings=["proto.incomplete"], check=False)], "OpenSSL"),
    "47-ipv6": ("TLS 1.2 over IPv6 (::1)", ST12, [c12()], "OpenSSL"),
    "48-linux-sll": ("Linux cooked capture v1 (tcpdump -i any -y LINUX_SLL)", ST12, [c12()], "OpenSSL"),
    "49-linux-sll2": ("Linux cooked capture v2 (tcpdump -i any -y LINUX_SLL2), TLS 1.3", ST13, [c13()], "OpenSSL"),
    "50-vlan": ("Ethernet frames with an 802.1Q tag (VLAN 100) inserted", ST12, [c12()], "OpenSSL"),
    "51-mixed-non-tls": ("plain HTTP on 8080 and a DNS query on UDP 53 around one TLS connection", ST12,
                         [c12()], "OpenSSL"),
    "52-many-connections": ("20 connections: 4 × (TLS 1.3, TLS 1.2 on 443, static RSA, CBC, expired leaf on 8443)",
                            "as 05, 04, 01, 33, 17", many(), "OpenSSL"),
    "53-no-ems": ("TLS 1.2 without extended_master_secret (GnuTLS client %NO_SESSION_HASH)", ST12G,
                  [c12(8443, kex=P256, findings=["proto.no_ems"])], "GnuTLS"),
    "54-insecure-reneg-client": ("client sends neither renegotiation_info nor the SCSV (GnuTLS %DISABLE_SAFE_RENEGOTIATION)",
                                 ST12G, [c12(8443, kex=P256, findings=["proto.insecure_renegotiation"])], "GnuTLS"),
    "55-cert-chain-order": ("long chain sent as leaf, int-a, int-b, int-c (issuing order is leaf, int-c, int-b, int-a)",
                            ST12, [c12(cert="longchain", sni="longchain.tlsaudit.test", findings=["cert.chain_order"])],
                            "OpenSSL"),
    "56-cert-expires-soon": ("leaf expires 2026-06-15, 14 days after the capture", ST12,
                             [c12(cert="soon", sni="soon.tlsaudit.test", findings=["cert.expires_soon"])], "OpenSSL"),
    "57-fallback-scsv": ("TLS 1.2 ClientHello with TLS_FALLBACK_SCSV to a TLS 1.3 server: fatal inappropriate_fallback",
                         "ClientHello(TLS 1.2, FALLBACK_SCSV) → Alert(fatal, inappropriate_fallback) from server at step 2",
                         [conn(4433, None, None, None, cert=None, complete=False,
                               findings=["proto.downgrade", "proto.fatal_alert", "proto.incomplete"])], "OpenSSL"),
    "58-ske-sha1": ("TLS 1.2 ServerKeyExchange signed with rsa_pkcs1_sha1 (client allows only SIGN-RSA-SHA1)", ST12G,
                    [c12(8443, kex=P256, findings=["sig.weak_hash"])], "GnuTLS"),
    "59-heartbeat": ("TLS 1.2 with the heartbeat extension negotiated (GnuTLS --heartbeat on both sides)", ST12G,
                     [c12(8443, kex=P256, findings=["proto.heartbeat"])], "GnuTLS"),
    "60-weak-curve": ("TLS 1.2 ECDHE over secp192r1", ST12G,
                      [c12(8443, kex="ECDHE secp192r1", findings=["kex.weak_curve"])], "GnuTLS"),
}


def cert_info(pki, name):
    pem = os.path.join(pki, name + ".pem")
    out = subprocess.run(["openssl", "x509", "-in", pem, "-noout", "-subject", "-nameopt", "RFC2253",
                          "-startdate", "-enddate", "-dateopt", "iso_8601"], capture_output=True, text=True,
                         check=True).stdout
    d = {}
    for line in out.splitlines():
        k, _, v = line.partition("=")
        d[k.strip()] = v.strip()
    def iso(s):  # "2026-05-01 00:00:00Z" -> "2026-05-01T00:00:00Z"
        return s.replace(" ", "T")
    return d["subject"], iso(d["notBefore"]), iso(d["notAfter"])


def main():
    here = sys.argv[1]
    pki = os.path.join(here, "pki")
    expdir = os.path.join(here, "expected")
    os.makedirs(expdir, exist_ok=True)
    errors = []
    rows = []
    for name, (what, steps, conns, stack) in SAMPLES.items():
        fn = name + ".pcap"
        path = os.path.join(here, fn)
        if not os.path.exists(path):
            errors.append(f"{fn}: missing")
            continue
        seen, _ = facts.facts(path)
        tls = [c for c in seen if c["tls"] and c["server_port"] not in (8080, 53)]
        if len(tls) != len(conns):
            errors.append(f"{fn}: {len(tls)} TLS connections in the capture, {len(conns)} expected")
            continue
        out = []
        for e, f in zip(conns, tls):
            if f["server_port"] != e["server_port"]:
                errors.append(f"{fn}: server port {f['server_port']} != {e['server_port']}")
            if e["check"]:
                for k in ("version", "cipher", "sni", "alpn"):
                    if f[k] != e[k]:
                        errors.append(f"{fn}: {k} on the wire {f[k]!r}, expected {e[k]!r}")
                if f["server_hellos"] == 0:
                    resumed = False
                elif e["version"] == "TLS 1.3":
                    resumed = f["psk"]
                else:
                    resumed = not any(t in f["hs_types"] for t in (11, 12, 16))
                if e["resumed"] != resumed:
                    errors.append(f"{fn}: resumption on the wire: {resumed}")
                if e["version"] == "TLS 1.2" and not e["resumed"]:
                    if ("proto.no_ems" in e["findings"]) == f["ems"]:
                        errors.append(f"{fn}: extended_master_secret on the wire: {f['ems']}")
                if e["version"] not in ("TLS 1.3", None):
                    insecure = not all(f["reneg_info"])
                    if ("proto.insecure_renegotiation" in e["findings"]) != insecure:
                        errors.append(f"{fn}: renegotiation_info on the wire: {f['reneg_info']}")
                if e["kex"] and e["kex"].startswith("DHE") and f["dh_bits"] != int(e["kex"].split()[1]):
                    errors.append(f"{fn}: DH group {f['dh_bits']} bits")
                if e["kex"] and e["kex"].startswith(("ECDHE", "TLS 1.3")) and f["group"] != e["kex"].replace(" (PSK)", "").split()[-1]:
                    errors.append(f"{fn}: group on the wire {f['group']}, expected {e['kex']}")
                if ("proto.fatal_alert" in e["findings"]) != bool(f["fatal_alerts"]):
                    errors.append(f"{fn}: alerts on the wire {f['alerts']}")
                if e["sni"] is None and f["sni"] is not None:
                    errors.append(f"{fn}: SNI present")
            subj = nb = na = None
            if e["cert"]:
                subj, nb, na = cert_info(pki, e["cert"])
            out.append({"client_port": f["client_port"], "server_port": e["server_port"], "version": e["version"],
                        "cipher": e["cipher"], "kex": e["kex"], "sni": e["sni"], "alpn": e["alpn"],
                        "resumed": e["resumed"], "complete": e["complete"], "cert_subject": subj,
                        "cert_not_before": nb, "cert_not_after": na, "findings": e["findings"]})
        with open(os.path.join(expdir, name + ".json"), "w") as fh:
            fh.write('{"file": %s, "connections": [\n' % json.dumps(fn))
            fh.write(",\n".join("  " + json.dumps(c) for c in out))
            fh.write("\n]}\n")
        rows.append((fn, what, steps, out, stack))
    if errors:
        for e in errors:
            print("expected.py: " + e, file=sys.stderr)
        sys.exit(1)
    write_readme(here, rows)


def md(s):
    return str(s).replace("|", "\\|")


def write_readme(here, rows):
    tmpl = open(os.path.join(here, "lib", "README.head.md")).read()
    tmpl = tmpl.replace("__RUNTIME__", os.environ.get("SAMPLES_RUNTIME", "?"))
    tail = open(os.path.join(here, "lib", "README.tail.md")).read()
    lines = ["| file | what it shows | handshake steps | expected findings | version | suite | key exchange | SNI | leaf subject | stack |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for fn, what, steps, out, stack in rows:
        if len(out) > 2:
            kinds = {}
            for c in out:
                kinds.setdefault(", ".join(c["findings"]) or "–", 0)
                kinds[", ".join(c["findings"]) or "–"] += 1
            fnd = "; ".join(f"{n}× {k}" for k, n in kinds.items())
            lines.append(f"| `{fn}` | {md(what)} | {md(steps)} | {md(fnd)} | mixed | mixed | mixed | mixed | mixed | {stack} |")
            continue
        for i, c in enumerate(out):
            label = f"`{fn}`" if i == 0 else f"`{fn}` #{i + 1}"
            lines.append("| " + " | ".join([
                label, md(what) if i == 0 else "(second connection)", md(steps) if i == 0 else "see above",
                md(", ".join(f"`{x}`" for x in c["findings"]) or "–"), md(c["version"] or "–"), md(c["cipher"] or "–"),
                md(c["kex"] or "–"), md(c["sni"] or "(none)"), md(c["cert_subject"] or "(not visible)"), stack]) + " |")
    with open(os.path.join(here, "README.md"), "w") as fh:
        fh.write(tmpl.rstrip() + "\n\n" + "\n".join(lines) + "\n\n" + tail.lstrip())


if __name__ == "__main__":
    main()
