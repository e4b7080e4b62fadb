/* The engine end to end: real captures through libpcap (frames checked against the tshark oracle
 * in shared/captures), the segment path with reordered and retransmitted payload, counters for
 * skipped and damaged packets, eviction, index numbering, and bounded memory under a SYN flood. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "packet.h"
#include "tlsaudit/engine.h"

#define CAPS TLSA_SHARED_DIR "/captures/wireshark/"

/* ---- a capture in memory ---- */

typedef struct pkt {
    uint8_t *data;
    uint32_t caplen, len;
    tlsa_time ts;
} pkt;

typedef struct capture {
    int linktype;
    pkt *v;
    size_t n;
} capture;

static int load(const char *path, capture *c) {
    char err[PCAP_ERRBUF_SIZE];
    memset(c, 0, sizeof *c);
    pcap_t *p = pcap_open_offline(path, err);
    if (!p)
        return -1;
    c->linktype = pcap_datalink(p);
    struct pcap_pkthdr *h;
    const u_char *d;
    while (pcap_next_ex(p, &h, &d) == 1) {
        c->v = realloc(c->v, (c->n + 1) * sizeof *c->v);
        pkt *k = &c->v[c->n++];
        k->data = malloc(h->caplen ? h->caplen : 1);
        memcpy(k->data, d, h->caplen);
        k->caplen = h->caplen;
        k->len = h->len;
        k->ts.sec = h->ts.tv_sec;
        k->ts.usec = (int32_t)h->ts.tv_usec;
    }
    pcap_close(p);
    return 0;
}

static void unload(capture *c) {
    for (size_t i = 0; i < c->n; i++)
        free(c->v[i].data);
    free(c->v);
}

/* ---- what the callbacks saw ---- */

typedef struct seen_conn {
    uint32_t index;
    uint64_t first_frame;
    uint8_t end_reason;
    uint32_t nsteps;
    uint8_t types[32];
    uint64_t frames[32];
    uint32_t retrans[2], ooo[2], gaps[2];
} seen_conn;

static seen_conn seen[64];
static size_t nseen;
static size_t nsteps_cb;

static void on_conn(tlsa_conn *c, void *user) {
    (void)user;
    if (nseen == 64)
        return;
    seen_conn *s = &seen[nseen++];
    memset(s, 0, sizeof *s);
    s->index = c->index;
    s->first_frame = c->first_frame;
    s->end_reason = c->end_reason;
    s->nsteps = c->steps.n;
    for (uint32_t i = 0; i < c->steps.n && i < 32; i++) {
        s->types[i] = c->steps.v[i].msg_type;
        s->frames[i] = c->steps.v[i].frame;
    }
    for (int d = 0; d < 2; d++) {
        s->retrans[d] = c->dir[d].retransmissions;
        s->ooo[d] = c->dir[d].out_of_order;
        s->gaps[d] = c->dir[d].gaps;
    }
}

static void on_step(const tlsa_conn *c, const tlsa_step *s, void *user) {
    (void)c;
    (void)s;
    (void)user;
    nsteps_cb++;
}

static tlsa_engine *make(uint32_t max_flows) {
    tlsa_engine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    tlsa_limits_default(&cfg.limits);
    if (max_flows)
        cfg.limits.max_flows = max_flows;
    cfg.on_conn = on_conn;
    cfg.on_step = on_step;
    nseen = 0;
    nsteps_cb = 0;
    return tlsa_engine_new(&cfg);
}

static void feed(tlsa_engine *e, const capture *c) {
    for (size_t i = 0; i < c->n; i++)
        CU_ASSERT_EQUAL(tlsa_engine_packet(e, c->linktype, c->v[i].ts, i + 1, c->v[i].data,
                                           c->v[i].caplen, c->v[i].len),
                        TLSA_E_OK);
}

