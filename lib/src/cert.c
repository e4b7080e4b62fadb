/* One certificate: DER → tlsa_cert_info with OpenSSL. Everything in the DER is hostile: each
 * OpenSSL accessor that may fail is checked, and a certificate that does not parse is recorded
 * as parsed = false, never an error. */
#include "cert.h"

#include <arpa/inet.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's civil algorithm). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool tlsa_cert_time(const ASN1_TIME *t, int64_t *out) {
    struct tm tm;
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
        return false;
    *out = days_from_civil((int64_t)tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) * 86400 +
           tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
    return true;
}

static void time_text(int64_t t, char *buf, size_t size) {
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    /* civil_from_days */
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    int64_t y = yoe + era * 400 + (m <= 2);
    if (y < 0 || y > 9999) {
        snprintf(buf, size, "%s", y < 0 ? "0000-01-01T00:00:00Z" : "9999-12-31T23:59:59Z");
        return;
    }
    snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", (int)y, (int)m, (int)d,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
}

/* RFC 2253 one-line form. ESC_MSB is cleared so UTF-8 stays UTF-8 (the faces escape it). */
static char *name_text(const X509_NAME *n) {
    BIO *b = BIO_new(BIO_s_mem());
    char *out = NULL;
    if (!b)
        return NULL;
    if (n && X509_NAME_print_ex(b, n, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *data;
        long len = BIO_get_mem_data(b, &data);
        out = malloc((size_t)(len > 0 ? len : 0) + 1);
        if (out) {
            if (len > 0)
                memcpy(out, data, (size_t)len);
            out[len > 0 ? len : 0] = 0;
        }
    } else {
        out = strdup("");
    }
    BIO_free(b);
    return out;
}

static char *serial_text(const X509 *x) {
    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *out = NULL;
    if (bn) {
        char *h = BN_bn2hex(bn);
        if (h)
            out = strdup(h);
        OPENSSL_free(h);
        BN_free(bn);
    }
    return out ? out : strdup("");
}

static void key_text(X509 *x, tlsa_cert_info *ci) {
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk) {
        ASN1_OBJECT *alg = NULL;
        X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
        char name[24] = "unknown";
        if (xpk && X509_PUBKEY_get0_param(&alg, NULL, NULL, NULL, xpk) == 1 && alg)
            OBJ_obj2txt(name, sizeof name, alg, 0);
        snprintf(ci->key, sizeof ci->key, "%s", name);
        return;
    }
    int bits = EVP_PKEY_get_bits(pk);
    ci->key_bits = bits > 0 ? (uint32_t)bits : 0;
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:
    case EVP_PKEY_RSA_PSS:
        ci->key_kind = 1;
        snprintf(ci->key, sizeof ci->key, "RSA %u", ci->key_bits);
        break;
    case EVP_PKEY_EC: {
        char curve[32];
        size_t len = 0;
        ci->key_kind = 2;
        if (EVP_PKEY_get_group_name(pk, curve, sizeof curve, &len) == 1) {
            const char *nist = EC_curve_nid2nist(OBJ_sn2nid(curve));
            snprintf(ci->key, sizeof ci->key, "EC %.28s", nist ? nist : curve);
        } else {
            snprintf(ci->key, sizeof ci->key, "EC %u", ci->key_bits);
        }
        break;
    }
    case EVP_PKEY_DSA:
        ci->key_kind = 3;
        snprintf(ci->key, sizeof ci->key, "DSA %u", ci->key_bits);
        break;
    case EVP_PKEY_ED25519:
        ci->key_kind = 4;
        snprintf(ci->key, sizeof ci->key, "Ed25519");
        break;
    case EVP_PKEY_ED448:
        ci->key_kind = 4;
        snprintf(ci->key, sizeof ci->key, "Ed448");
        break;
    default: {
        const char *sn = OBJ_nid2sn(EVP_PKEY_get_base_id(pk));
        snprintf(ci->key, sizeof ci->key, "%s %u", sn ? sn : "unknown", ci->key_bits);
        break;
    }
    }
}

