/* Test-only certificate factory (OpenSSL): keys and certificates made in the tests, so each
 * threshold (key size, lifetime, host name, chain shape) is built exactly. Header-only so
 * test_cert.c and test_audit.c share it. */
#ifndef TLSA_TEST_CERTGEN_H
#define TLSA_TEST_CERTGEN_H

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A key, made once per kind and size and reused (RSA generation is slow). */
static inline EVP_PKEY *tg_key(const char *kind, unsigned bits_or_0, const char *curve) {
    static struct {
        char name[32];
        EVP_PKEY *k;
    } cache[16];
    char name[32];
    snprintf(name, sizeof name, "%s/%u/%s", kind, bits_or_0, curve ? curve : "");
    for (int i = 0; i < 16; i++)
        if (cache[i].k && strcmp(cache[i].name, name) == 0)
            return cache[i].k;
    EVP_PKEY *k = NULL;
    if (strcmp(kind, "RSA") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)bits_or_0);
    else if (strcmp(kind, "EC") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", curve);
    else
        k = EVP_PKEY_Q_keygen(NULL, NULL, kind);
    for (int i = 0; i < 16 && k; i++)
        if (!cache[i].k) {
            snprintf(cache[i].name, sizeof cache[i].name, "%s", name);
            cache[i].k = k;
            break;
        }
    return k;
}

typedef struct tg_spec {
    const char *cn;       /* subject CN */
    const char *o;        /* subject O, optional */
    EVP_PKEY *key;        /* subject key */
    X509 *issuer;         /* NULL: self-signed */
    EVP_PKEY *issuer_key; /* NULL: key */
    long serial;
    int64_t not_before, not_after;
    const char *san;  /* "DNS:a.com,IP:192.0.2.1" or NULL */
    int ca;           /* 1: CA:TRUE, 0: CA:FALSE, -1: no basicConstraints */
    const char *ku;   /* "digitalSignature,keyEncipherment" or NULL */
    const char *eku;  /* "serverAuth" or NULL */
    const EVP_MD *md; /* NULL: SHA-256 */
} tg_spec;

static inline void tg_ext(X509 *x, X509 *issuer, int nid, const char *value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (e) {
        X509_add_ext(x, e, -1);
        X509_EXTENSION_free(e);
    }
}

static inline X509 *tg_cert(const tg_spec *s) {
    X509 *x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), s->serial ? s->serial : 1);
    X509_NAME *n = X509_NAME_new();
    if (s->o)
        X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)s->o, -1, -1, 0);
    if (s->cn)
        X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)s->cn, -1, -1, 0);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, s->issuer ? X509_get_subject_name(s->issuer) : n);
    X509_NAME_free(n);
    ASN1_TIME_set(X509_getm_notBefore(x), (time_t)s->not_before);
    ASN1_TIME_set(X509_getm_notAfter(x), (time_t)s->not_after);
    X509_set_pubkey(x, s->key);
    if (s->ca >= 0)
        tg_ext(x, s->issuer, NID_basic_constraints, s->ca ? "critical,CA:TRUE" : "CA:FALSE");
    if (s->san)
        tg_ext(x, s->issuer, NID_subject_alt_name, s->san);
    if (s->ku)
        tg_ext(x, s->issuer, NID_key_usage, s->ku);
    if (s->eku)
        tg_ext(x, s->issuer, NID_ext_key_usage, s->eku);
    tg_ext(x, s->issuer, NID_subject_key_identifier, "hash");
    if (s->issuer)
        tg_ext(x, s->issuer, NID_authority_key_identifier, "keyid");
    EVP_PKEY *signer = s->issuer_key ? s->issuer_key : s->key;
    const EVP_MD *md = s->md ? s->md : EVP_sha256();
    if (EVP_PKEY_get_base_id(signer) == EVP_PKEY_ED25519)
        md = NULL;
    if (!X509_sign(x, signer, md)) {
        X509_free(x);
        return NULL;
    }
    return x;
}

/* DER of a certificate into a blob the tests own (malloc). */
static inline tlsa_blob tg_der(X509 *x) {
    tlsa_blob b = {0};
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    if (n > 0) {
        b.data = malloc((size_t)n);
        memcpy(b.data, p, (size_t)n);
        b.len = (uint32_t)n;
    }
    OPENSSL_free(p);
    return b;
}

/* Writes certificates as a PEM bundle to a temporary file; returns its path (static). */
static inline const char *tg_pem_file(X509 *const *certs, int n) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/tlsa-test-ca-%d.pem", (int)getpid());
    FILE *f = fopen(path, "w");
    for (int i = 0; f && i < n; i++)
        PEM_write_X509(f, certs[i]);
    if (f)
        fclose(f);
    return path;
}

/* Seconds since the epoch of a UTC date. */
static inline int64_t tg_date(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + doe - 719468) * 86400;
}

#endif
