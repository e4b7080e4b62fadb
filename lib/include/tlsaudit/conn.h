/* The connection record: everything observed about one TLS connection (one TCP connection that
 * carried TLS). Produced by the engine (engine.h), completed by the audit (audit.h), rendered by
 * the faces. All pointers are owned by the record and freed by the engine after the callback. */
#ifndef TLSAUDIT_CONN_H
#define TLSAUDIT_CONN_H

#include "cert.h"
#include "finding.h"
#include "types.h"

/* Handshake message types (RFC 8446 §4, RFC 5246 §7.4, RFC 6066, RFC 8879). */
enum {
    TLSA_HS_HELLO_REQUEST = 0,
    TLSA_HS_CLIENT_HELLO = 1,
    TLSA_HS_SERVER_HELLO = 2,
    TLSA_HS_HELLO_VERIFY_REQUEST = 3,
    TLSA_HS_NEW_SESSION_TICKET = 4,
    TLSA_HS_END_OF_EARLY_DATA = 5,
    TLSA_HS_HELLO_RETRY_REQUEST = 6, /* pseudo type: a ServerHello carrying the HRR random */
    TLSA_HS_ENCRYPTED_EXTENSIONS = 8,
    TLSA_HS_CERTIFICATE = 11,
    TLSA_HS_SERVER_KEY_EXCHANGE = 12,
    TLSA_HS_CERTIFICATE_REQUEST = 13,
    TLSA_HS_SERVER_HELLO_DONE = 14,
    TLSA_HS_CERTIFICATE_VERIFY = 15,
    TLSA_HS_CLIENT_KEY_EXCHANGE = 16,
    TLSA_HS_FINISHED = 20,
    TLSA_HS_CERTIFICATE_URL = 21,
    TLSA_HS_CERTIFICATE_STATUS = 22,
    TLSA_HS_KEY_UPDATE = 24,
    TLSA_HS_COMPRESSED_CERTIFICATE = 25,
    TLSA_HS_MESSAGE_HASH = 254,
    TLSA_HS_UNKNOWN = 255, /* an encrypted handshake record whose type is not visible */
};

/* Record content types. */
enum {
    TLSA_CT_CHANGE_CIPHER_SPEC = 20,
    TLSA_CT_ALERT = 21,
    TLSA_CT_HANDSHAKE = 22,
    TLSA_CT_APPLICATION_DATA = 23,
    TLSA_CT_HEARTBEAT = 24,
};

/* Protocol versions as on the wire. */
enum {
    TLSA_V_SSL2 = 0x0002,
    TLSA_V_SSL3 = 0x0300,
    TLSA_V_TLS10 = 0x0301,
    TLSA_V_TLS11 = 0x0302,
    TLSA_V_TLS12 = 0x0303,
    TLSA_V_TLS13 = 0x0304,
};

/* One handshake message (or handshake-level event) placed on a step of design §2. */
typedef struct tlsa_step {
    uint8_t step;       /* 1..9 */
    uint8_t who;        /* tlsa_dir of the sender */
    uint8_t msg_type;   /* TLSA_HS_* */
    bool encrypted;     /* seen only as ciphertext */
    bool decrypted;     /* protected on the wire, decrypted with keys (encrypted is false) */
    uint16_t handshake; /* 0 = initial handshake, 1.. = renegotiations */
    uint32_t length;    /* message body length (ciphertext length when encrypted) */
    uint64_t frame;     /* frame in which the message's last byte arrived */
    tlsa_time ts;
    /* Offsets of the message (header included) in its direction's TCP byte stream, counted from
     * the first byte the engine saw in that direction. Lets a face highlight bytes. */
    uint64_t stream_start, stream_end;
    char note[96]; /* short plain-language addition, e.g. "ECDHE x25519 public key (32 bytes)" */
} tlsa_step;

typedef struct tlsa_step_list {
    tlsa_step *v;
    uint32_t n;
    uint32_t dropped; /* steps not kept because of the limit */
} tlsa_step_list;

typedef struct tlsa_client_hello {
    bool present;
    bool sslv2_format; /* SSLv2-compatible ClientHello */
    uint64_t frame;
    uint16_t legacy_version;
    uint8_t random[32];
    tlsa_blob session_id;
    tlsa_u16_list suites;     /* in offered order, GREASE included */
    tlsa_blob compression;    /* compression method bytes */
    tlsa_u16_list extensions; /* extension types in wire order */
    tlsa_u16_list versions;   /* supported_versions */
    tlsa_u16_list groups;     /* supported_groups */
    tlsa_u16_list key_shares; /* groups of key_share entries */
    tlsa_u16_list sig_algs;   /* signature_algorithms */
    tlsa_blob sni;            /* first host_name of server_name */
    tlsa_blob_list alpn;      /* offered protocols */
    uint32_t ticket_len;      /* session_ticket extension data length (>0: resumption attempt) */
    uint8_t heartbeat_mode;   /* 0 absent, 1 peer_allowed_to_send, 2 peer_not_allowed_to_send */
    uint8_t psk_modes;        /* bit 0 psk_ke, bit 1 psk_dhe_ke */
    uint32_t psk_identities;  /* number of pre_shared_key identities */
} tlsa_client_hello;

