/* The findings catalogue (design §4). Ids are an interface: never rename one. */
#ifndef TLSAUDIT_FINDING_H
#define TLSAUDIT_FINDING_H

#include "types.h"

typedef enum tlsa_severity {
    TLSA_SEV_INFO = 0,
    TLSA_SEV_LOW,
    TLSA_SEV_MEDIUM,
    TLSA_SEV_HIGH,
    TLSA_SEV_CRITICAL,
} tlsa_severity;

/* X(enum suffix, "id", severity, "title", "reference") */
#define TLSA_FINDINGS(X)                                                                           \
    X(CERT_EXPIRED, "cert.expired", HIGH, "certificate expired", "RFC 5280 §4.1.2.5")              \
    X(CERT_NOT_YET_VALID, "cert.not_yet_valid", HIGH, "certificate not yet valid",                 \
      "RFC 5280 §4.1.2.5")                                                                         \
    X(CERT_EXPIRES_SOON, "cert.expires_soon", LOW, "certificate expires within 30 days",           \
      "RFC 5280 §4.1.2.5")                                                                         \
    X(CERT_SELF_SIGNED, "cert.self_signed", HIGH, "self-signed server certificate",                \
      "RFC 5280 §6.1")                                                                             \
    X(CERT_UNTRUSTED, "cert.untrusted", HIGH,                                                      \
      "certificate chain does not verify to a trusted root", "RFC 5280 §6")                        \
    X(CERT_HOSTNAME_MISMATCH, "cert.hostname_mismatch", HIGH,                                      \
      "certificate does not cover the requested host name", "RFC 6125 §6")                         \
    X(CERT_WEAK_KEY, "cert.weak_key", HIGH, "weak certificate key", "NIST SP 800-131A Rev. 2")     \
    X(CERT_WEAK_SIGNATURE, "cert.weak_signature", HIGH, "certificate signed with MD5 or SHA-1",    \
      "CA/B Forum Baseline Requirements §7.1.3")                                                   \
    X(CERT_VALIDITY_TOO_LONG, "cert.validity_too_long", MEDIUM,                                    \
      "certificate lifetime exceeds the CA/B Forum maximum", "CA/B Forum Ballot SC-081v3")         \
    X(CERT_NO_SAN, "cert.no_san", MEDIUM, "certificate has no subjectAltName",                     \
      "RFC 6125 §6.4.4; CA/B Forum BR §7.1.2.7.12")                                                \
    X(CERT_LEAF_IS_CA, "cert.leaf_is_ca", MEDIUM, "server certificate is a CA certificate",        \
      "RFC 5280 §4.2.1.9")                                                                         \
    X(CERT_BAD_USAGE, "cert.bad_usage", MEDIUM,                                                    \
      "certificate key usage does not allow TLS server authentication", "RFC 5280 §4.2.1.12")      \
    X(CERT_CHAIN_ORDER, "cert.chain_order", LOW, "certificate chain not sent in issuing order",    \
      "RFC 8446 §4.4.2; RFC 5246 §7.4.2")                                                          \
    X(CERT_NOT_VISIBLE, "cert.not_visible", INFO, "certificate encrypted (TLS 1.3) and no keys",   \
      "RFC 8446 §4.4.2")                                                                           \
    X(VERSION_SSLV2, "version.sslv2", CRITICAL, "SSL 2.0 negotiated", "RFC 6176")                  \
    X(VERSION_SSLV3, "version.sslv3", CRITICAL, "SSL 3.0 negotiated", "RFC 7568")                  \
    X(VERSION_TLS10, "version.tls10", HIGH, "TLS 1.0 negotiated", "RFC 8996")                      \
    X(VERSION_TLS11, "version.tls11", HIGH, "TLS 1.1 negotiated", "RFC 8996")                      \
    X(CIPHER_NULL, "cipher.null", CRITICAL, "cipher suite without encryption", "RFC 5246 §A.5")    \
    X(CIPHER_EXPORT, "cipher.export", CRITICAL, "export-grade cipher suite",                       \
      "CVE-2015-0204 (FREAK); CVE-2015-4000 (Logjam)")                                             \
    X(CIPHER_ANON, "cipher.anon", CRITICAL, "anonymous cipher suite (no authentication)",          \
      "RFC 5246 §A.5")                                                                             \
    X(CIPHER_RC4, "cipher.rc4", HIGH, "RC4 cipher suite", "RFC 7465")                              \
    X(CIPHER_DES, "cipher.des", HIGH, "single-DES cipher suite", "RFC 5469")                       \
    X(CIPHER_3DES, "cipher.3des", HIGH, "3DES cipher suite (SWEET32)", "CVE-2016-2183")            \
    X(CIPHER_CBC, "cipher.cbc", LOW, "CBC-mode cipher suite (Lucky13, BEAST)",                     \
      "CVE-2013-0169; CVE-2011-3389")                                                              \
    X(CIPHER_NO_PFS, "cipher.no_pfs", MEDIUM, "key exchange without forward secrecy",              \
      "RFC 7525 §4.1; RFC 9325 §4.1")                                                              \
    X(CIPHER_POLICY, "cipher.policy", MEDIUM, "cipher suite outside the policy profile",           \
      "Mozilla Server Side TLS")                                                                   \
    X(CLIENT_OFFERS_WEAK, "client.offers_weak", LOW, "client offers weak cipher suites",           \
      "RFC 9325 §4.1")                                                                             \
    X(KEX_WEAK_DH, "kex.weak_dh", HIGH, "weak Diffie-Hellman group", "RFC 7919; weakdh.org")       \
    X(KEX_WEAK_CURVE, "kex.weak_curve", HIGH, "weak or non-policy elliptic curve",                 \
      "RFC 8422; Mozilla Server Side TLS")                                                         \
    X(KEX_NO_PQ, "kex.no_pq", INFO, "TLS 1.3 without a post-quantum hybrid key exchange",          \
      "draft-ietf-tls-ecdhe-mlkem")                                                                \
    X(SIG_WEAK_HASH, "sig.weak_hash", MEDIUM, "handshake signature uses MD5 or SHA-1", "RFC 9155") \
    X(PROTO_INSECURE_RENEGOTIATION, "proto.insecure_renegotiation", HIGH,                          \
      "secure renegotiation not supported", "RFC 5746; CVE-2009-3555")                             \
    X(PROTO_RENEGOTIATION, "proto.renegotiation", LOW, "renegotiation happened", "RFC 5746")       \
    X(PROTO_COMPRESSION, "proto.compression", HIGH, "TLS compression negotiated (CRIME)",          \
      "CVE-2012-4929")                                                                             \
    X(PROTO_HEARTBEAT, "proto.heartbeat", LOW, "heartbeat extension negotiated", "RFC 6520")       \
    X(PROTO_HEARTBLEED, "proto.heartbleed", CRITICAL,                                              \
      "heartbeat request longer than its record (Heartbleed)", "CVE-2014-0160")                    \
    X(PROTO_NO_EMS, "proto.no_ems", LOW, "TLS 1.2 without extended master secret",                 \
      "RFC 7627; CVE-2014-1295")                                                                   \
    X(PROTO_NO_SNI, "proto.no_sni", LOW, "ClientHello without server_name", "RFC 6066 §3")         \
    X(PROTO_DOWNGRADE, "proto.downgrade", HIGH, "protocol downgrade detected",                     \
      "RFC 8446 §4.1.3; RFC 7507")                                                                 \
    X(PROTO_FATAL_ALERT, "proto.fatal_alert", MEDIUM, "fatal alert", "RFC 8446 §6")                \
    X(PROTO_INCOMPLETE, "proto.incomplete", INFO, "handshake did not complete in the capture",     \
      "RFC 8446 §2")                                                                               \
    X(PROTO_EARLY_DATA, "proto.early_data", LOW, "TLS 1.3 0-RTT early data (replayable)",          \
      "RFC 8446 §8")                                                                               \
    X(PROTO_SSLV2_HELLO, "proto.sslv2_hello", MEDIUM, "SSLv2-compatible ClientHello",              \
      "RFC 6176 §3")                                                                               \
    X(PROTO_MALFORMED, "proto.malformed", MEDIUM, "malformed TLS record or handshake message",     \
      "RFC 8446 §6.2")                                                                             \
    X(HANDSHAKE_FINISHED_MISMATCH, "handshake.finished_mismatch", CRITICAL,                        \
      "Finished does not match the handshake transcript", "RFC 8446 §4.4.4; RFC 5246 §7.4.9")      \
    X(HANDSHAKE_CERTIFICATE_VERIFY_INVALID, "handshake.certificate_verify_invalid", CRITICAL,      \
      "CertificateVerify does not verify with the certificate key", "RFC 8446 §4.4.3")

