/* Names and classes from the generated IANA tables (lib/src/names_gen.c): spot checks of
 * suites, groups, signature schemes, extensions, alerts and GREASE, and table order. */
#include <string.h>

#include "harness.h"
#include "names_gen.h"
#include "tlsaudit/conn.h"
#include "tlsaudit/names.h"

static void test_suites(void) {
    const tlsa_suite_info *s = tlsa_suite_lookup(0x1301);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s->name, "TLS_AES_128_GCM_SHA256");
    CU_ASSERT_EQUAL(s->kex, TLSA_KEX_TLS13);
    CU_ASSERT_EQUAL(s->auth, TLSA_AUTH_TLS13);
    CU_ASSERT_EQUAL(s->cipher, TLSA_CIPHER_AES128);
    CU_ASSERT_EQUAL(s->mode, TLSA_MODE_GCM);
    CU_ASSERT_TRUE(s->tls13);
    CU_ASSERT_EQUAL(s->recommended, 'Y');

    s = tlsa_suite_lookup(0x000a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_STRING_EQUAL(s->name, "TLS_RSA_WITH_3DES_EDE_CBC_SHA");
    CU_ASSERT_EQUAL(s->kex, TLSA_KEX_RSA);
    CU_ASSERT_EQUAL(s->cipher, TLSA_CIPHER_3DES);
    CU_ASSERT_EQUAL(s->mode, TLSA_MODE_CBC);
    CU_ASSERT_STRING_EQUAL(s->mac, "SHA");
    CU_ASSERT_FALSE(s->export_grade);

    s = tlsa_suite_lookup(0xc030);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->kex, TLSA_KEX_ECDHE);
    CU_ASSERT_EQUAL(s->auth, TLSA_AUTH_RSA);
    CU_ASSERT_EQUAL(s->cipher, TLSA_CIPHER_AES256);
    CU_ASSERT_EQUAL(s->mode, TLSA_MODE_GCM);
    CU_ASSERT_STRING_EQUAL(s->mac, "AEAD");
    CU_ASSERT_FALSE(s->tls13);

    s = tlsa_suite_lookup(0x0004);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->cipher, TLSA_CIPHER_RC4);
    CU_ASSERT_EQUAL(s->mode, TLSA_MODE_STREAM);
    CU_ASSERT_STRING_EQUAL(s->mac, "MD5");

    s = tlsa_suite_lookup(0x0003);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_TRUE(s->export_grade);
    CU_ASSERT_STRING_EQUAL(s->name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");

    s = tlsa_suite_lookup(0x0018);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->auth, TLSA_AUTH_ANON);
    CU_ASSERT_EQUAL(s->kex, TLSA_KEX_DHE);

    s = tlsa_suite_lookup(0x0000);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->cipher, TLSA_CIPHER_NULL);

    s = tlsa_suite_lookup(0xccad);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(s->kex, TLSA_KEX_DHE_PSK);
    CU_ASSERT_EQUAL(s->mode, TLSA_MODE_POLY1305);

    CU_ASSERT_EQUAL(tlsa_suite_lookup(0x0039)->kex, TLSA_KEX_DHE);
    CU_ASSERT_EQUAL(tlsa_suite_lookup(0xc005)->kex, TLSA_KEX_ECDH);
    CU_ASSERT_EQUAL(tlsa_suite_lookup(0x0009)->cipher, TLSA_CIPHER_DES);
    CU_ASSERT_EQUAL(tlsa_suite_lookup(0xc0a2)->mode, TLSA_MODE_CCM8);
    CU_ASSERT_EQUAL(tlsa_suite_lookup(0x1304)->mode, TLSA_MODE_CCM);

    CU_ASSERT_STRING_EQUAL(tlsa_suite_name(0x00ff), "TLS_EMPTY_RENEGOTIATION_INFO_SCSV");
    CU_ASSERT_STRING_EQUAL(tlsa_suite_name(0x5600), "TLS_FALLBACK_SCSV");
    CU_ASSERT_PTR_NULL(tlsa_suite_lookup(0x0a0a));
    CU_ASSERT_STRING_EQUAL(tlsa_suite_name(0x0a0a), "GREASE");
    CU_ASSERT_PTR_NULL(tlsa_suite_lookup(0xfeee));
    CU_ASSERT_STRING_EQUAL(tlsa_suite_name(0xfeee), "unknown");
}

