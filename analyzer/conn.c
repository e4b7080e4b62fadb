/* The engine's callbacks: each finished connection is rendered for the chosen format right away
 * (the record is freed when the callback returns) and leaves a small summary for the report. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char *cli_esc(const char *s, char *buf, size_t size) {
    if (!size)
        return buf;
    tlsa_buf b = {0};
    tlsa_text_str(&b, (const uint8_t *)(s ? s : ""), s ? strlen(s) : 0);
    snprintf(buf, size, "%s", b.data ? b.data : "");
    tlsa_buf_free(&b);
    return buf;
}

void cli_endpoint_str(const tlsa_endpoint *e, char *buf, size_t size) {
    char ip[64];
    tlsa_addr_str(&e->addr, ip, sizeof ip);
    if (e->addr.family == 6)
        snprintf(buf, size, "[%s]:%u", ip, (unsigned)e->port);
    else
        snprintf(buf, size, "%s:%u", ip[0] ? ip : "?", (unsigned)e->port);
}

static char *dup_or_null(const char *s) {
    return s ? strdup(s) : NULL;
}

static void copy_certs(cli_conn_sum *s, const tlsa_conn *c) {
    if (!c->server_certs || c->server_chain.n == 0)
        return;
    s->certs = calloc(c->server_chain.n, sizeof *s->certs);
    if (!s->certs)
        return;
    for (uint32_t i = 0; i < c->server_chain.n; i++) {
        const tlsa_cert_info *ci = &c->server_certs[i];
        cli_cert_sum *d = &s->certs[s->n_certs];
        if (!ci->parsed)
            continue;
        d->subject = dup_or_null(ci->subject);
        d->issuer = dup_or_null(ci->issuer);
        memcpy(d->not_before, ci->not_before, sizeof d->not_before);
        memcpy(d->not_after, ci->not_after, sizeof d->not_after);
        memcpy(d->key, ci->key, sizeof d->key);
        memcpy(d->sig_alg, ci->sig_alg, sizeof d->sig_alg);
        memcpy(d->sha256, ci->sha256, sizeof d->sha256);
        d->not_before[sizeof d->not_before - 1] = 0;
        d->not_after[sizeof d->not_after - 1] = 0;
        d->key[sizeof d->key - 1] = 0;
        d->sig_alg[sizeof d->sig_alg - 1] = 0;
        d->sha256[sizeof d->sha256 - 1] = 0;
        s->n_certs++;
    }
}

static cli_conn_sum *new_sum(cli_file *f) {
    if (f->n_conns == f->cap_conns) {
        size_t cap = f->cap_conns ? f->cap_conns * 2 : 16;
        cli_conn_sum *v = realloc(f->conns, cap * sizeof *v);
        if (!v)
            return NULL;
        f->conns = v;
        f->cap_conns = cap;
    }
    cli_conn_sum *s = &f->conns[f->n_conns++];
    memset(s, 0, sizeof *s);
    return s;
}

void cli_on_conn(tlsa_conn *c, void *user) {
    cli_ctx *x = user;
    const cli_opts *o = x->o;
    cli_file *f = x->f;
    const char *file = f->in->path;

    /* --fail-on judges every finding; the output shows those at or above --min-severity. The
     * audit sorts findings by severity, highest first, so those shown are a prefix. */
    uint32_t n_shown = 0;
    for (uint32_t i = 0; c->findings && i < c->n_findings; i++) {
        int sev = c->findings[i].severity;
        if (sev > f->worst)
            f->worst = sev;
        if (sev >= o->min_severity)
            n_shown = i + 1;
    }
    const tlsa_finding *shown = c->findings;
    tlsa_conn view = *c;
    view.n_findings = n_shown;

    /* Only the grouped reports (text, json) need a summary per connection. */
    bool grouped = !o->dump && (o->format == CLI_FMT_TEXT || o->format == CLI_FMT_JSON);
    f->n_seen++;
    if (c->decrypted)
        f->n_decrypted++;
    f->n_finished += c->finished_verified;
    cli_conn_sum *s = grouped ? new_sum(f) : NULL;
    if (s) {
        s->index = c->index;
        cli_endpoint_str(&c->server, s->server, sizeof s->server);
        if (c->ch.sni.len && (s->sni.data = malloc(c->ch.sni.len)) != NULL) {
            memcpy(s->sni.data, c->ch.sni.data, c->ch.sni.len);
            s->sni.len = c->ch.sni.len;
        }
        s->version = c->version;
        s->suite = c->suite;
        s->has_suite = c->has_suite;
        if (n_shown && (s->findings = malloc(n_shown * sizeof *s->findings)) != NULL) {
            for (uint32_t i = 0; i < n_shown; i++) {
                s->findings[i].id = shown[i].id;
                s->findings[i].severity = shown[i].severity;
            }
            s->n_findings = n_shown;
        }
        copy_certs(s, c);
    }
    for (uint32_t i = 0; i < n_shown; i++)
        if (shown[i].severity < 5)
            f->sev_counts[shown[i].severity]++;

    if (o->dump) {
        cli_dump_conn_end(&f->out, &view);
    } else {
        switch (o->format) {
        case CLI_FMT_JSONL:
            tlsa_json_conn(&f->out, file, &view);
            tlsa_buf_puts(&f->out, "\n");
            break;
        case CLI_FMT_JSON:
            if (f->out.len)
                tlsa_buf_puts(&f->out, ",\n");
            tlsa_buf_puts(&f->out, "    ");
            tlsa_json_conn(&f->out, file, &view);
            break;
        case CLI_FMT_CSV:
            cli_csv_conn(&f->out, file, &view);
            break;
        case CLI_FMT_TEXT:
        default:
            if (s) {
                tlsa_buf blk = {0};
                cli_text_conn(&blk, o, file, &view);
                if (f->spill && blk.len && fseek(f->spill, 0, SEEK_END) == 0) {
                    s->block_off = ftell(f->spill);
                    if (s->block_off >= 0 && fwrite(blk.data, 1, blk.len, f->spill) == blk.len) {
                        s->block_file = f->spill;
                        s->block_len = blk.len;
                    }
                }
                tlsa_buf_free(&blk);
            }
            break;
        }
    }
    if (f->stream && (f->out.len >= CLI_STREAM_CHUNK || (f->flush_each && f->out.len))) {
        fwrite(f->out.data, 1, f->out.len, f->stream);
        tlsa_buf_reset(&f->out);
        if (f->flush_each)
            fflush(f->stream);
    }
}

void cli_on_step(const tlsa_conn *c, const tlsa_step *s, void *user) {
    cli_ctx *x = user;
    cli_dump_step(&x->f->out, c, s);
}

void cli_file_free(cli_file *f) {
    for (size_t i = 0; i < f->n_conns; i++) {
        cli_conn_sum *s = &f->conns[i];
        free(s->sni.data);
        free(s->findings);
        for (uint32_t j = 0; j < s->n_certs; j++) {
            free(s->certs[j].subject);
            free(s->certs[j].issuer);
        }
        free(s->certs);
    }
    f->spill = NULL; /* the worker's spill file: main closes it */
    free(f->conns);
    f->conns = NULL;
    f->n_conns = f->cap_conns = 0;
    tlsa_buf_free(&f->out);
    tlsa_buf_free(&f->err);
}
