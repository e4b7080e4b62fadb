/* TCP reassembly: every event the reassembler emits is logged as text and compared exactly.
 * Log: "D<side>[bytes]@frame" data, "G<side>(len)@frame" gap, "N<side>:R|C|O" notes
 * (retransmission, conflicting overlap, out of order). */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "reassembly.h"

static char log_[4096];
static const uint8_t *last_ptr;
static unsigned ngaps, ndata;

static void append(const char *s) {
    size_t n = strlen(log_);
    snprintf(log_ + n, sizeof log_ - n, "%s%s", n ? " " : "", s);
}

static void on_data(void *ctx, int side, const uint8_t *p, size_t n, uint64_t frame, tlsa_time ts) {
    (void)ctx;
    (void)ts;
    char buf[300];
    snprintf(buf, sizeof buf, "D%d[%.*s]@%llu", side, (int)n, (const char *)p,
             (unsigned long long)frame);
    last_ptr = p;
    ndata++;
    append(buf);
}

static void on_gap(void *ctx, int side, uint64_t n, uint64_t frame) {
    (void)ctx;
    char buf[64];
    ngaps++;
    snprintf(buf, sizeof buf, "G%d(%llu)@%llu", side, (unsigned long long)n,
             (unsigned long long)frame);
    append(buf);
}

static void on_note(void *ctx, int side, tlsa_tcp_note note) {
    (void)ctx;
    char buf[16];
    snprintf(buf, sizeof buf, "N%d:%c", side,
             note == TLSA_TCP_NOTE_RETRANS            ? 'R'
             : note == TLSA_TCP_NOTE_OVERLAP_CONFLICT ? 'C'
                                                      : 'O');
    append(buf);
}

static const tlsa_rsm_ops ops = {on_data, on_gap, on_note};
static tlsa_rsm r;
static uint64_t buffered;

static void setup(uint32_t max_buffer) {
    log_[0] = 0;
    buffered = 0;
    ngaps = ndata = 0;
    tlsa_rsm_init(&r, &ops, NULL, max_buffer, &buffered);
}

/* One segment; data may be shorter than len (snaplen truncation). */
static tlsa_segment mk(uint32_t seq, uint32_t ack, uint8_t flags, const char *data, uint32_t len,
                       uint64_t frame) {
    tlsa_segment s;
    memset(&s, 0, sizeof s);
    s.seq = seq;
    s.ack = ack;
    s.flags = flags;
    s.payload = (const uint8_t *)data;
    s.caplen = data ? (uint32_t)strlen(data) : 0;
    s.len = len ? len : s.caplen;
    s.frame = frame;
    return s;
}

static void feed(int side, uint32_t seq, uint32_t ack, uint8_t flags, const char *data,
                 uint32_t len, uint64_t frame) {
    tlsa_segment s = mk(seq, ack, flags, data, len, frame);
    CU_ASSERT_EQUAL(tlsa_rsm_segment(&r, side, &s), TLSA_E_OK);
}

enum { S = TLSA_TCP_SYN, A = TLSA_TCP_ACK, F = TLSA_TCP_FIN, R = TLSA_TCP_RST };

/* Client ISN 1000 (data from 1001), server ISN 5000 (data from 5001). */
static void handshake(void) {
    feed(0, 1000, 0, S, NULL, 0, 1);
    feed(1, 5000, 1001, S | A, NULL, 0, 2);
    feed(0, 1001, 5001, A, NULL, 0, 3);
}

#define LOG_IS(expected)                                                                           \
    do {                                                                                           \
        CU_ASSERT_STRING_EQUAL(log_, expected);                                                    \
        if (strcmp(log_, expected) != 0)                                                           \
            fprintf(stderr, "\n  got:      %s\n  expected: %s\n", log_, expected);                 \
    } while (0)

