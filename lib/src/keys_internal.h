/* Internal API of the "Keys" feature: what the TLS layer calls to decrypt an observed handshake
 * and check its Finished (and TLS 1.3 CertificateVerify) messages. All crypto is OpenSSL 3
 * libcrypto (EVP).
 *
 * The TLS layer normally needs only the connection object (keys_conn.c, at the end of this file):
 *     tlsa_keys_conn *k = tlsa_keys_conn_new(keylog, rsa_key);      // per TCP connection
 *     for each record, in order:  tlsa_keys_conn_record(k, dir, rec, len, out, &n, &type, &st)
 *         st == TLSA_REC_CLEAR: the record as it is; DECRYPTED: out/n/type; NO_KEYS: opaque
 *     for each whole handshake message (clear or decrypted), in order:
 *         tlsa_keys_conn_message(k, dir, msg, len)
 *     then tlsa_keys_conn_finished(k, dir) -> OK / MISMATCH (handshake.finished_mismatch)
 *          tlsa_keys_conn_cert_verify(k, dir) -> OK / MISMATCH (certificate_verify_invalid)
 *
 * The pieces below it can be used on their own:
 * TLS 1.3, per direction:
 *     tlsa_tls13_dir_init(&d, suite, secret, secret_len);   // *_TRAFFIC_SECRET from the key log
 *     tlsa_tls13_open(&d, record, record_len, out, &out_len, &inner_type);  // seq++ on success
 *     tlsa_tls13_finished(suite, base_key, len, transcript_hash, hash_len, out, &out_len)
 * SSL 3.0 - TLS 1.2:
 *     pre-master: tlsa_rsa_decrypt_pms(key, cke_body, ...), or the key log's CLIENT_RANDOM master
 *     tlsa_tls12_master_secret(...)   (session_hash given = extended master secret)
 *     tlsa_tls12_keys_init(&k, version, suite, master, client_random, server_random)
 *     tlsa_tls12_open(&k.dir[TLSA_FROM_CLIENT], type, version, fragment, len, out, &out_len)
 *     tlsa_tls12_finished(version, suite, master, from_client, transcript_hash, ..., out12)
 *     (SSL 3.0 Finished: tlsa_ssl3_finished over the raw messages)
 * The transcript (transcript.c) is a running hash over whole handshake messages (4-byte header
 * included); it buffers until the hash is known (TLS <= 1.2: after ServerHello) and copies its
 * context to read intermediate hashes. */
#ifndef TLSA_KEYS_INTERNAL_H
#define TLSA_KEYS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tlsaudit/error.h"
#include "tlsaudit/keys.h"
#include "tlsaudit/types.h"

/* ---- pcapng Decryption Secrets Blocks (pcapng_dsb.c) ---- */
#define TLSA_DSB_TLS_KEYLOG 0x544c534bu
typedef tlsa_err (*tlsa_dsb_fn)(void *ud, uint32_t secrets_type, const uint8_t *data, size_t len);
/* Calls fn for every DSB of a pcapng file in memory, in file order (any secrets type). */
TLSA_WUR tlsa_err tlsa_pcapng_dsb_each(const uint8_t *buf, size_t len, tlsa_dsb_fn fn, void *ud);

/* ---- cipher suites: what decryption needs to know (keys_suite.c) ---- */
typedef enum tlsa_bulk_mode {
    TLSA_BULK_CBC,
    TLSA_BULK_GCM,
    TLSA_BULK_CCM,   /* 16-byte tag */
    TLSA_BULK_CCM_8, /* 8-byte tag */
    TLSA_BULK_CHACHA20_POLY1305,
    TLSA_BULK_NULL, /* no encryption, HMAC only */
} tlsa_bulk_mode;