static void sig_text(const X509 *x, tlsa_cert_info *ci) {
    int nid = X509_get_signature_nid(x);
    const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
    if (ln) {
        snprintf(ci->sig_alg, sizeof ci->sig_alg, "%s", ln);
        return;
    }
    const X509_ALGOR *alg = NULL;
    const ASN1_OBJECT *obj = NULL;
    X509_get0_signature(NULL, &alg, x);
    if (alg)
        X509_ALGOR_get0(&obj, NULL, NULL, alg);
    if (!obj || OBJ_obj2txt(ci->sig_alg, sizeof ci->sig_alg, obj, 1) <= 0)
        snprintf(ci->sig_alg, sizeof ci->sig_alg, "unknown");
}

/* A DNS name from the wire as a C string: NUL bytes would cut it short, so they become '?'. */
static char *ia5_text(const ASN1_STRING *s) {
    int len = ASN1_STRING_length(s);
    const unsigned char *d = ASN1_STRING_get0_data(s);
    if (len < 0 || (!d && len))
        len = 0;
    char *out = malloc((size_t)len + 1);
    if (!out)
        return NULL;
    for (int i = 0; i < len; i++)
        out[i] = d[i] ? (char)d[i] : '?';
    out[len] = 0;
    return out;
}

static tlsa_err san_list(X509 *x, tlsa_cert_info *ci) {
    ci->has_san = X509_get_ext_by_NID(x, NID_subject_alt_name, -1) >= 0;
    GENERAL_NAMES *gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (!gens)
        return TLSA_E_OK;
    int n = sk_GENERAL_NAME_num(gens);
    tlsa_err err = TLSA_E_OK;
    ci->san = calloc(n > 0 ? (size_t)n : 1, sizeof *ci->san);
    if (!ci->san)
        err = TLSA_E_NO_MEMORY;
    for (int i = 0; i < n && err == TLSA_E_OK; i++) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        char *text = NULL;
        if (g->type == GEN_DNS) {
            text = ia5_text(g->d.dNSName);
        } else if (g->type == GEN_IPADD) {
            char buf[INET6_ADDRSTRLEN] = "";
            int len = ASN1_STRING_length(g->d.iPAddress);
            const unsigned char *d = ASN1_STRING_get0_data(g->d.iPAddress);
            if (len == 4 || len == 16)
                inet_ntop(len == 4 ? AF_INET : AF_INET6, d, buf, sizeof buf);
            else
                snprintf(buf, sizeof buf, "invalid IP (%d bytes)", len);
            text = strdup(buf);
        } else {
            continue;
        }
        if (!text)
            err = TLSA_E_NO_MEMORY;
        else
            ci->san[ci->n_san++] = text;
    }
    GENERAL_NAMES_free(gens);
    return err;
}

static void usage_flags(X509 *x, tlsa_cert_info *ci) {
    uint32_t flags = X509_get_extension_flags(x);
    BASIC_CONSTRAINTS *bc = X509_get_ext_d2i(x, NID_basic_constraints, NULL, NULL);
    ci->is_ca = bc && bc->ca;
    BASIC_CONSTRAINTS_free(bc);
    ci->has_key_usage = (flags & EXFLAG_KUSAGE) != 0;
    if (ci->has_key_usage) {
        uint32_t ku = X509_get_key_usage(x);
        ci->ku_digital_signature = (ku & KU_DIGITAL_SIGNATURE) != 0;
        ci->ku_key_encipherment = (ku & KU_KEY_ENCIPHERMENT) != 0;
        ci->ku_key_agreement = (ku & KU_KEY_AGREEMENT) != 0;
    }
    ci->has_eku = (flags & EXFLAG_XKUSAGE) != 0;
    if (ci->has_eku) {
        uint32_t xku = X509_get_extended_key_usage(x);
        ci->eku_server_auth = (xku & XKU_SSL_SERVER) != 0;
        ci->eku_client_auth = (xku & XKU_SSL_CLIENT) != 0;
        ci->eku_any = (xku & XKU_ANYEKU) != 0;
    }
}

static bool is_self_signed(X509 *x) {
    EVP_PKEY *pk = X509_get0_pubkey(x);
    if (!pk || X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) != 0)
        return false;
    bool ok = X509_verify(x, pk) == 1;
    ERR_clear_error();
    return ok;
}

