/* ServerKeyExchange and ClientKeyExchange, whose form depends on the negotiated key exchange
 * (enum tlsa_kex_kind) and, for the signature, on the version. */
#include "msg_util.h"

/* Significant bits of a big-endian unsigned integer. */
static uint32_t bit_length(const tlsa_blob *b) {
    for (uint32_t i = 0; i < b->len; i++) {
        if (b->data[i] == 0)
            continue;
        uint32_t bits = (b->len - i - 1) * 8;
        for (uint8_t v = b->data[i]; v; v >>= 1)
            bits++;
        return bits;
    }
    return 0;
}

/* struct { opaque psk_identity_hint<0..2^16-1>; } (RFC 4279 §2) */
static tlsa_err psk_hint(tlsa_cur *c) {
    tlsa_cur v;
    return tlsa_cur_vec(c, 2, 0, 0xffff, 1, &v);
}

/* struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; }
 *     ServerDHParams;  (RFC 5246 §7.4.3) */
static tlsa_err dh_params(tlsa_cur *c, tlsa_kex *out) {
    tlsa_cur v;
    TLSA_TRY(tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v));
    TLSA_TRY(tlsa_blob_take(&out->dh_p, &v, tlsa_cur_left(&v)));
    out->dh_bits = bit_length(&out->dh_p);
    TLSA_TRY(tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v));
    TLSA_TRY(tlsa_blob_take(&out->dh_g, &v, tlsa_cur_left(&v)));
    TLSA_TRY(tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v));
    out->public_len = (uint32_t)tlsa_cur_left(&v);
    return TLSA_E_OK;
}

/* struct { ECCurveType curve_type (named_curve = 3); NamedCurve namedcurve; } ECParameters;
 * struct { ECParameters curve_params; ECPoint public; } ServerECDHParams;
 * (RFC 8422 §5.4: explicit curves (1, 2) are deprecated and not accepted here.) */
static tlsa_err ec_params(tlsa_cur *c, tlsa_kex *out) {
    uint8_t curve_type;
    tlsa_cur point;
    TLSA_TRY(tlsa_cur_u8(c, &curve_type));
    TLSA_ENSURE(curve_type == 3, TLSA_E_BAD_VALUE);
    TLSA_TRY(tlsa_cur_u16(c, &out->group));
    TLSA_TRY(tlsa_cur_vec(c, 1, 1, 0xff, 1, &point));
    out->public_len = (uint32_t)tlsa_cur_left(&point);
    return TLSA_E_OK;
}

/* struct { opaque rsa_modulus<1..2^16-1>; opaque rsa_exponent<1..2^16-1>; }
 *     ServerRSAParams;  (RFC 2246 §7.4.3, export suites) */
static tlsa_err rsa_params(tlsa_cur *c, tlsa_kex *out) {
    tlsa_cur v;
    TLSA_TRY(tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v));
    out->public_len = (uint32_t)tlsa_cur_left(&v);
    return tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v);
}

/* struct { opaque srp_N<1..2^16-1>; opaque srp_g<1..2^16-1>; opaque srp_s<1..2^8-1>;
 *     opaque srp_B<1..2^16-1>; } ServerSRPParams;  (RFC 5054 §2.8) */
static tlsa_err srp_params(tlsa_cur *c, tlsa_kex *out) {
    tlsa_cur v;
    TLSA_TRY(tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v));
    TLSA_TRY(tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v));
    TLSA_TRY(tlsa_cur_vec(c, 1, 1, 0xff, 1, &v));
    TLSA_TRY(tlsa_cur_vec(c, 2, 1, 0xffff, 1, &v));
    out->public_len = (uint32_t)tlsa_cur_left(&v);
    return TLSA_E_OK;
}

/* digitally-signed struct: TLS 1.2 prefixes SignatureAndHashAlgorithm (2 bytes, RFC 5246
 * §4.7); earlier versions only carry opaque signature<0..2^16-1>. Anonymous suites send no
 * signature at all, so an empty remainder is accepted. */
static tlsa_err signature(tlsa_cur *c, uint16_t version, tlsa_kex *out) {
    tlsa_cur sig;
    if (tlsa_cur_left(c) == 0)
        return TLSA_E_OK;
    if (version >= TLSA_V_TLS12)
        TLSA_TRY(tlsa_cur_u16(c, &out->ske_sig_scheme));
    return tlsa_cur_vec(c, 2, 0, 0xffff, 1, &sig);
}

/* select (KeyExchangeAlgorithm) {
 *     case dh_anon: ServerDHParams params;
 *     case dhe_dss, dhe_rsa: ServerDHParams params; digitally-signed struct {...} signed_params;
 *     case ec_diffie_hellman: ServerECDHParams params; Signature signed_params;
 *     case psk, rsa_psk: opaque psk_identity_hint<0..2^16-1>;
 *     case dhe_psk: psk_identity_hint; ServerDHParams params;
 *     case ecdhe_psk: psk_identity_hint; ServerECDHParams params;
 *     case rsa (export): ServerRSAParams params; signed_params;
 *     case srp: ServerSRPParams params; signed_params;
 * } ServerKeyExchange;  (RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 4279, RFC 5489, RFC 5054) */