typedef struct tlsa_suite_keys {
    uint16_t id;
    bool tls13;
    tlsa_bulk_mode mode;
    const char *cipher; /* OpenSSL EVP_CIPHER name */
    uint8_t key_len;
    uint8_t fixed_iv_len; /* TLS 1.3: 12; TLS 1.2 AEAD: 4 (GCM/CCM) or 12 (ChaCha); CBC: block */
    uint8_t tag_len;      /* AEAD tag; 0 for CBC */
    const char *mac;      /* CBC/NULL HMAC digest ("MD5", "SHA1", "SHA256", "SHA384"); AEAD: NULL */
    const char *prf;      /* TLS 1.2 PRF / TLS 1.3 HKDF / transcript hash: "SHA256" or "SHA384" */
} tlsa_suite_keys;

/* NULL when the suite is not decryptable here (RC4, export, NULL, unknown). */
const tlsa_suite_keys *tlsa_suite_keys_find(uint16_t suite);
/* Transcript/PRF digest name for a connection: TLS 1.2 and 1.3 the suite's, TLS 1.0/1.1
 * "MD5-SHA1". NULL for SSL 3.0 or an unknown suite. */
const char *tlsa_suite_hash_name(uint16_t version, uint16_t suite);

/* Plain PSK key exchange (TLS_PSK_WITH_*), whose pre-master comes from the PSK alone. */
bool tlsa_suite_is_plain_psk(uint16_t suite);

/* ---- AEAD open (aead.c) ---- */
/* Decrypts and authenticates ct (tag appended) into out (ct_len - tag_len bytes). */
TLSA_WUR tlsa_err tlsa_aead_open(const tlsa_suite_keys *s, const uint8_t *key,
                                 const uint8_t nonce[12], const uint8_t *aad, size_t aad_len,
                                 const uint8_t *ct, size_t ct_len, uint8_t *out);

/* ---- transcript hash (transcript.c) ---- */
#define TLSA_TRANSCRIPT_MAX_BUFFER (1u << 20) /* bytes held while the hash is unknown */
typedef struct tlsa_transcript {
    void *ctx;        /* EVP_MD_CTX *, NULL until the hash is chosen */
    uint8_t *pending; /* messages seen before the hash is chosen */
    size_t pending_len, pending_cap;
} tlsa_transcript;

void tlsa_transcript_init(tlsa_transcript *t);
void tlsa_transcript_free(tlsa_transcript *t);
/* Chooses the hash by OpenSSL name ("SHA256", "SHA384", "MD5-SHA1") and hashes what was buffered.
 * TLSA_E_UNSUPPORTED_CIPHER for an unknown name; TLSA_E_INVALID_ARGUMENT when already chosen. */
TLSA_WUR tlsa_err tlsa_transcript_set_hash(tlsa_transcript *t, const char *md_name);
/* Adds one whole handshake message (type, 24-bit length, body). */
TLSA_WUR tlsa_err tlsa_transcript_add(tlsa_transcript *t, const uint8_t *msg, size_t len);
/* The hash of everything added so far (the running state is kept). out needs 64 bytes. */
TLSA_WUR tlsa_err tlsa_transcript_hash(const tlsa_transcript *t, uint8_t *out, size_t *out_len);
/* TLS 1.3 HelloRetryRequest: replaces ClientHello1 with message_hash (RFC 8446 §4.4.1). */
TLSA_WUR tlsa_err tlsa_transcript_hrr(tlsa_transcript *t);

/* ---- TLS 1.3 (tls13_keys.c) ---- */
/* HKDF-Expand-Label(secret, "tls13 " + label, context, out_len) with the named digest. */
TLSA_WUR tlsa_err tlsa_tls13_expand_label(const char *md_name, const uint8_t *secret,
                                          size_t secret_len, const char *label,
                                          const uint8_t *context, size_t context_len, uint8_t *out,
                                          size_t out_len);

/* One direction's record protection. */
typedef struct tlsa_tls13_dir {
    const tlsa_suite_keys *suite;
    uint8_t key[32];
    uint8_t iv[12];
    uint64_t seq;      /* next record's sequence number */
    bool draft_no_aad; /* drafts before -25 used no additional data; set after init */
} tlsa_tls13_dir;

