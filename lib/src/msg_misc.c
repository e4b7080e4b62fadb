/* The small handshake messages and the alert and heartbeat record payloads. */
#include "msg_util.h"

/* DistinguishedName certificate_authorities<0..2^16-1>, DistinguishedName <1..2^16-1>. */
static tlsa_err authorities(tlsa_cur *c) {
    tlsa_cur list, dn;
    TLSA_TRY(tlsa_cur_vec(c, 2, 0, 0xffff, 1, &list));
    while (tlsa_cur_left(&list) > 0)
        TLSA_TRY(tlsa_cur_vec(&list, 2, 1, 0xffff, 1, &dn));
    return TLSA_E_OK;
}

/* struct { ClientCertificateType certificate_types<1..2^8-1>;
 *          SignatureAndHashAlgorithm supported_signature_algorithms<2..2^16-2>;  (TLS 1.2 only)
 *          DistinguishedName certificate_authorities<0..2^16-1>; } CertificateRequest; */
static tlsa_err cr_legacy(tlsa_cur c, bool with_sig_algs) {
    tlsa_cur v;
    TLSA_TRY(tlsa_cur_vec(&c, 1, 1, 0xff, 1, &v));
    if (with_sig_algs)
        TLSA_TRY(tlsa_cur_vec(&c, 2, 2, 0xfffe, 2, &v));
    TLSA_TRY(authorities(&c));
    return tlsa_cur_done(&c);
}

/* TLS 1.3 (RFC 8446 §4.3.2):
 *     struct { opaque certificate_request_context<0..2^8-1>;
 *              Extension extensions<2..2^16-1>; } CertificateRequest;
 * For TLS ≤ 1.2 the version is not passed in, so the TLS 1.2 form (RFC 5246 §7.4.4) is tried
 * first and the TLS 1.0/1.1 form (RFC 4346 §7.4.4, no signature algorithms) second; the
 * TLS 1.2 form's error is reported when neither fits. */
tlsa_err tlsa_msg_certificate_request(const uint8_t *body, size_t len, bool tls13) {
    tlsa_cur c = tlsa_cur_make(body, len), v;
    if (!tls13) {
        tlsa_err e = cr_legacy(c, true);
        if (e != TLSA_E_OK && cr_legacy(c, false) == TLSA_E_OK)
            return TLSA_E_OK;
        return e;
    }
    TLSA_TRY(tlsa_cur_vec(&c, 1, 0, 0xff, 1, &v));
    TLSA_TRY(tlsa_cur_vec(&c, 2, 2, 0xffff, 1, &v));
    TLSA_TRY(tlsa_ext_check(&v, NULL));
    return tlsa_cur_done(&c);
}

/* struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } CertificateVerify;
 * (RFC 8446 §4.4.3 and TLS 1.2's digitally-signed; TLS ≤ 1.1 and SSL 3.0 carry only the
 * signature vector, RFC 4346 §7.4.8) */
tlsa_err tlsa_msg_certificate_verify(const uint8_t *body, size_t len, uint16_t version,
                                     uint16_t *scheme) {
    tlsa_cur c = tlsa_cur_make(body, len), sig;
    *scheme = 0;
    if (version >= TLSA_V_TLS12)
        TLSA_TRY(tlsa_cur_u16(&c, scheme));
    TLSA_TRY(tlsa_cur_vec(&c, 2, 0, 0xffff, 1, &sig));
    return tlsa_cur_done(&c);
}

/* TLS ≤ 1.2 (RFC 5077 §3.3):
 *     struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket;
 * TLS 1.3 (RFC 8446 §4.6.1):
 *     struct { uint32 ticket_lifetime; uint32 ticket_age_add; opaque ticket_nonce<0..255>;
 *              opaque ticket<1..2^16-1>; Extension extensions<0..2^16-2>; } NewSessionTicket;
 *     ticket_lifetime MUST NOT exceed 604800 seconds (7 days). */
tlsa_err tlsa_msg_new_session_ticket(const uint8_t *body, size_t len, bool tls13,
                                     uint32_t *lifetime) {
    tlsa_cur c = tlsa_cur_make(body, len), v;
    uint32_t age_add;
    *lifetime = 0;
    TLSA_TRY(tlsa_cur_u32(&c, lifetime));
    if (!tls13) {
        TLSA_TRY(tlsa_cur_vec(&c, 2, 0, 0xffff, 1, &v));
        return tlsa_cur_done(&c);
    }
    TLSA_ENSURE(*lifetime <= 604800, TLSA_E_BAD_VALUE);
    TLSA_TRY(tlsa_cur_u32(&c, &age_add));
    TLSA_TRY(tlsa_cur_vec(&c, 1, 0, 0xff, 1, &v));
    TLSA_TRY(tlsa_cur_vec(&c, 2, 1, 0xffff, 1, &v));
    TLSA_TRY(tlsa_cur_vec(&c, 2, 0, 0xfffe, 1, &v));
    TLSA_TRY(tlsa_ext_check(&v, NULL));
    return tlsa_cur_done(&c);
}