typedef struct tlsa_server_hello {
    bool present;
    uint64_t frame;
    uint16_t legacy_version;
    uint16_t version; /* supported_versions when present, else legacy_version */
    uint8_t random[32];
    tlsa_blob session_id;
    uint16_t suite;
    uint8_t compression;
    tlsa_u16_list extensions;
    uint16_t key_share_group; /* TLS 1.3 selected group */
    bool psk_selected;        /* TLS 1.3 pre_shared_key present */
    tlsa_blob alpn;           /* selected protocol */
    uint8_t heartbeat_mode;
    uint8_t downgrade;  /* 0, or 12 / 11: RFC 8446 sentinel for TLS 1.2 / ≤ 1.1 */
    bool hrr;           /* a HelloRetryRequest was seen before this ServerHello */
    uint16_t hrr_group; /* group the HRR asked for */
} tlsa_server_hello;

enum tlsa_kex_kind {
    TLSA_KEX_UNKNOWN = 0,
    TLSA_KEX_RSA, /* static RSA: pre-master encrypted to the certificate key */
    TLSA_KEX_DHE,
    TLSA_KEX_ECDHE,
    TLSA_KEX_DH,   /* static DH */
    TLSA_KEX_ECDH, /* static ECDH */
    TLSA_KEX_PSK,
    TLSA_KEX_DHE_PSK,
    TLSA_KEX_ECDHE_PSK,
    TLSA_KEX_RSA_PSK,
    TLSA_KEX_SRP,
    TLSA_KEX_TLS13, /* (EC)DHE via key_share, or PSK in TLS 1.3 */
    TLSA_KEX_NONE,  /* resumed: no key exchange */
};

typedef struct tlsa_kex {
    uint8_t kind;            /* enum tlsa_kex_kind */
    uint16_t group;          /* ECDHE named group, TLS 1.3 key share group */
    uint32_t dh_bits;        /* DHE prime size in bits */
    tlsa_blob dh_p;          /* DHE prime */
    tlsa_blob dh_g;          /* DHE generator */
    uint16_t ske_sig_scheme; /* ServerKeyExchange signature scheme (TLS 1.2), 0 when none */
    uint16_t cv_sig_scheme;  /* client CertificateVerify signature scheme (TLS 1.2/1.3) */
    uint32_t public_len;     /* server ephemeral public value length */
    uint32_t cke_len;        /* ClientKeyExchange exchange-key length */
} tlsa_kex;

typedef struct tlsa_alert {
    uint64_t frame;
    uint8_t sender; /* tlsa_dir */
    bool encrypted; /* level/description unknown */
    uint8_t level;  /* 1 warning, 2 fatal */
    uint8_t description;
    uint8_t step; /* the step at which it arrived */
} tlsa_alert;

/* A malformed structure or transport anomaly, kept as evidence for proto.malformed/incomplete. */
typedef struct tlsa_problem {
    uint64_t frame;
    uint8_t dir;
    uint16_t err; /* tlsa_err */
    char what[96];
} tlsa_problem;

typedef struct tlsa_dir_stats {
    uint64_t bytes; /* TCP payload bytes delivered in order */
    uint32_t records;
    uint32_t encrypted_records;
    uint64_t app_data_bytes; /* ApplicationData record payload bytes */
    uint32_t app_data_records;
    uint32_t gaps; /* holes in the stream (loss, snaplen truncation) */
    uint64_t gap_bytes;
    uint32_t retransmissions;
    uint32_t overlaps_conflicting; /* overlapping segments whose bytes differed */
    uint32_t out_of_order;
    bool ccs_seen; /* ChangeCipherSpec sent (TLS ≤ 1.2) */
    bool finished_seen;
} tlsa_dir_stats;

enum tlsa_end_reason {
    TLSA_END_EOF = 0,
    TLSA_END_FIN,
    TLSA_END_RST,
    TLSA_END_IDLE,
    TLSA_END_EVICTED,
};

