/* The record layer and detection (tls_record.c, tls_stream.c): chunking, encrypted skipping,
 * damaged records, SSLv2 hellos, STARTTLS preludes, mid-stream starts. */
#include "tls_feed.h"

/* The same flow fed whole and byte by byte gives the same steps, offsets and counters. */
static void test_chunking_same_result(void) {
    feed a, b;
    feed_open(&a, true);
    feed_open(&b, true);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&a, "tls12_rsa", 0, false), 7);
    CU_ASSERT_EQUAL_FATAL(feed_fixture(&b, "tls12_rsa", 1, false), 7);
    CU_ASSERT_EQUAL(a.n_steps, b.n_steps);
    CU_ASSERT(a.n_steps >= 6);
    for (int i = 0; i < a.n_steps && i < b.n_steps; i++) {
        CU_ASSERT_EQUAL(a.steps[i].msg_type, b.steps[i].msg_type);
        CU_ASSERT_EQUAL(a.steps[i].step, b.steps[i].step);
        CU_ASSERT_EQUAL(a.steps[i].frame, b.steps[i].frame);
        CU_ASSERT_EQUAL(a.steps[i].stream_start, b.steps[i].stream_start);
        CU_ASSERT_EQUAL(a.steps[i].stream_end, b.steps[i].stream_end);
    }
    tlsa_conn *ca = tlsa_tls_finish(a.t, TLSA_END_FIN);
    tlsa_conn *cb = tlsa_tls_finish(b.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ca);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cb);
    for (int d = 0; d < 2; d++) {
        CU_ASSERT_EQUAL(ca->dir[d].records, cb->dir[d].records);
        CU_ASSERT_EQUAL(ca->dir[d].encrypted_records, cb->dir[d].encrypted_records);
        CU_ASSERT_EQUAL(ca->dir[d].bytes, cb->dir[d].bytes);
    }
    CU_ASSERT_EQUAL(ca->n_problems, 0);
    CU_ASSERT_EQUAL(cb->n_problems, 0);
    feed_close(&a);
    feed_close(&b);
}

/* ClientHello, CCS, then 40000 bytes of application data in 3 records fed in 1000-byte
 * pieces: counted, never buffered. */
static void test_encrypted_skipping(void) {
    feed f;
    feed_open(&f, true);
    uint8_t buf[200];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 1);
    n = mk_server_hello_record(buf);
    feed_bytes(&f, 1, buf, n, 2);
    uint8_t one = 1;
    n = mk_record(buf, TLSA_CT_CHANGE_CIPHER_SPEC, 0x0303, &one, 1);
    feed_bytes(&f, 0, buf, n, 3);
    static uint8_t big[3 * (16384 + 5)];
    size_t total = 0;
    static uint8_t payload[16384];
    memset(payload, 0xab, sizeof(payload));
    for (int i = 0; i < 3; i++)
        total += mk_record(big + total, TLSA_CT_APPLICATION_DATA, 0x0303, payload,
                           i < 2 ? 16384 : 40000 - 2 * 16384);
    size_t max_buffered = 0;
    for (size_t i = 0; i < total; i += 1000) {
        feed_bytes(&f, 0, big + i, total - i < 1000 ? total - i : 1000, 4);
        size_t b = tlsa_tls_buffered(f.t);
        if (b > max_buffered)
            max_buffered = b;
    }
    CU_ASSERT(max_buffered <= 5);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->dir[0].records, 5);
    CU_ASSERT_EQUAL(c->dir[0].app_data_records, 3);
    CU_ASSERT_EQUAL(c->dir[0].app_data_bytes, 40000);
    CU_ASSERT_EQUAL(c->dir[0].encrypted_records, 3);
    CU_ASSERT_TRUE(c->dir[0].ccs_seen);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    feed_close(&f);
}

/* A record longer than 2^14 + 2048: TLSA_E_RECORD_TOO_LONG, then resynchronisation at the next
 * record. */
static void test_oversize_record(void) {
    feed f;
    feed_open(&f, true);
    uint8_t buf[400];
    size_t n = mk_client_hello_record(buf);
    size_t first = n;
    uint8_t bad[5] = {TLSA_CT_HANDSHAKE, 3, 3, 0x48, 0x01}; /* 18433 */
    memcpy(buf + n, bad, 5);
    n += 5;
    n += mk_client_hello_record(buf + n);
    feed_bytes(&f, 0, buf, n, 1);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_RECORD_TOO_LONG));
    CU_ASSERT_EQUAL(f.n_steps, 2); /* both ClientHellos */
    CU_ASSERT_EQUAL(f.steps[1].msg_type, TLSA_HS_CLIENT_HELLO);
    CU_ASSERT_EQUAL(f.steps[1].stream_start, first + 5 + 5); /* message after its record header */
    feed_close(&f);
}

