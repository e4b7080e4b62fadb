/* Names and classes of IANA code points, generated from ../shared/reference by
 * tools/gen-names.py (see lib/src/names_gen.c). */
#ifndef TLSAUDIT_NAMES_H
#define TLSAUDIT_NAMES_H

#include "types.h"

enum tlsa_cipher_kind {
    TLSA_CIPHER_UNKNOWN = 0,
    TLSA_CIPHER_NULL,
    TLSA_CIPHER_RC4,
    TLSA_CIPHER_DES,
    TLSA_CIPHER_3DES,
    TLSA_CIPHER_RC2,
    TLSA_CIPHER_IDEA,
    TLSA_CIPHER_SEED,
    TLSA_CIPHER_AES128,
    TLSA_CIPHER_AES256,
    TLSA_CIPHER_CAMELLIA128,
    TLSA_CIPHER_CAMELLIA256,
    TLSA_CIPHER_ARIA128,
    TLSA_CIPHER_ARIA256,
    TLSA_CIPHER_CHACHA20,
    TLSA_CIPHER_SM4,
    TLSA_CIPHER_GOST,
    TLSA_CIPHER_OTHER,
};
enum tlsa_cipher_mode {
    TLSA_MODE_NONE = 0,
    TLSA_MODE_STREAM,
    TLSA_MODE_CBC,
    TLSA_MODE_GCM,
    TLSA_MODE_CCM,
    TLSA_MODE_CCM8,
    TLSA_MODE_POLY1305,
    TLSA_MODE_OTHER,
};
enum tlsa_auth_kind {
    TLSA_AUTH_UNKNOWN = 0,
    TLSA_AUTH_RSA,
    TLSA_AUTH_DSS,
    TLSA_AUTH_ECDSA,
    TLSA_AUTH_ANON,
    TLSA_AUTH_PSK,
    TLSA_AUTH_KRB5,
    TLSA_AUTH_SRP,
    TLSA_AUTH_TLS13,
    TLSA_AUTH_NONE,
};

typedef struct tlsa_suite_info {
    uint16_t id;
    const char *name; /* IANA name, "TLS_AES_128_GCM_SHA256" */
    uint8_t kex;      /* enum tlsa_kex_kind (conn.h) */
    uint8_t auth;     /* enum tlsa_auth_kind */
    uint8_t cipher;   /* enum tlsa_cipher_kind */
    uint8_t mode;     /* enum tlsa_cipher_mode */
    const char *mac;  /* "SHA256", "SHA", "MD5", "AEAD" */
    bool export_grade;
    bool tls13;
    char recommended; /* IANA column: 'Y', 'N', 'D' or 0 */
    uint8_t name_len; /* strlen(name); names are plain ASCII, JSON-safe as they are */
} tlsa_suite_info;

/* NULL when the code point is not assigned. GREASE values return NULL. O(1). */
TLSA_API const tlsa_suite_info *tlsa_suite_lookup(uint16_t id);
/* IANA name, or "0xC0FF" style text for unknown values (static buffer per call site is NOT used:
 * unknown values get "unknown" - use tlsa_suite_str for formatting). */
TLSA_API const char *tlsa_suite_name(uint16_t id);
TLSA_API const char *tlsa_group_name(uint16_t id); /* "x25519", "secp256r1", NULL-safe "unknown" */
TLSA_API uint32_t
tlsa_group_bits(uint16_t id); /* security-relevant size: curve bits / FFDHE bits; 0 unknown */
TLSA_API bool tlsa_group_is_pq_hybrid(uint16_t id);        /* X25519MLKEM768 etc. */
TLSA_API const char *tlsa_sigscheme_name(uint16_t id);     /* "rsa_pss_rsae_sha256" */
TLSA_API const char *tlsa_extension_name(uint16_t id);     /* "server_name" */
TLSA_API const char *tlsa_alert_level_name(uint8_t level); /* "warning", "fatal", "unknown" */
TLSA_API const char *tlsa_alert_name(uint8_t desc);        /* "handshake_failure" */
TLSA_API bool tlsa_is_grease(uint16_t v);                  /* RFC 8701 */

#endif
