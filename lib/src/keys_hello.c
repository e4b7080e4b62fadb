/* The few hello fields the key schedule needs (random, versions, suite, and the extensions that
 * change it: supported_versions, extended_master_secret, encrypt_then_mac, early_data,
 * SessionTicket) and the session id. The full
 * parsers live in msg_*.c; this one only reads, through the cursor, what decryption depends on.
 *
 *   struct { ProtocolVersion legacy_version; Random random; opaque legacy_session_id<0..32>;
 *            CipherSuite cipher_suites<2..2^16-2>; opaque legacy_compression_methods<1..2^8-1>;
 *            Extension extensions<0..2^16-1>; } ClientHello;     (extensions optional <= 1.2)
 *   struct { ProtocolVersion legacy_version; Random random; opaque legacy_session_id_echo<0..32>;
 *            CipherSuite cipher_suite; uint8 legacy_compression_method;
 *            Extension extensions<0..2^16-1>; } ServerHello;
 *   (TLS 1.3 drafts before -22: ServerHello = version, random, cipher_suite, extensions)
 *   struct { Extension extensions<0..2^16-1>; } EncryptedExtensions; */
#include <string.h>

#include "cursor.h"
#include "keys_internal.h"
#include "msg.h"

#define EXT_ETM 22
#define EXT_EMS 23
#define EXT_SESSION_TICKET 35
#define EXT_EARLY_DATA 42
#define EXT_SUPPORTED_VERSIONS 43

static tlsa_err extensions(tlsa_cur *c, uint8_t msg_type, tlsa_keys_hello *h) {
    if (tlsa_cur_left(c) == 0 && msg_type != 8)
        return TLSA_E_OK; /* no extensions block (TLS <= 1.2) */
    tlsa_cur exts;
    TLSA_TRY(tlsa_cur_vec(c, 2, 0, 0xffff, 1, &exts));
    TLSA_TRY(tlsa_cur_done(c));
    while (tlsa_cur_left(&exts) > 0) {
        uint16_t type;
        tlsa_cur data;
        TLSA_TRY(tlsa_cur_u16(&exts, &type));
        TLSA_TRY(tlsa_cur_vec(&exts, 2, 0, 0xffff, 1, &data));
        switch (type) {
        case EXT_EMS:
            h->ems = true;
            break;
        case EXT_ETM:
            h->etm = true;
            break;
        case EXT_EARLY_DATA:
            h->early_data = true;
            break;
        case EXT_SESSION_TICKET:
            if (msg_type == 1 && tlsa_cur_left(&data) > 0) {
                h->ticket = tlsa_cur_ptr(&data);
                h->ticket_len = tlsa_cur_left(&data);
            }
            break;
        case EXT_SUPPORTED_VERSIONS:
            if (msg_type == 2) /* ServerHello: the selected version */
                TLSA_TRY(tlsa_cur_u16(&data, &h->selected_version));
            break;
        default:
            break;
        }
    }
    return TLSA_E_OK;
}

tlsa_err tlsa_keys_hello_parse(const uint8_t *msg, size_t len, tlsa_keys_hello *h) {
    if (!msg || !h)
        return TLSA_E_INVALID_ARGUMENT;
    memset(h, 0, sizeof *h);
    tlsa_cur c = tlsa_cur_make(msg, len), body, v;
    uint32_t body_len;
    TLSA_TRY(tlsa_cur_u8(&c, &h->type));
    TLSA_TRY(tlsa_cur_u24(&c, &body_len));
    TLSA_TRY(tlsa_cur_sub(&c, body_len, &body));
    TLSA_TRY(tlsa_cur_done(&c));
    if (h->type == 8)
        return extensions(&body, h->type, h);
    TLSA_ENSURE(h->type == 1 || h->type == 2, TLSA_E_BAD_HANDSHAKE_TYPE);
    TLSA_TRY(tlsa_cur_u16(&body, &h->legacy_version));
    TLSA_TRY(tlsa_cur_copy(&body, h->random, 32));
    if (h->type == 2 && (h->legacy_version >> 8) == 0x7f && (h->legacy_version & 0xff) < 22) {
        /* TLS 1.3 drafts before -22: version, random, cipher_suite, extensions */
        h->selected_version = h->legacy_version;
        TLSA_TRY(tlsa_cur_u16(&body, &h->suite));
        return extensions(&body, h->type, h);
    }
    TLSA_TRY(tlsa_cur_vec(&body, 1, 0, 32, 1, &v));
    h->session_id_len = (uint8_t)tlsa_cur_left(&v);
    TLSA_TRY(tlsa_cur_copy(&v, h->session_id, h->session_id_len));
    if (h->type == 1) {
        TLSA_TRY(tlsa_cur_vec(&body, 2, 2, 0xfffe, 2, &v));
        TLSA_TRY(tlsa_cur_vec(&body, 1, 1, 0xff, 1, &v));
    } else {
        uint8_t comp;
        TLSA_TRY(tlsa_cur_u16(&body, &h->suite));
        TLSA_TRY(tlsa_cur_u8(&body, &comp));
        h->hrr = memcmp(h->random, tlsa_hrr_random, 32) == 0;
    }
    return extensions(&body, h->type, h);
}
