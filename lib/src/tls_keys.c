/* The seam between the TLS layer and the keys core (keys_internal.h): with a key log or the
 * server's RSA key, protected handshake records are collected whole, decrypted, and their
 * plaintext goes back into the same record, framing and message code as cleartext; every whole
 * handshake message feeds the transcript, so each Finished (and the TLS 1.3 server
 * CertificateVerify) can be checked. Only the handshake is decrypted: once both sides' first
 * Finished went by, records are skipped by their headers as without keys. Until then, a record
 * that turns out to be application data (0-RTT, or data a side sends after its own Finished) is
 * dropped as soon as it is opened. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys_internal.h"
#include "tls_int.h"

_Static_assert(TLSA_KEYS_SCRATCH == 5u + 2u * TLSA_MAX_RECORD, "the engine's scratch holds a "
                                                               "record and its plaintext");

void tlsa_tk_init(tlsa_tls *t, tlsa_keylog *kl, const tlsa_rsa_key *rsa, const uint8_t *psk,
                  size_t psk_len) {
    if (!kl && !rsa && !(psk && psk_len))
        return;
    t->keylog = kl;
    t->rsa_key = rsa;
    t->conn.keys_given = true;
    t->keys = tlsa_keys_conn_new(kl, rsa);
    if (!t->keys)
        snprintf(t->conn.keys_note, sizeof t->conn.keys_note, "out of memory for the keys");
    else if (psk && psk_len && tlsa_keys_conn_set_psk(t->keys, psk, psk_len) != TLSA_E_OK)
        snprintf(t->conn.keys_note, sizeof t->conn.keys_note, "the PSK is longer than %u bytes",
                 (unsigned)TLSA_PSK_MAX);
}

void tlsa_tk_free(tlsa_tls *t) {
    tlsa_keys_conn_free(t->keys);
    t->keys = NULL;
    if (!t->kshared) {
        free(t->krec);
        free(t->kout);
    }
    t->krec = t->kout = NULL;
}

/* After the handshake, TLS <= 1.2 records whose outer type is not application data (a
 * renegotiation inside the channel, alerts) are still decrypted while the keys follow the
 * connection; application data is stepped over (tlsa_tk_skip). */
static bool following(const tlsa_tls *t, int side) {
    return t->keys && t->keys_done[0] && t->keys_done[1] && !tlsa_v_is_13(t->conn.version) &&
           tlsa_keys_conn_decrypting(t->keys, (tlsa_dir)t->dir_of[side]);
}

bool tlsa_tk_want(const tlsa_tls *t, int side, uint8_t type) {
    if (!t->keys)
        return false;
    if (!(t->keys_done[0] && t->keys_done[1]))
        return true;
    return type != TLSA_CT_APPLICATION_DATA && following(t, side);
}

bool tlsa_tk_follow(const tlsa_tls *t, int side) {
    return following(t, side);
}

void tlsa_tk_skip(tlsa_tls *t, int side, const uint8_t hdr[5], uint32_t len, const uint8_t *tail,
                  size_t tail_n) {
    if (!t->krec)
        t->krec = calloc(1, 5 + TLSA_MAX_RECORD);
    if (!t->krec || len > TLSA_MAX_RECORD || tail_n > len)
        return;
    /* Only the sequence number and, for TLS 1.0 CBC, the last ciphertext block matter. */
    memcpy(t->krec, hdr, 5);
    memcpy(t->krec + 5 + len - tail_n, tail, tail_n);
    tlsa_keys_conn_skip(t->keys, (tlsa_dir)t->dir_of[side], t->krec, 5u + len);
}

/* A side's first Finished went by (seen, decrypted or guessed): its later records are left
 * alone. */
static void note_done(tlsa_tls *t) {
    for (int d = 0; d < 2; d++)
        if (t->hs.fin[d])
            t->keys_done[d] = true;
}