/* Content type 99: TLSA_E_BAD_RECORD_TYPE; the following record is still read. */
static void test_unknown_content_type(void) {
    feed f;
    feed_open(&f, true);
    uint8_t buf[400];
    size_t n = mk_client_hello_record(buf);
    uint8_t junk[3] = {1, 2, 3};
    size_t first = n;
    n += mk_record(buf + n, 99, 0x0303, junk, 3);
    n += mk_client_hello_record(buf + n);
    feed_bytes(&f, 0, buf, n, 1);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_BAD_RECORD_TYPE));
    CU_ASSERT_EQUAL(f.n_steps, 2);
    CU_ASSERT_EQUAL(f.steps[1].stream_start, first + 8 + 5);
    feed_close(&f);
}

/* SSLv2-compatible ClientHello: 2-byte header with the high bit, msg type 1, version 3.1. */
static void test_sslv2_hello(void) {
    feed f;
    feed_open(&f, true);
    uint8_t v2[64];
    size_t n = 0;
    v2[n++] = 0x80;
    v2[n++] = 0; /* length, set below */
    v2[n++] = 1;
    v2[n++] = 3;
    v2[n++] = 1;
    v2[n++] = 0;
    v2[n++] = 9; /* cipher specs: 3 */
    v2[n++] = 0;
    v2[n++] = 0; /* session id */
    v2[n++] = 0;
    v2[n++] = 16; /* challenge */
    const uint8_t specs[9] = {0, 0, 0x35, 0, 0, 0x2f, 0x01, 0x00, 0x80};
    memcpy(v2 + n, specs, 9);
    n += 9;
    memset(v2 + n, 0x5a, 16);
    n += 16;
    v2[1] = (uint8_t)(n - 2);
    feed_bytes(&f, 0, v2, 3, 1);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_UNDECIDED);
    feed_bytes(&f, 0, v2 + 3, n - 3, 1);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_YES);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL_FATAL(f.n_steps, 1);
    CU_ASSERT_EQUAL(f.steps[0].msg_type, TLSA_HS_CLIENT_HELLO);
    CU_ASSERT_EQUAL(f.steps[0].step, 1);
    CU_ASSERT_EQUAL(f.steps[0].stream_end, n);
    CU_ASSERT_TRUE(c->ch.present);
    CU_ASSERT_TRUE(c->ch.sslv2_format);
    CU_ASSERT_EQUAL(c->ch.legacy_version, 0x0301);
    CU_ASSERT_EQUAL_FATAL(c->ch.suites.n, 2); /* the 0x00-led specs; RC4-128 export-style dropped */
    CU_ASSERT_EQUAL(c->ch.suites.v[0], 0x0035);
    CU_ASSERT_EQUAL(c->ch.suites.v[1], 0x002f);
    CU_ASSERT_EQUAL(c->n_problems, 0);
    CU_ASSERT_EQUAL(c->prelude_bytes, 0);
    feed_close(&f);
}

/* SMTP STARTTLS: plaintext on both sides, then the hellos; the prelude is measured. */
static void test_starttls_smtp(void) {
    feed f;
    feed_open(&f, true);
    const char *srv1 = "220 mail.example.org ESMTP\r\n";
    const char *cli1 = "EHLO client.example.org\r\n";
    const char *srv2 = "250-mail.example.org\r\n250 STARTTLS\r\n";
    const char *cli2 = "STARTTLS\r\n";
    const char *srv3 = "220 2.0.0 Ready to start TLS\r\n";
    feed_bytes(&f, 1, (const uint8_t *)srv1, strlen(srv1), 4);
    feed_bytes(&f, 0, (const uint8_t *)cli1, strlen(cli1), 5);
    feed_bytes(&f, 1, (const uint8_t *)srv2, strlen(srv2), 6);
    feed_bytes(&f, 0, (const uint8_t *)cli2, strlen(cli2), 7);
    feed_bytes(&f, 1, (const uint8_t *)srv3, strlen(srv3), 8);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_UNDECIDED);
    uint8_t buf[200];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 9);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_YES);
    n = mk_server_hello_record(buf);
    feed_bytes(&f, 1, buf, n, 10);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->prelude_bytes, strlen(cli1) + strlen(cli2));
    CU_ASSERT_EQUAL_FATAL(f.n_steps, 2);
    CU_ASSERT_EQUAL(f.steps[0].frame, 9);
    CU_ASSERT_EQUAL(f.steps[0].stream_start, strlen(cli1) + strlen(cli2) + 5);
    CU_ASSERT_EQUAL(f.steps[1].msg_type, TLSA_HS_SERVER_HELLO);
    CU_ASSERT_EQUAL(f.steps[1].frame, 10);
    CU_ASSERT_EQUAL(f.steps[1].stream_start, strlen(srv1) + strlen(srv2) + strlen(srv3) + 5);
    CU_ASSERT_EQUAL(c->version, TLSA_V_TLS12);
    feed_close(&f);
}