/* Derives key and iv ("tls13 key", "tls13 iv") from a traffic secret; seq = 0. */
TLSA_WUR tlsa_err tlsa_tls13_dir_init(tlsa_tls13_dir *d, uint16_t suite, const uint8_t *secret,
                                      size_t secret_len);
/* Decrypts one whole TLSCiphertext record (5-byte header + encrypted_record; the header is the
 * additional data). out receives the TLSInnerPlaintext content without padding (capacity: the
 * record length); *inner_type the real content type. On success seq is incremented; on failure
 * it is not (TLSA_E_DECRYPT_FAILED, or TLSA_E_BAD_VALUE for an all-zero plaintext). */
TLSA_WUR tlsa_err tlsa_tls13_open(tlsa_tls13_dir *d, const uint8_t *record, size_t record_len,
                                  uint8_t *out, size_t *out_len, uint8_t *inner_type);
/* Finished verify_data = HMAC(HKDF-Expand-Label(base_key, "finished", "", Hash.length),
 * transcript_hash). out needs 64 bytes. */
TLSA_WUR tlsa_err tlsa_tls13_finished(uint16_t suite, const uint8_t *base_key, size_t key_len,
                                      const uint8_t *transcript_hash, size_t hash_len, uint8_t *out,
                                      size_t *out_len);

/* ---- TLS 1.0 - 1.2 (tls12_keys.c) ---- */
#define TLSA_SSL3 0x0300
#define TLSA_TLS10 0x0301
#define TLSA_TLS11 0x0302
#define TLSA_TLS12 0x0303

/* PRF(secret, label, seed) for the version/suite (TLS 1.2: P_<suite hash>; 1.0/1.1: MD5+SHA1;
 * SSL 3.0 has none: TLSA_E_UNSUPPORTED_CIPHER). */
TLSA_WUR tlsa_err tlsa_tls12_prf(uint16_t version, uint16_t suite, const uint8_t *secret,
                                 size_t secret_len, const char *label, const uint8_t *seed1,
                                 size_t seed1_len, const uint8_t *seed2, size_t seed2_len,
                                 uint8_t *out, size_t out_len);
/* master_secret = PRF(pms, "master secret", client_random + server_random), or with
 * session_hash (non-NULL) PRF(pms, "extended master secret", session_hash) (RFC 7627).
 * SSL 3.0: tlsa_ssl3_master_secret. */
TLSA_WUR tlsa_err tlsa_tls12_master_secret(uint16_t version, uint16_t suite, const uint8_t *pms,
                                           size_t pms_len, const uint8_t client_random[32],
                                           const uint8_t server_random[32],
                                           const uint8_t *session_hash, size_t session_hash_len,
                                           uint8_t master[48]);

/* One direction's record protection. */
typedef struct tlsa_tls12_dir {
    const tlsa_suite_keys *suite;
    uint16_t version;
    uint8_t mac_key[48];
    uint8_t key[32];
    uint8_t iv[16]; /* AEAD: fixed (salt) part; CBC TLS 1.0: running IV (last ciphertext block) */
    uint64_t seq;
    bool etm; /* encrypt_then_mac negotiated (RFC 7366; CBC only); set after keys_init */
} tlsa_tls12_dir;

typedef struct tlsa_tls12_keys {
    tlsa_tls12_dir dir[2]; /* indexed by tlsa_dir: [TLSA_FROM_CLIENT], [TLSA_FROM_SERVER] */
} tlsa_tls12_keys;

/* key_block = PRF(master, "key expansion", server_random + client_random), split into
 * client/server MAC keys, keys and IVs. TLSA_E_UNSUPPORTED_CIPHER for an unknown suite or SSL 3.0.
 */
TLSA_WUR tlsa_err tlsa_tls12_keys_init(tlsa_tls12_keys *k, uint16_t version, uint16_t suite,
                                       const uint8_t master[48], const uint8_t client_random[32],
                                       const uint8_t server_random[32]);
