/* Output encoders: a growable buffer, four escapers and the JSON connection record (design §5).
 * Every byte that came from the wire reaches a face only through one of the escapers here. */
#include "tlsaudit/tlsaudit.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tlsa_buf ---------------------------------------------------------------------------- */

void tlsa_buf_free(tlsa_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->oom = false;
}

void tlsa_buf_reset(tlsa_buf *b) {
    b->len = 0;
    b->oom = false;
    if (b->data)
        b->data[0] = 0;
}

/* Makes room for n more bytes plus a NUL, so data is always a C string. */
static bool buf_reserve(tlsa_buf *b, size_t n) {
    if (b->oom)
        return false;
    if (n > SIZE_MAX / 2 - b->len - 1) {
        b->oom = true;
        return false;
    }
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void tlsa_buf_put(tlsa_buf *b, const void *p, size_t n) {
    if ((b->oom || b->len + n >= b->cap) && !buf_reserve(b, n))
        return;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = 0;
}

void tlsa_buf_puts(tlsa_buf *b, const char *s) {
    tlsa_buf_put(b, s, strlen(s));
}

static inline void buf_putc(tlsa_buf *b, char c) {
    if (!b->oom && b->len + 1 < b->cap) { /* the common case: room for the byte and the NUL */
        b->data[b->len++] = c;
        b->data[b->len] = 0;
    } else {
        tlsa_buf_put(b, &c, 1);
    }
}

void tlsa_buf_printf(tlsa_buf *b, const char *fmt, ...) {
    /* Format straight into the free space; only when it does not fit, grow and format again. */
    if (!buf_reserve(b, 64))
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(b->data + b->len, b->cap - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->data[b->len] = 0;
        b->oom = true;
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        if (!buf_reserve(b, (size_t)n)) {
            b->data[b->len] = 0;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

/* ---- UTF-8 ------------------------------------------------------------------------------- */

/* Length of the well-formed UTF-8 sequence at s[0..n) (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), with its code point in *cp; 0 when s[0] does not start one. */
static size_t utf8_seq(const uint8_t *s, size_t n, uint32_t *cp) {
    uint8_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t len;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return len;
}

/* Code points that must not reach a terminal or a line-oriented reader unescaped: C1 controls,
 * line/paragraph separators, and the bidirectional overrides ("Trojan Source"). */
static bool cp_is_hazard(uint32_t cp) {
    return (cp >= 0x80 && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 ||
           (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* ---- escapers ---------------------------------------------------------------------------- */

/* Printable ASCII other than the quote and the backslash: copied as is, in runs. */
static bool json_plain(uint8_t c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void tlsa_json_str(tlsa_buf *b, const uint8_t *s, size_t n) {
    buf_putc(b, '"');
    for (size_t i = 0; i < n;) {
        size_t run = i;
        while (run < n && json_plain(s[run]))
            run++;
        if (run > i) {
            tlsa_buf_put(b, s + i, run - i);
            i = run;
            continue;
        }
        uint32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (len == 0) {
            tlsa_buf_puts(b, "\\ufffd");
            i++;
            continue;
        }
        if (cp == '"' || cp == '\\') {
            buf_putc(b, '\\');
            buf_putc(b, (char)cp);
        } else if (cp == '\n') {
            tlsa_buf_puts(b, "\\n");
        } else if (cp == '\r') {
            tlsa_buf_puts(b, "\\r");
        } else if (cp == '\t') {
            tlsa_buf_puts(b, "\\t");
        } else if (cp < 0x20 || cp == 0x7F || cp_is_hazard(cp)) {
            tlsa_buf_printf(b, "\\u%04x", (unsigned)cp);
        } else {
            tlsa_buf_put(b, s + i, len);
        }
        i += len;
    }
    buf_putc(b, '"');
}

static void put_hex_bytes(tlsa_buf *b, const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        tlsa_buf_printf(b, "\\x%02X", s[i]);
}

void tlsa_text_str(tlsa_buf *b, const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (len == 0) {
            put_hex_bytes(b, s + i, 1);
            i++;
            continue;
        }
        /* The backslash too: a wire value holding the text "\x1b" must not read as an escape. */
        if (cp < 0x20 || cp == 0x7F || cp == '\\' || cp_is_hazard(cp))
            put_hex_bytes(b, s + i, len);
        else
            tlsa_buf_put(b, s + i, len);
        i += len;
    }
}

void tlsa_csv_str(tlsa_buf *b, const uint8_t *s, size_t n) {
    tlsa_buf t = {0};
    /* A spreadsheet evaluates a cell starting with one of these as a formula. */
    if (n > 0 && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@'))
        buf_putc(&t, '\'');
    tlsa_text_str(&t, s, n);
    if (t.oom) {
        b->oom = true;
        tlsa_buf_free(&t);
        return;
    }
    bool quote = false;
    for (size_t i = 0; i < t.len; i++)
        if (t.data[i] == ',' || t.data[i] == '"')
            quote = true;
    if (!quote) {
        tlsa_buf_put(b, t.data, t.len);
    } else {
        buf_putc(b, '"');
        for (size_t i = 0; i < t.len; i++) {
            if (t.data[i] == '"')
                buf_putc(b, '"');
            buf_putc(b, t.data[i]);
        }
        buf_putc(b, '"');
    }
    tlsa_buf_free(&t);
}

void tlsa_html_str(tlsa_buf *b, const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t len = utf8_seq(s + i, n - i, &cp);
        if (len == 0) {
            tlsa_buf_puts(b, "&#xFFFD;");
            i++;
            continue;
        }
        switch (cp) {
        case '&':
            tlsa_buf_puts(b, "&amp;");
            break;
        case '<':
            tlsa_buf_puts(b, "&lt;");
            break;
        case '>':
            tlsa_buf_puts(b, "&gt;");
            break;
        case '"':
            tlsa_buf_puts(b, "&quot;");
            break;
        case '\'':
            tlsa_buf_puts(b, "&#39;");
            break;
        default:
            /* HTML forbids most controls; they carry no text worth keeping. */
            if ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F || cp_is_hazard(cp))
                tlsa_buf_printf(b, "&#x%X;", cp < 0x20 || cp == 0x7F ? 0xFFFDu : (unsigned)cp);
            else
                tlsa_buf_put(b, s + i, len);
            break;
        }
        i += len;
    }
}

/* ---- the connection record --------------------------------------------------------------- */

static void json_cstr(tlsa_buf *b, const char *s) {
    if (!s)
        tlsa_buf_puts(b, "null");
    else
        tlsa_json_str(b, (const uint8_t *)s, strlen(s));
}

static void json_blob_or_null(tlsa_buf *b, const tlsa_blob *bl) {
    if (!bl->data || bl->len == 0)
        tlsa_buf_puts(b, "null");
    else
        tlsa_json_str(b, bl->data, bl->len);
}

/* Keys are our own constants: no escaping needed. No printf on the per-connection path. */
static void json_key(tlsa_buf *b, const char *k) {
    buf_putc(b, ',');
    buf_putc(b, '"');
    tlsa_buf_puts(b, k);
    buf_putc(b, '"');
    buf_putc(b, ':');
}

static void buf_u64(tlsa_buf *b, uint64_t v) {
    char tmp[24];
    size_t i = sizeof tmp;
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    tlsa_buf_put(b, tmp + i, sizeof tmp - i);
}

static void json_bool(tlsa_buf *b, const char *k, bool v) {
    json_key(b, k);
    tlsa_buf_puts(b, v ? "true" : "false");
}

static void json_u64(tlsa_buf *b, const char *k, uint64_t v) {
    json_key(b, k);
    buf_u64(b, v);
}

static void json_endpoint(tlsa_buf *b, const char *k, const tlsa_endpoint *e) {
    char ip[64];
    json_key(b, k);
    tlsa_buf_puts(b, "{\"ip\":");
    json_cstr(b, e->addr.family ? tlsa_addr_str(&e->addr, ip, sizeof ip) : NULL);
    tlsa_buf_puts(b, ",\"port\":");
    buf_u64(b, e->port);
    buf_putc(b, '}');
}

/* Version names are only meaningful for known values; anything else is shown as hex. */
/* A suite by its IANA name, or "0xC0FF" when it has none (unassigned, GREASE). */
static void json_suite(tlsa_buf *b, uint16_t s) {
    if (tlsa_suite_lookup(s)) {
        json_cstr(b, tlsa_suite_name(s));
    } else {
        char tmp[8];
        snprintf(tmp, sizeof tmp, "0x%04X", (unsigned)s);
        json_cstr(b, tmp);
    }
}

static void json_version(tlsa_buf *b, uint16_t v) {
    if (v == 0)
        tlsa_buf_puts(b, "null");
    else
        json_cstr(b, tlsa_version_name(v));
}

static void json_certs(tlsa_buf *b, const char *k, const tlsa_cert_info *ci,
                       const tlsa_blob_list *chain) {
    json_key(b, k);
    buf_putc(b, '[');
    for (uint32_t i = 0; chain->v && i < chain->n; i++) {
        /* Without an auditor the chain is still listed, as DER sizes only. */
        const tlsa_cert_info *c = ci ? &ci[i] : NULL;
        if (i)
            buf_putc(b, ',');
        tlsa_buf_printf(b, "{\"parsed\":%s", c && c->parsed ? "true" : "false");
        if (c && c->parsed) {
            json_key(b, "subject");
            json_cstr(b, c->subject);
            json_key(b, "issuer");
            json_cstr(b, c->issuer);
            json_key(b, "serial");
            json_cstr(b, c->serial);
            json_key(b, "not_before");
            json_cstr(b, c->not_before);
            json_key(b, "not_after");
            json_cstr(b, c->not_after);
            json_key(b, "key");
            json_cstr(b, c->key);
            json_key(b, "sig_alg");
            json_cstr(b, c->sig_alg);
            json_key(b, "san");
            buf_putc(b, '[');
            for (uint32_t j = 0; c->san && j < c->n_san; j++) {
                if (j)
                    buf_putc(b, ',');
                json_cstr(b, c->san[j]);
            }
            buf_putc(b, ']');
            json_key(b, "sha256");
            json_cstr(b, c->sha256);
            json_bool(b, "self_signed", c->self_signed);
            json_bool(b, "is_ca", c->is_ca);
        }
        json_u64(b, "der_len", chain->v[i].len);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

static const char *check_name(uint8_t v) {
    return v == 1 ? "verified" : v == 2 ? "mismatch" : "unchecked";
}

/* What the keys revealed: "decrypted", "finished" per side, the TLS 1.3 server
 * "certificate_verify", and "keys_note" (why nothing was decrypted; null when keys worked or
 * none were given). */
static void json_keys(tlsa_buf *b, const tlsa_conn *c) {
    json_bool(b, "decrypted", c->decrypted != 0);
    json_key(b, "finished");
    tlsa_buf_puts(b, "{\"client\":\"");
    tlsa_buf_puts(b, check_name(c->finished_check[TLSA_FROM_CLIENT]));
    tlsa_buf_puts(b, "\",\"server\":\"");
    tlsa_buf_puts(b, check_name(c->finished_check[TLSA_FROM_SERVER]));
    tlsa_buf_puts(b, "\"");
    json_u64(b, "verified", c->finished_verified);
    buf_putc(b, '}');
    json_key(b, "certificate_verify");
    json_cstr(b, c->cv_check == 1 ? "verified" : c->cv_check == 2 ? "invalid" : "unchecked");
    json_key(b, "keys_note");
    if (c->keys_note[0])
        tlsa_json_str(b, (const uint8_t *)c->keys_note, strnlen(c->keys_note, sizeof c->keys_note));
    else
        tlsa_buf_puts(b, "null");
}

static void json_steps(tlsa_buf *b, const tlsa_conn *c) {
    json_key(b, "steps");
    buf_putc(b, '[');
    for (uint32_t i = 0; c->steps.v && i < c->steps.n; i++) {
        const tlsa_step *s = &c->steps.v[i];
        if (i)
            buf_putc(b, ',');
        tlsa_buf_puts(b, "{\"step\":");
        buf_u64(b, s->step);
        tlsa_buf_puts(b, s->who == TLSA_FROM_SERVER ? ",\"who\":\"server\",\"message\":"
                                                    : ",\"who\":\"client\",\"message\":");
        json_cstr(b, tlsa_message_name(s->msg_type));
        json_u64(b, "frame", s->frame);
        json_bool(b, "encrypted", s->encrypted);
        if (s->decrypted)
            json_bool(b, "decrypted", true);
        json_u64(b, "length", s->length);
        if (s->handshake > 0)
            json_u64(b, "handshake", s->handshake);
        if (s->note[0]) {
            json_key(b, "note");
            tlsa_json_str(b, (const uint8_t *)s->note, strnlen(s->note, sizeof s->note));
        }
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

static void json_alerts(tlsa_buf *b, const tlsa_conn *c) {
    json_key(b, "alerts");
    buf_putc(b, '[');
    for (uint32_t i = 0; c->alerts && i < c->n_alerts; i++) {
        const tlsa_alert *a = &c->alerts[i];
        if (i)
            buf_putc(b, ',');
        tlsa_buf_printf(
            b, "{\"frame\":%llu,\"who\":\"%s\",\"encrypted\":%s", (unsigned long long)a->frame,
            a->sender == TLSA_FROM_SERVER ? "server" : "client", a->encrypted ? "true" : "false");
        if (!a->encrypted) {
            tlsa_buf_printf(b,
                            ",\"level\":\"%s\",\"description\":", tlsa_alert_level_name(a->level));
            json_cstr(b, tlsa_alert_name(a->description));
        }
        tlsa_buf_printf(b, ",\"step\":%u}", (unsigned)a->step);
    }
    buf_putc(b, ']');
}

static void json_findings(tlsa_buf *b, const tlsa_conn *c) {
    json_key(b, "findings");
    buf_putc(b, '[');
    for (uint32_t i = 0; c->findings && i < c->n_findings; i++) {
        const tlsa_finding *f = &c->findings[i];
        if (i)
            buf_putc(b, ',');
        tlsa_buf_puts(b, "{\"id\":");
        json_cstr(b, tlsa_finding_id_str((tlsa_finding_id)f->id));
        json_key(b, "severity");
        json_cstr(b, tlsa_severity_name((tlsa_severity)f->severity));
        json_key(b, "title");
        json_cstr(b, tlsa_finding_title((tlsa_finding_id)f->id));
        json_key(b, "detail");
        json_cstr(b, f->detail ? f->detail : "");
        json_key(b, "frames");
        buf_putc(b, '[');
        for (uint32_t j = 0; f->frames && j < f->n_frames; j++) {
            if (j)
                buf_putc(b, ',');
            buf_u64(b, f->frames[j]);
        }
        tlsa_buf_puts(b, "]}");
    }
    buf_putc(b, ']');
}

static void json_dir_stats(tlsa_buf *b, const tlsa_dir_stats *d) {
    tlsa_buf_printf(b,
                    "{\"bytes\":%llu,\"records\":%u,\"encrypted_records\":%u,"
                    "\"app_data_records\":%u,\"app_data_bytes\":%llu,\"gaps\":%u,"
                    "\"retransmissions\":%u}",
                    (unsigned long long)d->bytes, d->records, d->encrypted_records,
                    d->app_data_records, (unsigned long long)d->app_data_bytes, d->gaps,
                    d->retransmissions);
}

void tlsa_json_conn(tlsa_buf *b, const char *file, const tlsa_conn *c) {
    char tmp[160];
    tlsa_buf_puts(b, "{\"file\":");
    json_cstr(b, file);
    json_u64(b, "conn", c->index);
    json_u64(b, "first_frame", c->first_frame);
    json_u64(b, "last_frame", c->last_frame);
    json_key(b, "ts");
    json_cstr(b, tlsa_time_str(c->first_ts, tmp, sizeof tmp));
    json_endpoint(b, "client", &c->client);
    json_endpoint(b, "server", &c->server);
    json_key(b, "sni");
    json_blob_or_null(b, &c->ch.sni);
    json_key(b, "alpn");
    json_blob_or_null(b, &c->sh.alpn);
    json_key(b, "alpn_offered");
    buf_putc(b, '[');
    for (uint32_t i = 0; c->ch.alpn.v && i < c->ch.alpn.n; i++) {
        if (i)
            buf_putc(b, ',');
        tlsa_json_str(b, c->ch.alpn.v[i].data, c->ch.alpn.v[i].len);
    }
    buf_putc(b, ']');
    json_key(b, "version");
    json_version(b, c->version);
    json_key(b, "offered_versions");
    buf_putc(b, '[');
    if (c->ch.present) {
        bool first = true;
        for (uint32_t i = 0; c->ch.versions.v && i < c->ch.versions.n; i++) {
            if (tlsa_is_grease(c->ch.versions.v[i]))
                continue;
            if (!first)
                buf_putc(b, ',');
            first = false;
            json_version(b, c->ch.versions.v[i]);
        }
        if (first && c->ch.legacy_version) /* no supported_versions: the legacy version */
            json_version(b, c->ch.legacy_version);
    }
    buf_putc(b, ']');
    json_key(b, "cipher");
    if (c->has_suite)
        json_suite(b, c->suite);
    else
        tlsa_buf_puts(b, "null");
    json_key(b, "offered_suites");
    buf_putc(b, '[');
    for (uint32_t i = 0; c->ch.suites.v && i < c->ch.suites.n; i++) {
        if (i)
            buf_putc(b, ',');
        json_suite(b, c->ch.suites.v[i]);
    }
    buf_putc(b, ']');
    json_key(b, "kex");
    json_cstr(b, tlsa_kex_str(c, tmp, sizeof tmp));
    json_bool(b, "resumed", c->resumed);
    json_bool(b, "complete", c->complete);
    json_key(b, "stopped_at");
    if (c->complete)
        tlsa_buf_puts(b, "null");
    else
        json_cstr(b, tlsa_conn_stop_str(c, tmp, sizeof tmp));
    json_bool(b, "mid_stream", c->mid_stream);
    json_u64(b, "handshakes", c->handshakes);
    json_keys(b, c);
    json_key(b, "chain_verdict");
    if (c->chain_verdict[0])
        tlsa_json_str(b, (const uint8_t *)c->chain_verdict,
                      strnlen(c->chain_verdict, sizeof c->chain_verdict));
    else
        tlsa_buf_puts(b, "null");
    json_certs(b, "certificates", c->server_certs, &c->server_chain);
    json_certs(b, "client_certificates", c->client_certs, &c->client_chain);
    json_steps(b, c);
    json_alerts(b, c);
    json_key(b, "records");
    tlsa_buf_puts(b, "{\"client\":");
    json_dir_stats(b, &c->dir[TLSA_FROM_CLIENT]);
    tlsa_buf_puts(b, ",\"server\":");
    json_dir_stats(b, &c->dir[TLSA_FROM_SERVER]);
    buf_putc(b, '}');
    json_key(b, "app_data_bytes");
    tlsa_buf_printf(b, "{\"client\":%llu,\"server\":%llu}",
                    (unsigned long long)c->dir[TLSA_FROM_CLIENT].app_data_bytes,
                    (unsigned long long)c->dir[TLSA_FROM_SERVER].app_data_bytes);
    json_findings(b, c);
    buf_putc(b, '}');
}
