/* X.509 analysis with OpenSSL libcrypto: DER → tlsa_cert_info, and chain verification against
 * a trust store. Parsed chains and their verification are cached per chain (SHA-256 over the
 * DERs), so a certificate chain seen 10,000 times is parsed and verified once. Results that
 * depend on the capture time or the SNI are computed per connection from the cached data. */
#ifndef TLSA_SRC_CERT_H
#define TLSA_SRC_CERT_H

#include <openssl/x509.h>

#include "tlsaudit/audit.h"
#include "tlsaudit/cert.h"

/* Fills out from one DER certificate. A DER that does not parse (or has trailing bytes)
 * gives out->parsed = false and TLSA_E_OK; only allocation failures are errors. When x is not
 * NULL it receives the parsed certificate (NULL when it did not parse); the caller frees it. */
tlsa_err tlsa_cert_parse(const uint8_t *der, size_t len, tlsa_cert_info *out, X509 **x) TLSA_WUR;
void tlsa_cert_info_clear(tlsa_cert_info *ci);
tlsa_err tlsa_cert_info_copy(tlsa_cert_info *dst, const tlsa_cert_info *src) TLSA_WUR;

/* A trust store per cfg: ca_file / ca_path, plus OpenSSL's default paths unless
 * no_system_store. NULL on error (TLSA_E_IO, msg names the file and OpenSSL's reason). */
X509_STORE *tlsa_cert_store_new(const tlsa_audit_config *cfg, tlsa_err *err, char *msg,
                                size_t msgsize);

/* One certificate of the trusted chain that came from the store rather than the wire. */
typedef struct tlsa_store_cert {
    int depth;
    int64_t not_before, not_after;
    char subject[96];
} tlsa_store_cert;

typedef struct tlsa_chain {
    uint64_t key; /* hash of the DERs (cert_chain.c) */
    uint32_t n;
    uint8_t *der;         /* the DERs, one after the other, to confirm a cache hit */
    size_t *der_len;      /* n entries */
    X509 **x;             /* n entries; NULL where the DER did not parse */
    tlsa_cert_info *info; /* n entries */
    /* Verification, done once, without time checks (the time is judged per connection). */
    bool verify_done;
    bool verified;
    char verify_error[128]; /* "unable to get local issuer certificate at depth 0 (CN=…)" */
    char root_subject[96];
    bool *in_path;          /* n entries: this sent certificate is on the verified path */
    tlsa_store_cert *store; /* certificates the store added to the built chain */
    uint32_t n_store;
    /* The last name checked against the leaf and the answer: most connections to a server ask
     * for the same name, and X509_check_host is not cheap. */
    uint8_t host[256];
    uint16_t host_len; /* 0: none checked yet */
    bool host_ok;
    struct tlsa_chain *next;
} tlsa_chain;

typedef struct tlsa_cert_cache tlsa_cert_cache;

/* store may be NULL (then nothing verifies). Takes no ownership of the store. max_chains: the
 * cache is emptied when it would exceed this many chains. */
tlsa_cert_cache *tlsa_cert_cache_new(X509_STORE *store, uint32_t max_chains);
void tlsa_cert_cache_free(tlsa_cert_cache *cc);
/* The parsed chain for these DERs (parsed now or found in the cache). Valid until the next
 * call. */
tlsa_err tlsa_cert_cache_get(tlsa_cert_cache *cc, const tlsa_blob_list *ders,
                             tlsa_chain **out) TLSA_WUR;
/* Runs chain verification if this chain has not been verified yet. */
tlsa_err tlsa_cert_chain_verify(tlsa_cert_cache *cc, tlsa_chain *ch) TLSA_WUR;
/* Counters for tests: chains parsed and chains verified since the cache was made. */
uint64_t tlsa_cert_cache_parses(const tlsa_cert_cache *cc);
uint64_t tlsa_cert_cache_verifications(const tlsa_cert_cache *cc);

/* True when the host name (or IP literal) in name[0..len) is covered by the leaf: SAN DNS/IP,
 * the CN only when there is no SAN, no partial wildcards ("w*.a.com"). */
bool tlsa_cert_matches_host(X509 *leaf, const uint8_t *name, size_t len);

/* Seconds since the epoch for an ASN1_TIME; false when it cannot be read. */
bool tlsa_cert_time(const ASN1_TIME *t, int64_t *out);

#endif
