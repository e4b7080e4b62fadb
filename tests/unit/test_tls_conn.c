/* The connection state machine (tls_conn.c) on real flows and on built messages, and the display
 * helpers (conn_text.c). Steps are compared as text: "<step><c|s><type>[e]@<frame>" per step. */
#include "tls_feed.h"
#include "tlsaudit/names.h"

static char dumped[4096];

/* The steps reported so far as one line. */
static const char *dump(const feed *f) {
    size_t n = 0;
    dumped[0] = 0;
    for (int i = 0; i < f->n_steps && n < sizeof(dumped) - 64; i++) {
        const tlsa_step *s = &f->steps[i];
        n += (size_t)snprintf(dumped + n, sizeof(dumped) - n, "%s%u%c%u%s@%llu", i ? " " : "",
                              s->step, s->who == TLSA_FROM_SERVER ? 's' : 'c', s->msg_type,
                              s->encrypted ? "e" : "", (unsigned long long)s->frame);
    }
    return dumped;
}

#define ASSERT_STEPS(f, want)                                                                      \
    do {                                                                                           \
        const char *got_ = dump(f);                                                                \
        if (strcmp(got_, want) != 0)                                                               \
            fprintf(stderr, "\n  steps: got  %s\n         want %s\n", got_, want);                 \
        CU_ASSERT_STRING_EQUAL(got_, want);                                                        \
    } while (0)

/* rsa-p-lt-q.pcap: TLS 1.2, static RSA, full handshake. */
static void test_tls12_rsa(void) {
    feed f;
    feed_open(&f, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls12_rsa", 0, false), 7);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s11@2 2s14@2 4c16@3 7c20e@3 8s20e@4");
    CU_ASSERT_EQUAL(c->version, TLSA_V_TLS12);
    CU_ASSERT_TRUE(c->has_suite);
    CU_ASSERT_EQUAL(c->kex.kind, TLSA_KEX_RSA);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_FALSE(c->resumed);
    CU_ASSERT_FALSE(c->roles_guessed);
    CU_ASSERT_EQUAL(c->handshakes, 1);
    CU_ASSERT_EQUAL(c->server_chain.n, 1);
    CU_ASSERT_EQUAL(c->server_chain_frame, 2);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    CU_ASSERT_TRUE(c->dir[0].ccs_seen);
    CU_ASSERT_TRUE(c->dir[1].ccs_seen);
    CU_ASSERT_EQUAL(c->last_step, 9);
    char buf[128];
    CU_ASSERT_STRING_EQUAL(tlsa_kex_str(c, buf, 64), "RSA");
    CU_ASSERT_STRING_EQUAL(tlsa_conn_stop_str(c, buf, sizeof(buf)), "completed (step 9)");
    /* The ClientKeyExchange note and explanation under RSA. */
    CU_ASSERT_STRING_EQUAL(f.steps[4].note, "RSA-encrypted pre-master secret, 128 bytes");
    CU_ASSERT_STRING_EQUAL(tlsa_step_explain(c, &c->steps.v[4]),
                           "the pre-master secret, encrypted with the server's RSA public key");
    feed_close(&f);
}

/* Same flow, no SYN, sides swapped: the ClientHello fixes the roles. */
static void test_roles_from_hello(void) {
    feed f;
    feed_open(&f, false);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls12_rsa", 0, true), 7);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_FALSE(c->roles_guessed);
    CU_ASSERT_TRUE(c->mid_stream);
    CU_ASSERT_EQUAL(c->client.port, 443); /* side 1 of the swapped feed */
    CU_ASSERT_EQUAL(c->server.port, 50000);
    CU_ASSERT_EQUAL(c->steps.v[0].who, TLSA_FROM_CLIENT);
    CU_ASSERT_EQUAL(c->steps.v[1].who, TLSA_FROM_SERVER);
    CU_ASSERT_TRUE(c->complete);
    feed_close(&f);
}

