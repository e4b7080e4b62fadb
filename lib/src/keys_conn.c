/* One observed connection with keys: which keys protect which records, and whether each Finished
 * matches the transcript. The TLS layer feeds records and whole handshake messages in order.
 *
 * SSL 3.0 - TLS 1.2: master secret from the key log (CLIENT_RANDOM) as soon as ServerHello is
 * seen, from the resumed session, or at ClientKeyExchange from the pre-master (plain PSK, or RSA
 * from the key log's "RSA" line or the server's private key), with the extended master secret
 * when both hellos carry it. Each direction switches to the new keys at its ChangeCipherSpec;
 * renegotiation runs under the current keys until then.
 * TLS 1.3: records sent by the client before ServerHello are 0-RTT data (client early traffic
 * secret; the suite is found by trial, as only the PSK knows it); after ServerHello both sides
 * use their handshake traffic secrets (the client after EndOfEarlyData when the server accepted
 * early data), and each side switches to its application traffic secret after its Finished and
 * to the next one at each KeyUpdate it sends. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "keys_internal.h"
#include "tlsaudit/conn.h"

enum { EPOCH_NONE, EPOCH_EARLY, EPOCH_HANDSHAKE, EPOCH_APP };

struct tlsa_keys_conn {
    tlsa_keylog *kl;
    const tlsa_rsa_key *rsa;
    tlsa_transcript t;
    bool have_ch, have_sh, hrr, tls13, ems_c, ems_s, etm_c, etm_s, early_offered, early_suite_known;
    bool no_aad, eoed;
    uint8_t cr[32], sr[32];
    uint16_t client_version, version, suite;
    /* TLS <= 1.2 */
    bool have_master, pend_ready, protected12[2], active12[2];
    uint8_t master[48];
    tlsa_tls12_keys pend;  /* keys of the handshake in progress, taken at each ChangeCipherSpec */
    tlsa_tls12_dir cur[2]; /* keys protecting each direction now */
    uint8_t psk[TLSA_PSK_MAX];
    size_t psk_len;
    /* TLS 1.3 */
    int epoch[2];
    tlsa_tls13_dir d13[2];
    uint8_t hs_secret[2][TLSA_KEY_SECRET_MAX];
    size_t hs_len[2];
    uint8_t ap_secret[2][TLSA_KEY_SECRET_MAX];
    size_t ap_len[2];
    uint8_t early_secret[TLSA_KEY_SECRET_MAX];
    size_t early_len;
    /* Finished */
    bool fin_seen[2];
    tlsa_fin_state fin[2];
    unsigned verified; /* Finished messages that matched, over all handshakes */
    /* TLS 1.3 CertificateVerify */
    void *leaf[2]; /* EVP_PKEY of each side's leaf certificate */
    tlsa_fin_state cv[2];
    /* TLS <= 1.2 session for resumption: the last one established */
    bool sess_valid, sess_has_ticket;
    uint8_t sess_id[32], sess_id_len, sess_ticket[32], sess_master[48];
    uint16_t sess_version, sess_suite;
    /* this handshake's offers */
    uint8_t ch_sid[32], ch_sid_len, ch_ticket[32], sh_sid[32], sh_sid_len;
    bool ch_has_ticket, resumed;
    uint8_t pms_source; /* tlsa_pms_source of the last pre-master found */
};

tlsa_keys_conn *tlsa_keys_conn_new(tlsa_keylog *kl, const tlsa_rsa_key *rsa) {
    tlsa_keys_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->kl = kl;
    c->rsa = rsa;
    tlsa_transcript_init(&c->t);
    return c;
}

void tlsa_keys_conn_free(tlsa_keys_conn *c) {
    if (!c)
        return;
    tlsa_transcript_free(&c->t);
    tlsa_tls13_leaf_key_free(c->leaf[0]);
    tlsa_tls13_leaf_key_free(c->leaf[1]);
    OPENSSL_cleanse(c, sizeof *c);
    free(c);
}

tlsa_fin_state tlsa_keys_conn_finished(const tlsa_keys_conn *c, tlsa_dir dir) {
    return c && (unsigned)dir < 2 ? c->fin[dir] : TLSA_FIN_UNKNOWN;
}

tlsa_fin_state tlsa_keys_conn_cert_verify(const tlsa_keys_conn *c, tlsa_dir dir) {
    return c && (unsigned)dir < 2 ? c->cv[dir] : TLSA_FIN_UNKNOWN;
}

