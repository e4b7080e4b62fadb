/* What decryption needs to know about a cipher suite: bulk cipher, key and IV sizes, tag or MAC,
 * and the PRF / HKDF hash. Suites we cannot decrypt (RC4: OpenSSL's legacy provider; export,
 * Camellia, ARIA, ...) are absent on purpose. Ids and sizes from the IANA TLS registry and RFC
 * 5246, 5288, 5289, 6655, 7251, 7905, 8446. */
#include <stddef.h>

#include "keys_internal.h"

#define T13(id, mode, ciph, klen, tag, prf)                                                        \
    { id, true, mode, ciph, klen, 12, tag, NULL, prf }
#define GCM(id, klen, prf)                                                                         \
    { id, false, TLSA_BULK_GCM, "AES-" #klen "-GCM", klen / 8, 4, 16, NULL, prf }
#define CCM(id, klen)                                                                              \
    { id, false, TLSA_BULK_CCM, "AES-" #klen "-CCM", klen / 8, 4, 16, NULL, "SHA256" }
#define CCM8(id, klen)                                                                             \
    { id, false, TLSA_BULK_CCM_8, "AES-" #klen "-CCM", klen / 8, 4, 8, NULL, "SHA256" }
#define CHACHA(id)                                                                                 \
    { id, false, TLSA_BULK_CHACHA20_POLY1305, "ChaCha20-Poly1305", 32, 12, 16, NULL, "SHA256" }
#define AESCBC(id, klen, mac, prf)                                                                 \
    { id, false, TLSA_BULK_CBC, "AES-" #klen "-CBC", klen / 8, 16, 0, mac, prf }
#define DES3CBC(id)                                                                                \
    { id, false, TLSA_BULK_CBC, "DES-EDE3-CBC", 24, 8, 0, "SHA1", "SHA256" }
#define NULLMAC(id, mac)                                                                           \
    { id, false, TLSA_BULK_NULL, NULL, 0, 0, 0, mac, "SHA256" }

static const tlsa_suite_keys suites[] = {
    /* TLS 1.3 (RFC 8446 B.4) */
    T13(0x1301, TLSA_BULK_GCM, "AES-128-GCM", 16, 16, "SHA256"),
    T13(0x1302, TLSA_BULK_GCM, "AES-256-GCM", 32, 16, "SHA384"),
    T13(0x1303, TLSA_BULK_CHACHA20_POLY1305, "ChaCha20-Poly1305", 32, 16, "SHA256"),
    T13(0x1304, TLSA_BULK_CCM, "AES-128-CCM", 16, 16, "SHA256"),
    T13(0x1305, TLSA_BULK_CCM_8, "AES-128-CCM", 16, 8, "SHA256"),
    /* AES-GCM (RFC 5288, 5289, 5487, 8442) */
    GCM(0x009C, 128, "SHA256"),
    GCM(0x009D, 256, "SHA384"), /* RSA */
    GCM(0x009E, 128, "SHA256"),
    GCM(0x009F, 256, "SHA384"), /* DHE_RSA */
    GCM(0x00A2, 128, "SHA256"),
    GCM(0x00A3, 256, "SHA384"), /* DHE_DSS */
    GCM(0x00A8, 128, "SHA256"),
    GCM(0x00A9, 256, "SHA384"), /* PSK */
    GCM(0x00AA, 128, "SHA256"),
    GCM(0x00AB, 256, "SHA384"), /* DHE_PSK */
    GCM(0x00AC, 128, "SHA256"),
    GCM(0x00AD, 256, "SHA384"), /* RSA_PSK */
    GCM(0xC02B, 128, "SHA256"),
    GCM(0xC02C, 256, "SHA384"), /* ECDHE_ECDSA */
    GCM(0xC02D, 128, "SHA256"),
    GCM(0xC02E, 256, "SHA384"), /* ECDH_ECDSA */
    GCM(0xC02F, 128, "SHA256"),
    GCM(0xC030, 256, "SHA384"), /* ECDHE_RSA */
    GCM(0xC031, 128, "SHA256"),
    GCM(0xC032, 256, "SHA384"), /* ECDH_RSA */
    GCM(0xD001, 128, "SHA256"),
    GCM(0xD002, 256, "SHA384"), /* ECDHE_PSK */
    /* ChaCha20-Poly1305 (RFC 7905) */
    CHACHA(0xCCA8),
    CHACHA(0xCCA9),
    CHACHA(0xCCAA),
    CHACHA(0xCCAB),
    CHACHA(0xCCAC),
    CHACHA(0xCCAD),
    CHACHA(0xCCAE),
    /* AES-CCM (RFC 6655, 7251) */
    CCM(0xC09C, 128),
    CCM(0xC09D, 256),
    CCM(0xC09E, 128),
    CCM(0xC09F, 256),
    CCM8(0xC0A0, 128),
    CCM8(0xC0A1, 256),
    CCM8(0xC0A2, 128),
    CCM8(0xC0A3, 256),
    CCM(0xC0A4, 128),
    CCM(0xC0A5, 256),
    CCM(0xC0A6, 128),
    CCM(0xC0A7, 256),
    CCM8(0xC0A8, 128),
    CCM8(0xC0A9, 256),
    CCM8(0xC0AA, 128),
    CCM8(0xC0AB, 256),
    CCM(0xC0AC, 128),
    CCM(0xC0AD, 256),
    CCM8(0xC0AE, 128),
    CCM8(0xC0AF, 256),
    /* CBC with HMAC (RFC 5246, 4492, 5289, 4279, 5487, 5489) */
    DES3CBC(0x000A),
    DES3CBC(0x0016),
    DES3CBC(0xC008),
    DES3CBC(0xC012),
    AESCBC(0x002F, 128, "SHA1", "SHA256"),
    AESCBC(0x0035, 256, "SHA1", "SHA256"),
    AESCBC(0x0032, 128, "SHA1", "SHA256"),
    AESCBC(0x0038, 256, "SHA1", "SHA256"),
    AESCBC(0x0033, 128, "SHA1", "SHA256"),
    AESCBC(0x0039, 256, "SHA1", "SHA256"),
    AESCBC(0x003C, 128, "SHA256", "SHA256"),
    AESCBC(0x003D, 256, "SHA256", "SHA256"),
    AESCBC(0x0040, 128, "SHA256", "SHA256"),
    AESCBC(0x006A, 256, "SHA256", "SHA256"),
    AESCBC(0x0067, 128, "SHA256", "SHA256"),
    AESCBC(0x006B, 256, "SHA256", "SHA256"),
    AESCBC(0x008C, 128, "SHA1", "SHA256"),
    AESCBC(0x008D, 256, "SHA1", "SHA256"),
    AESCBC(0x00AE, 128, "SHA256", "SHA256"),
    AESCBC(0x00AF, 256, "SHA384", "SHA384"),
    AESCBC(0xC009, 128, "SHA1", "SHA256"),
    AESCBC(0xC00A, 256, "SHA1", "SHA256"),
    AESCBC(0xC013, 128, "SHA1", "SHA256"),
    AESCBC(0xC014, 256, "SHA1", "SHA256"),
    AESCBC(0xC023, 128, "SHA256", "SHA256"),
    AESCBC(0xC024, 256, "SHA384", "SHA384"),
    AESCBC(0xC027, 128, "SHA256", "SHA256"),
    AESCBC(0xC028, 256, "SHA384", "SHA384"),
    AESCBC(0xC035, 128, "SHA1", "SHA256"),
    AESCBC(0xC036, 256, "SHA1", "SHA256"),
    AESCBC(0xC037, 128, "SHA256", "SHA256"),
    AESCBC(0xC038, 256, "SHA384", "SHA384"),
    /* anonymous (DH_anon, ECDH_anon: no authentication, same record protection) */
    DES3CBC(0x001B),
    DES3CBC(0xC017),
    AESCBC(0x0034, 128, "SHA1", "SHA256"),
    AESCBC(0x003A, 256, "SHA1", "SHA256"),
    AESCBC(0x006C, 128, "SHA256", "SHA256"),
    AESCBC(0x006D, 256, "SHA256", "SHA256"),
    AESCBC(0xC018, 128, "SHA1", "SHA256"),
    AESCBC(0xC019, 256, "SHA1", "SHA256"),
    GCM(0x00A6, 128, "SHA256"),
    GCM(0x00A7, 256, "SHA384"),
    /* NULL encryption, MAC only */
    NULLMAC(0x0001, "MD5"),
    NULLMAC(0x0002, "SHA1"),
    NULLMAC(0x003B, "SHA256"),
    NULLMAC(0x002C, "SHA1"),
    NULLMAC(0x00B0, "SHA256"),
    NULLMAC(0xC006, "SHA1"),
    NULLMAC(0xC010, "SHA1"),
    NULLMAC(0xC015, "SHA1"),
};

const tlsa_suite_keys *tlsa_suite_keys_find(uint16_t suite) {
    for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
        if (suites[i].id == suite)
            return &suites[i];
    return NULL;
}

const char *tlsa_suite_hash_name(uint16_t version, uint16_t suite) {
    const tlsa_suite_keys *s = tlsa_suite_keys_find(suite);
    if (!s)
        return NULL;
    if (s->tls13 || version == 0x0303 || version == 0x0304)
        return s->prf;
    if (version == 0x0301 || version == 0x0302)
        return "MD5-SHA1";
    return NULL;
}

bool tlsa_suite_is_plain_psk(uint16_t suite) {
    /* TLS_PSK_WITH_*: RFC 4279, 5487, 6655, 7905 */
    static const uint16_t psk[] = {0x008C, 0x008D, 0x00A8, 0x00A9, 0x00AE, 0x00AF, 0xC0A4,
                                   0xC0A5, 0xC0A8, 0xC0A9, 0xCCAB, 0x002C, 0x00B0};
    for (size_t i = 0; i < sizeof psk / sizeof psk[0]; i++)
        if (psk[i] == suite)
            return true;
    return false;
}
