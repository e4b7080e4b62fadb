/* Output encoders: a growable buffer, four escapers and the JSON connection record (design §5).
 * Every byte that came from the wire reaches a face only through one of the escapers here.
 * The JSON record is the hot path of --format jsonl: it is written through a cursor into room
 * reserved once per part, with no printf, strftime or strlen of our own constants. */
#include "tlsaudit/tlsaudit.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "fmt.h"

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

/* Where the next n bytes go (room for the NUL included); NULL when out of memory. The caller
 * writes through the cursor and ends with buf_commit. */
static inline char *buf_room(tlsa_buf *b, size_t n) {
    if ((b->oom || b->len + n >= b->cap) && !buf_reserve(b, n))
        return NULL;
    return b->data + b->len;
}

/* Ends a cursor write at end, keeping data a C string. */
static inline void buf_commit(tlsa_buf *b, char *end) {
    b->len = (size_t)(end - b->data);
    *end = 0;
}

void tlsa_buf_put(tlsa_buf *b, const void *p, size_t n) {
    char *d = buf_room(b, n);
    if (!d)
        return;
    if (n)
        memcpy(d, p, n);
    buf_commit(b, d + n);
}

void tlsa_buf_puts(tlsa_buf *b, const char *s) {
    tlsa_buf_put(b, s, strlen(s));
}

static inline void buf_putc(tlsa_buf *b, char c) {
    char *p = buf_room(b, 1);
    if (p) {
        *p = c;
        buf_commit(b, p + 1);
    }
}

