/* Per-direction TCP reassembly: see reassembly.h for the rules. */
#include "reassembly.h"

#include <stdlib.h>
#include <string.h>

struct tlsa_rsm_seg {
    tlsa_rsm_seg *next;
    uint32_t seq;
    uint32_t len; /* sequence space covered (wire bytes) */
    uint32_t cap; /* bytes captured and held in data; the rest of len is a known loss */
    uint8_t data[];
};

/* Out-of-order pieces kept per direction at most (besides the byte limit): bounds the cost of an
 * insertion when a peer sends many tiny segments out of order. */
enum { MAX_PIECES = 4096 };

/* Position of seq relative to the next expected byte: negative = already delivered. */
static int64_t rel(const tlsa_rsm_dir *d, uint32_t seq) {
    return (int32_t)(seq - d->next);
}

static void emit_data(tlsa_rsm *r, int side, const uint8_t *p, size_t n, uint64_t frame,
                      tlsa_time ts) {
    if (n > 0 && !r->muted)
        r->ops->deliver(r->ctx, side, p, n, frame, ts);
}

static void emit_gap(tlsa_rsm *r, int side, uint64_t n, uint64_t frame) {
    if (n > 0 && !r->muted)
        r->ops->gap(r->ctx, side, n, frame);
}

static void emit_note(tlsa_rsm *r, int side, tlsa_tcp_note note) {
    if (r->ops->note && !r->muted)
        r->ops->note(r->ctx, side, note);
}

static void release(tlsa_rsm *r, tlsa_rsm_dir *d, tlsa_rsm_seg *s) {
    d->ooo_bytes -= s->cap;
    d->ooo_count--;
    if (!d->ooo)
        d->ooo_tail = NULL;
    if (r->buffered)
        *r->buffered -= s->cap;
    free(s);
}

/* Deliver every buffered segment that starts at or before the next expected byte. */
static void drain(tlsa_rsm *r, int side, uint64_t frame, tlsa_time ts) {
    tlsa_rsm_dir *d = &r->d[side];
    while (d->ooo && rel(d, d->ooo->seq) <= 0) {
        tlsa_rsm_seg *s = d->ooo;
        d->ooo = s->next;
        uint64_t skip = (uint64_t)-rel(d, s->seq);
        if (skip < s->len) {
            if (skip < s->cap)
                emit_data(r, side, s->data + skip, s->cap - skip, frame, ts);
            emit_gap(r, side, s->len - (skip > s->cap ? skip : s->cap), frame);
            d->next += (uint32_t)(s->len - skip);
        }
        release(r, d, s);
    }
}

/* Give up on the first hole: announce it as a gap and deliver what follows it. */
static void skip_hole(tlsa_rsm *r, int side, uint32_t upto, uint64_t frame, tlsa_time ts) {
    tlsa_rsm_dir *d = &r->d[side];
    if (d->ooo && rel(d, d->ooo->seq) < rel(d, upto))
        upto = d->ooo->seq;
    if (rel(d, upto) > 0) {
        emit_gap(r, side, (uint64_t)rel(d, upto), frame);
        d->next = upto;
    }
    drain(r, side, frame, ts);
}

/* True when the overlapping captured bytes of two copies differ. Offsets are relative to next. */
static bool differs(const uint8_t *a, int64_t a_lo, uint32_t a_cap, const uint8_t *b, int64_t b_lo,
                    uint32_t b_cap) {
    int64_t lo = a_lo > b_lo ? a_lo : b_lo;
    int64_t a_hi = a_lo + a_cap, b_hi = b_lo + b_cap;
    int64_t hi = a_hi < b_hi ? a_hi : b_hi;
    return lo < hi && memcmp(a + (lo - a_lo), b + (lo - b_lo), (size_t)(hi - lo)) != 0;
}

/* The segment starts at or before next and ends after it: deliver its new bytes in place, except
 * where buffered copies already cover them (first copy wins). */
