/* The tls_stream.h API: detection of TLS by content on any port, the STARTTLS prelude scan,
 * resynchronisation after mid-stream starts, gaps and damaged records. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "fmt.h"
#include "cursor.h"
#include "msg.h"
#include "tls_int.h"

void tlsa_tls_problem(tlsa_tls *t, int side, tlsa_err err, const char *fmt, ...) {
    tlsa_conn *c = &t->conn;
    if (c->n_problems >= t->limits.max_problems)
        return;
    tlsa_problem *v = realloc(c->problems, (c->n_problems + 1) * sizeof(*v));
    if (!v)
        return;
    c->problems = v;
    tlsa_problem *p = &v[c->n_problems++];
    memset(p, 0, sizeof(*p));
    p->frame = t->frame;
    p->dir = (uint8_t)t->dir_of[side];
    p->err = (uint16_t)err;
    va_list ap;
    va_start(ap, fmt);
    tlsa_vfmt(p->what, sizeof(p->what), fmt, ap);
    va_end(ap);
}

tlsa_tls *tlsa_tls_new(const tlsa_tls_init *init) {
    if (!init || !init->limits)
        return NULL;
    tlsa_tls *t = calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->limits = *init->limits;
    t->on_step = init->on_step;
    t->user = init->user;
    t->syn_seen = init->syn_seen;
    t->dir_of[0] = TLSA_FROM_CLIENT;
    t->dir_of[1] = TLSA_FROM_SERVER;
    t->conn.client = init->side[0];
    t->conn.server = init->side[1];
    t->conn.mid_stream = !init->syn_seen;
    t->conn.first_frame = init->first_frame;
    t->conn.first_ts = init->first_ts;
    t->conn.last_frame = init->first_frame;
    t->conn.last_ts = init->first_ts;
    t->frame = init->first_frame;
    t->ts = init->first_ts;
    tlsa_tk_init(t, init->keylog, init->rsa_key, init->psk, init->psk_len);
    if (t->keys && init->key_scratch) {
        t->krec = init->key_scratch;
        t->kout = init->key_scratch + 5 + TLSA_MAX_RECORD;
        t->kshared = true;
    }
    t->sessions = init->sessions;
    /* Without a SYN, guess from the ports until a hello tells: the side on a well-known port is
     * more likely the server. */
    if (!init->syn_seen && init->side[0].port < 1024 && init->side[1].port >= 1024) {
        t->dir_of[0] = TLSA_FROM_SERVER;
        t->dir_of[1] = TLSA_FROM_CLIENT;
        t->conn.client = init->side[1];
        t->conn.server = init->side[0];
    }
    return t;
}

static void side_free(tlsa_side *s) {
    free(s->win);
    free(s->body);
    free(s->hs);
}

void tlsa_tls_free(tlsa_tls *t) {
    if (!t)
        return;
    side_free(&t->side[0]);
    side_free(&t->side[1]);
    tlsa_tk_free(t);
    tlsa_conn_free_contents(&t->conn);
    free(t);
}

/* What a hunt finds at one position of the window. */
enum hunt_result { HUNT_NO, HUNT_MAYBE, HUNT_SYNC, HUNT_SYNC_V2 };

/* The first bytes of a cursor, without consuming them: a view of up to 6 header bytes. */
typedef struct peek {
    uint8_t b[6];
    size_t n;
} peek;

static peek peek_at(tlsa_cur c) {
    peek k = {{0}, 0};
    while (k.n < sizeof(k.b) && tlsa_cur_u8(&c, &k.b[k.n]) == TLSA_E_OK)
        k.n++;
    return k;
}

/* A TLS record that opens a handshake: a ClientHello or ServerHello record header,
 * "16 03 0x LL LL 01|02". */
static bool hello_record(const peek *k) {
    if (k->n < 6 || !tlsa_rl_plausible(k->b) || k->b[0] != TLSA_CT_HANDSHAKE)
        return false;
    return k->b[5] == TLSA_HS_CLIENT_HELLO || k->b[5] == TLSA_HS_SERVER_HELLO;
}

/* SSLv2-compatible ClientHello (RFC 5246 §E.2): 2-byte length with the high bit set, msg_type 1,
 * version 0x0002 or 0x03xx. Only at the very start of a stream. */
static bool sslv2_hello(const peek *k) {
    const uint8_t *b = k->b;
    if (k->n < 5 || !(b[0] & 0x80) || b[2] != 1)
        return false;
    size_t len = (size_t)((b[0] & 0x7f) << 8 | b[1]);
    bool v = (b[3] == 0 && b[4] == 2) || (b[3] == 3 && b[4] <= 4);
    return v && len >= 9 + 3 && len <= TLSA_MAX_RECORD;
}

