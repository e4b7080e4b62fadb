/* Aggregation per server: one entry per (ip:port, SNI) over every input, worst first. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static bool grow(void **v, size_t elem, uint32_t n) {
    /* Arrays grow in powers of two: reallocate when n reaches one. */
    if (n && (n & (n - 1)))
        return true;
    void *p = realloc(*v, (n ? n * 2 : 4) * elem);
    if (!p)
        return false;
    *v = p;
    return true;
}

static void count(cli_count **v, uint32_t *n, uint32_t key, uint8_t sev) {
    for (uint32_t i = 0; i < *n; i++)
        if ((*v)[i].key == key) {
            (*v)[i].n++;
            if (sev > (*v)[i].severity)
                (*v)[i].severity = sev;
            return;
        }
    if (!grow((void **)v, sizeof **v, *n))
        return;
    (*v)[*n] = (cli_count){key, 1, sev};
    (*n)++;
}

static bool same_sni(const tlsa_blob *a, const tlsa_blob *b) {
    return a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

/* Where each server is in s->v, by (address, SNI): open addressing over positions + 1, kept at
 * most half full. A folder of captures can hold tens of thousands of servers. */
typedef struct server_index {
    size_t *slot;
    size_t cap;
} server_index;

static size_t key_hash(const char *addr, const tlsa_blob *sni) {
    uint64_t h = 1469598103934665603ull;
    for (const char *p = addr; *p; p++)
        h = (h ^ (uint8_t)*p) * 1099511628211ull;
    h = (h ^ 0xFF) * 1099511628211ull; /* separates "a"+"bc" from "ab"+"c" */
    for (uint32_t i = 0; i < sni->len; i++)
        h = (h ^ sni->data[i]) * 1099511628211ull;
    return (size_t)(h ^ (h >> 32));
}

static void index_put(server_index *x, const cli_servers *s, size_t pos) {
    size_t i = key_hash(s->v[pos].addr, &s->v[pos].sni) & (x->cap - 1);
    while (x->slot[i])
        i = (i + 1) & (x->cap - 1);
    x->slot[i] = pos + 1;
}

/* Makes room for one more server; false when out of memory. */
static bool index_room(server_index *x, const cli_servers *s) {
    if ((s->n + 1) * 2 <= x->cap)
        return true;
    size_t cap = x->cap ? x->cap * 2 : 64;
    size_t *slot = calloc(cap, sizeof *slot);
    if (!slot)
        return false;
    free(x->slot);
    x->slot = slot;
    x->cap = cap;
    for (size_t i = 0; i < s->n; i++)
        index_put(x, s, i);
    return true;
}

static cli_server *find(cli_servers *s, server_index *x, const cli_conn_sum *c) {
    for (size_t i = x->cap ? key_hash(c->server, &c->sni) & (x->cap - 1) : 0; x->cap && x->slot[i];
         i = (i + 1) & (x->cap - 1)) {
        cli_server *sv = &s->v[x->slot[i] - 1];
        if (!strcmp(sv->addr, c->server) && same_sni(&sv->sni, &c->sni))
            return sv;
    }
    if (!index_room(x, s) || !grow((void **)&s->v, sizeof *s->v, (uint32_t)s->n))
        return NULL;
    cli_server *sv = &s->v[s->n];
    memset(sv, 0, sizeof *sv);
    memcpy(sv->addr, c->server, sizeof sv->addr);
    sv->sni = c->sni; /* borrowed from the summary, which outlives the servers */
    sv->worst = -1;
    sv->seen = s->n;
    index_put(x, s, s->n++);
    return sv;
}

static void add_cert(cli_server *sv, const cli_cert_sum *c) {
    for (uint32_t i = 0; i < sv->n_certs; i++)
        if (!strcmp(sv->certs[i]->sha256, c->sha256))
            return;
    if (!grow((void **)&sv->certs, sizeof *sv->certs, sv->n_certs))
        return;
    sv->certs[sv->n_certs++] = c;
}

static int by_count(const void *a, const void *b) {
    const cli_count *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key;
}

static int by_severity(const void *a, const void *b) {
    const cli_count *x = a, *y = b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    return x->key < y->key ? -1 : x->key > y->key; /* catalogue order */
}

/* Worst severity first; among equals, first seen first. */
static int by_worst(const void *a, const void *b) {
    const cli_server *x = a, *y = b;
    if (x->worst != y->worst)
        return x->worst > y->worst ? -1 : 1;
    return x->seen < y->seen ? -1 : x->seen > y->seen;
}

void cli_servers_build(cli_servers *s, cli_file *files, size_t n_files) {
    memset(s, 0, sizeof *s);
    server_index x = {NULL, 0};
    for (size_t fi = 0; fi < n_files; fi++) {
        cli_file *f = &files[fi];
        for (size_t ci = 0; ci < f->n_conns; ci++) {
            const cli_conn_sum *c = &f->conns[ci];
            cli_server *sv = find(s, &x, c);
            if (!sv)
                continue;
            if (!grow((void **)&sv->conns, sizeof *sv->conns, sv->n_conns))
                continue;
            sv->conns[sv->n_conns] = c;
            sv->n_conns++;
            if (c->version)
                count(&sv->versions, &sv->n_versions, c->version, 0);
            if (c->has_suite)
                count(&sv->suites, &sv->n_suites, c->suite, 0);
            for (uint32_t i = 0; i < c->n_findings; i++) {
                count(&sv->findings, &sv->n_findings, c->findings[i].id, c->findings[i].severity);
                if (c->findings[i].severity > sv->worst)
                    sv->worst = c->findings[i].severity;
            }
            for (uint32_t i = 0; i < c->n_certs; i++)
                add_cert(sv, &c->certs[i]);
        }
    }
    for (size_t i = 0; i < s->n; i++) {
        cli_server *sv = &s->v[i];
        if (sv->n_versions > 1)
            qsort(sv->versions, sv->n_versions, sizeof *sv->versions, by_count);
        if (sv->n_suites > 1)
            qsort(sv->suites, sv->n_suites, sizeof *sv->suites, by_count);
        if (sv->n_findings > 1)
            qsort(sv->findings, sv->n_findings, sizeof *sv->findings, by_severity);
    }
    free(x.slot);
    if (s->n > 1)
        qsort(s->v, s->n, sizeof *s->v, by_worst);
}

void cli_servers_free(cli_servers *s) {
    for (size_t i = 0; i < s->n; i++) {
        cli_server *sv = &s->v[i];
        free(sv->versions);
        free(sv->suites);
        free(sv->findings);
        free(sv->certs);
        free(sv->conns);
    }
    free(s->v);
    memset(s, 0, sizeof *s);
}
