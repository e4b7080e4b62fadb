/* Private state of the TLS layer, shared by tls_stream.c (API, detection, resync), tls_record.c
 * (record layer), tls_handshake.c (message framing) and tls_conn.c (the state machine). */
#ifndef TLSA_TLS_INT_H
#define TLSA_TLS_INT_H

#include <stdarg.h>

#include "tls_stream.h"

/* Largest record body: 2^14 plus the 2048 bytes of expansion RFC 5246 §6.2.3 allows. */
#define TLSA_MAX_RECORD (16384u + 2048u)
/* Plaintext scanned per side for a TLS start before the flow is declared not TLS. */
#define TLSA_MAX_PRELUDE (64u * 1024u)

enum tlsa_rl_state { TLSA_RL_HEADER, TLSA_RL_BODY, TLSA_RL_SKIP };

/* One direction (transport side) of the connection. */
typedef struct tlsa_side {
    uint64_t off; /* stream offset of the next byte that arrives */

    /* Hunting (not synchronised to records): the window of unexamined bytes. */
    bool synced;
    bool ever_synced;
    uint8_t *win;
    size_t win_n, win_cap;
    uint64_t win_off; /* stream offset of win[0] */
    uint64_t scanned; /* bytes hunted through before the first sync */
    uint64_t lost_at; /* stream offset where synchronisation was lost */

    /* Record layer. */
    uint8_t rl_state;
    bool v2_next; /* the next record is an SSLv2-compatible ClientHello */
    uint8_t hdr[5];
    size_t hdr_n;
    uint8_t rec_type;
    uint16_t rec_version;
    uint32_t rec_len;
    bool rec_v2;
    uint64_t rec_start; /* stream offset of the record header */
    uint8_t *body;      /* the record being collected; grows to the largest record seen */
    size_t body_n, body_cap;
    uint64_t skip_left; /* encrypted payload bytes still to pass over */
    bool encrypted;     /* this side's records are protected from now on */
    bool rec_keys;      /* this protected record is collected whole, to be decrypted */
    bool keep_tail;     /* this skipped record advances the keys: keep its last bytes */
    uint8_t tail[64];   /* the last cipher block and, with encrypt_then_mac, the MAC after it */
    uint8_t tail_n;

    /* Handshake framing. */
    uint8_t *hs;
    size_t hs_n, hs_cap;
    uint64_t hs_start; /* stream offset of the buffered message's header */
    uint64_t hs_skip;  /* bytes of an oversize message still to drop */
} tlsa_side;

/* Per-handshake progress (reset on renegotiation). */
typedef struct tlsa_hs_state {
    bool ch_seen, hrr_seen, sh_seen;
    bool server_cert, server_kex, client_kex;
    bool fin[2];      /* Finished seen, by tlsa_dir */
    bool fin_read[2]; /* that Finished was read (cleartext or decrypted), not guessed */
    bool fin_after_ccs[2];
    bool server_fin_first;       /* resumption: the server finished before the client */
    uint32_t enc_server_records; /* TLS 1.3 encrypted server flight records */
    bool ccs[2];                 /* ChangeCipherSpec seen (clear or encrypted), by tlsa_dir */
    bool reneg;                  /* a renegotiation inside the encrypted channel is under way */
    bool eoed;
    bool client_flight;
    /* TLS 1.3: client records that are neither Finished nor alerts */ /* TLS 1.3: the client's
                                                                          EndOfEarlyData was
                                                                          placed */
} tlsa_hs_state;

struct tlsa_tls {
    tlsa_conn conn;
    tlsa_limits limits;
    tlsa_on_step on_step;
    void *user;
    bool syn_seen;
    tlsa_tls_verdict verdict;
    int dir_of[2];    /* transport side → tlsa_dir */
    bool roles_known; /* a hello fixed the roles */
    tlsa_side side[2];
    tlsa_hs_state hs;
    bool early_records; /* TLS 1.3 client records before the ServerHello */
    bool ch_offers_13;
    bool null_cipher; /* NULL encryption negotiated: "protected" records stay readable */
    uint8_t null_mac; /* MAC bytes at the end of each such record */
    bool finalized;
    uint32_t hb_len[2]; /* protected heartbeat awaiting its response: record length, by dir */
    uint64_t frame;     /* the packet being processed */
    tlsa_time ts;

    /* Keys (tls_keys.c): NULL keys when none were configured. */
    struct tlsa_keys_conn *keys;
    struct tlsa_session_cache *sessions; /* the engine's, for resumption across connections */
    tlsa_keylog *keylog;
    const tlsa_rsa_key *rsa_key;
    uint8_t *krec, *kout;    /* a whole protected record and its plaintext */
    bool kshared;            /* krec/kout are the engine's (tlsa_tls_init.key_scratch) */
    bool keys_done[2];       /* by tlsa_dir: its first Finished went by; both: stop decrypting */
    bool in_decrypted;       /* the record being handled was decrypted: steps say so */
    bool any_decrypted;      /* a protected handshake record was decrypted */
    uint32_t decrypt_failed; /* records the keys did not open */
    bool transcript_gap;     /* one of them may have held a handshake message: no mismatch */
};

/* A complete record as the record layer hands it to the state machine. */
typedef struct tlsa_rec {
    uint8_t type;
    uint16_t version;
    bool v2;        /* SSLv2-compatible ClientHello (payload starts at msg_type) */
    bool encrypted; /* payload not kept */
    bool decrypted; /* payload is the plaintext of a protected record */
    const uint8_t *payload;
    uint32_t len;
    uint64_t start, end; /* stream offsets, header included */
} tlsa_rec;

