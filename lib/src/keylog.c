/* NSS key log ("SSLKEYLOGFILE") parsing and lookup.
 *
 *   line    = label SP id-hex SP secret-hex [CR] LF     (any run of spaces/tabs separates)
 *   comment = "#" ...   blank lines are skipped
 *
 * Entries live in one array; an open-addressing hash table over (label, id) indexes it, so a
 * lookup is O(1). Bad lines are counted (and the first TLSA_KEYLOG_BAD_KEPT remembered with their
 * line number); they never stop parsing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"
#include "tlsaudit/keys.h"

enum { F_USED = 1, F_REPORTED = 2 };

typedef struct kentry {
    uint8_t label, id_len, secret_len, flags;
    uint32_t line;
    uint32_t source;
    uint8_t id[TLSA_KEY_ID_MAX];
    uint8_t secret[TLSA_KEY_SECRET_MAX];
} kentry;

struct tlsa_keylog {
    kentry *v;
    size_t n, cap;
    uint32_t *slots; /* entry index + 1; 0 = empty */
    size_t nslots;   /* power of two, at least 2 * cap */
    size_t counts[TLSA_KEY__COUNT];
    size_t dups;
    size_t bad;
    tlsa_keylog_bad badv[TLSA_KEYLOG_BAD_KEPT];
    char **sources;
    size_t nsources;
    tlsa_keylog *fallback; /* searched on a miss; not owned */
};

static const char *const label_names[TLSA_KEY__COUNT] = {
    "CLIENT_RANDOM",
    "CLIENT_EARLY_TRAFFIC_SECRET",
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
    "EARLY_EXPORTER_SECRET",
    "EXPORTER_SECRET",
    "RSA",
};

const char *tlsa_key_label_name(tlsa_key_label label) {
    return (unsigned)label < TLSA_KEY__COUNT ? label_names[label] : "?";
}

tlsa_keylog *tlsa_keylog_new(void) {
    return calloc(1, sizeof(tlsa_keylog));
}

void tlsa_keylog_free(tlsa_keylog *kl) {
    if (!kl)
        return;
    for (size_t i = 0; i < kl->nsources; i++)
        free(kl->sources[i]);
    free(kl->sources);
    free(kl->slots);
    free(kl->v);
    free(kl);
}

/* FNV-1a over the label and the id. */
static size_t key_hash(unsigned label, const uint8_t *id, size_t id_len) {
    uint64_t h = 1469598103934665603ull;
    h = (h ^ label) * 1099511628211ull;
    for (size_t i = 0; i < id_len; i++)
        h = (h ^ id[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 29));
}

/* Slot holding (label, id), or the empty slot where it would go. */
static size_t slot_of(const tlsa_keylog *kl, unsigned label, const uint8_t *id, size_t id_len) {
    size_t mask = kl->nslots - 1;
    size_t s = key_hash(label, id, id_len) & mask;
    for (;;) {
        uint32_t idx = kl->slots[s];
        if (idx == 0)
            return s;
        const kentry *e = &kl->v[idx - 1];
        if (e->label == label && e->id_len == id_len && memcmp(e->id, id, id_len) == 0)
            return s;
        s = (s + 1) & mask;
    }
}

static tlsa_err grow(tlsa_keylog *kl) {
    size_t cap = kl->cap ? kl->cap * 2 : 16;
    if (cap > UINT32_MAX / 4)
        return TLSA_E_NO_MEMORY;
    uint32_t *slots = calloc(cap * 2, sizeof *slots);
    if (!slots)
        return TLSA_E_NO_MEMORY;
    kentry *v = realloc(kl->v, cap * sizeof *v);
    if (!v) {
        free(slots);
        return TLSA_E_NO_MEMORY;
    }
    kl->v = v;
    kl->cap = cap;
    free(kl->slots);
    kl->slots = slots;
    kl->nslots = cap * 2;
    for (size_t i = 0; i < kl->n; i++) {
        const kentry *e = &kl->v[i];
        kl->slots[slot_of(kl, e->label, e->id, e->id_len)] = (uint32_t)(i + 1);
    }
    return TLSA_E_OK;
}

static void note_bad(tlsa_keylog *kl, uint32_t line, const char *reason) {
    if (kl->bad < TLSA_KEYLOG_BAD_KEPT) {
        tlsa_keylog_bad *b = &kl->badv[kl->bad];
        b->source = kl->sources[kl->nsources - 1];
        b->line = line;
        b->reason = reason;
    }
    kl->bad++;
}

static int is_space(uint8_t c) {
    return c == ' ' || c == '\t' || c == '\r';
}

