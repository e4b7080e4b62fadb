/* The tls_stream.h API (skeleton; filled in next). */
#include <stdlib.h>

#include "tls_stream.h"

struct tlsa_tls {
    tlsa_conn conn;
    tlsa_tls_verdict verdict;
};

tlsa_tls *tlsa_tls_new(const tlsa_tls_init *init) {
    tlsa_tls *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->conn.client = init->side[0];
    t->conn.server = init->side[1];
    t->conn.first_frame = init->first_frame;
    t->conn.first_ts = init->first_ts;
    return t;
}

void tlsa_tls_free(tlsa_tls *t) {
    if (!t)
        return;
    tlsa_conn_free_contents(&t->conn);
    free(t);
}

void tlsa_tls_data(tlsa_tls *t, int side, const uint8_t *data, size_t len, uint64_t frame,
                   tlsa_time ts) {
    (void)t, (void)side, (void)data, (void)len, (void)frame, (void)ts;
}

void tlsa_tls_gap(tlsa_tls *t, int side, uint64_t len, uint64_t frame) {
    (void)t, (void)side, (void)len, (void)frame;
}

void tlsa_tls_tcp_note(tlsa_tls *t, int side, tlsa_tcp_note note) {
    (void)t, (void)side, (void)note;
}

void tlsa_tls_touch(tlsa_tls *t, uint64_t frame, tlsa_time ts) {
    t->conn.last_frame = frame;
    t->conn.last_ts = ts;
}

tlsa_tls_verdict tlsa_tls_verdict_of(const tlsa_tls *t) {
    return t->verdict;
}

tlsa_conn *tlsa_tls_finish(tlsa_tls *t, int end_reason) {
    t->conn.end_reason = (uint8_t)end_reason;
    return t->verdict == TLSA_TLS_YES ? &t->conn : NULL;
}

size_t tlsa_tls_buffered(const tlsa_tls *t) {
    (void)t;
    return 0;
}
