/* audit: one case per rule of design §4, at its threshold, on crafted connection records. */
#include <string.h>

#include "audit_int.h"
#include "certgen.h"
#include "harness.h"
#include "tlsaudit/tlsaudit.h"

#define DAY 86400

static uint16_t ch_ext[] = {0, 10, 11, 13, 23, 0xff01};
static uint16_t sh_ext[] = {23, 0xff01};
static uint16_t ch_suites[] = {0x0A0A, 0xC02F, 0xC030, 0x00FF};

/* A clean TLS 1.2 ECDHE handshake: no finding at all. */
static tlsa_conn base(void) {
    tlsa_conn c;
    memset(&c, 0, sizeof c);
    c.version = TLSA_V_TLS12;
    c.suite = 0xC02F;
    c.has_suite = true;
    c.complete = true;
    c.handshakes = 1;
    c.first_frame = 1;
    c.last_frame = 20;
    c.first_ts.sec = tg_date(2021, 2, 1);
    c.ch.present = true;
    c.ch.frame = 1;
    c.ch.sni.data = (uint8_t *)"www.a.com";
    c.ch.sni.len = 9;
    c.ch.extensions = (tlsa_u16_list){ch_ext, 6};
    c.ch.suites = (tlsa_u16_list){ch_suites, 4};
    c.sh.present = true;
    c.sh.frame = 3;
    c.sh.version = TLSA_V_TLS12;
    c.sh.suite = 0xC02F;
    c.sh.extensions = (tlsa_u16_list){sh_ext, 2};
    c.kex.kind = TLSA_KEX_ECDHE;
    c.kex.group = 0x001D;
    c.kex.ske_sig_scheme = 0x0804;
    c.server_chain_frame = 4;
    c.server_chain_ts.sec = tg_date(2021, 2, 1);
    return c;
}

static tlsa_auditor *auditor(const char *policy, X509 *ca, bool has_now, int64_t now) {
    tlsa_audit_config cfg = {
        .no_system_store = true, .policy = policy, .has_now = has_now, .now = now};
    if (ca)
        cfg.ca_file = tg_pem_file(&ca, 1);
    tlsa_err err;
    char msg[256];
    tlsa_auditor *a = tlsa_auditor_new(&cfg, &err, msg, sizeof msg);
    CU_ASSERT_EQUAL(err, TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    if (ca)
        remove(cfg.ca_file);
    return a;
}

static const tlsa_finding *find(const tlsa_conn *c, const char *id) {
    for (uint32_t i = 0; i < c->n_findings; i++)
        if (strcmp(tlsa_finding_id_str((tlsa_finding_id)c->findings[i].id), id) == 0)
            return &c->findings[i];
    return NULL;
}

/* Audits with the default policy and no trust store. */
static void run(tlsa_conn *c) {
    tlsa_auditor *a = auditor(NULL, NULL, false, 0);
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, c), TLSA_E_OK);
    tlsa_auditor_free(a);
}

static void dump(const tlsa_conn *c) {
    for (uint32_t i = 0; i < c->n_findings; i++)
        fprintf(stderr, "    [%s] %s: %s\n",
                tlsa_severity_name((tlsa_severity)c->findings[i].severity),
                tlsa_finding_id_str((tlsa_finding_id)c->findings[i].id), c->findings[i].detail);
}

#define ASSERT_DETAIL(c, id, text)                                                                 \
    do {                                                                                           \
        const tlsa_finding *f_ = find(c, id);                                                      \
        CU_ASSERT_PTR_NOT_NULL(f_);                                                                \
        if (f_)                                                                                    \
            CU_ASSERT_STRING_EQUAL(f_->detail, text);                                              \
        if (!f_ || strcmp(f_->detail, text) != 0)                                                  \
            dump(c);                                                                               \
    } while (0)

static void test_clean(void) {
    tlsa_conn c = base();
    run(&c);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    dump(&c);
    tlsa_audit_clear(&c);
    /* An empty record audits without crashing: only "incomplete". */
    memset(&c, 0, sizeof c);
    run(&c);
    CU_ASSERT_EQUAL(c.n_findings, 1);
    CU_ASSERT_PTR_NOT_NULL(find(&c, "proto.incomplete"));
    tlsa_audit_clear(&c);
    CU_ASSERT_PTR_NULL(c.findings);
    CU_ASSERT_EQUAL(tlsa_audit_conn(NULL, &c), TLSA_E_INVALID_ARGUMENT);
}

static void test_versions(void) {
    struct {
        uint16_t v;
        const char *id;
        tlsa_severity sev;
    } cases[] = {{TLSA_V_SSL2, "version.sslv2", TLSA_SEV_CRITICAL},
                 {TLSA_V_SSL3, "version.sslv3", TLSA_SEV_CRITICAL},
                 {TLSA_V_TLS10, "version.tls10", TLSA_SEV_HIGH},
                 {TLSA_V_TLS11, "version.tls11", TLSA_SEV_HIGH}};
    for (size_t i = 0; i < 4; i++) {
        tlsa_conn c = base();
        c.version = cases[i].v;
        run(&c);
        const tlsa_finding *f = find(&c, cases[i].id);
        CU_ASSERT_PTR_NOT_NULL(f);
        if (f) {
            CU_ASSERT_EQUAL(f->severity, cases[i].sev);
            CU_ASSERT_EQUAL(f->n_frames, 1);
            CU_ASSERT_EQUAL(f->frames[0], 3);
        }
        tlsa_audit_clear(&c);
    }
    tlsa_conn c = base();
    c.version = TLSA_V_TLS10;
    run(&c);
    ASSERT_DETAIL(&c, "version.tls10", "the server chose TLS 1.0 (0x0301)");
    /* TLS 1.0 is outside the intermediate profile even with a good suite. */
    ASSERT_DETAIL(&c, "cipher.policy", "TLS 1.0 is not among its versions (TLSv1.2 TLSv1.3)");
    tlsa_audit_clear(&c);
}

static void check_suite(uint16_t suite, uint16_t version, const char *const *ids, size_t n) {
    tlsa_conn c = base();
    c.suite = suite;
    c.version = version;
    c.kex.kind = TLSA_KEX_RSA;
    c.kex.ske_sig_scheme = 0;
    run(&c);
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_PTR_NOT_NULL(find(&c, ids[i]));
        if (!find(&c, ids[i]))
            fprintf(stderr, "\n  suite 0x%04x lacks %s\n", suite, ids[i]);
    }
    tlsa_audit_clear(&c);
}