/* TLS 1.3 Certificate: keep the leaf's key for the CertificateVerify that follows. */
static void on_certificate13(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *msg, size_t len) {
    tlsa_tls13_leaf_key_free(c->leaf[dir]);
    c->leaf[dir] = NULL;
    if (tlsa_tls13_leaf_key(msg, len, &c->leaf[dir]) != TLSA_E_OK)
        c->leaf[dir] = NULL;
}

static void on_cert_verify13(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *msg, size_t len) {
    uint8_t th[64];
    size_t thn = 0;
    bool valid = false;
    if (!c->leaf[dir] || !c->t.ctx || tlsa_transcript_hash(&c->t, th, &thn) != TLSA_E_OK ||
        tlsa_tls13_cert_verify(c->leaf[dir], dir == TLSA_FROM_SERVER, msg, len, th, thn, &valid) !=
            TLSA_E_OK)
        return;
    c->cv[dir] = valid ? TLSA_FIN_OK : TLSA_FIN_MISMATCH;
}

bool tlsa_keys_conn_decrypting(const tlsa_keys_conn *c, tlsa_dir dir) {
    if (!c || (unsigned)dir >= 2)
        return false;
    if (c->tls13 || (!c->have_sh && c->early_offered))
        return c->epoch[dir] != EPOCH_NONE && (c->epoch[dir] != EPOCH_EARLY || c->early_len > 0);
    return c->active12[dir];
}

tlsa_err tlsa_keys_conn_set_psk(tlsa_keys_conn *c, const uint8_t *psk, size_t len) {
    if (!c || !psk || len == 0 || len > TLSA_PSK_MAX)
        return TLSA_E_INVALID_ARGUMENT;
    memcpy(c->psk, psk, len);
    c->psk_len = len;
    return TLSA_E_OK;
}

uint16_t tlsa_keys_conn_version(const tlsa_keys_conn *c) {
    return c ? c->version : 0;
}
uint16_t tlsa_keys_conn_suite(const tlsa_keys_conn *c) {
    return c ? c->suite : 0;
}

/* Copies a key log secret for this connection's client random; 0 if absent. */
static size_t find_secret(tlsa_keys_conn *c, tlsa_key_label label, uint8_t *out) {
    tlsa_key_entry e;
    if (!c->kl || !tlsa_keylog_find(c->kl, label, c->cr, 32, &e))
        return 0;
    memcpy(out, e.secret, e.secret_len);
    return e.secret_len;
}

static void set_epoch13(tlsa_keys_conn *c, tlsa_dir dir, int epoch, const uint8_t *secret,
                        size_t len) {
    c->epoch[dir] = EPOCH_NONE;
    if (len == 0 || tlsa_tls13_dir_init(&c->d13[dir], c->suite, secret, len) != TLSA_E_OK)
        return;
    c->d13[dir].draft_no_aad = c->no_aad;
    c->epoch[dir] = epoch;
}

static void to_app13(tlsa_keys_conn *c, tlsa_dir dir) {
    c->ap_len[dir] = find_secret(c,
                                 dir == TLSA_FROM_CLIENT ? TLSA_KEY_CLIENT_TRAFFIC_SECRET_0
                                                         : TLSA_KEY_SERVER_TRAFFIC_SECRET_0,
                                 c->ap_secret[dir]);
    set_epoch13(c, dir, EPOCH_APP, c->ap_secret[dir], c->ap_len[dir]);
}

/* KeyUpdate (RFC 8446 §7.2): the sender's next records use
 * application_traffic_secret_N+1 = HKDF-Expand-Label(secret_N, "traffic upd", "", Hash.length). */
static void key_update13(tlsa_keys_conn *c, tlsa_dir dir) {
    const tlsa_suite_keys *s = tlsa_suite_keys_find(c->suite);
    size_t n = c->ap_len[dir];
    uint8_t next[TLSA_KEY_SECRET_MAX];
    if (!s || n == 0 || c->epoch[dir] != EPOCH_APP ||
        tlsa_tls13_expand_label(s->prf, c->ap_secret[dir], n, "traffic upd", NULL, 0, next, n) !=
            TLSA_E_OK) {
        c->epoch[dir] = EPOCH_NONE; /* the old keys are gone; without a secret, so are we */
        return;
    }
    memcpy(c->ap_secret[dir], next, n);
    set_epoch13(c, dir, EPOCH_APP, c->ap_secret[dir], n);
}

static void to_handshake13(tlsa_keys_conn *c, tlsa_dir dir) {
    set_epoch13(c, dir, EPOCH_HANDSHAKE, c->hs_secret[dir], c->hs_len[dir]);
}

