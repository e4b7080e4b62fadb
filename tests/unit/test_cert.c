/* cert module: DER → tlsa_cert_info, host-name matching, chain verification and its cache. */
#include <string.h>

#include "cert.h"
#include "certgen.h"
#include "harness.h"

#define Y2021 (tg_date(2021, 1, 1))
#define DAY 86400

static X509 *simple(const char *cn, EVP_PKEY *key, const char *san) {
    tg_spec s = {.cn = cn,
                 .key = key,
                 .not_before = Y2021,
                 .not_after = Y2021 + 90 * DAY - 1,
                 .san = san,
                 .ca = 0,
                 .serial = 0x1234ABCD};
    return tg_cert(&s);
}

static tlsa_cert_info parse_x509(X509 *x) {
    tlsa_cert_info ci;
    tlsa_blob b = tg_der(x);
    CU_ASSERT_EQUAL(tlsa_cert_parse(b.data, b.len, &ci, NULL), TLSA_E_OK);
    free(b.data);
    return ci;
}

static void test_fields(void) {
    tg_spec s = {.cn = "leaf.example",
                 .o = "Test Org",
                 .key = tg_key("RSA", 2048, NULL),
                 .not_before = tg_date(2027, 11, 1),
                 .not_after = tg_date(2028, 1, 30) + 3661,
                 .san = "DNS:leaf.example,DNS:*.leaf.example,IP:192.0.2.1,IP:2001:db8::1",
                 .ca = 0,
                 .ku = "critical,digitalSignature,keyEncipherment",
                 .eku = "serverAuth,clientAuth",
                 .serial = 0x0102ABCD};
    X509 *x = tg_cert(&s);
    tlsa_blob b = tg_der(x);
    tlsa_cert_info ci;
    X509 *px = NULL;
    CU_ASSERT_EQUAL(tlsa_cert_parse(b.data, b.len, &ci, &px), TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL(px);
    CU_ASSERT(ci.parsed);
    CU_ASSERT_STRING_EQUAL(ci.subject, "CN=leaf.example,O=Test Org");
    CU_ASSERT_STRING_EQUAL(ci.issuer, "CN=leaf.example,O=Test Org");
    CU_ASSERT_STRING_EQUAL(ci.serial, "0102ABCD");
    CU_ASSERT_STRING_EQUAL(ci.not_before, "2027-11-01T00:00:00Z");
    CU_ASSERT_STRING_EQUAL(ci.not_after, "2028-01-30T01:01:01Z");
    CU_ASSERT_EQUAL(ci.not_before_t, tg_date(2027, 11, 1));
    CU_ASSERT_STRING_EQUAL(ci.key, "RSA 2048");
    CU_ASSERT_EQUAL(ci.key_kind, 1);
    CU_ASSERT_EQUAL(ci.key_bits, 2048);
    CU_ASSERT_STRING_EQUAL(ci.sig_alg, "sha256WithRSAEncryption");
    CU_ASSERT_EQUAL(ci.n_san, 4);
    if (ci.n_san == 4) {
        CU_ASSERT_STRING_EQUAL(ci.san[0], "leaf.example");
        CU_ASSERT_STRING_EQUAL(ci.san[1], "*.leaf.example");
        CU_ASSERT_STRING_EQUAL(ci.san[2], "192.0.2.1");
        CU_ASSERT_STRING_EQUAL(ci.san[3], "2001:db8::1");
    }
    CU_ASSERT(ci.has_san);
    CU_ASSERT(!ci.is_ca);
    CU_ASSERT(ci.self_signed);
    CU_ASSERT(ci.has_key_usage && ci.ku_digital_signature && ci.ku_key_encipherment &&
              !ci.ku_key_agreement);
    CU_ASSERT(ci.has_eku && ci.eku_server_auth && ci.eku_client_auth && !ci.eku_any);
    /* SHA-256 of the DER, lower-case hex. */
    unsigned char md[32];
    char hex[65];
    EVP_Digest(b.data, b.len, md, NULL, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    CU_ASSERT_STRING_EQUAL(ci.sha256, hex);
    /* A deep copy is independent of the original. */
    tlsa_cert_info cp;
    CU_ASSERT_EQUAL(tlsa_cert_info_copy(&cp, &ci), TLSA_E_OK);
    tlsa_cert_info_clear(&ci);
    CU_ASSERT_STRING_EQUAL(cp.san[1], "*.leaf.example");
    CU_ASSERT_STRING_EQUAL(cp.subject, "CN=leaf.example,O=Test Org");
    tlsa_cert_info_clear(&cp);
    X509_free(px);
    X509_free(x);
    free(b.data);
}

/* Non-ASCII names stay UTF-8 (ESC_MSB off); RFC 2253 specials are escaped. */
static void test_names_utf8(void) {
    tg_spec s = {.cn = "Z\xc3\xbcrich, \"Test\"",
                 .o = "A+B",
                 .key = tg_key("EC", 0, "P-256"),
                 .not_before = Y2021,
                 .not_after = Y2021 + DAY,
                 .ca = -1};
    X509 *x = tg_cert(&s);
    tlsa_cert_info ci = parse_x509(x);
    CU_ASSERT_STRING_EQUAL(ci.subject, "CN=Z\xc3\xbcrich\\, \\\"Test\\\",O=A\\+B");
    tlsa_cert_info_clear(&ci);
    X509_free(x);
}

static void test_key_names(void) {
    struct {
        EVP_PKEY *k;
        const char *text;
        uint8_t kind;
        uint32_t bits;
    } cases[] = {
        {tg_key("RSA", 1024, NULL), "RSA 1024", 1, 1024},
        {tg_key("EC", 0, "P-256"), "EC P-256", 2, 256},
        {tg_key("EC", 0, "P-384"), "EC P-384", 2, 384},
        {tg_key("EC", 0, "secp256k1"), "EC secp256k1", 2, 256},
        {tg_key("ED25519", 0, NULL), "Ed25519", 4, 256},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(cases[i].k);
        X509 *x = simple("k", cases[i].k, NULL);
        CU_ASSERT_PTR_NOT_NULL_FATAL(x);
        tlsa_cert_info ci = parse_x509(x);
        CU_ASSERT_STRING_EQUAL(ci.key, cases[i].text);
        CU_ASSERT_EQUAL(ci.key_kind, cases[i].kind);
        CU_ASSERT_EQUAL(ci.key_bits, cases[i].bits);
        CU_ASSERT(!ci.has_san);
        tlsa_cert_info_clear(&ci);
        X509_free(x);
    }
}

static void test_garbage(void) {
    static const uint8_t junk[] = {0x30, 0x82, 0xff, 0xff, 0x01, 0x02, 0x03};
    tlsa_cert_info ci;
    X509 *x = (X509 *)1;
    CU_ASSERT_EQUAL(tlsa_cert_parse(junk, sizeof junk, &ci, &x), TLSA_E_OK);
    CU_ASSERT(!ci.parsed);
    CU_ASSERT_PTR_NULL(x);
    CU_ASSERT_PTR_NULL(ci.subject);
    CU_ASSERT_EQUAL(tlsa_cert_parse(NULL, 0, &ci, NULL), TLSA_E_OK);
    CU_ASSERT(!ci.parsed);
    /* Every truncation of a real certificate, and one trailing byte, do not parse. */
    X509 *good = simple("t", tg_key("EC", 0, "P-256"), "DNS:t");
    tlsa_blob b = tg_der(good);
    uint8_t *longer = malloc(b.len + 1);
    memcpy(longer, b.data, b.len);
    longer[b.len] = 0;
    CU_ASSERT_EQUAL(tlsa_cert_parse(longer, b.len + 1, &ci, NULL), TLSA_E_OK);
    CU_ASSERT(!ci.parsed);
    for (uint32_t n = 0; n < b.len; n++) {
        CU_ASSERT_EQUAL(tlsa_cert_parse(b.data, n, &ci, NULL), TLSA_E_OK);
        CU_ASSERT(!ci.parsed);
        tlsa_cert_info_clear(&ci);
    }
    /* Flipping each byte never crashes (parsed or not). */
    for (uint32_t i = 0; i < b.len; i++) {
        memcpy(longer, b.data, b.len);
        longer[i] ^= 0xA5;
        CU_ASSERT_EQUAL(tlsa_cert_parse(longer, b.len, &ci, NULL), TLSA_E_OK);
        tlsa_cert_info_clear(&ci);
    }
    free(longer);
    free(b.data);
    X509_free(good);
}

static bool host_ok(X509 *x, const char *name) {
    return tlsa_cert_matches_host(x, (const uint8_t *)name, strlen(name));
}

static void test_host(void) {
    X509 *w = simple("ignored.example", tg_key("EC", 0, "P-256"), "DNS:*.a.com,IP:192.0.2.7");
    CU_ASSERT(host_ok(w, "b.a.com"));
    CU_ASSERT(host_ok(w, "B.A.COM"));
    CU_ASSERT(host_ok(w, "b.a.com."));
    CU_ASSERT(!host_ok(w, "."));
    CU_ASSERT(!host_ok(w, "a.com"));
    CU_ASSERT(!host_ok(w, "x.y.a.com"));
    CU_ASSERT(!host_ok(w, "a.com.evil.net"));
    CU_ASSERT(!host_ok(w, "ignored.example")); /* CN is not used when there is a SAN */
    CU_ASSERT(host_ok(w, "192.0.2.7"));
    CU_ASSERT(!host_ok(w, "192.0.2.8"));
    CU_ASSERT(!tlsa_cert_matches_host(w, (const uint8_t *)"b.a.com\0x", 9));
    CU_ASSERT(!tlsa_cert_matches_host(w, (const uint8_t *)"", 0));
    CU_ASSERT(!tlsa_cert_matches_host(NULL, (const uint8_t *)"b.a.com", 7));
    X509 *partial = simple("p", tg_key("EC", 0, "P-256"), "DNS:w*.a.com");
    CU_ASSERT(!host_ok(partial, "www.a.com"));
    X509 *cn_only = simple("cn.example", tg_key("EC", 0, "P-256"), NULL);
    CU_ASSERT(host_ok(cn_only, "cn.example"));
    CU_ASSERT(!host_ok(cn_only, "other.example"));
    X509_free(w);
    X509_free(partial);
    X509_free(cn_only);
}

/* A small PKI: root → intermediate → leaf. */
typedef struct pki {
    X509 *root, *inter, *leaf, *other_root;
} pki;

static pki make_pki(int64_t inter_not_after) {
    pki p;
    EVP_PKEY *rk = tg_key("EC", 0, "P-384"), *ik = tg_key("EC", 0, "P-256"),
             *lk = tg_key("EC", 0, "prime256v1"), *ok = tg_key("ED25519", 0, NULL);
    tg_spec r = {.cn = "Test Root",
                 .key = rk,
                 .not_before = tg_date(2020, 1, 1),
                 .not_after = tg_date(2040, 1, 1),
                 .ca = 1,
                 .serial = 1};
    p.root = tg_cert(&r);
    tg_spec i = {.cn = "Test Intermediate",
                 .key = ik,
                 .issuer = p.root,
                 .issuer_key = rk,
                 .not_before = tg_date(2020, 1, 1),
                 .not_after = inter_not_after,
                 .ca = 1,
                 .serial = 2};
    p.inter = tg_cert(&i);
    tg_spec l = {.cn = "www.a.com",
                 .key = lk,
                 .issuer = p.inter,
                 .issuer_key = ik,
                 .not_before = tg_date(2021, 1, 1),
                 .not_after = tg_date(2021, 3, 1),
                 .ca = 0,
                 .san = "DNS:www.a.com",
                 .serial = 3};
    p.leaf = tg_cert(&l);
    tg_spec o = {.cn = "Other Root",
                 .key = ok,
                 .not_before = tg_date(2020, 1, 1),
                 .not_after = tg_date(2040, 1, 1),
                 .ca = 1,
                 .serial = 9};
    p.other_root = tg_cert(&o);
    return p;
}

static void free_pki(pki *p) {
    X509_free(p->root);
    X509_free(p->inter);
    X509_free(p->leaf);
    X509_free(p->other_root);
}

static X509_STORE *store_with(X509 *ca) {
    tlsa_audit_config cfg = {.no_system_store = true};
    if (ca)
        cfg.ca_file = tg_pem_file(&ca, 1);
    tlsa_err err;
    char msg[256];
    X509_STORE *st = tlsa_cert_store_new(&cfg, &err, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, TLSA_E_OK);
    if (ca)
        remove(cfg.ca_file);
    return st;
}

static tlsa_chain *verify(tlsa_cert_cache *cc, X509 *const *certs, uint32_t n) {
    tlsa_blob v[4];
    for (uint32_t i = 0; i < n; i++)
        v[i] = tg_der(certs[i]);
    tlsa_blob_list l = {v, n};
    tlsa_chain *ch = NULL;
    CU_ASSERT_EQUAL(tlsa_cert_cache_get(cc, &l, &ch), TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL(ch);
    if (ch)
        CU_ASSERT_EQUAL(tlsa_cert_chain_verify(cc, ch), TLSA_E_OK);
    for (uint32_t i = 0; i < n; i++)
        free(v[i].data);
    return ch;
}

static void test_verify(void) {
    pki p = make_pki(tg_date(2030, 1, 1));
    X509_STORE *st = store_with(p.root);
    tlsa_cert_cache *cc = tlsa_cert_cache_new(st, 16);
    X509 *full[] = {p.leaf, p.inter};
    tlsa_chain *ch = verify(cc, full, 2);
    CU_ASSERT(ch && ch->verified);
    CU_ASSERT_STRING_EQUAL(ch->root_subject, "CN=Test Root");
    CU_ASSERT_EQUAL(ch->n_store, 1); /* the root came from the store */
    CU_ASSERT_EQUAL(ch->store[0].depth, 2);
    CU_ASSERT_EQUAL(ch->store[0].not_after, tg_date(2040, 1, 1));
    /* Missing intermediate. */
    X509 *alone[] = {p.leaf};
    ch = verify(cc, alone, 1);
    CU_ASSERT(ch && !ch->verified);
    CU_ASSERT_STRING_EQUAL(ch->verify_error,
                           "unable to get local issuer certificate at depth 0 (CN=www.a.com)");
    /* Self-signed leaf that is not trusted. */
    X509 *self[] = {p.other_root};
    ch = verify(cc, self, 1);
    CU_ASSERT(ch && !ch->verified);
    CU_ASSERT_STRING_EQUAL(ch->verify_error, "self-signed certificate at depth 0 (CN=Other Root)");
    /* Garbage leaf. */
    tlsa_blob junk = {(uint8_t *)"junk", 4};
    tlsa_blob_list jl = {&junk, 1};
    CU_ASSERT_EQUAL(tlsa_cert_cache_get(cc, &jl, &ch), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_cert_chain_verify(cc, ch), TLSA_E_OK);
    CU_ASSERT(!ch->verified);
    CU_ASSERT_STRING_EQUAL(ch->verify_error, "certificate 0 does not parse");
    CU_ASSERT_EQUAL(tlsa_cert_cache_verifications(cc), 3); /* the garbage needs no OpenSSL run */
    tlsa_cert_cache_free(cc);
    X509_STORE_free(st);
    /* Unknown issuer: the store holds another root. */
    st = store_with(p.other_root);
    cc = tlsa_cert_cache_new(st, 16);
    ch = verify(cc, full, 2);
    CU_ASSERT(ch && !ch->verified);
    CU_ASSERT_STRING_EQUAL(
        ch->verify_error,
        "unable to get local issuer certificate at depth 1 (CN=Test Intermediate)");
    tlsa_cert_cache_free(cc);
    X509_STORE_free(st);
    free_pki(&p);
}

static void test_cache(void) {
    pki p = make_pki(tg_date(2030, 1, 1));
    X509_STORE *st = store_with(p.root);
    tlsa_cert_cache *cc = tlsa_cert_cache_new(st, 2);
    X509 *full[] = {p.leaf, p.inter}, *alone[] = {p.leaf}, *inter[] = {p.inter};
    tlsa_chain *a = verify(cc, full, 2), *b = verify(cc, full, 2);
    CU_ASSERT_PTR_EQUAL(a, b);
    CU_ASSERT_EQUAL(tlsa_cert_cache_parses(cc), 1);
    CU_ASSERT_EQUAL(tlsa_cert_cache_verifications(cc), 1);
    verify(cc, alone, 1);
    CU_ASSERT_EQUAL(tlsa_cert_cache_parses(cc), 2);
    /* A third chain over the bound of 2 empties the cache; the first chain is parsed again. */
    verify(cc, inter, 1);
    verify(cc, full, 2);
    CU_ASSERT_EQUAL(tlsa_cert_cache_parses(cc), 4);
    CU_ASSERT_EQUAL(tlsa_cert_cache_verifications(cc), 4);
    tlsa_cert_cache_free(cc);
    X509_STORE_free(st);
    free_pki(&p);
}

static void test_store_errors(void) {
    tlsa_audit_config cfg = {.ca_file = "/nonexistent/ca.pem", .no_system_store = true};
    tlsa_err err;
    char msg[256];
    CU_ASSERT_PTR_NULL(tlsa_cert_store_new(&cfg, &err, msg, sizeof msg));
    CU_ASSERT_EQUAL(err, TLSA_E_IO);
    CU_ASSERT_STRING_EQUAL(msg,
                           "cannot open CA file /nonexistent/ca.pem: No such file or directory");
    /* A file that holds no certificate: OpenSSL's reason. */
    cfg.ca_file = TLSA_SOURCE_DIR "/docs/policy.md";
    CU_ASSERT_PTR_NULL(tlsa_cert_store_new(&cfg, &err, msg, sizeof msg));
    CU_ASSERT_EQUAL(err, TLSA_E_IO);
    CU_ASSERT_STRING_EQUAL(msg, "cannot load CA file " TLSA_SOURCE_DIR
                                "/docs/policy.md: no certificate or crl found");
}

TLSA_TEST_MAIN("cert", {"fields of a certificate", test_fields}, {"key names", test_key_names},
               {"UTF-8 names", test_names_utf8}, {"garbage DER", test_garbage},
               {"host names", test_host}, {"chain verification", test_verify},
               {"cache", test_cache}, {"trust store errors", test_store_errors})