/* PostgreSQL SSLRequest (00000008 04d2162f) and the one-byte 'S' answer. */
static void test_starttls_postgres(void) {
    feed f;
    feed_open(&f, true);
    const uint8_t req[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
    feed_bytes(&f, 0, req, 8, 4);
    feed_bytes(&f, 1, (const uint8_t *)"S", 1, 5);
    uint8_t buf[200];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 6);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->prelude_bytes, 8);
    CU_ASSERT_EQUAL(f.n_steps, 1);
    feed_close(&f);
}

/* A capture that starts inside a record: resynchronise on two consecutive record headers; a
 * connection with encrypted data only is still reported. */
static void test_mid_stream(void) {
    feed f;
    feed_open(&f, false);
    uint8_t buf[400];
    memset(buf, 0x41, 37); /* the tail of an earlier record */
    size_t n = 37;
    uint8_t data[100];
    memset(data, 0x99, sizeof(data));
    n += mk_record(buf + n, TLSA_CT_APPLICATION_DATA, 0x0303, data, 100);
    n += mk_record(buf + n, TLSA_CT_APPLICATION_DATA, 0x0303, data, 50);
    feed_bytes(&f, 1, buf, 37 + 105, 7);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_UNDECIDED);
    feed_bytes(&f, 1, buf + 37 + 105, n - 37 - 105, 8);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_YES);
    n = mk_record(buf, TLSA_CT_APPLICATION_DATA, 0x0303, data, 30);
    feed_bytes(&f, 0, buf, n, 9);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(f.n_steps, 0);
    CU_ASSERT_TRUE(c->mid_stream);
    CU_ASSERT_TRUE(c->roles_guessed);
    CU_ASSERT_EQUAL_FATAL(c->n_problems, 1);
    CU_ASSERT_EQUAL(c->problems[0].err, TLSA_E_NOT_TLS);
    CU_ASSERT_EQUAL(c->problems[0].dir, TLSA_FROM_SERVER);
    CU_ASSERT_STRING_EQUAL(c->problems[0].what,
                           "37 bytes before the first record (capture started mid-stream)");
    /* Port 443 is side 1: it stays the server. */
    CU_ASSERT_EQUAL(c->server.port, 443);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_SERVER].app_data_records, 2);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_SERVER].app_data_bytes, 150);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_CLIENT].app_data_records, 1);
    CU_ASSERT_FALSE(c->complete);
    feed_close(&f);
}

/* 70000 bytes of HTTP: not TLS, and finish reports nothing. */
static void test_not_tls(void) {
    feed f;
    feed_open(&f, true);
    static uint8_t text[70000];
    for (size_t i = 0; i < sizeof(text); i++)
        text[i] = (uint8_t)("GET / HTTP/1.1\r\nHost: x\r\n\r\n"[i % 27]);
    feed_bytes(&f, 0, text, sizeof(text), 4);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_NO);
    CU_ASSERT_PTR_NULL(tlsa_tls_finish(f.t, TLSA_END_FIN));
    CU_ASSERT_EQUAL(tlsa_tls_buffered(f.t), 0);
    feed_close(&f);
}

/* A gap inside an encrypted record keeps the side synchronised; a gap inside a cleartext record
 * drops it with a problem and the next record is found again. */