/* Tickets are remembered by their SHA-256. */
static bool ticket_hash(const uint8_t *t, size_t n, uint8_t out[32]) {
    unsigned len = 0;
    return EVP_Digest(t, n, out, &len, EVP_sha256(), NULL) == 1 && len == 32;
}

static tlsa_err on_client_hello(tlsa_keys_conn *c, const uint8_t *msg, size_t len) {
    tlsa_keys_hello h;
    TLSA_TRY(tlsa_keys_hello_parse(msg, len, &h));
    if (c->have_ch)
        return TLSA_E_OK; /* ClientHello2 after HelloRetryRequest: same random */
    c->have_ch = true;
    memcpy(c->ch_sid, h.session_id, h.session_id_len);
    c->ch_sid_len = h.session_id_len;
    c->ch_has_ticket = h.ticket && ticket_hash(h.ticket, h.ticket_len, c->ch_ticket);
    memcpy(c->cr, h.random, 32);
    c->client_version = h.legacy_version;
    c->ems_c = h.ems;
    c->etm_c = h.etm;
    if (h.early_data) {
        c->early_len = find_secret(c, TLSA_KEY_CLIENT_EARLY_TRAFFIC_SECRET, c->early_secret);
        c->early_offered = true;
        c->epoch[TLSA_FROM_CLIENT] = EPOCH_EARLY; /* keys set on the first early record */
    }
    return TLSA_E_OK;
}

/* The session this handshake set up or resumed, for later resumption. */
static void remember_session(tlsa_keys_conn *c) {
    c->sess_valid = true;
    c->sess_has_ticket = c->resumed && c->ch_has_ticket; /* a new ticket may follow */
    memcpy(c->sess_ticket, c->ch_ticket, 32);
    memcpy(c->sess_id, c->sh_sid, c->sh_sid_len);
    c->sess_id_len = c->sh_sid_len;
    memcpy(c->sess_master, c->master, 48);
    c->sess_version = c->version;
    c->sess_suite = c->suite;
}

/* The TLS 1.2 key block once the master secret is known. */
static void keys12(tlsa_keys_conn *c) {
    c->pend_ready =
        tlsa_tls12_keys_init(&c->pend, c->version, c->suite, c->master, c->cr, c->sr) == TLSA_E_OK;
    /* RFC 7366: only CBC suites use encrypt_then_mac, and only when both hellos carry it */
    bool etm = c->pend_ready && c->etm_c && c->etm_s && c->pend.dir[0].suite->mode == TLSA_BULK_CBC;
    c->pend.dir[0].etm = c->pend.dir[1].etm = etm;
}

static tlsa_err on_server_hello(tlsa_keys_conn *c, const uint8_t *msg, size_t len) {
    tlsa_keys_hello h;
    TLSA_TRY(tlsa_keys_hello_parse(msg, len, &h));
    uint16_t v = h.selected_version ? h.selected_version : h.legacy_version;
    bool tls13 = tlsa_version_is_tls13(v);
    const char *md = tlsa_suite_hash_name(tls13 ? 0x0304 : v, h.suite);
    if (md && !c->t.ctx)
        TLSA_TRY(tlsa_transcript_set_hash(&c->t, md));
    if (h.hrr) {       /* RFC 8446 §4.4.1: ClientHello1 becomes message_hash */
        c->hrr = true; /* TLS 1.3 from here on: a ChangeCipherSpec is only for middleboxes */
        if (c->t.ctx)
            TLSA_TRY(tlsa_transcript_hrr(&c->t));
        return tlsa_transcript_add(&c->t, msg, len);
    }
    if (c->have_sh)
        return TLSA_E_OK;
    c->have_sh = true;
    memcpy(c->sr, h.random, 32);
    c->version = v;
    c->suite = h.suite;
    c->tls13 = tls13;
    c->ems_s = h.ems;
    c->etm_s = h.etm;
    TLSA_TRY(tlsa_transcript_add(&c->t, msg, len)); /* buffered when no hash (SSL 3.0) */
    if (tls13) {
        unsigned draft = (v >> 8) == 0x7f ? (v & 0xff) : 0;
        c->no_aad = draft > 0 && draft < 25;
        if (draft > 0 && draft < 20) /* "TLS 1.3, " labels: not supported */
            return TLSA_E_OK;
        c->hs_len[TLSA_FROM_CLIENT] = find_secret(c, TLSA_KEY_CLIENT_HANDSHAKE_TRAFFIC_SECRET,
                                                  c->hs_secret[TLSA_FROM_CLIENT]);
        c->hs_len[TLSA_FROM_SERVER] = find_secret(c, TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET,
                                                  c->hs_secret[TLSA_FROM_SERVER]);
        to_handshake13(c, TLSA_FROM_SERVER);
        if (!c->early_offered)
            to_handshake13(c, TLSA_FROM_CLIENT);
        return TLSA_E_OK;
    }
    /* an echoed session id means an abbreviated handshake: the master secret is the session's */
    c->resumed = h.session_id_len > 0 && h.session_id_len == c->ch_sid_len &&
                 memcmp(h.session_id, c->ch_sid, c->ch_sid_len) == 0;
    c->have_master = find_secret(c, TLSA_KEY_CLIENT_RANDOM, c->master) == 48;
    if (!c->have_master && c->resumed && c->sess_valid && c->sess_version == c->version &&
        c->sess_suite == c->suite &&
        ((c->sess_has_ticket && c->ch_has_ticket &&
          memcmp(c->sess_ticket, c->ch_ticket, 32) == 0) ||
         (c->sess_id_len == c->ch_sid_len && memcmp(c->sess_id, c->ch_sid, c->ch_sid_len) == 0))) {
        memcpy(c->master, c->sess_master, 48);
        c->have_master = true;
    }
    memcpy(c->sh_sid, h.session_id, h.session_id_len);
    c->sh_sid_len = h.session_id_len;
    if (c->have_master) {
        keys12(c);
        remember_session(c);
    }
    return TLSA_E_OK;
}

