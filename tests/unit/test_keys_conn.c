/* The connection-level API the TLS layer calls (keys_conn.c), replayed over whole connections cut
 * out of the shared captures (tests/unit/data/keys/NAME.records, made by extract_records.py):
 * TLS 1.3 full handshake, PSK resumption with 0-RTT (with and without the early secret), TLS 1.3
 * draft-20 ChaCha20, TLS 1.2 RSA/CBC, ECDHE/GCM, seven ChaCha20-Poly1305 suites, TLS 1.0
 * abbreviated; wrong keys, damaged records and a broken transcript. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "keys_fixture.h"
#include "keys_internal.h"

#define WS TLSA_SHARED_DIR "/captures/wireshark/"
#define KEYS WS "keys/"

typedef struct replay {
    /* what happened */
    int decrypted[2], no_keys[2], failed[2], messages[2];
    uint8_t app[2][64]; /* first application bytes per direction */
    size_t app_len[2];
    int early_records;
    /* handshake reassembly per direction */
    uint8_t hs[2][16384];
    size_t hs_len[2];
    /* options */
    int skip_message_type; /* do not feed this handshake type (breaks the transcript) */
    int flip_record;       /* flip a bit in this record (index), -1: none */
} replay;

static void feed_handshake(tlsa_keys_conn *c, replay *r, int d, const uint8_t *p, size_t n) {
    CU_ASSERT_FATAL(r->hs_len[d] + n <= sizeof r->hs[d]);
    memcpy(r->hs[d] + r->hs_len[d], p, n);
    r->hs_len[d] += n;
    size_t m;
    while ((m = fx_hs_len(r->hs[d], r->hs_len[d])) > 0) {
        if (r->hs[d][0] != r->skip_message_type) {
            CU_ASSERT_EQUAL(tlsa_keys_conn_message(c, (tlsa_dir)d, r->hs[d], m), TLSA_E_OK);
            r->messages[d]++;
        }
        memmove(r->hs[d], r->hs[d] + m, r->hs_len[d] - m);
        r->hs_len[d] -= m;
    }
}

static void run(tlsa_keys_conn *c, const char *fixture, replay *r) {
    size_t len;
    uint8_t *data = fx_read(fixture, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    tlsa_cur cur = tlsa_cur_make(data, len);
    static uint8_t rec[20000], out[20000];
    int index = 0;
    bool server_spoke = false;
    while (tlsa_cur_left(&cur) > 0) {
        uint8_t d;
        tlsa_cur body = {NULL, 0, 0};
        size_t start;
        CU_ASSERT_FATAL(tlsa_cur_u8(&cur, &d) == TLSA_E_OK && d < 3);
        if (d == 2) { /* SSLv2-compatible ClientHello */
            CU_ASSERT_FATAL(tlsa_cur_vec(&cur, 2, 1, 0xffff, 1, &body) == TLSA_E_OK);
            CU_ASSERT_EQUAL(
                tlsa_keys_conn_sslv2_hello(c, tlsa_cur_ptr(&body), tlsa_cur_left(&body)),
                TLSA_E_OK);
            index++;
            continue;
        }
        start = cur.pos;
        CU_ASSERT_FATAL(tlsa_cur_skip(&cur, 3) == TLSA_E_OK);
        CU_ASSERT_FATAL(tlsa_cur_vec(&cur, 2, 0, 0xffff, 1, &body) == TLSA_E_OK);
        size_t n = cur.pos - start;
        CU_ASSERT_FATAL(n <= sizeof rec);
        memcpy(rec, data + start, n);
        if (index == r->flip_record)
            rec[n - 3] ^= 0x10;
        index++;
        server_spoke |= d == 1;
        size_t out_len = 0;
        uint8_t inner = 0;
        tlsa_rec_state st;
        tlsa_err e = tlsa_keys_conn_record(c, (tlsa_dir)d, rec, n, out, &out_len, &inner, &st);
        if (e != TLSA_E_OK) {
            CU_ASSERT_EQUAL(e, TLSA_E_DECRYPT_FAILED);
            r->failed[d]++;
            continue;
        }
        if (st == TLSA_REC_NO_KEYS) {
            r->no_keys[d]++;
            continue;
        }
        const uint8_t *p = st == TLSA_REC_CLEAR ? rec + 5 : out;
        size_t pn = st == TLSA_REC_CLEAR ? n - 5 : out_len;
        if (st == TLSA_REC_DECRYPTED) {
            r->decrypted[d]++;
            if (d == 0 && !server_spoke)
                r->early_records++;
        }
        if (inner == 22)
            feed_handshake(c, r, d, p, pn);
        else if (inner == 23 && r->app_len[d] == 0) {
            r->app_len[d] = pn < sizeof r->app[d] ? pn : sizeof r->app[d];
            memcpy(r->app[d], p, r->app_len[d]);
        }
    }
    free(data);
}

static bool app_starts(const replay *r, int d, const char *s) {
    return r->app_len[d] >= strlen(s) && memcmp(r->app[d], s, strlen(s)) == 0;
}

static replay *new_replay(void) {
    replay *r = calloc(1, sizeof *r);
    r->skip_message_type = -1;
    r->flip_record = -1;
    return r;
}

static tlsa_keylog *keylog(const char *path) {
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_load_file(kl, path), TLSA_E_OK);
    return kl;
}

