/* Extensions: a first pass splits the block into raw (type, body) entries and rejects
 * duplicates; a second pass interprets the known types for the message that carried them.
 * Unknown and GREASE types stay raw. Every interpreter must consume its body exactly. */
#include <stdlib.h>

#include "msg_util.h"

enum {
    EXT_SERVER_NAME = 0,
    EXT_MAX_FRAGMENT_LENGTH = 1,
    EXT_STATUS_REQUEST = 5,
    EXT_SUPPORTED_GROUPS = 10,
    EXT_EC_POINT_FORMATS = 11,
    EXT_SIGNATURE_ALGORITHMS = 13,
    EXT_HEARTBEAT = 15,
    EXT_ALPN = 16,
    EXT_SCT = 18,
    EXT_PADDING = 21,
    EXT_ENCRYPT_THEN_MAC = 22,
    EXT_EXTENDED_MASTER_SECRET = 23,
    EXT_COMPRESS_CERTIFICATE = 27,
    EXT_RECORD_SIZE_LIMIT = 28,
    EXT_SESSION_TICKET = 35,
    EXT_PRE_SHARED_KEY = 41,
    EXT_EARLY_DATA = 42,
    EXT_SUPPORTED_VERSIONS = 43,
    EXT_COOKIE = 44,
    EXT_PSK_KEY_EXCHANGE_MODES = 45,
    EXT_CERTIFICATE_AUTHORITIES = 47,
    EXT_POST_HANDSHAKE_AUTH = 49,
    EXT_SIGNATURE_ALGORITHMS_CERT = 50,
    EXT_KEY_SHARE = 51,
    EXT_KEY_SHARE_DRAFT = 40, /* key_share's number up to TLS 1.3 draft 22 */
    EXT_ENCRYPTED_CLIENT_HELLO = 0xfe0d,
    EXT_RENEGOTIATION_INFO = 0xff01,
};

/* Default when no limits are given (engine.h documents 256). */
static size_t max_extensions(const tlsa_limits *lim) {
    return (lim && lim->max_extensions) ? lim->max_extensions : 256;
}

/* struct { ExtensionType extension_type; opaque extension_data<0..2^16-1>; } Extension; */
tlsa_err tlsa_ext_split(tlsa_cur *list, const tlsa_limits *lim, tlsa_ext_raw *out, size_t cap,
                        size_t *n) {
    size_t max = max_extensions(lim);
    *n = 0;
    while (tlsa_cur_left(list) > 0) {
        if (*n >= max || *n >= cap)
            return TLSA_E_LIMIT_EXTENSIONS;
        uint16_t type;
        tlsa_cur body;
        TLSA_TRY(tlsa_cur_u16(list, &type));
        TLSA_TRY(tlsa_cur_vec(list, 2, 0, 0xffff, 1, &body));
        for (size_t i = 0; i < *n; i++)
            TLSA_ENSURE(out[i].type != type, TLSA_E_DUPLICATE_EXTENSION);
        out[*n].type = type;
        out[*n].body = body;
        (*n)++;
    }
    return TLSA_E_OK;
}

typedef tlsa_err (*ext_fn)(uint16_t type, tlsa_cur *body, bool last, void *ctx);

/* Split, record the types (when types is not NULL), interpret each entry in order. A split
 * error still lets the entries before it be interpreted; the first error is returned. */
static tlsa_err ext_walk(tlsa_cur *list, const tlsa_limits *lim, tlsa_u16_list *types, ext_fn fn,
                         void *ctx) {
    size_t cap = max_extensions(lim), n = 0;
    size_t most = tlsa_cur_left(list) / 4 + 1; /* an extension takes at least 4 bytes */
    if (cap > most)
        cap = most;
    tlsa_ext_raw *raw = malloc(cap * sizeof *raw);
    if (!raw)
        return TLSA_E_NO_MEMORY;
    tlsa_err split = tlsa_ext_split(list, lim, raw, cap, &n);
    tlsa_err e = types ? tlsa_u16_reserve(types, n) : TLSA_E_OK;
    for (size_t i = 0; i < n && types && e == TLSA_E_OK; i++)
        types->v[types->n++] = raw[i].type; /* room was reserved */
    for (size_t i = 0; i < n && e == TLSA_E_OK; i++)
        if (fn)
            e = fn(raw[i].type, &raw[i].body, i + 1 == n && split == TLSA_E_OK, ctx);
    free(raw);
    return split != TLSA_E_OK ? split : e;
}

tlsa_err tlsa_ext_check(tlsa_cur *list, const tlsa_limits *lim) {
    return ext_walk(list, lim, NULL, NULL, NULL);
}