/* Decrypts one record fragment (the bytes after the 5-byte header) of the given content type
 * and record version, checks the tag or the MAC (and CBC padding), and writes the plaintext to
 * out (capacity: len). On success seq is incremented (and the TLS 1.0 CBC IV chained). */
TLSA_WUR tlsa_err tlsa_tls12_open(tlsa_tls12_dir *d, uint8_t content_type, uint16_t record_version,
                                  const uint8_t *fragment, size_t len, uint8_t *out,
                                  size_t *out_len);
/* Steps over a record that did not decrypt (damaged in the capture), so that later records stay
 * in step: seq++, and the TLS 1.0 CBC IV chained from the fragment's last block. */
void tlsa_tls12_skip(tlsa_tls12_dir *d, const uint8_t *fragment, size_t len);
/* verify_data = PRF(master, "client finished" | "server finished", transcript_hash)[0..11].
 * transcript_hash is Hash(handshake_messages) with the connection's transcript hash
 * (tlsa_suite_hash_name). SSL 3.0: TLSA_E_UNSUPPORTED_CIPHER, see tlsa_ssl3_finished. */
TLSA_WUR tlsa_err tlsa_tls12_finished(uint16_t version, uint16_t suite, const uint8_t master[48],
                                      bool from_client, const uint8_t *transcript_hash,
                                      size_t hash_len, uint8_t out[12]);

/* ---- SSL 3.0 (ssl3_keys.c): no PRF; MD5/SHA-1 constructions ---- */
TLSA_WUR tlsa_err tlsa_ssl3_master_secret(const uint8_t *pms, size_t pms_len, const uint8_t cr[32],
                                          const uint8_t sr[32], uint8_t master[48]);
TLSA_WUR tlsa_err tlsa_ssl3_key_block(const uint8_t master[48], const uint8_t cr[32],
                                      const uint8_t sr[32], uint8_t *out, size_t out_len);
/* The SSL 3.0 record MAC ("MD5" or "SHA1"); out needs 20 bytes. */
TLSA_WUR tlsa_err tlsa_ssl3_mac(const char *md_name, const uint8_t *secret, uint64_t seq,
                                uint8_t type, const uint8_t *content, size_t len, uint8_t *out);
/* Finished (36 bytes: MD5 part + SHA part) over the raw handshake messages, as SSL 3.0 hashes
 * them with the sender and master secret appended (the transcript keeps them buffered: SSL 3.0
 * has no transcript hash to choose). */
TLSA_WUR tlsa_err tlsa_ssl3_finished(const uint8_t *msgs, size_t len, const uint8_t master[48],
                                     bool from_client, uint8_t out[36]);

/* ---- TLS 1.3 CertificateVerify (keys_cv.c) ---- */
/* The public key (EVP_PKEY *) of the first certificate of a TLS 1.3 Certificate message; NULL
 * with TLSA_E_OK for an empty list. Free with tlsa_tls13_leaf_key_free. */
TLSA_WUR tlsa_err tlsa_tls13_leaf_key(const uint8_t *msg, size_t len, void **pkey);
void tlsa_tls13_leaf_key_free(void *pkey);
/* Checks a whole CertificateVerify message against Transcript-Hash(ClientHello..Certificate).
 * *valid is false for a bad signature, a scheme TLS 1.3 forbids, or a key that does not fit it;
 * errors are for a malformed message only. */
TLSA_WUR tlsa_err tlsa_tls13_cert_verify(const void *pkey, bool from_server, const uint8_t *msg,
                                         size_t len, const uint8_t *transcript_hash,
                                         size_t hash_len, bool *valid);

/* ---- RSA key exchange (rsa_key.c) ---- */
/* Decrypts the EncryptedPreMasterSecret of an RSA ClientKeyExchange body (TLS: with its 2-byte
 * length; SSL 3.0: without) with PKCS#1 v1.5. The result must be 48 bytes. *version_ok tells
 * whether its first two bytes equal client_version (checked leniently: a mismatch is reported,
 * not an error, as many clients got it wrong). TLSA_E_DECRYPT_FAILED when the padding is bad. */
