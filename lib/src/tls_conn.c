/* The connection state machine: places every record and handshake message on a step of
 * design §2 and fills the connection record. A passive observer: unexpected messages are noted
 * as problems and observation goes on. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "msg.h"
#include "tls_int.h"
#include "tlsaudit/names.h"

#define EXT_EARLY_DATA 42u

static bool is_tls13(const tlsa_tls *t) {
    return tlsa_v_is_13(t->conn.version);
}

static uint16_t hs_index(const tlsa_tls *t) {
    return t->conn.handshakes > 0 ? (uint16_t)(t->conn.handshakes - 1) : 0;
}

/* Record one step and report it. Steps beyond the limit are counted, still reported. */
static void add_step(tlsa_tls *t, int dir, uint8_t step, uint8_t type, bool enc, uint32_t len,
                     uint64_t start, uint64_t end, const char *fmt, ...)
    __attribute__((format(printf, 9, 10)));
static void add_step(tlsa_tls *t, int dir, uint8_t step, uint8_t type, bool enc, uint32_t len,
                     uint64_t start, uint64_t end, const char *fmt, ...) {
    tlsa_conn *c = &t->conn;
    tlsa_step s = {.step = step,
                   .who = (uint8_t)dir,
                   .msg_type = type,
                   .encrypted = enc,
                   .handshake = hs_index(t),
                   .length = len,
                   .frame = t->frame,
                   .ts = t->ts,
                   .stream_start = start,
                   .stream_end = end};
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(s.note, sizeof(s.note), fmt, ap);
        va_end(ap);
    }
    if (step > c->last_step)
        c->last_step = step;
    tlsa_step *kept = NULL;
    uint32_t n = c->steps.n;
    if (n < t->limits.max_steps) {
        /* Capacity is 8, then doubles: grow when n reaches it. */
        uint32_t cap = n == 0 ? 8 : (n >= 8 && (n & (n - 1)) == 0) ? n * 2 : 0;
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

static void swap_roles(tlsa_tls *t) {
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
static void learn_roles(tlsa_tls *t, int side, bool client_hello) {
    if (t->roles_known)
        return;
    t->roles_known = true;
    if (t->syn_seen)
        return;
    int dir = t->dir_of[side];
    if ((client_hello && dir != TLSA_FROM_CLIENT) || (!client_hello && dir != TLSA_FROM_SERVER))
        swap_roles(t);
}

/* Order checks only make sense when the whole conversation is in view: the TCP handshake was
 * seen and no bytes are missing (a hole or a late start may have swallowed a message). */
static bool stream_whole(const tlsa_tls *t) {
    const tlsa_conn *c = &t->conn;
    return t->syn_seen && c->dir[0].gaps == 0 && c->dir[1].gaps == 0 && c->dir[0].bytes > 0;
}

static void unexpected(tlsa_tls *t, int side, uint8_t type, const char *why) {
    tlsa_tls_problem(t, side, TLSA_E_UNEXPECTED_MESSAGE, "%s %s", tlsa_message_name(type), why);
}

static void parse_problem(tlsa_tls *t, int side, uint8_t type, tlsa_err e) {
    if (e != TLSA_E_OK)
        tlsa_tls_problem(t, side, e, "%s: %s", tlsa_message_name(type), tlsa_strerror(e));
}

static bool has_early_data_ext(const tlsa_tls *t) {
    return tlsa_u16_list_has(&t->conn.ch.extensions, EXT_EARLY_DATA);
}

/* ---- handshake messages ------------------------------------------------------------------ */

static void on_client_hello(tlsa_tls *t, int side, const uint8_t *b, size_t len, uint64_t start,
                            uint64_t end, bool v2) {
    tlsa_conn *c = &t->conn;
    tlsa_hs_state *h = &t->hs;
    int dir = t->dir_of[side];
    const char *again = NULL;
    if (h->ch_seen) {
        if (h->hrr_seen && !h->sh_seen) {
            again = "second ClientHello, after HelloRetryRequest";
        } else if (h->fin[0] && h->fin[1]) {
            c->handshakes++;
            memset(h, 0, sizeof(*h));
            h->ch_seen = true;
            again = "renegotiation: a new handshake";
        } else {
            unexpected(t, side, TLSA_HS_CLIENT_HELLO, "again before the handshake completed");
            again = "ClientHello again";
        }
    }
    if (dir != TLSA_FROM_CLIENT)
        unexpected(t, side, TLSA_HS_CLIENT_HELLO, "from the server");
    if (!c->ch.present) {
        tlsa_err e = v2 ? tlsa_msg_sslv2_client_hello(b, len, &c->ch)
                        : tlsa_msg_client_hello(b, len, &t->limits, &c->ch);
        parse_problem(t, side, TLSA_HS_CLIENT_HELLO, e);
        c->ch.present = true;
        c->ch.frame = t->frame;
        if (v2)
            c->ch.sslv2_format = true;
        for (uint32_t i = 0; i < c->ch.versions.n; i++)
            if (tlsa_v_is_13(c->ch.versions.v[i]))
                t->ch_offers_13 = true;
    }
    if (c->handshakes == 0)
        c->handshakes = 1;
    h->ch_seen = true;
    if (again)
        add_step(t, dir, 1, TLSA_HS_CLIENT_HELLO, false, (uint32_t)len, start, end, "%s", again);
    else if (c->ch.sni.len)
        add_step(t, dir, 1, TLSA_HS_CLIENT_HELLO, false, (uint32_t)len, start, end,
                 "%s%u cipher suites, SNI %.*s", v2 ? "SSLv2 format, " : "", c->ch.suites.n,
                 (int)(c->ch.sni.len > 48 ? 48 : c->ch.sni.len), (const char *)c->ch.sni.data);
    else
        add_step(t, dir, 1, TLSA_HS_CLIENT_HELLO, false, (uint32_t)len, start, end,
                 "%s%u cipher suites, no SNI", v2 ? "SSLv2 format, " : "", c->ch.suites.n);
}

/* Kind of key exchange from the negotiated suite. */
static void set_kex_kind(tlsa_tls *t) {
    tlsa_conn *c = &t->conn;
    if (is_tls13(t)) {
        c->kex.kind = TLSA_KEX_TLS13;
        c->kex.group = c->sh.key_share_group;
        return;
    }
    const tlsa_suite_info *si = tlsa_suite_lookup(c->suite);
    c->kex.kind = si ? si->kex : TLSA_KEX_UNKNOWN;
    /* NULL encryption (RFC 5246 §6.2.3.1): records after ChangeCipherSpec are plaintext followed
     * by the MAC, readable by anyone. */
    if (si && si->cipher == TLSA_CIPHER_NULL) {
        t->null_cipher = true;
        const char *mac = si->mac ? si->mac : "";
        t->null_mac = strcmp(mac, "MD5") == 0      ? 16
                      : strcmp(mac, "SHA") == 0    ? 20
                      : strcmp(mac, "SHA256") == 0 ? 32
                      : strcmp(mac, "SHA384") == 0 ? 48
                                                   : 0;
    }
}

static void on_server_hello(tlsa_tls *t, int side, const uint8_t *b, size_t len, uint64_t start,
                            uint64_t end) {
    tlsa_conn *c = &t->conn;
    tlsa_hs_state *h = &t->hs;
    int dir = t->dir_of[side];
    tlsa_server_hello tmp;
    memset(&tmp, 0, sizeof(tmp));
    bool hrr = false;
    tlsa_err e = tlsa_msg_server_hello(b, len, &t->limits, &tmp, &hrr);
    parse_problem(t, side, TLSA_HS_SERVER_HELLO, e);
    tmp.present = true;
    tmp.frame = t->frame;
    if (dir != TLSA_FROM_SERVER)
        unexpected(t, side, TLSA_HS_SERVER_HELLO, "from the client");
    if (!h->ch_seen && stream_whole(t))
        unexpected(t, side, TLSA_HS_SERVER_HELLO, "before any ClientHello");
    bool first = c->handshakes <= 1;
    if (hrr) {
        if (h->hrr_seen)
            unexpected(t, side, TLSA_HS_HELLO_RETRY_REQUEST, "a second time");
        h->hrr_seen = true;
        uint16_t group = tmp.hrr_group;
        if (first && !c->sh.present) {
            c->sh = tmp;
            c->sh.hrr = true;
            if (c->sh.version)
                c->version = c->sh.version;
        } else {
            tlsa_server_hello_clear(&tmp);
        }
        add_step(t, dir, 2, TLSA_HS_HELLO_RETRY_REQUEST, false, (uint32_t)len, start, end,
                 "asks the client to retry with group %s", tlsa_group_name(group));
        return;
    }
    if (h->sh_seen)
        unexpected(t, side, TLSA_HS_SERVER_HELLO, "a second time in one handshake");
    h->sh_seen = true;
    if (first && !t->conn.has_suite) {
        bool had_hrr = c->sh.hrr;
        uint16_t hrr_group = c->sh.hrr_group;
        tlsa_server_hello_clear(&c->sh);
        c->sh = tmp;
        c->sh.hrr = had_hrr || h->hrr_seen;
        if (c->sh.hrr)
            c->sh.hrr_group = hrr_group;
        c->version = c->sh.version ? c->sh.version : c->sh.legacy_version;
        c->suite = c->sh.suite;
        c->has_suite = true;
        set_kex_kind(t);
    } else {
        tlsa_server_hello_clear(&tmp);
    }
    if (is_tls13(t)) {
        /* Everything after the ServerHello is protected, in both directions. */
        t->side[0].encrypted = t->side[1].encrypted = true;
        if (c->sh.psk_selected)
            c->resumed = true;
    } else if (first && c->ch.session_id.len > 0 && c->sh.session_id.len == c->ch.session_id.len &&
               memcmp(c->sh.session_id.data, c->ch.session_id.data, c->ch.session_id.len) == 0) {
        c->resumed = true;
    }
    add_step(t, dir, 2, TLSA_HS_SERVER_HELLO, false, (uint32_t)len, start, end, "%s, %s%s",
             tlsa_version_name(c->version), tlsa_suite_name(c->suite),
             c->resumed ? ", resumes a session" : "");
}

static void on_certificate(tlsa_tls *t, int side, const uint8_t *b, size_t len, uint64_t start,
                           uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    bool server = dir == TLSA_FROM_SERVER;
    tlsa_blob_list *chain = server ? &c->server_chain : &c->client_chain;
    tlsa_blob_list tmp = {0};
    bool keep = chain->n == 0;
    tlsa_blob_list *into = keep ? chain : &tmp;
    tlsa_err e = tlsa_msg_certificate(b, len, is_tls13(t), &t->limits, into);
    parse_problem(t, side, TLSA_HS_CERTIFICATE, e);
    uint32_t n = into->n;
    size_t bytes = 0;
    for (uint32_t i = 0; i < n; i++)
        bytes += into->v[i].len;
    tlsa_blob_list_clear(&tmp);
    if (keep && server) {
        c->server_chain_frame = t->frame;
        c->server_chain_ts = t->ts;
    } else if (keep) {
        c->client_chain_frame = t->frame;
    }
    if (server)
        t->hs.server_cert = true;
    add_step(t, dir, server ? 2 : 5, TLSA_HS_CERTIFICATE, false, (uint32_t)len, start, end,
             "%u certificate%s, %zu bytes", n, n == 1 ? "" : "s", bytes);
}

static void on_server_key_exchange(tlsa_tls *t, int side, const uint8_t *b, size_t len,
                                   uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    t->hs.server_kex = true;
    if (dir != TLSA_FROM_SERVER)
        unexpected(t, side, TLSA_HS_SERVER_KEY_EXCHANGE, "from the client");
    if (c->handshakes <= 1 && c->kex.public_len == 0 && c->kex.dh_p.len == 0) {
        tlsa_err e = tlsa_msg_server_key_exchange(b, len, c->kex.kind, c->version, &c->kex);
        parse_problem(t, side, TLSA_HS_SERVER_KEY_EXCHANGE, e);
    }
    switch (c->kex.kind) {
    case TLSA_KEX_ECDHE:
    case TLSA_KEX_ECDHE_PSK:
        add_step(t, dir, 2, TLSA_HS_SERVER_KEY_EXCHANGE, false, (uint32_t)len, start, end,
                 "ECDHE %s public key, %u bytes, signed", tlsa_group_name(c->kex.group),
                 c->kex.public_len);
        break;
    case TLSA_KEX_DHE:
    case TLSA_KEX_DHE_PSK:
        add_step(t, dir, 2, TLSA_HS_SERVER_KEY_EXCHANGE, false, (uint32_t)len, start, end,
                 "DHE %u-bit group, public value %u bytes, signed", c->kex.dh_bits,
                 c->kex.public_len);
        break;
    default:
        add_step(t, dir, 2, TLSA_HS_SERVER_KEY_EXCHANGE, false, (uint32_t)len, start, end,
                 "server key exchange parameters, %zu bytes", len);
        break;
    }
}

static void on_client_key_exchange(tlsa_tls *t, int side, const uint8_t *b, size_t len,
                                   uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    t->hs.client_kex = true;
    if (dir != TLSA_FROM_CLIENT)
        unexpected(t, side, TLSA_HS_CLIENT_KEY_EXCHANGE, "from the server");
    if (!t->hs.sh_seen && stream_whole(t))
        unexpected(t, side, TLSA_HS_CLIENT_KEY_EXCHANGE, "before the ServerHello");
    /* Without the ServerHello the key exchange kind is unknown: nothing to interpret. */
    if (c->handshakes <= 1 && c->kex.cke_len == 0 && c->kex.kind != TLSA_KEX_UNKNOWN) {
        tlsa_err e = tlsa_msg_client_key_exchange(b, len, c->kex.kind, c->version, &c->kex);
        parse_problem(t, side, TLSA_HS_CLIENT_KEY_EXCHANGE, e);
    }
    const char *what;
    switch (c->kex.kind) {
    case TLSA_KEX_RSA:
    case TLSA_KEX_RSA_PSK:
        what = "RSA-encrypted pre-master secret";
        break;
    case TLSA_KEX_ECDHE:
    case TLSA_KEX_ECDHE_PSK:
    case TLSA_KEX_ECDH:
        what = "client ECDH public key";
        break;
    case TLSA_KEX_DHE:
    case TLSA_KEX_DHE_PSK:
    case TLSA_KEX_DH:
        what = "client DH public value";
        break;
    default:
        what = "client key exchange";
        break;
    }
    add_step(t, dir, 4, TLSA_HS_CLIENT_KEY_EXCHANGE, false, (uint32_t)len, start, end,
             "%s, %u bytes", what, c->kex.cke_len ? c->kex.cke_len : (uint32_t)len);
}

static void on_finished_clear(tlsa_tls *t, int side, size_t len, uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    parse_problem(t, side, TLSA_HS_FINISHED, tlsa_msg_finished(len, c->version));
    uint8_t step = dir == TLSA_FROM_CLIENT ? 7 : (is_tls13(t) ? 2 : 8);
    t->hs.fin[dir] = true;
    c->dir[dir].finished_seen = true;
    add_step(t, dir, step, TLSA_HS_FINISHED, false, (uint32_t)len, start, end,
             "verify data, %zu bytes", len);
}

/* Messages with nothing to keep: check them and place them. */
static void on_simple(tlsa_tls *t, int side, uint8_t type, const uint8_t *b, size_t len,
                      uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    bool server = dir == TLSA_FROM_SERVER;
    bool tls13 = is_tls13(t);
    uint32_t u = 0;
    uint16_t scheme = 0;
    uint8_t req = 0;
    tlsa_err e = TLSA_E_OK;
    switch (type) {
    case TLSA_HS_HELLO_REQUEST:
        e = tlsa_msg_empty(len);
        add_step(t, dir, 9, type, false, 0, start, end, "server asks for a new handshake");
        break;
    case TLSA_HS_HELLO_VERIFY_REQUEST:
        add_step(t, dir, 2, type, false, (uint32_t)len, start, end, "cookie exchange");
        break;
    case TLSA_HS_NEW_SESSION_TICKET:
        e = tlsa_msg_new_session_ticket(b, len, tls13, &u);
        add_step(t, dir, tls13 ? 9 : 8, type, false, (uint32_t)len, start, end,
                 "session ticket, lifetime %u s", u);
        break;
    case TLSA_HS_END_OF_EARLY_DATA:
        e = tlsa_msg_empty(len);
        c->early_data = true;
        add_step(t, dir, 7, type, false, 0, start, end, "end of 0-RTT early data");
        break;
    case TLSA_HS_ENCRYPTED_EXTENSIONS:
        if (c->handshakes <= 1)
            e = tlsa_msg_encrypted_extensions(b, len, &t->limits, &c->sh);
        add_step(t, dir, 2, type, false, (uint32_t)len, start, end, "server extensions");
        break;
    case TLSA_HS_CERTIFICATE_REQUEST:
        e = tlsa_msg_certificate_request(b, len, tls13);
        c->client_auth_requested = true;
        add_step(t, dir, 2, type, false, (uint32_t)len, start, end,
                 "server asks for a client certificate");
        break;
    case TLSA_HS_SERVER_HELLO_DONE:
        e = tlsa_msg_empty(len);
        add_step(t, dir, 2, type, false, 0, start, end, "end of the server's hello flight");
        break;
    case TLSA_HS_CERTIFICATE_VERIFY:
        e = tlsa_msg_certificate_verify(b, len, c->version, &scheme);
        if (!server && c->handshakes <= 1)
            c->kex.cv_sig_scheme = scheme;
        if (scheme)
            add_step(t, dir, server ? 2 : 5, type, false, (uint32_t)len, start, end, "signature %s",
                     tlsa_sigscheme_name(scheme));
        else
            add_step(t, dir, server ? 2 : 5, type, false, (uint32_t)len, start, end,
                     "signature, %zu bytes", len);
        break;
    case TLSA_HS_CERTIFICATE_URL:
        add_step(t, dir, 5, type, false, (uint32_t)len, start, end, "certificate URLs");
        break;
    case TLSA_HS_CERTIFICATE_STATUS:
        e = tlsa_msg_certificate_status(b, len, &u);
        add_step(t, dir, 2, type, false, (uint32_t)len, start, end, "OCSP response, %u bytes", u);
        break;
    case TLSA_HS_KEY_UPDATE:
        e = tlsa_msg_key_update(b, len, &req);
        add_step(t, dir, 9, type, false, (uint32_t)len, start, end, "new traffic keys%s",
                 req ? ", update requested" : "");
        break;
    case TLSA_HS_COMPRESSED_CERTIFICATE:
        add_step(t, dir, server ? 2 : 5, type, false, (uint32_t)len, start, end,
                 "compressed certificate chain, %zu bytes", len);
        break;
    default:
        tlsa_tls_problem(t, side, TLSA_E_BAD_HANDSHAKE_TYPE, "handshake message type %u", type);
        add_step(t, dir, c->last_step ? c->last_step : 1, type, false, (uint32_t)len, start, end,
                 "unknown handshake message type %u", type);
        return;
    }
    parse_problem(t, side, type, e);
}

/* Which direction each message type may come from: 'c', 's' or 'b' (both). */
static char sender_of(uint8_t type) {
    switch (type) {
    case TLSA_HS_CLIENT_HELLO:
    case TLSA_HS_CLIENT_KEY_EXCHANGE:
    case TLSA_HS_END_OF_EARLY_DATA:
    case TLSA_HS_CERTIFICATE_URL:
        return 'c';
    case TLSA_HS_HELLO_REQUEST:
    case TLSA_HS_SERVER_HELLO:
    case TLSA_HS_HELLO_VERIFY_REQUEST:
    case TLSA_HS_NEW_SESSION_TICKET:
    case TLSA_HS_ENCRYPTED_EXTENSIONS:
    case TLSA_HS_SERVER_KEY_EXCHANGE:
    case TLSA_HS_CERTIFICATE_REQUEST:
    case TLSA_HS_SERVER_HELLO_DONE:
    case TLSA_HS_CERTIFICATE_STATUS:
        return 's';
    default:
        return 'b';
    }
}

void tlsa_conn_message(tlsa_tls *t, int side, uint8_t type, const uint8_t *body, size_t len,
                       uint64_t start, uint64_t end) {
    if (type == TLSA_HS_CLIENT_HELLO)
        learn_roles(t, side, true);
    else if (type == TLSA_HS_SERVER_HELLO)
        learn_roles(t, side, false);
    char who = sender_of(type);
    int dir = t->dir_of[side];
    if ((who == 'c' && dir != TLSA_FROM_CLIENT && type != TLSA_HS_CLIENT_HELLO) ||
        (who == 's' && dir != TLSA_FROM_SERVER && type != TLSA_HS_SERVER_HELLO &&
         type != TLSA_HS_SERVER_KEY_EXCHANGE))
        unexpected(t, side, type, dir == TLSA_FROM_CLIENT ? "from the client" : "from the server");
    switch (type) {
    case TLSA_HS_CLIENT_HELLO:
        on_client_hello(t, side, body, len, start, end, false);
        break;
    case TLSA_HS_SERVER_HELLO:
        on_server_hello(t, side, body, len, start, end);
        break;
    case TLSA_HS_CERTIFICATE:
        on_certificate(t, side, body, len, start, end);
        break;
    case TLSA_HS_SERVER_KEY_EXCHANGE:
        on_server_key_exchange(t, side, body, len, start, end);
        break;
    case TLSA_HS_CLIENT_KEY_EXCHANGE:
        on_client_key_exchange(t, side, body, len, start, end);
        break;
    case TLSA_HS_FINISHED:
        on_finished_clear(t, side, len, start, end);
        break;
    default:
        on_simple(t, side, type, body, len, start, end);
        break;
    }
}

/* ---- records ----------------------------------------------------------------------------- */

static void add_alert(tlsa_tls *t, int dir, bool enc, uint8_t level, uint8_t desc) {
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

static void on_alert(tlsa_tls *t, int side, const tlsa_rec *r) {
    int dir = t->dir_of[side];
    /* A cleartext alert is 2 bytes; another size after the ServerHello (or with no hello seen,
     * the capture having started late) is protected: its ChangeCipherSpec was not seen. */
    if (r->encrypted || (r->len != 2 && (t->hs.sh_seen || !t->hs.ch_seen))) {
        add_alert(t, dir, true, 0, 0);
        return;
    }
    tlsa_cur c = tlsa_cur_make(r->payload, r->len);
    while (tlsa_cur_left(&c) > 0) {
        tlsa_cur one;
        uint8_t level = 0, desc = 0;
        tlsa_err e = tlsa_cur_sub(&c, 2, &one);
        if (e == TLSA_E_OK)
            e = tlsa_msg_alert(tlsa_cur_ptr(&one), 2, &level, &desc);
        if (e != TLSA_E_OK) {
            tlsa_tls_problem(t, side, e, "alert record of %u bytes", r->len);
            return;
        }
        add_alert(t, dir, false, level, desc);
    }
}

static void on_ccs(tlsa_tls *t, int side) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    /* TLS 1.3 sends a dummy CCS for middlebox compatibility (RFC 8446 §D.4): no key change. */
    if (is_tls13(t) || (c->version == 0 && t->ch_offers_13 && dir == TLSA_FROM_CLIENT))
        return;
    c->dir[dir].ccs_seen = true;
    t->side[side].encrypted = true;
    /* The server changing keys before the client and without sending a certificate or key
     * exchange: an abbreviated (resumed) handshake. */
    if (dir == TLSA_FROM_SERVER && t->hs.sh_seen && !t->hs.fin[TLSA_FROM_CLIENT] &&
        !t->hs.server_cert && !t->hs.server_kex && !t->hs.client_kex && c->handshakes <= 1)
        c->resumed = true;
}

/* A protected handshake record: its type cannot be seen, its position tells what it is. The
 * first one after a side's ChangeCipherSpec is its Finished. After the handshake completed, a
 * client's handshake record starts a renegotiation inside the encrypted channel, whose records
 * are placed like a full handshake: ClientHello 1, server flight 2, client messages 4, Finished
 * 7/8 after each side's (encrypted) ChangeCipherSpec. */
static void on_encrypted_handshake(tlsa_tls *t, int side, const tlsa_rec *r) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    bool client = dir == TLSA_FROM_CLIENT;
    tlsa_hs_state *h = &t->hs;
    if (!h->fin[dir] && (!h->reneg || h->ccs[dir])) {
        h->fin[dir] = true;
        c->dir[dir].finished_seen = true;
        bool first = !client && !h->fin[TLSA_FROM_CLIENT];
        if (first)
            h->server_fin_first = true;
        if (h->fin[0] && h->fin[1])
            h->reneg = false;
        add_step(t, dir, client ? 7 : 8, TLSA_HS_FINISHED, true, r->len, r->start, r->end, "%s",
                 first ? "encrypted; resumed: server Finished first" : "encrypted");
        return;
    }
    if (h->reneg) {
        uint8_t step = client ? 4 : (h->ccs[TLSA_FROM_CLIENT] ? 8 : 2);
        add_step(t, dir, step, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
                 "encrypted renegotiation message");
        return;
    }
    if (client && h->fin[0] && h->fin[1]) {
        c->handshakes++;
        memset(h, 0, sizeof(*h));
        h->ch_seen = true;
        h->reneg = true;
        add_step(t, dir, 1, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
                 "encrypted; a renegotiation ClientHello");
        return;
    }
    add_step(t, dir, 9, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end, "%s",
             client ? "encrypted handshake message"
                    : "encrypted; a HelloRequest or a post-handshake message");
}

/* TLS 1.3 record sizes without padding (RFC 8446 §5.2): inner plaintext + content type byte +
 * AEAD tag (8 bytes for AES-128-CCM-8, else 16). Finished carries the transcript hash (48 bytes
 * for the SHA-384 suite, else 32). */
static uint32_t tls13_tag(uint16_t suite) {
    return suite == 0x1305 ? 8u : 16u;
}
static uint32_t tls13_finished_len(uint16_t suite) {
    return 4u + (suite == 0x1302 ? 48u : 32u) + 1u + tls13_tag(suite);
}

/* TLS 1.3: every protected record has the outer type application_data; which message it holds
 * is guessed from its position and, for the client, its size. */
static void on_tls13_protected(tlsa_tls *t, int side, const tlsa_rec *r) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    tlsa_hs_state *h = &t->hs;
    uint32_t tag = tls13_tag(c->suite);
    bool alert_size = r->len == 2u + 1u + tag;
    if (dir == TLSA_FROM_SERVER) {
        if (h->fin[TLSA_FROM_CLIENT])
            return; /* application data (or post-handshake messages) */
        if (alert_size) {
            add_alert(t, dir, true, 0, 0);
            return;
        }
        if (h->client_flight) {
            /* The server goes on after the client's flight: the client must have finished. */
            h->fin[TLSA_FROM_CLIENT] = true;
            c->dir[TLSA_FROM_CLIENT].finished_seen = true;
            return;
        }
        h->enc_server_records++;
        h->fin[dir] = true;
        c->dir[dir].finished_seen = true;
        add_step(t, dir, 2, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
                 "encrypted server flight record %u (EncryptedExtensions...Finished)",
                 h->enc_server_records);
        return;
    }
    if (h->fin[dir])
        return;
    if (alert_size) {
        add_alert(t, dir, true, 0, 0);
        return;
    }
    if (r->len == tls13_finished_len(c->suite)) {
        h->fin[dir] = true;
        c->dir[dir].finished_seen = true;
        add_step(t, dir, 7, TLSA_HS_FINISHED, true, r->len, r->start, r->end, "encrypted");
        return;
    }
    if (t->early_records && !h->eoed) {
        /* After 0-RTT data: EndOfEarlyData (empty message) ends it; other records are still
         * early data sent before the ServerHello arrived. */
        if (r->len == 4u + 1u + tag) {
            h->eoed = true;
            c->early_data = true;
            add_step(t, dir, 7, TLSA_HS_END_OF_EARLY_DATA, true, r->len, r->start, r->end,
                     "encrypted; ends the 0-RTT early data");
        }
        return;
    }
    h->client_flight = true;
    c->client_auth_requested = true; /* a client only sends a Certificate when asked */
    add_step(t, dir, 5, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
             "encrypted; a client Certificate or CertificateVerify");
}