static void test_suites(void) {
    static const char *const rc4[] = {"cipher.rc4", "cipher.no_pfs", "cipher.policy"};
    check_suite(0x0005, TLSA_V_TLS12, rc4, 3);
    static const char *const null[] = {"cipher.null", "cipher.no_pfs"};
    check_suite(0x0002, TLSA_V_TLS12, null, 2);
    static const char *const exp[] = {"cipher.export", "cipher.rc4"};
    check_suite(0x0003, TLSA_V_TLS12, exp, 2);
    static const char *const anon[] = {"cipher.anon", "cipher.cbc"};
    check_suite(0x0034, TLSA_V_TLS12, anon, 2);
    static const char *const des[] = {"cipher.des", "cipher.cbc"};
    check_suite(0x0009, TLSA_V_TLS12, des, 2);
    static const char *const tdes[] = {"cipher.3des", "cipher.cbc", "cipher.no_pfs"};
    check_suite(0x000A, TLSA_V_TLS12, tdes, 3);

    tlsa_conn c = base();
    c.suite = 0xC013; /* ECDHE_RSA_WITH_AES_128_CBC_SHA */
    c.version = TLSA_V_TLS10;
    run(&c);
    ASSERT_DETAIL(&c, "cipher.cbc",
                  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xC013) uses CBC mode (Lucky13; BEAST "
                  "applies: predictable IVs in SSL 3.0/TLS 1.0)");
    CU_ASSERT_PTR_NULL(find(&c, "cipher.no_pfs"));
    ASSERT_DETAIL(&c, "cipher.policy",
                  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xC013) is not among the intermediate "
                  "policy's TLS 1.2 suites; TLS 1.0 is not among its versions (TLSv1.2 TLSv1.3)");
    tlsa_audit_clear(&c);
    c = base();
    c.suite = 0xC013;
    run(&c);
    ASSERT_DETAIL(&c, "cipher.cbc",
                  "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA (0xC013) uses CBC mode (Lucky13 timing)");
    tlsa_audit_clear(&c);
    /* The old profile allows it. */
    tlsa_auditor *a = auditor("old", NULL, false, 0);
    c = base();
    c.suite = 0xC013;
    c.version = TLSA_V_TLS10;
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    CU_ASSERT_PTR_NULL(find(&c, "cipher.policy"));
    tlsa_audit_clear(&c);
    tlsa_auditor_free(a);
    /* TLS 1.3 suites are judged against the ciphersuites list. */
    a = auditor("modern", NULL, false, 0);
    c = base();
    c.version = TLSA_V_TLS13;
    c.suite = 0x1301;
    c.sh.key_share_group = 0x11EC;
    c.server_chain.n = 0;
    c.resumed = true; /* no cert.not_visible */
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    dump(&c);
    tlsa_audit_clear(&c);
    c.suite = 0x1304; /* TLS_AES_128_CCM_SHA256 */
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    ASSERT_DETAIL(&c, "cipher.policy",
                  "TLS_AES_128_CCM_SHA256 (0x1304) is not among the modern policy's TLS 1.3 "
                  "suites");
    tlsa_audit_clear(&c);
    tlsa_auditor_free(a);
}

static void test_client_offers(void) {
    uint16_t offered[] = {0x0A0A, 0xC02F, 0x0005, 0x0009, 0x000A, 0x00FF, 0x0017};
    tlsa_conn c = base();
    c.ch.suites = (tlsa_u16_list){offered, 7};
    run(&c);
    ASSERT_DETAIL(&c, "client.offers_weak",
                  "TLS_RSA_WITH_RC4_128_SHA, TLS_RSA_WITH_DES_CBC_SHA, "
                  "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5 offered by the client");
    const tlsa_finding *f = find(&c, "client.offers_weak");
    CU_ASSERT(f && f->n_frames == 1 && f->frames[0] == 1);
    tlsa_audit_clear(&c);
}

/* RFC 2409 Oakley Group 2 (1024 bits). */
static const char oakley2[] =
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF";

static void test_dh(void) {
    uint32_t bits[] = {1023, 1024, 2047, 2048};
    int sev[] = {TLSA_SEV_CRITICAL, TLSA_SEV_HIGH, TLSA_SEV_HIGH, -1};
    for (int i = 0; i < 4; i++) {
        tlsa_conn c = base();
        c.suite = 0x009E; /* DHE_RSA_WITH_AES_128_GCM_SHA256 */
        c.kex.kind = TLSA_KEX_DHE;
        c.kex.dh_bits = bits[i];
        run(&c);
        const tlsa_finding *f = find(&c, "kex.weak_dh");
        if (sev[i] < 0) {
            CU_ASSERT_PTR_NULL(f);
        } else {
            CU_ASSERT_PTR_NOT_NULL(f);
            if (f)
                CU_ASSERT_EQUAL(f->severity, sev[i]);
        }
        tlsa_audit_clear(&c);
    }
    size_t plen;
    uint8_t *p = tlsa_test_hex(oakley2, &plen);
    uint8_t *p0 = malloc(plen + 1); /* with a leading zero byte, as an mpint may carry */
    p0[0] = 0;
    memcpy(p0 + 1, p, plen);
    tlsa_conn c = base();
    c.suite = 0x009E;
    c.kex.kind = TLSA_KEX_DHE;
    c.kex.dh_bits = 1024;
    c.kex.dh_p = (tlsa_blob){p0, (uint32_t)plen + 1};
    uint64_t ske = 5;
    tlsa_step steps[] = {
        {.step = 2, .who = TLSA_FROM_SERVER, .msg_type = TLSA_HS_SERVER_HELLO, .frame = 3},
        {.step = 2,
         .who = TLSA_FROM_SERVER,
         .msg_type = TLSA_HS_SERVER_KEY_EXCHANGE,
         .frame = ske}};
    c.steps = (tlsa_step_list){steps, 2, 0};
    run(&c);
    ASSERT_DETAIL(&c, "kex.weak_dh",
                  "DHE group of 1024 bits (under 2048); the prime is a well-known one: "
                  "RFC2409/Oakley Group 2");
    const tlsa_finding *f = find(&c, "kex.weak_dh");
    CU_ASSERT(f && f->n_frames == 1 && f->frames[0] == ske);
    tlsa_audit_clear(&c);
    p0[plen] ^= 2; /* another prime of the same size is not named */
    run(&c);
    ASSERT_DETAIL(&c, "kex.weak_dh", "DHE group of 1024 bits (under 2048)");
    tlsa_audit_clear(&c);
    free(p);
    free(p0);
}

