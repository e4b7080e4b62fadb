/* File-scope copies of library texts with the library's escaping (controls, terminal escapes,
 * invalid UTF-8 and the backslash become \xNN): the tree escapes what it shows, but tap tables
 * (-z tlsaudit,table) are printed by tshark as they are. NULL stays NULL.
 * Most texts are plain ASCII and many repeat (message names, explanations, suites, certificate
 * names): plain text is copied without the escaper, and repeating text is stored once. */
#include "plugin.h"

#include <string.h>

static wmem_map_t *interned; /* raw text → escaped copy, both file scope */

/* The library's fixed texts (message names, step explanations) come as the same pointers again
 * and again: a small pointer-keyed cache in front of the map saves hashing them. The text is
 * compared too, so a pointer whose text changed is not taken for another. */
#define CONST_CACHE 64
static struct { const char *ptr, *raw, *val; } const_cache[CONST_CACHE];

void pl_text_init(void) {
    interned = wmem_map_new(wmem_file_scope(), g_str_hash, g_str_equal);
    memset(const_cache, 0, sizeof const_cache);
}

void pl_text_clear(void) {
    interned = NULL; /* the memory goes with the file scope */
    memset(const_cache, 0, sizeof const_cache);
}

/* Printable ASCII without a backslash: text the escaper would leave as it is. */
static gboolean is_plain(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch < 0x20 || ch >= 0x7F || ch == '\\')
            return FALSE;
    }
    return TRUE;
}

static const char *escaped(const char *s, size_t n) {
    if (is_plain(s, n))
        return wmem_strndup(wmem_file_scope(), s, n);
    tlsa_buf b = {0};
    tlsa_text_str(&b, (const uint8_t *)s, n);
    const char *out = wmem_strdup(wmem_file_scope(), b.data ? b.data : "");
    tlsa_buf_free(&b);
    return out;
}

const char *pl_text_copy(const char *s, gssize len) {
    if (s == NULL)
        return NULL;
    return escaped(s, len < 0 ? strlen(s) : (size_t)len);
}

/* The stored copy of the n bytes at s (no NUL among them; terminated: a NUL follows them);
 * *raw: the stored raw text. */
static const char *intern(const char *s, size_t n, gboolean terminated, const char **raw) {
    char *key = terminated ? (char *)s : g_strndup(s, n);
    const void *stored = NULL;
    void *v = NULL;
    if (!wmem_map_lookup_extended(interned, key, &stored, &v)) {
        v = (void *)escaped(s, n);
        stored = strcmp((const char *)v, key) == 0 ? v : wmem_strndup(wmem_file_scope(), s, n);
        wmem_map_insert(interned, stored, v);
    }
    if (key != s)
        g_free(key);
    *raw = (const char *)stored;
    return (const char *)v;
}

const char *pl_text_intern(const char *s, gssize len) {
    if (s == NULL)
        return NULL;
    size_t n = len < 0 ? strlen(s) : (size_t)len;
    /* Text with a NUL inside cannot be a key; it is rare (wire data): copy it. */
    if (interned == NULL || memchr(s, '\0', n) != NULL)
        return escaped(s, n);
    const char *raw;
    return intern(s, n, len < 0, &raw);
}

const char *pl_text_const(const char *s) {
    if (s == NULL)
        return NULL;
    if (interned == NULL)
        return pl_text_copy(s, -1);
    guint slot = (guint)(((guintptr)s >> 3) * 2654435761u) % CONST_CACHE;
    if (const_cache[slot].ptr == s && strcmp(const_cache[slot].raw, s) == 0)
        return const_cache[slot].val;
    const char *raw;
    const char *v = intern(s, strlen(s), TRUE, &raw);
    const_cache[slot].ptr = s;
    const_cache[slot].raw = raw;
    const_cache[slot].val = v;
    return v;
}
