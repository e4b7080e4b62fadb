/* Policy profiles: built-ins from policy_gen.c and the `key = value` file format of
 * docs/policy.md. */
#include "policy.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tlsaudit/conn.h"
#include "tlsaudit/names.h"

#define POLICY_MAX_FILE (1u << 20)
#define POLICY_MAX_LIST 4096

static const struct {
    const char *name;
    uint16_t v;
} version_names[] = {
    {"SSLv2", TLSA_V_SSL2},    {"SSLv3", TLSA_V_SSL3},    {"TLSv1", TLSA_V_TLS10},
    {"TLSv1.0", TLSA_V_TLS10}, {"TLSv1.1", TLSA_V_TLS11}, {"TLSv1.2", TLSA_V_TLS12},
    {"TLSv1.3", TLSA_V_TLS13},
};

const char *tlsa_policy_version_str(uint16_t v, char *buf, size_t size) {
    for (size_t i = 0; i < sizeof version_names / sizeof version_names[0]; i++)
        if (version_names[i].v == v && strcmp(version_names[i].name, "TLSv1.0") != 0)
            return version_names[i].name;
    snprintf(buf, size, "0x%04x", v);
    return buf;
}

static bool list_copy(tlsa_policy_list *l, const uint16_t *v, size_t n) {
    l->set = true;
    l->n = 0;
    l->v = malloc((n ? n : 1) * sizeof *l->v);
    if (!l->v)
        return false;
    memcpy(l->v, v, n * sizeof *v);
    l->n = (uint32_t)n;
    return true;
}

tlsa_policy *tlsa_policy_builtin_new(const char *name) {
    const tlsa_policy_builtin *b = NULL;
    for (size_t i = 0; i < tlsa_policy_n_builtins; i++)
        if (name && strcmp(tlsa_policy_builtins[i].name, name) == 0)
            b = &tlsa_policy_builtins[i];
    if (!b)
        return NULL;
    tlsa_policy *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    snprintf(p->name, sizeof p->name, "%s", b->name);
    if (!list_copy(&p->versions, b->versions, b->n_versions) ||
        !list_copy(&p->suites, b->suites, b->n_suites) ||
        !list_copy(&p->suites13, b->suites13, b->n_suites13) ||
        !list_copy(&p->groups, b->groups, b->n_groups)) {
        tlsa_policy_free(p);
        return NULL;
    }
    p->min_rsa_bits = b->min_rsa_bits;
    p->min_dh_bits = b->min_dh_bits;
    p->min_ecdh_bits = b->min_ecdh_bits;
    return p;
}

void tlsa_policy_free(tlsa_policy *p) {
    if (!p)
        return;
    free(p->versions.v);
    free(p->suites.v);
    free(p->suites13.v);
    free(p->groups.v);
    free(p);
}

static bool list_has(const tlsa_policy_list *l, uint16_t v) {
    if (!l->set)
        return true;
    for (uint32_t i = 0; i < l->n; i++)
        if (l->v[i] == v)
            return true;
    return false;
}

bool tlsa_policy_allows_version(const tlsa_policy *p, uint16_t v) {
    return list_has(&p->versions, v);
}

bool tlsa_policy_allows_suite(const tlsa_policy *p, uint16_t suite, bool tls13) {
    return list_has(tls13 ? &p->suites13 : &p->suites, suite);
}

bool tlsa_policy_allows_group(const tlsa_policy *p, uint16_t group) {
    return list_has(&p->groups, group);
}

/* ---- the file format ---- */

typedef struct parse_ctx {
    const char *file;
    unsigned line;
    char *msg;
    size_t msgsize;
} parse_ctx;