/* The distinct frames carrying handshake messages, in order, as a string "1,2,3". */
static void frames_str(const seen_conn *s, char *buf, size_t size) {
    buf[0] = 0;
    uint64_t last = 0;
    for (uint32_t i = 0; i < s->nsteps && i < 32; i++) {
        if (s->frames[i] == last)
            continue;
        last = s->frames[i];
        size_t n = strlen(buf);
        snprintf(buf + n, size - n, "%s%llu", n ? "," : "", (unsigned long long)last);
    }
}

/* ---- tests ---- */

static void test_limits_default(void) {
    tlsa_limits l;
    tlsa_limits_default(&l);
    CU_ASSERT_EQUAL(l.max_flows, 65536);
    CU_ASSERT_EQUAL(l.max_flow_buffer, 1048576);
    CU_ASSERT_EQUAL(l.max_message, 262144);
    CU_ASSERT_EQUAL(l.max_certs, 32);
    CU_ASSERT_EQUAL(l.max_steps, 256);
    CU_ASSERT_EQUAL(l.max_extensions, 256);
    CU_ASSERT_EQUAL(l.max_problems, 32);
    CU_ASSERT_EQUAL(l.idle_timeout, 600);
}

/* Oracle (tls12-dsb.pcapng.tsv): stream 0 has handshake records in frames 1-5, stream 1 in
 * 10-13; ClientHellos in 1 and 10. */
static void test_tls12_capture(void) {
    capture c;
    CU_ASSERT_FATAL(load(CAPS "tls12-dsb.pcapng", &c) == 0);
    tlsa_engine *e = make(0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    feed(e, &c);
    tlsa_engine_stats st;
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.live_flows, 2);
    CU_ASSERT_EQUAL(nseen, 0); /* nothing ended before the flush */
    tlsa_engine_flush(e);
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.packets, 17);
    CU_ASSERT_EQUAL(st.tcp_segments, 17);
    CU_ASSERT_EQUAL(st.flows, 2);
    CU_ASSERT_EQUAL(st.tls_connections, 2);
    CU_ASSERT_EQUAL(st.live_flows, 0);
    CU_ASSERT_EQUAL(st.peak_flows, 2);
    CU_ASSERT_EQUAL(st.buffered_bytes, 0);
    CU_ASSERT_EQUAL(st.bad_packets + st.skipped_packets + st.ip_fragments, 0);
    CU_ASSERT_EQUAL_FATAL(nseen, 2);
    char buf[256];
    CU_ASSERT_EQUAL(seen[0].index, 0);
    CU_ASSERT_EQUAL(seen[0].first_frame, 1);
    CU_ASSERT_EQUAL(seen[0].end_reason, TLSA_END_EOF);
    CU_ASSERT_EQUAL(seen[0].types[0], TLSA_HS_CLIENT_HELLO);
    CU_ASSERT_EQUAL(seen[0].frames[0], 1);
    frames_str(&seen[0], buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "1,2,3,4,5");
    CU_ASSERT_EQUAL(seen[1].index, 1);
    CU_ASSERT_EQUAL(seen[1].first_frame, 10);
    CU_ASSERT_EQUAL(seen[1].frames[0], 10);
    frames_str(&seen[1], buf, sizeof buf);
    CU_ASSERT_STRING_EQUAL(buf, "10,11,12,13");
    CU_ASSERT_EQUAL(nsteps_cb, seen[0].nsteps + seen[1].nsteps);
    tlsa_engine_free(e);
    unload(&c);
}

/* Oracle: ClientHello in frame 4, ServerHello in frame 6, with heavily reordered TCP segments. */
static void test_out_of_order_capture(void) {
    capture c;
    CU_ASSERT_FATAL(load(CAPS "uncompressed/challenge01_ooo_stream.pcapng", &c) == 0);
    tlsa_engine *e = make(0);
    feed(e, &c);
    tlsa_engine_flush(e);
    CU_ASSERT_EQUAL_FATAL(nseen, 1);
    CU_ASSERT_EQUAL(seen[0].types[0], TLSA_HS_CLIENT_HELLO);
    CU_ASSERT_EQUAL(seen[0].frames[0], 4);
    CU_ASSERT_EQUAL(seen[0].types[1], TLSA_HS_SERVER_HELLO);
    CU_ASSERT_EQUAL(seen[0].frames[1], 6);
    CU_ASSERT_EQUAL(seen[0].ooo[1], 8);
    CU_ASSERT_EQUAL(seen[0].gaps[0] + seen[0].gaps[1], 0);
    CU_ASSERT_EQUAL(seen[0].end_reason, TLSA_END_FIN);
    tlsa_engine_stats st;
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT(st.peak_buffered_bytes > 0);
    CU_ASSERT_EQUAL(st.buffered_bytes, 0);
    tlsa_engine_free(e);
    unload(&c);
}