/* Plain PSK: uint16 N, N zero bytes, uint16 N, psk. */
static size_t psk_pms(const tlsa_keys_conn *c, uint8_t *pms) {
    size_t n = c->psk_len;
    pms[0] = (uint8_t)(n >> 8);
    pms[1] = (uint8_t)n;
    memset(pms + 2, 0, n);
    pms[2 + n] = (uint8_t)(n >> 8);
    pms[3 + n] = (uint8_t)n;
    memcpy(pms + 4 + n, c->psk, n);
    return 2 * n + 4;
}

/* The pre-master at ClientKeyExchange: plain PSK, or RSA from the key log's RSA line or the
 * server key. */
static void on_client_key_exchange(tlsa_keys_conn *c, const uint8_t *msg, size_t len) {
    if (c->have_master || c->tls13 || !c->have_sh)
        return;
    uint8_t pms[2 * TLSA_PSK_MAX + 4];
    size_t pms_len = 48;
    bool have = false;
    tlsa_key_entry e;
    uint8_t source = TLSA_PMS_PSK;
    if (c->psk_len && tlsa_suite_is_plain_psk(c->suite)) {
        pms_len = psk_pms(c, pms);
        have = true;
    }
    /* opaque EncryptedPreMasterSecret<0..2^16-1>: the id is its first 8 bytes */
    if (!have && c->kl && len >= 4 + 2 + 8 &&
        tlsa_keylog_find(c->kl, TLSA_KEY_RSA, msg + 6, 8, &e) && e.secret_len == 48) {
        memcpy(pms, e.secret, 48);
        have = true;
        source = TLSA_PMS_KEYLOG_RSA;
    }
    if (!have && c->rsa && len > 4) {
        have = tlsa_rsa_decrypt_pms(c->rsa, msg + 4, len - 4, c->client_version, pms, NULL) ==
               TLSA_E_OK;
        source = TLSA_PMS_SERVER_KEY;
    }
    if (!have)
        return;
    uint8_t sh[64];
    size_t shn = 0;
    bool ems = c->ems_c && c->ems_s;
    if (ems && tlsa_transcript_hash(&c->t, sh, &shn) != TLSA_E_OK)
        return;
    c->have_master = tlsa_tls12_master_secret(c->version, c->suite, pms, pms_len, c->cr, c->sr,
                                              ems ? sh : NULL, shn, c->master) == TLSA_E_OK;
    OPENSSL_cleanse(pms, sizeof pms);
    if (c->have_master)
        c->pms_source = source;
    if (c->have_master) {
        keys12(c);
        remember_session(c);
    }
}

/* struct { uint32 ticket_lifetime_hint; opaque ticket<0..2^16-1>; } NewSessionTicket; (RFC 5077)
 * The ticket resumes the session being established. */