static bool fail(parse_ctx *px, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(parse_ctx *px, const char *fmt, ...) {
    if (px->msg && px->msgsize) {
        int n = snprintf(px->msg, px->msgsize, "%s:%u: ", px->file, px->line);
        if (n >= 0 && (size_t)n < px->msgsize) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(px->msg + n, px->msgsize - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return false;
}

static bool parse_hex16(const char *tok, uint16_t *out) {
    if (tok[0] != '0' || (tok[1] != 'x' && tok[1] != 'X') || !tok[2])
        return false;
    unsigned long v = 0;
    for (const char *s = tok + 2; *s; s++) {
        if (!isxdigit((unsigned char)*s))
            return false;
        v = v * 16 + (unsigned long)(isdigit((unsigned char)*s)
                                         ? *s - '0'
                                         : tolower((unsigned char)*s) - 'a' + 10);
        if (v > 0xFFFF)
            return false;
    }
    *out = (uint16_t)v;
    return true;
}

static bool lookup_version(const char *tok, uint16_t *out) {
    for (size_t i = 0; i < sizeof version_names / sizeof version_names[0]; i++)
        if (strcasecmp(version_names[i].name, tok) == 0) {
            *out = version_names[i].v;
            return true;
        }
    return parse_hex16(tok, out);
}

static bool lookup_suite(const char *tok, uint16_t *out) {
    if (parse_hex16(tok, out))
        return true;
    for (uint32_t id = 0; id <= 0xFFFF; id++) {
        const tlsa_suite_info *si = tlsa_suite_lookup((uint16_t)id);
        if (si && si->name && strcmp(si->name, tok) == 0) {
            *out = (uint16_t)id;
            return true;
        }
    }
    return false;
}

static bool lookup_group(const char *tok, uint16_t *out) {
    static const struct {
        const char *alias;
        uint16_t id;
    } aliases[] = {{"prime256v1", 0x0017}, {"P-256", 0x0017},  {"P-384", 0x0018},
                   {"P-521", 0x0019},      {"x25519", 0x001D}, {"x448", 0x001E}};
    if (parse_hex16(tok, out))
        return true;
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(aliases[i].alias, tok) == 0) {
            *out = aliases[i].id;
            return true;
        }
    for (uint32_t id = 0; id <= 0xFFFF; id++) {
        const char *n = tlsa_group_name((uint16_t)id);
        if (n && strcmp(n, "unknown") != 0 && strcasecmp(n, tok) == 0) {
            *out = (uint16_t)id;
            return true;
        }
    }
    return false;
}

typedef bool (*lookup_fn)(const char *tok, uint16_t *out);

static bool parse_list(parse_ctx *px, const char *key, char *value, lookup_fn fn,
                       tlsa_policy_list *l) {
    uint16_t tmp[POLICY_MAX_LIST];
    uint32_t n = 0;
    for (char *save = NULL, *tok = strtok_r(value, " \t,:", &save); tok;
         tok = strtok_r(NULL, " \t,:", &save)) {
        if (n == POLICY_MAX_LIST)
            return fail(px, "%s: more than %u entries", key, POLICY_MAX_LIST);
        if (!fn(tok, &tmp[n]))
            return fail(px, "%s: unknown name \"%s\"", key, tok);
        n++;
    }
    free(l->v);
    l->v = NULL;
    if (!list_copy(l, tmp, n))
        return fail(px, "out of memory");
    return true;
}

static bool parse_uint(parse_ctx *px, const char *key, const char *value, uint32_t *out) {
    char *end;
    errno = 0;
    if (!isdigit((unsigned char)value[0]))
        return fail(px, "%s: \"%s\" is not a number", key, value);
    unsigned long v = strtoul(value, &end, 10);
    if (errno || *end || v > 65536)
        return fail(px, "%s: \"%s\" is not a number from 0 to 65536", key, value);
    *out = (uint32_t)v;
    return true;
}

static char *trim(char *s) {
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = 0;
    return s;
}

static bool parse_line(parse_ctx *px, tlsa_policy *p, char *line, unsigned *seen) {
    static const char *const keys[] = {"base",         "tls_versions", "ciphers",
                                       "ciphersuites", "groups",       "certificate_min_rsa_bits",
                                       "dh_min_bits"};
    char *hash = strchr(line, '#');
    if (hash)
        *hash = 0;
    char *s = trim(line);
    if (!*s)
        return true;
    char *eq = strchr(s, '=');
    if (!eq)
        return fail(px, "expected \"key = value\"");
    *eq = 0;
    char *key = trim(s), *value = trim(eq + 1);
    size_t k = 0;
    while (k < sizeof keys / sizeof keys[0] && strcmp(keys[k], key) != 0)
        k++;
    if (k == sizeof keys / sizeof keys[0])
        return fail(px, "unknown key \"%s\"", key);
    if (*seen & (1u << k))
        return fail(px, "\"%s\" given twice", key);
    *seen |= 1u << k;
    switch (k) {
    case 0: {
        if (*seen != 1u)
            return fail(px, "\"base\" must come before the other keys");
        tlsa_policy *b = tlsa_policy_builtin_new(value);
        if (!b)
            return fail(px, "base: unknown profile \"%s\" (modern, intermediate, old)", value);
        char name[sizeof p->name];
        memcpy(name, p->name, sizeof name);
        *p = *b;
        memcpy(p->name, name, sizeof name);
        free(b); /* its lists now belong to p */
        return true;
    }
    case 1:
        return parse_list(px, key, value, lookup_version, &p->versions);
    case 2:
        return parse_list(px, key, value, lookup_suite, &p->suites);
    case 3:
        return parse_list(px, key, value, lookup_suite, &p->suites13);
    case 4:
        return parse_list(px, key, value, lookup_group, &p->groups);
    case 5:
        return parse_uint(px, key, value, &p->min_rsa_bits);
    default:
        return parse_uint(px, key, value, &p->min_dh_bits);
    }
}

tlsa_policy *tlsa_policy_parse(const char *name, const char *text, size_t len, tlsa_err *err,
                               char *msg, size_t msgsize) {
    parse_ctx px = {name ? name : "policy", 0, msg, msgsize};
    tlsa_policy *p = calloc(1, sizeof *p);
    char *buf = malloc(len + 1);
    if (!p || !buf) {
        free(buf);
        free(p);
        *err = TLSA_E_NO_MEMORY;
        return NULL;
    }
    snprintf(p->name, sizeof p->name, "%s", px.file);
    memcpy(buf, text, len);
    buf[len] = 0;
    unsigned seen = 0;
    bool ok = true;
    char *line = buf;
    while (ok && line <= buf + len) {
        char *nl = memchr(line, '\n', (size_t)(buf + len - line));
        if (nl)
            *nl = 0;
        px.line++;
        if (strlen(line) != (size_t)((nl ? nl : buf + len) - line))
            ok = fail(&px, "NUL byte in line");
        else
            ok = parse_line(&px, p, line, &seen);
        if (!nl)
            break;
        line = nl + 1;
    }
    free(buf);
    if (!ok) {
        tlsa_policy_free(p);
        *err = TLSA_E_BAD_VALUE;
        return NULL;
    }
    *err = TLSA_E_OK;
    return p;
}

tlsa_policy *tlsa_policy_load(const char *path, tlsa_err *err, char *msg, size_t msgsize) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (msg && msgsize)
            snprintf(msg, msgsize, "%s: cannot open policy file: %s", path, strerror(errno));
        *err = TLSA_E_IO;
        return NULL;
    }
    char *text = malloc(POLICY_MAX_FILE + 1);
    size_t n = text ? fread(text, 1, POLICY_MAX_FILE + 1, f) : 0;
    bool bad = !text || ferror(f) || n > POLICY_MAX_FILE;
    fclose(f);
    if (bad) {
        if (msg && msgsize)
            snprintf(msg, msgsize, "%s: cannot read policy file (unreadable or over %u bytes)",
                     path, POLICY_MAX_FILE);
        free(text);
        *err = text ? TLSA_E_IO : TLSA_E_NO_MEMORY;
        return NULL;
    }
    tlsa_policy *p = tlsa_policy_parse(path, text, n, err, msg, msgsize);
    free(text);
    return p;
}

const char *const *tlsa_policy_names(void) {
    static const char *const names[] = {"modern", "intermediate", "old", NULL};
    return names;
}