static void decrypt_failed(tlsa_tls *t, int side, tlsa_err e, const tlsa_rec *r) {
    /* A handshake message may be missing from the transcript now: a later Finished that does
     * not match proves nothing. */
    if (r->type == TLSA_CT_HANDSHAKE || !(t->keys_done[0] && t->keys_done[1]))
        t->transcript_gap = true;
    if (t->decrypt_failed++ == 0)
        tlsa_tls_problem(t, side, e, "protected record of %u bytes at offset %llu: %s", r->len,
                         (unsigned long long)r->start, tlsa_strerror(e));
}

void tlsa_tk_record(tlsa_tls *t, int side, const tlsa_rec *r, const uint8_t hdr[5], bool prot) {
    tlsa_rec enc = *r;
    enc.encrypted = true;
    enc.payload = NULL;
    const tlsa_rec *fallback = prot ? &enc : r; /* what the state machine gets without keys */
    if (r->v2) {
        if (r->payload && tlsa_keys_conn_sslv2_hello(t->keys, r->payload, r->len) != TLSA_E_OK) {
            /* not a hello the keys understand: the state machine notes what is wrong */
        }
        tlsa_conn_record(t, side, r);
        note_done(t);
        return;
    }
    if (!t->krec)
        t->krec = calloc(1, 5 + TLSA_MAX_RECORD);
    if (!t->kout)
        t->kout = malloc(TLSA_MAX_RECORD);
    if (!t->krec || !t->kout || !r->payload || r->len > TLSA_MAX_RECORD) {
        tlsa_conn_record(t, side, fallback);
        note_done(t);
        return;
    }
    memcpy(t->krec, hdr, 5);
    memcpy(t->krec + 5, r->payload, r->len);
    size_t n = 0;
    uint8_t inner = 0;
    tlsa_rec_state st = TLSA_REC_CLEAR;
    int dir = t->dir_of[side];
    tlsa_err e = tlsa_keys_conn_record(t->keys, (tlsa_dir)dir, t->krec, 5u + r->len, t->kout, &n,
                                       &inner, &st);
    if (e != TLSA_E_OK) {
        if (prot)
            decrypt_failed(t, side, e, r);
        tlsa_conn_record(t, side, fallback);
    } else if (st == TLSA_REC_DECRYPTED && n <= TLSA_MAX_RECORD) {
        tlsa_rec d = *r;
        d.type = inner;
        d.encrypted = false;
        d.decrypted = true;
        d.payload = t->kout;
        d.len = (uint32_t)n;
        t->any_decrypted = true;
        t->in_decrypted = true;
        tlsa_conn_record(t, side, &d);
        t->in_decrypted = false;
    } else {
        /* TLSA_REC_CLEAR: as it is; TLSA_REC_NO_KEYS: protected, no keys for it (with a NULL
         * cipher the record layer kept it readable: it stays as it is). */
        tlsa_conn_record(t, side, st == TLSA_REC_NO_KEYS ? fallback : (prot ? &enc : r));
    }
    note_done(t);
}

void tlsa_tk_message(tlsa_tls *t, int side, const uint8_t *msg, size_t len) {
    if (!t->keys)
        return;
    if (tlsa_keys_conn_message(t->keys, (tlsa_dir)t->dir_of[side], msg, len) != TLSA_E_OK) {
        /* a malformed hello: the state machine notes it; the keys stay unused */
    }
    if (!t->sessions || len < 1)
        return;
    tlsa_keys_session s;
    if (msg[0] == TLSA_HS_CLIENT_HELLO)
        tlsa_keys_conn_resume_match(t->keys, t->sessions);
    else if ((msg[0] == TLSA_HS_FINISHED || msg[0] == TLSA_HS_NEW_SESSION_TICKET) &&
             tlsa_keys_conn_session(t->keys, &s))
        tlsa_session_cache_put(t->sessions, &s);
}

static uint8_t check_of(tlsa_fin_state s) {
    return s == TLSA_FIN_OK ? 1 : s == TLSA_FIN_MISMATCH ? 2 : 0;
}

const char *tlsa_tk_finished_note(tlsa_tls *t, int dir) {
    if (!t->keys)
        return "";
    uint8_t v = check_of(tlsa_keys_conn_finished(t->keys, (tlsa_dir)dir));
    if (v == 2 && t->transcript_gap)
        return "; not checked: a protected handshake record did not decrypt";
    if (v)
        t->conn.finished_check[dir] = v;
    return v == 1   ? "; verified against the transcript"
           : v == 2 ? "; does NOT match the transcript"
                    : "";
}

