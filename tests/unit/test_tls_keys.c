/* tls_keys.c: the TLS layer with keys, fed whole connections cut out of the shared captures
 * (tests/unit/data/keys/NAME.records: a direction byte, then the whole record, in capture
 * order). Decrypted handshake messages are placed like cleartext ones; each Finished and the
 * TLS 1.3 CertificateVerify are checked; a tampered hello makes both Finished mismatch; wrong or
 * missing keys leave a note; application data is never collected. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "keys_fixture.h"
#include "tls_feed.h"
#include "tlsaudit/audit.h"
#include "tlsaudit/keys.h"

#define KEYS TLSA_SHARED_DIR "/captures/wireshark/keys/"

static tlsa_keylog *keylog_file(const char *path) {
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(kl);
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_load_file(kl, path), TLSA_E_OK);
    return kl;
}

static void open_keys(feed *f, tlsa_keylog *kl, const tlsa_rsa_key *rsa) {
    feed_open(f, true);
    tlsa_tls_free(f->t);
    tlsa_tls_init init = {0};
    init.limits = &f->lim;
    init.side[0].port = 50000;
    init.side[1].port = 443;
    init.side[0].addr.family = init.side[1].addr.family = 4;
    init.syn_seen = true;
    init.first_frame = 1;
    init.on_step = feed_on_step;
    init.user = f;
    init.keylog = kl;
    init.rsa_key = rsa;
    f->t = tlsa_tls_new(&init);
    CU_ASSERT_PTR_NOT_NULL_FATAL(f->t);
}

/* Feeds the records of a fixture, each in pieces of chunk bytes (0: whole); frame = record
 * index + 1. tamper_ch: flip the last byte of the ClientHello's cipher suite list. Stops before
 * record stop_at (-1: all). Returns the number of records fed. */
static int feed_records(feed *f, const char *name, size_t chunk, bool tamper_ch, int stop_at) {
    size_t len;
    uint8_t *data = fx_read(name, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    tlsa_cur cur = tlsa_cur_make(data, len);
    int n = 0;
    while (tlsa_cur_left(&cur) > 5 && n != stop_at) {
        uint8_t d = 0;
        CU_ASSERT_FATAL(tlsa_cur_u8(&cur, &d) == TLSA_E_OK && d < 2);
        uint8_t *rec = (uint8_t *)tlsa_cur_ptr(&cur);
        size_t rlen = 5 + ((size_t)rec[3] << 8 | rec[4]);
        CU_ASSERT_FATAL(tlsa_cur_skip(&cur, rlen) == TLSA_E_OK);
        if (tamper_ch && n == 0 && rec[0] == 22 && rec[5] == 1) {
            size_t p = 5 + 4 + 2 + 32;
            p += 1 + rec[p];
            size_t nsuites = (size_t)rec[p] << 8 | rec[p + 1];
            rec[p + 2 + nsuites - 1] ^= 1;
        }
        size_t step = chunk ? chunk : rlen;
        for (size_t i = 0; i < rlen; i += step)
            feed_bytes(f, d, rec + i, rlen - i < step ? rlen - i : step, (uint64_t)n + 1);
        n++;
    }
    free(data);
    return n;
}

static int count_steps(const tlsa_conn *c, uint8_t type, bool decrypted) {
    int n = 0;
    for (uint32_t i = 0; i < c->steps.n; i++)
        if (c->steps.v[i].msg_type == type && c->steps.v[i].decrypted == decrypted &&
            !c->steps.v[i].encrypted)
            n++;
    return n;
}

static int count_encrypted(const tlsa_conn *c) {
    int n = 0;
    for (uint32_t i = 0; i < c->steps.n; i++)
        n += c->steps.v[i].encrypted;
    return n;
}

static bool has_finding(tlsa_conn *c, const char *id) {
    tlsa_audit_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.no_system_store = true;
    tlsa_err err = TLSA_E_OK;
    tlsa_auditor *a = tlsa_auditor_new(&cfg, &err, NULL, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, c), TLSA_E_OK);
    bool found = false;
    for (uint32_t i = 0; i < c->n_findings; i++)
        if (!strcmp(tlsa_finding_id_str((tlsa_finding_id)c->findings[i].id), id))
            found = true;
    tlsa_auditor_free(a);
    return found;
}