static void expect_both_ok(const tlsa_keys_conn *c) {
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_CLIENT), TLSA_FIN_OK);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_SERVER), TLSA_FIN_OK);
}

static void test_tls13_full(void) {
    tlsa_keylog *kl = keylog(KEYS "tls13-rfc8446.keys");
    tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
    replay *r = new_replay();
    run(c, "tls13-rfc8446-0.records", r);
    CU_ASSERT_EQUAL(tlsa_keys_conn_version(c), 0x0304);
    CU_ASSERT_EQUAL(tlsa_keys_conn_suite(c), 0x1301);
    expect_both_ok(c);
    CU_ASSERT_EQUAL(tlsa_keys_conn_cert_verify(c, TLSA_FROM_SERVER), TLSA_FIN_OK);
    CU_ASSERT_EQUAL(tlsa_keys_conn_cert_verify(c, TLSA_FROM_CLIENT), TLSA_FIN_UNKNOWN);
    CU_ASSERT(app_starts(r, 0, "GET /first HTTP/1.1"));
    CU_ASSERT(app_starts(r, 1, "HTTP/1.1 200"));
    CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
    CU_ASSERT_EQUAL(r->early_records, 0);
    tlsa_keys_conn_free(c);
    free(r);
    tlsa_keylog_free(kl);
}

/* AES-128-GCM TLS 1.3 record sealed independently of the library. */
static size_t seal_gcm128(const uint8_t key[16], const uint8_t iv[12], const char *text,
                          uint8_t inner_type, uint8_t *rec) {
    size_t n = strlen(text), len = n + 1 + 16;
    uint8_t pt[256];
    memcpy(pt, text, n);
    pt[n] = inner_type;
    rec[0] = 23;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(len >> 8);
    rec[4] = (uint8_t)len;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int outl = 0;
    CU_ASSERT(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, key, iv) == 1);
    CU_ASSERT(EVP_EncryptUpdate(ctx, NULL, &outl, rec, 5) == 1);
    CU_ASSERT(EVP_EncryptUpdate(ctx, rec + 5, &outl, pt, (int)n + 1) == 1);
    CU_ASSERT(EVP_EncryptFinal_ex(ctx, rec + 5 + outl, &outl) == 1);
    CU_ASSERT(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, rec + 5 + n + 1) == 1);
    EVP_CIPHER_CTX_free(ctx);
    return 5 + len;
}

static void test_skip(void) {
    /* skipping records keeps later ones in step: TLS 1.2 GCM (sequence in the nonce's AAD) and
     * TLS 1.0 CBC (chained IV) */
    static const struct {
        const char *keys, *records;
    } v[] = {{KEYS "tls12-dsb-1.keys", "tls12-dsb-0.records"},
             {KEYS "dhe1_keylog.dat", "dhe1.records"},
             {KEYS "tls13-rfc8446.keys", "tls13-rfc8446-0.records"}};
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t len;
        uint8_t *data = fx_read(v[i].records, &len);
        CU_ASSERT_PTR_NOT_NULL_FATAL(data);
        tlsa_keylog *kl = keylog(v[i].keys);
        tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
        replay *r = new_replay();
        static uint8_t out[20000];
        tlsa_cur cur = tlsa_cur_make(data, len);
        int app_seen[2] = {0, 0}, after_skip = 0;
        while (tlsa_cur_left(&cur) > 0) {
            uint8_t d;
            tlsa_cur body = {NULL, 0, 0};
            CU_ASSERT_FATAL(tlsa_cur_u8(&cur, &d) == TLSA_E_OK && d < 2);
            size_t start = cur.pos;
            CU_ASSERT_FATAL(tlsa_cur_skip(&cur, 3) == TLSA_E_OK);
            CU_ASSERT_FATAL(tlsa_cur_vec(&cur, 2, 0, 0xffff, 1, &body) == TLSA_E_OK);
            const uint8_t *rec = data + start;
            size_t n = cur.pos - start;
            /* skip the first application record of each side once its keys are running */
            if (rec[0] == 23 && tlsa_keys_conn_decrypting(c, (tlsa_dir)d) &&
                tlsa_keys_conn_finished(c, (tlsa_dir)d) == TLSA_FIN_OK && !app_seen[d]++) {
                tlsa_keys_conn_skip(c, (tlsa_dir)d, rec, n);
                continue;
            }
            size_t out_len = 0;
            uint8_t inner = 0;
            tlsa_rec_state st;
            tlsa_err e = tlsa_keys_conn_record(c, (tlsa_dir)d, rec, n, out, &out_len, &inner, &st);
            CU_ASSERT_EQUAL(e, TLSA_E_OK);
            if (e == TLSA_E_OK && st == TLSA_REC_DECRYPTED && app_seen[d])
                after_skip++;
            if (e == TLSA_E_OK && inner == 22)
                feed_handshake(c, r, d, st == TLSA_REC_CLEAR ? rec + 5 : out,
                               st == TLSA_REC_CLEAR ? n - 5 : out_len);
        }
        expect_both_ok(c);
        CU_ASSERT(app_seen[0] + app_seen[1] > 0);
        CU_ASSERT(after_skip > 0); /* records after a skipped one still decrypt */
        tlsa_keys_conn_free(c);
        free(r);
        tlsa_keylog_free(kl);
        free(data);
    }
}