static void test_curves(void) {
    struct {
        uint16_t g;
        const char *detail; /* NULL: no finding */
    } cases[] = {
        {0x0013, "group secp192r1 (0x0013) has 192 bits, under 224; is not in the intermediate "
                 "policy's groups"},
        {0x0015, "group secp224r1 (0x0015) is not in the intermediate policy's groups"},
        {0x0019, "group secp521r1 (0x0019) is not in the intermediate policy's groups"},
        {0x001D, NULL},
        {0x0017, NULL},
        {0x0018, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tlsa_conn c = base();
        c.kex.group = cases[i].g;
        run(&c);
        if (cases[i].detail)
            ASSERT_DETAIL(&c, "kex.weak_curve", cases[i].detail);
        else
            CU_ASSERT_PTR_NULL(find(&c, "kex.weak_curve"));
        tlsa_audit_clear(&c);
    }
}

static void test_tls13_kex(void) {
    tlsa_conn c = base();
    c.version = TLSA_V_TLS13;
    c.suite = 0x1301;
    c.kex.kind = TLSA_KEX_TLS13;
    c.sh.key_share_group = 0x001D;
    run(&c);
    ASSERT_DETAIL(&c, "kex.no_pq",
                  "key exchange with x25519 (0x001d); a post-quantum hybrid such as "
                  "X25519MLKEM768 protects recorded traffic against future quantum attacks");
    /* No chain, not resumed: the certificate was encrypted. */
    CU_ASSERT_PTR_NOT_NULL(find(&c, "cert.not_visible"));
    CU_ASSERT_PTR_NULL(find(&c, "proto.no_ems"));
    CU_ASSERT_PTR_NULL(find(&c, "proto.insecure_renegotiation"));
    CU_ASSERT_EQUAL(c.n_findings, 2);
    tlsa_audit_clear(&c);
    c.sh.key_share_group = 0x11EC;
    c.sh.psk_selected = true;
    run(&c);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    dump(&c);
    tlsa_audit_clear(&c);
}

static void test_sig(void) {
    tlsa_step steps[] = {
        {.step = 2, .who = TLSA_FROM_SERVER, .msg_type = TLSA_HS_SERVER_KEY_EXCHANGE, .frame = 5},
        {.step = 5, .who = TLSA_FROM_CLIENT, .msg_type = TLSA_HS_CERTIFICATE_VERIFY, .frame = 8}};
    tlsa_conn c = base();
    c.steps = (tlsa_step_list){steps, 2, 0};
    c.kex.ske_sig_scheme = 0x0201;
    run(&c);
    ASSERT_DETAIL(&c, "sig.weak_hash",
                  "ServerKeyExchange signed with rsa_pkcs1_sha1 (0x0201, SHA-1)");
    tlsa_audit_clear(&c);
    c.kex.ske_sig_scheme = 0x0401;
    c.kex.cv_sig_scheme = 0x0101;
    run(&c);
    const tlsa_finding *f = find(&c, "sig.weak_hash");
    CU_ASSERT(f && f->n_frames == 1 && f->frames[0] == 8);
    CU_ASSERT(f && strstr(f->detail, "CertificateVerify signed with") && strstr(f->detail, "MD5"));
    tlsa_audit_clear(&c);
    c.kex.cv_sig_scheme = 0x0403;
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "sig.weak_hash"));
    tlsa_audit_clear(&c);
    /* TLS 1.0 with a signed ServerKeyExchange: MD5+SHA-1 implicitly. */
    c = base();
    c.version = TLSA_V_TLS10;
    c.suite = 0xC013;
    c.kex.ske_sig_scheme = 0;
    c.steps = (tlsa_step_list){steps, 1, 0};
    run(&c);
    ASSERT_DETAIL(&c, "sig.weak_hash", "TLS 1.0/1.1 signatures use MD5+SHA-1 (ServerKeyExchange)");
    tlsa_audit_clear(&c);
    c.steps.n = 0; /* static RSA: no ServerKeyExchange, nothing signed */
    c.suite = 0x002F;
    c.kex.kind = TLSA_KEX_RSA;
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "sig.weak_hash"));
    tlsa_audit_clear(&c);
}

static void test_renegotiation(void) {
    uint16_t no_ri[] = {0, 23};
    uint16_t scsv[] = {0xC02F, 0x00FF};
    uint16_t plain[] = {0xC02F};
    tlsa_conn c = base();
    c.sh.extensions = (tlsa_u16_list){no_ri, 2};
    run(&c);
    ASSERT_DETAIL(&c, "proto.insecure_renegotiation", "the ServerHello lacks renegotiation_info");
    tlsa_audit_clear(&c);
    c = base();
    c.ch.extensions = (tlsa_u16_list){no_ri, 2};
    c.ch.suites = (tlsa_u16_list){scsv, 2};
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "proto.insecure_renegotiation"));
    tlsa_audit_clear(&c);
    c.ch.suites = (tlsa_u16_list){plain, 1};
    run(&c);
    ASSERT_DETAIL(&c, "proto.insecure_renegotiation",
                  "the ClientHello has neither renegotiation_info nor the SCSV");
    const tlsa_finding *f = find(&c, "proto.insecure_renegotiation");
    CU_ASSERT(f && f->n_frames == 2 && f->frames[0] == 1 && f->frames[1] == 3);
    tlsa_audit_clear(&c);
    c = base();
    c.handshakes = 2;
    run(&c);
    ASSERT_DETAIL(&c, "proto.renegotiation", "2 handshakes on this connection (1 renegotiation)");
    tlsa_audit_clear(&c);
}

static void test_hello_features(void) {
    uint16_t hb_ch[] = {0, 15, 23, 0xff01}, hb_sh[] = {15, 23, 0xff01}, no_ems[] = {0xff01};
    tlsa_conn c = base();
    c.sh.compression = 1;
    c.ch.extensions = (tlsa_u16_list){hb_ch, 4};
    c.sh.extensions = (tlsa_u16_list){hb_sh, 3};
    c.sh.heartbeat_mode = 1;
    c.heartbleed = true;
    c.heartbleed_frame = 9;
    run(&c);
    ASSERT_DETAIL(&c, "proto.compression", "the server chose compression method 1 (DEFLATE)");
    ASSERT_DETAIL(&c, "proto.heartbeat",
                  "both hellos carry the heartbeat extension (server mode 1)");
    ASSERT_DETAIL(&c, "proto.heartbleed",
                  "a heartbeat request claims a payload longer than its record (frame 9)");
    CU_ASSERT_EQUAL(find(&c, "proto.heartbleed")->frames[0], 9);
    tlsa_audit_clear(&c);
    c = base();
    c.sh.extensions = (tlsa_u16_list){no_ems, 1};
    run(&c);
    ASSERT_DETAIL(&c, "proto.no_ems",
                  "the ServerHello lacks extended_master_secret (the client offered it)");
    tlsa_audit_clear(&c);
    c = base();
    c.ch.sni.len = 0;
    c.ch.sslv2_format = true;
    c.early_data = true;
    run(&c);
    ASSERT_DETAIL(&c, "proto.no_sni",
                  "the ClientHello has no server_name (SSLv2-format hello: it cannot carry one)");
    CU_ASSERT_PTR_NOT_NULL(find(&c, "proto.sslv2_hello"));
    CU_ASSERT_PTR_NOT_NULL(find(&c, "proto.early_data"));
    tlsa_audit_clear(&c);
}