static void test_in_order(void) {
    setup(1 << 20);
    handshake();
    const char *abc = "abc";
    feed(0, 1001, 5001, A, abc, 0, 4);
    CU_ASSERT_PTR_EQUAL(last_ptr, (const uint8_t *)abc); /* delivered in place */
    feed(1, 5001, 1004, A, "server", 0, 5);
    feed(0, 1004, 5007, A, "def", 0, 6);
    LOG_IS("D0[abc]@4 D1[server]@5 D0[def]@6");
    CU_ASSERT_EQUAL(buffered, 0);
    tlsa_rsm_free(&r);
}

static void test_reorder(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1007, 5001, A, "ghi", 0, 4);
    feed(0, 1004, 5001, A, "def", 0, 5);
    CU_ASSERT_EQUAL(buffered, 6);
    CU_ASSERT_EQUAL(r.d[0].ooo_bytes, 6);
    feed(0, 1001, 5001, A, "abc", 0, 6);
    LOG_IS("N0:O N0:O D0[abc]@6 D0[def]@6 D0[ghi]@6");
    CU_ASSERT_EQUAL(buffered, 0);
    tlsa_rsm_free(&r);
}

static void test_overlap(void) {
    /* Partial overlap with delivered bytes: only the new part. */
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abcdef", 0, 4);
    feed(0, 1004, 5001, A, "DEFghi", 0, 5);
    LOG_IS("D0[abcdef]@4 N0:R D0[ghi]@5");
    tlsa_rsm_free(&r);

    /* Overlap between buffered copies: the first copy wins, a difference is noted. */
    setup(1 << 20);
    handshake();
    feed(0, 1004, 5001, A, "defg", 0, 4);
    feed(0, 1006, 5001, A, "fXhi", 0, 5);
    feed(0, 1001, 5001, A, "abc", 0, 6);
    LOG_IS("N0:O N0:O N0:C D0[abc]@6 D0[defg]@6 D0[hi]@6");
    tlsa_rsm_free(&r);

    /* An in-order segment over buffered bytes: buffered bytes win, then the segment goes on. */
    setup(1 << 20);
    handshake();
    feed(0, 1004, 5001, A, "def", 0, 4);
    feed(0, 1001, 5001, A, "abcXYZgh", 0, 5);
    LOG_IS("N0:O D0[abc]@5 D0[def]@5 D0[gh]@5 N0:C");
    tlsa_rsm_free(&r);

    /* The same bytes again out of order: a retransmission, no conflict. */
    setup(1 << 20);
    handshake();
    feed(0, 1004, 5001, A, "def", 0, 4);
    feed(0, 1004, 5001, A, "def", 0, 5);
    LOG_IS("N0:O N0:R");
    CU_ASSERT_EQUAL(buffered, 3);
    tlsa_rsm_free(&r);
    CU_ASSERT_EQUAL(buffered, 0);
}

static void test_retransmit(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abc", 0, 4);
    feed(0, 1001, 5001, A, "abc", 0, 5);
    feed(0, 1000, 0, S, NULL, 0, 6); /* SYN retransmitted */
    feed(0, 1004, 5001, A, "d", 0, 7);
    LOG_IS("D0[abc]@4 N0:R D0[d]@7");
    tlsa_rsm_free(&r);
}

static void test_gap_ack(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abc", 0, 4);
    feed(0, 1010, 5001, A, "xyz", 0, 5); /* 1004..1009 lost */
    feed(1, 5001, 1013, A, NULL, 0, 6);  /* the server got it all */
    feed(1, 5001, 1020, A, NULL, 0, 7);  /* and 7 more bytes we never saw */
    feed(1, 5001, 1015, A, NULL, 0, 8);  /* an older ACK changes nothing */
    feed(0, 1020, 5001, A, "k", 0, 9);
    LOG_IS("D0[abc]@4 N0:O G0(6)@6 D0[xyz]@6 G0(7)@7 D0[k]@9");
    tlsa_rsm_free(&r);

    /* The ACK of a FIN is not a hole. */
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A | F, "abc", 0, 4);
    feed(1, 5001, 1005, A, NULL, 0, 5);
    LOG_IS("D0[abc]@4");
    tlsa_rsm_free(&r);
}