static int hexval(uint8_t c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Splits the next whitespace-separated token off the line; returns 0 at the end of the line. */
static int next_token(tlsa_cur *line, tlsa_cur *tok) {
    while (tlsa_cur_left(line) > 0 && is_space(*tlsa_cur_ptr(line)))
        line->pos++;
    if (tlsa_cur_left(line) == 0)
        return 0;
    size_t n = 0;
    while (n < tlsa_cur_left(line) && !is_space(tlsa_cur_ptr(line)[n]))
        n++;
    return tlsa_cur_sub(line, n, tok) == TLSA_E_OK;
}

/* Decodes a hex token of exactly 2*want bytes' worth into out (want = 0: any of 32/48/64). */
static const char *decode_hex(tlsa_cur *tok, uint8_t *out, size_t want, size_t *got,
                              const char *not_hex, const char *bad_len) {
    size_t n = tlsa_cur_left(tok);
    for (size_t i = 0; i < n; i++)
        if (hexval(tlsa_cur_ptr(tok)[i]) < 0)
            return not_hex;
    if (n % 2 != 0)
        return bad_len;
    n /= 2;
    if (want ? n != want : (n != 32 && n != 48 && n != 64))
        return bad_len;
    for (size_t i = 0; i < n; i++) {
        uint8_t hi = 0, lo = 0;
        if (tlsa_cur_u8(tok, &hi) != TLSA_E_OK || tlsa_cur_u8(tok, &lo) != TLSA_E_OK)
            return bad_len;
        out[i] = (uint8_t)(hexval(hi) << 4 | hexval(lo));
    }
    *got = n;
    return NULL;
}

static int label_of(const tlsa_cur *tok) {
    size_t n = tlsa_cur_left(tok);
    for (int l = 0; l < TLSA_KEY__COUNT; l++)
        if (strlen(label_names[l]) == n && memcmp(label_names[l], tlsa_cur_ptr(tok), n) == 0)
            return l;
    return -1;
}

/* One line (without its LF). Returns a reason when it is bad, NULL when fine or skipped. */
static const char *parse_line(tlsa_keylog *kl, tlsa_cur line, uint32_t lineno, tlsa_err *err) {
    tlsa_cur tok;
    if (!next_token(&line, &tok) || *tlsa_cur_ptr(&tok) == '#')
        return NULL;
    int label = label_of(&tok);
    if (label < 0)
        return "unknown label";
    kentry e;
    memset(&e, 0, sizeof e);
    e.label = (uint8_t)label;
    e.line = lineno;
    e.source = (uint32_t)(kl->nsources - 1);
    size_t idn = 0, sn = 0;
    const char *why;
    if (!next_token(&line, &tok))
        return "missing id";
    why = decode_hex(&tok, e.id, label == TLSA_KEY_RSA ? 8 : 32, &idn, "id is not hex",
                     "id has the wrong length");
    if (why)
        return why;
    if (!next_token(&line, &tok))
        return "missing secret";
    why = decode_hex(&tok, e.secret,
                     label == TLSA_KEY_RSA || label == TLSA_KEY_CLIENT_RANDOM ? 48 : 0, &sn,
                     "secret is not hex", "secret has the wrong length");
    if (why)
        return why;
    if (next_token(&line, &tok))
        return "extra field after the secret";
    e.id_len = (uint8_t)idn;
    e.secret_len = (uint8_t)sn;

    if (kl->n == kl->cap && (*err = grow(kl)) != TLSA_E_OK)
        return NULL;
    size_t s = slot_of(kl, e.label, e.id, e.id_len);
    if (kl->slots[s] != 0) {
        kl->dups++;
        return NULL;
    }
    kl->v[kl->n] = e;
    kl->slots[s] = (uint32_t)(++kl->n);
    kl->counts[label]++;
    return NULL;
}

tlsa_err tlsa_keylog_add_text(tlsa_keylog *kl, const char *source, const char *text, size_t len) {
    if (!kl || (!text && len))
        return TLSA_E_INVALID_ARGUMENT;
    char **srcs = realloc(kl->sources, (kl->nsources + 1) * sizeof *srcs);
    if (!srcs)
        return TLSA_E_NO_MEMORY;
    kl->sources = srcs;
    char *name = strdup(source ? source : "key log");
    if (!name)
        return TLSA_E_NO_MEMORY;
    kl->sources[kl->nsources++] = name;

    tlsa_cur c = tlsa_cur_make((const uint8_t *)text, len);
    uint32_t lineno = 0;
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
        TLSA_TRY(tlsa_cur_skip(&c, 3));
    while (tlsa_cur_left(&c) > 0) {
        lineno++;
        const uint8_t *nl = memchr(tlsa_cur_ptr(&c), '\n', tlsa_cur_left(&c));
        size_t n = nl ? (size_t)(nl - tlsa_cur_ptr(&c)) : tlsa_cur_left(&c);
        tlsa_cur line;
        TLSA_TRY(tlsa_cur_sub(&c, n, &line));
        if (nl)
            TLSA_TRY(tlsa_cur_skip(&c, 1));
        tlsa_err err = TLSA_E_OK;
        const char *why = parse_line(kl, line, lineno, &err);
        TLSA_TRY(err);
        if (why)
            note_bad(kl, lineno, why);
    }
    return TLSA_E_OK;
}

tlsa_err tlsa_keylog_load_file(tlsa_keylog *kl, const char *path) {
    if (!kl || !path)
        return TLSA_E_INVALID_ARGUMENT;
    FILE *f = fopen(path, "rb");
    if (!f)
        return TLSA_E_IO;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    tlsa_err e = TLSA_E_OK;
    for (;;) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 4096;
            char *nb = ncap > cap ? realloc(buf, ncap) : NULL;
            if (!nb) {
                e = TLSA_E_NO_MEMORY;
                break;
            }
            buf = nb;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0) {
            if (ferror(f))
                e = TLSA_E_IO;
            break;
        }
    }
    fclose(f);
    if (e == TLSA_E_OK)
        e = tlsa_keylog_add_text(kl, path, buf, len);
    free(buf);
    return e;
}

