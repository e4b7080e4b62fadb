/* ClientHello, in the TLS form and in the SSLv2-compatible form. */
#include <string.h>

#include "msg_util.h"

/* Frees what an earlier parse left and zeroes the parsed fields; keeps present and frame,
 * which the caller owns. */
static void reset(tlsa_client_hello *ch) {
    bool present = ch->present;
    uint64_t frame = ch->frame;
    tlsa_client_hello_clear(ch);
    ch->present = present;
    ch->frame = frame;
}

/* struct {
 *     ProtocolVersion legacy_version;
 *     Random random;
 *     opaque legacy_session_id<0..32>;
 *     CipherSuite cipher_suites<2..2^16-2>;
 *     opaque legacy_compression_methods<1..2^8-1>;
 *     Extension extensions<8..2^16-1>;
 * } ClientHello;
 * (RFC 8446 §4.1.2; in TLS ≤ 1.2 the extensions block may be absent altogether, RFC 5246
 * §7.4.1.2, and an empty block is accepted.) */
tlsa_err tlsa_msg_client_hello(const uint8_t *body, size_t len, const tlsa_limits *lim,
                               tlsa_client_hello *out) {
    tlsa_cur c = tlsa_cur_make(body, len), v;
    reset(out);
    TLSA_TRY(tlsa_cur_u16(&c, &out->legacy_version));
    TLSA_TRY(tlsa_cur_copy(&c, out->random, sizeof out->random));
    TLSA_TRY(tlsa_cur_vec(&c, 1, 0, 32, 1, &v));
    TLSA_TRY(tlsa_blob_take(&out->session_id, &v, tlsa_cur_left(&v)));
    TLSA_TRY(tlsa_cur_vec(&c, 2, 2, 0xfffe, 2, &v));
    TLSA_TRY(tlsa_u16_read_all(&out->suites, &v));
    TLSA_TRY(tlsa_cur_vec(&c, 1, 1, 0xff, 1, &v));
    TLSA_TRY(tlsa_blob_take(&out->compression, &v, tlsa_cur_left(&v)));
    if (tlsa_cur_left(&c) == 0)
        return TLSA_E_OK;
    TLSA_TRY(tlsa_cur_vec(&c, 2, 0, 0xffff, 1, &v));
    TLSA_TRY(tlsa_ext_client_hello(&v, lim, out));
    return tlsa_cur_done(&c);
}

/* uint8 msg_type (1); Version version; uint16 cipher_spec_length (a multiple of 3);
 * uint16 session_id_length (0 or 16); uint16 challenge_length (16..32);
 * V2CipherSpec cipher_specs[cipher_spec_length]; opaque session_id[session_id_length];
 * opaque challenge[challenge_length];   (RFC 5246 §E.2) */
tlsa_err tlsa_msg_sslv2_client_hello(const uint8_t *body, size_t len, tlsa_client_hello *out) {
    tlsa_cur c = tlsa_cur_make(body, len), specs, sid;
    uint8_t type;
    uint16_t spec_len, sid_len, chal_len;
    reset(out);
    out->sslv2_format = true;
    TLSA_TRY(tlsa_cur_u8(&c, &type));
    TLSA_ENSURE(type == 1, TLSA_E_BAD_VALUE);
    TLSA_TRY(tlsa_cur_u16(&c, &out->legacy_version));
    TLSA_TRY(tlsa_cur_u16(&c, &spec_len));
    TLSA_TRY(tlsa_cur_u16(&c, &sid_len));
    TLSA_TRY(tlsa_cur_u16(&c, &chal_len));
    TLSA_ENSURE(spec_len > 0, TLSA_E_BAD_LENGTH);
    TLSA_ENSURE(spec_len % 3 == 0, TLSA_E_ODD_VECTOR);
    TLSA_ENSURE(sid_len == 0 || sid_len == 16, TLSA_E_BAD_LENGTH);
    TLSA_ENSURE(chal_len >= 16 && chal_len <= 32, TLSA_E_BAD_LENGTH);
    TLSA_TRY(tlsa_cur_sub(&c, spec_len, &specs));
    TLSA_TRY(tlsa_cur_sub(&c, sid_len, &sid));
    /* The challenge is right-aligned in the 32-byte random (RFC 5246 §E.2). */
    memset(out->random, 0, sizeof out->random);
    TLSA_TRY(tlsa_cur_copy(&c, out->random + (32 - chal_len), chal_len));
    TLSA_TRY(tlsa_cur_done(&c));
    while (tlsa_cur_left(&specs) > 0) {
        uint8_t hi;
        uint16_t lo;
        TLSA_TRY(tlsa_cur_u8(&specs, &hi));
        TLSA_TRY(tlsa_cur_u16(&specs, &lo));
        if (hi == 0) /* SSLv2-only kinds (first byte non-zero) have no TLS suite */
            TLSA_TRY(tlsa_u16_push(&out->suites, lo));
    }
    TLSA_TRY(tlsa_blob_take(&out->session_id, &sid, sid_len));
    /* SSLv2 has no compression: record the implied null method. */
    static const uint8_t null_method[1] = {0};
    tlsa_cur nm = tlsa_cur_make(null_method, 1);
    return tlsa_blob_take(&out->compression, &nm, 1);
}