tlsa_err tlsa_msg_server_key_exchange(const uint8_t *body, size_t len, uint8_t kex_kind,
                                      uint16_t version, tlsa_kex *out) {
    tlsa_cur c = tlsa_cur_make(body, len);
    out->ske_sig_scheme = 0;
    switch (kex_kind) {
    case TLSA_KEX_DHE:
        TLSA_TRY(dh_params(&c, out));
        TLSA_TRY(signature(&c, version, out));
        break;
    case TLSA_KEX_ECDHE:
        TLSA_TRY(ec_params(&c, out));
        TLSA_TRY(signature(&c, version, out));
        break;
    case TLSA_KEX_RSA:
        TLSA_TRY(rsa_params(&c, out));
        TLSA_TRY(signature(&c, version, out));
        break;
    case TLSA_KEX_SRP:
        TLSA_TRY(srp_params(&c, out));
        TLSA_TRY(signature(&c, version, out));
        break;
    case TLSA_KEX_PSK:
    case TLSA_KEX_RSA_PSK:
        TLSA_TRY(psk_hint(&c));
        break;
    case TLSA_KEX_DHE_PSK:
        TLSA_TRY(psk_hint(&c));
        TLSA_TRY(dh_params(&c, out));
        break;
    case TLSA_KEX_ECDHE_PSK:
        TLSA_TRY(psk_hint(&c));
        TLSA_TRY(ec_params(&c, out));
        break;
    case TLSA_KEX_UNKNOWN: /* suite not known: the form cannot be told */
        return TLSA_E_OK;
    default: /* static (EC)DH, TLS 1.3, resumption: no ServerKeyExchange */
        return TLSA_E_UNEXPECTED_MESSAGE;
    }
    return tlsa_cur_done(&c);
}

/* struct { opaque psk_identity<0..2^16-1>; } (RFC 4279 §2) */
static tlsa_err psk_identity(tlsa_cur *c) {
    tlsa_cur v;
    return tlsa_cur_vec(c, 2, 0, 0xffff, 1, &v);
}

/* Reads one vector and records its length as the exchange-key length. */
static tlsa_err exchange_key(tlsa_cur *c, unsigned prefix, size_t lo, size_t hi, tlsa_kex *out) {
    tlsa_cur v;
    TLSA_TRY(tlsa_cur_vec(c, prefix, lo, hi, 1, &v));
    out->cke_len = (uint32_t)tlsa_cur_left(&v);
    return TLSA_E_OK;
}

/* select (KeyExchangeAlgorithm) {
 *     case rsa: EncryptedPreMasterSecret;           (opaque <0..2^16-1>; raw in SSL 3.0)
 *     case dhe_*, dh_*: ClientDiffieHellmanPublic;  (dh_Yc<1..2^16-1>, or empty when implicit)
 *     case ec*: ClientECDiffieHellmanPublic;        (ecdh_Yc<1..2^8-1>, or empty when implicit)
 *     case psk: psk_identity; dhe_psk: psk_identity + Yc; ecdhe_psk: psk_identity + point;
 *     case rsa_psk: psk_identity + EncryptedPreMasterSecret;  case srp: srp_A<1..2^16-1>;
 * } exchange_keys;  (RFC 5246 §7.4.7, RFC 8422 §5.7, RFC 4279, RFC 5489, RFC 5054) */
tlsa_err tlsa_msg_client_key_exchange(const uint8_t *body, size_t len, uint8_t kex_kind,
                                      uint16_t version, tlsa_kex *out) {
    tlsa_cur c = tlsa_cur_make(body, len);
    out->cke_len = 0;
    switch (kex_kind) {
    case TLSA_KEX_RSA:
        if (version == TLSA_V_SSL3) { /* SSL 3.0 sends the ciphertext without a length */
            out->cke_len = (uint32_t)len;
            TLSA_ENSURE(len > 0, TLSA_E_TRUNCATED);
            return TLSA_E_OK;
        }
        TLSA_TRY(exchange_key(&c, 2, 1, 0xffff, out));
        break;
    case TLSA_KEX_DHE:
        TLSA_TRY(exchange_key(&c, 2, 1, 0xffff, out));
        break;
    case TLSA_KEX_DH: /* implicit (client certificate holds the key) when empty */
        if (len > 0)
            TLSA_TRY(exchange_key(&c, 2, 1, 0xffff, out));
        break;
    case TLSA_KEX_ECDHE:
        TLSA_TRY(exchange_key(&c, 1, 1, 0xff, out));
        break;
    case TLSA_KEX_ECDH:
        if (len > 0)
            TLSA_TRY(exchange_key(&c, 1, 1, 0xff, out));
        break;
    case TLSA_KEX_PSK:
        TLSA_TRY(psk_identity(&c));
        break;
    case TLSA_KEX_DHE_PSK:
        TLSA_TRY(psk_identity(&c));
        TLSA_TRY(exchange_key(&c, 2, 1, 0xffff, out));
        break;
    case TLSA_KEX_ECDHE_PSK:
        TLSA_TRY(psk_identity(&c));
        TLSA_TRY(exchange_key(&c, 1, 1, 0xff, out));
        break;
    case TLSA_KEX_RSA_PSK:
        TLSA_TRY(psk_identity(&c));
        TLSA_TRY(exchange_key(&c, 2, 1, 0xffff, out));
        break;
    case TLSA_KEX_SRP:
        TLSA_TRY(exchange_key(&c, 2, 1, 0xffff, out));
        break;
    case TLSA_KEX_UNKNOWN:
        out->cke_len = (uint32_t)len;
        return TLSA_E_OK;
    default: /* TLS 1.3 and resumption have no ClientKeyExchange */
        return TLSA_E_UNEXPECTED_MESSAGE;
    }
    return tlsa_cur_done(&c);
}