static void test_alerts(void) {
    tlsa_alert alerts[] = {
        {.frame = 7, .sender = TLSA_FROM_SERVER, .level = 2, .description = 40, .step = 2},
        {.frame = 8, .sender = TLSA_FROM_CLIENT, .level = 1, .description = 0, .step = 2},
        {.frame = 9, .sender = TLSA_FROM_CLIENT, .encrypted = true, .step = 9},
        {.frame = 6, .sender = TLSA_FROM_SERVER, .level = 2, .description = 86, .step = 2},
    };
    tlsa_conn c = base();
    c.alerts = alerts;
    c.n_alerts = 4;
    c.complete = false;
    run(&c);
    uint32_t fatal = 0;
    for (uint32_t i = 0; i < c.n_findings; i++)
        fatal += c.findings[i].id == TLSA_F_PROTO_FATAL_ALERT;
    CU_ASSERT_EQUAL(fatal, 2);
    /* Sorted by frame within the id. */
    ASSERT_DETAIL(&c, "proto.fatal_alert",
                  "server sent fatal alert inappropriate_fallback (86) at step 2 (frame 6)");
    const tlsa_finding *f = find(&c, "proto.fatal_alert");
    CU_ASSERT(f && f[1].id == TLSA_F_PROTO_FATAL_ALERT &&
              strcmp(f[1].detail,
                     "server sent fatal alert handshake_failure (40) at step 2 (frame 7)") == 0);
    ASSERT_DETAIL(&c, "proto.downgrade",
                  "inappropriate_fallback alert: a fallback to a lower version was refused "
                  "(RFC 7507)");
    CU_ASSERT_PTR_NOT_NULL(find(&c, "proto.incomplete"));
    CU_ASSERT_EQUAL(find(&c, "proto.incomplete")->frames[0], 20);
    tlsa_audit_clear(&c);
    /* The sentinel from a TLS 1.3 server to a TLS 1.2-only client is normal. */
    c = base();
    c.sh.downgrade = 12;
    c.ch.legacy_version = TLSA_V_TLS12;
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "proto.downgrade"));
    tlsa_audit_clear(&c);
    uint16_t versions[] = {0x3A3A, TLSA_V_TLS13, TLSA_V_TLS12};
    c.ch.versions = (tlsa_u16_list){versions, 3};
    run(&c);
    ASSERT_DETAIL(&c, "proto.downgrade",
                  "ServerHello.random ends with the TLS 1.3 downgrade sentinel DOWNGRD\\x01 "
                  "(server supports TLS 1.3) although the client offered TLS 1.3: a client "
                  "implementing RFC 8446 aborts here");
    tlsa_audit_clear(&c);
    c.ch.present = false; /* without the ClientHello nothing can be concluded */
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "proto.downgrade"));
    tlsa_audit_clear(&c);
    /* DOWNGRD\\x00: TLS 1.1 negotiated although the client offered TLS 1.2. */
    c = base();
    c.version = TLSA_V_TLS11;
    c.sh.downgrade = 11;
    c.ch.legacy_version = TLSA_V_TLS12;
    run(&c);
    CU_ASSERT_PTR_NOT_NULL(find(&c, "proto.downgrade"));
    tlsa_audit_clear(&c);
    c.ch.legacy_version = TLSA_V_TLS11;
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "proto.downgrade"));
    tlsa_audit_clear(&c);
}

static void test_malformed(void) {
    tlsa_problem probs[] = {
        {.frame = 11, .dir = TLSA_FROM_SERVER, .err = TLSA_E_TRUNCATED, .what = "ServerHello"},
        {.frame = 12, .dir = TLSA_FROM_CLIENT, .err = TLSA_E_LIMIT_BUFFER, .what = "stream"},
        {.frame = 13, .dir = TLSA_FROM_CLIENT, .err = TLSA_E_BAD_LENGTH, .what = "record"},
    };
    tlsa_conn c = base();
    c.problems = probs;
    c.n_problems = 3;
    run(&c);
    ASSERT_DETAIL(&c, "proto.malformed",
                  "frame 11, server: ServerHello: a field runs past the end of its enclosing "
                  "structure; frame 13, client: record: a length field is out of the range the "
                  "RFC allows");
    const tlsa_finding *f = find(&c, "proto.malformed");
    CU_ASSERT(f && f->n_frames == 2 && f->frames[0] == 11 && f->frames[1] == 13);
    tlsa_audit_clear(&c);
}

static void test_sorting(void) {
    tlsa_conn c = base();
    c.version = TLSA_V_SSL3;
    c.suite = 0x0005;
    c.ch.sni.len = 0;
    c.complete = false;
    run(&c);
    CU_ASSERT(c.n_findings >= 5);
    for (uint32_t i = 1; i < c.n_findings; i++) {
        const tlsa_finding *a = &c.findings[i - 1], *b = &c.findings[i];
        CU_ASSERT(a->severity > b->severity || (a->severity == b->severity && a->id <= b->id));
    }
    CU_ASSERT_EQUAL(c.findings[0].id, TLSA_F_VERSION_SSLV3);
    CU_ASSERT_EQUAL(c.findings[c.n_findings - 1].id, TLSA_F_PROTO_INCOMPLETE);
    tlsa_audit_clear(&c);
}

/* ---- certificates ---- */

typedef struct pki {
    X509 *root, *inter, *leaf;
    EVP_PKEY *rk, *ik, *lk;
} pki;

static pki make_pki(int64_t root_end, int64_t inter_end, int64_t leaf_begin, int64_t leaf_end,
                    const char *san) {
    pki p;
    p.rk = tg_key("EC", 0, "P-384");
    p.ik = tg_key("EC", 0, "P-256");
    p.lk = tg_key("EC", 0, "prime256v1");
    tg_spec r = {.cn = "Test Root",
                 .key = p.rk,
                 .not_before = tg_date(2015, 1, 1),
                 .not_after = root_end,
                 .ca = 1,
                 .serial = 1};
    p.root = tg_cert(&r);
    tg_spec i = {.cn = "Test Intermediate",
                 .key = p.ik,
                 .issuer = p.root,
                 .issuer_key = p.rk,
                 .not_before = tg_date(2015, 1, 1),
                 .not_after = inter_end,
                 .ca = 1,
                 .serial = 2};
    p.inter = tg_cert(&i);
    tg_spec l = {.cn = "www.a.com",
                 .key = p.lk,
                 .issuer = p.inter,
                 .issuer_key = p.ik,
                 .not_before = leaf_begin,
                 .not_after = leaf_end,
                 .ca = 0,
                 .san = san,
                 .serial = 3};
    p.leaf = tg_cert(&l);
    return p;
}

static pki std_pki(void) {
    return make_pki(tg_date(2040, 1, 1), tg_date(2030, 1, 1), tg_date(2021, 1, 1),
                    tg_date(2021, 6, 1), "DNS:www.a.com");
}

static void free_pki(pki *p) {
    X509_free(p->root);
    X509_free(p->inter);
    X509_free(p->leaf);
}

typedef struct chain {
    tlsa_blob v[4];
    uint32_t n;
} chain;

static void set_chain(tlsa_conn *c, chain *ch, X509 *const *certs, uint32_t n) {
    ch->n = n;
    for (uint32_t i = 0; i < n; i++)
        ch->v[i] = tg_der(certs[i]);
    c->server_chain = (tlsa_blob_list){ch->v, n};
}

static void free_chain(chain *ch) {
    for (uint32_t i = 0; i < ch->n; i++)
        free(ch->v[i].data);
}

/* Audits conn with the chain at time now (0: capture time), trust anchor ca. */
static void audit_chain(tlsa_conn *c, X509 *ca, int64_t now, X509 *const *certs, uint32_t n,
                        chain *ch) {
    set_chain(c, ch, certs, n);
    tlsa_auditor *a = auditor(NULL, ca, now != 0, now);
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, c), TLSA_E_OK);
    tlsa_auditor_free(a);
}

static uint32_t cert_findings(const tlsa_conn *c) {
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->n_findings; i++)
        n += strncmp(tlsa_finding_id_str((tlsa_finding_id)c->findings[i].id), "cert.", 5) == 0;
    return n;
}