static void test_tls13_key_update(void) {
    tlsa_keylog *kl = keylog(KEYS "tls13-rfc8446.keys");
    tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
    replay *r = new_replay();
    run(c, "tls13-rfc8446-0.records", r);
    expect_both_ok(c);
    /* the client sends KeyUpdate(update_not_requested); its next record uses
     * HKDF-Expand-Label(CLIENT_TRAFFIC_SECRET_0, "traffic upd", "", 32), sequence 0 */
    static const uint8_t ku[] = {24, 0, 0, 1, 0};
    CU_ASSERT_EQUAL(tlsa_keys_conn_message(c, TLSA_FROM_CLIENT, ku, sizeof ku), TLSA_E_OK);
    size_t n;
    uint8_t *s0 =
        tlsa_test_hex("1ce3e54d6b980d838f79564fd33d43a7664df24ead913c316c379ca3dd349b74", &n);
    uint8_t s1[32], key[16], iv[12], rec[128], out[128], inner = 0;
    CU_ASSERT_EQUAL(tlsa_tls13_expand_label("SHA256", s0, 32, "traffic upd", NULL, 0, s1, 32),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls13_expand_label("SHA256", s1, 32, "key", NULL, 0, key, 16), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls13_expand_label("SHA256", s1, 32, "iv", NULL, 0, iv, 12), TLSA_E_OK);
    size_t rn = seal_gcm128(key, iv, "after update", 23, rec), out_len = 0;
    tlsa_rec_state st;
    CU_ASSERT_EQUAL(tlsa_keys_conn_record(c, TLSA_FROM_CLIENT, rec, rn, out, &out_len, &inner, &st),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(st, TLSA_REC_DECRYPTED);
    CU_ASSERT(out_len == 12 && memcmp(out, "after update", 12) == 0);
    CU_ASSERT_EQUAL(inner, 23);
    /* the server did not update: a record under the client's new keys is not the server's */
    CU_ASSERT_EQUAL(tlsa_keys_conn_record(c, TLSA_FROM_SERVER, rec, rn, out, &out_len, &inner, &st),
                    TLSA_E_DECRYPT_FAILED);
    free(s0);
    tlsa_keys_conn_free(c);
    free(r);
    tlsa_keylog_free(kl);
}

static void test_tls13_early_data(void) {
    /* PSK resumption with 0-RTT: the early record and EndOfEarlyData use the early secret */
    tlsa_keylog *kl = keylog(KEYS "tls13-rfc8446.keys");
    tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
    replay *r = new_replay();
    run(c, "tls13-rfc8446-1.records", r);
    expect_both_ok(c);
    CU_ASSERT_EQUAL(r->early_records, 1);
    CU_ASSERT(app_starts(r, 0, "GET /early HTTP/1.1")); /* the 0-RTT request */
    CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
    tlsa_keys_conn_free(c);
    free(r);
    tlsa_keylog_free(kl);

    /* without the early secret: 0-RTT stays opaque, EndOfEarlyData is inferred, Finished still
     * verifies */
    kl = keylog(KEYS "tls13-rfc8446-noearly.keys");
    c = tlsa_keys_conn_new(kl, NULL);
    r = new_replay();
    run(c, "tls13-rfc8446-1.records", r);
    expect_both_ok(c);
    CU_ASSERT_EQUAL(r->early_records, 0);
    CU_ASSERT_EQUAL(r->no_keys[0], 2); /* the early request and EndOfEarlyData */
    CU_ASSERT_EQUAL(r->failed[0] + r->failed[1], 0);
    tlsa_keys_conn_free(c);
    free(r);
    tlsa_keylog_free(kl);
}

static void test_tls13_draft20_chacha(void) {
    tlsa_keylog *kl = keylog(KEYS "tls13-20-chacha20poly1305.keys");
    for (int i = 0; i < 2; i++) {
        tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
        replay *r = new_replay();
        run(c, i ? "tls13-20-chacha20poly1305-1.records" : "tls13-20-chacha20poly1305-0.records",
            r);
        CU_ASSERT_EQUAL(tlsa_keys_conn_version(c), 0x7f14);
        CU_ASSERT_EQUAL(tlsa_keys_conn_suite(c), 0x1303);
        expect_both_ok(c);
        CU_ASSERT(r->app_len[0] > 0 && r->app_len[1] > 0);
        CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
        tlsa_keys_conn_free(c);
        free(r);
    }
    CU_ASSERT_EQUAL(tlsa_keylog_report_unused(kl, NULL, NULL), 0);
    tlsa_keylog_free(kl);
}

static void test_tls12_rsa(void) {
    tlsa_rsa_key *key = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsa-p-lt-q.key", NULL, &key), TLSA_E_OK);
    tlsa_keys_conn *c = tlsa_keys_conn_new(NULL, key);
    replay *r = new_replay();
    run(c, "rsa-p-lt-q.records", r);
    expect_both_ok(c);
    CU_ASSERT(app_starts(r, 0, "GET / HTTP/1.1"));
    CU_ASSERT(app_starts(r, 1, "HTTP/1.0 200 ok"));
    CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
    tlsa_keys_conn_free(c);
    free(r);

    /* the wrong server key: nothing decrypts, nothing is claimed */
    tlsa_rsa_key *wrong = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsasnakeoil2.key", NULL, &wrong), TLSA_E_OK);
    c = tlsa_keys_conn_new(NULL, wrong);
    r = new_replay();
    run(c, "rsa-p-lt-q.records", r);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_CLIENT), TLSA_FIN_UNKNOWN);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_SERVER), TLSA_FIN_UNKNOWN);
    CU_ASSERT(!tlsa_keys_conn_decrypting(c, TLSA_FROM_CLIENT));
    CU_ASSERT(r->no_keys[0] > 0 && r->no_keys[1] > 0);
    CU_ASSERT_EQUAL(r->decrypted[0] + r->decrypted[1], 0);
    tlsa_keys_conn_free(c);
    free(r);

    /* a transcript missing the Certificate: both Finished mismatch */
    c = tlsa_keys_conn_new(NULL, key);
    r = new_replay();
    r->skip_message_type = 11;
    run(c, "rsa-p-lt-q.records", r);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_CLIENT), TLSA_FIN_MISMATCH);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_SERVER), TLSA_FIN_MISMATCH);
    tlsa_keys_conn_free(c);
    free(r);

    /* a damaged client Finished record (index 6: CH, SH, Certificate, SHD, CKE, CCS, Finished) */
    c = tlsa_keys_conn_new(NULL, key);
    r = new_replay();
    r->flip_record = 6;
    run(c, "rsa-p-lt-q.records", r);
    CU_ASSERT_EQUAL(r->failed[0], 1);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_CLIENT), TLSA_FIN_UNKNOWN);
    CU_ASSERT(app_starts(r, 0, "GET / HTTP/1.1")); /* later records still decrypt */
    tlsa_keys_conn_free(c);
    free(r);
    tlsa_rsa_key_free(wrong);
    tlsa_rsa_key_free(key);
}