size_t tlsa_keylog_size(const tlsa_keylog *kl) {
    return kl ? kl->n : 0;
}

size_t tlsa_keylog_count(const tlsa_keylog *kl, tlsa_key_label label) {
    return kl && (unsigned)label < TLSA_KEY__COUNT ? kl->counts[label] : 0;
}

size_t tlsa_keylog_duplicates(const tlsa_keylog *kl) {
    return kl ? kl->dups : 0;
}
size_t tlsa_keylog_bad_count(const tlsa_keylog *kl) {
    return kl ? kl->bad : 0;
}

const tlsa_keylog_bad *tlsa_keylog_bad_at(const tlsa_keylog *kl, size_t i) {
    if (!kl || i >= kl->bad || i >= TLSA_KEYLOG_BAD_KEPT)
        return NULL;
    return &kl->badv[i];
}

static void view(const tlsa_keylog *kl, const kentry *e, tlsa_key_entry *out) {
    out->label = (tlsa_key_label)e->label;
    out->id = e->id;
    out->id_len = e->id_len;
    out->secret = e->secret;
    out->secret_len = e->secret_len;
    out->source = kl->sources[e->source];
    out->line = e->line;
}

static kentry *lookup(const tlsa_keylog *kl, tlsa_key_label label, const uint8_t *id,
                      size_t id_len) {
    if (!kl || kl->n == 0 || (unsigned)label >= TLSA_KEY__COUNT || !id || id_len > TLSA_KEY_ID_MAX)
        return NULL;
    uint32_t idx = kl->slots[slot_of(kl, label, id, id_len)];
    return idx ? &kl->v[idx - 1] : NULL;
}

int tlsa_keylog_find(tlsa_keylog *kl, tlsa_key_label label, const uint8_t *id, size_t id_len,
                     tlsa_key_entry *out) {
    kentry *e = lookup(kl, label, id, id_len);
    if (!e)
        return kl && kl->fallback && kl->fallback != kl
                   ? tlsa_keylog_find(kl->fallback, label, id, id_len, out)
                   : 0;
    e->flags |= F_USED;
    if (out)
        view(kl, e, out);
    return 1;
}

int tlsa_keylog_has_random(const tlsa_keylog *kl, const uint8_t random[32]) {
    for (int l = 0; l < TLSA_KEY__COUNT; l++)
        if (l != TLSA_KEY_RSA && lookup(kl, (tlsa_key_label)l, random, 32))
            return 1;
    return kl && kl->fallback && kl->fallback != kl ? tlsa_keylog_has_random(kl->fallback, random)
                                                    : 0;
}

void tlsa_keylog_set_fallback(tlsa_keylog *kl, tlsa_keylog *fallback) {
    if (kl)
        kl->fallback = fallback;
}

/* Whether a connection used any secret logged for this client random (its exporter secrets,
 * say, are never looked up, but they did match a connection). */
static int random_used(const tlsa_keylog *kl, const kentry *e) {
    if (e->label == TLSA_KEY_RSA)
        return 0;
    for (int l = 0; l < TLSA_KEY__COUNT; l++) {
        const kentry *o = l == TLSA_KEY_RSA ? NULL : lookup(kl, (tlsa_key_label)l, e->id, 32);
        if (o && (o->flags & F_USED))
            return 1;
    }
    return 0;
}

size_t tlsa_keylog_report_unused(tlsa_keylog *kl, tlsa_key_entry_fn fn, void *ud) {
    size_t n = 0;
    for (size_t i = 0; kl && i < kl->n; i++) {
        kentry *e = &kl->v[i];
        if ((e->flags & (F_USED | F_REPORTED)) || random_used(kl, e))
            continue;
        e->flags |= F_REPORTED;
        n++;
        if (fn) {
            tlsa_key_entry v;
            view(kl, e, &v);
            fn(ud, &v);
        }
    }
    return n;
}