static void in_order(tlsa_rsm *r, int side, uint32_t ds, const tlsa_segment *seg) {
    tlsa_rsm_dir *d = &r->d[side];
    bool conflict = false;
    for (;;) {
        int64_t pos = -rel(d, ds); /* first new byte, as an offset into the segment */
        if (pos >= seg->len)
            break;
        tlsa_rsm_seg *h = d->ooo;
        if (h && rel(d, h->seq) <= 0) {
            conflict |=
                differs(seg->payload, rel(d, ds), seg->caplen, h->data, rel(d, h->seq), h->cap);
            drain(r, side, seg->frame, seg->ts);
            continue;
        }
        int64_t limit = seg->len;
        if (h && pos + rel(d, h->seq) < limit)
            limit = pos + rel(d, h->seq);
        if (pos < seg->caplen) {
            int64_t cend = limit < seg->caplen ? limit : seg->caplen;
            emit_data(r, side, seg->payload + pos, (size_t)(cend - pos), seg->frame, seg->ts);
            emit_gap(r, side, (uint64_t)(limit - cend), seg->frame);
        } else {
            emit_gap(r, side, (uint64_t)(limit - pos), seg->frame);
        }
        d->next += (uint32_t)(limit - pos);
    }
    drain(r, side, seg->frame, seg->ts);
    if (conflict)
        emit_note(r, side, TLSA_TCP_NOTE_OVERLAP_CONFLICT);
}

/* Insert the piece [a, b) of the segment (offsets relative to next) before *link. */
static tlsa_rsm_seg *make_piece(tlsa_rsm *r, tlsa_rsm_dir *d, const tlsa_segment *seg, int64_t s,
                                int64_t a, int64_t b) {
    int64_t cap = s + seg->caplen - a;
    if (cap < 0)
        cap = 0;
    if (cap > b - a)
        cap = b - a;
    tlsa_rsm_seg *p = malloc(sizeof *p + (size_t)cap);
    if (!p)
        return NULL;
    p->seq = d->next + (uint32_t)a;
    p->len = (uint32_t)(b - a);
    p->cap = (uint32_t)cap;
    if (cap > 0)
        memcpy(p->data, seg->payload + (a - s), (size_t)cap);
    d->ooo_bytes += p->cap;
    d->ooo_count++;
    if (r->buffered)
        *r->buffered += p->cap;
    return p;
}

/* Buffer the parts of an out-of-order segment that no buffered copy covers yet. Returns false on
 * allocation failure (pieces inserted so far stay, which is harmless). */
static bool buffer(tlsa_rsm *r, int side, uint32_t ds, const tlsa_segment *seg) {
    tlsa_rsm_dir *d = &r->d[side];
    int64_t s = rel(d, ds), e = s + seg->len, cur = s;
    bool inserted = false, conflict = false;
    tlsa_rsm_seg **link = &d->ooo;
    if (d->ooo_tail && rel(d, d->ooo_tail->seq) + d->ooo_tail->len <= s)
        link = &d->ooo_tail->next; /* after everything buffered: the usual case after a loss */
    while (*link && cur < e) {
        tlsa_rsm_seg *x = *link;
        int64_t xs = rel(d, x->seq), xe = xs + x->len;
        if (xe <= cur) {
            link = &x->next;
            continue;
        }
        if (xs >= e)
            break;
        if (xs > cur) {
            tlsa_rsm_seg *p = make_piece(r, d, seg, s, cur, xs);
            if (!p)
                return false;
            p->next = x;
            *link = p;
            inserted = true;
        }
        conflict |= differs(seg->payload, s, seg->caplen, x->data, xs, x->cap);
        cur = xe;
        link = &x->next;
    }
    if (cur < e) {
        tlsa_rsm_seg *p = make_piece(r, d, seg, s, cur, e);
        if (!p)
            return false;
        p->next = *link;
        *link = p;
        if (!p->next)
            d->ooo_tail = p;
        inserted = true;
    }
    emit_note(r, side, inserted ? TLSA_TCP_NOTE_OUT_OF_ORDER : TLSA_TCP_NOTE_RETRANS);
    if (conflict)
        emit_note(r, side, TLSA_TCP_NOTE_OVERLAP_CONFLICT);
    return true;
}

