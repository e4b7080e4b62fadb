/* The flow table: one entry for both directions, roles, FIN/RST ends, idle timeout, eviction
 * order at max_flows, port reuse, flush order. Ends are logged as "<port0>-<port1>:<reason>". */
#include <stdio.h>
#include <string.h>

#include "flow.h"
#include "harness.h"

static char log_[4096];
static tlsa_flows t;

static void on_end(void *ctx, tlsa_flow *f, int reason) {
    (void)ctx;
    static const char *names[] = {"EOF", "FIN", "RST", "IDLE", "EVICTED"};
    size_t n = strlen(log_);
    snprintf(log_ + n, sizeof log_ - n, "%s%u-%u:%s", n ? " " : "", f->ep[0].port, f->ep[1].port,
             reason == TLSA_FLOW_DISCARD ? "DISCARD" : names[reason]);
}

#define LOG_IS(expected)                                                                           \
    do {                                                                                           \
        CU_ASSERT_STRING_EQUAL(log_, expected);                                                    \
        if (strcmp(log_, expected) != 0)                                                           \
            fprintf(stderr, "\n  got:      %s\n  expected: %s\n", log_, expected);                 \
    } while (0)

static void setup(uint32_t max_flows, uint32_t idle) {
    log_[0] = 0;
    CU_ASSERT_EQUAL(tlsa_flows_init(&t, max_flows, idle, on_end, NULL), TLSA_E_OK);
}

enum { S = TLSA_TCP_SYN, A = TLSA_TCP_ACK, F = TLSA_TCP_FIN, R = TLSA_TCP_RST };

/* A segment between 10.0.0.<a>:<pa> and 10.0.0.<b>:<pb>. */
static tlsa_segment mk(uint16_t pa, uint16_t pb, uint8_t flags, uint32_t seq, uint64_t frame,
                       int64_t sec) {
    tlsa_segment s;
    memset(&s, 0, sizeof s);
    s.src.addr.family = s.dst.addr.family = 4;
    memcpy(s.src.addr.bytes, "\x0a\x00\x00\x01", 4);
    memcpy(s.dst.addr.bytes, "\x0a\x00\x00\x02", 4);
    if (pa == 443) { /* the server side is 10.0.0.2 */
        memcpy(s.src.addr.bytes, "\x0a\x00\x00\x02", 4);
        memcpy(s.dst.addr.bytes, "\x0a\x00\x00\x01", 4);
    }
    s.src.port = pa;
    s.dst.port = pb;
    s.flags = flags;
    s.seq = seq;
    s.frame = frame;
    s.ts.sec = sec;
    return s;
}

static tlsa_flow *track(tlsa_segment s, int *side, bool *is_new) {
    tlsa_flow *f = NULL;
    CU_ASSERT_EQUAL(tlsa_flows_track(&t, &s, &f, side, is_new), TLSA_E_OK);
    tlsa_flows_after(&t, f);
    return f;
}

static void test_both_directions(void) {
    setup(100, 0);
    int side;
    bool is_new;
    tlsa_flow *f = track(mk(1000, 443, S, 1, 1, 0), &side, &is_new);
    CU_ASSERT(f && is_new && side == 0 && f->syn_seen);
    CU_ASSERT_EQUAL(f->ep[0].port, 1000);
    CU_ASSERT_EQUAL(f->ep[1].port, 443);
    CU_ASSERT_PTR_EQUAL(track(mk(443, 1000, S | A, 7, 2, 0), &side, &is_new), f);
    CU_ASSERT(!is_new && side == 1);
    CU_ASSERT_PTR_EQUAL(track(mk(1000, 443, A, 2, 3, 0), &side, &is_new), f);
    CU_ASSERT(!is_new && side == 0);
    /* Same ports, other address: another flow. */
    tlsa_segment s = mk(1000, 443, S, 1, 4, 0);
    s.src.addr.bytes[3] = 9;
    tlsa_flow *g = track(s, &side, &is_new);
    CU_ASSERT(g != f && is_new);
    CU_ASSERT_EQUAL(t.started, 2);
    CU_ASSERT_EQUAL(t.open, 2);
    CU_ASSERT_EQUAL(f->first_frame, 1);
    CU_ASSERT_EQUAL(f->last_frame, 3);
    tlsa_flows_free(&t);
    LOG_IS("1000-443:DISCARD 1000-443:DISCARD");
}

