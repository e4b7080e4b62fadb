/* TLS 1.0-1.2 key schedule on real connections cut out of the shared captures:
 * - rsa-p-lt-q.pcap (TLS 1.2, TLS_RSA_WITH_AES_256_CBC_SHA): the ClientKeyExchange decrypted with
 *   keys/rsa-p-lt-q.key, master secret, both encrypted Finished (MAC checked) verified against the
 *   transcript, the HTTP request decrypted;
 * - tls12-dsb.pcapng (TLS 1.2, ECDHE_RSA AES_128_GCM): master secret from the CLIENT_RANDOM line,
 *   both Finished, application data both ways;
 * - dhe1.pcapng (TLS 1.0 abbreviated handshake, DHE_RSA AES_256_CBC_SHA): MD5+SHA1 PRF and
 *   transcript, CBC IV chaining over three client records;
 * plus RSA key loading and hostile inputs. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "keys_fixture.h"
#include "keys_internal.h"

#define KEYS TLSA_SHARED_DIR "/captures/wireshark/keys/"

/* One direction of a connection: its records, and the plaintext handshake bytes sent before
 * ChangeCipherSpec. */
typedef struct side {
    uint8_t *data;
    size_t len;
    fx_record r[FX_MAX_RECORDS];
    int n;
    uint8_t hs[8192];
    size_t hs_len, hs_off;
    int ccs; /* index of the ChangeCipherSpec record */
} side;

static void load_side(side *s, const char *name) {
    memset(s, 0, sizeof *s);
    s->data = fx_read(name, &s->len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s->data);
    s->n = fx_records(s->data, s->len, s->r, FX_MAX_RECORDS);
    s->ccs = -1;
    for (int i = 0; i < s->n && s->ccs < 0; i++) {
        if (s->r[i].type == 20) {
            s->ccs = i;
        } else if (s->r[i].type == 22) {
            CU_ASSERT_FATAL(s->hs_len + s->r[i].frag_len <= sizeof s->hs);
            memcpy(s->hs + s->hs_len, s->r[i].frag, s->r[i].frag_len);
            s->hs_len += s->r[i].frag_len;
        }
    }
    CU_ASSERT_FATAL(s->ccs > 0 && s->ccs + 1 < s->n);
}

/* Next plaintext handshake message of this side; asserts its type. */
static const uint8_t *next_msg(side *s, uint8_t type, size_t *len) {
    size_t n = fx_hs_len(s->hs + s->hs_off, s->hs_len - s->hs_off);
    CU_ASSERT_FATAL(n > 0);
    const uint8_t *m = s->hs + s->hs_off;
    CU_ASSERT_EQUAL_FATAL(m[0], type);
    s->hs_off += n;
    *len = n;
    return m;
}

static uint16_t server_suite(const uint8_t *sh) {
    size_t at = 4 + 2 + 32;
    at += 1 + sh[at];
    return (uint16_t)(sh[at] << 8 | sh[at + 1]);
}

static void add(tlsa_transcript *t, const uint8_t *m, size_t n) {
    CU_ASSERT_EQUAL(tlsa_transcript_add(t, m, n), TLSA_E_OK);
}

/* Decrypts record i of a side and checks it is a Finished whose verify_data matches the
 * transcript so far; returns the decrypted message (20, 0, 0, 12, verify_data) in msg. */
static void check_finished(tlsa_tls12_dir *d, const fx_record *r, uint16_t version, uint16_t suite,
                           const uint8_t master[48], bool from_client, const tlsa_transcript *t,
                           uint8_t msg[16]) {
    uint8_t out[512];
    size_t out_len = 0;
    CU_ASSERT_EQUAL_FATAL(r->type, 22);
    CU_ASSERT_FATAL(r->frag_len <= sizeof out);
    CU_ASSERT_EQUAL_FATAL(tlsa_tls12_open(d, 22, r->version, r->frag, r->frag_len, out, &out_len),
                          TLSA_E_OK);
    CU_ASSERT_EQUAL_FATAL(out_len, 16);
    CU_ASSERT_EQUAL(out[0], 20);
    CU_ASSERT_EQUAL(fx_hs_len(out, out_len), 16);
    uint8_t th[64], vd[12];
    size_t thn = 0;
    CU_ASSERT_EQUAL(tlsa_transcript_hash(t, th, &thn), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls12_finished(version, suite, master, from_client, th, thn, vd),
                    TLSA_E_OK);
    CU_ASSERT(memcmp(out + 4, vd, 12) == 0);
    memcpy(msg, out, 16);
}