const char *tlsa_tk_cert_verify_note(tlsa_tls *t, int dir) {
    if (!t->keys || dir != TLSA_FROM_SERVER)
        return "";
    uint8_t v = check_of(tlsa_keys_conn_cert_verify(t->keys, (tlsa_dir)dir));
    if (v == 2 && t->transcript_gap)
        return "; not checked: a protected handshake record did not decrypt";
    if (v)
        t->conn.cv_check = v;
    return v == 1   ? "; verified with the certificate key"
           : v == 2 ? "; does NOT verify with the certificate key"
                    : "";
}

const char *tlsa_tk_cke_note(tlsa_tls *t) {
    if (t->keys && tlsa_keys_conn_pms_source(t->keys) == TLSA_PMS_SERVER_KEY) {
        t->conn.pms_decrypted = true;
        return "; step 6: decrypted with the server key";
    }
    return "";
}

/* Why nothing could be decrypted, in words. */
static void why_not(tlsa_tls *t) {
    tlsa_conn *c = &t->conn;
    char *n = c->keys_note;
    size_t sz = sizeof c->keys_note;
    bool rsa_kex = c->kex.kind == TLSA_KEX_RSA || c->kex.kind == TLSA_KEX_RSA_PSK;
    if (!c->ch.present)
        snprintf(n, sz, "no ClientHello seen: its random is what finds the keys");
    else if (!c->sh.present)
        snprintf(n, sz, "no ServerHello: nothing was encrypted");
    else if (!c->has_suite || (c->version != TLSA_V_SSL3 && !tlsa_suite_keys_find(c->suite)))
        snprintf(n, sz, "cipher suite 0x%04x cannot be decrypted here", c->suite);
    else if (t->decrypt_failed)
        snprintf(n, sz, "decryption failed: wrong keys or damaged records");
    else if (c->resumed && !tlsa_v_is_13(c->version) &&
             !(t->keylog && tlsa_keylog_has_random(t->keylog, c->ch.random)))
        snprintf(n, sz, "resumed session: no key for its client random or earlier session");
    else if (t->keylog && !tlsa_keylog_has_random(t->keylog, c->ch.random) &&
             !(rsa_kex && t->rsa_key))
        snprintf(n, sz, "no key for this client random");
    else if (rsa_kex && t->rsa_key)
        snprintf(n, sz, "the server key did not decrypt the pre-master secret");
    else if (!t->keylog)
        snprintf(n, sz, "an RSA key only decrypts RSA key exchange; this is %s",
                 tlsa_v_is_13(c->version) ? "TLS 1.3" : "(EC)DHE");
    else
        snprintf(n, sz, "the key log lacks the secrets this connection needs");
}

void tlsa_tk_finalize(tlsa_tls *t) {
    tlsa_conn *c = &t->conn;
    if (!t->keys)
        return;
    c->decrypted = t->any_decrypted ? 1 : 0;
    unsigned nv = tlsa_keys_conn_verified(t->keys);
    c->finished_verified = (uint16_t)(nv > 0xffff ? 0xffff : nv);
    for (int d = 0; d < 2; d++) {
        uint8_t v = check_of(tlsa_keys_conn_finished(t->keys, (tlsa_dir)d));
        if (v && !(v == 2 && t->transcript_gap))
            c->finished_check[d] = v;
    }
    uint8_t cv = check_of(tlsa_keys_conn_cert_verify(t->keys, TLSA_FROM_SERVER));
    if (cv && !(cv == 2 && t->transcript_gap))
        c->cv_check = cv;
    bool checked = c->finished_check[0] || c->finished_check[1];
    if (!c->decrypted && !checked && !c->keys_note[0])
        why_not(t);
    else if (t->decrypt_failed && !c->keys_note[0])
        snprintf(c->keys_note, sizeof c->keys_note, "%u protected record%s did not decrypt",
                 t->decrypt_failed, t->decrypt_failed == 1 ? "" : "s");
}