/* Skips a raw (unknown, GREASE or not interpreted) body. */
static tlsa_err skip_rest(tlsa_cur *b) {
    return tlsa_cur_skip(b, tlsa_cur_left(b));
}

/* A vector of vectors: each element <lo..hi> with a prefix-byte length; returns the count. */
static tlsa_err vec_of_vecs(tlsa_cur *v, unsigned prefix, size_t lo, size_t hi, uint32_t *count) {
    uint32_t k = 0;
    while (tlsa_cur_left(v) > 0) {
        tlsa_cur item;
        TLSA_TRY(tlsa_cur_vec(v, prefix, lo, hi, 1, &item));
        k++;
    }
    if (count)
        *count = k;
    return TLSA_E_OK;
}

/* Reads one outer vector and checks its elements, which must fill it exactly. */
static tlsa_err outer_vec_of_vecs(tlsa_cur *b, unsigned outer, size_t olo, size_t ohi,
                                  unsigned inner, size_t ilo, size_t ihi, uint32_t *count) {
    tlsa_cur v;
    TLSA_TRY(tlsa_cur_vec(b, outer, olo, ohi, 1, &v));
    return vec_of_vecs(&v, inner, ilo, ihi, count);
}

/* struct { NameType name_type; select (name_type) { case host_name: HostName; } name; }
 *     ServerName;  (HostName: opaque <1..2^16-1>)
 * struct { ServerName server_name_list<1..2^16-1> } ServerNameList;  (RFC 6066 §3) */
static tlsa_err ext_server_name(tlsa_cur *b, tlsa_blob *sni) {
    tlsa_cur list;
    bool got = false;
    TLSA_TRY(tlsa_cur_vec(b, 2, 1, 0xffff, 1, &list));
    while (tlsa_cur_left(&list) > 0) {
        uint8_t name_type;
        tlsa_cur name;
        TLSA_TRY(tlsa_cur_u8(&list, &name_type));
        TLSA_TRY(tlsa_cur_vec(&list, 2, 1, 0xffff, 1, &name));
        if (name_type == 0 && !got) {
            TLSA_TRY(tlsa_blob_take(sni, &name, tlsa_cur_left(&name)));
            got = true;
        }
    }
    return TLSA_E_OK;
}

/* opaque ProtocolName<1..2^8-1>; struct { ProtocolName protocol_name_list<2..2^16-1> }
 * ProtocolNameList;  (RFC 7301 §3.1) */
static tlsa_err ext_alpn_client(tlsa_cur *b, tlsa_blob_list *out) {
    tlsa_cur list;
    TLSA_TRY(tlsa_cur_vec(b, 2, 2, 0xffff, 1, &list));
    while (tlsa_cur_left(&list) > 0) {
        tlsa_cur name;
        TLSA_TRY(tlsa_cur_vec(&list, 1, 1, 0xff, 1, &name));
        TLSA_TRY(tlsa_blob_list_take(out, &name, tlsa_cur_left(&name)));
    }
    return TLSA_E_OK;
}

/* The server's ProtocolNameList MUST contain exactly one name (RFC 7301 §3.1). */
static tlsa_err ext_alpn_server(tlsa_cur *b, tlsa_blob *out) {
    tlsa_cur list, name;
    TLSA_TRY(tlsa_cur_vec(b, 2, 2, 0xffff, 1, &list));
    TLSA_TRY(tlsa_cur_vec(&list, 1, 1, 0xff, 1, &name));
    TLSA_ENSURE(tlsa_cur_left(&list) == 0, TLSA_E_BAD_VALUE);
    return tlsa_blob_take(out, &name, tlsa_cur_left(&name));
}

/* struct { CertificateStatusType status_type; select (status_type) { case ocsp:
 *     OCSPStatusRequest; } request; } CertificateStatusRequest;
 * struct { ResponderID responder_id_list<0..2^16-1>; Extensions request_extensions; }
 *     OCSPStatusRequest;  (ResponderID: opaque <1..2^16-1>; Extensions: opaque <0..2^16-1>) */
static tlsa_err ext_status_request_client(tlsa_cur *b) {
    uint8_t type;
    tlsa_cur exts;
    TLSA_TRY(tlsa_cur_u8(b, &type));
    if (type != 1)
        return skip_rest(b); /* other status types are opaque to us */
    TLSA_TRY(outer_vec_of_vecs(b, 2, 0, 0xffff, 2, 1, 0xffff, NULL));
    return tlsa_cur_vec(b, 2, 0, 0xffff, 1, &exts);
}

