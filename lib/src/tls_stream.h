/* The seam between the transport (flow.c, reassembly.c) and the TLS layer (tls_*.c).
 * The transport delivers each direction's bytes in order, exactly once, with gaps announced;
 * the TLS layer detects TLS, parses records and handshake messages, and fills the record. */
#ifndef TLSA_TLS_STREAM_H
#define TLSA_TLS_STREAM_H

#include "tlsaudit/engine.h"

typedef struct tlsa_tls tlsa_tls;

/* A whole protected record (header + at most 2^14 + 2048 bytes) and its plaintext. */
#define TLSA_KEYS_SCRATCH (5u + 2u * (16384u + 2048u))

/* Orientation as the transport sees it: side 0 is the flow's initiator (the SYN sender, or the
 * sender of the first packet seen when there was no SYN). The TLS layer maps sides to client and
 * server: when no SYN was seen and side 1 sends a ClientHello (or side 0 a ServerHello), it swaps
 * the roles in the record (client/server endpoints, dir stats) and keeps mapping internally. */
typedef struct tlsa_tls_init {
    const tlsa_limits *limits;
    tlsa_endpoint side[2];
    bool syn_seen; /* roles are known from the TCP handshake */
    uint64_t first_frame;
    tlsa_time first_ts;
    tlsa_on_step on_step; /* may be NULL */
    void *user;
    struct tlsa_session_cache *sessions; /* may be NULL: resumption across connections */
    tlsa_keylog *keylog;                 /* may be NULL */
    const tlsa_rsa_key *rsa_key;         /* may be NULL */
    const uint8_t *psk;                  /* may be NULL: plain PSK suites */
    size_t psk_len;
    /* With keys: TLSA_KEYS_SCRATCH bytes the connections of one engine share to decrypt a record
     * (one record is handled at a time); NULL: each connection allocates its own. */
    uint8_t *key_scratch;
} tlsa_tls_init;

/* NULL on allocation failure. */
tlsa_tls *tlsa_tls_new(const tlsa_tls_init *init);
void tlsa_tls_free(tlsa_tls *t);

/* In-order stream bytes from one side. frame/ts: the packet that carried them (its last byte
 * arrived in that frame). The bytes are only valid during the call: copy what you keep. */
void tlsa_tls_data(tlsa_tls *t, int side, const uint8_t *data, size_t len, uint64_t frame,
                   tlsa_time ts);

/* len bytes of one side's stream will never arrive (loss, snaplen truncation, buffer limit).
 * The TLS layer drops the partial record/message, notes a problem and resynchronises on the next
 * plausible record header. */
void tlsa_tls_gap(tlsa_tls *t, int side, uint64_t len, uint64_t frame);

/* Transport-level observations, counted in the record's dir stats. */
typedef enum {
    TLSA_TCP_NOTE_RETRANS,
    TLSA_TCP_NOTE_OVERLAP_CONFLICT,
    TLSA_TCP_NOTE_OUT_OF_ORDER
} tlsa_tcp_note;
void tlsa_tls_tcp_note(tlsa_tls *t, int side, tlsa_tcp_note note);

/* Every packet of the flow (with or without payload) updates last_frame/last_ts. */
void tlsa_tls_touch(tlsa_tls *t, uint64_t frame, tlsa_time ts);

typedef enum {
    TLSA_TLS_UNDECIDED = 0, /* no verdict yet: keep feeding */
    TLSA_TLS_YES = 1,       /* TLS found */
    TLSA_TLS_NO = -1,       /* not TLS: the transport may stop feeding bytes (still touch/finish) */
} tlsa_tls_verdict;
tlsa_tls_verdict tlsa_tls_verdict_of(const tlsa_tls *t);

/* The connection ends (reason: enum tlsa_end_reason). Finalises derived fields (complete,
 * last_step, resumed…) and returns the record, or NULL when the flow never carried TLS. The
 * record stays owned by t until tlsa_tls_free. */
tlsa_conn *tlsa_tls_finish(tlsa_tls *t, int end_reason);

/* Bytes currently buffered inside the TLS layer (partial records and messages), for limits. */
size_t tlsa_tls_buffered(const tlsa_tls *t);

#endif
