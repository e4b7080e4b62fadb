/* TLS 1.3 key schedule pieces: RFC 8448 §3 values (HKDF-Expand-Label key/iv, both Finished), the
 * first connection of tls13-rfc8446.pcap decrypted with keys/tls13-rfc8446.keys (server flight
 * EncryptedExtensions..Finished, client Finished, both verified against the transcript), every
 * TLS 1.3 suite round-tripped against an independent EVP encryption, and hostile records. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "keys_fixture.h"
#include "keys_internal.h"

#define KEYS TLSA_SHARED_DIR "/captures/wireshark/keys/"

static void check_hex(const uint8_t *got, size_t got_len, const char *hex) {
    size_t n = 0;
    uint8_t *want = tlsa_test_hex(hex, &n);
    CU_ASSERT_EQUAL(got_len, n);
    CU_ASSERT(n == got_len && memcmp(got, want, n) == 0);
    free(want);
}

/* ---- RFC 8448 §3 (Simple 1-RTT Handshake), TLS_AES_128_GCM_SHA256 ---- */
static const char S_HS[] = "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38";
static const char C_HS[] = "b3eddb126e067f35a780b3abf45e2d8f3b1a950738f52e9600746a0e27a55a21";
static const char S_AP[] = "a11af9f05531f856ad47116b45a950328204b4f44bfb6b3a4b4f1f3fcb631643";

static const char *const RFC8448_MSGS[] = {
    /* ClientHello */
    "010000c00303cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece70000061301130313"
    "02010000910000000b0009000006736572766572ff01000100000a00140012001d00170018001901000101010201"
    "03010400230000003300260024001d002099381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e52"
    "9aaf2c002b0003020304000d0020001e040305030603020308040805080604010501060102010402050206020202"
    "002d00020101001c00024001",
    /* ServerHello */
    "020000560303a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e2692800130100002e0033"
    "0024001d0020c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f002b00020304",
    /* EncryptedExtensions */
    "080000240022000a00140012001d00170018001901000101010201030104001c0002400100000000",
    /* Certificate */
    "0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c"
    "300a06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e"
    "310c300a0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb49"
    "8f8279303d980836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19e"
    "aa6af98c7ced43120998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c"
    "8ca9d9efbfae8ea6d1d03e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603"
    "551d1304023000300b0603551d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b927"
    "6b908c65f73a7267170618a54c5f8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a"
    "03015156726096fd335e5e67f2dbf102702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b"
    "84e0a8b2f759409ba3eac9d91d402dcc0cc8f8961229ac9187b42b4de10000",
    /* CertificateVerify */
    "0f000084080400805a747c5d88fa9bd2e55ab085a61015b7211f824cd484145ab3ff52f1fda8477b0b7abc90db78"
    "e2d33a5c141a078653fa6bef780c5ea248eeaaa785c4f394cab6d30bbe8d4859ee511f602957b15411ac02767145"
    "9e46445c9ea58c181e818e95b8c3fb0bf3278409d3be152a3da5043e063dda65cdf5aea20d53dfacd42f74f3",
    /* server Finished */
    "140000209b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718",
};