typedef enum tlsa_finding_id {
#define TLSA_X_FID(e, id, sev, title, ref) TLSA_F_##e,
    TLSA_FINDINGS(TLSA_X_FID)
#undef TLSA_X_FID
        TLSA_F__COUNT
} tlsa_finding_id;

typedef struct tlsa_finding {
    uint16_t id;      /* tlsa_finding_id */
    uint8_t severity; /* tlsa_severity; normally the catalogue's, escalated for e.g. DH < 1024 */
    char *detail;     /* evidence in plain text; may quote wire values: faces escape it on output */
    uint64_t *frames;
    uint32_t n_frames;
} tlsa_finding;

TLSA_API const char *tlsa_finding_id_str(tlsa_finding_id id); /* "cert.expired" */
TLSA_API const char *tlsa_finding_title(tlsa_finding_id id);
TLSA_API const char *tlsa_finding_reference(tlsa_finding_id id);
TLSA_API tlsa_severity tlsa_finding_default_severity(tlsa_finding_id id);
/* Parse "cert.expired" back; returns TLSA_F__COUNT when unknown. */
TLSA_API tlsa_finding_id tlsa_finding_lookup(const char *id);
TLSA_API const char *tlsa_severity_name(tlsa_severity s); /* "info" … "critical" */
/* Parse "info".."critical"; returns -1 when unknown. */
TLSA_API int tlsa_severity_lookup(const char *name);

#endif