static void test_tls12_keylog(void) {
    /* ECDHE-RSA AES-128-GCM, secrets from the capture's own DSBs */
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_load_pcapng(kl, WS "tls12-dsb.pcapng", NULL), TLSA_E_OK);
    for (int i = 0; i < 2; i++) {
        tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
        replay *r = new_replay();
        run(c, i ? "tls12-dsb-1.records" : "tls12-dsb-0.records", r);
        CU_ASSERT_EQUAL(tlsa_keys_conn_suite(c), 0xc02f);
        expect_both_ok(c);
        CU_ASSERT(app_starts(r, 0, "HEAD / HTTP/1.1"));
        CU_ASSERT(app_starts(r, 1, "HTTP/1.1 200 OK"));
        tlsa_keys_conn_free(c);
        free(r);
    }
    CU_ASSERT_EQUAL(tlsa_keylog_report_unused(kl, NULL, NULL), 0);
    tlsa_keylog_free(kl);

    /* TLS 1.0 abbreviated handshake (server Finished first), CBC with IV chaining */
    kl = keylog(KEYS "dhe1_keylog.dat");
    tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
    replay *r = new_replay();
    run(c, "dhe1.records", r);
    CU_ASSERT_EQUAL(tlsa_keys_conn_version(c), 0x0301);
    expect_both_ok(c);
    CU_ASSERT(app_starts(r, 0, "G"));    /* 1/n-1 record splitting: "G", then "ET /test ..." */
    CU_ASSERT_EQUAL(r->decrypted[0], 4); /* Finished, two data records, close_notify */
    tlsa_keys_conn_free(c);
    free(r);
    tlsa_keylog_free(kl);
}

