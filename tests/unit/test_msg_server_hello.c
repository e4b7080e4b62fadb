/* ServerHello / HelloRetryRequest / EncryptedExtensions parsers: real ServerHellos from the
 * shared captures (TLS 1.2 with the TLS 1.3 downgrade sentinel, TLS 1.3, TLS 1.3 PSK, TLS 1.0
 * with heartbeat, SSL 3.0 without extensions), a HelloRetryRequest built from RFC 8446 §4.1.4,
 * and one malformed variant per error code. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "msg.h"

/* tls12-dsb.pcapng frame 2, tls13-rfc8446.pcap frames 2 and 9, wpa-eap-tls.pcap frame 13,
 * rsasnakeoil2.pcap frame 6. */
/* 108 bytes */
static const char SH_TLS12[] = "030375d016e23ae727d77c98266e8ef9dcf47db447ae88cf19a8444f574e4752440"
                               "12051873a30ac90644894cb114763"
                               "dc1f4eee3a3b859f517cf662b87e74a1b72fe9c02f000024ff01000100000000000"
                               "00b0004030001020010000b000908"
                               "687474702f312e3100170000";
/* 118 bytes */
static const char SH_TLS13[] = "03033f5e55c1cdb96b098828bf5d5d2cb490f35f9200ae1bf527005a24efdf97475"
                               "92023c3a84ca631f3a948d15d929c"
                               "972e00dded0857f2a00fbadd56175c4e362b84130100002e00330024001d002044e"
                               "d3de867430475e6075915d0909a72"
                               "557b730c815c015d23e58432922b9645002b00020304";
/* 124 bytes */
static const char SH_TLS13_PSK[] = "0303cc19c2e2a5937c52fe2387f71c1ba1682a0d440a728c090193258bfc76c"
                                   "7c83920bf16e4c295fb5b85fa734518b3"
                                   "3947f34e635e57c5c9643e0bbc721da94b91541301000034002900020000003"
                                   "30024001d002007e5bb24fd9857f21d8f"
                                   "3a3502f4ac50415375ae868305b8d87aebbdf28dc11b002b00020304";
/* 58 bytes */
static const char SH_TLS10[] = "030129f16df9c5f86f994c7d03d44c02ebe8fc06c32450edca8bd599049d8301f66"
                               "100c014000012ff01000100000b00"
                               "0403000102000f000101";
/* 70 bytes */
static const char SH_SSL3[] = "0300444c948ffe81ed93650288a3f8eb63860e2cf68dd00f2c2ad64fcd2d3c16d7d6"
                              "20a0fb60863d1e76f330fe0b01fd"
                              "1a01ed95f67b8ec0d427bff06ec756b147ce98003500";

/* tls13-20-chacha20poly1305.pcap frame 2: TLS 1.3 draft 20 */
/* 78 bytes */
static const char SH_DRAFT20[] = "7f1455c823eb5524fee16cd69e1607ee2966bc8a44ced3dd3956abdb7bdde1206"
                                 "9f81303002800280024001d00204b09"
                                 "4e6bb575855801b0661ac7e588a1fdd8579e718b0fb795515ad611694447";

#define HRR_RANDOM "CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C"
#define SID32 "0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20"
#define RANDOM "0000000000000000000000000000000000000000000000000000000000000000"

static tlsa_err parse_hex(const char *hex, const tlsa_limits *lim, tlsa_server_hello *sh,
                          bool *hrr) {
    size_t n;
    uint8_t *b = tlsa_test_hex(hex, &n);
    tlsa_err e = tlsa_msg_server_hello(b, n, lim, sh, hrr);
    free(b);
    return e;
}

static void test_tls12_downgrade(void) {
    tlsa_server_hello sh;
    bool hrr = true;
    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex(SH_TLS12, NULL, &sh, &hrr), TLSA_E_OK);
    CU_ASSERT_FALSE(hrr);
    CU_ASSERT_FALSE(sh.hrr);
    CU_ASSERT_EQUAL(sh.legacy_version, 0x0303);
    CU_ASSERT_EQUAL(sh.version, 0x0303);
    CU_ASSERT_EQUAL(sh.suite, 0xc02f);
    CU_ASSERT_EQUAL(sh.compression, 0);
    CU_ASSERT_EQUAL(sh.session_id.len, 32);
    CU_ASSERT_EQUAL(sh.downgrade, 12); /* random ends in "DOWNGRD" 01 */
    static const uint16_t exts[] = {0xff01, 0x0000, 0x000b, 0x0010, 0x0017};
    CU_ASSERT_EQUAL(sh.extensions.n, 5);
    for (unsigned i = 0; i < 5 && i < sh.extensions.n; i++)
        CU_ASSERT_EQUAL(sh.extensions.v[i], exts[i]);
    CU_ASSERT(sh.alpn.len == 8 && memcmp(sh.alpn.data, "http/1.1", 8) == 0);
    CU_ASSERT_EQUAL(sh.key_share_group, 0);
    tlsa_server_hello_clear(&sh);
}