/* tls13-rfc8446.pcap stream 0: TLS 1.3, everything after ServerHello encrypted. */
static void test_tls13(void) {
    feed f;
    feed_open(&f, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls13_rfc8446", 0, false), 6);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s255e@2 7c20e@3");
    CU_ASSERT_EQUAL(c->version, TLSA_V_TLS13);
    CU_ASSERT_EQUAL(c->kex.kind, TLSA_KEX_TLS13);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_FALSE(c->resumed);
    CU_ASSERT_EQUAL(c->server_chain.n, 0);
    CU_ASSERT_FALSE(c->dir[0].ccs_seen); /* the compatibility CCS changes nothing */
    CU_ASSERT_EQUAL(c->n_problems, 0);
    char buf[64];
    CU_ASSERT_STRING_EQUAL(tlsa_kex_str(c, buf, sizeof(buf)), "TLS 1.3 x25519");
    CU_ASSERT_STRING_EQUAL(tlsa_step_explain(c, &c->steps.v[2]),
                           "encrypted — keys needed to see the certificate (TLS 1.3 encrypts "
                           "EncryptedExtensions, Certificate, CertificateVerify and Finished)");
    feed_close(&f);
}

/* dhe1.pcapng: TLS 1.0 session resumption, the server's Finished first. */
static void test_resumption(void) {
    feed f;
    feed_open(&f, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls_dhe1", 0, false), 5);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@4 2s2@6 8s20e@6 7c20e@8");
    CU_ASSERT_EQUAL(c->version, TLSA_V_TLS10);
    CU_ASSERT_TRUE(c->resumed);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_EQUAL(c->kex.kind, TLSA_KEX_NONE);
    CU_ASSERT_STRING_EQUAL(f.steps[2].note, "encrypted; resumed: server Finished first");
    char buf[64];
    CU_ASSERT_STRING_EQUAL(tlsa_kex_str(c, buf, sizeof(buf)), "none (resumed)");
    feed_close(&f);
}

/* tls-renegotiation.pcap: renegotiation inside the encrypted channel. */
static void test_renegotiation_encrypted(void) {
    feed f;
    feed_open(&f, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls12_reneg", 0, false), 27);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f,
                 "1c1@4 2s2@6 2s11@6 2s14@6 4c16@8 7c20e@8 8s4@9 8s20e@9 "
                 "1c255e@13 2s255e@15 2s255e@15 2s255e@15 4c255e@17 7c20e@17 8s255e@18 8s20e@18 "
                 "1c255e@22 2s255e@24 2s255e@24 2s255e@24 4c255e@26 7c20e@26 8s255e@27 8s20e@27 "
                 "9s255e@33 1c255e@35 2s255e@37 8s20e@37 7c20e@38 "
                 "9s255e@42 1c255e@44 2s255e@46 8s20e@46 7c20e@47");
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    feed_close(&f);
}

/* tls13-rfc8446.pcap stream 1: PSK resumption with 0-RTT early data. */
static void test_tls13_psk_early_data(void) {
    feed f;
    feed_open(&f, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls13_psk_early", 0, false), 7);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    /* Without keys, the server's protected records before the client's Finished (here also its
     * tickets and 0.5-RTT data) are all placed on step 2. */
    ASSERT_STEPS(&f, "1c1@7 2s2@9 2s255e@9 2s255e@9 2s255e@10 7c5e@11 7c20e@11");
    CU_ASSERT_TRUE(c->resumed);
    CU_ASSERT_TRUE(c->early_data);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_TRUE(c->sh.psk_selected);
    feed_close(&f);
}

/* Sends one handshake record carrying one message from a side. */
static void send_msg(feed *f, int side, uint8_t type, const uint8_t *body, size_t n,
                     uint64_t frame) {
    static uint8_t msg[1200], rec[1300];
    size_t m = mk_msg(msg, type, body, n);
    size_t r = mk_record(rec, TLSA_CT_HANDSHAKE, 0x0303, msg, m);
    feed_bytes(f, side, rec, r, frame);
}

static void send_record(feed *f, int side, uint8_t type, const uint8_t *p, size_t n,
                        uint64_t frame) {
    static uint8_t rec[1300];
    size_t r = mk_record(rec, type, 0x0303, p, n);
    feed_bytes(f, side, rec, r, frame);
}