/* struct { opaque identity<1..2^16-1>; uint32 obfuscated_ticket_age; } PskIdentity;
 * opaque PskBinderEntry<32..255>;
 * struct { PskIdentity identities<7..2^16-1>; PskBinderEntry binders<33..2^16-1>; }
 *     OfferedPsks;  (RFC 8446 §4.2.11: the last extension of the ClientHello) */
static tlsa_err ext_psk_client(tlsa_cur *b, bool last, uint32_t *identities) {
    tlsa_cur ids, binders;
    uint32_t n_ids = 0, n_binders = 0;
    TLSA_ENSURE(last, TLSA_E_BAD_VALUE);
    TLSA_TRY(tlsa_cur_vec(b, 2, 7, 0xffff, 1, &ids));
    while (tlsa_cur_left(&ids) > 0) {
        tlsa_cur id;
        uint32_t age;
        TLSA_TRY(tlsa_cur_vec(&ids, 2, 1, 0xffff, 1, &id));
        TLSA_TRY(tlsa_cur_u32(&ids, &age));
        n_ids++;
    }
    *identities = n_ids;
    TLSA_TRY(tlsa_cur_vec(b, 2, 33, 0xffff, 1, &binders));
    TLSA_TRY(vec_of_vecs(&binders, 1, 32, 255, &n_binders));
    TLSA_ENSURE(n_ids == n_binders, TLSA_E_BAD_VALUE);
    return TLSA_E_OK;
}

/* struct { NamedGroup group; opaque key_exchange<1..2^16-1>; } KeyShareEntry;
 * struct { KeyShareEntry client_shares<0..2^16-1>; } KeyShareClientHello;  (RFC 8446 §4.2.8;
 * each group at most once) */
static tlsa_err ext_key_share_client(tlsa_cur *b, tlsa_u16_list *groups) {
    tlsa_cur list;
    TLSA_TRY(tlsa_cur_vec(b, 2, 0, 0xffff, 1, &list));
    while (tlsa_cur_left(&list) > 0) {
        uint16_t group;
        tlsa_cur key;
        TLSA_TRY(tlsa_cur_u16(&list, &group));
        TLSA_TRY(tlsa_cur_vec(&list, 2, 1, 0xffff, 1, &key));
        TLSA_ENSURE(!tlsa_u16_list_has(groups, group), TLSA_E_BAD_VALUE);
        TLSA_TRY(tlsa_u16_push(groups, group));
    }
    return TLSA_E_OK;
}

/* struct { uint8 type; (0 outer: HpkeSymmetricCipherSuite cipher_suite; uint8 config_id;
 *     opaque enc<0..2^16-1>; opaque payload<1..2^16-1>; 1 inner: empty) } ECHClientHello;
 * (RFC 9849 §5) */
static tlsa_err ext_ech_client(tlsa_cur *b) {
    uint8_t type, config_id;
    uint16_t kdf, aead;
    tlsa_cur enc, payload;
    TLSA_TRY(tlsa_cur_u8(b, &type));
    if (type == 1)
        return TLSA_E_OK;
    TLSA_ENSURE(type == 0, TLSA_E_BAD_VALUE);
    TLSA_TRY(tlsa_cur_u16(b, &kdf));
    TLSA_TRY(tlsa_cur_u16(b, &aead));
    TLSA_TRY(tlsa_cur_u8(b, &config_id));
    TLSA_TRY(tlsa_cur_vec(b, 2, 0, 0xffff, 1, &enc));
    return tlsa_cur_vec(b, 2, 1, 0xffff, 1, &payload);
}

/* enum { peer_allowed_to_send(1), peer_not_allowed_to_send(2) } HeartbeatMode; (RFC 6520) */
static tlsa_err ext_heartbeat(tlsa_cur *b, uint8_t *mode) {
    uint8_t m;
    TLSA_TRY(tlsa_cur_u8(b, &m));
    TLSA_ENSURE(m == 1 || m == 2, TLSA_E_BAD_VALUE);
    *mode = m;
    return TLSA_E_OK;
}

/* uint16 RecordSizeLimit; at least 64 (RFC 8449 §4). */
static tlsa_err ext_record_size_limit(tlsa_cur *b) {
    uint16_t v;
    TLSA_TRY(tlsa_cur_u16(b, &v));
    TLSA_ENSURE(v >= 64, TLSA_E_BAD_VALUE);
    return TLSA_E_OK;
}

/* enum { 2^9(1), 2^10(2), 2^11(3), 2^12(4) } MaxFragmentLength; (RFC 6066 §4) */
static tlsa_err ext_max_fragment_length(tlsa_cur *b) {
    uint8_t v;
    TLSA_TRY(tlsa_cur_u8(b, &v));
    TLSA_ENSURE(v >= 1 && v <= 4, TLSA_E_BAD_VALUE);
    return TLSA_E_OK;
}