static void test_cert_trusted(void) {
    pki p = std_pki();
    tlsa_conn c = base();
    chain ch;
    X509 *sent[] = {p.leaf, p.inter};
    audit_chain(&c, p.root, 0, sent, 2, &ch);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    dump(&c);
    CU_ASSERT_STRING_EQUAL(c.chain_verdict, "verified to CN=Test Root");
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.server_certs);
    CU_ASSERT_STRING_EQUAL(c.server_certs[0].subject, "CN=www.a.com");
    CU_ASSERT_STRING_EQUAL(c.server_certs[1].issuer, "CN=Test Root");
    CU_ASSERT_STRING_EQUAL(c.server_certs[0].key, "EC P-256");
    tlsa_audit_clear(&c);
    CU_ASSERT_PTR_NULL(c.server_certs);
    /* Client chain: info filled, nothing judged. */
    X509 *cli[] = {p.root};
    chain cc;
    set_chain(&c, &cc, cli, 1);
    c.client_chain = c.server_chain;
    c.server_chain = (tlsa_blob_list){ch.v, 2};
    tlsa_auditor *a = auditor(NULL, p.root, false, 0);
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c.client_certs);
    CU_ASSERT(c.client_certs[0].self_signed);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    tlsa_audit_clear(&c);
    tlsa_auditor_free(a);
    free_chain(&cc);
    free_chain(&ch);
    free_pki(&p);
}

static void test_cert_dates(void) {
    pki p = std_pki();
    X509 *sent[] = {p.leaf, p.inter};
    chain ch;
    tlsa_conn c = base();
    audit_chain(&c, p.root, tg_date(2021, 7, 1), sent, 2, &ch);
    ASSERT_DETAIL(&c, "cert.expired",
                  "certificate 0 (CN=www.a.com) expired 2021-06-01T00:00:00Z; capture time "
                  "2021-07-01T00:00:00Z");
    CU_ASSERT_PTR_NULL(find(&c, "cert.untrusted"));
    CU_ASSERT_EQUAL(find(&c, "cert.expired")->frames[0], 4);
    CU_ASSERT_STRING_EQUAL(c.chain_verdict, "verified to CN=Test Root");
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* Capture time from the record when --now is not given. */
    c = base();
    c.server_chain_ts.sec = tg_date(2020, 12, 31);
    audit_chain(&c, p.root, 0, sent, 2, &ch);
    ASSERT_DETAIL(&c, "cert.not_yet_valid",
                  "certificate 0 (CN=www.a.com) is valid only from 2021-01-01T00:00:00Z; capture "
                  "time 2020-12-31T00:00:00Z");
    CU_ASSERT_EQUAL(cert_findings(&c), 1);
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* Expires soon: 29 days left yes, 30 days left no. */
    c = base();
    audit_chain(&c, p.root, tg_date(2021, 6, 1) - 29 * DAY, sent, 2, &ch);
    ASSERT_DETAIL(&c, "cert.expires_soon",
                  "leaf (CN=www.a.com) expires 2021-06-01T00:00:00Z, 29 days after the capture "
                  "time 2021-05-03T00:00:00Z");
    tlsa_audit_clear(&c);
    free_chain(&ch);
    c = base();
    audit_chain(&c, p.root, tg_date(2021, 6, 1) - 30 * DAY, sent, 2, &ch);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    tlsa_audit_clear(&c);
    free_chain(&ch);
    free_pki(&p);
}

static void test_cert_expired_ca(void) {
    /* Expired intermediate (sent): cert.expired names it, the chain is otherwise trusted. */
    pki p = make_pki(tg_date(2040, 1, 1), tg_date(2021, 3, 1), tg_date(2021, 1, 1),
                     tg_date(2021, 6, 1), "DNS:www.a.com");
    X509 *sent[] = {p.leaf, p.inter};
    chain ch;
    tlsa_conn c = base();
    audit_chain(&c, p.root, tg_date(2021, 4, 1), sent, 2, &ch);
    ASSERT_DETAIL(&c, "cert.expired",
                  "certificate 1 (CN=Test Intermediate) expired 2021-03-01T00:00:00Z; capture "
                  "time 2021-04-01T00:00:00Z");
    CU_ASSERT_PTR_NULL(find(&c, "cert.untrusted"));
    tlsa_audit_clear(&c);
    free_chain(&ch);
    c = base();
    audit_chain(&c, p.root, tg_date(2021, 2, 1), sent, 2, &ch);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* An expired extra certificate that the verified path does not use is not judged (an
     * old cross-sign sent next to a root the store has). */
    tg_spec xs = {.cn = "Test Intermediate",
                  .key = p.ik,
                  .not_before = tg_date(2015, 1, 1),
                  .not_after = tg_date(2020, 1, 1),
                  .ca = 1,
                  .serial = 77};
    X509 *cross = tg_cert(&xs);
    X509 *sent3[] = {p.leaf, p.inter, cross};
    c = base();
    audit_chain(&c, p.root, tg_date(2021, 2, 1), sent3, 3, &ch);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    dump(&c);
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* Without a trust anchor nothing is known to be unused: it is reported. */
    c = base();
    audit_chain(&c, NULL, tg_date(2021, 2, 1), sent3, 3, &ch);
    ASSERT_DETAIL(&c, "cert.expired",
                  "certificate 2 (CN=Test Intermediate) expired 2020-01-01T00:00:00Z; capture "
                  "time 2021-02-01T00:00:00Z");
    tlsa_audit_clear(&c);
    free_chain(&ch);
    X509_free(cross);
    free_pki(&p);
    /* Expired root (from the store): untrusted. */
    p = make_pki(tg_date(2021, 3, 1), tg_date(2030, 1, 1), tg_date(2021, 1, 1), tg_date(2021, 6, 1),
                 "DNS:www.a.com");
    c = base();
    X509 *sent2[] = {p.leaf, p.inter};
    audit_chain(&c, p.root, tg_date(2021, 4, 1), sent2, 2, &ch);
    ASSERT_DETAIL(&c, "cert.untrusted",
                  "certificate has expired at depth 2 (CN=Test Root, from the trust store) at the "
                  "capture time");
    CU_ASSERT_STRING_EQUAL(c.chain_verdict,
                           "not verified: certificate has expired at depth 2 (CN=Test Root)");
    CU_ASSERT_PTR_NULL(find(&c, "cert.expired"));
    tlsa_audit_clear(&c);
    free_chain(&ch);
    free_pki(&p);
}

static void test_cert_untrusted(void) {
    pki p = std_pki();
    chain ch;
    tlsa_conn c = base();
    X509 *alone[] = {p.leaf};
    audit_chain(&c, p.root, 0, alone, 1, &ch);
    ASSERT_DETAIL(&c, "cert.untrusted",
                  "unable to get local issuer certificate at depth 0 (CN=www.a.com)");
    CU_ASSERT_STRING_EQUAL(c.chain_verdict, "not verified: unable to get local issuer "
                                            "certificate at depth 0 (CN=www.a.com)");
    CU_ASSERT_EQUAL(cert_findings(&c), 1);
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* No trust anchor at all. */
    c = base();
    X509 *sent[] = {p.leaf, p.inter};
    audit_chain(&c, NULL, 0, sent, 2, &ch);
    ASSERT_DETAIL(&c, "cert.untrusted",
                  "unable to get local issuer certificate at depth 1 (CN=Test Intermediate)");
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* Garbage. */
    c = base();
    tlsa_blob junk[] = {{(uint8_t *)"\x30\x03\x02\x01\x01", 5}, {(uint8_t *)"", 0}};
    c.server_chain = (tlsa_blob_list){junk, 2};
    run(&c);
    CU_ASSERT_STRING_EQUAL(c.chain_verdict, "not verified: certificate 0 does not parse");
    ASSERT_DETAIL(&c, "cert.untrusted", "certificate 0 does not parse");
    CU_ASSERT(!c.server_certs[0].parsed && !c.server_certs[1].parsed);
    CU_ASSERT_EQUAL(cert_findings(&c), 1);
    tlsa_audit_clear(&c);
    /* A garbage intermediate after a good leaf. */
    c = base();
    tlsa_blob mixed[2] = {tg_der(p.leaf), junk[0]};
    c.server_chain = (tlsa_blob_list){mixed, 2};
    tlsa_auditor *a = auditor(NULL, p.root, false, 0);
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    ASSERT_DETAIL(&c, "cert.untrusted",
                  "unable to get local issuer certificate at depth 0 (CN=www.a.com); certificate "
                  "1 does not parse");
    tlsa_audit_clear(&c);
    /* A garbage extra after a complete chain: verified, and the verdict says what was skipped. */
    tlsa_blob three[3] = {mixed[0], tg_der(p.inter), junk[0]};
    c.server_chain = (tlsa_blob_list){three, 3};
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    CU_ASSERT_STRING_EQUAL(c.chain_verdict,
                           "verified to CN=Test Root; certificate 2 does not parse");
    CU_ASSERT_EQUAL(c.n_findings, 0);
    tlsa_audit_clear(&c);
    free(three[1].data);
    tlsa_auditor_free(a);
    free(mixed[0].data);
    free_pki(&p);
}

