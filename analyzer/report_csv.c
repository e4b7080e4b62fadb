/* CSV: one row per shown finding (RFC 4180, formula-injection guarded by tlsa_csv_str). */
#include <string.h>

#include "cli.h"

static void field(tlsa_buf *b, const char *s) {
    tlsa_csv_str(b, (const uint8_t *)(s ? s : ""), s ? strlen(s) : 0);
}

void cli_csv_header(tlsa_buf *b) {
    tlsa_buf_puts(b, "file,conn,first_frame,client,server,sni,version,cipher,finding,severity,"
                     "title,detail,frames\r\n");
}

void cli_csv_conn(tlsa_buf *b, const char *file, const tlsa_conn *c) {
    char cl[80], sv[80];
    cli_endpoint_str(&c->client, cl, sizeof cl);
    cli_endpoint_str(&c->server, sv, sizeof sv);
    for (uint32_t i = 0; c->findings && i < c->n_findings; i++) {
        const tlsa_finding *f = &c->findings[i];
        field(b, file);
        tlsa_buf_printf(b, ",%u,%llu,", c->index, (unsigned long long)c->first_frame);
        field(b, cl);
        tlsa_buf_puts(b, ",");
        field(b, sv);
        tlsa_buf_puts(b, ",");
        tlsa_csv_str(b, c->ch.sni.data, c->ch.sni.len);
        tlsa_buf_puts(b, ",");
        field(b, c->version ? tlsa_version_name(c->version) : "");
        tlsa_buf_puts(b, ",");
        field(b, c->has_suite ? tlsa_suite_name(c->suite) : "");
        tlsa_buf_puts(b, ",");
        field(b, tlsa_finding_id_str((tlsa_finding_id)f->id));
        tlsa_buf_puts(b, ",");
        field(b, tlsa_severity_name((tlsa_severity)f->severity));
        tlsa_buf_puts(b, ",");
        field(b, tlsa_finding_title((tlsa_finding_id)f->id));
        tlsa_buf_puts(b, ",");
        field(b, f->detail);
        tlsa_buf_puts(b, ",");
        /* frames as "3 5 9": a space-separated list needs no quoting */
        for (uint32_t j = 0; f->frames && j < f->n_frames; j++)
            tlsa_buf_printf(b, "%s%llu", j ? " " : "", (unsigned long long)f->frames[j]);
        tlsa_buf_puts(b, "\r\n");
    }
}