/* The segment path: the server's flight (frame 3) split in two and fed second half first, and
 * the ClientHello (frame 1) fed twice, must give the same record as the packet path. */
static void test_segment_path_reordered(void) {
    capture c;
    CU_ASSERT_FATAL(load(CAPS "tls12-dsb.pcapng", &c) == 0);
    tlsa_engine *e = make(0);
    feed(e, &c);
    tlsa_engine_flush(e);
    CU_ASSERT_EQUAL_FATAL(nseen, 2);
    seen_conn ref = seen[0];
    tlsa_engine_free(e);

    e = make(0);
    for (size_t i = 0; i < c.n; i++) {
        tlsa_segment s;
        tlsa_pkt_kind kind;
        CU_ASSERT_EQUAL_FATAL(
            tlsa_packet_decode(c.linktype, c.v[i].data, c.v[i].caplen, c.v[i].len, &s, &kind),
            TLSA_E_OK);
        CU_ASSERT_EQUAL_FATAL(kind, TLSA_PKT_TCP);
        s.frame = i + 1;
        s.ts = c.v[i].ts;
        if (s.frame == 3 && s.caplen > 100) {
            tlsa_segment a = s, b = s;
            a.caplen = a.len = 100;
            b.seq += 100;
            b.payload += 100;
            b.caplen -= 100;
            b.len -= 100;
            CU_ASSERT_EQUAL(tlsa_engine_segment(e, &b), TLSA_E_OK);
            CU_ASSERT_EQUAL(tlsa_engine_segment(e, &a), TLSA_E_OK);
            continue;
        }
        CU_ASSERT_EQUAL(tlsa_engine_segment(e, &s), TLSA_E_OK);
        if (s.frame == 1)
            CU_ASSERT_EQUAL(tlsa_engine_segment(e, &s), TLSA_E_OK);
    }
    tlsa_engine_flush(e);
    CU_ASSERT_EQUAL_FATAL(nseen, 2);
    CU_ASSERT_EQUAL(seen[0].nsteps, ref.nsteps);
    CU_ASSERT(memcmp(seen[0].types, ref.types, sizeof ref.types) == 0);
    CU_ASSERT(memcmp(seen[0].frames, ref.frames, sizeof ref.frames) == 0);
    CU_ASSERT_EQUAL(seen[0].retrans[0], 1);
    CU_ASSERT_EQUAL(seen[0].ooo[1], 1);
    CU_ASSERT_EQUAL(seen[0].gaps[0] + seen[0].gaps[1], 0);
    tlsa_engine_free(e);
    unload(&c);
}

