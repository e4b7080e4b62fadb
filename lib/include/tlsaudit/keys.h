/* Key material for decrypting observed handshakes: an NSS key log (SSLKEYLOGFILE lines, from a
 * file, a buffer, or the Decryption Secrets Blocks of a pcapng file) and RSA private keys.
 *
 * Key log lines are "LABEL <hex id> <hex secret>"; the id is the ClientHello.random (32 bytes),
 * except for RSA lines, whose id is the first 8 bytes of the encrypted pre-master secret. Bad
 * lines are counted and remembered with their line number, never fatal. Lookups are O(1); every
 * entry remembers whether a connection used it, so entries that matched nothing can be reported
 * once at the end. */
#ifndef TLSAUDIT_KEYS_H
#define TLSAUDIT_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"
#include "export.h"

typedef enum tlsa_key_label {
    TLSA_KEY_CLIENT_RANDOM,                   /* TLS <= 1.2 master secret (48 bytes) */
    TLSA_KEY_CLIENT_EARLY_TRAFFIC_SECRET,     /* TLS 1.3 */
    TLSA_KEY_CLIENT_HANDSHAKE_TRAFFIC_SECRET, /* TLS 1.3 */
    TLSA_KEY_SERVER_HANDSHAKE_TRAFFIC_SECRET, /* TLS 1.3 */
    TLSA_KEY_CLIENT_TRAFFIC_SECRET_0,         /* TLS 1.3 */
    TLSA_KEY_SERVER_TRAFFIC_SECRET_0,         /* TLS 1.3 */
    TLSA_KEY_EARLY_EXPORTER_SECRET,           /* TLS 1.3 */
    TLSA_KEY_EXPORTER_SECRET,                 /* TLS 1.3 */
    TLSA_KEY_RSA, /* id: first 8 bytes of EncryptedPreMasterSecret; secret: pre-master (48) */
    TLSA_KEY__COUNT
} tlsa_key_label;

#define TLSA_KEY_ID_MAX 32
#define TLSA_KEY_SECRET_MAX 64
/* Bad lines remembered with their position (all are counted). */
#define TLSA_KEYLOG_BAD_KEPT 64

/* The key log text label ("CLIENT_RANDOM", ...); "?" for an unknown value. */
TLSA_API const char *tlsa_key_label_name(tlsa_key_label label);

typedef struct tlsa_keylog tlsa_keylog;

/* One entry, as a view into the key log (valid until the key log is freed or added to). */
typedef struct tlsa_key_entry {
    tlsa_key_label label;
    const uint8_t *id;
    size_t id_len;
    const uint8_t *secret;
    size_t secret_len;
    const char *source; /* file name or "pcapng DSB" given when the line was added */
    uint32_t line;      /* 1-based line number within that source */
} tlsa_key_entry;

/* A line that was not understood. */
typedef struct tlsa_keylog_bad {
    const char *source;
    uint32_t line;
    const char *reason; /* static sentence, e.g. "secret is not hex" */
} tlsa_keylog_bad;

TLSA_API tlsa_keylog *tlsa_keylog_new(void);
TLSA_API void tlsa_keylog_free(tlsa_keylog *kl);

/* Adds the lines of a key log text (need not be NUL-terminated; LF or CRLF). source names it in
 * reports (copied). Comments (#) and blank lines are skipped; unknown labels and malformed lines
 * are counted as bad and parsing continues. A second line with the same label and id is a
 * duplicate: the first one is kept. Fails only on TLSA_E_NO_MEMORY / TLSA_E_INVALID_ARGUMENT. */
TLSA_API TLSA_WUR tlsa_err tlsa_keylog_add_text(tlsa_keylog *kl, const char *source,
                                                const char *text, size_t len);
/* Reads a key log file (TLSA_E_IO if it cannot be read). */
TLSA_API TLSA_WUR tlsa_err tlsa_keylog_load_file(tlsa_keylog *kl, const char *path);
/* Adds the TLS key log Decryption Secrets Blocks of a pcapng file held in memory / on disk.
 * *n_dsb (may be NULL) receives the number of TLS key log DSBs found. Not a pcapng file:
 * TLSA_E_BAD_VALUE. A damaged block: TLSA_E_TRUNCATED / TLSA_E_BAD_LENGTH (the DSBs before it
 * are kept). Other secrets types (WireGuard, ...) are skipped. */
TLSA_API TLSA_WUR tlsa_err tlsa_keylog_add_pcapng(tlsa_keylog *kl, const uint8_t *buf, size_t len,
                                                  size_t *n_dsb);
TLSA_API TLSA_WUR tlsa_err tlsa_keylog_load_pcapng(tlsa_keylog *kl, const char *path,
                                                   size_t *n_dsb);

/* Counts. */
TLSA_API size_t tlsa_keylog_size(const tlsa_keylog *kl);
TLSA_API size_t tlsa_keylog_count(const tlsa_keylog *kl, tlsa_key_label label);
TLSA_API size_t tlsa_keylog_duplicates(const tlsa_keylog *kl);
TLSA_API size_t tlsa_keylog_bad_count(const tlsa_keylog *kl);
/* The i-th remembered bad line (i < min(bad_count, TLSA_KEYLOG_BAD_KEPT)); NULL otherwise. */
TLSA_API const tlsa_keylog_bad *tlsa_keylog_bad_at(const tlsa_keylog *kl, size_t i);

/* Finds the secret for (label, id). Marks the entry used. Returns 1 and fills *out when found,
 * 0 otherwise. */
TLSA_API int tlsa_keylog_find(tlsa_keylog *kl, tlsa_key_label label, const uint8_t *id,
                              size_t id_len, tlsa_key_entry *out);
/* Whether any entry has this id (client random) under any TLS 1.3 or CLIENT_RANDOM label. */
TLSA_API int tlsa_keylog_has_random(const tlsa_keylog *kl, const uint8_t random[32]);

/* Lookups that find nothing in kl go on to fallback (may be NULL; not owned; must outlive kl):
 * e.g. a capture file's own Decryption Secrets Blocks in front of the --keylog file, so that
 * each key is marked used in the key log it came from. */
TLSA_API void tlsa_keylog_set_fallback(tlsa_keylog *kl, tlsa_keylog *fallback);

/* Calls fn for every entry that matched no connection and was not yet reported, then marks them
 * reported, so each unused key is reported once. An entry matched when tlsa_keylog_find found it
 * or another secret of the same client random. Returns the number reported. */
typedef void (*tlsa_key_entry_fn)(void *ud, const tlsa_key_entry *e);
TLSA_API size_t tlsa_keylog_report_unused(tlsa_keylog *kl, tlsa_key_entry_fn fn, void *ud);

/* RSA private keys (PEM: PKCS#8, encrypted PKCS#8, PKCS#1 "RSA PRIVATE KEY"; or DER). */
typedef struct tlsa_rsa_key tlsa_rsa_key;
/* password may be NULL. TLSA_E_IO: unreadable; TLSA_E_BAD_KEY_FILE: not an RSA private key. */
TLSA_API TLSA_WUR tlsa_err tlsa_rsa_key_load_file(const char *path, const char *password,
                                                  tlsa_rsa_key **out);
TLSA_API TLSA_WUR tlsa_err tlsa_rsa_key_load_mem(const uint8_t *buf, size_t len,
                                                 const char *password, tlsa_rsa_key **out);
/* Modulus size in bits. */
TLSA_API unsigned tlsa_rsa_key_bits(const tlsa_rsa_key *k);
TLSA_API void tlsa_rsa_key_free(tlsa_rsa_key *k);

#endif
