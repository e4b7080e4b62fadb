/* The small handshake messages and the alert/heartbeat payloads: real CertificateStatus
 * (http2_follow_multistream.pcapng), TLS 1.0 CertificateRequest (wpa-eap-tls.pcap), TLS 1.3
 * CertificateVerify and NewSessionTicket (tls13-rfc8446.pcap, decrypted), TLS 1.2
 * NewSessionTicket (tls-renegotiation.pcap); built variants for the rest and one malformed
 * variant per error code. */
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "msg.h"
#include "tlsaudit/conn.h"

/* 475 bytes */
static const char CERT_STATUS[] =
    "010001d7308201d30a0100a08201cc308201c806092b0601050507300101048201b9308201b530819ea21604143dd3"
    "50"
    "a5d6a0adeef34a600a65d321d4f8f8d60f180f32303137303332393039313630305a307330713049300906052b0e03"
    "02"
    "1a0500041449f4bd8a18bf760698c5de402d683b716ae4e68604143dd350a5d6a0adeef34a600a65d321d4f8f8d60f"
    "02"
    "1008b4d5b90a94901db83d5f8295b89cf98000180f32303137303332393039313630305aa011180f32303137303430"
    "35"
    "3038333130305a300d06092a864886f70d01010b050003820101003a47c241db686d033f28421157ac8476b8da77aa"
    "25"
    "acc86aa94dd239942d5c30048846419acd1999c2cee51d7032548e92038c234b4a211b9d3ded2e270247edba91701b"
    "30"
    "2fa9544a946623fcc71fbc3de5e2a5f0f336f1472c53c1c933810be640a84052722866988f24369412ea809a0be43d"
    "c8"
    "b6d28c59f81155376bf56c09e9fda3f5f35c336644c30f4704d38850c5848f4842a96c2c126c7df0a7efdc2c1777b3"
    "a0"
    "7226699c7c13e0abb31dcdca9d695afec84c33cb1ae1e6793868e24e5d635597a2bed49eebdbb810f20149195c6036"
    "f2"
    "f84b2eb69410b44493934a59acc7f46fadf4ab2cc25e7f834bbb18e710a752cd8ac51087f00a41a3cf9e09";
/* 58 bytes */
static const char CR_TLS10[] = "03010240003400323030310b3009060355040613024445310f300d060355040a0c0"
                               "64d6f72646f723110300e06035504"
                               "030c07574c414e2d4341";
/* 75 bytes */
static const char CV_TLS13[] = "04030047304502202502fb33ac32e65cfb94b00c59986afb0b5dc0c72713815d831"
                               "e4bfee423ee59022100cb6b39fbe3"
                               "5ff3ef002aa57252d31e334668222577613f8fbca6905e747e5474";
/* 186 bytes */
static const char NST_TLS13[] =
    "0002a300ab4acb3e010000a0e484d9d34a3fdec28b162f418d19b467f0d28aab83443fc11b407bcc7d4439124e1a45"
    "f9"
    "9287182ed29e4c7f0a0422e18eda9283d58560c95915f2712d5fc81f83a6af68e38e7d62228f914242c0deba02deaa"
    "3f"
    "2a81a4ea06a97ec6c8cd651967d95da47e710caee3a8bf94acc1859774a1c6793275c9b13a8e38536140ec75838aab"
    "7e"
    "efe5b0c2242baf83224acd2c5858f5259a721ec8dc95add648173eee000c002a000400003800dada0000";
/* 166 bytes */
static const char NST_TLS12[] = "0000012c00a0b7588059c4bb763103b67c7d1d1eef4d9ebef9d21ce21801d1b45e"
                                "2268d29f1c5d81956944c5298aed8b"
                                "025fed39bef04a4e09bb63b265120d758ddd58278bf3e069c47809f9cb7b38b220"
                                "09135c6c8c452cda5d5531030bb59b"
                                "4102dbb4a2666e03c3bc766f1d1f2578b7ae26ccae7cb62c1758f2ff36cccba872"
                                "3acf1691e98cff415ac54305722891"
                                "b2e9cbf30dcd3d24a3dcdbda0061021a03303ca51aee";

/* Decodes hex into a static buffer (tests only; messages here are small). */
static const uint8_t *bytes(const char *hex, size_t *n) {
    static uint8_t buf[8192];
    uint8_t *b = tlsa_test_hex(hex, n);
    if (*n > sizeof buf)
        *n = sizeof buf;
    if (b && *n)
        memcpy(buf, b, *n);
    free(b);
    return buf;
}