static void test_rfc8448_key_iv(void) {
    static const struct {
        const char *secret, *key, *iv;
    } v[] = {
        {S_HS, "3fce516009c21727d0f2e4e86ee403bc", "5d313eb2671276ee13000b30"},
        {C_HS, "dbfaa693d1762c5b666af5d950258d01", "5bd3c71b836e0b76bb73265f"},
        {S_AP, "9f02283b6c9c07efc26bb9f2ac92e356", "cf782b88dd83549aadf1e984"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
        size_t n;
        uint8_t *secret = tlsa_test_hex(v[i].secret, &n);
        uint8_t out[16];
        CU_ASSERT_EQUAL(tlsa_tls13_expand_label("SHA256", secret, n, "key", NULL, 0, out, 16),
                        TLSA_E_OK);
        check_hex(out, 16, v[i].key);
        tlsa_tls13_dir d;
        CU_ASSERT_EQUAL(tlsa_tls13_dir_init(&d, 0x1301, secret, n), TLSA_E_OK);
        check_hex(d.key, 16, v[i].key);
        check_hex(d.iv, 12, v[i].iv);
        CU_ASSERT_EQUAL(d.seq, 0);
        free(secret);
    }
}

static void test_rfc8448_finished(void) {
    tlsa_transcript t;
    tlsa_transcript_init(&t);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&t, "SHA256"), TLSA_E_OK);
    for (int i = 0; i < 5; i++) {
        size_t n;
        uint8_t *m = tlsa_test_hex(RFC8448_MSGS[i], &n);
        CU_ASSERT_EQUAL(fx_hs_len(m, n), n);
        CU_ASSERT_EQUAL(tlsa_transcript_add(&t, m, n), TLSA_E_OK);
        free(m);
    }
    uint8_t th[64], vd[64];
    size_t thn = 0, vdn = 0, n;
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&t, th, &thn), TLSA_E_OK);
    CU_ASSERT_EQUAL(thn, 32);
    uint8_t *s_hs = tlsa_test_hex(S_HS, &n);
    CU_ASSERT_EQUAL(tlsa_tls13_finished(0x1301, s_hs, n, th, thn, vd, &vdn), TLSA_E_OK);
    check_hex(vd, vdn, "9b9b141d906337fbd2cbdce71df4deda4ab42c309572cb7fffee5454b78f0718");

    /* client Finished covers ClientHello..server Finished */
    uint8_t *sf = tlsa_test_hex(RFC8448_MSGS[5], &n);
    CU_ASSERT_EQUAL(tlsa_transcript_add(&t, sf, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&t, th, &thn), TLSA_E_OK);
    uint8_t *c_hs = tlsa_test_hex(C_HS, &n);
    CU_ASSERT_EQUAL(tlsa_tls13_finished(0x1301, c_hs, n, th, thn, vd, &vdn), TLSA_E_OK);
    check_hex(vd, vdn, "a8ec436d677634ae525ac1fcebe11a039ec17694fac6e98527b642f2edd5ce61");
    /* wrong key length for the suite's hash */
    CU_ASSERT_EQUAL(tlsa_tls13_finished(0x1302, c_hs, 32, th, thn, vd, &vdn),
                    TLSA_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(tlsa_tls13_finished(0xc02f, c_hs, 32, th, thn, vd, &vdn),
                    TLSA_E_UNSUPPORTED_CIPHER);
    free(sf);
    free(s_hs);
    free(c_hs);
    tlsa_transcript_free(&t);
}

static void test_rfc8448_cert_verify(void) {
    /* CertificateVerify signs Transcript-Hash(ClientHello..Certificate) with the leaf's key */
    tlsa_transcript t;
    tlsa_transcript_init(&t);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&t, "SHA256"), TLSA_E_OK);
    uint8_t *m[5];
    size_t n[5];
    for (int i = 0; i < 5; i++)
        m[i] = tlsa_test_hex(RFC8448_MSGS[i], &n[i]);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(tlsa_transcript_add(&t, m[i], n[i]), TLSA_E_OK);
    uint8_t th[64];
    size_t thn;
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&t, th, &thn), TLSA_E_OK);
    void *key = NULL;
    CU_ASSERT_EQUAL_FATAL(tlsa_tls13_leaf_key(m[3], n[3], &key), TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(key);
    bool valid = false;
    CU_ASSERT_EQUAL(tlsa_tls13_cert_verify(key, true, m[4], n[4], th, thn, &valid), TLSA_E_OK);
    CU_ASSERT(valid);
    /* the client's context string, another transcript, a damaged signature: not valid */
    CU_ASSERT_EQUAL(tlsa_tls13_cert_verify(key, false, m[4], n[4], th, thn, &valid), TLSA_E_OK);
    CU_ASSERT(!valid);
    th[0] ^= 1;
    CU_ASSERT_EQUAL(tlsa_tls13_cert_verify(key, true, m[4], n[4], th, thn, &valid), TLSA_E_OK);
    CU_ASSERT(!valid);
    th[0] ^= 1;
    m[4][n[4] - 1] ^= 1;
    CU_ASSERT_EQUAL(tlsa_tls13_cert_verify(key, true, m[4], n[4], th, thn, &valid), TLSA_E_OK);
    CU_ASSERT(!valid);
    /* malformed messages */
    CU_ASSERT_EQUAL(tlsa_tls13_cert_verify(key, true, m[4], n[4] - 1, th, thn, &valid),
                    TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_tls13_cert_verify(key, true, m[3], n[3], th, thn, &valid),
                    TLSA_E_BAD_HANDSHAKE_TYPE);
    void *k2 = NULL;
    m[3][20] ^= 0xff; /* inside the DER */
    tlsa_err e = tlsa_tls13_leaf_key(m[3], n[3], &k2);
    CU_ASSERT(e == TLSA_E_BAD_CERTIFICATE || e == TLSA_E_OK);
    tlsa_tls13_leaf_key_free(k2);
    CU_ASSERT_EQUAL(tlsa_tls13_leaf_key(m[3], 10, &k2), TLSA_E_TRUNCATED);
    static const uint8_t empty[] = {11, 0, 0, 4, 0, 0, 0, 0};
    CU_ASSERT_EQUAL(tlsa_tls13_leaf_key(empty, sizeof empty, &k2), TLSA_E_OK);
    CU_ASSERT_PTR_NULL(k2);
    tlsa_tls13_leaf_key_free(key);
    for (int i = 0; i < 5; i++)
        free(m[i]);
    tlsa_transcript_free(&t);
}