/* Decrypts an application data record and checks its first bytes. */
static void check_app(tlsa_tls12_dir *d, const fx_record *r, const char *starts) {
    uint8_t out[20000];
    size_t out_len = 0;
    CU_ASSERT_EQUAL_FATAL(r->type, 23);
    CU_ASSERT_EQUAL_FATAL(tlsa_tls12_open(d, 23, r->version, r->frag, r->frag_len, out, &out_len),
                          TLSA_E_OK);
    CU_ASSERT(out_len >= strlen(starts) && memcmp(out, starts, strlen(starts)) == 0);
}

static void test_rsa_cbc(void) {
    static side c, s;
    load_side(&c, "rsa-p-lt-q.c2s");
    load_side(&s, "rsa-p-lt-q.s2c");
    size_t ch_len, sh_len, cert_len, shd_len, cke_len;
    const uint8_t *ch = next_msg(&c, 1, &ch_len);
    const uint8_t *sh = next_msg(&s, 2, &sh_len);
    const uint8_t *cert = next_msg(&s, 11, &cert_len);
    const uint8_t *shd = next_msg(&s, 14, &shd_len);
    const uint8_t *cke = next_msg(&c, 16, &cke_len);
    uint16_t version = (uint16_t)(sh[4] << 8 | sh[5]), suite = server_suite(sh);
    uint16_t client_version = (uint16_t)(ch[4] << 8 | ch[5]);
    CU_ASSERT_EQUAL(version, TLSA_TLS12);
    CU_ASSERT_EQUAL(suite, 0x0035);

    tlsa_rsa_key *key = NULL, *key8 = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsa-p-lt-q.key", NULL, &key), TLSA_E_OK);
    CU_ASSERT_EQUAL_FATAL(tlsa_rsa_key_load_file(KEYS "rsa-p-lt-q.p8", NULL, &key8), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_rsa_key_bits(key), 1024);
    uint8_t pms[48], pms8[48];
    bool vok = false;
    CU_ASSERT_EQUAL_FATAL(
        tlsa_rsa_decrypt_pms(key, cke + 4, cke_len - 4, client_version, pms, &vok), TLSA_E_OK);
    CU_ASSERT(vok);
    CU_ASSERT_EQUAL(tlsa_rsa_decrypt_pms(key8, cke + 4, cke_len - 4, client_version, pms8, NULL),
                    TLSA_E_OK);
    CU_ASSERT(memcmp(pms, pms8, 48) == 0);

    tlsa_transcript t;
    tlsa_transcript_init(&t);
    add(&t, ch, ch_len);
    add(&t, sh, sh_len);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&t, tlsa_suite_hash_name(version, suite)), TLSA_E_OK);
    add(&t, cert, cert_len);
    add(&t, shd, shd_len);
    add(&t, cke, cke_len);

    uint8_t master[48];
    CU_ASSERT_EQUAL(
        tlsa_tls12_master_secret(version, suite, pms, 48, ch + 6, sh + 6, NULL, 0, master),
        TLSA_E_OK);
    tlsa_tls12_keys k;
    CU_ASSERT_EQUAL_FATAL(tlsa_tls12_keys_init(&k, version, suite, master, ch + 6, sh + 6),
                          TLSA_E_OK);
    uint8_t fin[16];
    check_finished(&k.dir[TLSA_FROM_CLIENT], &c.r[c.ccs + 1], version, suite, master, true, &t,
                   fin);
    add(&t, fin, 16);
    check_finished(&k.dir[TLSA_FROM_SERVER], &s.r[s.ccs + 1], version, suite, master, false, &t,
                   fin);
    check_app(&k.dir[TLSA_FROM_CLIENT], &c.r[c.ccs + 2], "GET / HTTP/1.");
    check_app(&k.dir[TLSA_FROM_SERVER], &s.r[s.ccs + 2], "HTTP/1.");

    /* a flipped ciphertext bit (MAC or padding), a replay (wrong sequence number), bad sizes */
    const fx_record *r = &c.r[c.ccs + 1];
    uint8_t frag[512], out[512];
    size_t out_len;
    memcpy(frag, r->frag, r->frag_len);
    tlsa_tls12_keys k2;
    CU_ASSERT_EQUAL(tlsa_tls12_keys_init(&k2, version, suite, master, ch + 6, sh + 6), TLSA_E_OK);
    frag[r->frag_len - 20] ^= 1;
    CU_ASSERT_EQUAL(tlsa_tls12_open(&k2.dir[0], 22, r->version, frag, r->frag_len, out, &out_len),
                    TLSA_E_DECRYPT_FAILED);
    CU_ASSERT_EQUAL(k2.dir[0].seq, 0);
    frag[r->frag_len - 20] ^= 1;
    CU_ASSERT_EQUAL(tlsa_tls12_open(&k2.dir[0], 21, r->version, frag, r->frag_len, out, &out_len),
                    TLSA_E_DECRYPT_FAILED); /* the type is under the MAC */
    CU_ASSERT_EQUAL(
        tlsa_tls12_open(&k2.dir[0], 22, r->version, frag, r->frag_len - 1, out, &out_len),
        TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(tlsa_tls12_open(&k2.dir[0], 22, r->version, frag, 10, out, &out_len),
                    TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_tls12_open(&k2.dir[0], 22, r->version, frag, r->frag_len, out, &out_len),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls12_open(&k2.dir[0], 22, r->version, frag, r->frag_len, out, &out_len),
                    TLSA_E_DECRYPT_FAILED);

    /* ClientKeyExchange: damaged ciphertext, wrong lengths */
    uint8_t bad[300];
    CU_ASSERT_FATAL(cke_len - 4 <= sizeof bad);
    memcpy(bad, cke + 4, cke_len - 4);
    bad[50] ^= 0xff;
    CU_ASSERT_EQUAL(tlsa_rsa_decrypt_pms(key, bad, cke_len - 4, client_version, pms, NULL),
                    TLSA_E_DECRYPT_FAILED);
    CU_ASSERT_EQUAL(tlsa_rsa_decrypt_pms(key, cke + 4, cke_len - 5, client_version, pms, NULL),
                    TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_rsa_decrypt_pms(key, cke + 4, 40, client_version, pms, NULL),
                    TLSA_E_TRUNCATED);
    /* SSL 3.0 style: no length prefix */
    CU_ASSERT_EQUAL(tlsa_rsa_decrypt_pms(key, cke + 6, cke_len - 6, client_version, pms8, &vok),
                    TLSA_E_OK);
    CU_ASSERT(memcmp(pms, pms8, 48) == 0);
    CU_ASSERT_EQUAL(tlsa_rsa_decrypt_pms(key, cke + 6, cke_len - 6, 0x0300, pms8, &vok), TLSA_E_OK);
    CU_ASSERT(!vok); /* reported, not fatal */

    tlsa_rsa_key_free(key);
    tlsa_rsa_key_free(key8);
    tlsa_transcript_free(&t);
    free(c.data);
    free(s.data);
}