static void on_new_session_ticket(tlsa_keys_conn *c, const uint8_t *msg, size_t len) {
    tlsa_cur cur = tlsa_cur_make(msg, len), t;
    uint32_t hint;
    if (tlsa_cur_skip(&cur, 4) != TLSA_E_OK || tlsa_cur_u32(&cur, &hint) != TLSA_E_OK ||
        tlsa_cur_vec(&cur, 2, 1, 0xffff, 1, &t) != TLSA_E_OK || !c->have_master)
        return;
    remember_session(c);
    c->sess_has_ticket = ticket_hash(tlsa_cur_ptr(&t), tlsa_cur_left(&t), c->sess_ticket);
}

bool tlsa_keys_conn_session(const tlsa_keys_conn *c, tlsa_keys_session *out) {
    if (!c || !out || !c->sess_valid || c->tls13)
        return false;
    memset(out, 0, sizeof *out);
    out->has_ticket = c->sess_has_ticket;
    out->id_len = c->sess_id_len;
    memcpy(out->id, c->sess_id, sizeof out->id);
    memcpy(out->ticket, c->sess_ticket, sizeof out->ticket);
    memcpy(out->master, c->sess_master, sizeof out->master);
    out->version = c->sess_version;
    out->suite = c->sess_suite;
    return true;
}

static bool session_is(const tlsa_keys_session *s, bool has_ticket, const uint8_t ticket[32],
                       const uint8_t *id, uint8_t id_len) {
    return (s->has_ticket && has_ticket && memcmp(s->ticket, ticket, 32) == 0) ||
           (s->id_len > 0 && s->id_len == id_len && memcmp(s->id, id, id_len) == 0);
}

/* The session c may resume: what the server's abbreviated handshake will use. */
static void adopt_session(tlsa_keys_conn *c, const tlsa_keys_session *s) {
    c->sess_valid = true;
    c->sess_has_ticket = s->has_ticket;
    memcpy(c->sess_id, s->id, sizeof c->sess_id);
    c->sess_id_len = s->id_len;
    memcpy(c->sess_ticket, s->ticket, sizeof c->sess_ticket);
    memcpy(c->sess_master, s->master, sizeof c->sess_master);
    c->sess_version = s->version;
    c->sess_suite = s->suite;
}

void tlsa_keys_conn_resume_match(tlsa_keys_conn *c, const tlsa_session_cache *sc) {
    if (!c || !sc || !c->have_ch || c->have_sh || (!c->ch_has_ticket && c->ch_sid_len == 0))
        return;
    for (size_t k = 0; k < sc->n; k++) { /* newest first */
        const tlsa_keys_session *s =
            &sc->v[(sc->next + TLSA_SESSION_CACHE - 1 - k) % TLSA_SESSION_CACHE];
        if (!session_is(s, c->ch_has_ticket, c->ch_ticket, c->ch_sid, c->ch_sid_len))
            continue;
        adopt_session(c, s);
        return;
    }
}

void tlsa_session_cache_put(tlsa_session_cache *sc, const tlsa_keys_session *s) {
    if (!sc || !s)
        return;
    for (size_t k = 0; k < sc->n; k++) {
        tlsa_keys_session *o = &sc->v[(sc->next + TLSA_SESSION_CACHE - 1 - k) % TLSA_SESSION_CACHE];
        if (session_is(o, s->has_ticket, s->ticket, s->id, s->id_len)) {
            *o = *s;
            return;
        }
    }
    sc->v[sc->next] = *s;
    sc->next = (sc->next + 1) % TLSA_SESSION_CACHE;
    if (sc->n < TLSA_SESSION_CACHE)
        sc->n++;
}

void tlsa_keys_conn_resume_from(tlsa_keys_conn *c, const tlsa_keys_conn *prev) {
    tlsa_keys_session s;
    if (c && tlsa_keys_conn_session(prev, &s))
        adopt_session(c, &s);
}

