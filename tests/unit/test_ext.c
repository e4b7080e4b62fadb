/* Extensions: tlsa_ext_split (duplicates, limits, GREASE and unknown types kept raw) and the
 * per-extension interpreters, driven through minimal ClientHello / ServerHello messages, with
 * one malformed variant per error code an interpreter can return. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "msg.h"

/* Hex of one extension: type, 2-byte length, body (spaces in body are ignored). */
static char *E(unsigned type, const char *body) {
    char clean[2048];
    size_t k = 0;
    for (const char *p = body; *p && k + 1 < sizeof clean; p++)
        if (*p != ' ')
            clean[k++] = *p;
    clean[k] = 0;
    char *out = malloc(k + 16);
    int h = snprintf(out, 16, "%04x%04zx", type, k / 2);
    memcpy(out + h, clean, k + 1);
    return out;
}

/* Concatenates n extension hex strings (freeing them) into an extension block. */
static char *block(int n, va_list ap) {
    char *all = calloc(1, 16);
    size_t len = 0;
    for (int i = 0; i < n; i++) {
        char *e = va_arg(ap, char *);
        all = realloc(all, len + strlen(e) + 16);
        strcpy(all + len, e);
        len += strlen(e);
        free(e);
    }
    return all;
}

static tlsa_client_hello ch;
static tlsa_server_hello sh;

/* Parses a minimal TLS 1.2 ClientHello with the given n extensions into the global ch. */
static tlsa_err CH(int n, ...) {
    va_list ap;
    va_start(ap, n);
    char *exts = block(n, ap);
    va_end(ap);
    size_t hexlen = strlen(exts) + 200;
    char *hex = malloc(hexlen);
    snprintf(hex, hexlen,
             "0303 0000000000000000000000000000000000000000000000000000000000000000 00 0002002f "
             "0100 %04zx%s",
             strlen(exts) / 2, exts);
    size_t len;
    uint8_t *b = tlsa_test_hex(hex, &len);
    tlsa_client_hello_clear(&ch);
    tlsa_err e = tlsa_msg_client_hello(b, len, NULL, &ch);
    free(b);
    free(hex);
    free(exts);
    return e;
}

/* The same for a ServerHello (hrr: with the HelloRetryRequest random). */
static tlsa_err SH(bool hrr, int n, ...) {
    va_list ap;
    va_start(ap, n);
    char *exts = block(n, ap);
    va_end(ap);
    size_t hexlen = strlen(exts) + 200;
    char *hex = malloc(hexlen);
    snprintf(hex, hexlen, "0303 %s 00 1301 00 %04zx%s",
             hrr ? "CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C"
                 : "1111111111111111111111111111111111111111111111111111111111111111",
             strlen(exts) / 2, exts);
    size_t len;
    uint8_t *b = tlsa_test_hex(hex, &len);
    bool is_hrr;
    tlsa_server_hello_clear(&sh);
    tlsa_err e = tlsa_msg_server_hello(b, len, NULL, &sh, &is_hrr);
    free(b);
    free(hex);
    free(exts);
    return e;
}

static void test_split(void) {
    size_t n, k = 0;
    uint8_t *b = tlsa_test_hex("0a0a 0001 00  1234 0003 abcdef  0017 0000", &n);
    tlsa_cur c = tlsa_cur_make(b, n);
    tlsa_ext_raw raw[8];
    CU_ASSERT_EQUAL(tlsa_ext_split(&c, NULL, raw, 8, &k), TLSA_E_OK);
    CU_ASSERT_EQUAL(k, 3);
    CU_ASSERT_EQUAL(raw[0].type, 0x0a0a);
    CU_ASSERT_EQUAL(tlsa_cur_left(&raw[0].body), 1);
    CU_ASSERT_EQUAL(raw[1].type, 0x1234);
    CU_ASSERT_EQUAL(tlsa_cur_left(&raw[1].body), 3);
    CU_ASSERT_EQUAL(*tlsa_cur_ptr(&raw[1].body), 0xab);
    CU_ASSERT_EQUAL(raw[2].type, 0x0017);
    CU_ASSERT_EQUAL(tlsa_cur_left(&raw[2].body), 0);

    /* the caller's capacity and the configured limit both stop the split */
    c = tlsa_cur_make(b, n);
    CU_ASSERT_EQUAL(tlsa_ext_split(&c, NULL, raw, 2, &k), TLSA_E_LIMIT_EXTENSIONS);
    CU_ASSERT_EQUAL(k, 2);
    tlsa_limits l;
    tlsa_limits_default(&l);
    l.max_extensions = 1;
    c = tlsa_cur_make(b, n);
    CU_ASSERT_EQUAL(tlsa_ext_split(&c, &l, raw, 8, &k), TLSA_E_LIMIT_EXTENSIONS);
    CU_ASSERT_EQUAL(k, 1);
    free(b);

    b = tlsa_test_hex("0017 0000 0017 0000", &n);
    c = tlsa_cur_make(b, n);
    CU_ASSERT_EQUAL(tlsa_ext_split(&c, NULL, raw, 8, &k), TLSA_E_DUPLICATE_EXTENSION);
    free(b);
    b = tlsa_test_hex("0017 0001", &n);
    c = tlsa_cur_make(b, n);
    CU_ASSERT_EQUAL(tlsa_ext_split(&c, NULL, raw, 8, &k), TLSA_E_TRUNCATED);
    free(b);
    b = tlsa_test_hex("00", &n);
    c = tlsa_cur_make(b, n);
    CU_ASSERT_EQUAL(tlsa_ext_split(&c, NULL, raw, 8, &k), TLSA_E_TRUNCATED);
    free(b);
}