static void test_tls12_chacha_suites(void) {
    /* one connection per ChaCha20-Poly1305 suite (ECDHE-ECDSA, ECDHE-RSA, DHE-RSA, RSA-PSK,
     * DHE-PSK, ECDHE-PSK, PSK) */
    static const uint16_t suites[] = {0xcca9, 0xcca8, 0xccaa, 0xccae, 0xccad, 0xccac, 0xccab};
    tlsa_keylog *kl = keylog(KEYS "tls12-chacha20poly1305.keys");
    for (int i = 0; i < 7; i++) {
        char name[64];
        snprintf(name, sizeof name, "tls12-chacha20poly1305-%d.records", i);
        tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
        replay *r = new_replay();
        run(c, name, r);
        CU_ASSERT_EQUAL(tlsa_keys_conn_suite(c), suites[i]);
        expect_both_ok(c);
        CU_ASSERT(r->app_len[0] > 0 && r->app_len[1] > 0);
        CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
        tlsa_keys_conn_free(c);
        free(r);
    }
    tlsa_keylog_free(kl);
}

static void test_tls12_psk(void) {
    /* GnuTLS with a PSK: TLS_PSK_WITH_AES_128_CCM and TLS_PSK_WITH_AES_256_GCM_SHA384 (SHA-384
     * PRF and transcript) */
    static const uint8_t psk[16] = {0xca, 0x19, 0xe0, 0x28, 0xa8, 0xa3, 0x72, 0xad,
                                    0x2d, 0x32, 0x5f, 0x95, 0x0f, 0xca, 0xce, 0xed};
    static const char *const files[] = {"tls12-aes128ccm.records", "tls12-aes256gcm.records"};
    static const uint16_t suites[] = {0xc0a4, 0x00a9};
    for (int i = 0; i < 2; i++) {
        tlsa_keys_conn *c = tlsa_keys_conn_new(NULL, NULL);
        CU_ASSERT_EQUAL(tlsa_keys_conn_set_psk(c, psk, sizeof psk), TLSA_E_OK);
        replay *r = new_replay();
        run(c, files[i], r);
        CU_ASSERT_EQUAL(tlsa_keys_conn_suite(c), suites[i]);
        expect_both_ok(c);
        CU_ASSERT(app_starts(r, 0, "GET /"));
        CU_ASSERT(r->app_len[1] > 0);
        CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
        tlsa_keys_conn_free(c);
        free(r);
    }
    /* a wrong PSK: the Finished records do not authenticate */
    uint8_t bad[16];
    memcpy(bad, psk, 16);
    bad[0] ^= 1;
    tlsa_keys_conn *c = tlsa_keys_conn_new(NULL, NULL);
    CU_ASSERT_EQUAL(tlsa_keys_conn_set_psk(c, bad, sizeof bad), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keys_conn_set_psk(c, bad, 0), TLSA_E_INVALID_ARGUMENT);
    replay *r = new_replay();
    run(c, files[0], r);
    CU_ASSERT(r->failed[0] > 0 && r->failed[1] > 0);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_CLIENT), TLSA_FIN_UNKNOWN);
    tlsa_keys_conn_free(c);
    free(r);
}

