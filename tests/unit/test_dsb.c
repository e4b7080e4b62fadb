/* pcapng Decryption Secrets Blocks: the real tls12-dsb.pcapng (its two DSBs are exactly the two
 * .keys files), other captures with and without TLS key log DSBs, both byte orders in one file,
 * and damaged files. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "keys_internal.h"
#include "tlsaudit/keys.h"

#define WS TLSA_SHARED_DIR "/captures/wireshark/"

typedef struct collect {
    uint8_t buf[65536];
    size_t len;
    size_t n_tls, n_other;
} collect;

static tlsa_err on_dsb(void *ud, uint32_t type, const uint8_t *data, size_t len) {
    collect *c = ud;
    if (type != TLSA_DSB_TLS_KEYLOG) {
        c->n_other++;
        return TLSA_E_OK;
    }
    c->n_tls++;
    if (len <= sizeof c->buf - c->len) {
        memcpy(c->buf + c->len, data, len);
        c->len += len;
    }
    return TLSA_E_OK;
}

static void test_tls12_dsb_equals_key_files(void) {
    size_t len, l1, l2;
    uint8_t *cap = tlsa_test_read_file(WS "tls12-dsb.pcapng", &len);
    uint8_t *k1 = tlsa_test_read_file(WS "keys/tls12-dsb-1.keys", &l1);
    uint8_t *k2 = tlsa_test_read_file(WS "keys/tls12-dsb-2.keys", &l2);
    CU_ASSERT_PTR_NOT_NULL_FATAL(cap);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(k2);
    static collect c;
    memset(&c, 0, sizeof c);
    CU_ASSERT_EQUAL(tlsa_pcapng_dsb_each(cap, len, on_dsb, &c), TLSA_E_OK);
    CU_ASSERT_EQUAL(c.n_tls, 2);
    CU_ASSERT_EQUAL(c.n_other, 0);
    CU_ASSERT_EQUAL_FATAL(c.len, l1 + l2);
    CU_ASSERT(memcmp(c.buf, k1, l1) == 0);
    CU_ASSERT(memcmp(c.buf + l1, k2, l2) == 0);

    /* into a key log, from memory and from the file: same entries as the two .keys files */
    tlsa_keylog *a = tlsa_keylog_new(), *b = tlsa_keylog_new(), *f = tlsa_keylog_new();
    size_t n = 0;
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(a, cap, len, &n), TLSA_E_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(tlsa_keylog_load_pcapng(f, WS "tls12-dsb.pcapng", &n), TLSA_E_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(b, WS "keys/tls12-dsb-1.keys"), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(b, WS "keys/tls12-dsb-2.keys"), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_count(a, TLSA_KEY_CLIENT_RANDOM), 2);
    CU_ASSERT_EQUAL(tlsa_keylog_count(f, TLSA_KEY_CLIENT_RANDOM), 2);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_count(a), 0);
    uint8_t *cr =
        tlsa_test_hex("1e0d63b41d7c7bb639559cfc9f06ffd5c65fe4a9df31abc5af833b0d834436f4", &n);
    tlsa_key_entry ea, eb, ef;
    CU_ASSERT_FATAL(tlsa_keylog_find(a, TLSA_KEY_CLIENT_RANDOM, cr, 32, &ea) == 1);
    CU_ASSERT_FATAL(tlsa_keylog_find(b, TLSA_KEY_CLIENT_RANDOM, cr, 32, &eb) == 1);
    CU_ASSERT_FATAL(tlsa_keylog_find(f, TLSA_KEY_CLIENT_RANDOM, cr, 32, &ef) == 1);
    CU_ASSERT(memcmp(ea.secret, eb.secret, 48) == 0);
    CU_ASSERT(memcmp(ef.secret, eb.secret, 48) == 0);
    CU_ASSERT_STRING_EQUAL(ea.source, "pcapng DSB #2");
    CU_ASSERT_EQUAL(ea.line, 1);
    free(cr);
    tlsa_keylog_free(a);
    tlsa_keylog_free(b);
    tlsa_keylog_free(f);
    free(cap);
    free(k1);
    free(k2);
}

static void test_other_captures(void) {
    tlsa_keylog *kl = tlsa_keylog_new();
    size_t n = 99;
    /* WireGuard keys in a DSB: not a TLS key log */
    CU_ASSERT_EQUAL(tlsa_keylog_load_pcapng(kl, WS "wireguard-ping-tcp-dsb.pcapng", &n), TLSA_E_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 0);
    CU_ASSERT_EQUAL(tlsa_keylog_load_pcapng(kl, WS "http2_follow_multistream.pcapng", &n),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_RANDOM),
                    49); /* 50 lines, one a comment */
    CU_ASSERT_EQUAL(
        tlsa_keylog_load_pcapng(kl, WS "uncompressed/challenge01_ooo_stream.pcapng", &n),
        TLSA_E_OK);
    CU_ASSERT_EQUAL(n, 1);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_count(kl), 0);
    /* a pcap (not pcapng) file */
    CU_ASSERT_EQUAL(tlsa_keylog_load_pcapng(kl, WS "rsa-p-lt-q.pcap", &n), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(tlsa_keylog_load_pcapng(kl, "/nonexistent.pcapng", &n), TLSA_E_IO);
    tlsa_keylog_free(kl);
}

/* A tiny pcapng writer for synthetic files. */
typedef struct w {
    uint8_t b[1024];
    size_t n;
    int le;
} w;

static void put32(w *o, uint32_t v) {
    for (int i = 0; i < 4; i++)
        o->b[o->n++] = (uint8_t)(o->le ? v >> (8 * i) : v >> (24 - 8 * i));
}