/* Every TLS 1.2 message type lands on its step of design §2. */
static void test_step_numbers_tls12(void) {
    feed f;
    feed_open(&f, true);
    uint8_t body[300];
    size_t n = mk_client_hello_body(body, 0xc02f);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    n = mk_server_hello_body(body, 0xc02f);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO, body, n, 2);
    const uint8_t empty_chain[3] = {0, 0, 0};
    send_msg(&f, 1, TLSA_HS_CERTIFICATE, empty_chain, 3, 2);
    const uint8_t status[8] = {1, 0, 0, 4, 0x30, 0x02, 0x05, 0x00};
    send_msg(&f, 1, TLSA_HS_CERTIFICATE_STATUS, status, 8, 2);
    /* ECDHE params: named_curve x25519, 32-byte point, rsa_pkcs1_sha256 signature of 4 bytes. */
    uint8_t ske[64] = {3, 0, 0x1d, 32};
    memset(ske + 4, 0x42, 32);
    const uint8_t sig[8] = {0x04, 0x01, 0, 4, 1, 2, 3, 4};
    memcpy(ske + 36, sig, 8);
    send_msg(&f, 1, TLSA_HS_SERVER_KEY_EXCHANGE, ske, 44, 2);
    /* certificate_types rsa_sign; sig algs rsa_pkcs1_sha256; no CAs. */
    const uint8_t creq[9] = {1, 1, 0, 2, 4, 1, 0, 0};
    send_msg(&f, 1, TLSA_HS_CERTIFICATE_REQUEST, creq, 8, 2);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO_DONE, NULL, 0, 2);
    send_msg(&f, 0, TLSA_HS_CERTIFICATE, empty_chain, 3, 3);
    uint8_t cke[33] = {32};
    memset(cke + 1, 0x24, 32);
    send_msg(&f, 0, TLSA_HS_CLIENT_KEY_EXCHANGE, cke, 33, 3);
    send_msg(&f, 0, TLSA_HS_CERTIFICATE_VERIFY, sig, 8, 3);
    const uint8_t one = 1;
    send_record(&f, 0, TLSA_CT_CHANGE_CIPHER_SPEC, &one, 1, 3);
    uint8_t fin[40] = {0};
    send_record(&f, 0, TLSA_CT_HANDSHAKE, fin, 40, 3);
    const uint8_t ticket[8] = {0, 0, 0x1c, 0x20, 0, 2, 0xaa, 0xbb};
    send_msg(&f, 1, TLSA_HS_NEW_SESSION_TICKET, ticket, 8, 4);
    send_record(&f, 1, TLSA_CT_CHANGE_CIPHER_SPEC, &one, 1, 4);
    send_record(&f, 1, TLSA_CT_HANDSHAKE, fin, 40, 4);
    send_record(&f, 1, TLSA_CT_HANDSHAKE, fin, 40, 5); /* HelloRequest, encrypted */
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, fin, 40, 6);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s11@2 2s22@2 2s12@2 2s13@2 2s14@2 5c11@3 4c16@3 5c15@3 "
                     "7c20e@3 8s4@4 8s20e@4 9s255e@5");
    CU_ASSERT_EQUAL(c->kex.kind, TLSA_KEX_ECDHE);
    CU_ASSERT_EQUAL(c->kex.group, 0x001d);
    CU_ASSERT_EQUAL(c->kex.public_len, 32);
    CU_ASSERT_EQUAL(c->kex.cke_len, 32);
    CU_ASSERT_EQUAL(c->kex.cv_sig_scheme, 0x0401);
    CU_ASSERT_TRUE(c->client_auth_requested);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_EQUAL(c->last_step, 9);
    CU_ASSERT_STRING_EQUAL(c->steps.v[4].note, "ECDHE x25519 public key, 32 bytes, signed");
    CU_ASSERT_STRING_EQUAL(c->steps.v[8].note, "client ECDH public key, 32 bytes");
    CU_ASSERT_STRING_EQUAL(tlsa_step_explain(c, &c->steps.v[8]),
                           "the client's ephemeral ECDHE public key — nothing is encrypted with "
                           "the certificate key (forward secrecy)");
    char buf[64];
    CU_ASSERT_STRING_EQUAL(tlsa_kex_str(c, buf, sizeof(buf)), "ECDHE x25519");
    for (uint32_t i = 0; i < c->n_problems; i++)
        fprintf(stderr, "problem: %s\n", c->problems[i].what);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    feed_close(&f);
}

/* The HelloRetryRequest random (RFC 8446 §4.1.3). */
static const uint8_t hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

/* A TLS 1.3 ServerHello body (suite 0x1301) with supported_versions and key_share; hrr: the
 * HRR random and a key_share naming only the group. */
