/* TLS 1.0 - 1.2 key schedule, record decryption and Finished (RFC 2246, 4346, 5246 §5, §6.2.3,
 * §7.4.9, §8.1; RFC 5288 §3, RFC 6655 §3, RFC 7905 §2, RFC 7627 §4, RFC 7366). SSL 3.0 shares
 * the record layout; its key block and MAC come from ssl3_keys.c.
 *
 *   master_secret = PRF(pre_master_secret, "master secret", ClientHello.random +
 * ServerHello.random) key_block     = PRF(master_secret, "key expansion", server_random +
 * client_random) = client MAC key | server MAC key | client key | server key | client IV | server
 * IV AEAD additional_data = seq_num + type + version + length (of the plaintext) CBC: MAC =
 * HMAC(mac_key, seq_num + type + version + length + content); then padding. */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <string.h>

#include "cursor.h"
#include "keys_internal.h"

#define TLS12_MAX_CIPHERTEXT (16384 + 2048)

tlsa_err tlsa_tls12_prf(uint16_t version, uint16_t suite, const uint8_t *secret, size_t secret_len,
                        const char *label, const uint8_t *seed1, size_t seed1_len,
                        const uint8_t *seed2, size_t seed2_len, uint8_t *out, size_t out_len) {
    if (!secret || !label || (!seed1 && seed1_len) || (!seed2 && seed2_len) || !out)
        return TLSA_E_INVALID_ARGUMENT;
    const char *md = tlsa_suite_hash_name(version, suite);
    if (!md)
        return TLSA_E_UNSUPPORTED_CIPHER;
    uint8_t seed[256];
    size_t label_len = strlen(label);
    if (label_len > 64 || seed1_len > 96 || seed2_len > 96)
        return TLSA_E_INVALID_ARGUMENT;
    memcpy(seed, label, label_len);
    if (seed1_len)
        memcpy(seed + label_len, seed1, seed1_len);
    if (seed2_len)
        memcpy(seed + label_len + seed1_len, seed2, seed2_len);

    EVP_KDF *kdf = EVP_KDF_fetch(NULL, "TLS1-PRF", NULL);
    EVP_KDF_CTX *kctx = kdf ? EVP_KDF_CTX_new(kdf) : NULL;
    EVP_KDF_free(kdf);
    if (!kctx)
        return TLSA_E_NO_MEMORY;
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, (char *)md, 0),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SECRET, (void *)secret, secret_len),
        OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SEED, seed,
                                          label_len + seed1_len + seed2_len),
        OSSL_PARAM_construct_end(),
    };
    int ok = EVP_KDF_derive(kctx, out, out_len, params) == 1;
    EVP_KDF_CTX_free(kctx);
    return ok ? TLSA_E_OK : TLSA_E_UNSUPPORTED_CIPHER;
}

tlsa_err tlsa_tls12_master_secret(uint16_t version, uint16_t suite, const uint8_t *pms,
                                  size_t pms_len, const uint8_t client_random[32],
                                  const uint8_t server_random[32], const uint8_t *session_hash,
                                  size_t session_hash_len, uint8_t master[48]) {
    if (version == TLSA_SSL3)
        return tlsa_ssl3_master_secret(pms, pms_len, client_random, server_random, master);
    if (session_hash)
        return tlsa_tls12_prf(version, suite, pms, pms_len, "extended master secret", session_hash,
                              session_hash_len, NULL, 0, master, 48);
    if (!client_random || !server_random)
        return TLSA_E_INVALID_ARGUMENT;
    return tlsa_tls12_prf(version, suite, pms, pms_len, "master secret", client_random, 32,
                          server_random, 32, master, 48);
}

static size_t mac_len_of(const tlsa_suite_keys *s) {
    if (!s->mac)
        return 0;
    if (strcmp(s->mac, "MD5") == 0)
        return 16;
    return strcmp(s->mac, "SHA1") == 0 ? 20 : strcmp(s->mac, "SHA256") == 0 ? 32 : 48;
}