/* ---- tls13-rfc8446.pcap, first connection ---- */
static tlsa_err secret_for(tlsa_keylog *kl, tlsa_key_label label, const uint8_t *client_hello,
                           tlsa_key_entry *e) {
    /* ClientHello: type(1) length(3) legacy_version(2) random(32) */
    return tlsa_keylog_find(kl, label, client_hello + 6, 32, e) ? TLSA_E_OK : TLSA_E_BAD_VALUE;
}

static void test_capture(void) {
    size_t c2s_len, s2c_len;
    uint8_t *c2s = fx_read("tls13-rfc8446.c2s", &c2s_len);
    uint8_t *s2c = fx_read("tls13-rfc8446.s2c", &s2c_len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c2s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s2c);
    fx_record cr[FX_MAX_RECORDS], sr[FX_MAX_RECORDS];
    int nc = fx_records(c2s, c2s_len, cr, FX_MAX_RECORDS);
    int ns = fx_records(s2c, s2c_len, sr, FX_MAX_RECORDS);
    CU_ASSERT_FATAL(nc >= 3 && ns >= 3);
    /* client: ClientHello, ChangeCipherSpec, Finished; server: ServerHello, CCS, flight */
    CU_ASSERT_EQUAL_FATAL(cr[0].type, 22);
    CU_ASSERT_EQUAL(cr[1].type, 20);
    CU_ASSERT_EQUAL_FATAL(cr[2].type, 23);
    CU_ASSERT_EQUAL_FATAL(sr[0].type, 22);
    CU_ASSERT_EQUAL(sr[1].type, 20);
    CU_ASSERT_EQUAL_FATAL(sr[2].type, 23);
    const uint8_t *ch = cr[0].frag, *sh = sr[0].frag;
    size_t ch_len = fx_hs_len(ch, cr[0].frag_len), sh_len = fx_hs_len(sh, sr[0].frag_len);
    CU_ASSERT_FATAL(ch_len == cr[0].frag_len && sh_len == sr[0].frag_len);
    CU_ASSERT_EQUAL_FATAL(ch[0], 1);
    CU_ASSERT_EQUAL_FATAL(sh[0], 2);
    /* ServerHello: hdr(4) version(2) random(32) session_id<0..32> cipher_suite(2) */
    size_t at = 4 + 2 + 32;
    at += 1 + sh[at];
    uint16_t suite = (uint16_t)(sh[at] << 8 | sh[at + 1]);
    CU_ASSERT_EQUAL(suite, 0x1301);

    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_load_file(kl, KEYS "tls13-rfc8446.keys"), TLSA_E_OK);
    tlsa_key_entry shts, chts;
    CU_ASSERT_EQUAL_FATAL(secret_for(kl, TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET, ch, &shts),
                          TLSA_E_OK);
    CU_ASSERT_EQUAL_FATAL(secret_for(kl, TLSA_KEY_CLIENT_HANDSHAKE_TRAFFIC_SECRET, ch, &chts),
                          TLSA_E_OK);

    tlsa_transcript t;
    tlsa_transcript_init(&t);
    CU_ASSERT_EQUAL(tlsa_transcript_add(&t, ch, ch_len), TLSA_E_OK); /* buffered */
    CU_ASSERT_EQUAL(tlsa_transcript_add(&t, sh, sh_len), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&t, tlsa_suite_hash_name(0x0304, suite)), TLSA_E_OK);

    /* server flight */
    tlsa_tls13_dir sd;
    CU_ASSERT_EQUAL_FATAL(tlsa_tls13_dir_init(&sd, suite, shts.secret, shts.secret_len), TLSA_E_OK);
    uint8_t *pt = malloc(sr[2].whole_len);
    size_t pt_len = 0;
    uint8_t inner = 0;
    CU_ASSERT_EQUAL_FATAL(tlsa_tls13_open(&sd, sr[2].whole, sr[2].whole_len, pt, &pt_len, &inner),
                          TLSA_E_OK);
    CU_ASSERT_EQUAL(inner, 22);
    CU_ASSERT_EQUAL(sd.seq, 1);
    CU_ASSERT_EQUAL_FATAL(pt[0], 8); /* EncryptedExtensions first */
    static const uint8_t want_types[] = {8, 11, 15, 20};
    size_t off = 0;
    int k = 0, server_finished_ok = 0;
    while (off < pt_len && k < 4) {
        size_t m = fx_hs_len(pt + off, pt_len - off);
        CU_ASSERT_FATAL(m > 0);
        CU_ASSERT_EQUAL(pt[off], want_types[k]);
        if (pt[off] == 20) {
            uint8_t th[64], vd[64];
            size_t thn, vdn;
            CU_ASSERT_EQUAL(tlsa_transcript_hash(&t, th, &thn), TLSA_E_OK);
            CU_ASSERT_EQUAL(
                tlsa_tls13_finished(suite, shts.secret, shts.secret_len, th, thn, vd, &vdn),
                TLSA_E_OK);
            server_finished_ok = m - 4 == vdn && memcmp(pt + off + 4, vd, vdn) == 0;
        }
        CU_ASSERT_EQUAL(tlsa_transcript_add(&t, pt + off, m), TLSA_E_OK);
        off += m;
        k++;
    }
    CU_ASSERT_EQUAL(k, 4);
    CU_ASSERT_EQUAL(off, pt_len);
    CU_ASSERT(server_finished_ok);
    free(pt);

    /* client Finished */
    tlsa_tls13_dir cd;
    CU_ASSERT_EQUAL_FATAL(tlsa_tls13_dir_init(&cd, suite, chts.secret, chts.secret_len), TLSA_E_OK);
    pt = malloc(cr[2].whole_len);
    CU_ASSERT_EQUAL_FATAL(tlsa_tls13_open(&cd, cr[2].whole, cr[2].whole_len, pt, &pt_len, &inner),
                          TLSA_E_OK);
    CU_ASSERT_EQUAL(inner, 22);
    CU_ASSERT_EQUAL_FATAL(pt[0], 20);
    CU_ASSERT_EQUAL_FATAL(fx_hs_len(pt, pt_len), pt_len);
    uint8_t th[64], vd[64];
    size_t thn, vdn;
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&t, th, &thn), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls13_finished(suite, chts.secret, chts.secret_len, th, thn, vd, &vdn),
                    TLSA_E_OK);
    CU_ASSERT(pt_len == 4 + vdn && memcmp(pt + 4, vd, vdn) == 0);
    free(pt);

    /* the wrong direction's key, a flipped bit, a replay at the wrong sequence number */
    uint8_t *rec = malloc(sr[2].whole_len), *out = malloc(sr[2].whole_len);
    memcpy(rec, sr[2].whole, sr[2].whole_len);
    tlsa_tls13_dir wrong;
    CU_ASSERT_EQUAL(tlsa_tls13_dir_init(&wrong, suite, chts.secret, chts.secret_len), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls13_open(&wrong, rec, sr[2].whole_len, out, &pt_len, &inner),
                    TLSA_E_DECRYPT_FAILED);
    CU_ASSERT_EQUAL(wrong.seq, 0);
    CU_ASSERT_EQUAL(tlsa_tls13_open(&sd, rec, sr[2].whole_len, out, &pt_len, &inner),
                    TLSA_E_DECRYPT_FAILED); /* seq is now 1 */
    CU_ASSERT_EQUAL(tlsa_tls13_dir_init(&sd, suite, shts.secret, shts.secret_len), TLSA_E_OK);
    rec[100] ^= 1;
    CU_ASSERT_EQUAL(tlsa_tls13_open(&sd, rec, sr[2].whole_len, out, &pt_len, &inner),
                    TLSA_E_DECRYPT_FAILED);
    rec[100] ^= 1;
    rec[2] ^= 1; /* the header is additional data */
    CU_ASSERT_EQUAL(tlsa_tls13_open(&sd, rec, sr[2].whole_len, out, &pt_len, &inner),
                    TLSA_E_DECRYPT_FAILED);
    rec[2] ^= 1;
    CU_ASSERT_EQUAL(tlsa_tls13_open(&sd, rec, sr[2].whole_len - 1, out, &pt_len, &inner),
                    TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_tls13_open(&sd, rec, 4, out, &pt_len, &inner), TLSA_E_TRUNCATED);
    rec[0] = 22;
    CU_ASSERT_EQUAL(tlsa_tls13_open(&sd, rec, sr[2].whole_len, out, &pt_len, &inner),
                    TLSA_E_BAD_RECORD_TYPE);
    rec[0] = 23;
    CU_ASSERT_EQUAL(tlsa_tls13_open(&sd, rec, sr[2].whole_len, out, &pt_len, &inner), TLSA_E_OK);
    free(rec);
    free(out);

    tlsa_transcript_free(&t);
    tlsa_keylog_free(kl);
    free(c2s);
    free(s2c);
}

