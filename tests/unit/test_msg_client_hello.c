/* ClientHello parser: real ClientHellos from the shared Wireshark captures (TLS 1.2 with SNI
 * and ALPN, TLS 1.3 with key_share, a TLS 1.3 PSK resumption, an SSLv2-compatible hello) and
 * one malformed variant per error code. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "msg.h"

/* tls12-dsb.pcapng frame 1, tls13-rfc8446.pcap frames 1 and 7, rsasnakeoil2.pcap frame 4. */
/* 220 bytes */
static const char CH_TLS12[] = "0303f67a28b386b31c620d76c0026fdd9888edbe6bf0f5b715b2caca158f84ae9d6"
                               "6000038c02cc030009fcca9cca8cc"
                               "aac02bc02f009ec024c028006bc023c0270067c00ac0140039c009c0130033009d0"
                               "09c003d003c0035002f00ff010000"
                               "7b00000010000e00000b6578616d706c652e636f6d000b000403000102000a000c0"
                               "00a001d0017001e00190018337400"
                               "000010000b000908687474702f312e310016000000170000000d0030002e0403050"
                               "30603080708080809080a080b0804"
                               "08050806040105010601030302030301020103020202040205020602";
/* 229 bytes */
static const char CH_TLS13[] =
    "03032635fafc16c49a3e997ef714c303806dc8dbf634a2005b0e0186521c4ad6f9df2023c3a84ca631f3a948d15d92"
    "9c"
    "972e00dded0857f2a00fbadd56175c4e362b840024130113021303c02bc02fc02cc030cca9cca8c009c013c00ac014"
    "00"
    "9c009d002f0035000a01000078ff010001000017000000230000000d00140012040308040401050308050501080606"
    "01"
    "0201000b00020100003300260024001d00200716eeca96799d784366f4455c066a046816ee00d2aec9ef84dd4358e6"
    "b6"
    "db35002d00020101002b000d0c03047f1c7f17030303020301000a00080006001d00170018";
/* 508 bytes */
static const char CH_TLS13_PSK[] = "0303b67947da9d3e4b2ce8acffa975e30aa7ef90f7ec0d39de78db392f38b9a"
                                   "9a41d20bf16e4c295fb5b85fa734518b3"
                                   "3947f34e635e57c5c9643e0bbc721da94b91540024130113021303c02bc02fc"
                                   "02cc030cca9cca8c009c013c00ac01400"
                                   "9c009d002f0035000a0100018fff010001000017000000230000000d0014001"
                                   "204030804040105030805050108060601"
                                   "0201000b00020100003300260024001d0020bbc089f1305694f1245e4328942"
                                   "f6ffafd3208461583d36ca6f7665433a2"
                                   "4f71002d00020101002a0000002b000d0c03047f1c7f17030303020301000a0"
                                   "0080006001d0017001800150040000000"
                                   "000000000000000000000000000000000000000000000000000000000000000"
                                   "000000000000000000000000000000000"
                                   "00000000000000000000000000002900cb00a600a0e484d9d34a3fdec28b162"
                                   "f418d19b467f0d28aab83443fc11b407b"
                                   "cc7d4439124e1a45f99287182ed29e4c7f0a0422e18eda9283d58560c95915f"
                                   "2712d5fc81f83a6af68e38e7d62228f91"
                                   "4242c0deba02deaa3f2a81a4ea06a97ec6c8cd651967d95da47e710caee3a8b"
                                   "f94acc1859774a1c6793275c9b13a8e38"
                                   "536140ec75838aab7eefe5b0c2242baf83224acd2c5858f5259a721ec8dc95a"
                                   "dd648173eeeab4ad6f60021208fb9a841"
                                   "9311958dcb30259ceeb34fe7ac818228db8ebd4ebfd70337bd39b340";
/* 103 bytes: after the 2-byte SSLv2 record header */
static const char CH_SSLV2[] = "010300004e000000100100800300800700c00600400200800400800000390000380"
                               "00035000033000032000004000005"
                               "00002f00001600001300feff00000a00001500001200fefe0000090000640000620"
                               "00003000006a8b893bb90e92aa24d"
                               "6dcc1ce72a8021";

static tlsa_limits limits(void) {
    tlsa_limits l;
    tlsa_limits_default(&l);
    return l;
}

/* Parses hex as a ClientHello body; the struct is left for the caller to inspect and clear. */
static tlsa_err parse_hex(const char *hex, const tlsa_limits *lim, tlsa_client_hello *ch) {
    size_t n;
    uint8_t *b = tlsa_test_hex(hex, &n);
    memset(ch, 0, sizeof *ch);
    tlsa_err e = tlsa_msg_client_hello(b, n, lim, ch);
    free(b);
    return e;
}

/* A minimal TLS 1.2 ClientHello (suite 0x002f, null compression) carrying the given extension
 * block contents (hex, without the 2-byte block length). */