tlsa_err tlsa_tls12_keys_init(tlsa_tls12_keys *k, uint16_t version, uint16_t suite,
                              const uint8_t master[48], const uint8_t client_random[32],
                              const uint8_t server_random[32]) {
    if (!k || !master || !client_random || !server_random)
        return TLSA_E_INVALID_ARGUMENT;
    memset(k, 0, sizeof *k);
    const tlsa_suite_keys *s = tlsa_suite_keys_find(suite);
    if (!s || s->tls13 || version < TLSA_SSL3 || version > TLSA_TLS12)
        return TLSA_E_UNSUPPORTED_CIPHER;
    if (s->mode != TLSA_BULK_CBC && s->mode != TLSA_BULK_NULL && version != TLSA_TLS12)
        return TLSA_E_UNSUPPORTED_CIPHER; /* AEAD suites exist only in TLS 1.2 */
    size_t mac = mac_len_of(s), key = s->key_len, iv = s->fixed_iv_len;
    uint8_t block[2 * (48 + 32 + 16)];
    if (version == TLSA_SSL3)
        TLSA_TRY(
            tlsa_ssl3_key_block(master, client_random, server_random, block, 2 * (mac + key + iv)));
    else
        TLSA_TRY(tlsa_tls12_prf(version, suite, master, 48, "key expansion", server_random, 32,
                                client_random, 32, block, 2 * (mac + key + iv)));
    const uint8_t *p = block;
    for (int d = 0; d < 2; d++, p += mac)
        memcpy(k->dir[d].mac_key, p, mac);
    for (int d = 0; d < 2; d++, p += key)
        memcpy(k->dir[d].key, p, key);
    for (int d = 0; d < 2; d++, p += iv)
        memcpy(k->dir[d].iv, p, iv);
    for (int d = 0; d < 2; d++) {
        k->dir[d].suite = s;
        k->dir[d].version = version;
    }
    OPENSSL_cleanse(block, sizeof block);
    return TLSA_E_OK;
}

/* seq_num + type + version + length */
static void pseudo_header(uint8_t h[13], uint64_t seq, uint8_t type, uint16_t version, size_t len) {
    for (int i = 0; i < 8; i++)
        h[i] = (uint8_t)(seq >> (56 - 8 * i));
    h[8] = type;
    h[9] = (uint8_t)(version >> 8);
    h[10] = (uint8_t)version;
    h[11] = (uint8_t)(len >> 8);
    h[12] = (uint8_t)len;
}

static tlsa_err open_aead(tlsa_tls12_dir *d, uint8_t type, uint16_t version, tlsa_cur *frag,
                          uint8_t *out, size_t *out_len) {
    const tlsa_suite_keys *s = d->suite;
    uint8_t nonce[12];
    if (s->mode == TLSA_BULK_CHACHA20_POLY1305) {
        /* RFC 7905: nonce = IV XOR left-padded seq_num */
        memcpy(nonce, d->iv, 12);
        for (int i = 0; i < 8; i++)
            nonce[11 - i] ^= (uint8_t)(d->seq >> (8 * i));
    } else {
        /* GCM/CCM: salt (4, implicit) + nonce_explicit (8, on the wire) */
        memcpy(nonce, d->iv, 4);
        TLSA_TRY(tlsa_cur_copy(frag, nonce + 4, 8));
    }
    size_t ct_len = tlsa_cur_left(frag);
    TLSA_ENSURE(ct_len >= s->tag_len, TLSA_E_BAD_LENGTH);
    size_t n = ct_len - s->tag_len;
    uint8_t aad[13];
    pseudo_header(aad, d->seq, type, version, n);
    TLSA_TRY(tlsa_aead_open(s, d->key, nonce, aad, sizeof aad, tlsa_cur_ptr(frag), ct_len, out));
    *out_len = n;
    return TLSA_E_OK;
}