static void test_samples(void) {
    /* OpenSSL connections from the project's samples (snapshots): encrypt_then_mac on TLS 1.0
     * and 1.1 CBC, HelloRetryRequest, 3DES, NULL encryption, anonymous DH, TLS 1.3 with a client
     * certificate (both CertificateVerify checked) */
    static const struct {
        const char *name;
        uint16_t version, suite;
    } v[] = {
        {"02-tls10", 0x0301, 0xc014},       {"03-tls11", 0x0302, 0xc014},
        {"09-tls13-hrr", 0x0304, 0x1302},   {"32-cipher-3des", 0x0303, 0xc012},
        {"34-cipher-null", 0x0303, 0x003b}, {"35-cipher-anon", 0x0303, 0x00a6},
        {"13-tls13-mtls", 0x0304, 0x1302},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        char rec[128], keys[256];
        snprintf(rec, sizeof rec, "samples/%s.records", v[i].name);
        snprintf(keys, sizeof keys, "%ssamples/%s.keys", FX_DIR, v[i].name);
        tlsa_keylog *kl = keylog(keys);
        tlsa_keys_conn *c = tlsa_keys_conn_new(kl, NULL);
        replay *r = new_replay();
        run(c, rec, r);
        CU_ASSERT_EQUAL(tlsa_keys_conn_version(c), v[i].version);
        CU_ASSERT_EQUAL(tlsa_keys_conn_suite(c), v[i].suite);
        expect_both_ok(c);
        CU_ASSERT(r->decrypted[0] >= 2 && r->decrypted[1] >= 2);
        CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
        if (v[i].version == 0x0304) /* the server's, and with mTLS the client's, signature */
            CU_ASSERT_EQUAL(tlsa_keys_conn_cert_verify(c, TLSA_FROM_SERVER), TLSA_FIN_OK);
        if (strstr(v[i].name, "mtls"))
            CU_ASSERT_EQUAL(tlsa_keys_conn_cert_verify(c, TLSA_FROM_CLIENT), TLSA_FIN_OK);
        tlsa_keys_conn_free(c);
        free(r);
        tlsa_keylog_free(kl);
    }
}

static void test_renegotiation_and_resumption(void) {
    /* tls-renegotiation.pcap: five handshakes on one connection, the last four inside the
     * encrypted channel, the last two resumed from the third's ticket; only the RSA key given */
    tlsa_rsa_key *key = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsasnakeoil2.key", NULL, &key), TLSA_E_OK);
    tlsa_keys_conn *c = tlsa_keys_conn_new(NULL, key);
    replay *r = new_replay();
    run(c, "tls-renegotiation.records", r);
    expect_both_ok(c);
    CU_ASSERT_EQUAL(tlsa_keys_conn_verified(c), 10);
    CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
    CU_ASSERT(r->app_len[0] > 0 && r->app_len[1] > 0);
    tlsa_keys_conn_free(c);
    free(r);
    tlsa_rsa_key_free(key);

    /* resumption across connections (session id, then ticket): the second connection has no
     * key of its own and takes the session from the first */
    static const char *const names[] = {"14-tls12-resume-sessid", "15-tls12-resume-ticket"};
    for (int i = 0; i < 2; i++) {
        char path[256], rec[128];
        snprintf(path, sizeof path, "%ssamples/%s.keys", FX_DIR, names[i]);
        tlsa_keylog *kl = keylog(path);
        tlsa_keys_conn *first = tlsa_keys_conn_new(kl, NULL),
                       *second = tlsa_keys_conn_new(NULL, NULL),
                       *alone = tlsa_keys_conn_new(NULL, NULL);
        replay *r1 = new_replay(), *r2 = new_replay(), *r3 = new_replay();
        snprintf(rec, sizeof rec, "samples/%s-0.records", names[i]);
        run(first, rec, r1);
        expect_both_ok(first);
        tlsa_keys_conn_resume_from(second, first);
        snprintf(rec, sizeof rec, "samples/%s-1.records", names[i]);
        run(second, rec, r2);
        expect_both_ok(second);
        CU_ASSERT(r2->app_len[0] > 0 && r2->app_len[1] > 0);
        run(alone, rec, r3); /* without the session: nothing */
        CU_ASSERT_EQUAL(tlsa_keys_conn_finished(alone, TLSA_FROM_CLIENT), TLSA_FIN_UNKNOWN);
        CU_ASSERT_EQUAL(r3->decrypted[0] + r3->decrypted[1], 0);
        tlsa_keys_conn_free(first);
        tlsa_keys_conn_free(second);
        tlsa_keys_conn_free(alone);
        free(r1);
        free(r2);
        free(r3);
        tlsa_keylog_free(kl);
    }
}