static size_t mk_sh13(uint8_t *out, bool hrr, uint16_t group) {
    size_t n = 0;
    out[n++] = 3;
    out[n++] = 3;
    if (hrr)
        memcpy(out + n, hrr_random, 32);
    else
        memset(out + n, 0x33, 32);
    n += 32;
    out[n++] = 0;
    out[n++] = 0x13;
    out[n++] = 0x01;
    out[n++] = 0;
    size_t ext_len = 6 + (hrr ? 6 : 8 + 32);
    out[n++] = 0;
    out[n++] = (uint8_t)ext_len;
    const uint8_t sv[6] = {0, 0x2b, 0, 2, 3, 4};
    memcpy(out + n, sv, 6);
    n += 6;
    out[n++] = 0;
    out[n++] = 0x33;
    out[n++] = 0;
    out[n++] = hrr ? 2 : 4 + 32;
    out[n++] = (uint8_t)(group >> 8);
    out[n++] = (uint8_t)group;
    if (!hrr) {
        out[n++] = 0;
        out[n++] = 32;
        memset(out + n, 0x44, 32);
        n += 32;
    }
    return n;
}

/* ClientHello offering TLS 1.3 (supported_versions 0304). */
static size_t mk_ch13(uint8_t *out) {
    size_t n = 0;
    out[n++] = 3;
    out[n++] = 3;
    memset(out + n, 0x11, 32);
    n += 32;
    out[n++] = 0;
    out[n++] = 0;
    out[n++] = 2;
    out[n++] = 0x13;
    out[n++] = 0x01;
    out[n++] = 1;
    out[n++] = 0;
    const uint8_t ext[9] = {0, 7, 0, 0x2b, 0, 3, 2, 3, 4};
    memcpy(out + n, ext, 9);
    return n + 9;
}

/* HelloRetryRequest: the second ClientHello belongs to the same handshake. */
static void test_hello_retry_request(void) {
    feed f;
    feed_open(&f, true);
    uint8_t body[200];
    size_t n = mk_ch13(body);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    n = mk_sh13(body, true, 0x0017);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO, body, n, 2);
    const uint8_t one = 1;
    send_record(&f, 0, TLSA_CT_CHANGE_CIPHER_SPEC, &one, 1, 3);
    n = mk_ch13(body);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 3);
    n = mk_sh13(body, false, 0x001d);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO, body, n, 4);
    send_record(&f, 1, TLSA_CT_CHANGE_CIPHER_SPEC, &one, 1, 4);
    uint8_t enc[50] = {0};
    send_record(&f, 1, TLSA_CT_APPLICATION_DATA, enc, 50, 4);
    send_record(&f, 1, TLSA_CT_APPLICATION_DATA, enc, 30, 4);
    uint8_t fin[53] = {0}; /* Finished: 4 + 32 + 1 + 16 bytes */
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, fin, 53, 5);
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, enc, 40, 6);
    send_record(&f, 1, TLSA_CT_APPLICATION_DATA, enc, 40, 7);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s6@2 1c1@3 2s2@4 2s255e@4 2s255e@4 7c20e@5");
    CU_ASSERT_EQUAL(c->handshakes, 1);
    CU_ASSERT_EQUAL(c->version, TLSA_V_TLS13);
    CU_ASSERT_TRUE(c->sh.hrr);
    CU_ASSERT_EQUAL(c->sh.hrr_group, 0x0017);
    CU_ASSERT_EQUAL(c->sh.key_share_group, 0x001d);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_FALSE(c->resumed);
    CU_ASSERT_EQUAL(c->last_step, 9);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    CU_ASSERT_STRING_EQUAL(c->steps.v[1].note, "asks the client to retry with group secp256r1");
    char buf[64];
    CU_ASSERT_STRING_EQUAL(tlsa_kex_str(c, buf, sizeof(buf)), "TLS 1.3 x25519");
    feed_close(&f);
}

/* A fatal alert from the server after the ClientHello; where the handshake stopped. */
static void test_fatal_alert(void) {
    feed f;
    feed_open(&f, true);
    uint8_t body[100];
    size_t n = mk_client_hello_body(body, 0x002f);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    const uint8_t alert[2] = {2, 40};
    send_record(&f, 1, TLSA_CT_ALERT, alert, 2, 2);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_RST);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL_FATAL(c->n_alerts, 1);
    CU_ASSERT_EQUAL(c->alerts[0].sender, TLSA_FROM_SERVER);
    CU_ASSERT_EQUAL(c->alerts[0].level, 2);
    CU_ASSERT_EQUAL(c->alerts[0].description, 40);
    CU_ASSERT_EQUAL(c->alerts[0].step, 1);
    CU_ASSERT_EQUAL(c->alerts[0].frame, 2);
    CU_ASSERT_FALSE(c->alerts[0].encrypted);
    CU_ASSERT_FALSE(c->complete);
    CU_ASSERT_EQUAL(c->last_step, 1);
    CU_ASSERT_EQUAL(c->end_reason, TLSA_END_RST);
    char buf[128];
    CU_ASSERT_STRING_EQUAL(tlsa_conn_stop_str(c, buf, sizeof(buf)),
                           "fatal alert handshake_failure from the server after ClientHello "
                           "(step 1)");
    feed_close(&f);
}