static void test_eviction_and_index(void) {
    capture c;
    CU_ASSERT_FATAL(load(CAPS "tls12-dsb.pcapng", &c) == 0);
    /* One flow at a time: the second connection evicts the first, which is reported. */
    tlsa_engine *e = make(1);
    feed(e, &c);
    CU_ASSERT_EQUAL_FATAL(nseen, 1);
    CU_ASSERT_EQUAL(seen[0].end_reason, TLSA_END_EVICTED);
    CU_ASSERT_EQUAL(seen[0].index, 0);
    tlsa_engine_flush(e);
    CU_ASSERT_EQUAL_FATAL(nseen, 2);
    CU_ASSERT_EQUAL(seen[1].index, 1);
    tlsa_engine_stats st;
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.flows_evicted, 1);
    CU_ASSERT_EQUAL(st.peak_flows, 1);
    /* Without a reset the numbering goes on; after one it restarts. */
    feed(e, &c);
    tlsa_engine_flush(e);
    CU_ASSERT_EQUAL_FATAL(nseen, 4);
    CU_ASSERT_EQUAL(seen[2].index, 2);
    CU_ASSERT_EQUAL(seen[3].index, 3);
    tlsa_engine_reset_index(e);
    feed(e, &c);
    tlsa_engine_flush(e);
    CU_ASSERT_EQUAL_FATAL(nseen, 6);
    CU_ASSERT_EQUAL(seen[4].index, 0);
    CU_ASSERT_EQUAL(seen[5].index, 1);
    tlsa_engine_free(e);
    unload(&c);
}

/* A raw IPv4 TCP packet (LINKTYPE_IPV4) from 10.0.<port>:port to 192.0.2.1:443. */
static size_t raw_tcp(uint8_t *p, uint16_t sport, uint8_t flags, uint32_t seq, const char *data) {
    size_t plen = data ? strlen(data) : 0;
    memset(p, 0, 40);
    p[0] = 0x45;
    p[2] = (uint8_t)((40 + plen) >> 8);
    p[3] = (uint8_t)(40 + plen);
    p[8] = 64;
    p[9] = 6;
    memcpy(p + 12, "\x0a\x00\x00\x01", 4);
    memcpy(p + 16, "\xc0\x00\x02\x01", 4);
    p[20] = (uint8_t)(sport >> 8);
    p[21] = (uint8_t)sport;
    p[22] = 443 >> 8;
    p[23] = 443 & 0xFF;
    p[24] = (uint8_t)(seq >> 24), p[25] = (uint8_t)(seq >> 16), p[26] = (uint8_t)(seq >> 8);
    p[27] = (uint8_t)seq;
    p[32] = 0x50;
    p[33] = flags;
    if (plen)
        memcpy(p + 40, data, plen);
    return 40 + plen;
}

static void test_syn_flood_bounded(void) {
    tlsa_engine *e = make(1000);
    uint8_t p[64];
    tlsa_engine_stats st;
    uint32_t worst = 0;
    for (uint32_t i = 0; i < 100000; i++) {
        size_t n = raw_tcp(p, 0, TLSA_TCP_SYN, i * 7919u, NULL);
        p[14] = (uint8_t)(i >> 16); /* distinct source address and port per SYN */
        p[20] = (uint8_t)(i >> 8);
        p[21] = (uint8_t)i;
        tlsa_time ts = {1000 + i / 100, 0};
        CU_ASSERT_EQUAL_FATAL(
            tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, i + 1, p, (uint32_t)n, (uint32_t)n),
            TLSA_E_OK);
        tlsa_engine_get_stats(e, &st);
        if (st.live_flows > worst)
            worst = st.live_flows;
    }
    CU_ASSERT_EQUAL(worst, 1000);
    CU_ASSERT_EQUAL(st.flows, 100000);
    CU_ASSERT_EQUAL(st.flows_evicted, 99000);
    CU_ASSERT_EQUAL(st.peak_flows, 1000);
    tlsa_engine_flush(e);
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.live_flows, 0);
    CU_ASSERT_EQUAL(st.tls_connections, 0);
    CU_ASSERT_EQUAL(nseen, 0); /* not TLS: never reported */
    CU_ASSERT_EQUAL(st.buffered_bytes, 0);
    tlsa_engine_free(e);
}

/* 100 flows each holding 1000 out-of-order bytes (the first 100 never arrive) against a total
 * budget of 64 KiB: the oldest flows are finished to stay under it, never more is held. */