static void test_ssl3(void) {
    /* rsasnakeoil2.pcap: SSLv2-compatible ClientHello, SSL 3.0 with AES-256-CBC-SHA, then a
     * renegotiation to 3DES; the second connection resumes that session */
    tlsa_rsa_key *key = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsasnakeoil2.key", NULL, &key), TLSA_E_OK);
    tlsa_keys_conn *c = tlsa_keys_conn_new(NULL, key);
    replay *r = new_replay();
    run(c, "rsasnakeoil2-0.records", r);
    CU_ASSERT_EQUAL(tlsa_keys_conn_version(c), 0x0300);
    CU_ASSERT_EQUAL(tlsa_keys_conn_suite(c), 0x000a);
    expect_both_ok(c);
    CU_ASSERT_EQUAL(tlsa_keys_conn_verified(c), 4);
    CU_ASSERT(app_starts(r, 0, "GET / HTTP/1.1"));
    CU_ASSERT_EQUAL(r->no_keys[0] + r->no_keys[1] + r->failed[0] + r->failed[1], 0);
    tlsa_keys_conn *c2 = tlsa_keys_conn_new(NULL, key);
    replay *r2 = new_replay();
    tlsa_keys_conn_resume_from(c2, c);
    run(c2, "rsasnakeoil2-1.records", r2);
    expect_both_ok(c2);
    CU_ASSERT(app_starts(r2, 0, "GET /"));
    CU_ASSERT_EQUAL(r2->no_keys[0] + r2->no_keys[1] + r2->failed[0] + r2->failed[1], 0);
    tlsa_keys_conn_free(c);
    tlsa_keys_conn_free(c2);
    free(r);
    free(r2);

    /* malformed SSLv2 hellos */
    c = tlsa_keys_conn_new(NULL, key);
    static const uint8_t v2_short[] = {1, 3, 0, 0, 3, 0, 0, 0, 16, 0, 0};
    CU_ASSERT_EQUAL(tlsa_keys_conn_sslv2_hello(c, v2_short, sizeof v2_short), TLSA_E_TRUNCATED);
    static const uint8_t v2_odd[] = {1, 3, 0, 0, 2, 0, 0, 0, 16};
    CU_ASSERT_EQUAL(tlsa_keys_conn_sslv2_hello(c, v2_odd, sizeof v2_odd), TLSA_E_ODD_VECTOR);
    static const uint8_t v2_type[] = {4, 3, 0, 0, 3, 0, 0, 0, 16};
    CU_ASSERT_EQUAL(tlsa_keys_conn_sslv2_hello(c, v2_type, sizeof v2_type),
                    TLSA_E_BAD_HANDSHAKE_TYPE);
    static const uint8_t v2_chal[] = {1, 3, 0, 0, 3, 0, 0, 0, 8};
    CU_ASSERT_EQUAL(tlsa_keys_conn_sslv2_hello(c, v2_chal, sizeof v2_chal), TLSA_E_BAD_LENGTH);
    tlsa_keys_conn_free(c);
    tlsa_rsa_key_free(key);
}