typedef struct tlsa_conn {
    uint32_t index; /* index of the TLS connection in its input, from 0, in first-frame order */
    tlsa_endpoint client, server;
    bool roles_guessed; /* neither SYN nor hello told who is the client */
    bool mid_stream;    /* no SYN seen */
    uint64_t first_frame, last_frame;
    tlsa_time first_ts, last_ts;
    uint64_t prelude_bytes; /* plaintext before TLS (STARTTLS) in the client direction */

    uint16_t version; /* negotiated version, 0 unknown */
    uint16_t suite;   /* selected cipher suite, 0xFFFF... none: see has_suite */
    bool has_suite;
    bool resumed;  /* abbreviated handshake / PSK */
    bool complete; /* both Finished seen (or encrypted equivalents) */
    bool client_auth_requested;
    bool early_data; /* TLS 1.3 0-RTT data seen or accepted */
    bool heartbleed; /* heartbeat request longer than its record */
    uint64_t heartbleed_frame;
    uint8_t end_reason;  /* enum tlsa_end_reason */
    uint8_t last_step;   /* the last step reached */
    uint16_t handshakes; /* 1 + renegotiations seen */

    tlsa_client_hello ch;
    tlsa_server_hello sh;
    tlsa_kex kex;
    tlsa_blob_list server_chain; /* DER, in the order sent */
    tlsa_blob_list client_chain;
    uint64_t server_chain_frame, client_chain_frame;
    tlsa_time server_chain_ts;

    tlsa_step_list steps;
    tlsa_alert *alerts;
    uint32_t n_alerts;
    tlsa_problem *problems;
    uint32_t n_problems;
    tlsa_dir_stats dir[2]; /* indexed by tlsa_dir */

    /* With keys (engine.h keylog / rsa_key). */
    uint8_t decrypted;         /* 0 nothing, 1 protected handshake records were decrypted */
    uint8_t finished_check[2]; /* by tlsa_dir: 0 not checked, 1 verified, 2 mismatch */
    uint8_t cv_check;          /* TLS 1.3 server CertificateVerify: 0 not checked, 1 valid, 2 bad */
    uint16_t finished_verified; /* Finished messages that matched, over all handshakes */
    bool pms_decrypted;         /* step 6 redone: RSA pre-master secret decrypted with the key */
    bool keys_given;            /* keys were configured for this connection */
    char keys_note[96]; /* why nothing was decrypted, e.g. "no key for this client random" */

    /* Filled by the audit (audit.h) before the faces see the record. */
    tlsa_cert_info *server_certs; /* server_chain.n entries */
    tlsa_cert_info *client_certs;
    char chain_verdict[160]; /* "verified to CN=…" or the reason it did not verify */
    tlsa_finding *findings;
    uint32_t n_findings;
} tlsa_conn;

/* Ownership. The engine frees its records when on_conn returns; tlsa_conn_move moves one into
 * storage the caller owns (*src is left empty, so nothing is freed twice), e.g. to audit and
 * render it on another thread. tlsa_conn_free_contents releases everything a record owns (the
 * struct itself is the caller's) and leaves it empty. */
TLSA_API void tlsa_conn_move(tlsa_conn *dst, tlsa_conn *src);
TLSA_API void tlsa_conn_free_contents(tlsa_conn *c);

/* Names for display. Never NULL. */
/* TLS 1.3, final (0x0304) or a draft (0x7fNN): the rules that judge TLS 1.3 use this. */
TLSA_API bool tlsa_version_is_tls13(uint16_t v);
TLSA_API const char *
tlsa_version_name(uint16_t v); /* "TLS 1.2", "SSL 3.0", "0x7f14" → "TLS 1.3 (draft 20)" */
TLSA_API const char *tlsa_message_name(uint8_t hs_type); /* RFC names, design §5 */
TLSA_API const char *tlsa_step_explain(const tlsa_conn *c, const tlsa_step *s); /* one line */
/* "ECDHE x25519", "RSA", "DHE 1024", "TLS 1.3 x25519", "none (resumed)"; buf 64 bytes. */
TLSA_API char *tlsa_kex_str(const tlsa_conn *c, char *buf, size_t size);
/* With keys: "handshake decrypted; Finished client verified, server verified; CertificateVerify
 * verified", or "not decrypted: <why>"; "" without keys. buf 256 bytes. */
TLSA_API char *tlsa_conn_keys_str(const tlsa_conn *c, char *buf, size_t size);
/* Where the handshake stopped, in words, e.g. "after ServerHelloDone (step 2)". buf 128 bytes. */
TLSA_API char *tlsa_conn_stop_str(const tlsa_conn *c, char *buf, size_t size);

#endif