static void test_tls12(void) {
    tlsa_limits l = limits();
    tlsa_client_hello ch;
    CU_ASSERT_EQUAL(parse_hex(CH_TLS12, &l, &ch), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.legacy_version, 0x0303);
    CU_ASSERT_EQUAL(ch.random[0], 0xf6);
    CU_ASSERT_EQUAL(ch.session_id.len, 0);
    CU_ASSERT_EQUAL(ch.suites.n, 28);
    CU_ASSERT_EQUAL(ch.suites.v[0], 0xc02c);
    CU_ASSERT_EQUAL(ch.suites.v[1], 0xc030);
    CU_ASSERT_EQUAL(ch.suites.v[27], 0x00ff);
    CU_ASSERT_EQUAL(ch.compression.len, 1);
    CU_ASSERT_EQUAL(ch.compression.data[0], 0);
    CU_ASSERT_EQUAL(ch.sni.len, 11);
    CU_ASSERT(ch.sni.data && memcmp(ch.sni.data, "example.com", 11) == 0);
    static const uint16_t exts[] = {0x0000, 0x000b, 0x000a, 0x3374, 0x0010, 0x0016, 0x0017, 0x000d};
    CU_ASSERT_EQUAL(ch.extensions.n, 8);
    for (unsigned i = 0; i < 8 && i < ch.extensions.n; i++)
        CU_ASSERT_EQUAL(ch.extensions.v[i], exts[i]);
    static const uint16_t groups[] = {0x001d, 0x0017, 0x001e, 0x0019, 0x0018};
    CU_ASSERT_EQUAL(ch.groups.n, 5);
    for (unsigned i = 0; i < 5 && i < ch.groups.n; i++)
        CU_ASSERT_EQUAL(ch.groups.v[i], groups[i]);
    CU_ASSERT_EQUAL(ch.alpn.n, 1);
    CU_ASSERT(ch.alpn.n == 1 && ch.alpn.v[0].len == 8 &&
              memcmp(ch.alpn.v[0].data, "http/1.1", 8) == 0);
    CU_ASSERT_EQUAL(ch.sig_algs.n, 23);
    CU_ASSERT_EQUAL(ch.sig_algs.v[0], 0x0403);
    CU_ASSERT_EQUAL(ch.versions.n, 0);
    CU_ASSERT_EQUAL(ch.key_shares.n, 0);
    CU_ASSERT_FALSE(ch.sslv2_format);
    tlsa_client_hello_clear(&ch);
    CU_ASSERT_PTR_NULL(ch.suites.v);
}

static void test_tls13(void) {
    tlsa_limits l = limits();
    tlsa_client_hello ch;
    CU_ASSERT_EQUAL(parse_hex(CH_TLS13, &l, &ch), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.legacy_version, 0x0303);
    CU_ASSERT_EQUAL(ch.session_id.len, 32);
    CU_ASSERT_EQUAL(ch.session_id.data[0], 0x23);
    CU_ASSERT_EQUAL(ch.suites.n, 18);
    CU_ASSERT_EQUAL(ch.suites.v[0], 0x1301);
    CU_ASSERT_EQUAL(ch.suites.v[2], 0x1303);
    CU_ASSERT_EQUAL(ch.suites.v[17], 0x000a);
    static const uint16_t versions[] = {0x0304, 0x7f1c, 0x7f17, 0x0303, 0x0302, 0x0301};
    CU_ASSERT_EQUAL(ch.versions.n, 6);
    for (unsigned i = 0; i < 6 && i < ch.versions.n; i++)
        CU_ASSERT_EQUAL(ch.versions.v[i], versions[i]);
    CU_ASSERT_EQUAL(ch.key_shares.n, 1);
    CU_ASSERT_EQUAL(ch.key_shares.v[0], 0x001d);
    CU_ASSERT_EQUAL(ch.groups.n, 3);
    CU_ASSERT_EQUAL(ch.groups.v[2], 0x0018);
    CU_ASSERT_EQUAL(ch.psk_modes, 2); /* psk_dhe_ke only */
    CU_ASSERT_EQUAL(ch.ticket_len, 0);
    CU_ASSERT_EQUAL(ch.sig_algs.n, 9);
    CU_ASSERT_EQUAL(ch.extensions.n, 9);
    CU_ASSERT_EQUAL(ch.extensions.v[0], 0xff01);
    CU_ASSERT_EQUAL(ch.extensions.v[8], 0x000a);
    CU_ASSERT_EQUAL(ch.sni.len, 0);
    CU_ASSERT_EQUAL(ch.psk_identities, 0);
    tlsa_client_hello_clear(&ch);
}