static tlsa_err cr(const char *hex, bool tls13) {
    size_t n;
    const uint8_t *b = bytes(hex, &n);
    return tlsa_msg_certificate_request(b, n, tls13);
}

static void test_certificate_request(void) {
    CU_ASSERT_EQUAL(cr(CR_TLS10, false), TLSA_E_OK);
    /* TLS 1.2 form: types, signature algorithms, no authorities */
    CU_ASSERT_EQUAL(cr("02 0140 0004 0401 0804 0000", false), TLSA_E_OK);
    /* TLS 1.3: empty context, signature_algorithms extension */
    CU_ASSERT_EQUAL(cr("00 000a 000d 0006 0004 0403 0804", true), TLSA_E_OK);
    CU_ASSERT_EQUAL(cr("00", false), TLSA_E_BAD_LENGTH); /* no certificate types */
    CU_ASSERT_EQUAL(cr("01 01 0003 0401 08", false), TLSA_E_ODD_VECTOR);
    CU_ASSERT_EQUAL(cr("01 01 0002 0401 0005 0003", false), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(cr("01 01 0002 0401 0000 00", false), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(cr("00 0000", true), TLSA_E_BAD_LENGTH); /* extensions<2..2^16-1> */
    CU_ASSERT_EQUAL(cr("00 0008 000d0000 000d0000", true), TLSA_E_DUPLICATE_EXTENSION);
}

static tlsa_err cv(const char *hex, uint16_t version, uint16_t *scheme) {
    size_t n;
    const uint8_t *b = bytes(hex, &n);
    return tlsa_msg_certificate_verify(b, n, version, scheme);
}

static void test_certificate_verify(void) {
    uint16_t s = 1;
    CU_ASSERT_EQUAL(cv(CV_TLS13, TLSA_V_TLS13, &s), TLSA_E_OK);
    CU_ASSERT_EQUAL(s, 0x0403);
    CU_ASSERT_EQUAL(cv("0201 0002 abcd", TLSA_V_TLS12, &s), TLSA_E_OK);
    CU_ASSERT_EQUAL(s, 0x0201);
    CU_ASSERT_EQUAL(cv("0002 abcd", TLSA_V_TLS10, &s), TLSA_E_OK);
    CU_ASSERT_EQUAL(s, 0);
    CU_ASSERT_EQUAL(cv("0804 0003 abcd", TLSA_V_TLS12, &s), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(cv("0804 0001 abcd", TLSA_V_TLS12, &s), TLSA_E_TRAILING_BYTES);
}

static tlsa_err nst(const char *hex, bool tls13, uint32_t *life) {
    size_t n;
    const uint8_t *b = bytes(hex, &n);
    return tlsa_msg_new_session_ticket(b, n, tls13, life);
}

static void test_new_session_ticket(void) {
    uint32_t life = 0;
    CU_ASSERT_EQUAL(nst(NST_TLS13, true, &life), TLSA_E_OK);
    CU_ASSERT_EQUAL(life, 172800);
    CU_ASSERT_EQUAL(nst(NST_TLS12, false, &life), TLSA_E_OK);
    CU_ASSERT_EQUAL(life, 300);
    CU_ASSERT_EQUAL(nst("0000012c 0002 ab", false, &life), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(nst("0000012c 0001 ab cd", false, &life), TLSA_E_TRAILING_BYTES);
    /* TLS 1.3: lifetime over 7 days; empty ticket; duplicated extension */
    CU_ASSERT_EQUAL(nst("00093a81 00000000 00 0001 aa 0000", true, &life), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(nst("00093a80 00000000 00 0000 0000", true, &life), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(
        nst("00000001 00000000 00 0001 aa 0010 002a000400000400 002a000400000400", true, &life),
        TLSA_E_DUPLICATE_EXTENSION);
}

static void test_certificate_status(void) {
    size_t n;
    uint32_t len = 0;
    const uint8_t *b = bytes(CERT_STATUS, &n);
    CU_ASSERT_EQUAL(tlsa_msg_certificate_status(b, n, &len), TLSA_E_OK);
    CU_ASSERT_EQUAL(len, 471);
    b = bytes("02 000001 00", &n);
    CU_ASSERT_EQUAL(tlsa_msg_certificate_status(b, n, &len), TLSA_E_BAD_VALUE);
    b = bytes("01 000000", &n);
    CU_ASSERT_EQUAL(tlsa_msg_certificate_status(b, n, &len), TLSA_E_BAD_LENGTH);
    b = bytes("01 000002 00", &n);
    CU_ASSERT_EQUAL(tlsa_msg_certificate_status(b, n, &len), TLSA_E_TRUNCATED);
    b = bytes("01 000001 00 00", &n);
    CU_ASSERT_EQUAL(tlsa_msg_certificate_status(b, n, &len), TLSA_E_TRAILING_BYTES);
}

static void test_key_update_empty_finished(void) {
    uint8_t r = 9, one[2] = {1, 0}, two = 2;
    CU_ASSERT_EQUAL(tlsa_msg_key_update(one, 1, &r), TLSA_E_OK);
    CU_ASSERT_EQUAL(r, 1);
    CU_ASSERT_EQUAL(tlsa_msg_key_update(&two, 1, &r), TLSA_E_BAD_VALUE);
    CU_ASSERT_EQUAL(tlsa_msg_key_update(one, 0, &r), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_msg_key_update(one, 2, &r), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(tlsa_msg_empty(0), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_empty(1), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(tlsa_msg_finished(12, TLSA_V_TLS12), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_finished(12, TLSA_V_TLS10), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_finished(36, TLSA_V_SSL3), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_finished(32, TLSA_V_TLS13), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_finished(48, TLSA_V_TLS13), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_finished(32, 0x7f1c), TLSA_E_OK);
    CU_ASSERT_EQUAL(tlsa_msg_finished(13, TLSA_V_TLS12), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(tlsa_msg_finished(12, TLSA_V_SSL3), TLSA_E_BAD_LENGTH);
    CU_ASSERT_EQUAL(tlsa_msg_finished(12, TLSA_V_TLS13), TLSA_E_BAD_LENGTH);
}

static void test_alert(void) {
    uint8_t level, desc;
    const uint8_t fatal[3] = {2, 42, 0}, bad_level[2] = {3, 0};
    CU_ASSERT_EQUAL(tlsa_msg_alert(fatal, 2, &level, &desc), TLSA_E_OK);
    CU_ASSERT_EQUAL(level, 2);
    CU_ASSERT_EQUAL(desc, 42);
    CU_ASSERT_EQUAL(tlsa_msg_alert(fatal, 1, &level, &desc), TLSA_E_TRUNCATED);
    CU_ASSERT_EQUAL(tlsa_msg_alert(fatal, 3, &level, &desc), TLSA_E_TRAILING_BYTES);
    CU_ASSERT_EQUAL(tlsa_msg_alert(bad_level, 2, &level, &desc), TLSA_E_BAD_VALUE);
}

static void test_heartbeat(void) {
    uint8_t type = 0;
    bool over = true;
    size_t n;
    /* request: 16-byte payload, 16 bytes padding */
    const uint8_t *b = bytes("01 0010 000102030405060708090a0b0c0d0e0f"
                             "00000000000000000000000000000000",
                             &n);
    CU_ASSERT_EQUAL(tlsa_msg_heartbeat(b, n, &type, &over), TLSA_E_OK);
    CU_ASSERT_EQUAL(type, 1);
    CU_ASSERT_FALSE(over);
    /* Heartbleed: payload_length 0x4000 in a 19-byte record */
    b = bytes("01 4000 00000000000000000000000000000000", &n);
    CU_ASSERT_EQUAL(tlsa_msg_heartbeat(b, n, &type, &over), TLSA_E_OK);
    CU_ASSERT_TRUE(over);
    /* padding one byte short of the minimum: the payload still fits, no over-read */
    b = bytes("02 0001 aa 000000000000000000000000000000", &n);
    CU_ASSERT_EQUAL(tlsa_msg_heartbeat(b, n, &type, &over), TLSA_E_OK);
    CU_ASSERT_EQUAL(type, 2);
    CU_ASSERT_FALSE(over);
    /* payload_length one more than the record holds */
    b = bytes("01 0002 aa", &n);
    CU_ASSERT_EQUAL(tlsa_msg_heartbeat(b, n, &type, &over), TLSA_E_OK);
    CU_ASSERT_TRUE(over);
    b = bytes("01 00", &n);
    CU_ASSERT_EQUAL(tlsa_msg_heartbeat(b, n, &type, &over), TLSA_E_TRUNCATED);
    b = bytes("07 0000 00000000000000000000000000000000", &n);
    CU_ASSERT_EQUAL(tlsa_msg_heartbeat(b, n, &type, &over), TLSA_E_BAD_VALUE);
}

TLSA_TEST_MAIN("msg_misc", {"CertificateRequest", test_certificate_request},
               {"CertificateVerify", test_certificate_verify},
               {"NewSessionTicket", test_new_session_ticket},
               {"CertificateStatus", test_certificate_status},
               {"KeyUpdate, empty messages, Finished", test_key_update_empty_finished},
               {"Alert", test_alert}, {"Heartbeat", test_heartbeat})