static void test_tls13(void) {
    tlsa_server_hello sh;
    bool hrr;
    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex(SH_TLS13, NULL, &sh, &hrr), TLSA_E_OK);
    CU_ASSERT_FALSE(hrr);
    CU_ASSERT_EQUAL(sh.legacy_version, 0x0303);
    CU_ASSERT_EQUAL(sh.version, 0x0304);
    CU_ASSERT_EQUAL(sh.suite, 0x1301);
    CU_ASSERT_EQUAL(sh.key_share_group, 0x001d);
    CU_ASSERT_FALSE(sh.psk_selected);
    CU_ASSERT_EQUAL(sh.downgrade, 0);
    CU_ASSERT_EQUAL(sh.extensions.n, 2);
    tlsa_server_hello_clear(&sh);

    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex(SH_TLS13_PSK, NULL, &sh, &hrr), TLSA_E_OK);
    CU_ASSERT_TRUE(sh.psk_selected);
    CU_ASSERT_EQUAL(sh.key_share_group, 0x001d);
    CU_ASSERT_EQUAL(sh.version, 0x0304);
    CU_ASSERT_EQUAL(sh.extensions.n, 3);
    CU_ASSERT_EQUAL(sh.extensions.v[0], 0x0029);
    tlsa_server_hello_clear(&sh);
}

static void test_legacy(void) {
    tlsa_server_hello sh;
    bool hrr;
    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex(SH_TLS10, NULL, &sh, &hrr), TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.version, 0x0301);
    CU_ASSERT_EQUAL(sh.suite, 0xc014);
    CU_ASSERT_EQUAL(sh.session_id.len, 0);
    CU_ASSERT_EQUAL(sh.heartbeat_mode, 1);
    CU_ASSERT_EQUAL(sh.extensions.n, 3);
    tlsa_server_hello_clear(&sh);

    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex(SH_SSL3, NULL, &sh, &hrr), TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.version, 0x0300);
    CU_ASSERT_EQUAL(sh.suite, 0x0035);
    CU_ASSERT_EQUAL(sh.session_id.len, 32);
    CU_ASSERT_EQUAL(sh.extensions.n, 0);
    tlsa_server_hello_clear(&sh);
}

static void test_draft20(void) {
    tlsa_server_hello sh;
    bool hrr;
    memset(&sh, 0, sizeof sh);
    /* drafts before 22: no session id echo, no compression byte */
    CU_ASSERT_EQUAL(parse_hex(SH_DRAFT20, NULL, &sh, &hrr), TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.legacy_version, 0x7f14);
    CU_ASSERT_EQUAL(sh.version, 0x7f14);
    CU_ASSERT_EQUAL(sh.suite, 0x1303);
    CU_ASSERT_EQUAL(sh.session_id.len, 0);
    CU_ASSERT_EQUAL(sh.key_share_group, 0x001d);
    CU_ASSERT_EQUAL(sh.extensions.n, 1);
    tlsa_server_hello_clear(&sh);
}

static void test_hrr(void) {
    tlsa_server_hello sh;
    bool hrr = false;
    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex("0303" HRR_RANDOM "20" SID32 "1301 00 0014"
                              "002b00020304"      /* supported_versions */
                              "003300020017"      /* key_share: selected_group secp256r1 */
                              "002c00040002abcd", /* cookie */
                              NULL, &sh, &hrr),
                    TLSA_E_OK);
    CU_ASSERT_TRUE(hrr);
    CU_ASSERT_TRUE(sh.hrr);
    CU_ASSERT_EQUAL(sh.hrr_group, 0x0017);
    CU_ASSERT_EQUAL(sh.key_share_group, 0);
    CU_ASSERT_EQUAL(sh.version, 0x0304);
    CU_ASSERT_EQUAL(sh.extensions.n, 3);
    /* The real ServerHello that follows keeps what the HRR established. */
    CU_ASSERT_EQUAL(parse_hex(SH_TLS13, NULL, &sh, &hrr), TLSA_E_OK);
    CU_ASSERT_FALSE(hrr);
    CU_ASSERT_TRUE(sh.hrr);
    CU_ASSERT_EQUAL(sh.hrr_group, 0x0017);
    CU_ASSERT_EQUAL(sh.key_share_group, 0x001d);
    CU_ASSERT_EQUAL(sh.extensions.n, 2);
    tlsa_server_hello_clear(&sh);
}

static void test_downgrade_11(void) {
    tlsa_server_hello sh;
    bool hrr;
    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex("0302 000000000000000000000000000000000000000000000000"
                              "444F574E47524400 00 002f 00",
                              NULL, &sh, &hrr),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.downgrade, 11);
    tlsa_server_hello_clear(&sh);
}