static void on_finished(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *msg, size_t len) {
    uint8_t th[64], vd[64];
    size_t thn = 0, vdn = 0;
    c->fin_seen[dir] = true;
    if (c->have_sh && c->version == TLSA_SSL3) { /* over the buffered messages themselves */
        if (!c->have_master || tlsa_ssl3_finished(c->t.pending, c->t.pending_len, c->master,
                                                  dir == TLSA_FROM_CLIENT, vd) != TLSA_E_OK)
            return;
        vdn = 36;
    } else if (!c->t.ctx || tlsa_transcript_hash(&c->t, th, &thn) != TLSA_E_OK) {
        return;
    } else if (c->tls13) {
        if (c->hs_len[dir] == 0 || tlsa_tls13_finished(c->suite, c->hs_secret[dir], c->hs_len[dir],
                                                       th, thn, vd, &vdn) != TLSA_E_OK)
            return;
    } else {
        if (!c->have_master ||
            tlsa_tls12_finished(c->version, c->suite, c->master, dir == TLSA_FROM_CLIENT, th, thn,
                                vd) != TLSA_E_OK)
            return;
        vdn = 12;
    }
    bool ok = len - 4 == vdn && memcmp(msg + 4, vd, vdn) == 0;
    if (ok)
        c->verified++;
    if (c->fin[dir] != TLSA_FIN_MISMATCH) /* a mismatch in an earlier handshake stays */
        c->fin[dir] = ok ? TLSA_FIN_OK : TLSA_FIN_MISMATCH;
}

/* TLS <= 1.2 renegotiation: a ClientHello after both Finished starts a new handshake under the
 * current keys; its keys take over at the next ChangeCipherSpec of each side. */
static void renegotiate(tlsa_keys_conn *c) {
    tlsa_transcript_free(&c->t);
    tlsa_transcript_init(&c->t);
    c->have_ch = c->have_sh = c->hrr = false;
    c->ems_c = c->ems_s = c->etm_c = c->etm_s = c->early_offered = false;
    c->have_master = c->pend_ready = c->resumed = c->ch_has_ticket = false;
    c->ch_sid_len = c->sh_sid_len = 0;
    for (int d = 0; d < 2; d++) {
        c->fin_seen[d] = false;
        if (c->fin[d] != TLSA_FIN_MISMATCH)
            c->fin[d] = TLSA_FIN_UNKNOWN;
    }
}

int tlsa_keys_conn_pms_source(const tlsa_keys_conn *c) {
    return c ? c->pms_source : TLSA_PMS_NONE;
}

unsigned tlsa_keys_conn_verified(const tlsa_keys_conn *c) {
    return c ? c->verified : 0;
}

tlsa_err tlsa_keys_conn_sslv2_hello(tlsa_keys_conn *c, const uint8_t *msg, size_t len) {
    if (!c || !msg)
        return TLSA_E_INVALID_ARGUMENT;
    /* msg_type(1) version(2) cipher_spec_length(2) session_id_length(2) challenge_length(2)
     * cipher_specs session_id challenge */
    tlsa_cur cur = tlsa_cur_make(msg, len), v;
    uint8_t type;
    uint16_t version, cs_len, sid_len, ch_len;
    TLSA_TRY(tlsa_cur_u8(&cur, &type));
    TLSA_ENSURE(type == 1, TLSA_E_BAD_HANDSHAKE_TYPE);
    TLSA_TRY(tlsa_cur_u16(&cur, &version));
    TLSA_TRY(tlsa_cur_u16(&cur, &cs_len));
    TLSA_TRY(tlsa_cur_u16(&cur, &sid_len));
    TLSA_TRY(tlsa_cur_u16(&cur, &ch_len));
    TLSA_ENSURE(cs_len > 0 && cs_len % 3 == 0, TLSA_E_ODD_VECTOR);
    TLSA_ENSURE(sid_len == 0 || sid_len == 16, TLSA_E_BAD_LENGTH);
    TLSA_ENSURE(ch_len >= 16 && ch_len <= 32, TLSA_E_BAD_LENGTH);
    TLSA_TRY(tlsa_cur_skip(&cur, cs_len));
    TLSA_TRY(tlsa_cur_skip(&cur, sid_len));
    TLSA_TRY(tlsa_cur_sub(&cur, ch_len, &v));
    TLSA_TRY(tlsa_cur_done(&cur));
    if (c->have_ch)
        return TLSA_E_OK;
    c->have_ch = true;
    c->client_version = version;
    memset(c->cr, 0, 32);
    memcpy(c->cr + 32 - ch_len, tlsa_cur_ptr(&v), ch_len);
    return tlsa_transcript_add(&c->t, msg, len);
}