static void test_tls13_psk(void) {
    tlsa_limits l = limits();
    tlsa_client_hello ch;
    CU_ASSERT_EQUAL(parse_hex(CH_TLS13_PSK, &l, &ch), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.psk_identities, 1);
    CU_ASSERT_EQUAL(ch.extensions.n, 12);
    CU_ASSERT_EQUAL(ch.extensions.v[7], 0x002a);  /* early_data */
    CU_ASSERT_EQUAL(ch.extensions.v[11], 0x0029); /* pre_shared_key, last */
    CU_ASSERT_EQUAL(ch.key_shares.n, 1);
    tlsa_client_hello_clear(&ch);
}

static void test_sslv2(void) {
    size_t n;
    uint8_t *b = tlsa_test_hex(CH_SSLV2, &n);
    tlsa_client_hello ch;
    memset(&ch, 0, sizeof ch);
    CU_ASSERT_EQUAL(tlsa_msg_sslv2_client_hello(b, n, &ch), TLSA_E_OK);
    CU_ASSERT_TRUE(ch.sslv2_format);
    CU_ASSERT_EQUAL(ch.legacy_version, 0x0300);
    CU_ASSERT_EQUAL(ch.suites.n, 20);
    CU_ASSERT_EQUAL(ch.suites.v[0], 0x0039);
    CU_ASSERT_EQUAL(ch.suites.v[1], 0x0038);
    CU_ASSERT_EQUAL(ch.session_id.len, 0);
    CU_ASSERT_EQUAL(ch.random[15], 0x00); /* 16-byte challenge, right-aligned */
    CU_ASSERT_EQUAL(ch.random[16], 0xa8);
    CU_ASSERT_EQUAL(ch.random[31], 0x21);
    tlsa_client_hello_clear(&ch);
    free(b);
}

/* Variants of the SSLv2 hello header: msg_type, version, cipher_spec_length,
 * session_id_length, challenge_length, then data. */
static tlsa_err sslv2_variant(const char *hex) {
    size_t n;
    uint8_t *b = tlsa_test_hex(hex, &n);
    tlsa_client_hello ch;
    memset(&ch, 0, sizeof ch);
    tlsa_err e = tlsa_msg_sslv2_client_hello(b, n, &ch);
    tlsa_client_hello_clear(&ch);
    free(b);
    return e;
}

#define CHAL16 "000102030405060708090a0b0c0d0e0f"

static void test_sslv2_malformed(void) {
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0003 0000 0010 00002f" CHAL16), TLSA_E_OK);
    CU_ASSERT_EQUAL(sslv2_variant("02 0301 0003 0000 0010 00002f" CHAL16), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0004 0000 0010 00002f00" CHAL16), TLSA_E_ODD_VECTOR);
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0000 0000 0010" CHAL16), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0003 0005 0010 00002f 0102030405" CHAL16),
                    TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0003 0000 0008 00002f 0001020304050607"),
                    TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0003 0000 0021 00002f" CHAL16 CHAL16 "00"),
                    TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0003 0000 0010 00002f 0001"), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(sslv2_variant("01 0301 0003 0000 0010 00002f" CHAL16 "ff"),
                    TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(sslv2_variant("01 03"), TLSA_E_TRUNCATED);
}

#define HEAD "0303" RANDOM
#define RANDOM "0000000000000000000000000000000000000000000000000000000000000000"

static void test_no_extensions(void) {
    tlsa_client_hello ch;
    /* SSL 3.0 / TLS 1.0 style: the message ends after the compression methods. */
    CU_ASSERT_EQUAL(parse_hex("0300" RANDOM "00 0004 000a 002f 0100", NULL, &ch), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.legacy_version, 0x0300);
    CU_ASSERT_EQUAL(ch.suites.n, 2);
    CU_ASSERT_EQUAL(ch.extensions.n, 0);
    tlsa_client_hello_clear(&ch);
    /* An empty extension block is accepted too. */
    CU_ASSERT_EQUAL(parse_hex(HEAD "00 0002 002f 0100 0000", NULL, &ch), TLSA_E_OK);
    tlsa_client_hello_clear(&ch);
}

static tlsa_err variant(const char *hex) {
    tlsa_client_hello ch;
    tlsa_limits l = limits();
    tlsa_err e = parse_hex(hex, &l, &ch);
    tlsa_client_hello_clear(&ch);
    return e;
}

