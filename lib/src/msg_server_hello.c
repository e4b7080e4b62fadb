/* ServerHello (and HelloRetryRequest, which shares its form) and EncryptedExtensions. */
#include <string.h>

#include "msg_util.h"

/* RFC 8446 §4.1.3: SHA-256("HelloRetryRequest"). */
const uint8_t tlsa_hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};
/* RFC 8446 §4.1.3: "DOWNGRD" followed by 01 (TLS 1.2) or 00 (TLS 1.1 and below). */
static const uint8_t downgrade_prefix[7] = {0x44, 0x4F, 0x57, 0x4E, 0x47, 0x52, 0x44};

/* Frees what an earlier parse left; keeps what the caller owns (present, frame) and what an
 * earlier HelloRetryRequest established (hrr, hrr_group). */
static void reset(tlsa_server_hello *sh) {
    tlsa_server_hello keep = {
        .present = sh->present, .frame = sh->frame, .hrr = sh->hrr, .hrr_group = sh->hrr_group};
    tlsa_server_hello_clear(sh);
    *sh = keep;
}

/* TLS 1.3 drafts before 22 (0x7f01..0x7f15) sent the negotiated version in the version field and
 * had no legacy_session_id_echo or compression method:
 *     struct { ProtocolVersion version; Random random; CipherSuite cipher_suite;
 *              Extension extensions<0..2^16-1>; } ServerHello;  (draft-ietf-tls-tls13-21 §4.1.3) */
static bool is_early_draft(uint16_t v) {
    return (v >> 8) == 0x7f && (v & 0xff) < 22;
}

/* struct {
 *     ProtocolVersion legacy_version;
 *     Random random;
 *     opaque legacy_session_id_echo<0..32>;
 *     CipherSuite cipher_suite;
 *     uint8 legacy_compression_method;
 *     Extension extensions<6..2^16-1>;
 * } ServerHello;
 * (RFC 8446 §4.1.3; TLS ≤ 1.2 may omit the extensions block, RFC 5246 §7.4.1.3.) */
tlsa_err tlsa_msg_server_hello(const uint8_t *body, size_t len, const tlsa_limits *lim,
                               tlsa_server_hello *out, bool *is_hrr) {
    tlsa_cur c = tlsa_cur_make(body, len), v;
    *is_hrr = false;
    reset(out);
    TLSA_TRY(tlsa_cur_u16(&c, &out->legacy_version));
    out->version = out->legacy_version;
    TLSA_TRY(tlsa_cur_copy(&c, out->random, sizeof out->random));
    if (memcmp(out->random, tlsa_hrr_random, sizeof tlsa_hrr_random) == 0) {
        *is_hrr = true;
        out->hrr = true;
    } else if (memcmp(out->random + 24, downgrade_prefix, sizeof downgrade_prefix) == 0) {
        if (out->random[31] == 0x01)
            out->downgrade = 12;
        else if (out->random[31] == 0x00)
            out->downgrade = 11;
    }
    if (is_early_draft(out->legacy_version)) {
        TLSA_TRY(tlsa_cur_u16(&c, &out->suite));
    } else {
        TLSA_TRY(tlsa_cur_vec(&c, 1, 0, 32, 1, &v));
        TLSA_TRY(tlsa_blob_take(&out->session_id, &v, tlsa_cur_left(&v)));
        TLSA_TRY(tlsa_cur_u16(&c, &out->suite));
        TLSA_TRY(tlsa_cur_u8(&c, &out->compression));
    }
    if (tlsa_cur_left(&c) == 0)
        return TLSA_E_OK;
    TLSA_TRY(tlsa_cur_vec(&c, 2, 0, 0xffff, 1, &v));
    TLSA_TRY(tlsa_ext_server_hello(&v, lim, *is_hrr, out));
    return tlsa_cur_done(&c);
}

/* struct { Extension extensions<0..2^16-1>; } EncryptedExtensions;  (RFC 8446 §4.3.1) */
tlsa_err tlsa_msg_encrypted_extensions(const uint8_t *body, size_t len, const tlsa_limits *lim,
                                       tlsa_server_hello *sh) {
    tlsa_cur c = tlsa_cur_make(body, len), v;
    TLSA_TRY(tlsa_cur_vec(&c, 2, 0, 0xffff, 1, &v));
    TLSA_TRY(tlsa_ext_encrypted_extensions(&v, lim, sh));
    return tlsa_cur_done(&c);
}
