/* Certificate chains: the trust store, the per-chain cache, and verification. Verification
 * runs once per chain with X509_V_FLAG_NO_CHECK_TIME; the capture-time judgement (which
 * certificate is expired at the moment the chain was seen) is done per connection from the
 * validity windows kept here, so the cache stays valid for every capture time. */
#include "cert.h"

#include <openssl/err.h>
#include <openssl/x509_vfy.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_BUCKETS 1024

struct tlsa_cert_cache {
    X509_STORE *store;
    uint32_t max_chains, n_chains;
    tlsa_chain *buckets[CACHE_BUCKETS];
    uint64_t parses, verifications;
};

X509_STORE *tlsa_cert_store_new(const tlsa_audit_config *cfg, tlsa_err *err, char *msg,
                                size_t msgsize) {
    X509_STORE *st = X509_STORE_new();
    *err = TLSA_E_OK;
    if (!st) {
        *err = TLSA_E_NO_MEMORY;
        return NULL;
    }
    const char *what = NULL, *file = NULL;
    FILE *probe = cfg && cfg->ca_file ? fopen(cfg->ca_file, "rb") : NULL;
    if (cfg && cfg->ca_file && !probe) {
        /* OpenSSL would only say "system lib": name the OS reason instead. */
        if (msg && msgsize)
            snprintf(msg, msgsize, "cannot open CA file %s: %s", cfg->ca_file, strerror(errno));
        X509_STORE_free(st);
        *err = TLSA_E_IO;
        return NULL;
    }
    if (probe)
        fclose(probe);
    if (cfg && cfg->ca_file && X509_STORE_load_file(st, cfg->ca_file) != 1)
        what = "cannot load CA file", file = cfg->ca_file;
    else if (cfg && cfg->ca_path && X509_STORE_load_path(st, cfg->ca_path) != 1)
        what = "cannot use CA directory", file = cfg->ca_path;
    else if (!(cfg && cfg->no_system_store) && X509_STORE_set_default_paths(st) != 1)
        what = "cannot load the system trust store", file = X509_get_default_cert_file();
    if (what) {
        unsigned long e = ERR_peek_last_error();
        char reason[128] = "no certificates";
        if (e && ERR_reason_error_string(e))
            snprintf(reason, sizeof reason, "%s", ERR_reason_error_string(e));
        else if (e)
            ERR_error_string_n(e, reason, sizeof reason);
        if (msg && msgsize)
            snprintf(msg, msgsize, "%s %s: %s", what, file, reason);
        ERR_clear_error();
        X509_STORE_free(st);
        *err = TLSA_E_IO;
        return NULL;
    }
    ERR_clear_error(); /* missing default paths are not an error */
    return st;
}

tlsa_cert_cache *tlsa_cert_cache_new(X509_STORE *store, uint32_t max_chains) {
    tlsa_cert_cache *cc = calloc(1, sizeof *cc);
    if (cc) {
        cc->store = store;
        cc->max_chains = max_chains ? max_chains : 1;
    }
    return cc;
}

static void chain_free(tlsa_chain *ch) {
    for (uint32_t i = 0; i < ch->n; i++) {
        if (ch->x)
            X509_free(ch->x[i]);
        if (ch->info)
            tlsa_cert_info_clear(&ch->info[i]);
    }
    free(ch->x);
    free(ch->info);
    free(ch->store);
    free(ch->in_path);
    free(ch->der);
    free(ch->der_len);
    free(ch);
}

static void cache_empty(tlsa_cert_cache *cc) {
    for (size_t b = 0; b < CACHE_BUCKETS; b++) {
        while (cc->buckets[b]) {
            tlsa_chain *next = cc->buckets[b]->next;
            chain_free(cc->buckets[b]);
            cc->buckets[b] = next;
        }
    }
    cc->n_chains = 0;
}

void tlsa_cert_cache_free(tlsa_cert_cache *cc) {
    if (!cc)
        return;
    cache_empty(cc);
    free(cc);
}

uint64_t tlsa_cert_cache_parses(const tlsa_cert_cache *cc) {
    return cc ? cc->parses : 0;
}
uint64_t tlsa_cert_cache_verifications(const tlsa_cert_cache *cc) {
    return cc ? cc->verifications : 0;
}

