/* Handshake message framing (RFC 5246 §7.4, RFC 8446 §4): one record may carry many messages
 * and one message may span many records. Whole messages go straight from the record when they
 * fit; only fragments are buffered, up to limits.max_message. */
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "cursor.h"
#include "tls_int.h"

void tlsa_hs_reset(tlsa_side *s) {
    s->hs_n = 0;
    s->hs_skip = 0;
}

/* Append n bytes to the fragment buffer, growing it as needed. */
static bool hs_append(tlsa_side *s, const uint8_t *p, size_t n) {
    return tlsa_grow_append(&s->hs, &s->hs_n, &s->hs_cap, 1024, p, n);
}

/* Length of the message whose 4-byte header starts at p. */
static uint32_t msg_len(const uint8_t *p) {
    tlsa_cur c = tlsa_cur_make(p, 4);
    uint8_t type = 0;
    uint32_t len = 0;
    if (tlsa_cur_u8(&c, &type) || tlsa_cur_u24(&c, &len))
        return 0;
    return len;
}

static uint8_t msg_type(const uint8_t *p) {
    tlsa_cur c = tlsa_cur_make(p, 4);
    uint8_t type = 0;
    return tlsa_cur_u8(&c, &type) == TLSA_E_OK ? type : 0;
}

/* A header announcing more than the limit: note it and drop the whole message. */
static bool too_long(tlsa_tls *t, int side, uint8_t type, uint32_t len, uint64_t at) {
    if (len <= t->limits.max_message)
        return false;
    tlsa_tls_problem(t, side, TLSA_E_LIMIT_MESSAGE,
                     "handshake message type %u of %u bytes at offset %llu, limit %u", type, len,
                     (unsigned long long)at, t->limits.max_message);
    t->side[side].hs_skip = 4u + (uint64_t)len;
    return true;
}

/* One whole message (header included) in msg: split off the header, hand over the body. */
static void deliver(tlsa_tls *t, int side, tlsa_cur msg, uint64_t start, uint64_t end) {
    uint8_t type = 0;
    uint32_t len = 0;
    const uint8_t *whole = tlsa_cur_ptr(&msg);
    if (tlsa_cur_u8(&msg, &type) || tlsa_cur_u24(&msg, &len) || tlsa_cur_left(&msg) != len)
        return;
    /* The keys see the message first (with the roles a hello fixes), so that the state machine
     * can tell whether a Finished or CertificateVerify checked out. */
    if (type == TLSA_HS_CLIENT_HELLO || type == TLSA_HS_SERVER_HELLO)
        tlsa_conn_learn_roles(t, side, type == TLSA_HS_CLIENT_HELLO);
    tlsa_tk_message(t, side, whole, 4u + (size_t)len);
    tlsa_conn_message(t, side, type, tlsa_cur_ptr(&msg), len, start, end);
}

void tlsa_hs_feed(tlsa_tls *t, int side, const uint8_t *p, size_t len, uint64_t start_off) {
    tlsa_side *s = &t->side[side];
    tlsa_cur in = tlsa_cur_make(p, len);
    while (tlsa_cur_left(&in) > 0) {
        uint64_t here = start_off + in.pos;
        size_t left = tlsa_cur_left(&in);
        if (s->hs_skip) {
            size_t n = (uint64_t)left < s->hs_skip ? left : (size_t)s->hs_skip;
            if (tlsa_cur_skip(&in, n))
                return;
            s->hs_skip -= n;
            continue;
        }
        if (s->hs_n == 0 && left >= 4) {
            const uint8_t *h = tlsa_cur_ptr(&in);
            uint32_t mlen = msg_len(h);
            if (too_long(t, side, msg_type(h), mlen, here))
                continue;
            if ((uint64_t)mlen + 4 <= left) {
                /* The whole message is here: no copy. */
                tlsa_cur msg;
                if (tlsa_cur_sub(&in, 4u + mlen, &msg))
                    return;
                deliver(t, side, msg, here, here + 4 + mlen);
                continue;
            }
        }
        if (s->hs_n == 0)
            s->hs_start = here;
        /* Collect the header first, then the body. */
        size_t want;
        if (s->hs_n < 4)
            want = 4 - s->hs_n;
        else
            want = (size_t)(4u + msg_len(s->hs) - s->hs_n);
        size_t n = left < want ? left : want;
        const uint8_t *src = tlsa_cur_ptr(&in);
        if (tlsa_cur_skip(&in, n))
            return;
        if (!hs_append(s, src, n)) {
            tlsa_tls_problem(t, side, TLSA_E_NO_MEMORY, "handshake fragment buffer");
            tlsa_hs_reset(s);
            return;
        }
        if (s->hs_n == 4) {
            uint32_t mlen = msg_len(s->hs);
            if (too_long(t, side, msg_type(s->hs), mlen, s->hs_start)) {
                s->hs_skip -= 4; /* the header is already consumed */
                s->hs_n = 0;
                continue;
            }
        }
        if (s->hs_n >= 4 && s->hs_n == 4u + msg_len(s->hs)) {
            uint64_t start = s->hs_start;
            size_t n_msg = s->hs_n;
            s->hs_n = 0; /* before the call: the state machine may feed again */
            /* The end is where the last byte sits in the stream (record headers between). */
            deliver(t, side, tlsa_cur_make(s->hs, n_msg), start, start_off + in.pos);
        }
    }
}