/* ---- every suite against an independent encryption ---- */
static size_t seal(uint16_t suite, const uint8_t *secret, size_t secret_len, uint64_t seq,
                   const uint8_t *inner, size_t inner_len, uint8_t *rec) {
    const tlsa_suite_keys *s = tlsa_suite_keys_find(suite);
    uint8_t key[32], iv[12];
    CU_ASSERT_FATAL(tlsa_tls13_expand_label(s->prf, secret, secret_len, "key", NULL, 0, key,
                                            s->key_len) == TLSA_E_OK);
    CU_ASSERT_FATAL(tlsa_tls13_expand_label(s->prf, secret, secret_len, "iv", NULL, 0, iv, 12) ==
                    TLSA_E_OK);
    for (int i = 0; i < 8; i++)
        iv[11 - i] ^= (uint8_t)(seq >> (8 * i));
    size_t len = inner_len + s->tag_len;
    rec[0] = 23;
    rec[1] = 3;
    rec[2] = 3;
    rec[3] = (uint8_t)(len >> 8);
    rec[4] = (uint8_t)len;
    int ccm = s->mode == TLSA_BULK_CCM || s->mode == TLSA_BULK_CCM_8, outl;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    EVP_CIPHER *c = EVP_CIPHER_fetch(NULL, s->cipher, NULL);
    CU_ASSERT_FATAL(ctx && c);
    CU_ASSERT(EVP_EncryptInit_ex(ctx, c, NULL, NULL, NULL) == 1);
    CU_ASSERT(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) == 1);
    if (ccm)
        CU_ASSERT(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, s->tag_len, NULL) == 1);
    CU_ASSERT(EVP_EncryptInit_ex(ctx, NULL, NULL, key, iv) == 1);
    if (ccm)
        CU_ASSERT(EVP_EncryptUpdate(ctx, NULL, &outl, NULL, (int)inner_len) == 1);
    CU_ASSERT(EVP_EncryptUpdate(ctx, NULL, &outl, rec, 5) == 1);
    CU_ASSERT(EVP_EncryptUpdate(ctx, rec + 5, &outl, inner, (int)inner_len) == 1);
    CU_ASSERT(EVP_EncryptFinal_ex(ctx, rec + 5 + outl, &outl) == 1);
    CU_ASSERT(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, s->tag_len, rec + 5 + inner_len) ==
              1);
    EVP_CIPHER_free(c);
    EVP_CIPHER_CTX_free(ctx);
    return 5 + len;
}