static void test_tls13_decrypted(void) {
    static const size_t chunks[] = {0, 1, 7};
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        tlsa_keylog *kl = keylog_file(KEYS "tls13-rfc8446.keys");
        feed f;
        open_keys(&f, kl, NULL);
        feed_records(&f, "tls13-rfc8446-0.records", chunks[k], false, -1);
        tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(c->decrypted, 1);
        CU_ASSERT_EQUAL(c->finished_check[TLSA_FROM_CLIENT], 1);
        CU_ASSERT_EQUAL(c->finished_check[TLSA_FROM_SERVER], 1);
        CU_ASSERT_EQUAL(c->finished_verified, 2);
        CU_ASSERT_EQUAL(c->cv_check, 1);
        CU_ASSERT_EQUAL(c->keys_note[0], 0);
        CU_ASSERT_EQUAL(c->server_chain.n, 1); /* the TLS 1.3 Certificate, decrypted */
        CU_ASSERT_EQUAL(count_steps(c, TLSA_HS_ENCRYPTED_EXTENSIONS, true), 1);
        CU_ASSERT_EQUAL(count_steps(c, TLSA_HS_CERTIFICATE, true), 1);
        CU_ASSERT_EQUAL(count_steps(c, TLSA_HS_CERTIFICATE_VERIFY, true), 1);
        CU_ASSERT_EQUAL(count_steps(c, TLSA_HS_FINISHED, true), 2);
        CU_ASSERT_EQUAL(count_steps(c, TLSA_HS_CLIENT_HELLO, false), 1);
        CU_ASSERT_EQUAL(count_encrypted(c), 0);
        CU_ASSERT_TRUE(c->complete);
        CU_ASSERT_FALSE(has_finding(c, "cert.not_visible"));
        CU_ASSERT_FALSE(has_finding(c, "handshake.finished_mismatch"));
        feed_close(&f);
        tlsa_keylog_free(kl);
    }
}

/* Once both Finished went by, application data is passed over by its header: a half-received
 * last record (application data) leaves nothing buffered, while a half-received protected
 * handshake record is collected to be decrypted. */
static void test_application_data_not_collected(void) {
    tlsa_keylog *kl = keylog_file(KEYS "tls13-rfc8446.keys");
    feed f;
    open_keys(&f, kl, NULL);
    int n = feed_records(&f, "tls13-rfc8446-0.records", 0, false, -1);
    feed_close(&f);
    size_t len;
    uint8_t *data = fx_read("tls13-rfc8446-0.records", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    /* the last record, and the server's first protected one */
    tlsa_cur cur = tlsa_cur_make(data, len);
    const uint8_t *last = NULL, *prot = NULL;
    size_t last_len = 0, prot_len = 0;
    uint8_t last_dir = 0, prot_dir = 0;
    int prot_at = 0;
    for (int i = 0; i < n; i++) {
        uint8_t d = 0;
        CU_ASSERT_FATAL(tlsa_cur_u8(&cur, &d) == TLSA_E_OK);
        const uint8_t *rec = tlsa_cur_ptr(&cur);
        size_t rlen = 5 + ((size_t)rec[3] << 8 | rec[4]);
        CU_ASSERT_FATAL(tlsa_cur_skip(&cur, rlen) == TLSA_E_OK);
        if (!prot && d == 1 && rec[0] == 23) {
            prot = rec, prot_len = rlen, prot_dir = d, prot_at = i;
        }
        last = rec, last_len = rlen, last_dir = d;
    }
    CU_ASSERT_FATAL(last && last[0] == 23 && last_len > 30 && prot && prot[0] == 23);
    open_keys(&f, kl, NULL);
    feed_records(&f, "tls13-rfc8446-0.records", 0, false, n - 1);
    feed_bytes(&f, last_dir, last, last_len - 10, 99);
    CU_ASSERT_EQUAL(tlsa_tls_buffered(f.t), 0);
    feed_close(&f);
    /* The server's first protected record (EncryptedExtensions...) is collected. */
    open_keys(&f, kl, NULL);
    feed_records(&f, "tls13-rfc8446-0.records", 0, false, prot_at);
    feed_bytes(&f, prot_dir, prot, prot_len - 10, 99);
    CU_ASSERT_EQUAL(tlsa_tls_buffered(f.t), prot_len - 10 - 5);
    feed_close(&f);
    tlsa_keylog_free(kl);
    free(data);
}

/* One offered suite changed in the ClientHello: the random, hence the keys, are intact and every
 * record opens, but the endpoints hashed the original hello: both Finished mismatch, and the
 * TLS 1.3 CertificateVerify (a signature over the transcript) fails. */
static void test_tampered_hello(void) {
    static const struct {
        const char *keys, *records;
        bool tls13;
    } v[] = {{KEYS "tls12-dsb-1.keys", "tls12-dsb-0.records", false},
             {KEYS "tls13-rfc8446.keys", "tls13-rfc8446-0.records", true}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        tlsa_keylog *kl = keylog_file(v[i].keys);
        feed f;
        open_keys(&f, kl, NULL);
        feed_records(&f, v[i].records, 0, true, -1);
        tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        CU_ASSERT_EQUAL(c->decrypted, 1);
        CU_ASSERT_EQUAL(c->finished_check[TLSA_FROM_CLIENT], 2);
        CU_ASSERT_EQUAL(c->finished_check[TLSA_FROM_SERVER], 2);
        CU_ASSERT_EQUAL(c->finished_verified, 0);
        CU_ASSERT_EQUAL(c->cv_check, v[i].tls13 ? 2 : 0);
        CU_ASSERT_TRUE(has_finding(c, "handshake.finished_mismatch"));
        CU_ASSERT_EQUAL(has_finding(c, "handshake.certificate_verify_invalid"), v[i].tls13);
        feed_close(&f);
        tlsa_keylog_free(kl);
    }
}

/* The right client random with wrong secrets: nothing opens, the steps stay encrypted, a note
 * says why, and no Finished is called a mismatch. */
static void test_wrong_keys(void) {
    tlsa_keylog *good = keylog_file(KEYS "tls13-rfc8446.keys");
    size_t len;
    uint8_t *text = tlsa_test_read_file(KEYS "tls13-rfc8446.keys", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(text);
    /* Every hex digit of the secrets (the prot field) changed. */
    int field = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            field = 0;
        else if (text[i] == ' ')
            field++;
        else if (field == 2 && text[i] == '0')
            text[i] = '1';
        else if (field == 2 && text[i] != '\r')
            text[i] = '0';
    }
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL(tlsa_keylog_add_text(kl, "wrong", (const char *)text, len), TLSA_E_OK);
    feed f;
    open_keys(&f, kl, NULL);
    feed_records(&f, "tls13-rfc8446-0.records", 0, false, -1);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->decrypted, 0);
    CU_ASSERT_EQUAL(c->finished_check[0] + c->finished_check[1], 0);
    CU_ASSERT_STRING_EQUAL(c->keys_note, "decryption failed: wrong keys or damaged records");
    CU_ASSERT_TRUE(count_encrypted(c) > 0);
    CU_ASSERT_TRUE(has_problem(c, TLSA_E_DECRYPT_FAILED));
    CU_ASSERT_TRUE(has_finding(c, "cert.not_visible"));
    CU_ASSERT_FALSE(has_finding(c, "handshake.finished_mismatch"));
    feed_close(&f);
    /* A key log for other connections: no key for this client random. */
    tlsa_keylog *other = keylog_file(KEYS "tls12-dsb-1.keys");
    open_keys(&f, other, NULL);
    feed_records(&f, "tls13-rfc8446-0.records", 0, false, -1);
    c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_STRING_EQUAL(c->keys_note, "no key for this client random");
    CU_ASSERT_EQUAL(c->decrypted, 0);
    feed_close(&f);
    tlsa_keylog_free(other);
    tlsa_keylog_free(kl);
    tlsa_keylog_free(good);
    free(text);
}