/* The cache key: a fast 64-bit hash over (4-byte length, DER) of each certificate. A hit is
 * confirmed byte for byte (same_ders), so crafted collisions only share a bucket, never a
 * chain; a bucket holds at most max_chains entries. */
static uint64_t mix(uint64_t h, uint64_t v) {
    h ^= v * 0x9E3779B97F4A7C15ull;
    h = (h << 31 | h >> 33) * 0xC2B2AE3D27D4EB4Full;
    return h;
}

static uint64_t chain_hash(const tlsa_blob_list *ders) {
    uint64_t h = 0x243F6A8885A308D3ull ^ ders->n;
    for (uint32_t i = 0; i < ders->n; i++) {
        const uint8_t *p = ders->v[i].data;
        size_t n = ders->v[i].len, k = 0;
        h = mix(h, n);
        for (; k + 8 <= n; k += 8) {
            uint64_t v;
            memcpy(&v, p + k, 8);
            h = mix(h, v);
        }
        uint64_t tail = 0;
        if (k < n)
            memcpy(&tail, p + k, n - k);
        h = mix(h, tail);
    }
    return h ^ (h >> 29);
}

static bool same_ders(const tlsa_chain *ch, const tlsa_blob_list *ders) {
    if (ch->n != ders->n)
        return false;
    size_t off = 0;
    for (uint32_t i = 0; i < ders->n; i++) {
        size_t n = ders->v[i].len;
        if (ch->der_len[i] != n || (n && memcmp(ch->der + off, ders->v[i].data, n) != 0))
            return false;
        off += n;
    }
    return true;
}

/* Keeps the DERs in one block to confirm later hits. */
static bool keep_ders(tlsa_chain *ch, const tlsa_blob_list *ders) {
    size_t total = 0;
    for (uint32_t i = 0; i < ders->n; i++)
        total += ders->v[i].len;
    ch->der = malloc(total ? total : 1);
    ch->der_len = calloc(ders->n ? ders->n : 1, sizeof *ch->der_len);
    if (!ch->der || !ch->der_len)
        return false;
    size_t off = 0;
    for (uint32_t i = 0; i < ders->n; i++) {
        if (ders->v[i].len)
            memcpy(ch->der + off, ders->v[i].data, ders->v[i].len);
        ch->der_len[i] = ders->v[i].len;
        off += ders->v[i].len;
    }
    return true;
}

tlsa_err tlsa_cert_cache_get(tlsa_cert_cache *cc, const tlsa_blob_list *ders, tlsa_chain **out) {
    *out = NULL;
    uint64_t key = chain_hash(ders);
    size_t b = (size_t)(key % CACHE_BUCKETS);
    for (tlsa_chain *ch = cc->buckets[b]; ch; ch = ch->next)
        if (ch->key == key && same_ders(ch, ders)) {
            *out = ch;
            return TLSA_E_OK;
        }
    tlsa_chain *ch = calloc(1, sizeof *ch);
    if (!ch)
        return TLSA_E_NO_MEMORY;
    ch->key = key;
    ch->x = calloc(ders->n ? ders->n : 1, sizeof *ch->x);
    ch->info = calloc(ders->n ? ders->n : 1, sizeof *ch->info);
    if (!ch->x || !ch->info || !keep_ders(ch, ders)) {
        chain_free(ch);
        return TLSA_E_NO_MEMORY;
    }
    for (uint32_t i = 0; i < ders->n; i++) {
        ch->n = i + 1;
        tlsa_err err = tlsa_cert_parse(ders->v[i].data, ders->v[i].len, &ch->info[i], &ch->x[i]);
        if (err != TLSA_E_OK) {
            chain_free(ch);
            return err;
        }
    }
    cc->parses++;
    if (cc->n_chains >= cc->max_chains)
        cache_empty(cc); /* simple bound: start over rather than track recency */
    ch->next = cc->buckets[b];
    cc->buckets[b] = ch;
    cc->n_chains++;
    *out = ch;
    return TLSA_E_OK;
}

static void subject_of(X509 *x, char *buf, size_t size) {
    buf[0] = 0;
    if (!x)
        return;
    BIO *b = BIO_new(BIO_s_mem());
    if (!b)
        return;
    if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0,
                           XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) >= 0) {
        char *d;
        long n = BIO_get_mem_data(b, &d);
        if (n > 0)
            snprintf(buf, size, "%.*s", (int)(n < (long)size ? n : (long)size - 1), d);
    }
    BIO_free(b);
}