static void test_gcm_keylog(void) {
    static side c, s;
    load_side(&c, "tls12-dsb.c2s");
    load_side(&s, "tls12-dsb.s2c");
    size_t n[6];
    const uint8_t *ch = next_msg(&c, 1, &n[0]);
    const uint8_t *sh = next_msg(&s, 2, &n[1]);
    const uint8_t *cert = next_msg(&s, 11, &n[2]);
    const uint8_t *ske = next_msg(&s, 12, &n[3]);
    const uint8_t *shd = next_msg(&s, 14, &n[4]);
    const uint8_t *cke = next_msg(&c, 16, &n[5]);
    uint16_t version = (uint16_t)(sh[4] << 8 | sh[5]), suite = server_suite(sh);
    CU_ASSERT_EQUAL(suite, 0xc02f);

    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL(
        tlsa_keylog_load_pcapng(kl, TLSA_SHARED_DIR "/captures/wireshark/tls12-dsb.pcapng", NULL),
        TLSA_E_OK);
    tlsa_key_entry e;
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_find(kl, TLSA_KEY_CLIENT_RANDOM, ch + 6, 32, &e), 1);
    CU_ASSERT_EQUAL_FATAL(e.secret_len, 48);

    tlsa_transcript t;
    tlsa_transcript_init(&t);
    add(&t, ch, n[0]);
    add(&t, sh, n[1]);
    add(&t, cert, n[2]);
    add(&t, ske, n[3]);
    add(&t, shd, n[4]);
    add(&t, cke, n[5]);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&t, tlsa_suite_hash_name(version, suite)), TLSA_E_OK);

    tlsa_tls12_keys k;
    CU_ASSERT_EQUAL_FATAL(tlsa_tls12_keys_init(&k, version, suite, e.secret, ch + 6, sh + 6),
                          TLSA_E_OK);
    uint8_t fin[16];
    check_finished(&k.dir[TLSA_FROM_CLIENT], &c.r[c.ccs + 1], version, suite, e.secret, true, &t,
                   fin);
    add(&t, fin, 16);
    check_finished(&k.dir[TLSA_FROM_SERVER], &s.r[s.ccs + 1], version, suite, e.secret, false, &t,
                   fin);
    check_app(&k.dir[TLSA_FROM_CLIENT], &c.r[c.ccs + 2], "HEAD / HTTP/1.1");
    check_app(&k.dir[TLSA_FROM_SERVER], &s.r[s.ccs + 2], "HTTP/1.1 200 OK");
    /* the second connection's key does not decrypt this one; the other key is unused */
    CU_ASSERT_EQUAL(tlsa_keylog_report_unused(kl, NULL, NULL), 1);

    /* a flipped tag bit; a too-short fragment */
    const fx_record *r = &c.r[c.ccs + 2];
    uint8_t frag[2048], out[2048];
    size_t out_len;
    memcpy(frag, r->frag, r->frag_len);
    frag[r->frag_len - 1] ^= 0x80;
    tlsa_tls12_dir d = k.dir[TLSA_FROM_CLIENT];
    d.seq = 2;
    CU_ASSERT_EQUAL(tlsa_tls12_open(&d, 23, r->version, frag, r->frag_len, out, &out_len),
                    TLSA_E_DECRYPT_FAILED);
    CU_ASSERT_EQUAL(tlsa_tls12_open(&d, 23, r->version, frag, 7, out, &out_len), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_tls12_open(&d, 23, r->version, frag, 20, out, &out_len),
                    TLSA_E_BAD_LENGTH);
    tlsa_transcript_free(&t);
    tlsa_keylog_free(kl);
    free(c.data);
    free(s.data);
}