/* A heartbeat request claiming more payload than its record holds: Heartbleed. */
static void test_heartbleed(void) {
    feed f;
    feed_open(&f, true);
    uint8_t body[100];
    size_t n = mk_client_hello_body(body, 0x002f);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    const uint8_t hb[3] = {1, 0x40, 0x00};
    send_record(&f, 0, TLSA_CT_HEARTBEAT, hb, 3, 5);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->heartbleed);
    CU_ASSERT_EQUAL(c->heartbleed_frame, 5);
    feed_close(&f);
}

/* Protected heartbeats: a response of the request's size is normal, a longer one is an over-read.
 */
static void test_heartbleed_encrypted(void) {
    feed f;
    feed_open(&f, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls12_rsa", 0, false), 7);
    uint8_t hb[2000] = {0};
    send_record(&f, 0, TLSA_CT_HEARTBEAT, hb, 40, 8);
    send_record(&f, 1, TLSA_CT_HEARTBEAT, hb, 40 + 300, 9); /* other padding: normal */
    CU_ASSERT_EQUAL(f.n_steps, 7);
    send_record(&f, 0, TLSA_CT_HEARTBEAT, hb, 40, 10);
    send_record(&f, 1, TLSA_CT_HEARTBEAT, hb, 1200, 11);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->heartbleed);
    CU_ASSERT_EQUAL(c->heartbleed_frame, 11); /* not 9: a larger padding is no over-read */
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_SERVER].encrypted_records,
                    4); /* Finished, data, 2 heartbeats */
    feed_close(&f);
}

/* Out of order: a ClientKeyExchange before any ServerHello is noted, observation goes on. */
static void test_unexpected_message(void) {
    feed f;
    feed_open(&f, true);
    uint8_t body[100];
    size_t n = mk_client_hello_body(body, 0x002f);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    const uint8_t cke[4] = {0, 2, 9, 9};
    send_msg(&f, 0, TLSA_HS_CLIENT_KEY_EXCHANGE, cke, 4, 2);
    n = mk_server_hello_body(body, 0x002f);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO, body, n, 3);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_UNEXPECTED_MESSAGE));
    ASSERT_STEPS(&f, "1c1@1 4c16@2 2s2@3");
    feed_close(&f);
}

/* limits.max_steps: further steps are counted as dropped (and still reported). */
static void test_step_limit(void) {
    feed f;
    feed_open(&f, true);
    f.lim.max_steps = 2;
    tlsa_tls_free(f.t);
    tlsa_tls_init init = {0};
    init.limits = &f.lim;
    init.syn_seen = true;
    init.on_step = feed_on_step;
    init.user = &f;
    f.t = tlsa_tls_new(&init);
    uint8_t body[100];
    size_t n = mk_client_hello_body(body, 0x002f);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    n = mk_server_hello_body(body, 0x002f);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO, body, n, 2);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO_DONE, NULL, 0, 2);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO_DONE, NULL, 0, 2);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->steps.n, 2);
    CU_ASSERT_EQUAL(c->steps.dropped, 2);
    CU_ASSERT_EQUAL(f.n_steps, 4);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_LIMIT_STEPS));
    feed_close(&f);
}

