/* NSS key log parsing: the shared key files (counts per label), bad lines with their numbers,
 * lookup, duplicates, and "unused keys are reported once". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tlsaudit/keys.h"

#define KEYS TLSA_SHARED_DIR "/captures/wireshark/keys/"

static tlsa_keylog *load(const char *path) {
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_PTR_NOT_NULL_FATAL(kl);
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(kl, path), TLSA_E_OK);
    return kl;
}

static void test_tls13_file(void) {
    tlsa_keylog *kl = load(KEYS "tls13-rfc8446.keys");
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 9);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_HANDSHAKE_TRAFFIC_SECRET), 2);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET), 2);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_TRAFFIC_SECRET_0), 2);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_SERVER_TRAFFIC_SECRET_0), 2);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_EARLY_TRAFFIC_SECRET), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_RANDOM), 0);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_count(kl), 0);
    CU_ASSERT_EQUAL(tlsa_keylog_duplicates(kl), 0);
    tlsa_keylog_free(kl);
}

static void test_tls12_files(void) {
    tlsa_keylog *kl = load(KEYS "tls12-chacha20poly1305.keys");
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_RANDOM), 7);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_RSA), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 8);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_count(kl), 0);
    tlsa_keylog_free(kl);

    /* upper-case hex */
    kl = load(KEYS "dhe1_keylog.dat");
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_RANDOM), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_count(kl), 0);
    tlsa_keylog_free(kl);

    /* no final newline */
    kl = load(KEYS "http2-data-reassembly.keys");
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_RANDOM), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_count(kl), 0);
    tlsa_keylog_free(kl);

    kl = load(KEYS "tls13-20-chacha20poly1305.keys");
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 8);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_SERVER_TRAFFIC_SECRET_0), 2);
    tlsa_keylog_free(kl);
}

static const char bad_text[] =
    "# comment\n" /* 1 */
    "\n"          /* 2 */
    "CLIENT_RANDOM 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d"
    "2e2f\r\n"                /* 3: ok, CRLF */
    "CLIENT_RANDOM 0011 00\n" /* 4: short id */
    "NOT_A_LABEL 00 00\n"     /* 5 */
    "SERVER_TRAFFIC_SECRET_0 "
    "zz112233445566778899aabbccddeeff00112233445566778899aabbccddeeff 00\n" /* 6: not hex */
    "   \t  \n"                                                             /* 7: blank */
    "EXPORTER_SECRET 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n" /* 8: ok */
    "EXPORTER_SECRET 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
    "0011\n"          /* 9: short secret */
    "CLIENT_RANDOM\n" /* 10: missing id */
    "RSA 0011223344556677 "
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d"
    "2e2f extra\n" /* 11: extra */
    "RSA 0011223344556677 "
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d"
    "2e2f\n" /* 12: ok */
    "EXPORTER_SECRET 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff\n" /* 13: duplicate */
    "CLIENT_RANDOM 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"; /* 14 */

static void test_bad_lines(void) {
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL(tlsa_keylog_add_text(kl, "test.keys", bad_text, strlen(bad_text)), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 3);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_RANDOM), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_EXPORTER_SECRET), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_RSA), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_duplicates(kl), 1);
    static const uint32_t lines[] = {4, 5, 6, 9, 10, 11, 14};
    static const char *const why[] = {"id has the wrong length",
                                      "unknown label",
                                      "id is not hex",
                                      "secret has the wrong length",
                                      "missing id",
                                      "extra field after the secret",
                                      "missing secret"};
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_bad_count(kl), 7);
    for (size_t i = 0; i < 7; i++) {
        const tlsa_keylog_bad *b = tlsa_keylog_bad_at(kl, i);
        CU_ASSERT_PTR_NOT_NULL_FATAL(b);
        CU_ASSERT_EQUAL(b->line, lines[i]);
        CU_ASSERT_STRING_EQUAL(b->reason, why[i]);
        CU_ASSERT_STRING_EQUAL(b->source, "test.keys");
    }
    CU_ASSERT_PTR_NULL(tlsa_keylog_bad_at(kl, 7));

    /* the first of two duplicate lines is kept */
    uint8_t id[32];
    for (int i = 0; i < 32; i++)
        id[i] = (uint8_t)(0x11 * (i % 16));
    tlsa_key_entry e;
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_find(kl, TLSA_KEY_EXPORTER_SECRET, id, 32, &e), 1);
    CU_ASSERT_EQUAL(e.line, 8);
    CU_ASSERT_EQUAL(e.secret_len, 32);
    CU_ASSERT_EQUAL(e.secret[1], 0x11);
    CU_ASSERT_EQUAL(tlsa_keylog_find(kl, TLSA_KEY_CLIENT_RANDOM, id, 32, &e), 1);
    CU_ASSERT_EQUAL(e.secret_len, 48);
    CU_ASSERT_EQUAL(e.secret[47], 0x2f);
    static const uint8_t rsa_id[8] = {0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77};
    CU_ASSERT_EQUAL(tlsa_keylog_find(kl, TLSA_KEY_RSA, rsa_id, 8, &e), 1);
    CU_ASSERT_EQUAL(e.line, 12);
    tlsa_keylog_free(kl);
}

static void test_bom_and_crlf(void) {
    static const char t[] =
        "\xEF\xBB\xBF"
        "CLIENT_RANDOM 00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff "
        "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c"
        "2d"
        "2e2f\r\n\r\n# done\r\n";
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL(tlsa_keylog_add_text(kl, "bom", t, sizeof t - 1), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_count(kl, TLSA_KEY_CLIENT_RANDOM), 1);
    CU_ASSERT_EQUAL(tlsa_keylog_bad_count(kl), 0);
    tlsa_keylog_free(kl);
}