static enum hunt_result hunt_at(const tlsa_tls *t, const tlsa_side *s, size_t i) {
    tlsa_cur c = tlsa_cur_make(s->win, s->win_n);
    if (tlsa_cur_skip(&c, i))
        return HUNT_NO;
    peek k = peek_at(c);
    if (s->win_off + i == 0 && !s->ever_synced && sslv2_hello(&k))
        return HUNT_SYNC_V2;
    if (k.n < 5)
        return HUNT_MAYBE;
    if (hello_record(&k))
        return HUNT_SYNC;
    if (!tlsa_rl_plausible(k.b))
        return HUNT_NO;
    if (k.b[0] == TLSA_CT_HANDSHAKE && k.n < 6)
        return HUNT_MAYBE;
    /* Once the flow is known to be TLS, a plausible header is enough; before that, the record
     * must be followed by another plausible header (two in a row rarely happen by chance). */
    if (t->verdict == TLSA_TLS_YES)
        return HUNT_SYNC;
    size_t next = 5u + (size_t)(k.b[3] << 8 | k.b[4]);
    if (tlsa_cur_skip(&c, next))
        return HUNT_MAYBE;
    peek k2 = peek_at(c);
    if (k2.n < 5)
        return HUNT_MAYBE;
    return tlsa_rl_plausible(k2.b) ? HUNT_SYNC : HUNT_NO;
}

/* Scan the window; on success return the position and kind, else drop what can never match. */
static bool hunt(tlsa_tls *t, int side, size_t *at, bool *v2) {
    tlsa_side *s = &t->side[side];
    size_t keep = s->win_n; /* first position that may still match later */
    for (size_t i = 0; i < s->win_n; i++) {
        enum hunt_result r = hunt_at(t, s, i);
        if (r == HUNT_SYNC || r == HUNT_SYNC_V2) {
            *at = i;
            *v2 = r == HUNT_SYNC_V2;
            return true;
        }
        if (r == HUNT_MAYBE && keep == s->win_n)
            keep = i;
    }
    if (!s->ever_synced)
        s->scanned += keep;
    if (keep > 0) {
        memmove(s->win, s->win + keep, s->win_n - keep);
        s->win_n -= keep;
        s->win_off += keep;
    }
    return false;
}

static bool win_append(tlsa_side *s, const uint8_t *p, size_t n) {
    return tlsa_grow_append(&s->win, &s->win_n, &s->win_cap, 256, p, n);
}

/* Sync found at window position `at`: the side now reads records from there. */
static void on_sync(tlsa_tls *t, int side, size_t at, bool v2) {
    tlsa_side *s = &t->side[side];
    uint64_t where = s->win_off + at;
    tlsa_cur c = tlsa_cur_make(s->win, s->win_n);
    peek k = {{0}, 0};
    if (tlsa_cur_skip(&c, at) == TLSA_E_OK)
        k = peek_at(c);
    bool client_hello = v2 || (k.n >= 6 && hello_record(&k) && k.b[5] == TLSA_HS_CLIENT_HELLO);
    bool hello = v2 || hello_record(&k);
    if (!s->ever_synced) {
        s->ever_synced = true;
        /* Plaintext before a ClientHello is a STARTTLS-style prelude; other bytes before the
         * first record mean the capture started inside the stream. */
        if (client_hello && where > t->conn.prelude_bytes)
            t->conn.prelude_bytes = where;
        else if (!hello && where > 0)
            tlsa_tls_problem(t, side, TLSA_E_NOT_TLS,
                             "%llu bytes before the first record (capture started mid-stream)",
                             (unsigned long long)where);
    } else {
        tlsa_tls_problem(t, side, TLSA_E_NOT_TLS,
                         "%llu bytes skipped before resynchronising at offset %llu",
                         (unsigned long long)(where - s->lost_at), (unsigned long long)where);
    }
    s->synced = true;
    s->v2_next = v2;
    s->rl_state = TLSA_RL_HEADER;
    s->hdr_n = 0;
    if (t->verdict != TLSA_TLS_YES)
        t->verdict = TLSA_TLS_YES;
}

