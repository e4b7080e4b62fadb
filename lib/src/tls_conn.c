/* The connection state machine, record level: ChangeCipherSpec, alerts, heartbeats, and the
 * protected records whose place in the handshake is told by position and size. Cleartext
 * handshake messages are handled in tls_messages.c. A passive observer: nothing stops it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "msg.h"
#include "tls_int.h"
#include "tlsaudit/names.h"

static void on_alert(tlsa_tls *t, int side, const tlsa_rec *r) {
    int dir = t->dir_of[side];
    /* A cleartext alert is 2 bytes; another size after the ServerHello (or with no hello seen,
     * the capture having started late) is protected: its ChangeCipherSpec was not seen. */
    if (r->encrypted || (r->len != 2 && (t->hs.sh_seen || !t->hs.ch_seen))) {
        tlsa_conn_add_alert(t, dir, true, 0, 0);
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
        tlsa_conn_add_alert(t, dir, false, level, desc);
    }
}

static void on_ccs(tlsa_tls *t, int side) {
    tlsa_conn *c = &t->conn;
    int dir = t->dir_of[side];
    /* TLS 1.3 sends a dummy CCS for middlebox compatibility (RFC 8446 §D.4): no key change. */
    if (tlsa_conn_is_13(t) || (c->version == 0 && t->ch_offers_13 && dir == TLSA_FROM_CLIENT))
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
        tlsa_conn_add_step(t, dir, client ? 7 : 8, TLSA_HS_FINISHED, true, r->len, r->start, r->end,
                           "%s", first ? "encrypted; resumed: server Finished first" : "encrypted");
        return;
    }
    if (h->reneg) {
        uint8_t step = client ? 4 : (h->ccs[TLSA_FROM_CLIENT] ? 8 : 2);
        tlsa_conn_add_step(t, dir, step, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
                           "encrypted renegotiation message");
        return;
    }
    if (client && h->fin[0] && h->fin[1]) {
        c->handshakes++;
        memset(h, 0, sizeof(*h));
        h->ch_seen = true;
        h->reneg = true;
        tlsa_conn_add_step(t, dir, 1, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
                           "encrypted; a renegotiation ClientHello");
        return;
    }
    tlsa_conn_add_step(t, dir, 9, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end, "%s",
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
    if (h->fin_read[dir])
        return; /* its Finished was decrypted: what follows is application data */
    if (dir == TLSA_FROM_SERVER) {
        if (h->fin[TLSA_FROM_CLIENT])
            return; /* application data (or post-handshake messages) */
        if (alert_size) {
            tlsa_conn_add_alert(t, dir, true, 0, 0);
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
        tlsa_conn_add_step(t, dir, 2, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
                           "encrypted server flight record %u (EncryptedExtensions...Finished)",
                           h->enc_server_records);
        return;
    }
    if (h->fin[dir])
        return;
    if (alert_size) {
        tlsa_conn_add_alert(t, dir, true, 0, 0);
        return;
    }
    if (r->len == tls13_finished_len(c->suite)) {
        h->fin[dir] = true;
        c->dir[dir].finished_seen = true;
        tlsa_conn_add_step(t, dir, 7, TLSA_HS_FINISHED, true, r->len, r->start, r->end,
                           "encrypted");
        return;
    }
    if (t->early_records && !h->eoed) {
        /* After 0-RTT data: EndOfEarlyData (empty message) ends it; other records are still
         * early data sent before the ServerHello arrived. */
        if (r->len == 4u + 1u + tag) {
            h->eoed = true;
            c->early_data = true;
            tlsa_conn_add_step(t, dir, 7, TLSA_HS_END_OF_EARLY_DATA, true, r->len, r->start, r->end,
                               "encrypted; ends the 0-RTT early data");
        }
        return;
    }
    h->client_flight = true;
    c->client_auth_requested = true; /* a client only sends a Certificate when asked */
    tlsa_conn_add_step(t, dir, 5, TLSA_HS_UNKNOWN, true, r->len, r->start, r->end,
                       "encrypted; a client Certificate or CertificateVerify");
}

/* Heartbeat (RFC 6520). In clear, the request's payload_length is checked against its record.
 * Protected, a response longer than the peer's request (they echo it byte for byte) is the sign of
 * an over-read. */
#define TLSA_HEARTBEAT_SLACK 1024u

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
        if (asked) {
            /* The response: it echoes the payload with padding of the responder's choosing
             * (and block padding), so only far more than was asked is an over-read; Heartbleed
             * responses run to 16 KB and more. */
            bleed = r->len > asked + TLSA_HEARTBEAT_SLACK;
            t->hb_len[dir ^ 1] = 0;
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
    if (t->null_cipher && t->side[side].encrypted && !in->encrypted && !in->decrypted &&
        in->payload) {
        /* NULL cipher: drop the MAC, the rest is the plaintext. */
        stripped.len = in->len >= t->null_mac ? in->len - t->null_mac : 0;
        r = &stripped;
    }
    int dir = t->dir_of[side];
    tlsa_dir_stats *d = &c->dir[dir];
    d->records++;
    if (r->encrypted || r->decrypted)
        d->encrypted_records++;
    bool was_done = t->hs.fin[0] && t->hs.fin[1];
    switch (r->type) {
    case TLSA_CT_APPLICATION_DATA:
        d->app_data_records++;
        d->app_data_bytes += r->len;
        if (r->decrypted) {
            /* Decrypted application data is only 0-RTT early data (before the client's
             * Finished): its place is known, no guessing by size. */
            if (dir == TLSA_FROM_CLIENT && !t->hs.fin[dir])
                t->early_records = true;
        } else if (tlsa_conn_is_13(t) && t->hs.sh_seen) {
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
            tlsa_conn_learn_roles(t, side, true);
            tlsa_conn_client_hello(t, side, r->payload, r->len, r->start, r->end, true);
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
    if (tlsa_conn_is_13(t)) {
        c->kex.kind = TLSA_KEX_TLS13;
        c->kex.group = c->sh.key_share_group;
        if (t->early_records && tlsa_conn_offers_early_data(t))
            c->early_data = true;
    } else if (c->resumed && c->has_suite) {
        c->kex.kind = TLSA_KEX_NONE;
    }
    if (!t->roles_known && !t->syn_seen)
        c->roles_guessed = true; /* from the ports (tlsa_tls_new) or the packet order */
    tlsa_tk_finalize(t);
}