static void test_tls10_cbc_chaining(void) {
    static side c, s;
    load_side(&c, "dhe1.c2s");
    load_side(&s, "dhe1.s2c");
    size_t ch_len, sh_len;
    const uint8_t *ch = next_msg(&c, 1, &ch_len);
    const uint8_t *sh = next_msg(&s, 2, &sh_len);
    uint16_t version = (uint16_t)(sh[4] << 8 | sh[5]), suite = server_suite(sh);
    CU_ASSERT_EQUAL(version, TLSA_TLS10);
    CU_ASSERT_EQUAL(suite, 0x0039);
    CU_ASSERT_STRING_EQUAL(tlsa_suite_hash_name(version, suite), "MD5-SHA1");

    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(kl, KEYS "dhe1_keylog.dat"), TLSA_E_OK);
    tlsa_key_entry e;
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_find(kl, TLSA_KEY_CLIENT_RANDOM, ch + 6, 32, &e), 1);

    /* abbreviated handshake: the server's Finished comes first */
    tlsa_transcript t;
    tlsa_transcript_init(&t);
    add(&t, ch, ch_len);
    add(&t, sh, sh_len);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&t, "MD5-SHA1"), TLSA_E_OK);
    tlsa_tls12_keys k;
    CU_ASSERT_EQUAL_FATAL(tlsa_tls12_keys_init(&k, version, suite, e.secret, ch + 6, sh + 6),
                          TLSA_E_OK);
    uint8_t fin[16];
    check_finished(&k.dir[TLSA_FROM_SERVER], &s.r[s.ccs + 1], version, suite, e.secret, false, &t,
                   fin);
    add(&t, fin, 16);
    check_finished(&k.dir[TLSA_FROM_CLIENT], &c.r[c.ccs + 1], version, suite, e.secret, true, &t,
                   fin);
    /* two application data records (1/n-1 split), each IV chained from the previous record */
    uint8_t text[4096];
    size_t text_len = 0;
    for (int i = c.ccs + 2; i < c.n && c.r[i].type == 23; i++) {
        size_t out_len = 0;
        CU_ASSERT_EQUAL_FATAL(tlsa_tls12_open(&k.dir[TLSA_FROM_CLIENT], 23, c.r[i].version,
                                              c.r[i].frag, c.r[i].frag_len, text + text_len,
                                              &out_len),
                              TLSA_E_OK);
        text_len += out_len;
    }
    CU_ASSERT_EQUAL(k.dir[TLSA_FROM_CLIENT].seq, 3);
    CU_ASSERT(text_len > 18 && memcmp(text, "GET /test HTTP/1.0", 18) == 0);
    tlsa_transcript_free(&t);
    tlsa_keylog_free(kl);
    free(c.data);
    free(s.data);
}

