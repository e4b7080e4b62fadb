/* --format json: one document with the files, the connection records (tlsa_json_conn, already
 * rendered per file), the servers and a summary. */
#include <string.h>

#include "cli.h"

static void jstr(tlsa_buf *b, const char *s) {
    if (!s)
        tlsa_buf_puts(b, "null");
    else
        tlsa_json_str(b, (const uint8_t *)s, strlen(s));
}

static void counts(tlsa_buf *b, const cli_count *v, uint32_t n, int kind) {
    tlsa_buf_puts(b, "{");
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            tlsa_buf_puts(b, ",");
        jstr(b, kind == 0   ? tlsa_version_name((uint16_t)v[i].key)
                : kind == 1 ? tlsa_suite_name((uint16_t)v[i].key)
                            : tlsa_finding_id_str((tlsa_finding_id)v[i].key));
        tlsa_buf_printf(b, ":%u", v[i].n);
    }
    tlsa_buf_puts(b, "}");
}

static void server(tlsa_buf *b, const cli_server *sv) {
    tlsa_buf_puts(b, "    {\"server\":");
    jstr(b, sv->addr);
    tlsa_buf_puts(b, ",\"sni\":");
    if (sv->sni.len)
        tlsa_json_str(b, sv->sni.data, sv->sni.len);
    else
        tlsa_buf_puts(b, "null");
    tlsa_buf_printf(b, ",\"connections\":%u,\"worst\":", sv->n_conns);
    jstr(b, sv->worst >= 0 ? tlsa_severity_name((tlsa_severity)sv->worst) : NULL);
    tlsa_buf_puts(b, ",\"versions\":");
    counts(b, sv->versions, sv->n_versions, 0);
    tlsa_buf_puts(b, ",\"ciphers\":");
    counts(b, sv->suites, sv->n_suites, 1);
    tlsa_buf_puts(b, ",\"certificates\":[");
    for (uint32_t i = 0; i < sv->n_certs; i++) {
        const cli_cert_sum *c = sv->certs[i];
        tlsa_buf_puts(b, i ? ",{\"subject\":" : "{\"subject\":");
        jstr(b, c->subject);
        tlsa_buf_puts(b, ",\"issuer\":");
        jstr(b, c->issuer);
        tlsa_buf_puts(b, ",\"not_before\":");
        jstr(b, c->not_before);
        tlsa_buf_puts(b, ",\"not_after\":");
        jstr(b, c->not_after);
        tlsa_buf_puts(b, ",\"key\":");
        jstr(b, c->key);
        tlsa_buf_puts(b, ",\"sha256\":");
        jstr(b, c->sha256);
        tlsa_buf_puts(b, "}");
    }
    tlsa_buf_puts(b, "],\"findings\":");
    counts(b, sv->findings, sv->n_findings, 2);
    tlsa_buf_puts(b, "}");
}

void cli_json_report(FILE *out, const cli_file *files, size_t n, const cli_servers *s,
                     const cli_totals *t) {
    tlsa_buf b = {0};
    tlsa_buf_printf(&b, "{\"tool\":\"tlsaudit\",\"version\":\"%s\",\"files\":[",
                    TLSA_VERSION_STRING);
    for (size_t i = 0; i < n; i++) {
        const cli_file *f = &files[i];
        tlsa_buf_puts(&b, i ? ",\n    {\"path\":" : "\n    {\"path\":");
        jstr(&b, f->in->path);
        tlsa_buf_printf(&b, ",\"packets\":%llu,\"connections\":%zu,\"error\":",
                        (unsigned long long)f->packets, f->n_conns);
        jstr(&b, f->errmsg[0] ? f->errmsg : NULL);
        tlsa_buf_puts(&b, "}");
    }
    tlsa_buf_puts(&b, "],\n  \"connections\":[");
    fwrite(b.data, 1, b.len, out);
    tlsa_buf_reset(&b);
    bool first = true;
    for (size_t i = 0; i < n; i++) {
        if (!files[i].out.len)
            continue;
        fputs(first ? "\n" : ",\n", out);
        fwrite(files[i].out.data, 1, files[i].out.len, out);
        first = false;
    }
    tlsa_buf_puts(&b, "],\n  \"servers\":[");
    for (size_t i = 0; i < s->n; i++) {
        tlsa_buf_puts(&b, i ? ",\n" : "\n");
        server(&b, &s->v[i]);
    }
    tlsa_buf_printf(&b,
                    "],\n  \"summary\":{\"files\":%zu,\"packets\":%llu,\"connections\":%llu,"
                    "\"decrypted\":%llu,\"finished_verified\":%llu,\"findings_by_severity\":{",
                    t->files, (unsigned long long)t->packets, (unsigned long long)t->connections,
                    (unsigned long long)t->decrypted, (unsigned long long)t->finished);
    for (int sev = TLSA_SEV_CRITICAL; sev >= TLSA_SEV_INFO; sev--)
        tlsa_buf_printf(&b, "%s\"%s\":%u", sev == TLSA_SEV_CRITICAL ? "" : ",",
                        tlsa_severity_name((tlsa_severity)sev), t->sev[sev]);
    tlsa_buf_puts(&b, "}}}\n");
    fwrite(b.data, 1, b.len, out);
    tlsa_buf_free(&b);
}