/* Names and explanations. */
static void test_display_names(void) {
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x0002), "SSL 2.0");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x0300), "SSL 3.0");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x0301), "TLS 1.0");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x0302), "TLS 1.1");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x0303), "TLS 1.2");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x0304), "TLS 1.3");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x7f14), "TLS 1.3 (draft 20)");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x7f1c), "TLS 1.3 (draft 28)");
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(0x1234), "unknown");
    const struct {
        uint8_t type;
        const char *name;
    } names[] = {{0, "HelloRequest"},
                 {1, "ClientHello"},
                 {2, "ServerHello"},
                 {4, "NewSessionTicket"},
                 {5, "EndOfEarlyData"},
                 {6, "HelloRetryRequest"},
                 {8, "EncryptedExtensions"},
                 {11, "Certificate"},
                 {12, "ServerKeyExchange"},
                 {13, "CertificateRequest"},
                 {14, "ServerHelloDone"},
                 {15, "CertificateVerify"},
                 {16, "ClientKeyExchange"},
                 {20, "Finished"},
                 {22, "CertificateStatus"},
                 {24, "KeyUpdate"},
                 {255, "encrypted handshake message"},
                 {77, "unknown"}};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        CU_ASSERT_STRING_EQUAL(tlsa_message_name(names[i].type), names[i].name);
    tlsa_conn c;
    memset(&c, 0, sizeof(c));
    tlsa_step s = {.step = 4, .who = TLSA_FROM_CLIENT, .msg_type = TLSA_HS_CLIENT_KEY_EXCHANGE};
    c.kex.kind = TLSA_KEX_DHE;
    CU_ASSERT_STRING_EQUAL(tlsa_step_explain(&c, &s),
                           "the client's ephemeral DHE public value — nothing is encrypted with "
                           "the certificate key (forward secrecy)");
    char buf[64];
    c.kex.dh_bits = 2048;
    CU_ASSERT_STRING_EQUAL(tlsa_kex_str(&c, buf, sizeof(buf)), "DHE 2048");
    c.version = TLSA_V_TLS13;
    c.sh.psk_selected = true;
    CU_ASSERT_STRING_EQUAL(tlsa_kex_str(&c, buf, sizeof(buf)), "TLS 1.3 PSK");
    CU_ASSERT_STRING_EQUAL(tlsa_conn_stop_str(&c, buf, sizeof(buf)),
                           "no handshake message seen (the capture started after it)");
}

/* Runs a TLS 1.3 handshake up to the server flight (two protected server records). */
static void tls13_to_server_flight(feed *f) {
    uint8_t body[200];
    size_t n = mk_ch13(body);
    send_msg(f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    n = mk_sh13(body, false, 0x001d);
    send_msg(f, 1, TLSA_HS_SERVER_HELLO, body, n, 2);
    static uint8_t enc[900];
    send_record(f, 1, TLSA_CT_APPLICATION_DATA, enc, 800, 2);
    send_record(f, 1, TLSA_CT_APPLICATION_DATA, enc, 53, 2);
}

/* TLS 1.3 client authentication: Certificate and CertificateVerify records (step 5) before the
 * Finished, told apart by the Finished record's size. */
static void test_tls13_client_flight_sizes(void) {
    feed f;
    feed_open(&f, true);
    tls13_to_server_flight(&f);
    static uint8_t enc[900];
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, enc, 700, 3);
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, enc, 95, 3);
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, enc, 53, 3);
    send_record(&f, 1, TLSA_CT_APPLICATION_DATA, enc, 200, 4);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s255e@2 2s255e@2 5c255e@3 5c255e@3 7c20e@3");
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_TRUE(c->client_auth_requested);
    CU_ASSERT_STRING_EQUAL(tlsa_step_explain(c, &c->steps.v[4]),
                           "encrypted — the client's Certificate or CertificateVerify (TLS 1.3 "
                           "encrypts them; the server asked for a client certificate)");
    CU_ASSERT_EQUAL(c->last_step, 9);
    feed_close(&f);
}

/* A client flight in one padded record: no Finished-sized record, but the server carries on,
 * so the client finished. */
static void test_tls13_client_flight_inferred(void) {
    feed f;
    feed_open(&f, true);
    tls13_to_server_flight(&f);
    static uint8_t enc[900];
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, enc, 880, 3);
    CU_ASSERT_EQUAL(f.n_steps, 5);
    send_record(&f, 1, TLSA_CT_APPLICATION_DATA, enc, 300, 4);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s255e@2 2s255e@2 5c255e@3");
    CU_ASSERT_TRUE(c->complete);
    feed_close(&f);
}

/* The client rejects the server's certificate: a 19-byte protected record is an alert (2 bytes +
 * type + tag), not a Finished. */