static void shb(w *o, int le) {
    o->le = le;
    put32(o, 0x0A0D0D0A);
    put32(o, 28);
    put32(o, 0x1A2B3C4D);
    put32(o, le ? 0x00000001 : 0x00010000); /* major 1, minor 0 */
    put32(o, 0xffffffff);
    put32(o, 0xffffffff);
    put32(o, 28);
}

static void dsb(w *o, uint32_t type, const char *text) {
    size_t len = strlen(text), padded = (len + 3) & ~(size_t)3;
    uint32_t total = (uint32_t)(12 + 8 + padded);
    put32(o, 0x0000000A);
    put32(o, total);
    put32(o, type);
    put32(o, (uint32_t)len);
    memset(o->b + o->n, 0, padded);
    memcpy(o->b + o->n, text, len);
    o->n += padded;
    put32(o, total);
}

static void other_block(w *o) {
    put32(o, 0x00000006);
    put32(o, 16);
    put32(o, 0xdeadbeef);
    put32(o, 16);
}

#define LINE1                                                                                      \
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET "                                                             \
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "                            \
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n"
#define LINE2                                                                                      \
    "SERVER_HANDSHAKE_TRAFFIC_SECRET "                                                             \
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "                            \
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static void test_both_byte_orders(void) {
    static w o;
    memset(&o, 0, sizeof o);
    shb(&o, 0); /* big-endian section */
    other_block(&o);
    dsb(&o, TLSA_DSB_TLS_KEYLOG, LINE1);
    dsb(&o, 0x57474b4c, "wireguard");
    shb(&o, 1); /* little-endian section */
    dsb(&o, TLSA_DSB_TLS_KEYLOG, LINE2 "\nbad line\n");
    other_block(&o);
    tlsa_keylog *kl = tlsa_keylog_new();
    size_t n = 0;
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_OK);
    CU_ASSERT_EQUAL(n, 2);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_HANDSHAKE_TRAFFIC_SECRET), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET), 1);
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_bad_count(kl), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_at(kl, 0)->line, 2);
    CU_ASSERT_STRING_EQUAL(tlsa_keylog_bad_at(kl, 0)->source, "pcapng DSB #2");

    /* every truncation of the file fails cleanly (or succeeds at a block boundary) */
    for (size_t cut = 0; cut < o.n; cut++) {
        tlsa_keylog *t = tlsa_keylog_new();
        tlsa_err e = tlsa_keylog_add_pcapng(t, o.b, cut, &n);
        CU_ASSERT(e == TLSA_E_OK || e == TLSA_E_TRUNCATED || e == TLSA_E_BAD_LENGTH);
        tlsa_keylog_free(t);
    }
    /* every single-byte corruption: never a crash; errors are input errors */
    for (size_t i = 0; i < o.n; i++) {
        uint8_t save = o.b[i];
        o.b[i] ^= 0x5a;
        tlsa_keylog *t = tlsa_keylog_new();
        tlsa_err e = tlsa_keylog_add_pcapng(t, o.b, o.n, &n);
        CU_ASSERT(e == TLSA_E_OK || tlsa_err_category_of(e) == TLSA_CAT_MALFORMED);
        tlsa_keylog_free(t);
        o.b[i] = save;
    }
    tlsa_keylog_free(kl);
}

static void test_malformed(void) {
    static w o;
    tlsa_keylog *kl = tlsa_keylog_new();
    size_t n;
    /* not pcapng */
    memset(&o, 0, sizeof o);
    o.le = 1;
    put32(&o, 0xa1b2c3d4);
    put32(&o, 0);
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_BAD_VALUE);
    /* bad byte-order magic */
    memset(&o, 0, sizeof o);
    shb(&o, 1);
    o.b[8] = 0x99;
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_BAD_VALUE);
    /* block length not a multiple of 4 / below 12 */
    memset(&o, 0, sizeof o);
    shb(&o, 1);
    put32(&o, 6);
    put32(&o, 13);
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_BAD_LENGTH);
    memset(&o, 0, sizeof o);
    shb(&o, 1);
    put32(&o, 6);
    put32(&o, 8);
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_BAD_LENGTH);
    /* a block longer than the file */
    memset(&o, 0, sizeof o);
    shb(&o, 1);
    put32(&o, 6);
    put32(&o, 4096);
    put32(&o, 0);
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_TRUNCATED);
    /* DSB whose secrets_length runs past the block */
    memset(&o, 0, sizeof o);
    shb(&o, 0);
    dsb(&o, TLSA_DSB_TLS_KEYLOG, "abcd");
    o.b[28 + 15] = 200;
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_TRUNCATED);
    /* trailing length differs from the leading one */
    memset(&o, 0, sizeof o);
    shb(&o, 0);
    dsb(&o, TLSA_DSB_TLS_KEYLOG, "abcd");
    o.b[o.n - 1] ^= 4;
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, o.b, o.n, &n), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(kl, NULL, 0, &n), TLSA_E_OK);
    CU_ASSERT_EQUAL(n, 0);
    CU_ASSERT_EQUAL(tlsa_keylog_add_pcapng(NULL, o.b, o.n, &n), TLSA_E_INVALID_ARGUMENT);
    tlsa_keylog_free(kl);
}

TLSA_TEST_MAIN("dsb",
               {"tls12-dsb.pcapng: the DSBs are the two .keys files",
                test_tls12_dsb_equals_key_files},
               {"other captures: WireGuard DSB skipped, 49 and 4 key lines", test_other_captures},
               {"both byte orders in one file; truncation and corruption", test_both_byte_orders},
               {"malformed files give exact codes", test_malformed})