static void test_roles_without_syn(void) {
    setup(100, 0);
    int side;
    bool is_new;
    tlsa_flow *f = track(mk(443, 1000, A, 1, 1, 0), &side, &is_new);
    CU_ASSERT(is_new && side == 0 && !f->syn_seen);
    CU_ASSERT_EQUAL(f->ep[0].port, 443); /* first sender; the TLS layer may swap */
    /* A SYN-ACK first: its receiver is the initiator. */
    f = track(mk(443, 1001, S | A, 1, 2, 0), &side, &is_new);
    CU_ASSERT(is_new && side == 1 && f->syn_seen);
    CU_ASSERT_EQUAL(f->ep[0].port, 1001);
    /* A stray RST starts nothing. */
    tlsa_segment s = mk(1002, 443, R, 1, 3, 0);
    tlsa_flow *g = (tlsa_flow *)1;
    CU_ASSERT_EQUAL(tlsa_flows_track(&t, &s, &g, &side, &is_new), TLSA_E_OK);
    CU_ASSERT_PTR_NULL(g);
    CU_ASSERT_EQUAL(t.started, 2);
    tlsa_flows_free(&t);
}

static void test_fin_rst(void) {
    setup(100, 0);
    int side;
    bool is_new;
    tlsa_flow *f = track(mk(1000, 443, S, 1, 1, 0), &side, &is_new);
    track(mk(1000, 443, A | F, 2, 2, 0), &side, &is_new);
    CU_ASSERT(!f->closed && f->fin == 1);
    LOG_IS("");
    track(mk(443, 1000, A | F, 9, 3, 0), &side, &is_new);
    LOG_IS("1000-443:FIN");
    CU_ASSERT(f->closed);
    CU_ASSERT_EQUAL(t.open, 0);
    CU_ASSERT_EQUAL(t.count, 1); /* lingers for late packets */
    CU_ASSERT_PTR_EQUAL(track(mk(1000, 443, A, 3, 4, 0), &side, &is_new), f);
    CU_ASSERT(!is_new && f->closed);
    CU_ASSERT_EQUAL(t.started, 1);

    track(mk(2000, 443, S, 1, 5, 0), &side, &is_new);
    track(mk(443, 2000, R | A, 0, 6, 0), &side, &is_new);
    LOG_IS("1000-443:FIN 2000-443:RST");
    CU_ASSERT_EQUAL(t.open, 0);
    tlsa_flows_free(&t);
    LOG_IS("1000-443:FIN 2000-443:RST");
}

static void test_idle(void) {
    setup(100, 10);
    int side;
    bool is_new;
    track(mk(1, 443, S, 1, 1, 0), &side, &is_new);
    track(mk(2, 443, S, 1, 2, 5), &side, &is_new);
    track(mk(3, 443, S, 1, 3, 10), &side, &is_new); /* exactly 10 s: not yet idle */
    LOG_IS("");
    track(mk(3, 443, A, 2, 4, 11), &side, &is_new);
    LOG_IS("1-443:IDLE");
    track(mk(2, 443, A, 2, 5, 14), &side, &is_new); /* activity keeps flow 2 alive */
    track(mk(3, 443, A, 2, 6, 21), &side, &is_new);
    LOG_IS("1-443:IDLE");
    track(mk(3, 443, A, 2, 7, 25), &side, &is_new);
    LOG_IS("1-443:IDLE 2-443:IDLE");
    CU_ASSERT_EQUAL(t.open, 1);
    CU_ASSERT_EQUAL(t.count, 1); /* an idle flow's entry is idle too: dropped at once */
    tlsa_flows_flush(&t);
    LOG_IS("1-443:IDLE 2-443:IDLE 3-443:EOF");
    CU_ASSERT_EQUAL(t.count, 0);
    tlsa_flows_free(&t);
}

static void test_eviction(void) {
    setup(3, 0);
    int side;
    bool is_new;
    track(mk(1, 443, S, 1, 1, 1), &side, &is_new);
    track(mk(2, 443, S, 1, 2, 2), &side, &is_new);
    track(mk(3, 443, S, 1, 3, 3), &side, &is_new);
    track(mk(1, 443, A, 2, 4, 4), &side, &is_new); /* flow 1 is now the most recent */
    track(mk(4, 443, S, 1, 5, 5), &side, &is_new);
    LOG_IS("2-443:EVICTED");
    track(mk(5, 443, S, 1, 6, 6), &side, &is_new);
    LOG_IS("2-443:EVICTED 3-443:EVICTED");
    CU_ASSERT_EQUAL(t.evicted, 2);
    CU_ASSERT_EQUAL(t.open, 3);
    /* Closed entries are recycled before any open flow is evicted. */
    track(mk(1, 443, R, 2, 7, 7), &side, &is_new);
    track(mk(6, 443, S, 1, 8, 8), &side, &is_new);
    LOG_IS("2-443:EVICTED 3-443:EVICTED 1-443:RST");
    CU_ASSERT_EQUAL(t.evicted, 2);
    CU_ASSERT_EQUAL(t.count, 3);
    CU_ASSERT_EQUAL(t.peak_open, 3);
    tlsa_flows_flush(&t);
    LOG_IS("2-443:EVICTED 3-443:EVICTED 1-443:RST 4-443:EOF 5-443:EOF 6-443:EOF");
    tlsa_flows_free(&t);
}