/* TLS 1.3, final (0x0304) or a draft (0x7fNN). */
static inline bool tlsa_v_is_13(uint16_t v) {
    return v == TLSA_V_TLS13 || (v >> 8) == 0x7f;
}

/* tls_stream.c */
void tlsa_tls_problem(tlsa_tls *t, int side, tlsa_err err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* tls_record.c: feeds synchronised bytes; returns how many were consumed. Fewer than len means
 * the side lost synchronisation (side->synced is false and the window holds the bytes of the bad
 * header after its first one): the caller hunts through the rest. */
size_t tlsa_rl_feed(tlsa_tls *t, int side, const uint8_t *data, size_t len);
/* Drop any partial record (gap). Returns true when the side stays synchronised (the gap fell
 * inside an encrypted payload that is skipped anyway). */
bool tlsa_rl_gap(tlsa_tls *t, int side, uint64_t len);
/* Plausible record header at p (5 bytes): type 20-24, version 3.0-3.4, length within bounds. */
bool tlsa_rl_plausible(const uint8_t *p);

/* tls_handshake.c: the payload of a cleartext handshake record. */
void tlsa_hs_feed(tlsa_tls *t, int side, const uint8_t *p, size_t len, uint64_t start_off);
void tlsa_hs_reset(tlsa_side *s);

/* tls_conn.c: a complete record; the end of the connection. */
void tlsa_conn_record(tlsa_tls *t, int side, const tlsa_rec *r);
void tlsa_conn_finalize(tlsa_tls *t);

/* tls_messages.c: a complete cleartext handshake message (body without its 4-byte header);
 * start/end: stream offsets of the message, header included. */
void tlsa_conn_message(tlsa_tls *t, int side, uint8_t type, const uint8_t *body, size_t len,
                       uint64_t start, uint64_t end);
/* A ClientHello body; v2: the SSLv2-compatible form, body from msg_type on. */
void tlsa_conn_client_hello(tlsa_tls *t, int side, const uint8_t *b, size_t len, uint64_t start,
                            uint64_t end, bool v2);

/* tls_keys.c: the seam to the keys core (keys_internal.h). All are no-ops without keys. */
void tlsa_tk_init(tlsa_tls *t, tlsa_keylog *kl, const tlsa_rsa_key *rsa, const uint8_t *psk,
                  size_t psk_len);
void tlsa_tk_free(tlsa_tls *t);
/* Whether a protected record of this outer type from this side should be collected whole and
 * decrypted. */
bool tlsa_tk_want(const tlsa_tls *t, int side, uint8_t type);
/* After the handshake (TLS <= 1.2): whether skipped application data must still advance the keys
 * (their sequence number, the TLS 1.0 CBC IV: from the record's last bytes, tail). */
bool tlsa_tk_follow(const tlsa_tls *t, int side);
void tlsa_tk_skip(tlsa_tls *t, int side, const uint8_t hdr[5], uint32_t len, const uint8_t *tail,
                  size_t tail_n);
/* A whole record with its body (hdr: its 5-byte header, unused for SSLv2): decrypts it when it
 * is protected (prot: collected for decryption) and hands the result to tlsa_conn_record. */
void tlsa_tk_record(tlsa_tls *t, int side, const tlsa_rec *r, const uint8_t hdr[5], bool prot);
/* A whole handshake message (4-byte header included), before the state machine places it. */
void tlsa_tk_message(tlsa_tls *t, int side, const uint8_t *msg, size_t len);
/* Text added to a step's note for the check of a message just placed ("" when none). */
const char *tlsa_tk_finished_note(tlsa_tls *t, int dir);
const char *tlsa_tk_cert_verify_note(tlsa_tls *t, int dir);
const char *tlsa_tk_cke_note(tlsa_tls *t);
/* Fills the record's keys fields (decrypted, finished_check, cv_check, keys_note). */
void tlsa_tk_finalize(tlsa_tls *t);

/* tls_steps.c */
bool tlsa_conn_is_13(const tlsa_tls *t);
/* Record one step (dir: tlsa_dir) in the current frame and report it; beyond limits.max_steps
 * it is counted as dropped and still reported. */
void tlsa_conn_add_step(tlsa_tls *t, int dir, uint8_t step, uint8_t type, bool enc, uint32_t len,
                        uint64_t start, uint64_t end, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
void tlsa_conn_add_stepv(tlsa_tls *t, int dir, uint8_t step, uint8_t type, bool enc, uint32_t len,
                         uint64_t start, uint64_t end, const char *fmt, va_list ap)
    __attribute__((format(printf, 9, 0)));
void tlsa_conn_add_alert(tlsa_tls *t, int dir, bool enc, uint8_t level, uint8_t desc);
void tlsa_conn_swap_roles(tlsa_tls *t);
/* A hello tells who the client is; without a SYN it wins over the packet order. */
void tlsa_conn_learn_roles(tlsa_tls *t, int side, bool client_hello);
/* The whole conversation is in view: order checks make sense. */
bool tlsa_conn_stream_whole(const tlsa_tls *t);
void tlsa_conn_unexpected(tlsa_tls *t, int side, uint8_t type, const char *why);
void tlsa_conn_parse_problem(tlsa_tls *t, int side, uint8_t type, tlsa_err e);
bool tlsa_conn_offers_early_data(const tlsa_tls *t);

#endif