static void test_cert_self_signed(void) {
    EVP_PKEY *k = tg_key("EC", 0, "P-256");
    tg_spec s = {.cn = "www.a.com",
                 .key = k,
                 .not_before = tg_date(2021, 1, 1),
                 .not_after = tg_date(2021, 6, 1),
                 .ca = -1,
                 .san = "DNS:www.a.com"};
    X509 *self = tg_cert(&s);
    chain ch;
    tlsa_conn c = base();
    audit_chain(&c, NULL, 0, &self, 1, &ch);
    ASSERT_DETAIL(&c, "cert.self_signed", "leaf (CN=www.a.com) is signed by its own key");
    ASSERT_DETAIL(&c, "cert.untrusted", "self-signed certificate at depth 0 (CN=www.a.com)");
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* Trusted explicitly: self-signed, not untrusted. */
    c = base();
    audit_chain(&c, self, 0, &self, 1, &ch);
    CU_ASSERT_PTR_NOT_NULL(find(&c, "cert.self_signed"));
    CU_ASSERT_PTR_NULL(find(&c, "cert.untrusted"));
    CU_ASSERT_STRING_EQUAL(c.chain_verdict, "verified to CN=www.a.com");
    tlsa_audit_clear(&c);
    free_chain(&ch);
    X509_free(self);
}

static void test_cert_hostname(void) {
    pki p = make_pki(tg_date(2040, 1, 1), tg_date(2030, 1, 1), tg_date(2021, 1, 1),
                     tg_date(2021, 6, 1), "DNS:*.a.com");
    struct {
        const char *sni;
        bool ok;
    } cases[] = {
        {"b.a.com", true}, {"a.com", false}, {"x.y.a.com", false}, {"a.com.evil.net", false}};
    X509 *sent[] = {p.leaf, p.inter};
    for (size_t i = 0; i < 4; i++) {
        chain ch;
        tlsa_conn c = base();
        c.ch.sni.data = (uint8_t *)cases[i].sni;
        c.ch.sni.len = (uint32_t)strlen(cases[i].sni);
        audit_chain(&c, p.root, 0, sent, 2, &ch);
        CU_ASSERT_EQUAL(find(&c, "cert.hostname_mismatch") == NULL, cases[i].ok);
        CU_ASSERT_EQUAL(c.n_findings, cases[i].ok ? 0 : 1);
        tlsa_audit_clear(&c);
        free_chain(&ch);
    }
    chain ch;
    tlsa_conn c = base();
    c.ch.sni.data = (uint8_t *)"a.com";
    c.ch.sni.len = 5;
    audit_chain(&c, p.root, 0, sent, 2, &ch);
    ASSERT_DETAIL(&c, "cert.hostname_mismatch",
                  "SNI \"a.com\" is not covered by the leaf; SAN: *.a.com");
    tlsa_audit_clear(&c);
    free_chain(&ch);
    /* Without SNI nothing is judged (proto.no_sni says why). */
    c.ch.sni.len = 0;
    audit_chain(&c, p.root, 0, sent, 2, &ch);
    CU_ASSERT_PTR_NULL(find(&c, "cert.hostname_mismatch"));
    tlsa_audit_clear(&c);
    free_chain(&ch);
    free_pki(&p);
}

/* One leaf under the test intermediate with the given spec tweaks; returns the findings. */
static void audit_leaf(tlsa_conn *c, const tg_spec *tweak, pki *p) {
    tg_spec l = *tweak;
    if (!l.cn)
        l.cn = "www.a.com";
    l.issuer = p->inter;
    l.issuer_key = p->ik;
    X509 *leaf = tg_cert(&l);
    CU_ASSERT_PTR_NOT_NULL_FATAL(leaf);
    X509 *sent[] = {leaf, p->inter};
    chain ch;
    audit_chain(c, p->root, tweak->not_before + DAY, sent, 2, &ch);
    free_chain(&ch);
    X509_free(leaf);
}