static void test_port_reuse(void) {
    setup(100, 0);
    int side;
    bool is_new;
    tlsa_flow *f = track(mk(1000, 443, S, 100, 1, 0), &side, &is_new);
    CU_ASSERT_PTR_EQUAL(track(mk(1000, 443, S, 100, 2, 0), &side, &is_new), f);
    CU_ASSERT(!is_new); /* a retransmitted SYN */
    track(mk(1000, 443, A | F, 101, 3, 0), &side, &is_new);
    track(mk(443, 1000, A | F, 9, 4, 0), &side, &is_new);
    /* The client reuses the port. */
    tlsa_flow *g = track(mk(1000, 443, S, 5000, 5, 0), &side, &is_new);
    CU_ASSERT(is_new && side == 0 && !g->closed && g->first_frame == 5);
    CU_ASSERT_EQUAL(t.started, 2);
    CU_ASSERT_EQUAL(t.count, 1);
    /* A new SYN with another ISN on an open flow that never closed. */
    track(mk(1000, 443, S, 9000, 6, 0), &side, &is_new);
    CU_ASSERT(is_new);
    /* After a one-sided FIN. */
    track(mk(443, 1000, A | F, 1, 7, 0), &side, &is_new);
    track(mk(1000, 443, S, 9000, 8, 0), &side, &is_new);
    CU_ASSERT(is_new);
    LOG_IS("1000-443:FIN 1000-443:IDLE 1000-443:FIN");
    CU_ASSERT_EQUAL(t.started, 4);
    tlsa_flows_free(&t);
}

static void test_flush_order(void) {
    setup(100, 0);
    int side;
    bool is_new;
    track(mk(1, 443, S, 1, 10, 0), &side, &is_new);
    track(mk(2, 443, S, 1, 20, 0), &side, &is_new);
    track(mk(3, 443, S, 1, 30, 0), &side, &is_new);
    track(mk(1, 443, A, 1, 40, 0), &side, &is_new);
    track(mk(2, 443, A, 1, 50, 0), &side, &is_new);
    tlsa_flows_flush(&t);
    LOG_IS("1-443:EOF 2-443:EOF 3-443:EOF");
    CU_ASSERT_EQUAL(t.open, 0);
    CU_ASSERT_EQUAL(t.count, 0);
    /* The table is usable again after a flush. */
    tlsa_flow *f = track(mk(1, 443, A, 1, 1, 0), &side, &is_new);
    CU_ASSERT(f && is_new);
    tlsa_flows_free(&t);
}

static void test_many(void) {
    setup(100000, 0);
    int side;
    bool is_new;
    for (uint32_t i = 0; i < 20000; i++) {
        tlsa_segment s = mk((uint16_t)(i % 50000 + 10000), 443, S, 1, i, 0);
        s.src.addr.bytes[2] = (uint8_t)(i / 50000);
        track(s, &side, &is_new);
        CU_ASSERT_FATAL(is_new);
    }
    CU_ASSERT(t.nbuckets >= 16384);
    for (uint32_t i = 0; i < 20000; i++) {
        tlsa_segment s = mk(443, (uint16_t)(i % 50000 + 10000), S | A, 1, i, 0);
        s.dst.addr.bytes[2] = (uint8_t)(i / 50000);
        tlsa_flow *f = track(s, &side, &is_new);
        CU_ASSERT_FATAL(!is_new && side == 1 && f->first_frame == i);
    }
    CU_ASSERT_EQUAL(t.open, 20000);
    tlsa_flows_free(&t);
}

TLSA_TEST_MAIN("flow", {"both directions, one flow", test_both_directions},
               {"roles without SYN", test_roles_without_syn}, {"FIN and RST end", test_fin_rst},
               {"idle timeout", test_idle}, {"eviction order", test_eviction},
               {"port reuse", test_port_reuse}, {"flush in first-frame order", test_flush_order},
               {"many flows", test_many})