static void hex_lower(const uint8_t *d, size_t n, char *out) {
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = "0123456789abcdef"[d[i] >> 4];
        out[2 * i + 1] = "0123456789abcdef"[d[i] & 15];
    }
    out[2 * n] = 0;
}

tlsa_err tlsa_cert_parse(const uint8_t *der, size_t len, tlsa_cert_info *out, X509 **xout) {
    memset(out, 0, sizeof *out);
    if (xout)
        *xout = NULL;
    if (!der || len == 0 || len > 0x7fffffff)
        return TLSA_E_OK;
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (!x || p != der + len) {
        X509_free(x);
        ERR_clear_error();
        return TLSA_E_OK;
    }
    out->parsed = true;
    uint8_t md[32];
    unsigned int mdlen = 0;
    if (EVP_Digest(der, len, md, &mdlen, EVP_sha256(), NULL) == 1 && mdlen == 32)
        hex_lower(md, 32, out->sha256);
    out->subject = name_text(X509_get_subject_name(x));
    out->issuer = name_text(X509_get_issuer_name(x));
    out->serial = serial_text(x);
    if (tlsa_cert_time(X509_get0_notBefore(x), &out->not_before_t))
        time_text(out->not_before_t, out->not_before, sizeof out->not_before);
    if (tlsa_cert_time(X509_get0_notAfter(x), &out->not_after_t))
        time_text(out->not_after_t, out->not_after, sizeof out->not_after);
    key_text(x, out);
    sig_text(x, out);
    tlsa_err err = san_list(x, out);
    usage_flags(x, out);
    out->self_signed = is_self_signed(x);
    ERR_clear_error();
    if (err == TLSA_E_OK && (!out->subject || !out->issuer || !out->serial))
        err = TLSA_E_NO_MEMORY;
    if (err != TLSA_E_OK) {
        tlsa_cert_info_clear(out);
        X509_free(x);
        return err;
    }
    if (xout)
        *xout = x;
    else
        X509_free(x);
    return TLSA_E_OK;
}

void tlsa_cert_info_clear(tlsa_cert_info *ci) {
    if (!ci)
        return;
    free(ci->subject);
    free(ci->issuer);
    free(ci->serial);
    for (uint32_t i = 0; i < ci->n_san; i++)
        free(ci->san[i]);
    free(ci->san);
    memset(ci, 0, sizeof *ci);
}

tlsa_err tlsa_cert_info_copy(tlsa_cert_info *dst, const tlsa_cert_info *src) {
    *dst = *src;
    dst->subject = dst->issuer = dst->serial = NULL;
    dst->san = NULL;
    dst->n_san = 0;
    if (!src->parsed)
        return TLSA_E_OK;
    dst->subject = strdup(src->subject ? src->subject : "");
    dst->issuer = strdup(src->issuer ? src->issuer : "");
    dst->serial = strdup(src->serial ? src->serial : "");
    if (src->n_san) {
        dst->san = calloc(src->n_san, sizeof *dst->san);
        for (uint32_t i = 0; dst->san && i < src->n_san; i++) {
            dst->san[i] = strdup(src->san[i]);
            if (!dst->san[i])
                break;
            dst->n_san++;
        }
    }
    if (!dst->subject || !dst->issuer || !dst->serial || dst->n_san != src->n_san) {
        tlsa_cert_info_clear(dst);
        return TLSA_E_NO_MEMORY;
    }
    return TLSA_E_OK;
}

bool tlsa_cert_matches_host(X509 *leaf, const uint8_t *name, size_t len) {
    char buf[256];
    unsigned char ip[16];
    if (len > 1 && name[len - 1] == '.')
        len--; /* an absolute name "a.com." is the same host */
    if (!leaf || len == 0 || len >= sizeof buf || memchr(name, 0, len))
        return false;
    memcpy(buf, name, len);
    buf[len] = 0;
    int r;
    if (inet_pton(AF_INET, buf, ip) == 1 || inet_pton(AF_INET6, buf, ip) == 1)
        r = X509_check_ip_asc(leaf, buf, 0);
    else
        r = X509_check_host(leaf, buf, len, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
    ERR_clear_error();
    return r == 1;
}