/* Route bytes of one side: to the record layer when synchronised, else through the hunt. */
static void side_input(tlsa_tls *t, int side, const uint8_t *data, size_t len) {
    tlsa_side *s = &t->side[side];
    uint8_t *owned = NULL; /* window taken over after a sync, fed from here */
    for (;;) {
        if (s->synced) {
            size_t used = tlsa_rl_feed(t, side, data, len);
            if (used >= len)
                break;
            data += used;
            len -= used;
        }
        if (t->verdict == TLSA_TLS_NO)
            break;
        if (!win_append(s, data, len)) {
            tlsa_tls_problem(t, side, TLSA_E_NO_MEMORY, "hunt window");
            break;
        }
        free(owned);
        owned = NULL;
        size_t at = 0;
        bool v2 = false;
        if (!hunt(t, side, &at, &v2)) {
            if (!s->ever_synced && t->verdict == TLSA_TLS_UNDECIDED &&
                s->scanned >= TLSA_MAX_PRELUDE) {
                t->verdict = TLSA_TLS_NO;
                free(s->win);
                s->win = NULL;
                s->win_n = s->win_cap = 0;
            }
            break;
        }
        on_sync(t, side, at, v2);
        /* Take the window over and feed its tail from the sync point. */
        owned = s->win;
        data = s->win + at;
        len = s->win_n - at;
        s->win = NULL;
        s->win_n = s->win_cap = 0;
        s->win_off += at;
    }
    free(owned);
}

void tlsa_tls_data(tlsa_tls *t, int side, const uint8_t *data, size_t len, uint64_t frame,
                   tlsa_time ts) {
    if (!t || side < 0 || side > 1 || (!data && len))
        return;
    t->frame = frame;
    t->ts = ts;
    t->conn.last_frame = frame;
    t->conn.last_ts = ts;
    tlsa_side *s = &t->side[side];
    s->off += len;
    t->conn.dir[t->dir_of[side]].bytes += len;
    if (len == 0 || t->verdict == TLSA_TLS_NO)
        return;
    tlsa_tls_verdict before = t->verdict;
    side_input(t, side, data, len);
    /* The flow just proved to be TLS: the other side's waiting bytes may now synchronise on a
     * single plausible header. */
    tlsa_side *o = &t->side[side ^ 1];
    if (before != TLSA_TLS_YES && t->verdict == TLSA_TLS_YES && !o->synced && o->win_n > 0)
        side_input(t, side ^ 1, NULL, 0);
}

void tlsa_tls_gap(tlsa_tls *t, int side, uint64_t len, uint64_t frame) {
    if (!t || side < 0 || side > 1)
        return;
    t->frame = frame;
    tlsa_side *s = &t->side[side];
    tlsa_dir_stats *d = &t->conn.dir[t->dir_of[side]];
    d->gaps++;
    d->gap_bytes += len;
    s->off += len;
    if (t->verdict == TLSA_TLS_NO)
        return;
    if (!s->synced) {
        /* Hunting: the bytes around the hole are unrelated. */
        s->win_n = 0;
        s->win_off = s->off;
        return;
    }
    if (tlsa_rl_gap(t, side, len))
        return;
    s->win_off = s->off;
    s->lost_at = s->off;
    tlsa_tls_problem(t, side, TLSA_E_STREAM_GAP,
                     "%llu bytes missing from the stream at offset %llu", (unsigned long long)len,
                     (unsigned long long)(s->off - len));
}

void tlsa_tls_tcp_note(tlsa_tls *t, int side, tlsa_tcp_note note) {
    if (!t || side < 0 || side > 1)
        return;
    tlsa_dir_stats *d = &t->conn.dir[t->dir_of[side]];
    switch (note) {
    case TLSA_TCP_NOTE_RETRANS:
        d->retransmissions++;
        break;
    case TLSA_TCP_NOTE_OVERLAP_CONFLICT:
        d->overlaps_conflicting++;
        break;
    case TLSA_TCP_NOTE_OUT_OF_ORDER:
        d->out_of_order++;
        break;
    default:
        break;
    }
}

void tlsa_tls_touch(tlsa_tls *t, uint64_t frame, tlsa_time ts) {
    if (!t)
        return;
    t->conn.last_frame = frame;
    t->conn.last_ts = ts;
}

tlsa_tls_verdict tlsa_tls_verdict_of(const tlsa_tls *t) {
    return t ? t->verdict : TLSA_TLS_NO;
}

tlsa_conn *tlsa_tls_finish(tlsa_tls *t, int end_reason) {
    if (!t || t->verdict != TLSA_TLS_YES)
        return NULL;
    t->conn.end_reason = (uint8_t)end_reason;
    tlsa_conn_finalize(t);
    return &t->conn;
}

size_t tlsa_tls_buffered(const tlsa_tls *t) {
    if (!t)
        return 0;
    size_t n = 0;
    for (int i = 0; i < 2; i++)
        n += t->side[i].win_n + t->side[i].body_n + t->side[i].hs_n;
    return n;
}
