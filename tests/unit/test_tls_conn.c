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

TLSA_TEST_MAIN("tls_conn", {"TLS 1.3 PSK resumption with early data", test_tls13_psk_early_data},
               {"TLS 1.2 RSA full handshake", test_tls12_rsa},
               {"roles from the ClientHello", test_roles_from_hello}, {"TLS 1.3", test_tls13},
               {"TLS 1.0 resumption", test_resumption},
               {"renegotiation, encrypted", test_renegotiation_encrypted})