/* Extensions whose form is the same in every message that carries them. */
static tlsa_err ext_common(uint16_t type, tlsa_cur *b, bool *handled) {
    tlsa_cur v;
    *handled = true;
    switch (type) {
    case EXT_MAX_FRAGMENT_LENGTH:
        return ext_max_fragment_length(b);
    case EXT_EC_POINT_FORMATS: /* ECPointFormat ec_point_format_list<1..2^8-1> */
        return tlsa_cur_vec(b, 1, 1, 0xff, 1, &v);
    case EXT_SUPPORTED_GROUPS: /* NamedGroup named_group_list<2..2^16-1> */
        return tlsa_cur_vec(b, 2, 2, 0xffff, 2, &v);
    case EXT_SIGNATURE_ALGORITHMS_CERT: /* SignatureScheme supported_signature_algorithms<2..2^16-2>
                                         */
        return tlsa_cur_vec(b, 2, 2, 0xfffe, 2, &v);
    case EXT_PADDING: /* zero bytes of any length (RFC 7685) */
        return skip_rest(b);
    case EXT_ENCRYPT_THEN_MAC:       /* empty (RFC 7366) */
    case EXT_EXTENDED_MASTER_SECRET: /* empty (RFC 7627) */
    case EXT_POST_HANDSHAKE_AUTH:    /* empty (RFC 8446 §4.2.6) */
        return TLSA_E_OK;
    case EXT_COOKIE: /* opaque cookie<1..2^16-1> */
        return tlsa_cur_vec(b, 2, 1, 0xffff, 1, &v);
    case EXT_CERTIFICATE_AUTHORITIES: /* DistinguishedName authorities<3..2^16-1> */
        return outer_vec_of_vecs(b, 2, 3, 0xffff, 2, 1, 0xffff, NULL);
    case EXT_COMPRESS_CERTIFICATE: /* CertificateCompressionAlgorithm algorithms<2..2^8-2> */
        return tlsa_cur_vec(b, 1, 2, 0xfe, 2, &v);
    case EXT_RECORD_SIZE_LIMIT:
        return ext_record_size_limit(b);
    case EXT_RENEGOTIATION_INFO: /* opaque renegotiated_connection<0..255> (RFC 5746) */
        return tlsa_cur_vec(b, 1, 0, 0xff, 1, &v);
    default:
        *handled = false;
        return TLSA_E_OK;
    }
}

static tlsa_err ch_ext(uint16_t type, tlsa_cur *b, bool last, void *ctx) {
    tlsa_client_hello *ch = ctx;
    tlsa_cur v;
    bool handled;
    switch (type) {
    case EXT_SERVER_NAME:
        TLSA_TRY(ext_server_name(b, &ch->sni));
        break;
    case EXT_STATUS_REQUEST:
        TLSA_TRY(ext_status_request_client(b));
        break;
    case EXT_SUPPORTED_GROUPS: /* NamedGroup named_group_list<2..2^16-1> */
        TLSA_TRY(tlsa_cur_vec(b, 2, 2, 0xffff, 2, &v));
        TLSA_TRY(tlsa_u16_read_all(&ch->groups, &v));
        break;
    case EXT_SIGNATURE_ALGORITHMS: /* SignatureScheme supported_signature_algorithms<2..2^16-2> */
        TLSA_TRY(tlsa_cur_vec(b, 2, 2, 0xfffe, 2, &v));
        TLSA_TRY(tlsa_u16_read_all(&ch->sig_algs, &v));
        break;
    case EXT_HEARTBEAT:
        TLSA_TRY(ext_heartbeat(b, &ch->heartbeat_mode));
        break;
    case EXT_ALPN:
        TLSA_TRY(ext_alpn_client(b, &ch->alpn));
        break;
    case EXT_SCT: /* empty in the ClientHello (RFC 6962 §3.3.1) */
    case EXT_EARLY_DATA:
        break;
    case EXT_SESSION_TICKET: /* opaque ticket, the whole body (RFC 5077 §3.2) */
        ch->ticket_len = (uint32_t)tlsa_cur_left(b);
        TLSA_TRY(skip_rest(b));
        break;
    case EXT_PRE_SHARED_KEY:
        TLSA_TRY(ext_psk_client(b, last, &ch->psk_identities));
        break;
    case EXT_SUPPORTED_VERSIONS: /* ProtocolVersion versions<2..254> */
        TLSA_TRY(tlsa_cur_vec(b, 1, 2, 254, 2, &v));
        TLSA_TRY(tlsa_u16_read_all(&ch->versions, &v));
        break;
    case EXT_PSK_KEY_EXCHANGE_MODES: { /* PskKeyExchangeMode ke_modes<1..255> */
        TLSA_TRY(tlsa_cur_vec(b, 1, 1, 255, 1, &v));
        while (tlsa_cur_left(&v) > 0) {
            uint8_t m;
            TLSA_TRY(tlsa_cur_u8(&v, &m));
            if (m < 2)
                ch->psk_modes |= (uint8_t)(1u << m);
        }
        break;
    }
    case EXT_KEY_SHARE:
        TLSA_TRY(ext_key_share_client(b, &ch->key_shares));
        break;
    case EXT_ENCRYPTED_CLIENT_HELLO:
        TLSA_TRY(ext_ech_client(b));
        break;
    default:
        TLSA_TRY(ext_common(type, b, &handled));
        if (!handled)
            TLSA_TRY(skip_rest(b));
        break;
    }
    return tlsa_cur_done(b);
}