static void test_total_buffer_bounded(void) {
    tlsa_engine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    tlsa_limits_default(&cfg.limits);
    cfg.limits.max_total_buffer = 64 * 1024;
    cfg.on_conn = on_conn;
    nseen = 0;
    tlsa_engine *e = tlsa_engine_new(&cfg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(e);
    static char data[1001];
    memset(data, 'A', 1000);
    uint8_t p[1100];
    tlsa_engine_stats st;
    uint64_t worst = 0, frame = 0;
    for (uint16_t i = 0; i < 100; i++) {
        tlsa_time ts = {1000 + i, 0};
        size_t n = raw_tcp(p, (uint16_t)(20000 + i), TLSA_TCP_SYN, 5000, NULL);
        CU_ASSERT_EQUAL(
            tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, ++frame, p, (uint32_t)n, (uint32_t)n),
            TLSA_E_OK);
        n = raw_tcp(p, (uint16_t)(20000 + i), TLSA_TCP_ACK, 5001 + 100, data);
        CU_ASSERT_EQUAL(
            tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, ++frame, p, (uint32_t)n, (uint32_t)n),
            TLSA_E_OK);
        tlsa_engine_get_stats(e, &st);
        if (st.buffered_bytes > worst)
            worst = st.buffered_bytes;
    }
    CU_ASSERT(worst <= 64 * 1024);
    CU_ASSERT(worst > 60 * 1000); /* the budget is used, not refused early */
    CU_ASSERT_EQUAL(st.flows_evicted, 100 - 64 * 1024 / 1000);
    tlsa_engine_flush(e);
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.buffered_bytes, 0);
    tlsa_engine_free(e);
}

static void test_counters(void) {
    tlsa_engine *e = make(0);
    uint8_t p[128];
    tlsa_time ts = {1, 0};
    size_t n = raw_tcp(p, 1234, TLSA_TCP_SYN, 1, NULL);
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, 147, ts, 1, p, (uint32_t)n, (uint32_t)n),
                    TLSA_E_UNSUPPORTED_LINKTYPE);
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, 2, p, 30, 30), TLSA_E_BAD_PACKET);
    p[9] = 17; /* UDP */
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, 3, p, (uint32_t)n, (uint32_t)n),
                    TLSA_E_OK);
    p[9] = 6;
    p[6] = 0x20; /* MF */
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, 4, p, (uint32_t)n, (uint32_t)n),
                    TLSA_E_OK);
    p[6] = 0;
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, 5, p, (uint32_t)n, (uint32_t)n),
                    TLSA_E_OK);
    tlsa_engine_stats st;
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.packets, 5);
    CU_ASSERT_EQUAL(st.unsupported_linktype, 147);
    CU_ASSERT_EQUAL(st.bad_packets, 1);
    CU_ASSERT_EQUAL(st.skipped_packets, 1);
    CU_ASSERT_EQUAL(st.ip_fragments, 1);
    CU_ASSERT_EQUAL(st.tcp_segments, 1);
    CU_ASSERT_EQUAL(st.flows, 1);
    /* Bad arguments to the segment entry. */
    tlsa_segment s;
    memset(&s, 0, sizeof s);
    CU_ASSERT_EQUAL(tlsa_engine_segment(e, &s), TLSA_E_INVALID_ARGUMENT); /* no family */
    s.src.addr.family = s.dst.addr.family = 4;
    s.caplen = 3;
    CU_ASSERT_EQUAL(tlsa_engine_segment(e, &s), TLSA_E_INVALID_ARGUMENT); /* no payload */
    CU_ASSERT_EQUAL(tlsa_engine_segment(NULL, &s), TLSA_E_INVALID_ARGUMENT);
    tlsa_engine_free(e);
}