/* struct { CertificateStatusType status_type (ocsp = 1); select (status_type) { case ocsp:
 *     OCSPResponse; } response; } CertificateStatus;  opaque OCSPResponse<1..2^24-1>;
 * (RFC 6066 §8) */
tlsa_err tlsa_msg_certificate_status(const uint8_t *body, size_t len, uint32_t *ocsp_len) {
    tlsa_cur c = tlsa_cur_make(body, len), v;
    uint8_t type;
    *ocsp_len = 0;
    TLSA_TRY(tlsa_cur_u8(&c, &type));
    TLSA_ENSURE(type == 1, TLSA_E_BAD_VALUE);
    TLSA_TRY(tlsa_cur_vec(&c, 3, 1, 0xffffff, 1, &v));
    *ocsp_len = (uint32_t)tlsa_cur_left(&v);
    return tlsa_cur_done(&c);
}

/* enum { update_not_requested(0), update_requested(1) } KeyUpdateRequest;
 * struct { KeyUpdateRequest request_update; } KeyUpdate;  (RFC 8446 §4.6.3) */
tlsa_err tlsa_msg_key_update(const uint8_t *body, size_t len, uint8_t *request) {
    tlsa_cur c = tlsa_cur_make(body, len);
    *request = 0;
    TLSA_TRY(tlsa_cur_u8(&c, request));
    TLSA_ENSURE(*request <= 1, TLSA_E_BAD_VALUE);
    return tlsa_cur_done(&c);
}

/* struct {} HelloRequest / ServerHelloDone / EndOfEarlyData. */
tlsa_err tlsa_msg_empty(size_t len) {
    return len == 0 ? TLSA_E_OK : TLSA_E_TRAILING_BYTES;
}

/* opaque verify_data[Hash.length]: 36 bytes in SSL 3.0 (MD5 + SHA-1), 12 in TLS 1.0-1.2
 * (verify_data_length of every defined suite), the transcript hash length in TLS 1.3 (32 for
 * SHA-256 and SM3, 48 for SHA-384). Version 0 (unknown) accepts any of these. */
tlsa_err tlsa_msg_finished(size_t len, uint16_t version) {
    bool tls13 = tlsa_version_is_tls13(version);
    if (version == TLSA_V_SSL3)
        return len == 36 ? TLSA_E_OK : TLSA_E_BAD_LENGTH;
    if (tls13)
        return (len == 32 || len == 48) ? TLSA_E_OK : TLSA_E_BAD_LENGTH;
    if (version >= TLSA_V_TLS10 && version <= TLSA_V_TLS12)
        return len == 12 ? TLSA_E_OK : TLSA_E_BAD_LENGTH;
    return (len == 12 || len == 32 || len == 36 || len == 48) ? TLSA_E_OK : TLSA_E_BAD_LENGTH;
}

/* struct { AlertLevel level; AlertDescription description; } Alert;  (RFC 8446 §6)
 * level: warning(1), fatal(2). The values are returned even when the level is invalid. */
tlsa_err tlsa_msg_alert(const uint8_t *p, size_t len, uint8_t *level, uint8_t *desc) {
    tlsa_cur c = tlsa_cur_make(p, len);
    *level = 0;
    *desc = 0;
    TLSA_TRY(tlsa_cur_u8(&c, level));
    TLSA_TRY(tlsa_cur_u8(&c, desc));
    TLSA_TRY(tlsa_cur_done(&c));
    TLSA_ENSURE(*level == 1 || *level == 2, TLSA_E_BAD_VALUE);
    return TLSA_E_OK;
}

/* struct { HeartbeatMessageType type; uint16 payload_length;
 *          opaque payload[HeartbeatMessage.payload_length]; opaque padding[padding_length];
 * } HeartbeatMessage;  (RFC 6520 §4: padding is at least 16 bytes, type request(1) or
 * response(2)). A payload_length the record cannot hold is the Heartbleed pattern: reported
 * through *overflow, not as an error, because it is what the audit looks for. (Short padding
 * alone is not: the payload still fits.) */
tlsa_err tlsa_msg_heartbeat(const uint8_t *p, size_t len, uint8_t *type, bool *overflow) {
    tlsa_cur c = tlsa_cur_make(p, len);
    uint16_t payload_len;
    *type = 0;
    *overflow = false;
    TLSA_TRY(tlsa_cur_u8(&c, type));
    TLSA_TRY(tlsa_cur_u16(&c, &payload_len));
    *overflow = (size_t)payload_len + 3 > len;
    TLSA_ENSURE(*type == 1 || *type == 2, TLSA_E_BAD_VALUE);
    return TLSA_E_OK;
}