/* Index of this certificate among those sent on the wire, or -1 (it came from the store). */
static long sent(const tlsa_chain *ch, X509 *x) {
    for (uint32_t i = 0; i < ch->n; i++)
        if (ch->x[i] && X509_cmp(ch->x[i], x) == 0)
            return (long)i;
    return -1;
}

static tlsa_err keep_store_certs(tlsa_chain *ch, STACK_OF(X509) * built) {
    int n = built ? sk_X509_num(built) : 0;
    ch->store = calloc(n > 0 ? (size_t)n : 1, sizeof *ch->store);
    ch->in_path = calloc(ch->n ? ch->n : 1, sizeof *ch->in_path);
    if (!ch->store || !ch->in_path)
        return TLSA_E_NO_MEMORY;
    for (int d = 0; d < n; d++) {
        X509 *x = sk_X509_value(built, d);
        if (d == n - 1)
            subject_of(x, ch->root_subject, sizeof ch->root_subject);
        long idx = sent(ch, x);
        if (idx >= 0) {
            ch->in_path[idx] = true;
            continue;
        }
        tlsa_store_cert *s = &ch->store[ch->n_store++];
        s->depth = d;
        if (!tlsa_cert_time(X509_get0_notBefore(x), &s->not_before))
            s->not_before = INT64_MIN;
        if (!tlsa_cert_time(X509_get0_notAfter(x), &s->not_after))
            s->not_after = INT64_MAX;
        subject_of(x, s->subject, sizeof s->subject);
    }
    return TLSA_E_OK;
}

tlsa_err tlsa_cert_chain_verify(tlsa_cert_cache *cc, tlsa_chain *ch) {
    if (ch->verify_done)
        return TLSA_E_OK;
    if (ch->n == 0 || !ch->x[0]) {
        snprintf(ch->verify_error, sizeof ch->verify_error,
                 ch->n ? "certificate 0 does not parse" : "no certificate");
        ch->verify_done = true;
        return TLSA_E_OK;
    }
    if (!cc->store) {
        snprintf(ch->verify_error, sizeof ch->verify_error, "no trust store");
        ch->verify_done = true;
        return TLSA_E_OK;
    }
    STACK_OF(X509) *untrusted = sk_X509_new_null();
    X509_STORE_CTX *ctx = X509_STORE_CTX_new();
    tlsa_err err = TLSA_E_OK;
    if (!untrusted || !ctx) {
        err = TLSA_E_NO_MEMORY;
        goto done;
    }
    for (uint32_t i = 1; i < ch->n; i++)
        if (ch->x[i] && !sk_X509_push(untrusted, ch->x[i])) {
            err = TLSA_E_NO_MEMORY;
            goto done;
        }
    if (X509_STORE_CTX_init(ctx, cc->store, ch->x[0], untrusted) != 1) {
        err = TLSA_E_NO_MEMORY;
        goto done;
    }
    X509_VERIFY_PARAM_set_flags(X509_STORE_CTX_get0_param(ctx), X509_V_FLAG_NO_CHECK_TIME);
    cc->verifications++;
    int ok = X509_verify_cert(ctx);
    if (ok == 1) {
        ch->verified = true;
        STACK_OF(X509) *built = X509_STORE_CTX_get1_chain(ctx);
        err = keep_store_certs(ch, built);
        sk_X509_pop_free(built, X509_free);
    } else {
        char subj[64];
        int depth = X509_STORE_CTX_get_error_depth(ctx);
        subject_of(X509_STORE_CTX_get_current_cert(ctx), subj, sizeof subj);
        snprintf(ch->verify_error, sizeof ch->verify_error, "%s at depth %d (%s)",
                 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)), depth,
                 subj[0] ? subj : "no subject");
        for (uint32_t i = 1; i < ch->n; i++)
            if (!ch->x[i]) {
                size_t l = strlen(ch->verify_error);
                snprintf(ch->verify_error + l, sizeof ch->verify_error - l,
                         "; certificate %u does not parse", i);
                break;
            }
    }
    ch->verify_done = true;
done:
    ERR_clear_error();
    X509_STORE_CTX_free(ctx);
    sk_X509_free(untrusted);
    return err;
}