/* Replays a fixture with one bit flipped at every step-th byte. */
static void mutate(tlsa_keylog *kl, const tlsa_rsa_key *rsa, const char *fixture, size_t step) {
    size_t len;
    uint8_t *data = fx_read(fixture, &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(data);
    static uint8_t buf[70000];
    for (size_t i = 0; i < len; i += step) {
        data[i] ^= (uint8_t)(1u << (i % 8));
        tlsa_keys_conn *k = tlsa_keys_conn_new(kl, rsa);
        tlsa_cur cur = tlsa_cur_make(data, len);
        while (tlsa_cur_left(&cur) > 6) {
            uint8_t d = *tlsa_cur_ptr(&cur);
            cur.pos++;
            const uint8_t *p = tlsa_cur_ptr(&cur);
            size_t left = tlsa_cur_left(&cur), rl, out_len = 0;
            uint8_t inner = 0;
            tlsa_rec_state st = TLSA_REC_CLEAR;
            tlsa_err e;
            if (d == 2) { /* SSLv2 hello: length, message */
                rl = (size_t)p[0] << 8 | p[1];
                rl = rl + 2 > left ? left - 2 : rl;
                e = tlsa_keys_conn_sslv2_hello(k, p + 2, rl);
                rl += 2;
            } else {
                rl = 5 + ((size_t)p[3] << 8 | p[4]);
                rl = rl > left ? left : rl;
                e = tlsa_keys_conn_record(k, (tlsa_dir)(d & 1), p, rl, buf, &out_len, &inner, &st);
                if (e == TLSA_E_OK && st == TLSA_REC_DECRYPTED && out_len >= 4 && inner == 22)
                    e = tlsa_keys_conn_message(k, (tlsa_dir)(d & 1), buf, out_len);
                else if (e == TLSA_E_OK && st == TLSA_REC_CLEAR && inner == 22 && rl > 9)
                    e = tlsa_keys_conn_message(k, (tlsa_dir)(d & 1), p + 5, rl - 5);
            }
            CU_ASSERT(e == TLSA_E_OK || tlsa_err_category_of(e) == TLSA_CAT_MALFORMED ||
                      tlsa_err_category_of(e) == TLSA_CAT_LIMIT ||
                      tlsa_err_category_of(e) == TLSA_CAT_UNSUPPORTED);
            cur.pos += rl;
        }
        tlsa_keys_conn_free(k);
        data[i] ^= (uint8_t)(1u << (i % 8));
    }
    free(data);
}

static void test_hostile_inputs(void) {
    tlsa_keys_conn *c = tlsa_keys_conn_new(NULL, NULL);
    uint8_t out[64], inner;
    size_t out_len;
    tlsa_rec_state st;
    static const uint8_t short_rec[] = {22, 3, 3, 0, 10, 1};
    CU_ASSERT_EQUAL(tlsa_keys_conn_record(c, TLSA_FROM_CLIENT, short_rec, sizeof short_rec, out,
                                          &out_len, &inner, &st),
                    TLSA_E_TRUNCATED);
    static const uint8_t bad_ch[] = {1, 0, 0, 3, 3, 3, 0};
    CU_ASSERT_EQUAL(tlsa_keys_conn_message(c, TLSA_FROM_CLIENT, bad_ch, sizeof bad_ch),
                    TLSA_E_TRUNCATED);
    static const uint8_t bad_len[] = {2, 0, 0, 9, 3, 3};
    CU_ASSERT_EQUAL(tlsa_keys_conn_message(c, TLSA_FROM_SERVER, bad_len, sizeof bad_len),
                    TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_keys_conn_message(c, TLSA_FROM_SERVER, bad_len, 3), TLSA_E_TRUNCATED);
    /* a Finished before anything: unknown, not a crash */
    static const uint8_t fin[] = {20, 0, 0, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    CU_ASSERT_EQUAL(tlsa_keys_conn_message(c, TLSA_FROM_CLIENT, fin, sizeof fin), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keys_conn_finished(c, TLSA_FROM_CLIENT), TLSA_FIN_UNKNOWN);
    CU_ASSERT_EQUAL(tlsa_keys_conn_message(NULL, TLSA_FROM_CLIENT, fin, sizeof fin),
                    TLSA_E_INVALID_ARGUMENT);
    tlsa_keys_conn_free(c);

    /* single-bit flips all over whole connections (TLS 1.3 with 0-RTT, TLS 1.2 RSA and GCM,
     * TLS 1.0 CBC, SSLv2 hello + SSL 3.0): the API answers with codes, never crashes (the ASan
     * and UBSan build runs this too) */
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(kl, KEYS "tls13-rfc8446.keys"), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(kl, KEYS "dhe1_keylog.dat"), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_load_pcapng(kl, WS "tls12-dsb.pcapng", NULL), TLSA_E_OK);
    tlsa_rsa_key *k1 = NULL, *k2 = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsa-p-lt-q.key", NULL, &k1), TLSA_E_OK);
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsasnakeoil2.key", NULL, &k2), TLSA_E_OK);
    mutate(kl, NULL, "tls13-rfc8446-1.records", 7);
    mutate(kl, k1, "rsa-p-lt-q.records", 5);
    mutate(kl, NULL, "tls12-dsb-0.records", 11);
    mutate(kl, NULL, "dhe1.records", 3);
    mutate(kl, k2, "rsasnakeoil2-0.records", 13);
    tlsa_rsa_key_free(k1);
    tlsa_rsa_key_free(k2);
    tlsa_keylog_free(kl);
}

TLSA_TEST_MAIN("keys_conn", {"TLS 1.3 full handshake (tls13-rfc8446 #0)", test_tls13_full},
               {"TLS 1.3 KeyUpdate", test_tls13_key_update},
               {"skipping records keeps later ones in step", test_skip},
               {"TLS 1.3 PSK + 0-RTT, with and without the early secret", test_tls13_early_data},
               {"TLS 1.3 draft-20 ChaCha20-Poly1305, two connections", test_tls13_draft20_chacha},
               {"TLS 1.2 RSA: decrypt, wrong key, broken transcript, damaged record",
                test_tls12_rsa},
               {"TLS 1.2 GCM from pcapng DSBs; TLS 1.0 abbreviated CBC", test_tls12_keylog},
               {"TLS 1.2 ChaCha20-Poly1305, seven suites", test_tls12_chacha_suites},
               {"TLS 1.2 plain PSK: AES-128-CCM, AES-256-GCM-SHA384", test_tls12_psk},
               {"OpenSSL samples: encrypt_then_mac, HRR, 3DES, NULL, anon, mTLS", test_samples},
               {"renegotiation (5 handshakes, RSA key only); resumption across connections",
                test_renegotiation_and_resumption},
               {"SSL 3.0 after an SSLv2 hello, renegotiation, resumption", test_ssl3},
               {"hostile inputs", test_hostile_inputs})