static tlsa_err variant(const char *hex) {
    tlsa_server_hello sh;
    bool hrr;
    memset(&sh, 0, sizeof sh);
    tlsa_err e = parse_hex(hex, NULL, &sh, &hrr);
    tlsa_server_hello_clear(&sh);
    return e;
}

#define HEAD "0303" RANDOM "00 c02f 00"

static void test_malformed(void) {
    CU_ASSERT_EQUAL(variant("0303 00"), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant("0303" RANDOM "00 c0"), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant("0303" RANDOM "21" SID32 "ff c02f 00"), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(variant(HEAD "0004 00170000 00"), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(variant(HEAD "0008 00170000 00170000"), TLSA_E_DUPLICATE_EXTENSION);
    /* supported_versions with a trailing byte; key_share truncated */
    CU_ASSERT_EQUAL(variant(HEAD "0007 002b0003030400"), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(variant(HEAD "0008 00330004001d0001"), TLSA_E_TRUNCATED);
    /* HRR key_share carrying a whole entry instead of the selected group */
    CU_ASSERT_EQUAL(variant("0303" HRR_RANDOM "00 1301 00 000a 00330006001d000100aa"),
                    TLSA_E_TRAILING_BYTES);
    /* ALPN with two protocols (the server must select exactly one); an empty name */
    CU_ASSERT_EQUAL(variant(HEAD "0008 0010 0004 0002 0000"), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(variant(HEAD "000c 001000080006026832026831"), TLSA_E_BAD_VALUE);
    /* heartbeat mode 3 */
    CU_ASSERT_EQUAL(variant(HEAD "0005 000f000103"), TLSA_E_BAD_VALUE);
    /* renegotiation_info whose inner length overruns */
    CU_ASSERT_EQUAL(variant(HEAD "0005 ff01000105"), TLSA_E_TRUNCATED);
}

static void test_limit(void) {
    tlsa_limits l;
    tlsa_limits_default(&l);
    l.max_extensions = 2;
    tlsa_server_hello sh;
    bool hrr;
    memset(&sh, 0, sizeof sh);
    CU_ASSERT_EQUAL(parse_hex(SH_TLS12, &l, &sh, &hrr), TLSA_E_LIMIT_EXTENSIONS);
    CU_ASSERT_EQUAL(sh.extensions.n, 2);
    CU_ASSERT_EQUAL(sh.suite, 0xc02f);
    tlsa_server_hello_clear(&sh);
}

static tlsa_err ee(const char *hex, tlsa_server_hello *sh) {
    size_t n;
    uint8_t *b = tlsa_test_hex(hex, &n);
    tlsa_err e = tlsa_msg_encrypted_extensions(b, n, NULL, sh);
    free(b);
    return e;
}

static void test_encrypted_extensions(void) {
    tlsa_server_hello sh;
    memset(&sh, 0, sizeof sh);
    /* RFC 8448 §3 EncryptedExtensions body: supported_groups, record_size_limit, server_name */
    CU_ASSERT_EQUAL(ee("00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03"
                       "01 04 00 1c 00 02 40 01 00 00 00 00",
                       &sh),
                    TLSA_E_OK);
    CU_ASSERT_EQUAL(sh.alpn.len, 0);
    CU_ASSERT_EQUAL(sh.extensions.n, 0); /* EE types are not ServerHello extensions */
    CU_ASSERT_EQUAL(ee("0009 0010 0005 0003 02 6832", &sh), TLSA_E_OK);
    CU_ASSERT(sh.alpn.len == 2 && memcmp(sh.alpn.data, "h2", 2) == 0);
    CU_ASSERT_EQUAL(ee("0006 001c 0002 0020", &sh), TLSA_E_BAD_VALUE); /* record_size_limit < 64 */
    CU_ASSERT_EQUAL(ee("0009 0010 0005 0003 02 6832 00", &sh), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(ee("000a 0010 0005 0003 02 6832", &sh), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(ee("0008 002a0000 002a0000", &sh), TLSA_E_DUPLICATE_EXTENSION);
    tlsa_server_hello_clear(&sh);
}

TLSA_TEST_MAIN("msg_server_hello",
               {"TLS 1.2 ServerHello with downgrade sentinel", test_tls12_downgrade},
               {"TLS 1.3 ServerHello, with and without PSK", test_tls13},
               {"TLS 1.0 and SSL 3.0 ServerHello", test_legacy},
               {"TLS 1.3 draft 20 ServerHello", test_draft20},
               {"HelloRetryRequest then ServerHello", test_hrr},
               {"TLS 1.1 downgrade sentinel", test_downgrade_11},
               {"malformed variants", test_malformed}, {"extension limit", test_limit},
               {"EncryptedExtensions", test_encrypted_extensions})
