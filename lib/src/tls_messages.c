/* The state machine, cleartext handshake messages: each is parsed (msg.h), placed on its step of
 * design §2 and its facts kept in the connection record. Unexpected ones are noted and kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "msg.h"
#include "tls_int.h"
#include "tlsaudit/names.h"

/* Where each cleartext message goes (design §2): its step when the client sends it, when the
 * server sends it in TLS <= 1.2, and in TLS 1.3. 0: that side never sends it. */
typedef struct placement {
    uint8_t type, client, server12, server13;
} placement;

static const placement placements[] = {
    {TLSA_HS_HELLO_REQUEST, 0, 9, 9},
    {TLSA_HS_CLIENT_HELLO, 1, 0, 0},
    {TLSA_HS_SERVER_HELLO, 0, 2, 2},
    {TLSA_HS_HELLO_VERIFY_REQUEST, 0, 2, 2},
    {TLSA_HS_NEW_SESSION_TICKET, 0, 8, 9},
    {TLSA_HS_END_OF_EARLY_DATA, 7, 0, 0},
    {TLSA_HS_HELLO_RETRY_REQUEST, 0, 2, 2},
    {TLSA_HS_ENCRYPTED_EXTENSIONS, 0, 2, 2},
    {TLSA_HS_CERTIFICATE, 5, 2, 2},
    {TLSA_HS_SERVER_KEY_EXCHANGE, 0, 2, 2},
    {TLSA_HS_CERTIFICATE_REQUEST, 0, 2, 2},
    {TLSA_HS_SERVER_HELLO_DONE, 0, 2, 2},
    {TLSA_HS_CERTIFICATE_VERIFY, 5, 2, 2},
    {TLSA_HS_CLIENT_KEY_EXCHANGE, 4, 0, 0},
    {TLSA_HS_FINISHED, 7, 8, 2},
    {TLSA_HS_CERTIFICATE_URL, 5, 0, 0},
    {TLSA_HS_CERTIFICATE_STATUS, 0, 2, 2},
    {TLSA_HS_KEY_UPDATE, 9, 9, 9},
    {TLSA_HS_COMPRESSED_CERTIFICATE, 5, 2, 2},
};

static const placement *placement_of(uint8_t type) {
    for (size_t i = 0; i < sizeof(placements) / sizeof(placements[0]); i++)
        if (placements[i].type == type)
            return &placements[i];
    return NULL;
}

/* The step of a message from dir; a message from the side that never sends it takes the other
 * side's step, an unknown type the step reached so far. */
static uint8_t step_of(const tlsa_tls *t, uint8_t type, int dir) {
    const placement *p = placement_of(type);
    if (!p)
        return t->conn.last_step ? t->conn.last_step : 1;
    uint8_t server = tlsa_conn_is_13(t) ? p->server13 : p->server12;
    uint8_t step = dir == TLSA_FROM_CLIENT ? p->client : server;
    return step ? step : (p->client ? p->client : server);
}

/* Record a cleartext message on its step. */
static void place(tlsa_tls *t, int dir, uint8_t type, uint32_t len, uint64_t start, uint64_t end,
                  const char *fmt, ...) __attribute__((format(printf, 7, 8)));
static void place(tlsa_tls *t, int dir, uint8_t type, uint32_t len, uint64_t start, uint64_t end,
                  const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tlsa_conn_add_stepv(t, dir, step_of(t, type, dir), type, false, len, start, end, fmt, ap);
    va_end(ap);
}

void tlsa_conn_client_hello(tlsa_tls *t, int side, const uint8_t *b, size_t len, uint64_t start,
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
            tlsa_conn_unexpected(t, side, TLSA_HS_CLIENT_HELLO,
                                 "again before the handshake completed");
            again = "ClientHello again";
        }
    }
    if (dir != TLSA_FROM_CLIENT)
        tlsa_conn_unexpected(t, side, TLSA_HS_CLIENT_HELLO, "from the server");
    if (!c->ch.present) {
        tlsa_err e = v2 ? tlsa_msg_sslv2_client_hello(b, len, &c->ch)
                        : tlsa_msg_client_hello(b, len, &t->limits, &c->ch);
        tlsa_conn_parse_problem(t, side, TLSA_HS_CLIENT_HELLO, e);
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
        place(t, dir, TLSA_HS_CLIENT_HELLO, (uint32_t)len, start, end, "%s", again);
    else if (c->ch.sni.len)
        place(t, dir, TLSA_HS_CLIENT_HELLO, (uint32_t)len, start, end,
              "%s%u cipher suites, SNI %.*s", v2 ? "SSLv2 format, " : "", c->ch.suites.n,
              (int)(c->ch.sni.len > 48 ? 48 : c->ch.sni.len), (const char *)c->ch.sni.data);
    else
        place(t, dir, TLSA_HS_CLIENT_HELLO, (uint32_t)len, start, end, "%s%u cipher suites, no SNI",
              v2 ? "SSLv2 format, " : "", c->ch.suites.n);
}