static void test_tls13_encrypted_alert(void) {
    feed f;
    feed_open(&f, true);
    tls13_to_server_flight(&f);
    static uint8_t enc[19];
    send_record(&f, 0, TLSA_CT_APPLICATION_DATA, enc, 19, 3);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_RST);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s255e@2 2s255e@2");
    CU_ASSERT_FALSE(c->complete);
    CU_ASSERT_EQUAL_FATAL(c->n_alerts, 1);
    CU_ASSERT_TRUE(c->alerts[0].encrypted);
    CU_ASSERT_EQUAL(c->alerts[0].sender, TLSA_FROM_CLIENT);
    CU_ASSERT_EQUAL(c->alerts[0].step, 2);
    char buf[128];
    CU_ASSERT_STRING_EQUAL(tlsa_conn_stop_str(c, buf, sizeof(buf)),
                           "after encrypted handshake message from the server (step 2)");
    feed_close(&f);
}

/* The capture starts at the client's ClientKeyExchange (no SYN, no hellos): the steps seen are
 * placed, nothing is called out of order, the key exchange is not interpreted. */
static void test_late_start_at_client_key_exchange(void) {
    feed f;
    feed_open(&f, false);
    CU_ASSERT_EQUAL_FATAL(feed_fixture_from(&f, "tls12_rsa", 0, false, 3), 5);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "4c16@3 7c20e@3 8s20e@4");
    CU_ASSERT_EQUAL(c->n_problems, 0);
    CU_ASSERT_EQUAL(c->version, 0);
    CU_ASSERT_TRUE(c->roles_guessed);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_EQUAL(c->kex.cke_len, 0);
    feed_close(&f);
}

/* The capture starts at the server's ChangeCipherSpec, the server being side 0: the port tells
 * the roles, and a protected alert whose ChangeCipherSpec was never seen is not malformed. */
static void test_late_start_server_first(void) {
    feed f;
    feed_open_server_first(&f);
    CU_ASSERT_EQUAL_FATAL(feed_fixture_from(&f, "tls12_rsa", 0, true, 4), 4);
    uint8_t enc[48] = {0};
    send_record(&f, 1, TLSA_CT_ALERT, enc, 48, 9);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "8s20e@4");
    CU_ASSERT_TRUE(c->roles_guessed);
    CU_ASSERT_EQUAL(c->server.port, 443);
    CU_ASSERT_EQUAL(c->client.port, 50000);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    CU_ASSERT_FATAL(c->n_alerts >= 1);
    const tlsa_alert *a = &c->alerts[c->n_alerts - 1];
    CU_ASSERT_TRUE(a->encrypted);
    CU_ASSERT_EQUAL(a->frame, 9);
    CU_ASSERT_EQUAL(a->sender, TLSA_FROM_CLIENT);
    CU_ASSERT_FALSE(c->complete);
    feed_close(&f);
}

/* tls13-20-chacha20poly1305.pcap stream 0: a TLS 1.3 draft (0x7f14) is handled as TLS 1.3. */
static void test_tls13_draft(void) {
    feed f;
    feed_open(&f, true);
    int n = feed_fixture(&f, "tls13_draft20", 0, false);
    CU_ASSERT_FATAL(n > 3);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s255e@2 2s255e@2 2s255e@2 2s255e@2 7c20e@3");
    CU_ASSERT_EQUAL(c->version, 0x7f14);
    CU_ASSERT_STRING_EQUAL(tlsa_version_name(c->version), "TLS 1.3 (draft 20)");
    CU_ASSERT_EQUAL(c->kex.kind, TLSA_KEX_TLS13);
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    feed_close(&f);
}

/* Sends a handshake message followed by a NULL-cipher MAC of mac bytes in one record. */
static void send_msg_mac(feed *f, int side, uint8_t type, const uint8_t *body, size_t n, size_t mac,
                         uint64_t frame) {
    static uint8_t msg[1200];
    size_t m = mk_msg(msg, type, body, n);
    memset(msg + m, 0xee, mac);
    send_record(f, side, TLSA_CT_HANDSHAKE, msg, m + mac, frame);
}

/* TLS_RSA_WITH_NULL_SHA: records after ChangeCipherSpec stay readable (plaintext + 20-byte MAC),
 * so the Finished messages are seen in clear and a renegotiation ClientHello starts handshake 1. */