static void test_rsa_key_files(void) {
    tlsa_rsa_key *k = NULL;
    CU_ASSERT_EQUAL(tlsa_rsa_key_load_file(KEYS "rsasnakeoil2.key", NULL, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_rsa_key_bits(k), 1024);
    tlsa_rsa_key_free(k);
    k = NULL;
    /* PKCS#12 (legacy RC2-40/3DES) with its password; with a wrong one it is refused */
    CU_ASSERT_EQUAL(tlsa_rsa_key_load_file(KEYS "key.p12", "WebAS", &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_rsa_key_bits(k), 2048);
    tlsa_rsa_key_free(k);
    k = NULL;
    CU_ASSERT_EQUAL(tlsa_rsa_key_load_file(KEYS "key.p12", "wrong", &k), TLSA_E_BAD_KEY_FILE);
    /* a key log is not a key; a missing file */
    CU_ASSERT_EQUAL(tlsa_rsa_key_load_file(KEYS "dhe1_keylog.dat", NULL, &k), TLSA_E_BAD_KEY_FILE);
    CU_ASSERT_EQUAL(tlsa_rsa_key_load_file("/nonexistent.key", NULL, &k), TLSA_E_IO);
    CU_ASSERT_PTR_NULL(k);
    static const uint8_t junk[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
    CU_ASSERT_EQUAL(tlsa_rsa_key_load_mem(junk, sizeof junk - 1, NULL, &k), TLSA_E_BAD_KEY_FILE);
    CU_ASSERT_EQUAL(tlsa_rsa_key_load_mem(junk, 0, NULL, &k), TLSA_E_INVALID_ARGUMENT);
}

static void test_prf_and_suites(void) {
    uint8_t out[48], master[48] = {0};
    /* unsupported: unknown suites, AEAD before TLS 1.2, TLS 1.3 suites; SSL 3.0 has no PRF */
    tlsa_tls12_keys k;
    uint8_t r[32] = {0};
    CU_ASSERT_EQUAL(tlsa_tls12_keys_init(&k, TLSA_SSL3, 0x0035, master, r, r), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls12_finished(TLSA_SSL3, 0x0035, master, true, r, 32, out),
                    TLSA_E_UNSUPPORTED_CIPHER);
    CU_ASSERT_EQUAL(tlsa_tls12_keys_init(&k, TLSA_TLS12, 0x0005, master, r, r),
                    TLSA_E_UNSUPPORTED_CIPHER);
    CU_ASSERT_EQUAL(tlsa_tls12_keys_init(&k, TLSA_TLS11, 0xc02f, master, r, r),
                    TLSA_E_UNSUPPORTED_CIPHER);
    CU_ASSERT_EQUAL(tlsa_tls12_keys_init(&k, TLSA_TLS12, 0x1301, master, r, r),
                    TLSA_E_UNSUPPORTED_CIPHER);
    CU_ASSERT_EQUAL(tlsa_tls12_prf(TLSA_SSL3, 0x0035, master, 48, "x", r, 32, NULL, 0, out, 48),
                    TLSA_E_UNSUPPORTED_CIPHER);
    /* SHA-384 suites use the SHA-384 PRF; extended master secret differs from the classic one */
    CU_ASSERT_STRING_EQUAL(tlsa_suite_hash_name(TLSA_TLS12, 0xc030), "SHA384");
    CU_ASSERT_STRING_EQUAL(tlsa_suite_hash_name(TLSA_TLS12, 0xc02f), "SHA256");
    CU_ASSERT_PTR_NULL(tlsa_suite_hash_name(TLSA_SSL3, 0x0035));
    uint8_t a[48], b[48];
    CU_ASSERT_EQUAL(tlsa_tls12_master_secret(TLSA_TLS12, 0xc02f, master, 48, r, r, NULL, 0, a),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls12_master_secret(TLSA_TLS12, 0xc02f, master, 48, r, r, r, 32, b),
                    TLSA_E_OK);
    CU_ASSERT(memcmp(a, b, 48) != 0);
    /* every CCM / ChaCha / 3DES suite has usable keys */
    static const uint16_t more[] = {0xc09c, 0xc0a0, 0xc0ac, 0xc0af, 0xcca8,
                                    0xccac, 0x000a, 0xc028, 0x009d};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        CU_ASSERT_EQUAL(tlsa_tls12_keys_init(&k, TLSA_TLS12, more[i], master, r, r), TLSA_E_OK);
}

TLSA_TEST_MAIN("tls12_keys",
               {"rsa-p-lt-q.pcap: RSA pre-master, AES-256-CBC-SHA Finished both ways",
                test_rsa_cbc},
               {"tls12-dsb.pcapng: CLIENT_RANDOM, AES-128-GCM Finished and data", test_gcm_keylog},
               {"dhe1.pcapng: TLS 1.0 MD5+SHA1 PRF, CBC IV chaining", test_tls10_cbc_chaining},
               {"RSA key files", test_rsa_key_files},
               {"PRF, suites, unsupported versions", test_prf_and_suites})