/* Heartbeat (RFC 6520). In clear, the request's payload_length is checked against its record.
 * Protected, a response longer than the peer's request (they echo it byte for byte) is the sign of
 * an over-read. */
static void on_heartbeat(tlsa_tls *t, int side, const tlsa_rec *r) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    bool bleed = false;
    if (!r->encrypted) {
        uint8_t type = 0;
        bool overflow = false;
        tlsa_err e = tlsa_msg_heartbeat(r->payload, r->len, &type, &overflow);
        if (e != TLSA_E_OK)
            tlsa_tls_problem(t, side, e, "heartbeat record of %u bytes", r->len);
        bleed = overflow && type == 1;
    } else {
        uint32_t asked = t->hb_len[dir ^ 1];
        if (asked && r->len > asked) {
            bleed = true;
            t->hb_len[dir ^ 1] = 0;
        } else if (asked && r->len == asked) {
            t->hb_len[dir ^ 1] = 0; /* a matching response */
        } else {
            t->hb_len[dir] = r->len;
        }
    }
    if (bleed && !c->heartbleed) {
        c->heartbleed = true;
        c->heartbleed_frame = t->frame;
    }
}

/* With no hello seen (the capture started late), a handshake record may be protected although
 * its ChangeCipherSpec was not seen. Cleartext starts with a known message type and a length
 * that fits the limits, unless a fragment is pending. */