static tlsa_err cbc_decrypt(const tlsa_suite_keys *s, const uint8_t *key, const uint8_t *iv,
                            const uint8_t *ct, size_t len, uint8_t *out) {
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, s->cipher, NULL);
    if (!cipher)
        return TLSA_E_UNSUPPORTED_CIPHER;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0, ok = ctx && len <= INT32_MAX &&
                       EVP_DecryptInit_ex(ctx, cipher, NULL, key, iv) == 1 &&
                       EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
                       EVP_DecryptUpdate(ctx, out, &outl, ct, (int)len) == 1 && (size_t)outl == len;
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    return ok ? TLSA_E_OK : TLSA_E_DECRYPT_FAILED;
}

static tlsa_err hmac(const char *md, const uint8_t *key, size_t key_len, const uint8_t *h13,
                     const uint8_t *data, size_t len, uint8_t *out) {
    EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
    EVP_MAC_free(mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)md, 0),
        OSSL_PARAM_construct_end(),
    };
    size_t n = 0;
    int ok = ctx && EVP_MAC_init(ctx, key, key_len, params) == 1 &&
             EVP_MAC_update(ctx, h13, 13) == 1 && EVP_MAC_update(ctx, data, len) == 1 &&
             EVP_MAC_final(ctx, out, &n, 64) == 1;
    EVP_MAC_CTX_free(ctx);
    return ok ? TLSA_E_OK : TLSA_E_NO_MEMORY;
}

/* The record MAC over content (TLS: HMAC with the version; SSL 3.0: its own construction). */
static tlsa_err record_mac(const tlsa_tls12_dir *d, uint8_t type, uint16_t version,
                           const uint8_t *content, size_t n, uint8_t *out) {
    if (d->version == TLSA_SSL3)
        return tlsa_ssl3_mac(d->suite->mac, d->mac_key, d->seq, type, content, n, out);
    uint8_t h[13];
    pseudo_header(h, d->seq, type, version, n);
    return hmac(d->suite->mac, d->mac_key, mac_len_of(d->suite), h, content, n, out);
}

/* struct { opaque IV[block] (TLS 1.1+); block-ciphered struct { content; MAC; padding;
 *          uint8 padding_length; }; } GenericBlockCipher;
 * With encrypt_then_mac (RFC 7366) the MAC follows the ciphertext instead and covers
 * IV + ciphertext: MAC(seq_num + type + version + length(IV + ciphertext) + IV + ciphertext). */
static tlsa_err open_cbc(tlsa_tls12_dir *d, uint8_t type, uint16_t version, tlsa_cur *frag,
                         uint8_t *out, size_t *out_len) {
    const tlsa_suite_keys *s = d->suite;
    size_t bs = s->fixed_iv_len, mac = mac_len_of(s);
    uint8_t h[13], expect[64], iv[16];
    if (d->etm) {
        size_t total = tlsa_cur_left(frag);
        TLSA_ENSURE(total >= mac, TLSA_E_BAD_LENGTH);
        tlsa_cur enc;
        TLSA_TRY(tlsa_cur_sub(frag, total - mac, &enc));
        pseudo_header(h, d->seq, type, version, tlsa_cur_left(&enc));
        TLSA_TRY(hmac(s->mac, d->mac_key, mac, h, tlsa_cur_ptr(&enc), tlsa_cur_left(&enc), expect));
        TLSA_ENSURE(CRYPTO_memcmp(expect, tlsa_cur_ptr(frag), mac) == 0, TLSA_E_DECRYPT_FAILED);
        *frag = enc; /* what is left to decrypt: IV + ciphertext */
    }
    if (d->version >= TLSA_TLS11)
        TLSA_TRY(tlsa_cur_copy(frag, iv, bs));
    else
        memcpy(iv, d->iv, bs);
    size_t len = tlsa_cur_left(frag);
    TLSA_ENSURE(len > 0 && len % bs == 0 && len >= (d->etm ? 0 : mac) + 1, TLSA_E_BAD_LENGTH);
    const uint8_t *ct = tlsa_cur_ptr(frag);
    TLSA_TRY(cbc_decrypt(s, d->key, iv, ct, len, out));

    size_t pad = out[len - 1];
    size_t inner_mac = d->etm ? 0 : mac;
    TLSA_ENSURE(pad + 1 + inner_mac <= len, TLSA_E_DECRYPT_FAILED);
    if (d->version == TLSA_SSL3) /* SSL 3.0: any padding bytes, shorter than a block */
        TLSA_ENSURE(pad < bs, TLSA_E_DECRYPT_FAILED);
    else
        for (size_t i = len - 1 - pad; i < len - 1; i++)
            TLSA_ENSURE(out[i] == pad, TLSA_E_DECRYPT_FAILED);
    size_t n = len - 1 - pad - inner_mac;
    if (!d->etm) {
        TLSA_TRY(record_mac(d, type, version, out, n, expect));
        TLSA_ENSURE(CRYPTO_memcmp(expect, out + n, mac) == 0, TLSA_E_DECRYPT_FAILED);
    }
    if (d->version < TLSA_TLS11)
        memcpy(d->iv, ct + len - bs, bs); /* TLS 1.0: the next IV is the last ciphertext block */
    *out_len = n;
    return TLSA_E_OK;
}

