/* Handshake message framing (tls_handshake.c): many messages in one record, one message over
 * many records, interleaved record types, the message size limit. */
#include "tls_feed.h"

/* ServerHello + ServerHelloDone in one record: two steps, exact offsets, same frame. */
static void test_many_in_one_record(void) {
    feed f;
    feed_open(&f, true);
    uint8_t buf[300], msgs[200], body[64];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 1);
    size_t b = mk_server_hello_body(body, 0x002f);
    size_t m = mk_msg(msgs, TLSA_HS_SERVER_HELLO, body, b);
    size_t sh_end = m;
    m += mk_msg(msgs + m, TLSA_HS_SERVER_HELLO_DONE, NULL, 0);
    n = mk_record(buf, TLSA_CT_HANDSHAKE, 0x0303, msgs, m);
    feed_bytes(&f, 1, buf, n, 2);
    CU_ASSERT_EQUAL_FATAL(f.n_steps, 3);
    CU_ASSERT_EQUAL(f.steps[1].msg_type, TLSA_HS_SERVER_HELLO);
    CU_ASSERT_EQUAL(f.steps[1].stream_start, 5);
    CU_ASSERT_EQUAL(f.steps[1].stream_end, 5 + sh_end);
    CU_ASSERT_EQUAL(f.steps[1].length, b);
    CU_ASSERT_EQUAL(f.steps[2].msg_type, TLSA_HS_SERVER_HELLO_DONE);
    CU_ASSERT_EQUAL(f.steps[2].stream_start, 5 + sh_end);
    CU_ASSERT_EQUAL(f.steps[2].stream_end, n);
    CU_ASSERT_EQUAL(f.steps[2].frame, 2);
    CU_ASSERT_EQUAL(f.steps[2].step, 2);
    CU_ASSERT_EQUAL(f.steps[2].who, TLSA_FROM_SERVER);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    CU_ASSERT_EQUAL(c->suite, 0x002f);
    feed_close(&f);
}

/* A ClientHello split over three records (in three frames), with an alert record between the
 * second and third fragment: one step, in the frame of the last fragment. */
static void test_one_over_three_records(void) {
    feed f;
    feed_open(&f, true);
    uint8_t body[64], msg[80], buf[120];
    size_t b = mk_client_hello_body(body, 0x002f);
    size_t m = mk_msg(msg, TLSA_HS_CLIENT_HELLO, body, b);
    size_t cut1 = 3, cut2 = 20; /* the first fragment ends inside the message header */
    size_t n = mk_record(buf, TLSA_CT_HANDSHAKE, 0x0301, msg, cut1);
    feed_bytes(&f, 0, buf, n, 1);
    n = mk_record(buf, TLSA_CT_HANDSHAKE, 0x0301, msg + cut1, cut2 - cut1);
    feed_bytes(&f, 0, buf, n, 2);
    CU_ASSERT_EQUAL(f.n_steps, 0);
    const uint8_t warn[2] = {1, 0};
    n = mk_record(buf, TLSA_CT_ALERT, 0x0301, warn, 2);
    feed_bytes(&f, 0, buf, n, 3);
    n = mk_record(buf, TLSA_CT_HANDSHAKE, 0x0301, msg + cut2, m - cut2);
    feed_bytes(&f, 0, buf, n, 4);
    CU_ASSERT_EQUAL_FATAL(f.n_steps, 1);
    CU_ASSERT_EQUAL(f.steps[0].frame, 4);
    CU_ASSERT_EQUAL(f.steps[0].length, b);
    CU_ASSERT_EQUAL(f.steps[0].stream_start, 5);
    CU_ASSERT_EQUAL(f.steps[0].stream_end, 3 * 5 + m + 7);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(c->ch.present);
    CU_ASSERT_EQUAL(c->ch.suites.n, 1);
    CU_ASSERT_EQUAL(c->n_alerts, 1);
    CU_ASSERT_EQUAL(c->alerts[0].level, 1);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    feed_close(&f);
}

/* A message larger than limits.max_message: TLSA_E_LIMIT_MESSAGE, its bytes are dropped and the
 * next message is read. */
static void test_message_limit(void) {
    feed f;
    feed_open(&f, true);
    f.lim.max_message = 100; /* the layer copied the limits at creation: reopen */
    tlsa_tls_free(f.t);
    tlsa_tls_init init = {0};
    init.limits = &f.lim;
    init.syn_seen = true;
    init.on_step = feed_on_step;
    init.user = &f;
    f.t = tlsa_tls_new(&init);
    uint8_t buf[200];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 1);
    /* A 300-byte Certificate over two records, then ServerHelloDone. */
    static uint8_t cert[300], rec[400];
    memset(cert, 0, sizeof(cert));
    uint8_t msg[310];
    size_t m = mk_msg(msg, TLSA_HS_CERTIFICATE, cert, 300);
    n = mk_record(rec, TLSA_CT_HANDSHAKE, 0x0303, msg, 150);
    feed_bytes(&f, 1, rec, n, 2);
    uint8_t tail[200];
    memcpy(tail, msg + 150, m - 150);
    size_t t = m - 150;
    t += mk_msg(tail + t, TLSA_HS_SERVER_HELLO_DONE, NULL, 0);
    n = mk_record(rec, TLSA_CT_HANDSHAKE, 0x0303, tail, t);
    feed_bytes(&f, 1, rec, n, 3);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_LIMIT_MESSAGE));
    CU_ASSERT_EQUAL_FATAL(f.n_steps, 2);
    CU_ASSERT_EQUAL(f.steps[1].msg_type, TLSA_HS_SERVER_HELLO_DONE);
    CU_ASSERT_EQUAL(f.steps[1].frame, 3);
    CU_ASSERT_EQUAL(tlsa_tls_buffered(f.t), 0);
    feed_close(&f);
}

/* The limit is also enforced when the header arrives in pieces. */
static void test_message_limit_split_header(void) {
    feed f;
    feed_open(&f, true);
    f.lim.max_message = 100;
    tlsa_tls_free(f.t);
    tlsa_tls_init init = {0};
    init.limits = &f.lim;
    init.syn_seen = true;
    init.on_step = feed_on_step;
    init.user = &f;
    f.t = tlsa_tls_new(&init);
    uint8_t buf[200];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 1);
    static uint8_t msg[600], zero[200];
    size_t m = mk_msg(msg, TLSA_HS_CERTIFICATE, zero, 200);
    m += mk_msg(msg + m, TLSA_HS_SERVER_HELLO_DONE, NULL, 0);
    uint8_t rec[700];
    n = mk_record(rec, TLSA_CT_HANDSHAKE, 0x0303, msg, 2);
    feed_bytes(&f, 1, rec, n, 2);
    n = mk_record(rec, TLSA_CT_HANDSHAKE, 0x0303, msg + 2, m - 2);
    feed_bytes(&f, 1, rec, n, 3);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_LIMIT_MESSAGE));
    CU_ASSERT_EQUAL_FATAL(f.n_steps, 2);
    CU_ASSERT_EQUAL(f.steps[1].msg_type, TLSA_HS_SERVER_HELLO_DONE);
    feed_close(&f);
}

TLSA_TEST_MAIN("tls_handshake", {"many messages in one record", test_many_in_one_record},
               {"one message over three records", test_one_over_three_records},
               {"message size limit", test_message_limit},
               {"message size limit, header split", test_message_limit_split_header})
