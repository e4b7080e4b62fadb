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

static cli_server *find(cli_servers *s, const cli_conn_sum *c) {
    for (size_t i = 0; i < s->n; i++)
        if (!strcmp(s->v[i].addr, c->server) && same_sni(&s->v[i].sni, &c->sni))
            return &s->v[i];
    if (!grow((void **)&s->v, sizeof *s->v, (uint32_t)s->n))
        return NULL;
    cli_server *sv = &s->v[s->n++];
    memset(sv, 0, sizeof *sv);
    memcpy(sv->addr, c->server, sizeof sv->addr);
    sv->sni = c->sni; /* borrowed from the summary, which outlives the servers */
    sv->worst = -1;
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

void cli_servers_build(cli_servers *s, cli_file *files, size_t n_files) {
    memset(s, 0, sizeof *s);
    for (size_t fi = 0; fi < n_files; fi++) {
        cli_file *f = &files[fi];
        for (size_t ci = 0; ci < f->n_conns; ci++) {
            const cli_conn_sum *c = &f->conns[ci];
            cli_server *sv = find(s, c);
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
    if (s->n > 1) {
        /* Stable insertion sort by worst severity keeps first-seen order among equals. */
        for (size_t i = 1; i < s->n; i++) {
            cli_server tmp = s->v[i];
            size_t j = i;
            while (j > 0 && s->v[j - 1].worst < tmp.worst) {
                s->v[j] = s->v[j - 1];
                j--;
            }
            s->v[j] = tmp;
        }
    }
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
