/* Running transcript hash over handshake messages (RFC 8446 §4.4.1; RFC 5246 §7.4.9).
 * Until the hash is chosen (TLS <= 1.2 learns it from ServerHello) messages are buffered; reading
 * the current hash copies the running context (EVP_MD_CTX_copy_ex), so it can be read at every
 * point (e.g. ClientHello..CertificateVerify for the server Finished). */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "cursor.h"
#include "keys_internal.h"

void tlsa_transcript_init(tlsa_transcript *t) {
    memset(t, 0, sizeof *t);
}

void tlsa_transcript_free(tlsa_transcript *t) {
    if (!t)
        return;
    EVP_MD_CTX_free(t->ctx);
    free(t->pending);
    memset(t, 0, sizeof *t);
}

static tlsa_err buffer(tlsa_transcript *t, const uint8_t *msg, size_t len) {
    if (len == 0)
        return TLSA_E_OK; /* memcpy from NULL is undefined even for 0 bytes */
    if (len > TLSA_TRANSCRIPT_MAX_BUFFER - t->pending_len)
        return TLSA_E_LIMIT_MESSAGE;
    if (!tlsa_grow_append(&t->pending, &t->pending_len, &t->pending_cap, 1024, msg, len))
        return TLSA_E_NO_MEMORY;
    return TLSA_E_OK;
}

tlsa_err tlsa_transcript_set_hash(tlsa_transcript *t, const char *md_name) {
    if (!t || !md_name || t->ctx)
        return TLSA_E_INVALID_ARGUMENT;
    EVP_MD *md = EVP_MD_fetch(NULL, md_name, NULL);
    if (!md)
        return TLSA_E_UNSUPPORTED_CIPHER;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, md, NULL) == 1 &&
             (t->pending_len == 0 || EVP_DigestUpdate(ctx, t->pending, t->pending_len) == 1);
    EVP_MD_free(md);
    if (!ok) {
        EVP_MD_CTX_free(ctx);
        return TLSA_E_NO_MEMORY;
    }
    t->ctx = ctx;
    free(t->pending);
    t->pending = NULL;
    t->pending_len = t->pending_cap = 0;
    return TLSA_E_OK;
}

tlsa_err tlsa_transcript_add(tlsa_transcript *t, const uint8_t *msg, size_t len) {
    if (!t || (!msg && len))
        return TLSA_E_INVALID_ARGUMENT;
    if (!t->ctx)
        return buffer(t, msg, len);
    return EVP_DigestUpdate(t->ctx, msg, len) == 1 ? TLSA_E_OK : TLSA_E_NO_MEMORY;
}

tlsa_err tlsa_transcript_hash(const tlsa_transcript *t, uint8_t *out, size_t *out_len) {
    if (!t || !t->ctx || !out || !out_len)
        return TLSA_E_INVALID_ARGUMENT;
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    unsigned n = 0;
    int ok =
        copy && EVP_MD_CTX_copy_ex(copy, t->ctx) == 1 && EVP_DigestFinal_ex(copy, out, &n) == 1;
    EVP_MD_CTX_free(copy);
    if (!ok)
        return TLSA_E_NO_MEMORY;
    *out_len = n;
    return TLSA_E_OK;
}

tlsa_err tlsa_transcript_hrr(tlsa_transcript *t) {
    uint8_t h[EVP_MAX_MD_SIZE + 4];
    size_t n = 0;
    TLSA_TRY(tlsa_transcript_hash(t, h + 4, &n));
    /* message_hash (254), uint24 length, Hash(ClientHello1) */
    h[0] = 254;
    h[1] = 0;
    h[2] = 0;
    h[3] = (uint8_t)n;
    EVP_MD_CTX *ctx = t->ctx;
    if (EVP_DigestInit_ex(ctx, EVP_MD_CTX_get0_md(ctx), NULL) != 1 ||
        EVP_DigestUpdate(ctx, h, n + 4) != 1)
        return TLSA_E_NO_MEMORY;
    return TLSA_E_OK;
}