/* Kind of key exchange from the negotiated suite. */
static void set_kex_kind(tlsa_tls *t) {
    tlsa_conn *c = &t->conn;
    if (tlsa_conn_is_13(t)) {
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
    tlsa_conn_parse_problem(t, side, TLSA_HS_SERVER_HELLO, e);
    tmp.present = true;
    tmp.frame = t->frame;
    if (!h->ch_seen && tlsa_conn_stream_whole(t))
        tlsa_conn_unexpected(t, side, TLSA_HS_SERVER_HELLO, "before any ClientHello");
    bool first = c->handshakes <= 1;
    if (hrr) {
        if (h->hrr_seen)
            tlsa_conn_unexpected(t, side, TLSA_HS_HELLO_RETRY_REQUEST, "a second time");
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
        place(t, dir, TLSA_HS_HELLO_RETRY_REQUEST, (uint32_t)len, start, end,
              "asks the client to retry with group %s", tlsa_group_name(group));
        return;
    }
    if (h->sh_seen)
        tlsa_conn_unexpected(t, side, TLSA_HS_SERVER_HELLO, "a second time in one handshake");
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
    if (tlsa_conn_is_13(t)) {
        /* Everything after the ServerHello is protected, in both directions. */
        t->side[0].encrypted = t->side[1].encrypted = true;
        if (c->sh.psk_selected)
            c->resumed = true;
    } else if (first && c->ch.session_id.len > 0 && c->sh.session_id.len == c->ch.session_id.len &&
               memcmp(c->sh.session_id.data, c->ch.session_id.data, c->ch.session_id.len) == 0) {
        c->resumed = true;
    }
    place(t, dir, TLSA_HS_SERVER_HELLO, (uint32_t)len, start, end, "%s, %s%s",
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
    tlsa_err e = tlsa_msg_certificate(b, len, tlsa_conn_is_13(t), &t->limits, into);
    tlsa_conn_parse_problem(t, side, TLSA_HS_CERTIFICATE, e);
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
    place(t, dir, TLSA_HS_CERTIFICATE, (uint32_t)len, start, end, "%u certificate%s, %zu bytes", n,
          n == 1 ? "" : "s", bytes);
}

static void on_server_key_exchange(tlsa_tls *t, int side, const uint8_t *b, size_t len,
                                   uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    t->hs.server_kex = true;
    if (c->handshakes <= 1 && c->kex.public_len == 0 && c->kex.dh_p.len == 0) {
        tlsa_err e = tlsa_msg_server_key_exchange(b, len, c->kex.kind, c->version, &c->kex);
        tlsa_conn_parse_problem(t, side, TLSA_HS_SERVER_KEY_EXCHANGE, e);
    }
    switch (c->kex.kind) {
    case TLSA_KEX_ECDHE:
    case TLSA_KEX_ECDHE_PSK:
        place(t, dir, TLSA_HS_SERVER_KEY_EXCHANGE, (uint32_t)len, start, end,
              "ECDHE %s public key, %u bytes, signed", tlsa_group_name(c->kex.group),
              c->kex.public_len);
        break;
    case TLSA_KEX_DHE:
    case TLSA_KEX_DHE_PSK:
        place(t, dir, TLSA_HS_SERVER_KEY_EXCHANGE, (uint32_t)len, start, end,
              "DHE %u-bit group, public value %u bytes, signed", c->kex.dh_bits, c->kex.public_len);
        break;
    default:
        place(t, dir, TLSA_HS_SERVER_KEY_EXCHANGE, (uint32_t)len, start, end,
              "server key exchange parameters, %zu bytes", len);
        break;
    }
}

static void on_client_key_exchange(tlsa_tls *t, int side, const uint8_t *b, size_t len,
                                   uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    t->hs.client_kex = true;
    if (!t->hs.sh_seen && tlsa_conn_stream_whole(t))
        tlsa_conn_unexpected(t, side, TLSA_HS_CLIENT_KEY_EXCHANGE, "before the ServerHello");
    /* Without the ServerHello the key exchange kind is unknown: nothing to interpret. */
    if (c->handshakes <= 1 && c->kex.cke_len == 0 && c->kex.kind != TLSA_KEX_UNKNOWN) {
        tlsa_err e = tlsa_msg_client_key_exchange(b, len, c->kex.kind, c->version, &c->kex);
        tlsa_conn_parse_problem(t, side, TLSA_HS_CLIENT_KEY_EXCHANGE, e);
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
    place(t, dir, TLSA_HS_CLIENT_KEY_EXCHANGE, (uint32_t)len, start, end, "%s, %u bytes%s", what,
          c->kex.cke_len ? c->kex.cke_len : (uint32_t)len, tlsa_tk_cke_note(t));
}

static void on_finished_clear(tlsa_tls *t, int side, size_t len, uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    tlsa_conn_parse_problem(t, side, TLSA_HS_FINISHED, tlsa_msg_finished(len, c->version));
    t->hs.fin[dir] = true;
    t->hs.fin_read[dir] = true;
    c->dir[dir].finished_seen = true;
    place(t, dir, TLSA_HS_FINISHED, (uint32_t)len, start, end, "verify data, %zu bytes%s", len,
          tlsa_tk_finished_note(t, dir));
}

/* Messages with nothing to keep: check them and place them. */
static void on_simple(tlsa_tls *t, int side, uint8_t type, const uint8_t *b, size_t len,
                      uint64_t start, uint64_t end) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    bool server = dir == TLSA_FROM_SERVER;
    bool tls13 = tlsa_conn_is_13(t);
    uint32_t u = 0;
    uint16_t scheme = 0;
    uint8_t req = 0;
    tlsa_err e = TLSA_E_OK;
    switch (type) {
    case TLSA_HS_HELLO_REQUEST:
        e = tlsa_msg_empty(len);
        place(t, dir, type, 0, start, end, "server asks for a new handshake");
        break;
    case TLSA_HS_HELLO_VERIFY_REQUEST:
        place(t, dir, type, (uint32_t)len, start, end, "cookie exchange");
        break;
    case TLSA_HS_NEW_SESSION_TICKET:
        e = tlsa_msg_new_session_ticket(b, len, tls13, &u);
        place(t, dir, type, (uint32_t)len, start, end, "session ticket, lifetime %u s", u);
        break;
    case TLSA_HS_END_OF_EARLY_DATA:
        e = tlsa_msg_empty(len);
        c->early_data = true;
        place(t, dir, type, 0, start, end, "end of 0-RTT early data");
        break;
    case TLSA_HS_ENCRYPTED_EXTENSIONS:
        if (c->handshakes <= 1)
            e = tlsa_msg_encrypted_extensions(b, len, &t->limits, &c->sh);
        place(t, dir, type, (uint32_t)len, start, end, "server extensions");
        break;
    case TLSA_HS_CERTIFICATE_REQUEST:
        e = tlsa_msg_certificate_request(b, len, tls13);
        c->client_auth_requested = true;
        place(t, dir, type, (uint32_t)len, start, end, "server asks for a client certificate");
        break;
    case TLSA_HS_SERVER_HELLO_DONE:
        e = tlsa_msg_empty(len);
        place(t, dir, type, 0, start, end, "end of the server's hello flight");
        break;
    case TLSA_HS_CERTIFICATE_VERIFY:
        e = tlsa_msg_certificate_verify(b, len, c->version, &scheme);
        if (!server && c->handshakes <= 1)
            c->kex.cv_sig_scheme = scheme;
        if (scheme)
            place(t, dir, type, (uint32_t)len, start, end, "signature %s%s",
                  tlsa_sigscheme_name(scheme), tlsa_tk_cert_verify_note(t, dir));
        else
            place(t, dir, type, (uint32_t)len, start, end, "signature, %zu bytes%s", len,
                  tlsa_tk_cert_verify_note(t, dir));
        break;
    case TLSA_HS_CERTIFICATE_URL:
        place(t, dir, type, (uint32_t)len, start, end, "certificate URLs");
        break;
    case TLSA_HS_CERTIFICATE_STATUS:
        e = tlsa_msg_certificate_status(b, len, &u);
        place(t, dir, type, (uint32_t)len, start, end, "OCSP response, %u bytes", u);
        break;
    case TLSA_HS_KEY_UPDATE:
        e = tlsa_msg_key_update(b, len, &req);
        place(t, dir, type, (uint32_t)len, start, end, "new traffic keys%s",
              req ? ", update requested" : "");
        break;
    case TLSA_HS_COMPRESSED_CERTIFICATE:
        place(t, dir, type, (uint32_t)len, start, end, "compressed certificate chain, %zu bytes",
              len);
        break;
    default:
        tlsa_tls_problem(t, side, TLSA_E_BAD_HANDSHAKE_TYPE, "handshake message type %u", type);
        place(t, dir, type, (uint32_t)len, start, end, "unknown handshake message type %u", type);
        return;
    }
    tlsa_conn_parse_problem(t, side, type, e);
}

void tlsa_conn_message(tlsa_tls *t, int side, uint8_t type, const uint8_t *body, size_t len,
                       uint64_t start, uint64_t end) {
    if (type == TLSA_HS_CLIENT_HELLO)
        tlsa_conn_learn_roles(t, side, true);
    else if (type == TLSA_HS_SERVER_HELLO)
        tlsa_conn_learn_roles(t, side, false);
    int dir = t->dir_of[side];
    const placement *pl = placement_of(type);
    /* The ClientHello checks its sender itself (the SSLv2 form does not come this way). */
    if (pl && type != TLSA_HS_CLIENT_HELLO &&
        (dir == TLSA_FROM_CLIENT ? pl->client : pl->server12) == 0)
        tlsa_conn_unexpected(t, side, type,
                             dir == TLSA_FROM_CLIENT ? "from the client" : "from the server");
    switch (type) {
    case TLSA_HS_CLIENT_HELLO:
        tlsa_conn_client_hello(t, side, body, len, start, end, false);
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