static void test_malformed(void) {
    /* truncated inside the random, the suites, the compression, the extension block */
    CU_ASSERT_EQUAL(variant("0303 0000"), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant(HEAD "00 0004 002f"), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant(HEAD "00 0002 002f 02 00"), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(variant(HEAD "00 0002 002f 0100 0008 0017 0000"), TLSA_E_TRUNCATED);
    /* session_id of 33 bytes */
    CU_ASSERT_EQUAL(variant(HEAD "21" RANDOM "00 0002 002f 0100"), TLSA_E_BAD_LENGTH);
    /* odd cipher_suites length, empty cipher_suites, empty compression */
    CU_ASSERT_EQUAL(variant(HEAD "00 0003 002f00 0100"), TLSA_E_ODD_VECTOR);
    CU_ASSERT_EQUAL(variant(HEAD "00 0000 0100"), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(variant(HEAD "00 0002 002f 00"), TLSA_E_BAD_LENGTH);
    /* bytes after the extension block; a lone byte where the block length should be */
    CU_ASSERT_EQUAL(variant(HEAD "00 0002 002f 0100 0004 00170000 ff"), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(variant(HEAD "00 0002 002f 0100 00"), TLSA_E_TRUNCATED);
    /* the same extension twice */
    CU_ASSERT_EQUAL(variant(HEAD "00 0002 002f 0100 0008 00170000 00170000"),
                    TLSA_E_DUPLICATE_EXTENSION);
}

static void test_limit_extensions(void) {
    tlsa_limits l = limits();
    l.max_extensions = 4;
    tlsa_client_hello ch;
    CU_ASSERT_EQUAL(parse_hex(CH_TLS12, &l, &ch), TLSA_E_LIMIT_EXTENSIONS);
    /* the first four were kept and interpreted */
    CU_ASSERT_EQUAL(ch.extensions.n, 4);
    CU_ASSERT_EQUAL(ch.extensions.v[3], 0x3374);
    CU_ASSERT_EQUAL(ch.sni.len, 11);
    CU_ASSERT_EQUAL(ch.groups.n, 5);
    CU_ASSERT_EQUAL(ch.alpn.n, 0);
    tlsa_client_hello_clear(&ch);
}

static void test_reparse_frees(void) {
    /* Parsing into a used struct replaces the lists (no leak under ASan, fresh values). */
    tlsa_limits l = limits();
    tlsa_client_hello ch;
    memset(&ch, 0, sizeof ch);
    size_t n;
    uint8_t *b = tlsa_test_hex(CH_TLS12, &n);
    ch.present = true;
    ch.frame = 7;
    CU_ASSERT_EQUAL(tlsa_msg_client_hello(b, n, &l, &ch), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_client_hello(b, n, &l, &ch), TLSA_E_OK);
    CU_ASSERT_EQUAL(ch.suites.n, 28);
    CU_ASSERT_EQUAL(ch.extensions.n, 8);
    CU_ASSERT_TRUE(ch.present);
    CU_ASSERT_EQUAL(ch.frame, 7);
    tlsa_client_hello_clear(&ch);
    free(b);
}

/* Deterministic mutations of real hellos: every outcome is success or a malformed/limit code,
 * and (under the sanitizer build) nothing reads out of bounds or leaks. */
static void test_mutations(void) {
    const char *seeds[] = {CH_TLS12, CH_TLS13_PSK, CH_SSLV2};
    tlsa_limits l = limits();
    l.max_extensions = 10;
    uint32_t rng = 12345;
    for (unsigned s = 0; s < 3; s++) {
        size_t n;
        uint8_t *orig = tlsa_test_hex(seeds[s], &n);
        uint8_t *m = malloc(n);
        for (int it = 0; it < 3000; it++) {
            memcpy(m, orig, n);
            size_t len = n;
            for (int f = 0; f < 1 + it % 3; f++) {
                rng = rng * 1103515245u + 12345u;
                m[(rng >> 8) % n] = (uint8_t)(rng >> 20);
            }
            if (it % 5 == 0)
                len = (rng >> 4) % (n + 1);
            tlsa_client_hello ch;
            memset(&ch, 0, sizeof ch);
            tlsa_err e = s == 2 ? tlsa_msg_sslv2_client_hello(m, len, &ch)
                                : tlsa_msg_client_hello(m, len, &l, &ch);
            tlsa_err_category cat = tlsa_err_category_of(e);
            CU_ASSERT(cat == TLSA_CAT_OK || cat == TLSA_CAT_MALFORMED || cat == TLSA_CAT_LIMIT);
            tlsa_client_hello_clear(&ch);
        }
        free(m);
        free(orig);
    }
}

TLSA_TEST_MAIN("msg_client_hello", {"TLS 1.2 ClientHello (tls12-dsb)", test_tls12},
               {"TLS 1.3 ClientHello (tls13-rfc8446)", test_tls13},
               {"TLS 1.3 PSK ClientHello", test_tls13_psk},
               {"SSLv2-compatible ClientHello (rsasnakeoil2)", test_sslv2},
               {"SSLv2 malformed variants", test_sslv2_malformed},
               {"no or empty extension block", test_no_extensions},
               {"malformed variants", test_malformed},
               {"extension limit keeps the first ones", test_limit_extensions},
               {"re-parse frees previous lists", test_reparse_frees},
               {"mutated hellos", test_mutations})