/* NULL bulk cipher: content + MAC. */
static tlsa_err open_null(tlsa_tls12_dir *d, uint8_t type, uint16_t version, tlsa_cur *frag,
                          uint8_t *out, size_t *out_len) {
    size_t mac = mac_len_of(d->suite), len = tlsa_cur_left(frag);
    TLSA_ENSURE(len >= mac, TLSA_E_BAD_LENGTH);
    size_t n = len - mac;
    uint8_t expect[64];
    TLSA_TRY(record_mac(d, type, version, tlsa_cur_ptr(frag), n, expect));
    TLSA_ENSURE(CRYPTO_memcmp(expect, tlsa_cur_ptr(frag) + n, mac) == 0, TLSA_E_DECRYPT_FAILED);
    memcpy(out, tlsa_cur_ptr(frag), n);
    *out_len = n;
    return TLSA_E_OK;
}

tlsa_err tlsa_tls12_open(tlsa_tls12_dir *d, uint8_t content_type, uint16_t record_version,
                         const uint8_t *fragment, size_t len, uint8_t *out, size_t *out_len) {
    if (!d || !d->suite || !fragment || !out || !out_len)
        return TLSA_E_INVALID_ARGUMENT;
    TLSA_ENSURE(len <= TLS12_MAX_CIPHERTEXT, TLSA_E_RECORD_TOO_LONG);
    tlsa_cur frag = tlsa_cur_make(fragment, len);
    if (d->suite->mode == TLSA_BULK_CBC)
        TLSA_TRY(open_cbc(d, content_type, record_version, &frag, out, out_len));
    else if (d->suite->mode == TLSA_BULK_NULL)
        TLSA_TRY(open_null(d, content_type, record_version, &frag, out, out_len));
    else
        TLSA_TRY(open_aead(d, content_type, record_version, &frag, out, out_len));
    d->seq++;
    return TLSA_E_OK;
}

void tlsa_tls12_skip(tlsa_tls12_dir *d, const uint8_t *fragment, size_t len) {
    if (!d || !d->suite)
        return;
    size_t bs = d->suite->fixed_iv_len, mac = d->etm ? mac_len_of(d->suite) : 0;
    if (d->suite->mode == TLSA_BULK_CBC && d->version < TLSA_TLS11 && fragment && len >= mac &&
        len - mac >= bs && (len - mac) % bs == 0)
        memcpy(d->iv, fragment + len - mac - bs, bs);
    d->seq++;
}

tlsa_err tlsa_tls12_finished(uint16_t version, uint16_t suite, const uint8_t master[48],
                             bool from_client, const uint8_t *transcript_hash, size_t hash_len,
                             uint8_t out[12]) {
    if (version == TLSA_SSL3)
        return TLSA_E_UNSUPPORTED_CIPHER;
    return tlsa_tls12_prf(version, suite, master, 48,
                          from_client ? "client finished" : "server finished", transcript_hash,
                          hash_len, NULL, 0, out, 12);
}
