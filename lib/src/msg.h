/* Parsers for handshake message bodies (the 4-byte handshake header already removed) and their
 * extensions. Pure: bytes in, structs out; read through tlsa_cur only; no I/O, no globals.
 * Output structs are the public ones from conn.h; the parsers allocate (malloc) the lists and
 * blobs they fill, and the matching *_clear functions free them. On error the output holds
 * whatever was parsed before the error (still owned by the struct: call *_clear). Unknown and
 * GREASE values are kept raw, never errors. The RFC struct is quoted above each parser. */
#ifndef TLSA_MSG_H
#define TLSA_MSG_H

#include "cursor.h"
#include "tlsaudit/engine.h"

/* The ServerHello.random that makes it a HelloRetryRequest (RFC 8446 §4.1.3). */
extern const uint8_t tlsa_hrr_random[32];

/* ClientHello (RFC 8446 §4.1.2, RFC 5246 §7.4.1.2). */
tlsa_err tlsa_msg_client_hello(const uint8_t *body, size_t len, const tlsa_limits *lim,
                               tlsa_client_hello *out) TLSA_WUR;
/* SSLv2-compatible ClientHello (RFC 5246 §E.2): the bytes after the 2-byte SSLv2 record header,
 * starting at msg_type (1). Sets out->sslv2_format; cipher specs with a 0x00 first byte are kept
 * as 16-bit suites, others dropped (counted nowhere). */
tlsa_err tlsa_msg_sslv2_client_hello(const uint8_t *body, size_t len,
                                     tlsa_client_hello *out) TLSA_WUR;
/* ServerHello, including HelloRetryRequest (RFC 8446 §4.1.3-4): *is_hrr is set when the random
 * is the HRR value; then out->hrr_group holds the requested group and out->hrr is true. The
 * downgrade sentinel is decoded into out->downgrade. */
tlsa_err tlsa_msg_server_hello(const uint8_t *body, size_t len, const tlsa_limits *lim,
                               tlsa_server_hello *out, bool *is_hrr) TLSA_WUR;
/* EncryptedExtensions (TLS 1.3, when decrypted): fills sh->alpn when present. */
tlsa_err tlsa_msg_encrypted_extensions(const uint8_t *body, size_t len, const tlsa_limits *lim,
                                       tlsa_server_hello *sh) TLSA_WUR;
/* Certificate: TLS ≤ 1.2 list (RFC 5246 §7.4.2) or TLS 1.3 with request context and per-entry
 * extensions (RFC 8446 §4.4.2). Appends DER copies to chain, at most lim->max_certs
 * (TLSA_E_LIMIT_CERTS after keeping the first max_certs). */
tlsa_err tlsa_msg_certificate(const uint8_t *body, size_t len, bool tls13, const tlsa_limits *lim,
                              tlsa_blob_list *chain) TLSA_WUR;
/* ServerKeyExchange (RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 4279): interpreted by kex kind
 * (enum tlsa_kex_kind from the negotiated suite) and version (signature_algorithm field only in
 * TLS 1.2). Fills dh_p/dh_g/dh_bits or group, public_len and ske_sig_scheme. For TLS ≤ 1.1
 * ske_sig_scheme stays 0. */
tlsa_err tlsa_msg_server_key_exchange(const uint8_t *body, size_t len, uint8_t kex_kind,
                                      uint16_t version, tlsa_kex *out) TLSA_WUR;
/* ClientKeyExchange (RFC 5246 §7.4.7): RSA encrypted pre-master (2-byte length, or none in
 * SSL 3.0), DHE Yc, ECDHE point, PSK identity forms. Fills out->cke_len. */
tlsa_err tlsa_msg_client_key_exchange(const uint8_t *body, size_t len, uint8_t kex_kind,
                                      uint16_t version, tlsa_kex *out) TLSA_WUR;
/* CertificateRequest (RFC 5246 §7.4.4; RFC 8446 §4.3.2). Validates structure only. */
tlsa_err tlsa_msg_certificate_request(const uint8_t *body, size_t len, bool tls13) TLSA_WUR;
/* CertificateVerify (RFC 8446 §4.4.3; RFC 5246 §7.4.8): *scheme = signature scheme
 * (0 for TLS ≤ 1.1, whose digitally-signed struct has no algorithm). */
tlsa_err tlsa_msg_certificate_verify(const uint8_t *body, size_t len, uint16_t version,
                                     uint16_t *scheme) TLSA_WUR;
/* NewSessionTicket (RFC 5077 §3.3; RFC 8446 §4.6.1). *lifetime = ticket_lifetime_hint/lifetime. */
tlsa_err tlsa_msg_new_session_ticket(const uint8_t *body, size_t len, bool tls13,
                                     uint32_t *lifetime) TLSA_WUR;
/* CertificateStatus (RFC 6066 §8): *ocsp_len = OCSP response length. */
tlsa_err tlsa_msg_certificate_status(const uint8_t *body, size_t len, uint32_t *ocsp_len) TLSA_WUR;
/* KeyUpdate (RFC 8446 §4.6.3): exactly one byte, 0 or 1. */
tlsa_err tlsa_msg_key_update(const uint8_t *body, size_t len, uint8_t *request) TLSA_WUR;
/* Empty messages: HelloRequest, ServerHelloDone, EndOfEarlyData must have len 0. */
tlsa_err tlsa_msg_empty(size_t len) TLSA_WUR;
/* Finished: verify_data is 12 bytes (TLS 1.0-1.2), 36 (SSL 3.0) or the hash length (TLS 1.3). */
tlsa_err tlsa_msg_finished(size_t len, uint16_t version) TLSA_WUR;

/* Alert record payload (RFC 8446 §6): exactly 2 bytes. */
tlsa_err tlsa_msg_alert(const uint8_t *p, size_t len, uint8_t *level, uint8_t *desc) TLSA_WUR;
/* Heartbeat record payload (RFC 6520 §4): *overflow set when payload_length + 3 + 16 exceeds
 * the record length (Heartbleed); *type 1 request, 2 response. */
tlsa_err tlsa_msg_heartbeat(const uint8_t *p, size_t len, uint8_t *type, bool *overflow) TLSA_WUR;

/* The extension list split into raw (type, body) entries, duplicates rejected
 * (TLSA_E_DUPLICATE_EXTENSION), at most lim->max_extensions (TLSA_E_LIMIT_EXTENSIONS). */
typedef struct tlsa_ext_raw {
    uint16_t type;
    tlsa_cur body;
} tlsa_ext_raw;
tlsa_err tlsa_ext_split(tlsa_cur *list, const tlsa_limits *lim, tlsa_ext_raw *out, size_t cap,
                        size_t *n) TLSA_WUR;

void tlsa_client_hello_clear(tlsa_client_hello *ch);
void tlsa_server_hello_clear(tlsa_server_hello *sh);
void tlsa_kex_clear(tlsa_kex *k);
void tlsa_blob_list_clear(tlsa_blob_list *l);
void tlsa_blob_clear(tlsa_blob *b);

#endif
