/* RSA private keys and the RSA key exchange (RFC 5246 §7.4.7.1).
 *
 *   struct { public-key-encrypted PreMasterSecret pre_master_secret; } EncryptedPreMasterSecret;
 *   struct { ProtocolVersion client_version; opaque random[46]; } PreMasterSecret;
 *
 * In TLS the encrypted value is a vector with a 2-byte length; SSL 3.0 sent it bare. Keys are
 * read with OpenSSL's decoders: PEM (PKCS#8, encrypted PKCS#8, PKCS#1), DER, or PKCS#12. */
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/provider.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>

#include "cursor.h"
#include "keys_internal.h"

#define RSA_KEY_FILE_MAX (1u << 20)

struct tlsa_rsa_key {
    EVP_PKEY *pkey;
};

static int pass_cb(char *buf, int size, int rwflag, void *u) {
    (void)rwflag;
    const char *pw = u;
    if (!pw)
        return 0;
    size_t n = strlen(pw);
    if (n > (size_t)size)
        return 0;
    memcpy(buf, pw, n);
    return (int)n;
}

/* A PKCS#12 file (DER) with its password. Such files are often protected with RC2-40 or 3DES,
 * which OpenSSL 3 keeps in its legacy provider. The legacy provider is loaded into a private
 * library context made default for the parse only, and the key is carried out as DER into the
 * normal context: nothing global changes and nothing stays loaded. */
static EVP_PKEY *from_pkcs12(const uint8_t *buf, size_t len, const char *password) {
    OSSL_LIB_CTX *ctx = OSSL_LIB_CTX_new();
    if (!ctx)
        return NULL;
    OSSL_PROVIDER *dflt = OSSL_PROVIDER_load(ctx, "default");
    OSSL_PROVIDER *legacy = OSSL_PROVIDER_load(ctx, "legacy");
    OSSL_LIB_CTX *prev = OSSL_LIB_CTX_set0_default(ctx);
    EVP_PKEY *pkey = NULL, *out = NULL;
    X509 *cert = NULL;
    const unsigned char *p = buf;
    PKCS12 *p12 = d2i_PKCS12(NULL, &p, (long)len);
    if (p12 && PKCS12_parse(p12, password ? password : "", &pkey, &cert, NULL) && pkey) {
        unsigned char *der = NULL;
        int n = i2d_PrivateKey(pkey, &der);
        OSSL_LIB_CTX_set0_default(prev);
        prev = NULL;
        const unsigned char *q = der;
        if (n > 0)
            out = d2i_AutoPrivateKey(NULL, &q, n);
        OPENSSL_clear_free(der, n > 0 ? (size_t)n : 0);
    }
    if (prev)
        OSSL_LIB_CTX_set0_default(prev);
    EVP_PKEY_free(pkey);
    X509_free(cert);
    PKCS12_free(p12);
    if (legacy)
        OSSL_PROVIDER_unload(legacy);
    if (dflt)
        OSSL_PROVIDER_unload(dflt);
    OSSL_LIB_CTX_free(ctx);
    return out;
}

tlsa_err tlsa_rsa_key_load_mem(const uint8_t *buf, size_t len, const char *password,
                               tlsa_rsa_key **out) {
    if (!buf || !out || len == 0 || len > RSA_KEY_FILE_MAX)
        return TLSA_E_INVALID_ARGUMENT;
    *out = NULL;
    BIO *bio = BIO_new_mem_buf(buf, (int)len);
    if (!bio)
        return TLSA_E_NO_MEMORY;
    EVP_PKEY *pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, (void *)password);
    BIO_free(bio);
    if (!pkey) {
        const unsigned char *p = buf;
        pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
    }
    if (!pkey)
        pkey = from_pkcs12(buf, len, password);
    ERR_clear_error(); /* failed decoding attempts leave entries on OpenSSL's queue */
    if (!pkey)
        return TLSA_E_BAD_KEY_FILE;
    if (EVP_PKEY_get_base_id(pkey) != EVP_PKEY_RSA) {
        EVP_PKEY_free(pkey);
        return TLSA_E_BAD_KEY_FILE;
    }
    tlsa_rsa_key *k = malloc(sizeof *k);
    if (!k) {
        EVP_PKEY_free(pkey);
        return TLSA_E_NO_MEMORY;
    }
    k->pkey = pkey;
    *out = k;
    return TLSA_E_OK;
}

tlsa_err tlsa_rsa_key_load_file(const char *path, const char *password, tlsa_rsa_key **out) {
    if (!path || !out)
        return TLSA_E_INVALID_ARGUMENT;
    FILE *f = fopen(path, "rb");
    if (!f)
        return TLSA_E_IO;
    uint8_t *buf = malloc(RSA_KEY_FILE_MAX);
    size_t n = buf ? fread(buf, 1, RSA_KEY_FILE_MAX, f) : 0;
    int err = ferror(f);
    fclose(f);
    tlsa_err e = !buf                              ? TLSA_E_NO_MEMORY
                 : err                             ? TLSA_E_IO
                 : n == 0 || n == RSA_KEY_FILE_MAX ? TLSA_E_BAD_KEY_FILE
                                                   : tlsa_rsa_key_load_mem(buf, n, password, out);
    if (buf)
        OPENSSL_cleanse(buf, RSA_KEY_FILE_MAX);
    free(buf);
    return e;
}

unsigned tlsa_rsa_key_bits(const tlsa_rsa_key *k) {
    return k ? (unsigned)EVP_PKEY_get_bits(k->pkey) : 0;
}

void tlsa_rsa_key_free(tlsa_rsa_key *k) {
    if (!k)
        return;
    EVP_PKEY_free(k->pkey);
    free(k);
}

tlsa_err tlsa_rsa_decrypt_pms(const tlsa_rsa_key *key, const uint8_t *cke_body, size_t len,
                              uint16_t client_version, uint8_t pms[48], bool *version_ok) {
    if (!key || !cke_body || !pms)
        return TLSA_E_INVALID_ARGUMENT;
    size_t mod = (size_t)EVP_PKEY_get_size(key->pkey);
    tlsa_cur c = tlsa_cur_make(cke_body, len);
    tlsa_cur enc = c;
    if (len != mod) { /* TLS: opaque encrypted<0..2^16-1> */
        TLSA_TRY(tlsa_cur_vec(&c, 2, 0, 0xffff, 1, &enc));
        TLSA_TRY(tlsa_cur_done(&c));
    }
    TLSA_ENSURE(tlsa_cur_left(&enc) == mod, TLSA_E_BAD_LENGTH);

    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(key->pkey, NULL);
    uint8_t *buf = malloc(mod);
    size_t outlen = mod;
    int ok = ctx && buf && EVP_PKEY_decrypt_init(ctx) == 1 &&
             EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_PADDING) == 1 &&
             EVP_PKEY_decrypt(ctx, buf, &outlen, tlsa_cur_ptr(&enc), mod) == 1;
    tlsa_err e = !ctx || !buf   ? TLSA_E_NO_MEMORY
                 : !ok          ? TLSA_E_DECRYPT_FAILED
                 : outlen != 48 ? TLSA_E_DECRYPT_FAILED
                                : TLSA_E_OK;
    if (e == TLSA_E_OK) {
        memcpy(pms, buf, 48);
        if (version_ok)
            *version_ok = ((uint16_t)(buf[0] << 8 | buf[1])) == client_version;
    }
    if (buf)
        OPENSSL_cleanse(buf, mod);
    free(buf);
    EVP_PKEY_CTX_free(ctx);
    return e;
}