tlsa_err tlsa_ext_client_hello(tlsa_cur *list, const tlsa_limits *lim, tlsa_client_hello *ch) {
    return ext_walk(list, lim, &ch->extensions, ch_ext, ch);
}

typedef struct sh_ctx {
    tlsa_server_hello *sh;
    bool hrr;
} sh_ctx;

/* ServerHello, HelloRetryRequest and EncryptedExtensions forms. */
static tlsa_err sh_ext(uint16_t type, tlsa_cur *b, bool last, void *ctx) {
    sh_ctx *x = ctx;
    tlsa_server_hello *sh = x->sh;
    tlsa_cur v;
    bool handled;
    (void)last;
    /* A ServerHello whose version field is a TLS 1.3 draft before 22 numbers key_share 40. */
    if (type == EXT_KEY_SHARE_DRAFT && (sh->legacy_version >> 8) == 0x7f &&
        (sh->legacy_version & 0xff) < 22)
        type = EXT_KEY_SHARE;
    switch (type) {
    case EXT_SERVER_NAME:    /* empty acknowledgement (RFC 6066 §3) */
    case EXT_STATUS_REQUEST: /* empty acknowledgement (RFC 6066 §8) */
    case EXT_SESSION_TICKET: /* empty acknowledgement (RFC 5077 §3.2) */
    case EXT_EARLY_DATA:     /* empty in EncryptedExtensions (RFC 8446 §4.2.10) */
        break;
    case EXT_SCT: /* SerializedSCT sct_list<1..2^16-1>, SerializedSCT<1..2^16-1> */
        TLSA_TRY(outer_vec_of_vecs(b, 2, 1, 0xffff, 2, 1, 0xffff, NULL));
        break;
    case EXT_ALPN:
        TLSA_TRY(ext_alpn_server(b, &sh->alpn));
        break;
    case EXT_HEARTBEAT:
        TLSA_TRY(ext_heartbeat(b, &sh->heartbeat_mode));
        break;
    case EXT_SUPPORTED_VERSIONS: /* ProtocolVersion selected_version */
        TLSA_TRY(tlsa_cur_u16(b, &sh->version));
        break;
    case EXT_PRE_SHARED_KEY: { /* uint16 selected_identity */
        uint16_t sel;
        TLSA_TRY(tlsa_cur_u16(b, &sel));
        sh->psk_selected = true;
        break;
    }
    case EXT_KEY_SHARE:
        if (x->hrr) { /* NamedGroup selected_group */
            TLSA_TRY(tlsa_cur_u16(b, &sh->hrr_group));
        } else { /* KeyShareEntry server_share */
            TLSA_TRY(tlsa_cur_u16(b, &sh->key_share_group));
            TLSA_TRY(tlsa_cur_vec(b, 2, 1, 0xffff, 1, &v));
        }
        break;
    default:
        TLSA_TRY(ext_common(type, b, &handled));
        if (!handled)
            TLSA_TRY(skip_rest(b));
        break;
    }
    return tlsa_cur_done(b);
}

tlsa_err tlsa_ext_server_hello(tlsa_cur *list, const tlsa_limits *lim, bool hrr,
                               tlsa_server_hello *sh) {
    sh_ctx x = {sh, hrr};
    return ext_walk(list, lim, &sh->extensions, sh_ext, &x);
}

tlsa_err tlsa_ext_encrypted_extensions(tlsa_cur *list, const tlsa_limits *lim,
                                       tlsa_server_hello *sh) {
    sh_ctx x = {sh, false};
    return ext_walk(list, lim, NULL, sh_ext, &x);
}