static void test_groups(void) {
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x001d), "x25519");
    CU_ASSERT_EQUAL(tlsa_group_bits(0x001d), 255);
    CU_ASSERT_FALSE(tlsa_group_is_pq_hybrid(0x001d));
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x11ec), "X25519MLKEM768");
    CU_ASSERT_TRUE(tlsa_group_is_pq_hybrid(0x11ec));
    CU_ASSERT_EQUAL(tlsa_group_bits(0x11ec), 255);
    CU_ASSERT_TRUE(tlsa_group_is_pq_hybrid(0x6399)); /* X25519Kyber768Draft00 */
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x6399), "X25519Kyber768Draft00");
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x0017), "secp256r1");
    CU_ASSERT_EQUAL(tlsa_group_bits(0x0017), 256);
    CU_ASSERT_EQUAL(tlsa_group_bits(0x0018), 384);
    CU_ASSERT_EQUAL(tlsa_group_bits(0x0019), 521);
    CU_ASSERT_EQUAL(tlsa_group_bits(0x001e), 448);
    CU_ASSERT_EQUAL(tlsa_group_bits(0x001a), 256); /* brainpoolP256r1 */
    CU_ASSERT_EQUAL(tlsa_group_bits(0x0001), 163); /* sect163k1 */
    CU_ASSERT_EQUAL(tlsa_group_bits(0x0013), 192); /* secp192r1 */
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x0100), "ffdhe2048");
    CU_ASSERT_EQUAL(tlsa_group_bits(0x0100), 2048);
    CU_ASSERT_EQUAL(tlsa_group_bits(0x0104), 8192);
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x11ee), "curveSM2MLKEM768"); /* testssl name */
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x2a2a), "GREASE");
    CU_ASSERT_STRING_EQUAL(tlsa_group_name(0x7777), "unknown");
    CU_ASSERT_EQUAL(tlsa_group_bits(0x7777), 0);
    CU_ASSERT_FALSE(tlsa_group_is_pq_hybrid(0x7777));
}

static void test_sigschemes_extensions_alerts(void) {
    CU_ASSERT_STRING_EQUAL(tlsa_sigscheme_name(0x0804), "rsa_pss_rsae_sha256");
    CU_ASSERT_STRING_EQUAL(tlsa_sigscheme_name(0x0403), "ecdsa_secp256r1_sha256");
    CU_ASSERT_STRING_EQUAL(tlsa_sigscheme_name(0x0201), "rsa_pkcs1_sha1");
    CU_ASSERT_STRING_EQUAL(tlsa_sigscheme_name(0x0807), "ed25519");
    CU_ASSERT_STRING_EQUAL(tlsa_sigscheme_name(0x0101), "rsa_md5"); /* TLS 1.2 pair */
    CU_ASSERT_STRING_EQUAL(tlsa_sigscheme_name(0x0202), "dsa_sha1");
    CU_ASSERT_STRING_EQUAL(tlsa_sigscheme_name(0xfefe), "unknown");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0x0017), "extended_master_secret");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0x0000), "server_name");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0x000a), "supported_groups");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0x0023), "session_ticket");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0x0010), "application_layer_protocol_negotiation");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0xff01), "renegotiation_info");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0xfe0d), "encrypted_client_hello");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0xdada), "GREASE");
    CU_ASSERT_STRING_EQUAL(tlsa_extension_name(0x3374), "unknown");
    CU_ASSERT_STRING_EQUAL(tlsa_alert_name(42), "bad_certificate");
    CU_ASSERT_STRING_EQUAL(tlsa_alert_name(0), "close_notify");
    CU_ASSERT_STRING_EQUAL(tlsa_alert_name(40), "handshake_failure");
    CU_ASSERT_STRING_EQUAL(tlsa_alert_name(86), "inappropriate_fallback");
    CU_ASSERT_STRING_EQUAL(tlsa_alert_name(21), "decryption_failed");
    CU_ASSERT_STRING_EQUAL(tlsa_alert_name(255), "unknown");
}

static void test_grease(void) {
    CU_ASSERT_TRUE(tlsa_is_grease(0x0a0a));
    CU_ASSERT_TRUE(tlsa_is_grease(0xfafa));
    CU_ASSERT_TRUE(tlsa_is_grease(0x3a3a));
    CU_ASSERT_FALSE(tlsa_is_grease(0x0a1a));
    CU_ASSERT_FALSE(tlsa_is_grease(0x0b0b));
    CU_ASSERT_FALSE(tlsa_is_grease(0x0000));
    int n = 0;
    for (unsigned v = 0; v <= 0xffff; v++)
        n += tlsa_is_grease((uint16_t)v);
    CU_ASSERT_EQUAL(n, 16);
}

/* Binary search needs strictly increasing ids. */
static void test_sorted(void) {
    for (size_t i = 1; i < tlsa_gen_suites_n; i++)
        CU_ASSERT(tlsa_gen_suites[i - 1].id < tlsa_gen_suites[i].id);
    for (size_t i = 1; i < tlsa_gen_groups_n; i++)
        CU_ASSERT(tlsa_gen_groups[i - 1].id < tlsa_gen_groups[i].id);
    for (size_t i = 1; i < tlsa_gen_sigschemes_n; i++)
        CU_ASSERT(tlsa_gen_sigschemes[i - 1].id < tlsa_gen_sigschemes[i].id);
    for (size_t i = 1; i < tlsa_gen_extensions_n; i++)
        CU_ASSERT(tlsa_gen_extensions[i - 1].id < tlsa_gen_extensions[i].id);
    CU_ASSERT(tlsa_gen_suites_n > 300);
    /* every table entry is found by its own id */
    for (size_t i = 0; i < tlsa_gen_suites_n; i++)
        CU_ASSERT_PTR_EQUAL(tlsa_suite_lookup(tlsa_gen_suites[i].id), &tlsa_gen_suites[i]);
}

TLSA_TEST_MAIN("names", {"cipher suites", test_suites}, {"groups", test_groups},
               {"signature schemes, extensions, alerts", test_sigschemes_extensions_alerts},
               {"GREASE", test_grease}, {"tables sorted", test_sorted})