TLSA_WUR tlsa_err tlsa_rsa_decrypt_pms(const tlsa_rsa_key *key, const uint8_t *cke_body, size_t len,
                                       uint16_t client_version, uint8_t pms[48], bool *version_ok);

/* ---- hello fields the key schedule needs (keys_hello.c) ---- */
typedef struct tlsa_keys_hello {
    uint8_t type; /* 1 ClientHello, 2 ServerHello, 8 EncryptedExtensions */
    uint16_t legacy_version;
    uint8_t random[32];
    uint16_t suite;            /* ServerHello */
    uint16_t selected_version; /* ServerHello supported_versions; 0 if absent */
    bool ems;                  /* extended_master_secret present */
    bool etm;                  /* encrypt_then_mac present */
    bool early_data;           /* early_data present */
    bool hrr;                  /* ServerHello with the HelloRetryRequest random */
    uint8_t session_id[32];
    uint8_t session_id_len;
    const uint8_t *ticket; /* ClientHello SessionTicket extension data (into msg); NULL if absent */
    size_t ticket_len;
} tlsa_keys_hello;
/* Parses a whole ClientHello, ServerHello or EncryptedExtensions (4-byte header included). */
TLSA_WUR tlsa_err tlsa_keys_hello_parse(const uint8_t *msg, size_t len, tlsa_keys_hello *h);

/* ---- one observed connection (keys_conn.c): what the TLS layer calls ----
 * Feed every record as it is seen (tlsa_keys_conn_record) and every handshake message once it is
 * whole, in order, plaintext or decrypted (tlsa_keys_conn_message). The connection picks the
 * version and suite from the hellos, finds secrets in the key log (by ClientHello.random) or
 * decrypts the RSA pre-master with the server key, switches keys at ChangeCipherSpec (TLS <= 1.2)
 * or at the TLS 1.3 key changes (early data, handshake, application), and checks each Finished. */
typedef enum tlsa_rec_state {
    TLSA_REC_CLEAR,     /* not protected: use the record as it is */
    TLSA_REC_DECRYPTED, /* out holds the plaintext; *inner_type its content type */
    TLSA_REC_NO_KEYS,   /* protected, and no keys for it */
} tlsa_rec_state;

typedef enum tlsa_fin_state {
    TLSA_FIN_UNKNOWN,  /* not seen, or no keys to check it */
    TLSA_FIN_OK,       /* verify_data matches the transcript */
    TLSA_FIN_MISMATCH, /* handshake.finished_mismatch */
} tlsa_fin_state;

typedef struct tlsa_keys_conn tlsa_keys_conn;

/* kl and rsa may be NULL; both must outlive the connection. */
tlsa_keys_conn *tlsa_keys_conn_new(tlsa_keylog *kl, const tlsa_rsa_key *rsa);
void tlsa_keys_conn_free(tlsa_keys_conn *c);
/* A pre-shared key for plain PSK suites (RFC 4279 §2: the pre-master is
 * uint16 N, N zero bytes, uint16 N, psk). Copied; at most TLSA_PSK_MAX bytes. */
#define TLSA_PSK_MAX 64
TLSA_WUR tlsa_err tlsa_keys_conn_set_psk(tlsa_keys_conn *c, const uint8_t *psk, size_t len);
/* One whole TLS record (5-byte header + fragment) sent by dir. out needs record_len bytes.
 * Errors: TLSA_E_DECRYPT_FAILED (wrong keys or damaged record; the sequence number still
 * advances so later records stay in step),
 * TLSA_E_TRUNCATED / TLSA_E_RECORD_TOO_LONG / ... for a malformed record. */
TLSA_WUR tlsa_err tlsa_keys_conn_record(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *record,
                                        size_t record_len, uint8_t *out, size_t *out_len,
                                        uint8_t *inner_type, tlsa_rec_state *state);
/* An SSLv2-compatible ClientHello (RFC 5246 E.2), given as the message after the 2-byte SSLv2
 * record header (msg_type 1, version, lengths, cipher_specs, session_id, challenge). It enters
 * the transcript as is; the client random is the challenge, left-padded with zeros to 32 bytes. */
