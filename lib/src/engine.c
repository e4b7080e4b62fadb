/* The engine: packets → segments → flows → reassembled streams → the TLS layer
 * → records.
 *
 * Connection numbering: a flow gets its index (from 0 per input, see
 * tlsa_engine_reset_index) when the TLS layer first says TLSA_TLS_YES, or when
 * it ends and returns a record without having said so before. Non-TLS flows
 * therefore never use up a number, and the numbering depends only on the order
 * of the packets, not on when flows happen to be evicted or flushed. */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "flow.h"
#include "keys_internal.h"
#include "packet.h"
#include "reassembly.h"
#include "tls_stream.h"

#define TLSA_MAX_SEGMENT_LEN (1u << 24)
#include "tlsaudit/engine.h"

struct tlsa_engine {
    tlsa_engine_config cfg;
    tlsa_flows flows;
    tlsa_engine_stats st;
    uint64_t rsm_buffered; /* out-of-order bytes held by the reassemblers */
    uint64_t tls_buffered; /* partial records/messages held by the TLS layer */
    uint32_t next_index;
    tlsa_session_cache *sessions; /* with keys: TLS <= 1.2 sessions for resumption */
    uint8_t *key_scratch;         /* with keys: one record being decrypted, for every flow */
};

void tlsa_limits_default(tlsa_limits *l) {
    if (!l)
        return;
    l->max_flows = 65536;
    l->max_total_buffer = 64u * 1024 * 1024;
    l->max_flow_buffer = 1024 * 1024;
    l->max_message = 256 * 1024;
    l->max_certs = 32;
    l->max_steps = 256;
    l->max_extensions = 256;
    l->max_problems = 32;
    l->idle_timeout = 600;
}

/* ---- reassembly → TLS layer ---- */

/* The TLS layer exists from a flow's first payload on (see
 * tlsa_engine_segment); before that there is nothing to deliver to. */
static void on_data(void *ctx, int side, const uint8_t *p, size_t n, uint64_t frame, tlsa_time ts) {
    tlsa_flow *f = ctx;
    if (f->tls)
        tlsa_tls_data(f->tls, side, p, n, frame, ts);
}

static void on_gap(void *ctx, int side, uint64_t n, uint64_t frame) {
    tlsa_flow *f = ctx;
    if (f->tls)
        tlsa_tls_gap(f->tls, side, n, frame);
}

static void on_note(void *ctx, int side, tlsa_tcp_note note) {
    tlsa_flow *f = ctx;
    if (f->tls)
        tlsa_tls_tcp_note(f->tls, side, note);
}

static const tlsa_rsm_ops rsm_ops = {on_data, on_gap, on_note};

static void update_buffered(tlsa_engine *e, tlsa_flow *f) {
    size_t now = f->tls ? tlsa_tls_buffered(f->tls) : 0;
    e->tls_buffered = e->tls_buffered - f->tls_buffered + now;
    f->tls_buffered = now;
    e->st.buffered_bytes = e->rsm_buffered + e->tls_buffered;
    if (e->st.buffered_bytes > e->st.peak_buffered_bytes)
        e->st.peak_buffered_bytes = e->st.buffered_bytes;
}

/* ---- connection lifecycle ---- */

static void start_conn(tlsa_engine *e, tlsa_flow *f) {
    tlsa_rsm_init(&f->rsm, &rsm_ops, f, e->cfg.limits.max_flow_buffer, &e->rsm_buffered);
}

/* The TLS state (about 1.6 KB) is made on the first payload byte, so that flows
 * that never carry data (scans, SYN floods) cost only their flow entry. */