/* A plaintext protocol is not reported, and its FIN/FIN still ends the flow. */
static void test_not_tls(void) {
    tlsa_engine *e = make(0);
    uint8_t p[256];
    tlsa_time ts = {1, 0};
    size_t n = raw_tcp(p, 5555, TLSA_TCP_SYN, 100, NULL);
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, 1, p, (uint32_t)n, (uint32_t)n),
                    TLSA_E_OK);
    const char *req = "GET / HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test\r\n\r\n";
    n = raw_tcp(p, 5555, TLSA_TCP_ACK, 101, req);
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, 2, p, (uint32_t)n, (uint32_t)n),
                    TLSA_E_OK);
    n = raw_tcp(p, 5555, TLSA_TCP_ACK | TLSA_TCP_FIN, 101 + (uint32_t)strlen(req), NULL);
    CU_ASSERT_EQUAL(tlsa_engine_packet(e, TLSA_LINK_IPV4, ts, 3, p, (uint32_t)n, (uint32_t)n),
                    TLSA_E_OK);
    tlsa_engine_stats st;
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.live_flows, 1);
    tlsa_engine_flush(e);
    tlsa_engine_get_stats(e, &st);
    CU_ASSERT_EQUAL(st.flows, 1);
    CU_ASSERT_EQUAL(st.tls_connections, 0);
    CU_ASSERT_EQUAL(st.live_flows, 0);
    CU_ASSERT_EQUAL(nseen, 0);
    tlsa_engine_free(e);
}

/* A snaplen of 120 bytes: every segment cut short gives exactly one gap in its direction. */
static void test_snaplen(void) {
    capture c;
    CU_ASSERT_FATAL(load(CAPS "tls12-dsb.pcapng", &c) == 0);
    uint32_t cut[2][2] = {{0, 0}, {0, 0}}; /* [connection][direction] */
    tlsa_engine *e = make(0);
    for (size_t i = 0; i < c.n; i++) {
        uint32_t caplen = c.v[i].caplen < 120 ? c.v[i].caplen : 120;
        tlsa_segment s;
        tlsa_pkt_kind kind;
        CU_ASSERT_EQUAL_FATAL(
            tlsa_packet_decode(c.linktype, c.v[i].data, caplen, c.v[i].len, &s, &kind), TLSA_E_OK);
        if (s.caplen < s.len) {
            int conn = i + 1 >= 10; /* frames 10.. are the second connection (oracle) */
            int dir = s.dst.port == 443 ? 0 : 1;
            cut[conn][dir]++;
        }
        CU_ASSERT_EQUAL(
            tlsa_engine_packet(e, c.linktype, c.v[i].ts, i + 1, c.v[i].data, caplen, c.v[i].len),
            TLSA_E_OK);
    }
    tlsa_engine_flush(e);
    CU_ASSERT_EQUAL_FATAL(nseen, 2);
    CU_ASSERT(cut[0][0] + cut[0][1] > 0);
    for (int k = 0; k < 2; k++) {
        CU_ASSERT_EQUAL(seen[k].gaps[0], cut[k][0]);
        CU_ASSERT_EQUAL(seen[k].gaps[1], cut[k][1]);
    }
    tlsa_engine_free(e);
    unload(&c);
}

/* ---- every capture against its tshark oracle ---- */

typedef struct frame_set {
    uint64_t v[1200];
    size_t n;
} frame_set;

static void set_add(frame_set *s, uint64_t f) {
    for (size_t i = 0; i < s->n; i++)
        if (s->v[i] == f)
            return;
    if (s->n < sizeof s->v / sizeof s->v[0])
        s->v[s->n++] = f;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* From the oracle: frames holding a ClientHello on TCP (column 4 lists type 1), and the number
 * of TCP streams with handshake rows. */
static int read_oracle(const char *path, frame_set *hello, size_t *streams) {
    size_t len;
    char *text = (char *)tlsa_test_read_file(path, &len);
    if (!text)
        return -1;
    text = realloc(text, len + 1);
    text[len] = 0;
    frame_set st = {{0}, 0};
    char *save = NULL;
    int line = 0;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        if (line++ == 0)
            continue;
        char *col[4] = {0};
        char *p = l;
        for (int i = 0; i < 4 && p; i++) {
            col[i] = p;
            p = strchr(p, '\t');
            if (p)
                *p++ = 0;
        }
        if (!col[3] || !col[1][0])
            continue; /* not TCP */
        set_add(&st, strtoull(col[1], NULL, 10));
        for (char *t = col[3]; *t;) {
            if (strtoul(t, NULL, 10) == 1 && (t[1] == ',' || t[1] == 0)) {
                set_add(hello, strtoull(col[0], NULL, 10));
                break;
            }
            char *c = strchr(t, ',');
            if (!c)
                break;
            t = c + 1;
        }
    }
    *streams = st.n;
    free(text);
    return 0;
}