static tlsa_err data(tlsa_rsm *r, int side, uint32_t ds, const tlsa_segment *seg) {
    tlsa_rsm_dir *d = &r->d[side];
    tlsa_err err = TLSA_E_OK;
    for (;;) {
        int64_t s = rel(d, ds);
        if (s == -1 && seg->len == 1)
            return err; /* a keep-alive: one old byte, not a retransmission */
        if (s + seg->len <= 0) {
            emit_note(r, side, TLSA_TCP_NOTE_RETRANS);
            return err;
        }
        if (s <= 0) {
            if (s < 0)
                emit_note(r, side, TLSA_TCP_NOTE_RETRANS);
            in_order(r, side, ds, seg);
            return err;
        }
        if (err == TLSA_E_OK && (uint64_t)d->ooo_bytes + seg->caplen <= r->max_buffer &&
            d->ooo_count < MAX_PIECES) {
            if (buffer(r, side, ds, seg))
                return err;
            err = TLSA_E_NO_MEMORY;
        }
        /* Over the limit (or out of memory): the first hole will not be waited for. */
        skip_hole(r, side, ds, seg->frame, seg->ts);
    }
}

/* The peer acknowledged everything before ack: holes before it will never be filled. */
static void acked(tlsa_rsm *r, int side, uint32_t ack, uint64_t frame, tlsa_time ts) {
    tlsa_rsm_dir *d = &r->d[side];
    if (!d->started)
        return;
    if (d->fin && rel(d, ack) > rel(d, d->fin_seq))
        ack = d->fin_seq; /* the FIN takes one sequence number but carries no byte */
    while (rel(d, ack) > 0)
        skip_hole(r, side, ack, frame, ts);
}

tlsa_err tlsa_rsm_segment(tlsa_rsm *r, int side, const tlsa_segment *seg) {
    if (r->muted || side < 0 || side > 1)
        return TLSA_E_OK;
    tlsa_rsm_dir *d = &r->d[side];
    if (seg->flags & TLSA_TCP_ACK)
        acked(r, 1 - side, seg->ack, seg->frame, seg->ts);
    uint32_t ds = seg->seq;
    if (seg->flags & TLSA_TCP_SYN) {
        ds = seg->seq + 1; /* the SYN takes one sequence number; data on it follows */
        if (!d->started) {
            d->started = true;
            d->next = ds;
        }
    }
    if (seg->flags & TLSA_TCP_RST)
        return TLSA_E_OK; /* RST payload is a diagnostic, not stream data; the flow ends */
    if (!d->started && seg->len > 0) {
        d->started = true; /* mid-stream: the first bytes we see start the stream */
        d->next = ds;
    }
    tlsa_err err = TLSA_E_OK;
    if (d->started && seg->len > 0)
        err = data(r, side, ds, seg);
    if ((seg->flags & TLSA_TCP_FIN) && d->started) {
        if (!d->fin) {
            d->fin = true;
            d->fin_seq = ds + seg->len;
        }
        /* Nothing more will come before the FIN: pending holes become gaps now. */
        for (;;) {
            uint32_t upto;
            if (d->ooo)
                upto = d->ooo->seq; /* skip_hole stops at the first buffered byte anyway */
            else if (rel(d, d->fin_seq) > 0)
                upto = d->fin_seq;
            else
                break;
            skip_hole(r, side, upto, seg->frame, seg->ts);
        }
    }
    return err;
}

void tlsa_rsm_init(tlsa_rsm *r, const tlsa_rsm_ops *ops, void *ctx, uint32_t max_buffer,
                   uint64_t *buffered) {
    memset(r, 0, sizeof *r);
    r->ops = ops;
    r->ctx = ctx;
    r->max_buffer = max_buffer;
    r->buffered = buffered;
}

void tlsa_rsm_finish(tlsa_rsm *r, uint64_t frame, tlsa_time ts) {
    for (int side = 0; side < 2; side++)
        while (r->d[side].ooo)
            skip_hole(r, side, r->d[side].ooo->seq, frame, ts);
}

void tlsa_rsm_free(tlsa_rsm *r) {
    for (int side = 0; side < 2; side++) {
        tlsa_rsm_dir *d = &r->d[side];
        while (d->ooo) {
            tlsa_rsm_seg *s = d->ooo;
            d->ooo = s->next;
            release(r, d, s);
        }
    }
}

void tlsa_rsm_mute(tlsa_rsm *r) {
    tlsa_rsm_free(r);
    r->muted = true;
}