static tlsa_err start_tls(tlsa_engine *e, tlsa_flow *f) {
    tlsa_tls_init init = {
        .limits = &e->cfg.limits,
        .side = {f->ep[0], f->ep[1]},
        .syn_seen = f->syn_seen,
        .first_frame = f->first_frame,
        .first_ts = f->first_ts,
        .on_step = e->cfg.on_step,
        .user = e->cfg.user,
        .sessions = e->sessions,
        .keylog = e->cfg.keylog,
        .rsa_key = e->cfg.rsa_key,
        .psk = e->cfg.psk,
        .psk_len = e->cfg.psk_len,
        .key_scratch = e->key_scratch,
    };
    f->tls = tlsa_tls_new(&init);
    if (!f->tls) {
        f->rsm.muted = true; /* nothing to deliver to; the flow is still tracked */
        return TLSA_E_NO_MEMORY;
    }
    return TLSA_E_OK;
}

/* The end callback of the flow table: flush the streams, report the record,
 * release. */
static void end_conn(void *ctx, tlsa_flow *f, int reason) {
    tlsa_engine *e = ctx;
    if (f->tls && reason != TLSA_FLOW_DISCARD) {
        tlsa_rsm_finish(&f->rsm, f->last_frame, f->last_ts);
        /* The flow keeps the last segment's frame; the record takes it once, not per packet. */
        tlsa_tls_touch(f->tls, f->last_frame, f->last_ts);
        tlsa_conn *c = tlsa_tls_finish(f->tls, reason);
        if (c) {
            if (!f->indexed) {
                f->indexed = true;
                f->index = e->next_index++;
            }
            c->index = f->index;
            e->st.tls_connections++;
            if (e->cfg.auditor && tlsa_audit_conn(e->cfg.auditor, c) != TLSA_E_OK) {
                /* The record still goes out, with whatever the audit managed to add. */
            }
            if (e->cfg.on_conn)
                e->cfg.on_conn(c, e->cfg.user);
        }
    }
    tlsa_rsm_free(&f->rsm);
    if (f->tls)
        tlsa_tls_free(f->tls);
    f->tls = NULL;
    e->tls_buffered -= f->tls_buffered;
    f->tls_buffered = 0;
    e->st.buffered_bytes = e->rsm_buffered + e->tls_buffered;
}

/* ---- public API ---- */

tlsa_engine *tlsa_engine_new(const tlsa_engine_config *cfg) {
    if (!cfg)
        return NULL;
    tlsa_engine *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->cfg = *cfg;
    if (cfg->keylog || cfg->rsa_key || (cfg->psk && cfg->psk_len)) {
        e->sessions = calloc(1, sizeof *e->sessions);
        e->key_scratch = calloc(1, TLSA_KEYS_SCRATCH);
        if (!e->sessions || !e->key_scratch) {
            free(e->sessions);
            free(e->key_scratch);
            free(e);
            return NULL;
        }
    }
    if (tlsa_flows_init(&e->flows, cfg->limits.max_flows, cfg->limits.idle_timeout, end_conn, e) !=
        TLSA_E_OK) {
        tlsa_flows_free(&e->flows);
        free(e->sessions);
        free(e->key_scratch);
        free(e);
        return NULL;
    }
    return e;
}

void tlsa_engine_free(tlsa_engine *e) {
    if (!e)
        return;
    tlsa_flows_free(&e->flows);
    if (e->sessions)
        OPENSSL_cleanse(e->sessions, sizeof *e->sessions);
    free(e->sessions);
    if (e->key_scratch)
        OPENSSL_cleanse(e->key_scratch, TLSA_KEYS_SCRATCH);
    free(e->key_scratch);
    free(e);
}

void tlsa_engine_reset_index(tlsa_engine *e) {
    if (e)
        e->next_index = 0;
}

