/* Helpers for the TLS-layer suites (test_tls_*.c): a tlsa_tls fed directly with byte streams,
 * records and messages built in memory, and flow fixtures from tests/unit/data/<name>.txt
 * (one line per TCP segment with payload: "frame side hex", side 0 = the SYN sender). */
#ifndef TLSA_TEST_TLS_FEED_H
#define TLSA_TEST_TLS_FEED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tls_stream.h"

typedef struct feed {
    tlsa_limits lim;
    tlsa_tls *t;
    tlsa_step steps[64]; /* copies of what on_step reported */
    int n_steps;
} feed;

static void feed_on_step(const tlsa_conn *c, const tlsa_step *s, void *user) {
    feed *f = user;
    (void)c;
    if (f->n_steps < 64)
        f->steps[f->n_steps++] = *s;
}

static inline void feed_open(feed *f, bool syn_seen) {
    memset(f, 0, sizeof(*f));
    tlsa_limits_default(&f->lim);
    tlsa_tls_init init = {0};
    init.limits = &f->lim;
    init.side[0].port = 50000;
    init.side[1].port = 443;
    init.side[0].addr.family = init.side[1].addr.family = 4;
    init.syn_seen = syn_seen;
    init.first_frame = 1;
    init.on_step = feed_on_step;
    init.user = f;
    f->t = tlsa_tls_new(&init);
}

static inline void feed_bytes(feed *f, int side, const uint8_t *p, size_t n, uint64_t frame) {
    tlsa_time ts = {1000 + (int64_t)frame, 0};
    tlsa_tls_data(f->t, side, p, n, frame, ts);
}

static inline void feed_close(feed *f) {
    tlsa_tls_free(f->t);
    f->t = NULL;
}

/* Feeds a fixture; chunk = 0 feeds each segment whole, else in pieces of chunk bytes. Returns the
 * number of segments fed (0 when the file is missing). */
static inline int feed_fixture_from(feed *f, const char *name, size_t chunk, bool swap,
                                    unsigned long long from_frame) {
    char path[512];
    snprintf(path, sizeof(path), "%s/tests/unit/data/%s.txt", TLSA_SOURCE_DIR, name);
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    static char line[200000];
    int n = 0;
    while (fgets(line, sizeof(line), fp)) {
        unsigned long long frame = 0;
        int side = 0, off = 0;
        if (sscanf(line, "%llu %d %n", &frame, &side, &off) < 2 || frame < from_frame)
            continue;
        size_t len = 0;
        uint8_t *b = tlsa_test_hex(line + off, &len);
        if (!b)
            continue;
        if (swap)
            side ^= 1;
        if (chunk == 0) {
            feed_bytes(f, side, b, len, frame);
        } else {
            for (size_t i = 0; i < len; i += chunk)
                feed_bytes(f, side, b + i, len - i < chunk ? len - i : chunk, frame);
        }
        free(b);
        n++;
    }
    fclose(fp);
    return n;
}

static inline int feed_fixture(feed *f, const char *name, size_t chunk, bool swap) {
    return feed_fixture_from(f, name, chunk, swap, 0);
}

/* Like feed_open, without a SYN and with the server (port 443) as side 0. */
static inline void feed_open_server_first(feed *f) {
    feed_open(f, false);
    tlsa_tls_free(f->t);
    tlsa_tls_init init = {0};
    init.limits = &f->lim;
    init.side[0].port = 443;
    init.side[1].port = 50000;
    init.side[0].addr.family = init.side[1].addr.family = 4;
    init.first_frame = 1;
    init.on_step = feed_on_step;
    init.user = f;
    f->t = tlsa_tls_new(&init);
}

/* A record: type, version, payload. Writes into out (returns its length). */
static inline size_t mk_record(uint8_t *out, uint8_t type, uint16_t ver, const uint8_t *p,
                               size_t n) {
    out[0] = type;
    out[1] = (uint8_t)(ver >> 8);
    out[2] = (uint8_t)ver;
    out[3] = (uint8_t)(n >> 8);
    out[4] = (uint8_t)n;
    if (n)
        memcpy(out + 5, p, n);
    return n + 5;
}

/* A handshake message: type, body. */
static inline size_t mk_msg(uint8_t *out, uint8_t type, const uint8_t *body, size_t n) {
    out[0] = type;
    out[1] = (uint8_t)(n >> 16);
    out[2] = (uint8_t)(n >> 8);
    out[3] = (uint8_t)n;
    if (n)
        memcpy(out + 4, body, n);
    return n + 4;
}

/* A minimal TLS 1.2 ClientHello body: one suite, no extensions. */
static inline size_t mk_client_hello_body(uint8_t *out, uint16_t suite) {
    size_t n = 0;
    out[n++] = 3;
    out[n++] = 3;
    memset(out + n, 0x11, 32);
    n += 32;
    out[n++] = 0; /* session id */
    out[n++] = 0;
    out[n++] = 2;
    out[n++] = (uint8_t)(suite >> 8);
    out[n++] = (uint8_t)suite;
    out[n++] = 1; /* compression methods */
    out[n++] = 0;
    return n;
}

/* A minimal TLS 1.2 ServerHello body: the suite, no extensions. */
static inline size_t mk_server_hello_body(uint8_t *out, uint16_t suite) {
    size_t n = 0;
    out[n++] = 3;
    out[n++] = 3;
    memset(out + n, 0x22, 32);
    n += 32;
    out[n++] = 0;
    out[n++] = (uint8_t)(suite >> 8);
    out[n++] = (uint8_t)suite;
    out[n++] = 0;
    return n;
}

/* ClientHello record (TLS 1.2, suite 0x002f). */
static inline size_t mk_client_hello_record(uint8_t *out) {
    uint8_t body[64], msg[80];
    size_t b = mk_client_hello_body(body, 0x002f);
    size_t m = mk_msg(msg, TLSA_HS_CLIENT_HELLO, body, b);
    return mk_record(out, TLSA_CT_HANDSHAKE, 0x0301, msg, m);
}

static inline size_t mk_server_hello_record(uint8_t *out) {
    uint8_t body[64], msg[80];
    size_t b = mk_server_hello_body(body, 0x002f);
    size_t m = mk_msg(msg, TLSA_HS_SERVER_HELLO, body, b);
    return mk_record(out, TLSA_CT_HANDSHAKE, 0x0303, msg, m);
}

static inline bool has_problem(const tlsa_conn *c, tlsa_err e) {
    for (uint32_t i = 0; i < c->n_problems; i++)
        if (c->problems[i].err == e)
            return true;
    return false;
}

#endif