void tlsa_buf_printf(tlsa_buf *b, const char *fmt, ...) {
    /* Format straight into the free space; only when it does not fit, grow and format again. */
    if (!buf_reserve(b, 64))
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = tlsa_vfmt(b->data + b->len, b->cap - b->len, fmt, ap);
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
        tlsa_vfmt(b->data + b->len, (size_t)n + 1, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

/* ---- cursor writers: the caller has reserved the room ------------------------------------ */

static inline char *put_mem(char *p, const void *s, size_t n) {
    memcpy(p, s, n);
    return p + n;
}

/* A short copy in overlapping words of constant size, not a call to memcpy. */
static inline char *put_short(char *p, const char *s, size_t n) {
    if (n >= 16) {
        for (size_t k = 0; k + 16 < n; k += 16)
            memcpy(p + k, s + k, 16);
        memcpy(p + n - 16, s + n - 16, 16);
    } else if (n >= 8) {
        memcpy(p, s, 8);
        memcpy(p + n - 8, s + n - 8, 8);
    } else {
        for (size_t k = 0; k < n; k++)
            p[k] = s[k];
    }
    return p + n;
}

/* A string literal without its NUL: the length is a compile-time constant. */
#define PUT_LIT(p, lit) put_mem((p), (lit), sizeof(lit) - 1)
/* ,"key": */
#define PUT_KEY(p, k) PUT_LIT((p), ",\"" k "\":")

#define U64_DIGITS 20 /* 18446744073709551615 */

static const char digit_pairs[] = "0001020304050607080910111213141516171819"
                                  "2021222324252627282930313233343536373839"
                                  "4041424344454647484950515253545556575859"
                                  "6061626364656667686970717273747576777879"
                                  "8081828384858687888990919293949596979899";
static const char hex_lower[] = "0123456789abcdef";
static const char hex_upper[] = "0123456789ABCDEF";

/* Number of decimal digits of v > 0: log2 * log10(2) (1233/4096), corrected by one compare. */
static inline unsigned u64_digits(uint64_t v) {
    /* clang-format off */
    static const uint64_t pow10[20] = {
        1u, 10u, 100u, 1000u, 10000u, 100000u, 1000000u, 10000000u, 100000000u, 1000000000u,
        10000000000u, 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u,
        1000000000000000u, 10000000000000000u, 100000000000000000u, 1000000000000000000u,
        10000000000000000000u};
    /* clang-format on */
    unsigned t = (unsigned)(64 - __builtin_clzll(v)) * 1233 >> 12;
    return t + 1 - (v < pow10[t]);
}

/* Decimal, written back to front in place, two digits per division. */
static char *put_u64(char *p, uint64_t v) {
    if (v < 10) {
        *p = (char)('0' + v);
        return p + 1;
    }
    char *end = p + u64_digits(v), *s = end;
    while (v >= 100) {
        s -= 2;
        memcpy(s, digit_pairs + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10)
        memcpy(s - 2, digit_pairs + 2 * v, 2);
    else
        s[-1] = (char)('0' + v);
    return end;
}

/* Exactly two digits (v < 100), as "%02u". */
static inline char *put_2d(char *p, unsigned v) {
    return put_mem(p, digit_pairs + 2 * v, 2);
}

static inline char *put_bool(char *p, bool v) {
    return v ? PUT_LIT(p, "true") : PUT_LIT(p, "false");
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
static inline bool json_plain(uint8_t c) {
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

/* Bit 7 of a byte of the result is set where w holds a byte that is not json_plain. Borrows and
 * carries can only flag bytes above one that really fails, so the lowest flag is exact. */
static inline uint64_t json_special8(uint64_t w) {
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t q = w ^ (ones * '"'), bs = w ^ (ones * '\\');
    uint64_t low = (w - ones * 0x20) & ~w; /* a byte below 0x20 */
    uint64_t high = w | (w + ones);        /* a byte of 0x7F or more */
    uint64_t quote = (q - ones) & ~q, back = (bs - ones) & ~bs;
    return (low | high | quote | back) & highs;
}

#ifdef __SSE2__
/* Bit k set where byte k of v is not json_plain (exact, unlike json_special8). */
static inline unsigned json_special16(__m128i v) {
    __m128i ctl = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)); /* signed: every byte >= 0x80 too */
    __m128i del = _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7F));
    __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    __m128i back = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    return (unsigned)_mm_movemask_epi8(
        _mm_or_si128(_mm_or_si128(ctl, del), _mm_or_si128(quote, back)));
}
#endif

/* Index in memory order of the lowest flagged byte of json_special8's result f != 0. */
static inline size_t first_flagged(uint64_t f) {
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    return (size_t)__builtin_clzll(f) / 8;
#else
    return (size_t)__builtin_ctzll(f) / 8;
#endif
}

/* \uXXXX with lower-case hex. */
static char *put_u_escape(char *p, uint32_t cp) {
    p = PUT_LIT(p, "\\u");
    p[0] = hex_lower[(cp >> 12) & 15];
    p[1] = hex_lower[(cp >> 8) & 15];
    p[2] = hex_lower[(cp >> 4) & 15];
    p[3] = hex_lower[cp & 15];
    return p + 4;
}

/* The character at s[0] (n > 0 bytes left), which is not json_plain: an escape, or the UTF-8
 * sequence itself when it is harmless. Returns the bytes consumed, having written at most six
 * per byte consumed. */
static size_t json_special(char **pp, const uint8_t *s, size_t n) {
    char *p = *pp;
    uint32_t cp;
    size_t len = 1;
    switch (s[0]) {
    case '"':
        p = PUT_LIT(p, "\\\"");
        break;
    case '\\':
        p = PUT_LIT(p, "\\\\");
        break;
    case '\n':
        p = PUT_LIT(p, "\\n");
        break;
    case '\r':
        p = PUT_LIT(p, "\\r");
        break;
    case '\t':
        p = PUT_LIT(p, "\\t");
        break;
    default:
        if (s[0] < 0x80) { /* the other C0 controls and DEL */
            p = put_u_escape(p, s[0]);
            break;
        }
        len = utf8_seq(s, n, &cp);
        if (len == 0) {
            p = PUT_LIT(p, "\\ufffd");
            len = 1;
        } else if (cp_is_hazard(cp)) {
            p = put_u_escape(p, cp);
        } else {
            p = put_mem(p, s, len);
        }
        break;
    }
    *pp = p;
    return len;
}

/* Room for the JSON string of n bytes: six bytes out per byte in at worst, the quotes, and the
 * slack of one block store past the end. */
#define JSON_SLACK 16
static inline size_t json_room(size_t n) {
    return 6 * n + 2 + JSON_SLACK;
}

/* Escapes s[*pos..n) until *pos reaches stop. It may pass stop by up to 18 bytes (plain bytes of
 * a block, then a sequence), never n: room for json_room(min(stop + 18, n) - *pos) bytes. Blocks
 * of 16 (SSE2), then of 8 (SWAR), go out as they are: their plain bytes before the first special
 * one stay, the rest is overwritten. */
static char *json_escape(char *p, const uint8_t *s, size_t n, size_t *pos, size_t stop) {
    size_t i = *pos;
    uint64_t w, f;
    while (i < stop) {
#ifdef __SSE2__
        if (n - i >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            _mm_storeu_si128((__m128i *)(void *)p, v);
            unsigned m = json_special16(v);
            if (!m) {
                p += 16;
                i += 16;
                continue;
            }
            size_t k = (size_t)__builtin_ctz(m);
            p += k;
            i += k;
            i += json_special(&p, s + i, n - i);
            continue;
        }
#endif
        if (n - i >= 8) {
            memcpy(&w, s + i, 8);
            memcpy(p, &w, 8);
            if (!(f = json_special8(w))) {
                p += 8;
                i += 8;
                continue;
            }
            size_t k = first_flagged(f);
            p += k;
            i += k;
            i += json_special(&p, s + i, n - i);
            continue;
        }
        /* Fewer than eight bytes left: the word ending at n overlaps what is done; when it is
         * all plain, so were the bytes already copied, one for one. */
        if (n >= 8) {
            memcpy(&w, s + n - 8, 8);
            if (!json_special8(w)) {
                memcpy(p - (8 - (n - i)), &w, 8);
                p += n - i;
                i = n;
                break;
            }
        }
        if (json_plain(s[i]))
            *p++ = (char)s[i++];
        else
            i += json_special(&p, s + i, n - i);
    }
    *pos = i;
    return p;
}

/* A whole JSON string, quotes included: room for json_room(n) bytes. */
static char *put_json_str(char *p, const void *s, size_t n) {
    size_t i = 0;
    *p++ = '"';
    p = json_escape(p, s, n, &i, n);
    *p++ = '"';
    return p;
}

/* Input bytes per reservation, so a long wire string does not reserve six times its size. */
#define JSON_CHUNK 4096
#define JSON_CHUNK_ROOM json_room(JSON_CHUNK + 18)

void tlsa_json_str(tlsa_buf *b, const uint8_t *s, size_t n) {
    if (n <= JSON_CHUNK) {
        char *p = buf_room(b, json_room(n));
        if (p)
            buf_commit(b, put_json_str(p, s, n));
        return;
    }
    char *p = buf_room(b, JSON_CHUNK_ROOM);
    if (!p)
        return;
    *p++ = '"';
    for (size_t i = 0; i < n;) {
        p = json_escape(p, s, n, &i, n - i > JSON_CHUNK ? i + JSON_CHUNK : n);
        buf_commit(b, p);
        if (!(p = buf_room(b, JSON_CHUNK_ROOM)))
            return;
    }
    *p++ = '"';
    buf_commit(b, p);
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
/* Each part reserves its room once: a fixed bound for keys and numbers, plus six bytes per byte
 * of every string it escapes. Keys are our own constants and need no escaping. */

static char *put_json_cstr(char *p, const char *s, size_t len) {
    return s ? put_json_str(p, s, len) : PUT_LIT(p, "null");
}

static inline size_t cstr_len(const char *s) {
    return s ? strlen(s) : 0;
}

static void json_cstr(tlsa_buf *b, const char *s) {
    size_t n = cstr_len(s);
    char *p = buf_room(b, json_room(n) + 4);
    if (p)
        buf_commit(b, put_json_cstr(p, s, n));
}

/* A literal: inlined, so the copy has a constant length. */
static inline void json_lit(tlsa_buf *b, const char *lit, size_t n) {
    char *p = buf_room(b, n);
    if (p)
        buf_commit(b, put_mem(p, lit, n));
}
#define JSON_LIT(b, lit) json_lit((b), (lit), sizeof(lit) - 1)
#define JSON_KEY(b, k) JSON_LIT((b), ",\"" k "\":")

static void json_blob_or_null(tlsa_buf *b, const tlsa_blob *bl) {
    if (!bl->data || bl->len == 0)
        JSON_LIT(b, "null");
    else
        tlsa_json_str(b, bl->data, bl->len);
}

/* Room for a quoted tlsa_time_str. */
#define TIME_ROOM 72

/* The quoted timestamp: tlsa_time_str writes digits, '-', ':', 'T', 'Z' or "invalid". */
static char *put_time(char *p, tlsa_time t) {
    char tmp[TIME_ROOM - 2];
    tlsa_time_str(t, tmp, sizeof tmp);
    *p++ = '"';
    p = put_mem(p, tmp, strlen(tmp));
    *p++ = '"';
    return p;
}

static void json_head(tlsa_buf *b, const char *file, const tlsa_conn *c) {
    size_t fl = cstr_len(file);
    char *p = buf_room(b, json_room(fl) + 96 + 3 * U64_DIGITS + TIME_ROOM);
    if (!p)
        return;
    p = PUT_LIT(p, "{\"file\":");
    p = put_json_cstr(p, file, fl);
    p = PUT_KEY(p, "conn");
    p = put_u64(p, c->index);
    p = PUT_KEY(p, "first_frame");
    p = put_u64(p, c->first_frame);
    p = PUT_KEY(p, "last_frame");
    p = put_u64(p, c->last_frame);
    p = PUT_KEY(p, "ts");
    p = put_time(p, c->first_ts);
    buf_commit(b, p);
}

/* Dotted decimal, as inet_ntop writes it. */
static char *put_ipv4(char *p, const uint8_t *a) {
    for (int i = 0; i < 4; i++) {
        if (i)
            *p++ = '.';
        p = put_u64(p, a[i]);
    }
    return p;
}

#define ADDR_TEXT 64

/* key: the literal ,"client":{"ip": (or server's). */
static void json_endpoint(tlsa_buf *b, const char *key, size_t key_len, const tlsa_endpoint *e) {
    char *p = buf_room(b, key_len + json_room(ADDR_TEXT) + 16 + U64_DIGITS);
    if (!p)
        return;
    p = put_mem(p, key, key_len);
    if (e->addr.family == 4) {
        *p++ = '"';
        p = put_ipv4(p, e->addr.bytes);
        *p++ = '"';
    } else if (e->addr.family) {
        char ip[ADDR_TEXT];
        tlsa_addr_str(&e->addr, ip, sizeof ip);
        p = put_json_str(p, ip, strnlen(ip, sizeof ip));
    } else {
        p = PUT_LIT(p, "null");
    }
    p = PUT_LIT(p, ",\"port\":");
    p = put_u64(p, e->port);
    *p++ = '}';
    buf_commit(b, p);
}
#define JSON_ENDPOINT(b, k, e)                                                                     \
    json_endpoint((b), ",\"" k "\":{\"ip\":", sizeof(",\"" k "\":{\"ip\":") - 1, (e))

/* A suite name is at most 255 bytes (uint8_t name_len); quotes and a comma around it. */
#define SUITE_ROOM (255 + 3)

/* A suite by its IANA name, which the generator guarantees is plain ASCII (copied, not escaped),
 * or "0xC0FF" when it has none (unassigned, GREASE). */
static char *put_suite(char *p, uint16_t s) {
    const tlsa_suite_info *si = tlsa_suite_lookup(s);
    *p++ = '"';
    if (si) {
        p = put_short(p, si->name, si->name_len);
    } else {
        p = PUT_LIT(p, "0x");
        for (int shift = 12; shift >= 0; shift -= 4)
            *p++ = hex_upper[(s >> shift) & 15];
    }
    *p++ = '"';
    return p;
}

static void json_suites(tlsa_buf *b, const tlsa_conn *c) {
    char *p = buf_room(b, 64 + SUITE_ROOM);
    if (!p)
        return;
    p = PUT_KEY(p, "cipher");
    p = c->has_suite ? put_suite(p, c->suite) : PUT_LIT(p, "null");
    p = PUT_KEY(p, "offered_suites");
    *p++ = '[';
    for (uint32_t i = 0; c->ch.suites.v && i < c->ch.suites.n; i++) {
        buf_commit(b, p);
        if (!(p = buf_room(b, SUITE_ROOM + 1)))
            return;
        if (i)
            *p++ = ',';
        p = put_suite(p, c->ch.suites.v[i]);
    }
    *p++ = ']';
    buf_commit(b, p);
}

/* Version names are only meaningful for known values; anything else is shown as hex. */
static void json_version(tlsa_buf *b, uint16_t v) {
    if (v == 0)
        JSON_LIT(b, "null");
    else
        json_cstr(b, tlsa_version_name(v));
}

static void json_alpn_versions(tlsa_buf *b, const tlsa_conn *c) {
    JSON_KEY(b, "sni");
    json_blob_or_null(b, &c->ch.sni);
    JSON_KEY(b, "alpn");
    json_blob_or_null(b, &c->sh.alpn);
    JSON_LIT(b, ",\"alpn_offered\":[");
    for (uint32_t i = 0; c->ch.alpn.v && i < c->ch.alpn.n; i++) {
        if (i)
            buf_putc(b, ',');
        tlsa_json_str(b, c->ch.alpn.v[i].data, c->ch.alpn.v[i].len);
    }
    buf_putc(b, ']');
    JSON_KEY(b, "version");
    json_version(b, c->version);
    JSON_LIT(b, ",\"offered_versions\":[");
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
}

/* kex, resumed, complete, stopped_at, mid_stream, handshakes. */
static void json_state(tlsa_buf *b, const tlsa_conn *c) {
    char kex[160], stop[160];
    tlsa_kex_str(c, kex, sizeof kex);
    if (!c->complete)
        tlsa_conn_stop_str(c, stop, sizeof stop);
    size_t kl = strnlen(kex, sizeof kex), sl = c->complete ? 0 : strnlen(stop, sizeof stop);
    char *p = buf_room(b, json_room(kl) + json_room(sl) + 128 + U64_DIGITS);
    if (!p)
        return;
    p = PUT_KEY(p, "kex");
    p = put_json_str(p, kex, kl);
    p = PUT_KEY(p, "resumed");
    p = put_bool(p, c->resumed);
    p = PUT_KEY(p, "complete");
    p = put_bool(p, c->complete);
    p = PUT_KEY(p, "stopped_at");
    p = c->complete ? PUT_LIT(p, "null") : put_json_str(p, stop, sl);
    p = PUT_KEY(p, "mid_stream");
    p = put_bool(p, c->mid_stream);
    p = PUT_KEY(p, "handshakes");
    p = put_u64(p, c->handshakes);
    buf_commit(b, p);
}

/* A fixed-size text field of the record: its text up to the first NUL, or null when empty. */
static char *put_note_or_null(char *p, const char *s, size_t len) {
    return len ? put_json_str(p, s, len) : PUT_LIT(p, "null");
}

static char *put_check(char *p, uint8_t v) {
    return v == 1   ? PUT_LIT(p, "\"verified\"")
           : v == 2 ? PUT_LIT(p, "\"mismatch\"")
                    : PUT_LIT(p, "\"unchecked\"");
}

/* What the keys revealed: "decrypted", "finished" per side, the TLS 1.3 server
 * "certificate_verify", and "keys_note" (why nothing was decrypted; null when keys worked or
 * none were given); then the "chain_verdict". */
static void json_keys(tlsa_buf *b, const tlsa_conn *c) {
    size_t nl = strnlen(c->keys_note, sizeof c->keys_note);
    size_t vl = strnlen(c->chain_verdict, sizeof c->chain_verdict);
    char *p = buf_room(b, json_room(nl) + json_room(vl) + 256 + U64_DIGITS);
    if (!p)
        return;
    p = PUT_KEY(p, "decrypted");
    p = put_bool(p, c->decrypted != 0);
    p = PUT_LIT(p, ",\"finished\":{\"client\":");
    p = put_check(p, c->finished_check[TLSA_FROM_CLIENT]);
    p = PUT_LIT(p, ",\"server\":");
    p = put_check(p, c->finished_check[TLSA_FROM_SERVER]);
    p = PUT_KEY(p, "verified");
    p = put_u64(p, c->finished_verified);
    *p++ = '}';
    p = PUT_KEY(p, "certificate_verify");
    p = c->cv_check == 1   ? PUT_LIT(p, "\"verified\"")
        : c->cv_check == 2 ? PUT_LIT(p, "\"invalid\"")
                           : PUT_LIT(p, "\"unchecked\"");
    p = PUT_KEY(p, "keys_note");
    p = put_note_or_null(p, c->keys_note, nl);
    p = PUT_KEY(p, "chain_verdict");
    p = put_note_or_null(p, c->chain_verdict, vl);
    buf_commit(b, p);
}

/* The fields of a parsed certificate up to the SAN list. */
static void json_cert_names(tlsa_buf *b, const tlsa_cert_info *c) {
    size_t sl = cstr_len(c->subject), il = cstr_len(c->issuer), nl = cstr_len(c->serial);
    size_t bl = strlen(c->not_before), al = strlen(c->not_after), kl = strlen(c->key);
    size_t gl = strlen(c->sig_alg);
    size_t strings = json_room(sl) + json_room(il) + json_room(nl) + json_room(bl) + json_room(al) +
                     json_room(kl) + json_room(gl);
    char *p = buf_room(b, strings + 128);
    if (!p)
        return;
    p = PUT_KEY(p, "subject");
    p = put_json_cstr(p, c->subject, sl);
    p = PUT_KEY(p, "issuer");
    p = put_json_cstr(p, c->issuer, il);
    p = PUT_KEY(p, "serial");
    p = put_json_cstr(p, c->serial, nl);
    p = PUT_KEY(p, "not_before");
    p = put_json_str(p, c->not_before, bl);
    p = PUT_KEY(p, "not_after");
    p = put_json_str(p, c->not_after, al);
    p = PUT_KEY(p, "key");
    p = put_json_str(p, c->key, kl);
    p = PUT_KEY(p, "sig_alg");
    p = put_json_str(p, c->sig_alg, gl);
    buf_commit(b, p);
}

static void json_cert(tlsa_buf *b, const tlsa_cert_info *c, size_t der_len) {
    bool parsed = c && c->parsed;
    if (parsed) {
        JSON_LIT(b, "{\"parsed\":true");
        json_cert_names(b, c);
        JSON_LIT(b, ",\"san\":[");
        for (uint32_t j = 0; c->san && j < c->n_san; j++) {
            if (j)
                buf_putc(b, ',');
            json_cstr(b, c->san[j]);
        }
        buf_putc(b, ']');
        JSON_KEY(b, "sha256");
        json_cstr(b, c->sha256);
    } else {
        JSON_LIT(b, "{\"parsed\":false");
    }
    char *p = buf_room(b, 64 + U64_DIGITS);
    if (!p)
        return;
    if (parsed) {
        p = PUT_KEY(p, "self_signed");
        p = put_bool(p, c->self_signed);
        p = PUT_KEY(p, "is_ca");
        p = put_bool(p, c->is_ca);
    }
    p = PUT_KEY(p, "der_len");
    p = put_u64(p, der_len);
    *p++ = '}';
    buf_commit(b, p);
}

/* key: the literal ,"certificates":[ (or client_certificates'). */
static void json_certs(tlsa_buf *b, const char *key, size_t key_len, const tlsa_cert_info *ci,
                       const tlsa_blob_list *chain) {
    json_lit(b, key, key_len);
    for (uint32_t i = 0; chain->v && i < chain->n; i++) {
        /* Without an auditor the chain is still listed, as DER sizes only. */
        if (i)
            buf_putc(b, ',');
        json_cert(b, ci ? &ci[i] : NULL, chain->v[i].len);
    }
    buf_putc(b, ']');
}
#define JSON_CERTS(b, k, ci, chain)                                                                \
    json_certs((b), ",\"" k "\":[", sizeof(",\"" k "\":[") - 1, (ci), (chain))

static void json_step(tlsa_buf *b, const tlsa_step *s, bool first) {
    const char *msg = tlsa_message_name(s->msg_type);
    size_t ml = cstr_len(msg), nl = strnlen(s->note, sizeof s->note);
    char *p = buf_room(b, json_room(ml) + json_room(nl) + 128 + 4 * U64_DIGITS);
    if (!p)
        return;
    if (!first)
        *p++ = ',';
    p = PUT_LIT(p, "{\"step\":");
    p = put_u64(p, s->step);
    p = s->who == TLSA_FROM_SERVER ? PUT_LIT(p, ",\"who\":\"server\",\"message\":")
                                   : PUT_LIT(p, ",\"who\":\"client\",\"message\":");
    p = put_json_cstr(p, msg, ml);
    p = PUT_KEY(p, "frame");
    p = put_u64(p, s->frame);
    p = PUT_KEY(p, "encrypted");
    p = put_bool(p, s->encrypted);
    if (s->decrypted)
        p = PUT_LIT(p, ",\"decrypted\":true");
    p = PUT_KEY(p, "length");
    p = put_u64(p, s->length);
    if (s->handshake > 0) {
        p = PUT_KEY(p, "handshake");
        p = put_u64(p, s->handshake);
    }
    if (nl) {
        p = PUT_KEY(p, "note");
        p = put_json_str(p, s->note, nl);
    }
    *p++ = '}';
    buf_commit(b, p);
}

static void json_steps(tlsa_buf *b, const tlsa_conn *c) {
    JSON_LIT(b, ",\"steps\":[");
    for (uint32_t i = 0; c->steps.v && i < c->steps.n; i++)
        json_step(b, &c->steps.v[i], i == 0);
    buf_putc(b, ']');
}

static void json_alert(tlsa_buf *b, const tlsa_alert *a, bool first) {
    const char *level = tlsa_alert_level_name(a->level), *desc = tlsa_alert_name(a->description);
    size_t ll = strlen(level), dl = cstr_len(desc);
    char *p = buf_room(b, ll + json_room(dl) + 128 + 2 * U64_DIGITS);
    if (!p)
        return;
    if (!first)
        *p++ = ',';
    p = PUT_LIT(p, "{\"frame\":");
    p = put_u64(p, a->frame);
    p = a->sender == TLSA_FROM_SERVER ? PUT_LIT(p, ",\"who\":\"server\",\"encrypted\":")
                                      : PUT_LIT(p, ",\"who\":\"client\",\"encrypted\":");
    p = put_bool(p, a->encrypted);
    if (!a->encrypted) {
        p = PUT_LIT(p, ",\"level\":\"");
        p = put_mem(p, level, ll); /* one of our three words */
        p = PUT_LIT(p, "\",\"description\":");
        p = put_json_cstr(p, desc, dl);
    }
    p = PUT_KEY(p, "step");
    p = put_u64(p, a->step);
    *p++ = '}';
    buf_commit(b, p);
}

static void json_alerts(tlsa_buf *b, const tlsa_conn *c) {
    JSON_LIT(b, ",\"alerts\":[");
    for (uint32_t i = 0; c->alerts && i < c->n_alerts; i++)
        json_alert(b, &c->alerts[i], i == 0);
    buf_putc(b, ']');
}

/* One direction's record counts: room for DIR_STATS_ROOM bytes. */
#define DIR_STATS_ROOM (160 + 7 * U64_DIGITS)

static char *put_dir_stats(char *p, const tlsa_dir_stats *d) {
    p = PUT_LIT(p, "{\"bytes\":");
    p = put_u64(p, d->bytes);
    p = PUT_KEY(p, "records");
    p = put_u64(p, d->records);
    p = PUT_KEY(p, "encrypted_records");
    p = put_u64(p, d->encrypted_records);
    p = PUT_KEY(p, "app_data_records");
    p = put_u64(p, d->app_data_records);
    p = PUT_KEY(p, "app_data_bytes");
    p = put_u64(p, d->app_data_bytes);
    p = PUT_KEY(p, "gaps");
    p = put_u64(p, d->gaps);
    p = PUT_KEY(p, "retransmissions");
    p = put_u64(p, d->retransmissions);
    *p++ = '}';
    return p;
}

static void json_records(tlsa_buf *b, const tlsa_conn *c) {
    char *p = buf_room(b, 2 * DIR_STATS_ROOM + 96 + 2 * U64_DIGITS);
    if (!p)
        return;
    p = PUT_LIT(p, ",\"records\":{\"client\":");
    p = put_dir_stats(p, &c->dir[TLSA_FROM_CLIENT]);
    p = PUT_LIT(p, ",\"server\":");
    p = put_dir_stats(p, &c->dir[TLSA_FROM_SERVER]);
    p = PUT_LIT(p, "},\"app_data_bytes\":{\"client\":");
    p = put_u64(p, c->dir[TLSA_FROM_CLIENT].app_data_bytes);
    p = PUT_LIT(p, ",\"server\":");
    p = put_u64(p, c->dir[TLSA_FROM_SERVER].app_data_bytes);
    *p++ = '}';
    buf_commit(b, p);
}

static void json_finding(tlsa_buf *b, const tlsa_finding *f, bool first) {
    const char *id = tlsa_finding_id_str((tlsa_finding_id)f->id);
    const char *sev = tlsa_severity_name((tlsa_severity)f->severity);
    const char *title = tlsa_finding_title((tlsa_finding_id)f->id);
    const char *detail = f->detail ? f->detail : "";
    size_t il = cstr_len(id), sl = cstr_len(sev), tl = cstr_len(title), dl = strlen(detail);
    char *p = buf_room(b, json_room(il) + json_room(sl) + json_room(tl) + json_room(dl) + 64);
    if (!p)
        return;
    if (!first)
        *p++ = ',';
    p = PUT_LIT(p, "{\"id\":");
    p = put_json_cstr(p, id, il);
    p = PUT_KEY(p, "severity");
    p = put_json_cstr(p, sev, sl);
    p = PUT_KEY(p, "title");
    p = put_json_cstr(p, title, tl);
    p = PUT_KEY(p, "detail");
    p = put_json_str(p, detail, dl);
    p = PUT_LIT(p, ",\"frames\":[");
    for (uint32_t j = 0; f->frames && j < f->n_frames; j++) {
        buf_commit(b, p);
        if (!(p = buf_room(b, U64_DIGITS + 3)))
            return;
        if (j)
            *p++ = ',';
        p = put_u64(p, f->frames[j]);
    }
    p = PUT_LIT(p, "]}");
    buf_commit(b, p);
}

static void json_findings(tlsa_buf *b, const tlsa_conn *c) {
    JSON_LIT(b, ",\"findings\":[");
    for (uint32_t i = 0; c->findings && i < c->n_findings; i++)
        json_finding(b, &c->findings[i], i == 0);
    buf_putc(b, ']');
}

void tlsa_json_conn(tlsa_buf *b, const char *file, const tlsa_conn *c) {
    json_head(b, file, c);
    JSON_ENDPOINT(b, "client", &c->client);
    JSON_ENDPOINT(b, "server", &c->server);
    json_alpn_versions(b, c);
    json_suites(b, c);
    json_state(b, c);
    json_keys(b, c);
    JSON_CERTS(b, "certificates", c->server_certs, &c->server_chain);
    JSON_CERTS(b, "client_certificates", c->client_certs, &c->client_chain);
    json_steps(b, c);
    json_alerts(b, c);
    json_records(b, c);
    json_findings(b, c);
    buf_putc(b, '}');
}
