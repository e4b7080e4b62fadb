/* The record layer (RFC 5246 §6.2, RFC 8446 §5.1): push-style, any chunking. Cleartext records
 * are collected whole (at most 2^14 + 2048 bytes); protected records are passed over by counting,
 * so application data is never buffered. */
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "tls_int.h"

bool tlsa_rl_plausible(const uint8_t *p) {
    tlsa_cur c = tlsa_cur_make(p, 5);
    uint8_t type = 0;
    uint16_t version = 0, len = 0;
    if (tlsa_cur_u8(&c, &type) || tlsa_cur_u16(&c, &version) || tlsa_cur_u16(&c, &len))
        return false;
    return type >= TLSA_CT_CHANGE_CIPHER_SPEC && type <= TLSA_CT_HEARTBEAT &&
           version >= TLSA_V_SSL3 && version <= TLSA_V_TLS13 && len > 0 && len <= TLSA_MAX_RECORD;
}

/* The last bytes of a skipped record (the keys need its last cipher block). */
static void keep_tail(tlsa_side *s, const uint8_t *p, size_t n) {
    size_t cap = sizeof s->tail;
    if (n >= cap) {
        memcpy(s->tail, p + n - cap, cap);
        s->tail_n = (uint8_t)cap;
        return;
    }
    size_t keep = s->tail_n + n > cap ? cap - n : s->tail_n;
    memmove(s->tail, s->tail + s->tail_n - keep, keep);
    memcpy(s->tail + keep, p, n);
    s->tail_n = (uint8_t)(keep + n);
}

/* Room for a body of len bytes. The buffer grows with the records seen rather than starting at
 * the 18 KB maximum: with thousands of connections open, most only ever carry small records. */
static bool body_room(tlsa_side *s, size_t len) {
    if (len <= s->body_cap && s->body)
        return true;
    size_t cap = s->body_cap ? s->body_cap : 512;
    while (cap < len)
        cap *= 2;
    if (cap > TLSA_MAX_RECORD)
        cap = TLSA_MAX_RECORD;
    uint8_t *b = realloc(s->body, cap);
    if (!b)
        return false;
    s->body = b;
    s->body_cap = cap;
    return true;
}

/* Hand the finished record to the state machine and get ready for the next header. */
static void emit(tlsa_tls *t, int side, tlsa_side *s) {
    tlsa_rec r = {
        .type = s->rec_type,
        .version = s->rec_version,
        .v2 = s->rec_v2,
        .encrypted = s->rl_state == TLSA_RL_SKIP,
        .payload = s->rl_state == TLSA_RL_BODY ? s->body : NULL,
        .len = s->rec_len,
        .start = s->rec_start,
        .end = s->rec_start + (s->rec_v2 ? 2 : 5) + s->rec_len,
    };
    bool prot = s->rec_keys;
    bool keys = prot || (r.payload && tlsa_tk_want(t, side, r.type));
    bool follow = s->keep_tail && r.encrypted;
    uint8_t hdr[5];
    memcpy(hdr, s->hdr, sizeof hdr);
    s->rl_state = TLSA_RL_HEADER;
    s->hdr_n = 0;
    s->body_n = 0;
    s->skip_left = 0;
    s->rec_keys = false;
    s->keep_tail = false;
    if (follow)
        tlsa_tk_skip(t, side, hdr, r.len, s->tail, s->tail_n);
    if (keys)
        tlsa_tk_record(t, side, &r, hdr, prot);
    else
        tlsa_conn_record(t, side, &r);
}

/* The header is complete: check it and choose how to take the body. Returns false when the
 * header is not a record (the caller resynchronises). */
static bool take_header(tlsa_tls *t, int side, tlsa_side *s) {
    tlsa_cur c = tlsa_cur_make(s->hdr, s->hdr_n);
    if (s->rec_v2) {
        /* SSLv2 two-byte header: high bit set, 15-bit length (RFC 5246 §E.2). */
        uint16_t l = 0;
        if (tlsa_cur_u16(&c, &l))
            return false;
        s->rec_type = TLSA_CT_HANDSHAKE;
        s->rec_version = TLSA_V_SSL2;
        s->rec_len = l & 0x7fffu;
        if (s->rec_len > TLSA_MAX_RECORD) { /* the hunt checked it; the buffer depends on it */
            tlsa_tls_problem(t, side, TLSA_E_RECORD_TOO_LONG, "SSLv2 record length %u, limit %u",
                             s->rec_len, TLSA_MAX_RECORD);
            return false;
        }
        s->rl_state = TLSA_RL_BODY;
        return true;
    }
    uint16_t len = 0;
    if (tlsa_cur_u8(&c, &s->rec_type) || tlsa_cur_u16(&c, &s->rec_version) ||
        tlsa_cur_u16(&c, &len))
        return false;
    s->rec_len = len;
    if (s->rec_type < TLSA_CT_CHANGE_CIPHER_SPEC || s->rec_type > TLSA_CT_HEARTBEAT) {
        tlsa_tls_problem(t, side, TLSA_E_BAD_RECORD_TYPE, "record content type %u at offset %llu",
                         s->rec_type, (unsigned long long)s->rec_start);
        return false;
    }
    if ((s->rec_version >> 8) != 3 || (s->rec_version & 0xff) > 4) {
        tlsa_tls_problem(t, side, TLSA_E_BAD_RECORD_VERSION, "record version 0x%04x at offset %llu",
                         s->rec_version, (unsigned long long)s->rec_start);
        return false;
    }
    if (len > TLSA_MAX_RECORD) {
        tlsa_tls_problem(t, side, TLSA_E_RECORD_TOO_LONG,
                         "record length %u at offset %llu, limit %u", len,
                         (unsigned long long)s->rec_start, TLSA_MAX_RECORD);
        return false;
    }
    /* Application data is always protected; after ChangeCipherSpec (TLS <= 1.2) or the
     * ServerHello (TLS 1.3) everything else is too, except TLS 1.3's compatibility CCS. */
    bool tls13 = tlsa_v_is_13(t->conn.version);
    bool enc =
        s->rec_type == TLSA_CT_APPLICATION_DATA ||
        (s->encrypted && !t->null_cipher && !(tls13 && s->rec_type == TLSA_CT_CHANGE_CIPHER_SPEC));
    /* With keys, protected records of the handshake are collected whole to be decrypted. */
    s->rec_keys = enc && tlsa_tk_want(t, side, s->rec_type);
    s->keep_tail = enc && !s->rec_keys && tlsa_tk_follow(t, side);
    s->tail_n = 0;
    if (enc && !s->rec_keys) {
        s->rl_state = TLSA_RL_SKIP;
        s->skip_left = len;
    } else {
        s->rl_state = TLSA_RL_BODY;
    }
    return true;
}