tlsa_err tlsa_keys_conn_message(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *msg, size_t len) {
    if (!c || !msg || (unsigned)dir >= 2)
        return TLSA_E_INVALID_ARGUMENT;
    TLSA_ENSURE(len >= 4, TLSA_E_TRUNCATED);
    uint8_t type = msg[0];
    if (type == 1 && dir == TLSA_FROM_CLIENT && !c->tls13 && c->fin_seen[0] && c->fin_seen[1])
        renegotiate(c);
    if (c->tls13 && type == 24) {
        key_update13(c, dir);
        return TLSA_E_OK;
    }
    /* Not hashed: HelloRequest, anything after both Finished, and TLS 1.3 NewSessionTicket (a
     * server may send tickets before the client's Finished) and KeyUpdate. */
    if ((c->fin_seen[0] && c->fin_seen[1]) || type == 0 || (c->tls13 && type == 4))
        return TLSA_E_OK;
    switch (type) {
    case 1:
        TLSA_TRY(on_client_hello(c, msg, len));
        break;
    case 2:
        return on_server_hello(c, msg, len); /* adds itself to the transcript */
    case 8:
        if (c->tls13 && c->early_offered) {
            tlsa_keys_hello ee;
            TLSA_TRY(tlsa_keys_hello_parse(msg, len, &ee));
            if (!ee.early_data) /* rejected: the client's next records use handshake keys */
                to_handshake13(c, TLSA_FROM_CLIENT);
        }
        break;
    case 5: /* EndOfEarlyData */
        if (c->tls13 && dir == TLSA_FROM_CLIENT) {
            TLSA_TRY(tlsa_transcript_add(&c->t, msg, len));
            c->eoed = true;
            to_handshake13(c, TLSA_FROM_CLIENT);
            return TLSA_E_OK;
        }
        break;
    case 16:
        TLSA_TRY(tlsa_transcript_add(&c->t, msg, len));
        on_client_key_exchange(c, msg, len);
        return TLSA_E_OK;
    case 11:
        if (c->tls13)
            on_certificate13(c, dir, msg, len);
        break;
    case 15:
        if (c->tls13)
            on_cert_verify13(c, dir, msg, len);
        break;
    case 4: /* TLS <= 1.2 NewSessionTicket (TLS 1.3 ones were skipped above) */
        if (dir == TLSA_FROM_SERVER)
            on_new_session_ticket(c, msg, len);
        break;
    case 20:
        on_finished(c, dir, msg, len);
        TLSA_TRY(tlsa_transcript_add(&c->t, msg, len));
        if (c->tls13)
            to_app13(c, dir);
        return TLSA_E_OK;
    default:
        break;
    }
    return tlsa_transcript_add(&c->t, msg, len);
}

/* 0-RTT: the suite of the resumed session is not on the wire before ServerHello; try the TLS 1.3
 * suites whose hash matches the secret's length. */
static tlsa_err open_early(tlsa_keys_conn *c, const uint8_t *rec, size_t len, uint8_t *out,
                           size_t *out_len, uint8_t *inner) {
    static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0x1304, 0x1305};
    tlsa_tls13_dir *d = &c->d13[TLSA_FROM_CLIENT];
    if (c->early_suite_known)
        return tlsa_tls13_open(d, rec, len, out, out_len, inner);
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        if (c->have_sh && suites[i] != c->suite)
            continue;
        tlsa_tls13_dir t;
        if (tlsa_tls13_dir_init(&t, suites[i], c->early_secret, c->early_len) != TLSA_E_OK)
            continue;
        if (tlsa_tls13_open(&t, rec, len, out, out_len, inner) == TLSA_E_OK) {
            *d = t;
            c->early_suite_known = true;
            return TLSA_E_OK;
        }
    }
    return TLSA_E_DECRYPT_FAILED;
}

/* A client record while 0-RTT may still be running: early keys first; else, once ServerHello is
 * known, the handshake keys. Succeeding with those means EndOfEarlyData went by under early keys
 * we may lack; it is always 05 00 00 00, so it is added to the transcript here. */
static tlsa_err early_or_handshake(tlsa_keys_conn *c, const uint8_t *rec, size_t len, uint8_t *out,
                                   size_t *out_len, uint8_t *inner) {
    tlsa_err e = TLSA_E_DECRYPT_FAILED;
    if (c->early_len)
        e = open_early(c, rec, len, out, out_len, inner);
    if (e != TLSA_E_DECRYPT_FAILED || !c->have_sh || c->hs_len[TLSA_FROM_CLIENT] == 0)
        return e;
    tlsa_tls13_dir hs;
    TLSA_TRY(tlsa_tls13_dir_init(&hs, c->suite, c->hs_secret[TLSA_FROM_CLIENT],
                                 c->hs_len[TLSA_FROM_CLIENT]));
    hs.draft_no_aad = c->no_aad;
    TLSA_TRY(tlsa_tls13_open(&hs, rec, len, out, out_len, inner));
    static const uint8_t eoed[4] = {5, 0, 0, 0};
    if (!c->eoed && c->t.ctx)
        TLSA_TRY(tlsa_transcript_add(&c->t, eoed, sizeof eoed));
    c->eoed = true;
    c->d13[TLSA_FROM_CLIENT] = hs;
    c->epoch[TLSA_FROM_CLIENT] = EPOCH_HANDSHAKE;
    return TLSA_E_OK;
}

