/* TLS 1.3 CertificateVerify (RFC 8446 §4.4.3): once the handshake is decrypted, check the
 * signature with the public key of the leaf certificate the same side sent.
 *
 *   struct { SignatureScheme algorithm; opaque signature<0..2^16-1>; } CertificateVerify;
 *   signed content = 64 x 0x20 || "TLS 1.3, server CertificateVerify" (or client) || 0x00
 *                    || Transcript-Hash(ClientHello .. Certificate)
 *   struct { opaque certificate_request_context<0..2^8-1>;
 *            CertificateEntry certificate_list<0..2^24-1>; } Certificate;
 *   struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry; */
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <string.h>

#include "cursor.h"
#include "keys_internal.h"

tlsa_err tlsa_tls13_leaf_key(const uint8_t *msg, size_t len, void **pkey) {
    if (!msg || !pkey)
        return TLSA_E_INVALID_ARGUMENT;
    *pkey = NULL;
    tlsa_cur c = tlsa_cur_make(msg, len), body, ctx, list, cert;
    uint8_t type;
    uint32_t body_len;
    TLSA_TRY(tlsa_cur_u8(&c, &type));
    TLSA_ENSURE(type == 11, TLSA_E_BAD_HANDSHAKE_TYPE);
    TLSA_TRY(tlsa_cur_u24(&c, &body_len));
    TLSA_TRY(tlsa_cur_sub(&c, body_len, &body));
    TLSA_TRY(tlsa_cur_done(&c));
    TLSA_TRY(tlsa_cur_vec(&body, 1, 0, 255, 1, &ctx));
    TLSA_TRY(tlsa_cur_vec(&body, 3, 0, 0xffffff, 1, &list));
    TLSA_TRY(tlsa_cur_done(&body));
    if (tlsa_cur_left(&list) == 0)
        return TLSA_E_OK; /* an empty client Certificate: nothing to verify */
    TLSA_TRY(tlsa_cur_vec(&list, 3, 1, 0xffffff, 1, &cert));
    const unsigned char *p = tlsa_cur_ptr(&cert);
    X509 *x = d2i_X509(NULL, &p, (long)tlsa_cur_left(&cert));
    if (!x) {
        ERR_clear_error();
        return TLSA_E_BAD_CERTIFICATE;
    }
    EVP_PKEY *k = X509_get_pubkey(x);
    X509_free(x);
    if (!k)
        return TLSA_E_BAD_CERTIFICATE;
    *pkey = k;
    return TLSA_E_OK;
}

void tlsa_tls13_leaf_key_free(void *pkey) {
    EVP_PKEY_free(pkey);
}

/* Digest and padding of a TLS 1.3 SignatureScheme; md NULL for EdDSA. */
static int scheme(uint16_t s, const char **md, int *pss) {
    *pss = 0;
    switch (s) {
    case 0x0403: /* ecdsa_secp256r1_sha256 */
        *md = "SHA256";
        return 1;
    case 0x0503:
        *md = "SHA384";
        return 1;
    case 0x0603:
        *md = "SHA512";
        return 1;
    case 0x0804: /* rsa_pss_rsae_sha256 */
    case 0x0809: /* rsa_pss_pss_sha256 */
        *md = "SHA256";
        *pss = 1;
        return 1;
    case 0x0805:
    case 0x080a:
        *md = "SHA384";
        *pss = 1;
        return 1;
    case 0x0806:
    case 0x080b:
        *md = "SHA512";
        *pss = 1;
        return 1;
    case 0x0807: /* ed25519 */
    case 0x0808: /* ed448 */
        *md = NULL;
        return 1;
    default: /* RSASSA-PKCS1-v1_5, SHA-1 and others are not allowed in TLS 1.3 */
        return 0;
    }
}

tlsa_err tlsa_tls13_cert_verify(const void *pkey, bool from_server, const uint8_t *msg, size_t len,
                                const uint8_t *transcript_hash, size_t hash_len, bool *valid) {
    if (!pkey || !msg || !transcript_hash || !valid || hash_len > 64)
        return TLSA_E_INVALID_ARGUMENT;
    *valid = false;
    tlsa_cur c = tlsa_cur_make(msg, len), body, sig;
    uint8_t type;
    uint16_t alg;
    uint32_t body_len;
    TLSA_TRY(tlsa_cur_u8(&c, &type));
    TLSA_ENSURE(type == 15, TLSA_E_BAD_HANDSHAKE_TYPE);
    TLSA_TRY(tlsa_cur_u24(&c, &body_len));
    TLSA_TRY(tlsa_cur_sub(&c, body_len, &body));
    TLSA_TRY(tlsa_cur_done(&c));
    TLSA_TRY(tlsa_cur_u16(&body, &alg));
    TLSA_TRY(tlsa_cur_vec(&body, 2, 0, 0xffff, 1, &sig));
    TLSA_TRY(tlsa_cur_done(&body));

    const char *md = NULL;
    int pss = 0;
    if (!scheme(alg, &md, &pss))
        return TLSA_E_OK; /* a scheme TLS 1.3 forbids: not valid */
    static const char server_ctx[] = "TLS 1.3, server CertificateVerify";
    static const char client_ctx[] = "TLS 1.3, client CertificateVerify";
    uint8_t content[64 + sizeof server_ctx + 64];
    memset(content, 0x20, 64);
    memcpy(content + 64, from_server ? server_ctx : client_ctx, sizeof server_ctx); /* with NUL */
    memcpy(content + 64 + sizeof server_ctx, transcript_hash, hash_len);
    size_t content_len = 64 + sizeof server_ctx + hash_len;

    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    if (!ctx)
        return TLSA_E_NO_MEMORY;
    int ok = EVP_DigestVerifyInit_ex(ctx, &pctx, md, NULL, NULL, (EVP_PKEY *)pkey, NULL) == 1;
    if (ok && pss)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
             EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
    /* the key type must fit the scheme: OpenSSL refuses mismatches in Init or Verify */
    if (ok)
        *valid = EVP_DigestVerify(ctx, tlsa_cur_ptr(&sig), tlsa_cur_left(&sig), content,
                                  content_len) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error(); /* a failed verification leaves entries on OpenSSL's queue */
    return TLSA_E_OK;
}