tlsa_err tlsa_engine_segment(tlsa_engine *e, const tlsa_segment *seg) {
    if (!e || !seg || (seg->caplen > 0 && !seg->payload) ||
        (seg->src.addr.family != 4 && seg->src.addr.family != 6) ||
        seg->dst.addr.family != seg->src.addr.family)
        return TLSA_E_INVALID_ARGUMENT;
    tlsa_segment s = *seg;
    if (s.len < s.caplen)
        s.len = s.caplen;
    /* Sequence arithmetic is modulo 2^32: a segment claiming more than 2^24 bytes
     * (a hostile wire length; real segments, TSO included, stay far below) would
     * wrap it. */
    if (s.len > TLSA_MAX_SEGMENT_LEN) {
        e->st.bad_packets++;
        return TLSA_E_BAD_PACKET;
    }
    e->st.tcp_segments++;

    tlsa_flow *f;
    int side;
    bool is_new;
    tlsa_err err = tlsa_flows_track(&e->flows, &s, &f, &side, &is_new);
    if (err != TLSA_E_OK || !f || f->closed)
        return err;
    if (is_new)
        start_conn(e, f);
    if (!f->tls && s.len > 0 && !f->rsm.muted)
        err = start_tls(e, f);
    /* Reassembly sees every segment (the SYN gives the initial sequence number).
     */
    tlsa_err rerr = tlsa_rsm_segment(&f->rsm, side, &s);
    if (err == TLSA_E_OK)
        err = rerr;
    if (f->tls) {
        tlsa_tls_verdict v = tlsa_tls_verdict_of(f->tls);
        if (v == TLSA_TLS_YES && !f->indexed) {
            f->indexed = true;
            f->index = e->next_index++;
        } else if (v == TLSA_TLS_NO && !f->rsm.muted) {
            tlsa_rsm_mute(&f->rsm); /* stop feeding; FIN/RST tracking goes on */
        }
        update_buffered(e, f);
    }
    /* All flows together stay under max_total_buffer: finish the least recently active ones
     * (reported as evicted, never dropped) until the bytes they hold fit. */
    while (e->cfg.limits.max_total_buffer &&
           e->rsm_buffered + e->tls_buffered > e->cfg.limits.max_total_buffer &&
           e->flows.open_lru.head && e->flows.open_lru.head != f) {
        e->flows.evicted++;
        tlsa_flows_end(&e->flows, e->flows.open_lru.head, TLSA_END_EVICTED);
    }
    tlsa_flows_after(&e->flows, f);
    return err;
}

tlsa_err tlsa_engine_packet(tlsa_engine *e, int linktype, tlsa_time ts, uint64_t frame,
                            const uint8_t *data, uint32_t caplen, uint32_t origlen) {
    if (!e)
        return TLSA_E_INVALID_ARGUMENT;
    e->st.packets++;
    e->st.bytes += origlen > caplen ? origlen : caplen;
    tlsa_segment seg;
    tlsa_pkt_kind kind;
    tlsa_err err = tlsa_packet_decode(linktype, data, caplen, origlen, &seg, &kind);
    switch (err) {
    case TLSA_E_OK:
        break;
    case TLSA_E_UNSUPPORTED_LINKTYPE:
        e->st.unsupported_linktype = (uint32_t)linktype;
        return err;
    case TLSA_E_BAD_PACKET:
        e->st.bad_packets++;
        return err;
    default:
        return err;
    }
    switch (kind) {
    case TLSA_PKT_TCP:
        seg.frame = frame;
        seg.ts = ts;
        return tlsa_engine_segment(e, &seg);
    case TLSA_PKT_FRAGMENT:
        e->st.ip_fragments++;
        return TLSA_E_OK;
    case TLSA_PKT_SKIP:
    default:
        e->st.skipped_packets++;
        return TLSA_E_OK;
    }
}

void tlsa_engine_flush(tlsa_engine *e) {
    if (e)
        tlsa_flows_flush(&e->flows);
}

void tlsa_engine_get_stats(const tlsa_engine *e, tlsa_engine_stats *out) {
    if (!e || !out)
        return;
    *out = e->st;
    out->flows = e->flows.started;
    out->flows_evicted = e->flows.evicted;
    out->live_flows = e->flows.open;
    out->peak_flows = e->flows.peak_open;
    out->buffered_bytes = e->rsm_buffered + e->tls_buffered;
}