static void test_all_suites(void) {
    static const uint16_t suites[] = {0x1301, 0x1302, 0x1303, 0x1304, 0x1305};
    uint8_t secret[48];
    for (int i = 0; i < 48; i++)
        secret[i] = (uint8_t)(i * 3 + 1);
    /* content "hello", type 23, three bytes of padding */
    static const uint8_t inner[] = {'h', 'e', 'l', 'l', 'o', 23, 0, 0, 0};
    static const uint8_t zeros[16] = {0};
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
        const tlsa_suite_keys *s = tlsa_suite_keys_find(suites[i]);
        size_t hl = strcmp(s->prf, "SHA384") == 0 ? 48 : 32;
        tlsa_tls13_dir d;
        CU_ASSERT_EQUAL_FATAL(tlsa_tls13_dir_init(&d, suites[i], secret, hl), TLSA_E_OK);
        uint8_t rec[128], out[128];
        size_t out_len = 0;
        uint8_t type = 0;
        /* records 0 and 1, so the sequence number reaches the nonce */
        for (uint64_t seq = 0; seq < 2; seq++) {
            size_t n = seal(suites[i], secret, hl, seq, inner, sizeof inner, rec);
            CU_ASSERT_EQUAL(tlsa_tls13_open(&d, rec, n, out, &out_len, &type), TLSA_E_OK);
            CU_ASSERT_EQUAL(out_len, 5);
            CU_ASSERT(memcmp(out, "hello", 5) == 0);
            CU_ASSERT_EQUAL(type, 23);
        }
        /* padding only: no content type */
        size_t n = seal(suites[i], secret, hl, d.seq, zeros, sizeof zeros, rec);
        CU_ASSERT_EQUAL(tlsa_tls13_open(&d, rec, n, out, &out_len, &type), TLSA_E_BAD_VALUE);
        CU_ASSERT_EQUAL(d.seq, 2);
        /* a record no longer than the tag */
        rec[3] = 0;
        rec[4] = s->tag_len;
        CU_ASSERT_EQUAL(tlsa_tls13_open(&d, rec, 5 + s->tag_len, out, &out_len, &type),
                        TLSA_E_BAD_LENGTH);
    }
    /* TLS_AES_256_GCM_SHA384 with a 48-byte secret: key and iv lengths */
    tlsa_tls13_dir d;
    CU_ASSERT_EQUAL(tlsa_tls13_dir_init(&d, 0x1302, secret, 48), TLSA_E_OK);
    CU_ASSERT_EQUAL(d.suite->key_len, 32);
    CU_ASSERT_EQUAL(tlsa_tls13_dir_init(&d, 0xc02f, secret, 32), TLSA_E_UNSUPPORTED_CIPHER);
    CU_ASSERT_EQUAL(tlsa_tls13_dir_init(&d, 0x1301, secret, 0), TLSA_E_INVALID_ARGUMENT);
    uint8_t big[70000] = {23, 3, 3, 0xff, 0xff};
    size_t out_len;
    uint8_t type;
    CU_ASSERT_EQUAL(tlsa_tls13_dir_init(&d, 0x1301, secret, 32), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_tls13_open(&d, big, sizeof big, big, &out_len, &type),
                    TLSA_E_RECORD_TOO_LONG);
}

