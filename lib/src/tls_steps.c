/* Shared by the connection state machine (tls_conn.c, tls_messages.c): recording steps and
 * alerts, noting problems, and who is the client. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "fmt.h"
#include "tls_int.h"
#include "tlsaudit/names.h"

#define EXT_EARLY_DATA 42u

bool tlsa_conn_is_13(const tlsa_tls *t) {
    return tlsa_v_is_13(t->conn.version);
}

static uint16_t hs_index(const tlsa_tls *t) {
    return t->conn.handshakes > 0 ? (uint16_t)(t->conn.handshakes - 1) : 0;
}

/* Record one step and report it. Steps beyond the limit are counted, still reported. */
void tlsa_conn_add_stepv(tlsa_tls *t, int dir, uint8_t step, uint8_t type, bool enc, uint32_t len,
                         uint64_t start, uint64_t end, const char *fmt, va_list ap) {
    tlsa_conn *c = &t->conn;
    tlsa_step s = {.step = step,
                   .who = (uint8_t)dir,
                   .msg_type = type,
                   .encrypted = enc,
                   .decrypted = !enc && t->in_decrypted,
                   .handshake = hs_index(t),
                   .length = len,
                   .frame = t->frame,
                   .ts = t->ts,
                   .stream_start = start,
                   .stream_end = end};
    if (fmt)
        tlsa_vfmt(s.note, sizeof(s.note), fmt, ap);
    if (step > c->last_step)
        c->last_step = step;
    tlsa_step *kept = NULL;
    uint32_t n = c->steps.n;
    if (n < t->limits.max_steps) {
        /* Capacity is 12 (a whole TLS 1.2 or 1.3 handshake), then doubles: grow when n
         * reaches it. */
        uint32_t q = n / 12;
        uint32_t cap = n == 0 ? 12 : (n % 12 == 0 && (q & (q - 1)) == 0) ? n * 2 : 0;
        bool room = cap == 0;
        if (cap) {
            tlsa_step *v = realloc(c->steps.v, cap * sizeof(*v));
            if (v) {
                c->steps.v = v;
                room = true;
            }
        }
        if (room) {
            c->steps.v[n] = s;
            kept = &c->steps.v[n];
            c->steps.n++;
        }
    }
    if (!kept) {
        if (c->steps.dropped == 0)
            tlsa_tls_problem(t, t->dir_of[0] == dir ? 0 : 1, TLSA_E_LIMIT_STEPS,
                             "more than %u steps", t->limits.max_steps);
        c->steps.dropped++;
    }
    if (t->on_step)
        t->on_step(c, kept ? kept : &s, t->user);
}

void tlsa_conn_swap_roles(tlsa_tls *t) {
    tlsa_conn *c = &t->conn;
    t->dir_of[0] ^= 1;
    t->dir_of[1] ^= 1;
    tlsa_endpoint e = c->client;
    c->client = c->server;
    c->server = e;
    tlsa_dir_stats d = c->dir[0];
    c->dir[0] = c->dir[1];
    c->dir[1] = d;
    for (uint32_t i = 0; i < c->steps.n; i++)
        c->steps.v[i].who ^= 1;
    for (uint32_t i = 0; i < c->n_alerts; i++)
        c->alerts[i].sender ^= 1;
    for (uint32_t i = 0; i < c->n_problems; i++)
        c->problems[i].dir ^= 1;
}

/* A hello tells who the client is; without a SYN, trust it over the packet order. */
void tlsa_conn_learn_roles(tlsa_tls *t, int side, bool client_hello) {
    if (t->roles_known)
        return;
    t->roles_known = true;
    if (t->syn_seen)
        return;
    int dir = t->dir_of[side];
    if ((client_hello && dir != TLSA_FROM_CLIENT) || (!client_hello && dir != TLSA_FROM_SERVER))
        tlsa_conn_swap_roles(t);
}

/* Order checks only make sense when the whole conversation is in view: the TCP handshake was
 * seen and no bytes are missing (a hole or a late start may have swallowed a message). */
bool tlsa_conn_stream_whole(const tlsa_tls *t) {
    const tlsa_conn *c = &t->conn;
    return t->syn_seen && c->dir[0].gaps == 0 && c->dir[1].gaps == 0 && c->dir[0].bytes > 0;
}

void tlsa_conn_unexpected(tlsa_tls *t, int side, uint8_t type, const char *why) {
    tlsa_tls_problem(t, side, TLSA_E_UNEXPECTED_MESSAGE, "%s %s", tlsa_message_name(type), why);
}

void tlsa_conn_parse_problem(tlsa_tls *t, int side, uint8_t type, tlsa_err e) {
    if (e != TLSA_E_OK)
        tlsa_tls_problem(t, side, e, "%s: %s", tlsa_message_name(type), tlsa_strerror(e));
}

bool tlsa_conn_offers_early_data(const tlsa_tls *t) {
    return tlsa_u16_list_has(&t->conn.ch.extensions, EXT_EARLY_DATA);
}

void tlsa_conn_add_alert(tlsa_tls *t, int dir, bool enc, uint8_t level, uint8_t desc) {
    tlsa_conn *c = &t->conn;
    if (c->n_alerts >= 64)
        return;
    tlsa_alert *v = realloc(c->alerts, (c->n_alerts + 1) * sizeof(*v));
    if (!v)
        return;
    c->alerts = v;
    v[c->n_alerts++] = (tlsa_alert){.frame = t->frame,
                                    .sender = (uint8_t)dir,
                                    .encrypted = enc,
                                    .level = level,
                                    .description = desc,
                                    .step = c->last_step};
}

void tlsa_conn_add_step(tlsa_tls *t, int dir, uint8_t step, uint8_t type, bool enc, uint32_t len,
                        uint64_t start, uint64_t end, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tlsa_conn_add_stepv(t, dir, step, type, enc, len, start, end, fmt, ap);
    va_end(ap);
}