static void test_hostile_bytes(void) {
    /* NULs, lone CRs, a huge line, non-ASCII: counted as bad, never fatal */
    size_t n = 100000;
    char *t = malloc(n);
    CU_ASSERT_PTR_NOT_NULL_FATAL(t);
    for (size_t i = 0; i < n; i++)
        t[i] = (char)((i * 7919u) % 251);
    tlsa_keylog *kl = tlsa_keylog_new();
    CU_ASSERT_EQUAL(tlsa_keylog_add_text(kl, "noise", t, n), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 0);
    CU_ASSERT(tlsa_keylog_bad_count(kl) > 0);
    CU_ASSERT_EQUAL(tlsa_keylog_add_text(kl, "empty", "", 0), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_add_text(NULL, "x", t, n), TLSA_E_INVALID_ARGUMENT);
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(kl, "/nonexistent/file.keys"), TLSA_E_IO);
    tlsa_keylog_free(kl);
    free(t);
}

static size_t unused_lines_sum;
static void on_unused(void *ud, const tlsa_key_entry *e) {
    (void)ud;
    unused_lines_sum += e->line;
}

static void test_lookup_and_unused(void) {
    tlsa_keylog *kl = load(KEYS "tls13-rfc8446.keys");
    /* a second file with the same secrets minus the early one: all duplicates */
    CU_ASSERT_EQUAL(tlsa_keylog_load_file(kl, KEYS "tls13-rfc8446-noearly.keys"), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 9);
    CU_ASSERT_EQUAL(tlsa_keylog_duplicates(kl), 8);

    size_t n;
    uint8_t *cr =
        tlsa_test_hex("b67947da9d3e4b2ce8acffa975e30aa7ef90f7ec0d39de78db392f38b9a9a41d", &n);
    uint8_t *secret =
        tlsa_test_hex("42c0101fad261571cb8799c86a1eb4afe6dcef4a5f88664ac63e4c77452a77ef", &n);
    tlsa_key_entry e;
    CU_ASSERT(tlsa_keylog_has_random(kl, cr));
    CU_ASSERT_EQUAL_FATAL(tlsa_keylog_find(kl, TLSA_KEY_CLIENT_EARLY_TRAFFIC_SECRET, cr, 32, &e),
                          1);
    CU_ASSERT_EQUAL(e.secret_len, 32);
    CU_ASSERT(memcmp(e.secret, secret, 32) == 0);
    CU_ASSERT_EQUAL(e.line, 5);
    CU_ASSERT(strstr(e.source, "tls13-rfc8446.keys") != NULL);
    CU_ASSERT_EQUAL(tlsa_keylog_find(kl, TLSA_KEY_CLIENT_RANDOM, cr, 32, &e), 0);
    CU_ASSERT_EQUAL(tlsa_keylog_find(kl, TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET, cr, 32, &e), 1);
    cr[0] ^= 1;
    CU_ASSERT(!tlsa_keylog_has_random(kl, cr));
    CU_ASSERT_EQUAL(tlsa_keylog_find(kl, TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET, cr, 32, &e), 0);

    /* the second connection's secrets matched (lines 5-9); the first's four are reported, once */
    unused_lines_sum = 0;
    CU_ASSERT_EQUAL(tlsa_keylog_report_unused(kl, on_unused, NULL), 4);
    CU_ASSERT_EQUAL(unused_lines_sum, 1 + 2 + 3 + 4);
    CU_ASSERT_EQUAL(tlsa_keylog_report_unused(kl, on_unused, NULL), 0);
    free(cr);
    free(secret);
    tlsa_keylog_free(kl);
}

static void test_many(void) {
    /* growth of the table: 5000 distinct entries, all found */
    tlsa_keylog *kl = tlsa_keylog_new();
    char line[256];
    for (unsigned i = 0; i < 5000; i++) {
        int len = snprintf(line, sizeof line,
                           "CLIENT_TRAFFIC_SECRET_0 %064x "
                           "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff\n",
                           i);
        CU_ASSERT_EQUAL(tlsa_keylog_add_text(kl, "gen", line, (size_t)len), TLSA_E_OK);
    }
    CU_ASSERT_EQUAL(tlsa_keylog_size(kl), 5000);
    int found = 0;
    for (unsigned i = 0; i < 5000; i += 7) {
        uint8_t id[32] = {0};
        id[28] = (uint8_t)(i >> 24);
        id[29] = (uint8_t)(i >> 16);
        id[30] = (uint8_t)(i >> 8);
        id[31] = (uint8_t)i;
        found += tlsa_keylog_find(kl, TLSA_KEY_CLIENT_TRAFFIC_SECRET_0, id, 32, NULL);
    }
    CU_ASSERT_EQUAL(found, (5000 + 6) / 7);
    tlsa_keylog_free(kl);
}

static void test_label_names(void) {
    CU_ASSERT_STRING_EQUAL(tlsa_key_label_name(TLSA_KEY_CLIENT_RANDOM), "CLIENT_RANDOM");
    CU_ASSERT_STRING_EQUAL(tlsa_key_label_name(TLSA_KEY_RSA), "RSA");
    CU_ASSERT_STRING_EQUAL(tlsa_key_label_name(TLSA_KEY__COUNT), "?");
}

TLSA_TEST_MAIN("keylog", {"TLS 1.3 key log: counts per label", test_tls13_file},
               {"TLS 1.2 key logs: counts, upper-case hex, no final newline", test_tls12_files},
               {"bad lines are counted with their line numbers", test_bad_lines},
               {"byte order mark, CRLF", test_bom_and_crlf},
               {"hostile bytes are never fatal", test_hostile_bytes},
               {"lookup by client random, duplicates, unused reported once",
                test_lookup_and_unused},
               {"thousands of entries", test_many}, {"label names", test_label_names})