/* Re-hunt from the second header byte on: put the rest of the bad header in the window. */
static void lose_sync(tlsa_side *s) {
    s->synced = false;
    s->rl_state = TLSA_RL_HEADER;
    s->win_n = 0;
    s->win_off = s->rec_start + 1;
    s->lost_at = s->rec_start;
    if (s->hdr_n > 1) {
        uint8_t *w = realloc(s->win, s->hdr_n);
        if (w) {
            s->win = w;
            s->win_cap = s->hdr_n;
            memcpy(s->win, s->hdr + 1, s->hdr_n - 1);
            s->win_n = s->hdr_n - 1;
        }
    }
    s->hdr_n = 0;
    tlsa_hs_reset(s);
}

size_t tlsa_rl_feed(tlsa_tls *t, int side, const uint8_t *data, size_t len) {
    tlsa_side *s = &t->side[side];
    tlsa_cur in = tlsa_cur_make(data, len);
    while (tlsa_cur_left(&in) > 0) {
        size_t left = tlsa_cur_left(&in);
        switch (s->rl_state) {
        case TLSA_RL_HEADER: {
            if (s->hdr_n == 0) {
                s->rec_start = s->off - left;
                s->rec_v2 = s->v2_next;
                s->v2_next = false;
            }
            size_t need = (s->rec_v2 ? 2u : 5u) - s->hdr_n;
            size_t n = left < need ? left : need;
            if (tlsa_cur_copy(&in, s->hdr + s->hdr_n, n))
                return in.pos;
            s->hdr_n += n;
            if (n < need)
                break;
            if (!take_header(t, side, s)) {
                lose_sync(s);
                return in.pos;
            }
            if (s->rl_state == TLSA_RL_BODY && !body_room(s, s->rec_len)) {
                tlsa_tls_problem(t, side, TLSA_E_NO_MEMORY, "record buffer");
                s->rl_state = TLSA_RL_SKIP;
                s->rec_keys = false;
                s->skip_left = s->rec_len;
            }
            if (s->rec_len == 0)
                emit(t, side, s);
            break;
        }
        case TLSA_RL_BODY: {
            size_t need = s->rec_len - s->body_n;
            size_t n = left < need ? left : need;
            if (tlsa_cur_copy(&in, s->body + s->body_n, n))
                return in.pos;
            s->body_n += n;
            if (s->body_n == s->rec_len)
                emit(t, side, s);
            break;
        }
        case TLSA_RL_SKIP: {
            size_t n = (uint64_t)left < s->skip_left ? left : (size_t)s->skip_left;
            if (s->keep_tail)
                keep_tail(s, tlsa_cur_ptr(&in), n);
            if (tlsa_cur_skip(&in, n))
                return in.pos;
            s->skip_left -= n;
            if (s->skip_left == 0)
                emit(t, side, s);
            break;
        }
        default:
            s->rl_state = TLSA_RL_HEADER;
            break;
        }
        if (!s->synced) /* the state machine may not drop sync, but be safe */
            return in.pos;
    }
    return len;
}

bool tlsa_rl_gap(tlsa_tls *t, int side, uint64_t len) {
    tlsa_side *s = &t->side[side];
    if (s->rl_state == TLSA_RL_SKIP && len <= s->skip_left) {
        /* The hole is inside a payload we skip anyway: the next header is still where the
         * record header said. */
        s->skip_left -= len;
        if (s->skip_left == 0)
            emit(t, side, s);
        return true;
    }
    s->synced = false;
    s->rl_state = TLSA_RL_HEADER;
    s->hdr_n = 0;
    s->body_n = 0;
    s->skip_left = 0;
    s->rec_keys = false;
    s->keep_tail = false;
    s->win_n = 0;
    tlsa_hs_reset(s);
    return false;
}