static void test_null_cipher_renegotiation(void) {
    feed f;
    feed_open(&f, true);
    uint8_t body[100];
    size_t n = mk_client_hello_body(body, 0x0002);
    send_msg(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 1);
    n = mk_server_hello_body(body, 0x0002);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO, body, n, 2);
    send_msg(&f, 1, TLSA_HS_SERVER_HELLO_DONE, NULL, 0, 2);
    const uint8_t cke[6] = {0, 4, 1, 2, 3, 4};
    send_msg(&f, 0, TLSA_HS_CLIENT_KEY_EXCHANGE, cke, 6, 3);
    const uint8_t one = 1;
    const uint8_t verify[12] = {0};
    send_record(&f, 0, TLSA_CT_CHANGE_CIPHER_SPEC, &one, 1, 3);
    send_msg_mac(&f, 0, TLSA_HS_FINISHED, verify, 12, 20, 3);
    send_record(&f, 1, TLSA_CT_CHANGE_CIPHER_SPEC, &one, 1, 4);
    send_msg_mac(&f, 1, TLSA_HS_FINISHED, verify, 12, 20, 4);
    n = mk_client_hello_body(body, 0x0002);
    send_msg_mac(&f, 0, TLSA_HS_CLIENT_HELLO, body, n, 20, 5);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    ASSERT_STEPS(&f, "1c1@1 2s2@2 2s14@2 4c16@3 7c20@3 8s20@4 1c1@5");
    CU_ASSERT_TRUE(c->complete);
    CU_ASSERT_EQUAL(c->handshakes, 2);
    CU_ASSERT_EQUAL(c->steps.v[6].handshake, 1);
    CU_ASSERT_EQUAL(c->steps.v[5].handshake, 0);
    CU_ASSERT_STRING_EQUAL(c->steps.v[6].note, "renegotiation: a new handshake");
    CU_ASSERT_EQUAL(c->kex.kind, TLSA_KEX_RSA);
    CU_ASSERT_EQUAL(c->kex.cke_len, 4);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    feed_close(&f);
}

/* tlsa_conn_free_contents frees the TLS layer's and the audit's parts and may be called again
 * (tlsa_tls_free does) on the emptied record. Leaks show under the sanitizer build. */
static void test_free_contents(void) {
    feed f;
    feed_open(&f, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&f, "tls12_rsa", 0, false), 7);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    tlsa_audit_config cfg = {0};
    cfg.no_system_store = true;
    tlsa_err err = TLSA_E_OK;
    tlsa_auditor *a = tlsa_auditor_new(&cfg, &err, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, c), TLSA_E_OK);
    CU_ASSERT(c->n_findings > 0);
    CU_ASSERT_PTR_NOT_NULL(c->server_certs);
    tlsa_conn_free_contents(c);
    CU_ASSERT_PTR_NULL(c->findings);
    CU_ASSERT_EQUAL(c->n_findings, 0);
    CU_ASSERT_PTR_NULL(c->server_certs);
    CU_ASSERT_PTR_NULL(c->steps.v);
    CU_ASSERT_EQUAL(c->steps.n, 0);
    CU_ASSERT_EQUAL(c->server_chain.n, 0);
    CU_ASSERT_FALSE(c->ch.present);
    tlsa_auditor_free(a);
    feed_close(&f); /* frees the emptied record again */
}

TLSA_TEST_MAIN("tls_conn", {"free contents, twice", test_free_contents},
               {"NULL cipher and cleartext renegotiation", test_null_cipher_renegotiation},
               {"TLS 1.3 draft 20", test_tls13_draft},
               {"late start at ClientKeyExchange", test_late_start_at_client_key_exchange},
               {"late start, server first", test_late_start_server_first},
               {"TLS 1.3 client flight by size", test_tls13_client_flight_sizes},
               {"TLS 1.3 client Finished inferred", test_tls13_client_flight_inferred},
               {"TLS 1.3 encrypted alert", test_tls13_encrypted_alert},
               {"step numbers, TLS 1.2", test_step_numbers_tls12},
               {"HelloRetryRequest", test_hello_retry_request}, {"fatal alert", test_fatal_alert},
               {"heartbleed", test_heartbleed},
               {"heartbleed, protected", test_heartbleed_encrypted},
               {"unexpected message", test_unexpected_message}, {"step limit", test_step_limit},
               {"display names", test_display_names},
               {"TLS 1.3 PSK resumption with early data", test_tls13_psk_early_data},
               {"TLS 1.2 RSA full handshake", test_tls12_rsa},
               {"roles from the ClientHello", test_roles_from_hello}, {"TLS 1.3", test_tls13},
               {"TLS 1.0 resumption", test_resumption},
               {"renegotiation, encrypted", test_renegotiation_encrypted})