static void test_gap_fin(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abc", 0, 4);
    feed(0, 1010, 5001, A | F, "xy", 0, 5); /* FIN with data after a hole */
    LOG_IS("D0[abc]@4 N0:O G0(6)@5 D0[xy]@5");
    CU_ASSERT_EQUAL(buffered, 0);
    tlsa_rsm_free(&r);

    /* A bare FIN after a hole with nothing buffered. */
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abc", 0, 4);
    feed(0, 1008, 5001, A | F, NULL, 0, 5);
    feed(0, 1008, 5001, A | F, NULL, 0, 6); /* retransmitted FIN */
    LOG_IS("D0[abc]@4 G0(4)@5");
    tlsa_rsm_free(&r);
}

static void test_wraparound(void) {
    setup(1 << 20);
    feed(0, 0xFFFFFFFDu, 0, S, NULL, 0, 1);   /* data from 0xFFFFFFFE */
    feed(0, 0x00000002u, 0, A, "efgh", 0, 2); /* after the wrap: out of order */
    feed(0, 0xFFFFFFFEu, 0, A, "abcd", 0, 3); /* 0xFFFFFFFE..0x1 */
    feed(0, 0xFFFFFFFFu, 0, A, "bc", 0, 4);   /* retransmission across the wrap */
    feed(0, 0x00000006u, 0, A, "ij", 0, 5);
    feed(1, 0x7FFFFFF0u, 0x0000000Cu, A, NULL, 0, 6); /* ACK past a hole of 4 */
    LOG_IS("N0:O D0[abcd]@3 D0[efgh]@3 N0:R D0[ij]@5 G0(4)@6");
    CU_ASSERT_EQUAL(r.d[0].next, 0x0000000Cu);
    tlsa_rsm_free(&r);
}

static void test_mid_stream(void) {
    setup(1 << 20);
    feed(1, 9000, 777, A, "late", 0, 1); /* server data first */
    feed(0, 777, 9004, A, "abc", 0, 2);
    feed(0, 770, 9004, A, "1234567", 0, 3); /* before the start: taken as old */
    feed(0, 780, 9004, A, "d", 0, 4);
    LOG_IS("D1[late]@1 D0[abc]@2 N0:R D0[d]@4");
    tlsa_rsm_free(&r);
}

static void test_syn_data(void) {
    setup(1 << 20);
    feed(0, 100, 0, S, "hi", 0, 1); /* TCP Fast Open style */
    feed(1, 700, 103, S | A, NULL, 0, 2);
    feed(0, 103, 701, A, "!", 0, 3);
    LOG_IS("D0[hi]@1 D0[!]@3");
    tlsa_rsm_free(&r);
}

static void test_buffer_limit(void) {
    setup(8);
    handshake();
    feed(0, 1010, 5001, A, "12345", 0, 4); /* hole 1001..1009 */
    CU_ASSERT_EQUAL(buffered, 5);
    feed(0, 1020, 5001, A, "67890", 0, 5); /* 10 > 8: the first hole becomes a gap */
    LOG_IS("N0:O G0(9)@5 D0[12345]@5 N0:O");
    CU_ASSERT_EQUAL(buffered, 5);
    log_[0] = 0;
    feed(0, 1030, 5001, A, "ABCDEFGHIJ", 0, 6); /* larger than the whole buffer */
    LOG_IS("G0(5)@6 D0[67890]@6 G0(5)@6 D0[ABCDEFGHIJ]@6");
    CU_ASSERT_EQUAL(buffered, 0);
    CU_ASSERT_EQUAL(r.d[0].next, 1040);
    tlsa_rsm_free(&r);
}