TLSA_WUR tlsa_err tlsa_keys_conn_sslv2_hello(tlsa_keys_conn *c, const uint8_t *msg, size_t len);
/* Steps over one protected record without decrypting it (application data the caller does not
 * want to read): only the sequence number (and the TLS 1.0 CBC IV) advance. Records that are not
 * protected, or for which there are no keys, are ignored. A ChangeCipherSpec or a record that may
 * carry a key change (TLS 1.3 handshake data) must go through tlsa_keys_conn_record instead. */
void tlsa_keys_conn_skip(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *record, size_t record_len);
/* One whole handshake message (4-byte header + body) sent by dir. Malformed hellos return their
 * parse error and leave the connection without keys. */
TLSA_WUR tlsa_err tlsa_keys_conn_message(tlsa_keys_conn *c, tlsa_dir dir, const uint8_t *msg,
                                         size_t len);
/* The Finished check for the Finished sent by dir (a mismatch in any handshake stays). */
tlsa_fin_state tlsa_keys_conn_finished(const tlsa_keys_conn *c, tlsa_dir dir);
/* TLS 1.3: the check of the CertificateVerify sent by dir against the leaf certificate that dir
 * sent (TLSA_FIN_MISMATCH: handshake.certificate_verify_invalid). */
tlsa_fin_state tlsa_keys_conn_cert_verify(const tlsa_keys_conn *c, tlsa_dir dir);
/* Finished messages that matched their transcript, over all handshakes (renegotiations). */
unsigned tlsa_keys_conn_verified(const tlsa_keys_conn *c);
/* TLS <= 1.2 resumption across connections: copies the session (session id, ticket, master
 * secret) that prev last established, so c can resume it with an abbreviated handshake. Within
 * one connection (renegotiation) this happens by itself. */
void tlsa_keys_conn_resume_from(tlsa_keys_conn *c, const tlsa_keys_conn *prev);
/* TLS <= 1.2 resumption across connections of one input: the sessions connections established
 * (session id, ticket hash, master secret), kept in a ring of the last TLSA_SESSION_CACHE. */
typedef struct tlsa_keys_session {
    bool has_ticket;
    uint8_t id_len;
    uint8_t id[32], ticket[32]; /* ticket: SHA-256 of the ticket */
    uint8_t master[48];
    uint16_t version, suite;
} tlsa_keys_session;
#define TLSA_SESSION_CACHE 1024
typedef struct tlsa_session_cache {
    tlsa_keys_session v[TLSA_SESSION_CACHE];
    size_t n, next;
} tlsa_session_cache;
/* The session c established or resumed last; false when none. */
bool tlsa_keys_conn_session(const tlsa_keys_conn *c, tlsa_keys_session *out);
/* After the ClientHello: takes the cached session it offers (by ticket or session id), if any,
 * so that an abbreviated handshake can be decrypted. */
void tlsa_keys_conn_resume_match(tlsa_keys_conn *c, const tlsa_session_cache *sc);
/* Adds a session, replacing one with the same id or ticket, else the oldest once full. */
void tlsa_session_cache_put(tlsa_session_cache *sc, const tlsa_keys_session *s);
/* Whether records sent by dir are being decrypted now. */
bool tlsa_keys_conn_decrypting(const tlsa_keys_conn *c, tlsa_dir dir);
/* Where the pre-master secret of the last ClientKeyExchange came from. */
enum tlsa_pms_source { TLSA_PMS_NONE, TLSA_PMS_PSK, TLSA_PMS_KEYLOG_RSA, TLSA_PMS_SERVER_KEY };
int tlsa_keys_conn_pms_source(const tlsa_keys_conn *c);
/* Negotiated version and suite (0 until ServerHello). */
uint16_t tlsa_keys_conn_version(const tlsa_keys_conn *c);
uint16_t tlsa_keys_conn_suite(const tlsa_keys_conn *c);

#endif
