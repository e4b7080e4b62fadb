/* TLS 1.3 record protection and Finished (RFC 8446 §7.1, §7.3, §5.2, §5.3, §4.4.4).
 *
 *   HKDF-Expand-Label(Secret, Label, Context, Length) = HKDF-Expand(Secret, HkdfLabel, Length)
 *   struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; }
 *   key = HKDF-Expand-Label(traffic_secret, "key", "", key_length)
 *   iv  = HKDF-Expand-Label(traffic_secret, "iv", "", 12)
 *   nonce = iv XOR (64-bit sequence number, left-padded to 12 bytes)
 *   additional_data = opaque_type || legacy_record_version || length   (the 5-byte header)
 *   TLSInnerPlaintext = content || ContentType type || uint8 zeros[padding] */
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

#include "cursor.h"
#include "keys_internal.h"

#define TLS13_MAX_CIPHERTEXT (16384 + 256)

tlsa_err tlsa_tls13_expand_label(const char *md_name, const uint8_t *secret, size_t secret_len,
                                 const char *label, const uint8_t *context, size_t context_len,
                                 uint8_t *out, size_t out_len) {
    static const char prefix[] = "tls13 ";
    if (!md_name || !secret || !label || (!context && context_len) || !out)
        return TLSA_E_INVALID_ARGUMENT;
    size_t label_len = strlen(label);
    size_t full = sizeof prefix - 1 + label_len;
    if (full > 255 || context_len > 255 || out_len > 0xffff || out_len == 0)
        return TLSA_E_INVALID_ARGUMENT;
    uint8_t info[2 + 1 + 255 + 1 + 255];
    size_t n = 0;
    info[n++] = (uint8_t)(out_len >> 8);
    info[n++] = (uint8_t)out_len;
    info[n++] = (uint8_t)full;
    memcpy(info + n, prefix, sizeof prefix - 1);
    n += sizeof prefix - 1;
    memcpy(info + n, label, label_len);
    n += label_len;
    info[n++] = (uint8_t)context_len;
    if (context_len)
        memcpy(info + n, context, context_len);
    n += context_len;

    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "HKDF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!kctx)
        return TLSA_E_NO_MEMORY;
    int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md_name, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, (void *)secret, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, info, n),
        OSSL_PARAM_construct_end(),
    };
    int ok = EVP_KDF_derive(kctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(kctx);
    return ok ? TLSA_E_OK : TLSA_E_UNSUPPORTED_CIPHER;
}

tlsa_err tlsa_tls13_dir_init(tlsa_tls13_dir *d, uint16_t suite, const uint8_t *secret,
                             size_t secret_len) {
    if (!d || !secret || secret_len == 0)
        return TLSA_E_INVALID_ARGUMENT;
    memset(d, 0, sizeof *d);
    const tlsa_suite_keys *s = tlsa_suite_keys_find(suite);
    if (!s || !s->tls13)
        return TLSA_E_UNSUPPORTED_CIPHER;
    TLSA_TRY(
        tlsa_tls13_expand_label(s->prf, secret, secret_len, "key", NULL, 0, d->key, s->key_len));
    TLSA_TRY(tlsa_tls13_expand_label(s->prf, secret, secret_len, "iv", NULL, 0, d->iv, 12));
    d->suite = s;
    return TLSA_E_OK;
}

tlsa_err tlsa_tls13_open(tlsa_tls13_dir *d, const uint8_t *record, size_t record_len, uint8_t *out,
                         size_t *out_len, uint8_t *inner_type) {
    if (!d || !d->suite || !record || !out || !out_len || !inner_type)
        return TLSA_E_INVALID_ARGUMENT;
    /* struct { ContentType opaque_type = application_data; ProtocolVersion legacy_record_version;
     *          uint16 length; opaque encrypted_record[TLSCiphertext.length]; } TLSCiphertext; */
    tlsa_cur c = tlsa_cur_make(record, record_len);
    uint8_t type;
    uint16_t version, length;
    TLSA_TRY(tlsa_cur_u8(&c, &type));
    TLSA_TRY(tlsa_cur_u16(&c, &version));
    TLSA_TRY(tlsa_cur_u16(&c, &length));
    TLSA_ENSURE(type == 23, TLSA_E_BAD_RECORD_TYPE);
    TLSA_ENSURE(length <= TLS13_MAX_CIPHERTEXT, TLSA_E_RECORD_TOO_LONG);
    TLSA_ENSURE(length > d->suite->tag_len, TLSA_E_BAD_LENGTH);
    tlsa_cur body;
    TLSA_TRY(tlsa_cur_sub(&c, length, &body));
    TLSA_TRY(tlsa_cur_done(&c));
    (void)version; /* legacy_record_version: covered by the tag through the additional data */

    uint8_t nonce[12];
    memcpy(nonce, d->iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[11 - i] ^= (uint8_t)(d->seq >> (8 * i));
    TLSA_TRY(tlsa_aead_open(d->suite, d->key, nonce, record, d->draft_no_aad ? 0 : 5,
                            tlsa_cur_ptr(&body), length, out));

    size_t n = (size_t)length - d->suite->tag_len;
    while (n > 0 && out[n - 1] == 0)
        n--;
    TLSA_ENSURE(n > 0, TLSA_E_BAD_VALUE); /* no non-zero type byte: unexpected_message */
    *inner_type = out[n - 1];
    *out_len = n - 1;
    d->seq++;
    return TLSA_E_OK;
}

tlsa_err tlsa_tls13_finished(uint16_t suite, const uint8_t *base_key, size_t key_len,
                             const uint8_t *transcript_hash, size_t hash_len, uint8_t *out,
                             size_t *out_len) {
    const tlsa_suite_keys *s = tlsa_suite_keys_find(suite);
    if (!s || !s->tls13)
        return TLSA_E_UNSUPPORTED_CIPHER;
    size_t md_len = strcmp(s->prf, "SHA384") == 0 ? 48 : 32;
    if (!base_key || !transcript_hash || !out || !out_len || hash_len != md_len ||
        key_len != md_len)
        return TLSA_E_INVALID_ARGUMENT;
    uint8_t finished_key[64];
    TLSA_TRY(tlsa_tls13_expand_label(s->prf, base_key, key_len, "finished", NULL, 0, finished_key,
                                     hash_len));
    size_t n = 0;
    unsigned char *r = EVP_Q_mac(NULL, "HMAC", NULL, s->prf, NULL, finished_key, hash_len,
                                 transcript_hash, hash_len, out, 64, &n);
    OPENSSL_cleanse(finished_key, sizeof finished_key);
    if (!r || n != hash_len)
        return TLSA_E_NO_MEMORY;
    *out_len = n;
    return TLSA_E_OK;
}