static void test_cert_keys(void) {
    pki p = std_pki();
    struct {
        EVP_PKEY *k;
        const char *detail;
    } cases[] = {
        {tg_key("RSA", 1024, NULL), "certificate 0 (CN=www.a.com): RSA 1024, under 2048 bits"},
        {tg_key("RSA", 2047, NULL), "certificate 0 (CN=www.a.com): RSA 2047, under 2048 bits"},
        {tg_key("RSA", 2048, NULL), NULL},
        {tg_key("EC", 0, "P-192"), "certificate 0 (CN=www.a.com): EC P-192, under 224 bits"},
        {tg_key("EC", 0, "P-224"), NULL},
        {tg_key("ED25519", 0, NULL), NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CU_ASSERT_PTR_NOT_NULL_FATAL(cases[i].k);
        tg_spec s = {.key = cases[i].k,
                     .not_before = tg_date(2021, 1, 1),
                     .not_after = tg_date(2021, 6, 1),
                     .ca = 0,
                     .san = "DNS:www.a.com"};
        tlsa_conn c = base();
        audit_leaf(&c, &s, &p);
        if (cases[i].detail) {
            ASSERT_DETAIL(&c, "cert.weak_key", cases[i].detail);
            CU_ASSERT_EQUAL(c.n_findings, 1);
        } else {
            CU_ASSERT_EQUAL(c.n_findings, 0);
            dump(&c);
        }
        tlsa_audit_clear(&c);
    }
    /* SHA-1 signature on the leaf; a SHA-1 self-signed root sent along is not judged. */
    tg_spec s = {.key = p.lk,
                 .not_before = tg_date(2021, 1, 1),
                 .not_after = tg_date(2021, 6, 1),
                 .ca = 0,
                 .san = "DNS:www.a.com",
                 .md = EVP_sha1()};
    tlsa_conn c = base();
    audit_leaf(&c, &s, &p);
    ASSERT_DETAIL(&c, "cert.weak_signature",
                  "certificate 0 (CN=www.a.com) is signed with ecdsa-with-SHA1");
    tlsa_audit_clear(&c);
    tg_spec r = {.cn = "SHA1 Root",
                 .key = p.rk,
                 .not_before = tg_date(2015, 1, 1),
                 .not_after = tg_date(2040, 1, 1),
                 .ca = 1,
                 .md = EVP_sha1()};
    X509 *root1 = tg_cert(&r);
    X509 *sent[] = {p.leaf, p.inter, root1};
    chain ch;
    c = base();
    audit_chain(&c, p.root, 0, sent, 3, &ch);
    CU_ASSERT_PTR_NULL(find(&c, "cert.weak_signature"));
    tlsa_audit_clear(&c);
    free_chain(&ch);
    X509_free(root1);
    free_pki(&p);
}

static void test_cert_validity(void) {
    pki p = std_pki();
    struct {
        int y, m, d;
        int days;
        const char *detail;
    } cases[] = {
        {2021, 1, 1, 398, NULL},
        {2021, 1, 1, 399,
         "leaf valid 399 days (2021-01-01T00:00:00Z to 2022-02-03T23:59:59Z); the CA/B Forum "
         "maximum for certificates issued from 2020-09-01 is 398 days (binding on publicly "
         "trusted certificates)"},
        {2026, 4, 1, 200, NULL},
        {2026, 4, 1, 201,
         "leaf valid 201 days (2026-04-01T00:00:00Z to 2026-10-18T23:59:59Z); the CA/B Forum "
         "maximum for certificates issued from 2026-03-15 is 200 days (binding on publicly "
         "trusted certificates)"},
        {2019, 1, 1, 825, NULL},
        {2019, 1, 1, 826, "leaf valid 826 days"},
        {2017, 1, 1, 3000, NULL},
        {2029, 3, 15, 48, "leaf valid 48 days"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int64_t nb = tg_date(cases[i].y, cases[i].m, cases[i].d);
        tg_spec s = {.key = p.lk,
                     .not_before = nb,
                     .not_after = nb + (int64_t)cases[i].days * DAY - 1,
                     .ca = 0,
                     .san = "DNS:www.a.com"};
        tlsa_conn c = base();
        audit_leaf(&c, &s, &p);
        const tlsa_finding *f = find(&c, "cert.validity_too_long");
        if (!cases[i].detail) {
            CU_ASSERT_PTR_NULL(f);
        } else {
            CU_ASSERT_PTR_NOT_NULL(f);
            if (f)
                CU_ASSERT(strncmp(f->detail, cases[i].detail, strlen(cases[i].detail)) == 0);
            if (f && strncmp(f->detail, cases[i].detail, strlen(cases[i].detail)) != 0)
                dump(&c);
        }
        tlsa_audit_clear(&c);
    }
    /* notAfter = notBefore + 398 days (as "openssl -days 398" makes) is 398 days + 1 s. */
    int64_t nb = tg_date(2021, 1, 1);
    tg_spec s = {.key = p.lk,
                 .not_before = nb,
                 .not_after = nb + 398 * DAY,
                 .ca = 0,
                 .san = "DNS:www.a.com"};
    tlsa_conn c = base();
    audit_leaf(&c, &s, &p);
    ASSERT_DETAIL(&c, "cert.validity_too_long",
                  "leaf valid 398 days + 1 s (2021-01-01T00:00:00Z to 2022-02-03T00:00:00Z); the "
                  "CA/B Forum maximum for certificates issued from 2020-09-01 is 398 days "
                  "(binding on publicly trusted certificates)");
    tlsa_audit_clear(&c);
    free_pki(&p);
}

static void test_cert_leaf_rules(void) {
    pki p = std_pki();
    tg_spec base_s = {.key = p.lk,
                      .not_before = tg_date(2021, 1, 1),
                      .not_after = tg_date(2021, 6, 1),
                      .ca = 0,
                      .san = "DNS:www.a.com"};
    tg_spec s = base_s;
    s.san = NULL;
    tlsa_conn c = base();
    audit_leaf(&c, &s, &p);
    ASSERT_DETAIL(&c, "cert.no_san", "leaf (CN=www.a.com) has no subjectAltName extension");
    CU_ASSERT_PTR_NULL(find(&c, "cert.hostname_mismatch")); /* CN fallback */
    tlsa_audit_clear(&c);
    s = base_s;
    s.ca = 1;
    c = base();
    audit_leaf(&c, &s, &p);
    ASSERT_DETAIL(&c, "cert.leaf_is_ca", "leaf (CN=www.a.com) has basicConstraints CA:TRUE");
    tlsa_audit_clear(&c);
    s = base_s;
    s.ku = "keyCertSign";
    s.eku = "clientAuth";
    c = base();
    audit_leaf(&c, &s, &p);
    ASSERT_DETAIL(&c, "cert.bad_usage",
                  "leaf keyUsage has neither digitalSignature nor keyEncipherment; "
                  "extendedKeyUsage has neither serverAuth nor anyExtendedKeyUsage");
    tlsa_audit_clear(&c);
    s = base_s;
    s.ku = "digitalSignature";
    s.eku = "serverAuth,clientAuth";
    c = base();
    audit_leaf(&c, &s, &p);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    tlsa_audit_clear(&c);
    free_pki(&p);
}

static void test_chain_order(void) {
    pki p = std_pki();
    chain ch;
    tlsa_conn c = base();
    X509 *bad[] = {p.leaf, p.root, p.inter};
    audit_chain(&c, p.root, 0, bad, 3, &ch);
    ASSERT_DETAIL(&c, "cert.chain_order",
                  "the issuer of certificate 0 (CN=www.a.com) is certificate 2, not 1");
    CU_ASSERT_PTR_NULL(find(&c, "cert.untrusted"));
    tlsa_audit_clear(&c);
    free_chain(&ch);
    X509 *good[] = {p.leaf, p.inter, p.root};
    c = base();
    audit_chain(&c, p.root, 0, good, 3, &ch);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    tlsa_audit_clear(&c);
    free_chain(&ch);
    free_pki(&p);
}

static void test_cache_hit(void) {
    pki p = std_pki();
    tlsa_auditor *a = auditor(NULL, p.root, false, 0);
    chain ch;
    X509 *sent[] = {p.leaf, p.inter};
    tlsa_conn c = base();
    set_chain(&c, &ch, sent, 2);
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    CU_ASSERT_EQUAL(c.n_findings, 0);
    tlsa_audit_clear(&c);
    /* The same chain, seen later (expired) and for another name: judged anew, verified once. */
    c.server_chain_ts.sec = tg_date(2021, 7, 1);
    c.ch.sni.data = (uint8_t *)"other.com";
    c.ch.sni.len = 9;
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL(find(&c, "cert.expired"));
    CU_ASSERT_PTR_NOT_NULL(find(&c, "cert.hostname_mismatch"));
    /* Audit twice on the same record: the first result is replaced, not leaked. */
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    tlsa_audit_clear(&c);
    /* A chain seen 10,000 times is parsed and verified once. */
    for (int i = 0; i < 10000; i++) {
        CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
        tlsa_audit_clear(&c);
    }
    CU_ASSERT_EQUAL(tlsa_cert_cache_verifications(tlsa_auditor_cert_cache(a)), 1);
    CU_ASSERT_EQUAL(tlsa_cert_cache_parses(tlsa_auditor_cert_cache(a)), 1);
    tlsa_audit_clear(&c);
    free_chain(&ch);
    tlsa_auditor_free(a);
    free_pki(&p);
}

/* Hostile records: damaged certificates and out-of-range values never crash the audit. */
static void test_hostile(void) {
    pki p = std_pki();
    tlsa_auditor *a = auditor(NULL, p.root, false, 0);
    tlsa_blob good = tg_der(p.leaf), inter = tg_der(p.inter);
    uint8_t *bad = malloc(good.len);
    for (uint32_t i = 0; i < good.len; i += 3) {
        memcpy(bad, good.data, good.len);
        bad[i] ^= (uint8_t)(0x5A + i);
        tlsa_blob v[2] = {{bad, good.len}, inter};
        tlsa_conn c = base();
        c.server_chain = (tlsa_blob_list){v, 2};
        c.client_chain = (tlsa_blob_list){v, 1};
        CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
        CU_ASSERT(c.chain_verdict[0] != 0);
        tlsa_audit_clear(&c);
    }
    tlsa_alert al = {.frame = 1, .level = 2, .description = 255, .sender = 7, .step = 200};
    tlsa_problem pr = {.frame = 2, .err = 9999, .dir = 9};
    uint16_t odd[] = {0xFFFF, 0x0000, 0x5600, 0x1A1A};
    tlsa_conn c = base();
    c.version = 0xFFFF;
    c.suite = 0xFFFF;
    c.sh.key_share_group = 0xFFFF;
    c.kex.kind = 200;
    c.kex.group = 0xFFFF;
    c.kex.dh_bits = 1;
    c.kex.ske_sig_scheme = 0xFFFF;
    c.sh.downgrade = 99;
    c.alerts = &al;
    c.n_alerts = 1;
    c.problems = &pr;
    c.n_problems = 1;
    c.ch.suites = (tlsa_u16_list){odd, 4};
    c.ch.versions = (tlsa_u16_list){odd, 4};
    c.handshakes = 0xFFFF;
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL(find(&c, "proto.fatal_alert"));
    tlsa_audit_clear(&c);
    free(bad);
    free(good.data);
    free(inter.data);
    tlsa_auditor_free(a);
    free_pki(&p);
}

static void test_auditor_errors(void) {
    tlsa_audit_config cfg = {.policy = "/nonexistent/policy.txt", .no_system_store = true};
    tlsa_err err;
    char msg[256];
    CU_ASSERT_PTR_NULL(tlsa_auditor_new(&cfg, &err, msg, sizeof msg));
    CU_ASSERT_EQUAL(err, TLSA_E_IO);
    CU_ASSERT_STRING_EQUAL(msg, "/nonexistent/policy.txt: cannot open policy file: No such file or "
                                "directory");
    cfg.policy = NULL;
    cfg.ca_file = "/nonexistent/ca.pem";
    CU_ASSERT_PTR_NULL(tlsa_auditor_new(&cfg, &err, msg, sizeof msg));
    CU_ASSERT_EQUAL(err, TLSA_E_IO);
    CU_ASSERT_STRING_EQUAL(msg,
                           "cannot open CA file /nonexistent/ca.pem: No such file or directory");
    const char *const *names = tlsa_policy_names();
    CU_ASSERT_STRING_EQUAL(names[0], "modern");
    CU_ASSERT_STRING_EQUAL(names[1], "intermediate");
    CU_ASSERT_STRING_EQUAL(names[2], "old");
    CU_ASSERT_PTR_NULL(names[3]);
}

/* With keys: a Finished that does not match, a CertificateVerify that does not verify, and a
 * TLS 1.3 certificate that is only "not visible" while it stayed encrypted. */
static void test_keys_rules(void) {
    tlsa_conn c = base();
    tlsa_step st[2];
    memset(st, 0, sizeof st);
    st[0].who = TLSA_FROM_SERVER, st[0].msg_type = TLSA_HS_CERTIFICATE_VERIFY, st[0].frame = 5;
    st[1].who = TLSA_FROM_CLIENT, st[1].msg_type = TLSA_HS_FINISHED, st[1].frame = 8;
    c.steps.v = st;
    c.steps.n = 2;
    c.keys_given = true;
    c.decrypted = 1;
    c.finished_check[TLSA_FROM_CLIENT] = 2;
    c.finished_check[TLSA_FROM_SERVER] = 1;
    c.cv_check = 2;
    run(&c);
    ASSERT_DETAIL(&c, "handshake.finished_mismatch",
                  "the client's Finished does not match the hash of the handshake messages "
                  "computed with the logged keys");
    const tlsa_finding *f = find(&c, "handshake.finished_mismatch");
    CU_ASSERT(f && f->severity == TLSA_SEV_CRITICAL && f->n_frames == 1 && f->frames[0] == 8);
    ASSERT_DETAIL(&c, "handshake.certificate_verify_invalid",
                  "the server's CertificateVerify signature does not verify with the public key "
                  "of the certificate it sent");
    f = find(&c, "handshake.certificate_verify_invalid");
    CU_ASSERT(f && f->severity == TLSA_SEV_CRITICAL && f->n_frames == 1 && f->frames[0] == 5);
    tlsa_audit_clear(&c);
    c.finished_check[TLSA_FROM_CLIENT] = 1;
    c.cv_check = 1;
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "handshake.finished_mismatch"));
    CU_ASSERT_PTR_NULL(find(&c, "handshake.certificate_verify_invalid"));
    tlsa_audit_clear(&c);

    /* TLS 1.3 without a chain: decrypted (there was none) or not (it stayed encrypted). */
    c = base();
    c.version = TLSA_V_TLS13;
    c.suite = 0x1301;
    c.kex.kind = TLSA_KEX_TLS13;
    c.keys_given = true;
    c.decrypted = 1;
    run(&c);
    CU_ASSERT_PTR_NULL(find(&c, "cert.not_visible"));
    tlsa_audit_clear(&c);
    c.decrypted = 0;
    snprintf(c.keys_note, sizeof c.keys_note, "no key for this client random");
    run(&c);
    ASSERT_DETAIL(&c, "cert.not_visible",
                  "TLS 1.3 encrypts the Certificate message and the keys did not open it (no key "
                  "for this client random), so the server's certificate was not checked");
    tlsa_audit_clear(&c);
}

TLSA_TEST_MAIN("audit", {"clean and empty records", test_clean}, {"versions", test_versions},
               {"cipher suites", test_suites}, {"client offers weak suites", test_client_offers},
               {"DH groups", test_dh}, {"curves", test_curves}, {"TLS 1.3 kex", test_tls13_kex},
               {"handshake signatures", test_sig}, {"renegotiation", test_renegotiation},
               {"hello features", test_hello_features}, {"alerts", test_alerts},
               {"malformed", test_malformed}, {"sorting", test_sorting},
               {"trusted chain", test_cert_trusted}, {"dates", test_cert_dates},
               {"expired CA certificates", test_cert_expired_ca},
               {"untrusted chains", test_cert_untrusted}, {"self-signed", test_cert_self_signed},
               {"host names", test_cert_hostname}, {"keys and signatures", test_cert_keys},
               {"rules with keys", test_keys_rules}, {"validity period", test_cert_validity},
               {"leaf rules", test_cert_leaf_rules}, {"chain order", test_chain_order},
               {"cache hit", test_cache_hit}, {"hostile records", test_hostile},
               {"auditor errors", test_auditor_errors})