tlsa_err tlsa_keys_conn_record(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *record,
                               size_t record_len, uint8_t *out, size_t *out_len,
                               uint8_t *inner_type, tlsa_rec_state *state) {
    if (!c || !record || !out || !out_len || !inner_type || !state || (unsigned)dir >= 2)
        return TLSA_E_INVALID_ARGUMENT;
    tlsa_cur cur = tlsa_cur_make(record, record_len), frag;
    uint8_t type;
    uint16_t version;
    TLSA_TRY(tlsa_cur_u8(&cur, &type));
    TLSA_TRY(tlsa_cur_u16(&cur, &version));
    TLSA_TRY(tlsa_cur_vec(&cur, 2, 0, 0xffff, 1, &frag));
    TLSA_TRY(tlsa_cur_done(&cur));
    *state = TLSA_REC_CLEAR;
    *inner_type = type;
    *out_len = 0;

    bool early = !c->have_sh && c->early_offered && dir == TLSA_FROM_CLIENT;
    if (c->tls13 || c->hrr || early) {
        if (type != 23) /* ChangeCipherSpec (compatibility), cleartext alerts and hellos */
            return TLSA_E_OK;
        *state = TLSA_REC_NO_KEYS;
        if (c->epoch[dir] == EPOCH_NONE)
            return TLSA_E_OK;
        if (c->epoch[dir] == EPOCH_EARLY) {
            tlsa_err e = early_or_handshake(c, record, record_len, out, out_len, inner_type);
            if (e == TLSA_E_DECRYPT_FAILED && c->early_len == 0)
                return TLSA_E_OK; /* 0-RTT data without its secret */
            TLSA_TRY(e);
        } else {
            tlsa_err e =
                tlsa_tls13_open(&c->d13[dir], record, record_len, out, out_len, inner_type);
            if (e == TLSA_E_DECRYPT_FAILED)
                c->d13[dir].seq++; /* keep in step with the sender */
            TLSA_TRY(e);
        }
        *state = TLSA_REC_DECRYPTED;
        return TLSA_E_OK;
    }
    /* TLS <= 1.2: a ChangeCipherSpec (itself under the old keys when renegotiating) switches its
     * sender to the keys of the handshake in progress */
    bool ccs = type == 20 && c->have_sh;
    if (c->active12[dir]) {
        tlsa_err e = tlsa_tls12_open(&c->cur[dir], type, version, tlsa_cur_ptr(&frag),
                                     tlsa_cur_left(&frag), out, out_len);
        if (e == TLSA_E_DECRYPT_FAILED) /* keep in step with the sender */
            tlsa_tls12_skip(&c->cur[dir], tlsa_cur_ptr(&frag), tlsa_cur_left(&frag));
        TLSA_TRY(e);
        *state = TLSA_REC_DECRYPTED;
    } else if (c->protected12[dir]) {
        *state = TLSA_REC_NO_KEYS;
    }
    if (ccs) {
        c->protected12[dir] = true;
        c->active12[dir] = c->pend_ready;
        if (c->pend_ready)
            c->cur[dir] = c->pend.dir[dir];
    }
    return TLSA_E_OK;
}

void tlsa_keys_conn_skip(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *record,
                         size_t record_len) {
    if (!c || !record || (unsigned)dir >= 2)
        return;
    tlsa_cur cur = tlsa_cur_make(record, record_len), frag;
    uint8_t type;
    uint16_t version;
    if (tlsa_cur_u8(&cur, &type) != TLSA_E_OK || tlsa_cur_u16(&cur, &version) != TLSA_E_OK ||
        tlsa_cur_vec(&cur, 2, 0, 0xffff, 1, &frag) != TLSA_E_OK || tlsa_cur_done(&cur) != TLSA_E_OK)
        return;
    if (c->tls13 || c->hrr) {
        if (type == 23 && (c->epoch[dir] == EPOCH_HANDSHAKE || c->epoch[dir] == EPOCH_APP))
            c->d13[dir].seq++;
        return;
    }
    if (c->active12[dir] && type != 20)
        tlsa_tls12_skip(&c->cur[dir], tlsa_cur_ptr(&frag), tlsa_cur_left(&frag));
}