static void test_grease_and_unknown(void) {
    CU_ASSERT_EQUAL(CH(3, E(0x1a1a, "ff"), E(0xabcd, ""), E(0x3374, "")), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.extensions.n, 3);
    CU_ASSERT_EQUAL(ch.extensions.v[0], 0x1a1a);
    CU_ASSERT_EQUAL(ch.extensions.v[1], 0xabcd);
}

static void test_server_name(void) {
    /* a non-host_name entry first, then two host names: the first host_name wins */
    CU_ASSERT_EQUAL(CH(1, E(0, "000f 01 0002 7878 00 0003 616263 00 0001 64")), TLSA_E_OK);
    CU_ASSERT(ch.sni.len == 3 && memcmp(ch.sni.data, "abc", 3) == 0);
    CU_ASSERT_EQUAL(CH(1, E(0, "0000")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(0, "0003 00 0000")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(0, "0004 00 0001 61 ff")), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(CH(1, E(0, "0004 00 0002 61")), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(CH(1, E(0, "")), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(SH(false, 1, E(0, "")), TLSA_E_OK); /* the server's empty acknowledgement */
    CU_ASSERT_EQUAL(SH(false, 1, E(0, "00")), TLSA_E_TRAILING_BYTES);
}

static void test_lists(void) {
    CU_ASSERT_EQUAL(
        CH(3, E(10, "0006 0a0a 001d 11ec"), E(11, "01 00"), E(13, "0006 0804 0403 0201")),
        TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.groups.n, 3);
    CU_ASSERT_EQUAL(ch.groups.v[0], 0x0a0a); /* GREASE kept */
    CU_ASSERT_EQUAL(ch.groups.v[2], 0x11ec);
    CU_ASSERT_EQUAL(ch.sig_algs.n, 3);
    CU_ASSERT_EQUAL(ch.sig_algs.v[0], 0x0804);
    CU_ASSERT_EQUAL(CH(1, E(10, "0003 001d 00")), TLSA_E_ODD_VECTOR);
    CU_ASSERT_EQUAL(CH(1, E(10, "0000")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(11, "00")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(13, "0003 0804 04")), TLSA_E_ODD_VECTOR);
    CU_ASSERT_EQUAL(CH(1, E(50, "0001 08")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(27, "03 0002 00")), TLSA_E_ODD_VECTOR);
    CU_ASSERT_EQUAL(CH(1, E(27, "02 0002")), TLSA_E_OK);
}

static void test_alpn(void) {
    CU_ASSERT_EQUAL(CH(1, E(16, "000c 02 6832 08 687474702f312e31")), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.alpn.n, 2);
    CU_ASSERT(ch.alpn.n == 2 && ch.alpn.v[0].len == 2 && memcmp(ch.alpn.v[0].data, "h2", 2) == 0);
    CU_ASSERT(ch.alpn.n == 2 && ch.alpn.v[1].len == 8);
    CU_ASSERT_EQUAL(CH(1, E(16, "0002 00 00")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(16, "0003 05 6832")), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(SH(false, 1, E(16, "0003 02 6832")), TLSA_E_OK);
    CU_ASSERT(sh.alpn.len == 2 && memcmp(sh.alpn.data, "h2", 2) == 0);
    CU_ASSERT_EQUAL(SH(false, 1, E(16, "0006 02 6832 02 6833")), TLSA_E_BAD_VALUE);
}

static void test_empty_ones(void) {
    CU_ASSERT_EQUAL(CH(5, E(22, ""), E(23, ""), E(49, ""), E(42, ""), E(18, "")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(22, "00")), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(CH(1, E(23, "00")), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(CH(1, E(42, "00")), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(CH(1, E(18, "00")), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(CH(1, E(21, "0000000000")), TLSA_E_OK); /* padding */
}

static void test_status_request_and_sct(void) {
    CU_ASSERT_EQUAL(CH(1, E(5, "01 0000 0000")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(5, "01 0004 0002 abcd 0000")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(5, "01 0000")), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(CH(1, E(5, "01 0000 0000 00")), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(CH(1, E(5, "02 abcdef")), TLSA_E_OK); /* other status types stay raw */
    CU_ASSERT_EQUAL(SH(false, 1, E(18, "0004 0002 abcd")), TLSA_E_OK);
    CU_ASSERT_EQUAL(SH(false, 1, E(18, "0000")), TLSA_E_BAD_LENGTH);
}

static void test_tickets_and_psk(void) {
    CU_ASSERT_EQUAL(CH(1, E(35, "0102030405")), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.ticket_len, 5);
    CU_ASSERT_EQUAL(CH(1, E(45, "02 00 01")), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.psk_modes, 3);
    CU_ASSERT_EQUAL(CH(1, E(45, "00")), TLSA_E_BAD_LENGTH);
    static const char psk[] = "0007 0001 aa 00000000 0021 20 "
                              "0000000000000000000000000000000000000000000000000000000000000000";
    CU_ASSERT_EQUAL(CH(1, E(41, psk)), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.psk_identities, 1);
    /* pre_shared_key must be the last extension */
    CU_ASSERT_EQUAL(CH(2, E(41, psk), E(23, "")), TLSA_E_BAD_VALUE);
    /* two identities, one binder */
    CU_ASSERT_EQUAL(
        CH(1, E(41, "000e 0001 aa 00000000 0001 bb 00000000 0021 20 "
                    "0000000000000000000000000000000000000000000000000000000000000000")),
        TLSA_E_BAD_VALUE);
    /* binder of 31 bytes */
    CU_ASSERT_EQUAL(CH(1, E(41, "0007 0001 aa 00000000 0020 1f "
                                "00000000000000000000000000000000000000000000000000000000000000")),
                    TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(SH(false, 1, E(41, "0000")), TLSA_E_OK);
    CU_ASSERT_TRUE(sh.psk_selected);
    CU_ASSERT_EQUAL(SH(false, 1, E(41, "00")), TLSA_E_TRUNCATED);
}

static void test_versions_cookie_authorities(void) {
    CU_ASSERT_EQUAL(CH(1, E(43, "06 3a3a 0304 0303")), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.versions.n, 3);
    CU_ASSERT_EQUAL(ch.versions.v[1], 0x0304);
    CU_ASSERT_EQUAL(CH(1, E(43, "03 0304 03")), TLSA_E_ODD_VECTOR);
    CU_ASSERT_EQUAL(CH(1, E(43, "00")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(SH(false, 1, E(43, "0304")), TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.version, 0x0304);
    CU_ASSERT_EQUAL(SH(false, 1, E(43, "03")), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(CH(1, E(44, "0002 abcd")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(44, "0000")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(47, "0005 0003 300100")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(47, "0002 0000")), TLSA_E_BAD_LENGTH);
}

static void test_key_share(void) {
    CU_ASSERT_EQUAL(CH(1, E(51, "000c 2a2a 0001 00 001d 0003 010203")), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.key_shares.n, 2);
    CU_ASSERT_EQUAL(ch.key_shares.v[0], 0x2a2a);
    CU_ASSERT_EQUAL(ch.key_shares.v[1], 0x001d);
    CU_ASSERT_EQUAL(CH(1, E(51, "0000")), TLSA_E_OK); /* empty: asks for an HRR */
    CU_ASSERT_EQUAL(CH(1, E(51, "000a 001d 0001 00 001d 0001 01")), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(CH(1, E(51, "0004 001d 0000")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(SH(false, 1, E(51, "11ec 0002 abcd")), TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.key_share_group, 0x11ec);
    CU_ASSERT_EQUAL(SH(true, 1, E(51, "0017")), TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.hrr_group, 0x0017);
    CU_ASSERT_EQUAL(SH(true, 1, E(51, "0017 00")), TLSA_E_TRAILING_BYTES);
}

static void test_small_values(void) {
    CU_ASSERT_EQUAL(CH(1, E(15, "02")), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.heartbeat_mode, 2);
    CU_ASSERT_EQUAL(CH(1, E(15, "00")), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(CH(1, E(15, "")), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(CH(1, E(28, "4001")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(28, "003f")), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(CH(1, E(1, "04")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(1, "05")), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(CH(1, E(0xff01, "00")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(0xff01, "01")), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(SH(false, 1, E(0xff01, "00 00")), TLSA_E_TRAILING_BYTES);
}

static void test_ech(void) {
    CU_ASSERT_EQUAL(CH(1, E(0xfe0d, "00 0001 0001 07 0002 abcd 0003 010203")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(0xfe0d, "01")), TLSA_E_OK);
    CU_ASSERT_EQUAL(CH(1, E(0xfe0d, "02")), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(CH(1, E(0xfe0d, "00 0001 0001 07 0000 0000")), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(CH(1, E(0xfe0d, "01 00")), TLSA_E_TRAILING_BYTES);
}

static void cleanup(void) {
    tlsa_client_hello_clear(&ch);
    tlsa_server_hello_clear(&sh);
}

TLSA_TEST_MAIN("ext", {"split", test_split},
               {"GREASE and unknown stay raw", test_grease_and_unknown},
               {"server_name", test_server_name}, {"groups, formats, signature lists", test_lists},
               {"ALPN", test_alpn}, {"empty extensions", test_empty_ones},
               {"status_request and SCT", test_status_request_and_sct},
               {"session_ticket, PSK modes, pre_shared_key", test_tickets_and_psk},
               {"supported_versions, cookie, certificate_authorities",
                test_versions_cookie_authorities},
               {"key_share", test_key_share},
               {"heartbeat, record size, fragment length, reneg", test_small_values},
               {"encrypted_client_hello", test_ech}, {"cleanup", cleanup})