static void test_transcript_hrr(void) {
    /* after a HelloRetryRequest, the transcript starts with message_hash(Hash(ClientHello1)) */
    static const uint8_t ch1[] = {1, 0, 0, 2, 3, 3};
    tlsa_transcript a, b;
    tlsa_transcript_init(&a);
    tlsa_transcript_init(&b);
    CU_ASSERT_EQUAL(tlsa_transcript_add(&a, ch1, sizeof ch1), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&a, "SHA256"), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&a, "SHA256"), TLSA_E_INVALID_ARGUMENT);
    uint8_t h[64], mh[4 + 32];
    size_t n;
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&a, mh + 4, &n), TLSA_E_OK);
    mh[0] = 254;
    mh[1] = 0;
    mh[2] = 0;
    mh[3] = 32;
    CU_ASSERT_EQUAL(tlsa_transcript_hrr(&a), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&b, "SHA256"), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_transcript_add(&b, mh, sizeof mh), TLSA_E_OK);
    uint8_t ha[64];
    size_t na;
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&a, ha, &na), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&b, h, &n), TLSA_E_OK);
    CU_ASSERT(na == n && memcmp(ha, h, n) == 0);
    tlsa_transcript_free(&a);
    tlsa_transcript_free(&b);
    /* no hash chosen yet; unknown hash */
    tlsa_transcript_init(&a);
    CU_ASSERT_EQUAL(tlsa_transcript_hash(&a, h, &n), TLSA_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(tlsa_transcript_set_hash(&a, "NO-SUCH-HASH"), TLSA_E_UNSUPPORTED_CIPHER);
    tlsa_transcript_free(&a);
}

TLSA_TEST_MAIN("tls13_keys", {"RFC 8448: HKDF-Expand-Label key and iv", test_rfc8448_key_iv},
               {"RFC 8448: server and client Finished", test_rfc8448_finished},
               {"RFC 8448: CertificateVerify with the leaf key", test_rfc8448_cert_verify},
               {"tls13-rfc8446.pcap: decrypt the server flight and client Finished, verify both",
                test_capture},
               {"all five TLS 1.3 suites, padding, short records", test_all_suites},
               {"transcript: buffering, HelloRetryRequest, errors", test_transcript_hrr})