/* RSA key exchange with the server key (step 6); renegotiations inside the channel decrypted. */
static void test_rsa_and_renegotiation(void) {
    tlsa_rsa_key *k = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsa-p-lt-q.key", NULL, &k), TLSA_E_OK);
    feed f;
    open_keys(&f, NULL, k);
    feed_records(&f, "rsa-p-lt-q.records", 0, false, -1);
    tlsa_conn *c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->finished_check[0], 1);
    CU_ASSERT_EQUAL(c->finished_check[1], 1);
    bool step6 = false;
    for (uint32_t i = 0; i < c->steps.n; i++)
        if (c->steps.v[i].msg_type == TLSA_HS_CLIENT_KEY_EXCHANGE &&
            strstr(c->steps.v[i].note, "step 6: decrypted with the server key"))
            step6 = true;
    CU_ASSERT_TRUE(step6);
    CU_ASSERT_TRUE(c->pms_decrypted);
    feed_close(&f);
    tlsa_rsa_key_free(k);

    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsasnakeoil2.key", NULL, &k), TLSA_E_OK);
    open_keys(&f, NULL, k);
    feed_records(&f, "tls-renegotiation.records", 0, false, -1);
    c = tlsa_tls_finish(f.t, TLSA_END_FIN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(c->handshakes, 5);
    CU_ASSERT_EQUAL(c->finished_verified, 10);
    CU_ASSERT_EQUAL(count_encrypted(c), 0);
    CU_ASSERT_EQUAL(count_steps(c, TLSA_HS_CLIENT_HELLO, true), 4);
    feed_close(&f);
    tlsa_rsa_key_free(k);
}

TLSA_TEST_MAIN("tls_keys", {"TLS 1.3 decrypted, any chunking", test_tls13_decrypted},
               {"application data not collected", test_application_data_not_collected},
               {"tampered ClientHello: Finished mismatch", test_tampered_hello},
               {"wrong keys, other keys", test_wrong_keys},
               {"RSA key and renegotiation", test_rsa_and_renegotiation})