static size_t all_n;
static frame_set our_hellos;

static void collect_hello(tlsa_conn *c, void *user) {
    (void)user;
    all_n++;
    for (uint32_t i = 0; i < c->steps.n; i++)
        if (c->steps.v[i].msg_type == TLSA_HS_CLIENT_HELLO)
            set_add(&our_hellos, c->steps.v[i].frame);
}

static void test_all_captures_vs_oracle(void) {
    static const char *files[] = {"dmgr.pcapng",
                                  "http2-brotli.pcapng",
                                  "http2-data-reassembly.pcap",
                                  "http2_follow_multistream.pcapng",
                                  "retrans-tls.pcap",
                                  "rsa-p-lt-q.pcap",
                                  "rsasnakeoil2.pcap",
                                  "tls-renegotiation.pcap",
                                  "tls12-aes128ccm.pcap",
                                  "tls12-aes256gcm.pcap",
                                  "tls12-chacha20poly1305.pcap",
                                  "tls12-dsb.pcapng",
                                  "tls13-20-chacha20poly1305.pcap",
                                  "tls13-rfc8446.pcap",
                                  "dtls12-aes128ccm8.pcap",
                                  "uncompressed/challenge01_ooo_stream.pcapng",
                                  "uncompressed/dhe1.pcapng",
                                  "uncompressed/tls-fragmented-handshakes.pcap",
                                  NULL};
    for (int i = 0; files[i]; i++) {
        char path[512], opath[512];
        snprintf(path, sizeof path, CAPS "%s", files[i]);
        const char *base = strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 : files[i];
        snprintf(opath, sizeof opath, CAPS "oracle/%s.tsv", base);
        frame_set want = {{0}, 0};
        size_t streams = 0;
        CU_ASSERT_FATAL(read_oracle(opath, &want, &streams) == 0);
        capture c;
        CU_ASSERT_FATAL(load(path, &c) == 0);
        tlsa_engine_config cfg;
        memset(&cfg, 0, sizeof cfg);
        tlsa_limits_default(&cfg.limits);
        cfg.on_conn = collect_hello;
        tlsa_engine *e = tlsa_engine_new(&cfg);
        all_n = 0;
        our_hellos.n = 0;
        feed(e, &c);
        tlsa_engine_flush(e);
        qsort(want.v, want.n, sizeof want.v[0], cmp_u64);
        qsort(our_hellos.v, our_hellos.n, sizeof our_hellos.v[0], cmp_u64);
        bool same =
            want.n == our_hellos.n && memcmp(want.v, our_hellos.v, want.n * sizeof want.v[0]) == 0;
        CU_ASSERT(same);
        CU_ASSERT_EQUAL(all_n, streams);
        if (!same || all_n != streams)
            fprintf(stderr, "\n  %s: %zu hellos (oracle %zu), %zu connections (oracle %zu)\n",
                    files[i], our_hellos.n, want.n, all_n, streams);
        tlsa_engine_free(e);
        unload(&c);
    }
}

TLSA_TEST_MAIN("engine", {"default limits", test_limits_default},
               {"tls12-dsb against the oracle", test_tls12_capture},
               {"out-of-order capture", test_out_of_order_capture},
               {"segment path, reordered and retransmitted", test_segment_path_reordered},
               {"eviction is reported; index numbering", test_eviction_and_index},
               {"SYN flood stays bounded", test_syn_flood_bounded},
               {"all flows together stay under max_total_buffer", test_total_buffer_bounded},
               {"counters", test_counters}, {"non-TLS flows are not reported", test_not_tls},
               {"snaplen truncation gives gaps", test_snaplen},
               {"every capture: ClientHello frames and connections as the oracle",
                test_all_captures_vs_oracle})