static bool looks_clear(const tlsa_tls *t, int side, const uint8_t *p, size_t len) {
    if (t->side[side].hs_n > 0 || t->side[side].hs_skip > 0)
        return true;
    tlsa_cur c = tlsa_cur_make(p, len);
    uint8_t type = 0;
    uint32_t mlen = 0;
    if (tlsa_cur_u8(&c, &type))
        return false;
    if (tlsa_cur_u24(&c, &mlen))
        mlen = 0; /* a fragment shorter than the header: judge by the type */
    bool known = type <= TLSA_HS_END_OF_EARLY_DATA || type == TLSA_HS_ENCRYPTED_EXTENSIONS ||
                 (type >= TLSA_HS_CERTIFICATE && type <= TLSA_HS_CLIENT_KEY_EXCHANGE) ||
                 (type >= TLSA_HS_FINISHED && type <= TLSA_HS_COMPRESSED_CERTIFICATE);
    return known && mlen <= t->limits.max_message;
}

void tlsa_conn_record(tlsa_tls *t, int side, const tlsa_rec *in) {
    tlsa_conn *c = &t->conn;
    tlsa_rec stripped = *in;
    const tlsa_rec *r = in;
    if (t->null_cipher && t->side[side].encrypted && !in->encrypted && in->payload) {
        /* NULL cipher: drop the MAC, the rest is the plaintext. */
        stripped.len = in->len >= t->null_mac ? in->len - t->null_mac : 0;
        r = &stripped;
    }
    int dir = t->dir_of[side];
    tlsa_dir_stats *d = &c->dir[dir];
    d->records++;
    if (r->encrypted)
        d->encrypted_records++;
    bool was_done = t->hs.fin[0] && t->hs.fin[1];
    switch (r->type) {
    case TLSA_CT_APPLICATION_DATA:
        d->app_data_records++;
        d->app_data_bytes += r->len;
        if (is_tls13(t) && t->hs.sh_seen) {
            on_tls13_protected(t, side, r);
        } else if (dir == TLSA_FROM_CLIENT && !t->hs.sh_seen && t->hs.ch_seen) {
            /* Protected data before any ServerHello: 0-RTT early data. */
            t->early_records = true;
        }
        /* Data after both Finished: the connection reached step 9. */
        if (was_done && c->last_step < 9)
            c->last_step = 9;
        break;
    case TLSA_CT_CHANGE_CIPHER_SPEC:
        t->hs.ccs[dir] = true;
        if (!r->encrypted)
            on_ccs(t, side);
        break;
    case TLSA_CT_ALERT:
        on_alert(t, side, r);
        break;
    case TLSA_CT_HANDSHAKE:
        if (r->v2) {
            /* The SSLv2 body starts with msg_type (1); the parser takes it from there. */
            learn_roles(t, side, true);
            on_client_hello(t, side, r->payload, r->len, r->start, r->end, true);
        } else if (r->encrypted || (!t->hs.ch_seen && !t->hs.sh_seen &&
                                    !looks_clear(t, side, r->payload, r->len))) {
            on_encrypted_handshake(t, side, r);
        } else {
            tlsa_hs_feed(t, side, r->payload, r->len, r->start + 5);
        }
        break;
    case TLSA_CT_HEARTBEAT:
        on_heartbeat(t, side, r);
        break;
    default:
        break;
    }
}

void tlsa_conn_finalize(tlsa_tls *t) {
    tlsa_conn *c = &t->conn;
    if (t->finalized) /* finish may be called again: derive once */
        return;
    t->finalized = true;
    c->complete = c->dir[TLSA_FROM_CLIENT].finished_seen && c->dir[TLSA_FROM_SERVER].finished_seen;
    if (is_tls13(t)) {
        c->kex.kind = TLSA_KEX_TLS13;
        c->kex.group = c->sh.key_share_group;
        if (t->early_records && has_early_data_ext(t))
            c->early_data = true;
    } else if (c->resumed && c->has_suite) {
        c->kex.kind = TLSA_KEX_NONE;
    }
    if (!t->roles_known && !t->syn_seen)
        c->roles_guessed = true; /* from the ports (tlsa_tls_new) or the packet order */
}