static void test_truncation(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abcd", 10, 4); /* 6 bytes cut by the snaplen */
    feed(0, 1014, 5001, A, "ef", 6, 5);    /* out of order and cut: 1014..1019 */
    feed(0, 1011, 5001, A, "xyz", 0, 6);
    feed(0, 1020, 5001, A, "k", 0, 7);
    LOG_IS("D0[abcd]@4 G0(6)@4 N0:O D0[xyz]@6 D0[ef]@6 G0(4)@6 D0[k]@7");
    tlsa_rsm_free(&r);
}

static void test_finish_and_mute(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1004, 5001, A, "def", 0, 4);
    feed(1, 5004, 1001, A, "srv", 0, 5);
    tlsa_rsm_finish(&r, 9, (tlsa_time){0, 0});
    LOG_IS("N0:O N1:O G0(3)@9 D0[def]@9 G1(3)@9 D1[srv]@9");
    CU_ASSERT_EQUAL(buffered, 0);
    tlsa_rsm_free(&r);

    setup(1 << 20);
    handshake();
    feed(0, 1004, 5001, A, "def", 0, 4);
    tlsa_rsm_mute(&r);
    CU_ASSERT_EQUAL(buffered, 0);
    feed(0, 1001, 5001, A, "abc", 0, 5);
    tlsa_rsm_finish(&r, 9, (tlsa_time){0, 0});
    LOG_IS("N0:O");
    tlsa_rsm_free(&r);
}

static void test_rst(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abc", 0, 4);
    feed(1, 5001, 1004, R | A, "reset text", 0, 5); /* RST payload is not stream data */
    LOG_IS("D0[abc]@4");
    tlsa_rsm_free(&r);
}

static void test_keepalive(void) {
    setup(1 << 20);
    handshake();
    feed(0, 1001, 5001, A, "abc", 0, 4);
    feed(0, 1003, 5001, A, "c", 0, 5); /* keep-alive: the last byte again */
    feed(0, 1002, 5001, A, "bc", 0, 6);
    LOG_IS("D0[abc]@4 N0:R");
    tlsa_rsm_free(&r);
}

/* Thousands of one-byte segments each leaving a hole: the piece count is capped, the oldest
 * holes become gaps, nothing is lost silently. */
static void test_piece_cap(void) {
    setup(1 << 20);
    handshake();
    for (uint32_t i = 0; i < 5000; i++)
        feed(0, 1003 + 2 * i, 5001, A, "x", 0, 10 + i);
    CU_ASSERT_EQUAL(r.d[0].ooo_count, 4096);
    CU_ASSERT_EQUAL(buffered, 4096);
    CU_ASSERT_EQUAL(ngaps, 904);
    CU_ASSERT_EQUAL(ndata, 904);
    tlsa_rsm_finish(&r, 9, (tlsa_time){0, 0});
    CU_ASSERT_EQUAL(ngaps, 5000);
    CU_ASSERT_EQUAL(ndata, 5000);
    CU_ASSERT_EQUAL(r.d[0].next, 1003 + 2 * 5000 - 1);
    CU_ASSERT_EQUAL(buffered, 0);
    CU_ASSERT_EQUAL(r.d[0].ooo_count, 0);
    CU_ASSERT_PTR_NULL(r.d[0].ooo_tail);
    tlsa_rsm_free(&r);
}

TLSA_TEST_MAIN("reassembly", {"in order, in place", test_in_order}, {"reordering", test_reorder},
               {"overlaps", test_overlap}, {"retransmissions", test_retransmit},
               {"gap from an ACK past a hole", test_gap_ack}, {"gap at FIN", test_gap_fin},
               {"sequence wraparound", test_wraparound}, {"mid-stream start", test_mid_stream},
               {"data on SYN", test_syn_data}, {"buffer limit", test_buffer_limit},
               {"snaplen truncation", test_truncation},
               {"finish flushes, mute silences", test_finish_and_mute}, {"RST", test_rst},
               {"keep-alive is not a retransmission", test_keepalive},
               {"out-of-order piece cap", test_piece_cap})
