/* AEAD open (decrypt + authenticate) with OpenSSL EVP for AES-GCM, AES-CCM (16- and 8-byte tags)
 * and ChaCha20-Poly1305, all with a 12-byte nonce as TLS uses them. */
#include <openssl/evp.h>

#include "keys_internal.h"

static tlsa_err open_ctx(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *cipher, const tlsa_suite_keys *s,
                         const uint8_t *key, const uint8_t nonce[12], const uint8_t *aad,
                         size_t aad_len, const uint8_t *ct, size_t ct_len, uint8_t *out) {
    size_t tag_len = s->tag_len;
    size_t n = ct_len - tag_len;
    const uint8_t *tag = ct + n;
    int outl = 0;
    int ccm = s->mode == TLSA_BULK_CCM || s->mode == TLSA_BULK_CCM_8;
    if (n > INT32_MAX || aad_len > INT32_MAX)
        return TLSA_E_RECORD_TOO_LONG;
    if (EVP_DecryptInit_ex(ctx, cipher, NULL, NULL, NULL) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1)
        return TLSA_E_DECRYPT_FAILED;
    /* CCM needs the tag before the key, GCM/ChaCha after the data. */
    if (ccm && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, (void *)tag) != 1)
        return TLSA_E_DECRYPT_FAILED;
    if (EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) != 1)
        return TLSA_E_DECRYPT_FAILED;
    if (ccm && EVP_DecryptUpdate(ctx, NULL, &outl, NULL, (int)n) != 1)
        return TLSA_E_DECRYPT_FAILED;
    if (aad_len && EVP_DecryptUpdate(ctx, NULL, &outl, aad, (int)aad_len) != 1)
        return TLSA_E_DECRYPT_FAILED;
    /* CCM verifies the tag here: the update fails on a mismatch. */
    if (EVP_DecryptUpdate(ctx, out, &outl, ct, (int)n) != 1 || (size_t)outl != n)
        return TLSA_E_DECRYPT_FAILED;
    if (ccm)
        return TLSA_E_OK;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, (int)tag_len, (void *)tag) != 1 ||
        EVP_DecryptFinal_ex(ctx, out + n, &outl) != 1)
        return TLSA_E_DECRYPT_FAILED;
    return TLSA_E_OK;
}

tlsa_err tlsa_aead_open(const tlsa_suite_keys *s, const uint8_t *key, const uint8_t nonce[12],
                        const uint8_t *aad, size_t aad_len, const uint8_t *ct, size_t ct_len,
                        uint8_t *out) {
    if (!s || !key || !nonce || (!aad && aad_len) || !ct || !out || s->mode == TLSA_BULK_CBC)
        return TLSA_E_INVALID_ARGUMENT;
    if (ct_len < s->tag_len)
        return TLSA_E_TRUNCATED;
    EVP_CIPHER *cipher = EVP_CIPHER_fetch(NULL, s->cipher, NULL);
    if (!cipher)
        return TLSA_E_UNSUPPORTED_CIPHER;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    tlsa_err e = TLSA_E_NO_MEMORY;
    if (ctx)
        e = open_ctx(ctx, cipher, s, key, nonce, aad, aad_len, ct, ct_len, out);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(cipher);
    return e;
}