static void test_gaps(void) {
    feed f;
    feed_open(&f, true);
    uint8_t buf[400];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 1);
    uint8_t data[100] = {0};
    n = mk_record(buf, TLSA_CT_APPLICATION_DATA, 0x0303, data, 100);
    feed_bytes(&f, 0, buf, 20, 2);
    tlsa_tls_gap(f.t, 0, 50, 3);
    feed_bytes(&f, 0, buf + 70, n - 70, 4);
    /* A hole that ends exactly where the encrypted payload ends. */
    feed_bytes(&f, 0, buf, 20, 4);
    tlsa_tls_gap(f.t, 0, n - 20, 4);
    n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, 30, 5);
    tlsa_tls_gap(f.t, 0, 10, 6);
    feed_bytes(&f, 0, buf + 40, n - 40, 7);
    n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 8);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->dir[0].gaps, 3);
    CU_ASSERT_EQUAL(c->dir[0].gap_bytes, 60 + 85);
    CU_ASSERT_EQUAL(c->dir[0].app_data_records, 2);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_STREAM_GAP));
    CU_ASSERT_EQUAL(f.n_steps, 2);
    CU_ASSERT_EQUAL(f.steps[1].frame, 8);
    feed_close(&f);
}

/* Mid-stream: one server record waits (a single header proves nothing); when the client side
 * proves the flow is TLS, the waiting server bytes are read without further server data. */
static void test_other_side_resync(void) {
    feed f;
    feed_open(&f, false);
    uint8_t buf[400], data[100];
    memset(data, 0x99, sizeof(data));
    size_t n = mk_record(buf, TLSA_CT_APPLICATION_DATA, 0x0303, data, 60);
    feed_bytes(&f, 1, buf, n, 3);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_UNDECIDED);
    n = mk_client_hello_record(buf);
    feed_bytes(&f, 0, buf, n, 4);
    CU_ASSERT_EQUAL(tlsa_tls_verdict_of(f.t), TLSA_TLS_YES);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_SERVER].app_data_records, 1);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_SERVER].app_data_bytes, 60);
    CU_ASSERT_FALSE(c->roles_guessed);
    CU_ASSERT_EQUAL(c->client.port, 50000);
    feed_close(&f);
}

/* Transport notes land in the sender's dir stats, after a role swap too. */
static void test_tcp_notes(void) {
    feed f;
    feed_open(&f, false);
    tlsa_tls_tcp_note(f.t, 0, TLSA_TCP_NOTE_RETRANS);
    tlsa_tls_tcp_note(f.t, 0, TLSA_TCP_NOTE_RETRANS);
    tlsa_tls_tcp_note(f.t, 1, TLSA_TCP_NOTE_OUT_OF_ORDER);
    uint8_t buf[200];
    size_t n = mk_client_hello_record(buf);
    feed_bytes(&f, 1, buf, n, 3); /* side 1 turns out to be the client */
    tlsa_tls_tcp_note(f.t, 1, TLSA_TCP_NOTE_OVERLAP_CONFLICT);
    tlsa_time ts = {2000, 5};
    tlsa_tls_touch(f.t, 9, ts);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_IDLE);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->client.port, 443);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_SERVER].retransmissions, 2);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_CLIENT].out_of_order, 1);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_CLIENT].overlaps_conflicting, 1);
    CU_ASSERT_EQUAL(c->dir[TLSA_FROM_CLIENT].bytes, n);
    CU_ASSERT_EQUAL(c->last_frame, 9);
    CU_ASSERT_EQUAL(c->last_ts.usec, 5);
    CU_ASSERT_FALSE(c->roles_guessed);
    CU_ASSERT_EQUAL(c->end_reason, TLSA_END_IDLE);
    feed_close(&f);
}

TLSA_TEST_MAIN("tls_record", {"TCP notes and touch", test_tcp_notes},
               {"the other side resynchronises", test_other_side_resync},
               {"fed whole or byte by byte: same result", test_chunking_same_result},
               {"encrypted records are skipped, not buffered", test_encrypted_skipping},
               {"oversize record: RECORD_TOO_LONG and resync", test_oversize_record},
               {"unknown content type: BAD_RECORD_TYPE and resync", test_unknown_content_type},
               {"SSLv2-compatible ClientHello", test_sslv2_hello},
               {"STARTTLS SMTP prelude", test_starttls_smtp},
               {"STARTTLS PostgreSQL SSLRequest", test_starttls_postgres},
               {"mid-stream start", test_mid_stream}, {"not TLS", test_not_tls},
               {"gaps", test_gaps})
