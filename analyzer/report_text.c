/* The text report: per server, then per connection, optionally each handshake as a ladder.
 * Every wire string goes through tlsa_text_str; colours only when o->color. */
#include <string.h>

#include "cli.h"

#define C_RESET "\x1b[0m"
#define C_BOLD "\x1b[1m"
#define C_DIM "\x1b[2m"

static const char *const sev_color[5] = {"\x1b[2m", "\x1b[36m", "\x1b[33m", "\x1b[1;31m",
                                         "\x1b[1;35m"};

static void tx(tlsa_buf *b, const char *s) {
    if (s)
        tlsa_text_str(b, (const uint8_t *)s, strlen(s));
}

static void tx_blob(tlsa_buf *b, const uint8_t *p, size_t n) {
    tlsa_text_str(b, p, n);
}

static void on(tlsa_buf *b, const cli_opts *o, const char *code) {
    if (o->color)
        tlsa_buf_puts(b, code);
}

void cli_put_severity(tlsa_buf *b, const cli_opts *o, int sev, bool pad) {
    const char *name = sev >= 0 && sev < 5 ? tlsa_severity_name((tlsa_severity)sev) : "none";
    if (sev >= 0 && sev < 5)
        on(b, o, sev_color[sev]);
    tlsa_buf_printf(b, pad ? "%-8s" : "%s", name);
    if (sev >= 0 && sev < 5)
        on(b, o, C_RESET);
}

/* Orders versions by age; TLS 1.3 drafts (0x7fxx) count as TLS 1.3, SSL 2.0 as the oldest. */
static unsigned version_rank(uint16_t v) {
    if (v == TLSA_V_SSL2)
        return 0x0200;
    if ((v & 0xff00) == 0x7f00)
        return 0x0304;
    return v;
}

static uint16_t highest_offered(const tlsa_conn *c) {
    uint16_t best = 0;
    for (uint32_t i = 0; c->ch.versions.v && i < c->ch.versions.n; i++) {
        uint16_t v = c->ch.versions.v[i];
        if (!tlsa_is_grease(v) && (best == 0 || version_rank(v) > version_rank(best)))
            best = v;
    }
    return best ? best : c->ch.legacy_version;
}

static void put_alert(tlsa_buf *b, const tlsa_alert *a) {
    const char *who = a->sender == TLSA_FROM_SERVER ? "server" : "client";
    if (a->encrypted)
        tlsa_buf_printf(b, "encrypted alert from %s", who);
    else
        tlsa_buf_printf(b, "%s %s from %s", tlsa_alert_level_name(a->level),
                        tlsa_alert_name(a->description), who);
    tlsa_buf_printf(b, " at step %u (frame %llu)", (unsigned)a->step, (unsigned long long)a->frame);
}

/* One ladder line: the client on the left, the server on the right. */
#define ARROW 40
static void ladder_msg(tlsa_buf *b, const cli_opts *o, const tlsa_conn *c, const tlsa_step *s) {
    const char *name = tlsa_message_name(s->msg_type);
    size_t n = strlen(name);
    size_t fill = n + 6 < ARROW ? ARROW - n - 6 : 1;
    tlsa_buf_printf(b, "       %2u  client ", (unsigned)s->step);
    if (s->who == TLSA_FROM_CLIENT) {
        tlsa_buf_puts(b, "--- ");
        on(b, o, C_BOLD);
        tx(b, name);
        on(b, o, C_RESET);
        tlsa_buf_puts(b, " ");
        for (size_t i = 0; i < fill; i++)
            tlsa_buf_puts(b, "-");
        tlsa_buf_puts(b, ">");
    } else {
        tlsa_buf_puts(b, "<");
        for (size_t i = 0; i < fill; i++)
            tlsa_buf_puts(b, "-");
        tlsa_buf_puts(b, " ");
        on(b, o, C_BOLD);
        tx(b, name);
        on(b, o, C_RESET);
        tlsa_buf_puts(b, " ---");
    }
    tlsa_buf_printf(b, " server  frame %-6llu %-11s", (unsigned long long)s->frame,
                    s->encrypted   ? "(encrypted)"
                    : s->decrypted ? "(decrypted)"
                                   : "");
    if (s->handshake)
        tlsa_buf_printf(b, " [renegotiation %u]", (unsigned)s->handshake);
    const char *ex = tlsa_step_explain(c, s);
    if (ex && ex[0]) {
        tlsa_buf_puts(b, "  ");
        tx(b, ex);
    }
    if (s->note[0]) {
        tlsa_buf_puts(b, " (");
        tx_blob(b, (const uint8_t *)s->note, strnlen(s->note, sizeof s->note));
        tlsa_buf_puts(b, ")");
    }
    tlsa_buf_puts(b, "\n");
}

static void ladder_note(tlsa_buf *b, const cli_opts *o, unsigned step, const char *who,
                        const char *text, const char *detail) {
    tlsa_buf_printf(b, "       %2u  ", step);
    on(b, o, C_DIM);
    tlsa_buf_printf(b, "%s %s", who, text);
    on(b, o, C_RESET);
    if (detail) {
        tlsa_buf_puts(b, ": ");
        tx(b, detail);
    }
    tlsa_buf_puts(b, "\n");
}

static void ladder(tlsa_buf *b, const cli_opts *o, const tlsa_conn *c) {
    bool shown3 = false, shown6 = false;
    unsigned max_step = 0;
    uint32_t next_alert = 0;
    const char *verdict = c->chain_verdict[0] ? c->chain_verdict
                          : c->server_chain.n ? "(not checked)"
                          : version_rank(c->version) >= TLSA_V_TLS13
                              ? "the certificate is encrypted (TLS 1.3); not visible without keys"
                              : "no certificate seen";
    tlsa_buf_puts(b, "     steps\n");
    for (uint32_t i = 0; c->steps.v && i < c->steps.n; i++) {
        const tlsa_step *s = &c->steps.v[i];
        while (c->alerts && next_alert < c->n_alerts && c->alerts[next_alert].frame < s->frame) {
            tlsa_buf_puts(b, "        !  ");
            put_alert(b, &c->alerts[next_alert++]);
            tlsa_buf_puts(b, "\n");
        }
        /* Steps 3 and 6 happen inside an endpoint: shown where they fall. */
        if (!shown3 && !c->resumed && s->step >= 4 && max_step >= 2) {
            ladder_note(b, o, 3, "client", "checks the certificate", verdict);
            shown3 = true;
        }
        if (!shown6 && s->step >= 7 && (max_step == 4 || max_step == 5)) {
            ladder_note(b, o, 6, "server",
                        c->pms_decrypted    ? "decrypts the pre-master secret with its private key "
                                              "and derives the master secret"
                        : c->client_chain.n ? "checks the client certificate and derives the keys "
                                              "(nothing on the wire)"
                                            : "derives the master secret (nothing on the wire)",
                        c->pms_decrypted ? "tlsaudit redid this with the server key" : NULL);
            shown6 = true;
        }
        ladder_msg(b, o, c, s);
        if (s->step > max_step && s->step < 9)
            max_step = s->step;
    }
    if (!shown3 && !c->resumed && max_step == 2 && c->server_chain.n)
        ladder_note(b, o, 3, "client", "checks the certificate", verdict);
    while (c->alerts && next_alert < c->n_alerts) {
        tlsa_buf_puts(b, "        !  ");
        put_alert(b, &c->alerts[next_alert++]);
        tlsa_buf_puts(b, "\n");
    }
    if (c->steps.dropped)
        tlsa_buf_printf(b, "           (%u more messages not kept: step limit reached)\n",
                        c->steps.dropped);
}

void cli_text_conn(tlsa_buf *b, const cli_opts *o, const char *file, const tlsa_conn *c) {
    char tmp[160], cl[80], sv[80];
    tlsa_buf_puts(b, "   ");
    on(b, o, C_BOLD);
    tlsa_buf_printf(b, "conn %u", c->index);
    on(b, o, C_RESET);
    tlsa_buf_puts(b, " in ");
    tx(b, file);
    tlsa_buf_printf(b, ", frames %llu-%llu, %s\n", (unsigned long long)c->first_frame,
                    (unsigned long long)c->last_frame, tlsa_time_str(c->first_ts, tmp, sizeof tmp));
    cli_endpoint_str(&c->client, cl, sizeof cl);
    cli_endpoint_str(&c->server, sv, sizeof sv);
    tlsa_buf_printf(b, "     %s -> %s", cl, sv);
    if (c->roles_guessed)
        tlsa_buf_puts(b, " (roles guessed)");
    if (c->mid_stream)
        tlsa_buf_puts(b, " (capture started mid-connection)");
    tlsa_buf_puts(b, "\n     SNI           ");
    if (c->ch.sni.len)
        tx_blob(b, c->ch.sni.data, c->ch.sni.len);
    else
        tlsa_buf_puts(b, "(none)");
    tlsa_buf_puts(b, "\n     ALPN          ");
    if (c->sh.alpn.len)
        tx_blob(b, c->sh.alpn.data, c->sh.alpn.len);
    else
        tlsa_buf_puts(b, "(none)");
    if (c->ch.alpn.n) {
        tlsa_buf_puts(b, " (offered ");
        for (uint32_t i = 0; c->ch.alpn.v && i < c->ch.alpn.n; i++) {
            if (i)
                tlsa_buf_puts(b, ", ");
            tx_blob(b, c->ch.alpn.v[i].data, c->ch.alpn.v[i].len);
        }
        tlsa_buf_puts(b, ")");
    }
    tlsa_buf_puts(b, "\n     versions      ");
    if (c->ch.present && highest_offered(c))
        tlsa_buf_printf(b, "client offered up to %s, ", tlsa_version_name(highest_offered(c)));
    else if (c->ch.present)
        tlsa_buf_puts(b, "client's offer not known, ");
    else
        tlsa_buf_puts(b, "ClientHello not seen, ");
    if (c->version)
        tlsa_buf_printf(b, "server chose %s\n", tlsa_version_name(c->version));
    else
        tlsa_buf_puts(b, "no version agreed\n");
    tlsa_buf_printf(b, "     cipher        %s\n",
                    c->has_suite ? tlsa_suite_name(c->suite) : "(none chosen)");
    tlsa_buf_puts(b, "     key exchange  ");
    tx(b, tlsa_kex_str(c, tmp, sizeof tmp));
    tlsa_buf_printf(b, "\n     resumed       %s\n", c->resumed ? "yes" : "no");
    tlsa_buf_puts(b, "     handshake     ");
    if (c->complete) {
        tlsa_buf_puts(b, "complete");
    } else {
        tlsa_buf_puts(b, "incomplete, stopped ");
        tx(b, tlsa_conn_stop_str(c, tmp, sizeof tmp));
    }
    if (c->handshakes > 1)
        tlsa_buf_printf(b, " (%u handshakes)", (unsigned)c->handshakes);
    tlsa_buf_puts(b, "\n     certificate   ");
    if (c->chain_verdict[0])
        tx_blob(b, (const uint8_t *)c->chain_verdict,
                strnlen(c->chain_verdict, sizeof c->chain_verdict));
    else
        tlsa_buf_puts(b, c->server_chain.n ? "(not checked)" : "(none seen)");
    tlsa_buf_puts(b, "\n");
    if (c->keys_given) {
        char keys[256];
        tlsa_buf_puts(b, "     keys          ");
        tx(b, tlsa_conn_keys_str(c, keys, sizeof keys));
        tlsa_buf_puts(b, "\n");
    }
    for (uint32_t i = 0; c->alerts && i < c->n_alerts; i++) {
        tlsa_buf_puts(b, i ? "                   " : "     alerts        ");
        put_alert(b, &c->alerts[i]);
        tlsa_buf_puts(b, "\n");
    }
    if (c->n_findings == 0)
        tlsa_buf_puts(b, "     findings      none\n");
    for (uint32_t i = 0; c->findings && i < c->n_findings; i++) {
        const tlsa_finding *f = &c->findings[i];
        tlsa_buf_puts(b, i ? "                   " : "     findings      ");
        cli_put_severity(b, o, f->severity, true);
        tlsa_buf_printf(b, " %s  %s\n", tlsa_finding_id_str((tlsa_finding_id)f->id),
                        tlsa_finding_title((tlsa_finding_id)f->id));
        if ((f->detail && f->detail[0]) || f->n_frames) {
            tlsa_buf_puts(b, "                            ");
            tx(b, f->detail);
            for (uint32_t j = 0; f->frames && j < f->n_frames; j++)
                tlsa_buf_printf(b, "%s%llu", j ? ", " : " (frames ",
                                (unsigned long long)f->frames[j]);
            if (f->n_frames)
                tlsa_buf_puts(b, ")");
            tlsa_buf_puts(b, "\n");
        }
    }
    if (o->steps)
        ladder(b, o, c);
    tlsa_buf_puts(b, "\n");
}

static void put_counts(tlsa_buf *b, const cli_count *v, uint32_t n, bool suites) {
    for (uint32_t i = 0; i < n; i++) {
        if (i)
            tlsa_buf_puts(b, ", ");
        tlsa_buf_printf(b, "%s (%u)",
                        suites ? tlsa_suite_name((uint16_t)v[i].key)
                               : tlsa_version_name((uint16_t)v[i].key),
                        v[i].n);
    }
    if (!n)
        tlsa_buf_puts(b, "(none)");
    tlsa_buf_puts(b, "\n");
}

/* Copies a connection's block back from its spill file. */
static void put_block(tlsa_buf *b, const cli_conn_sum *c) {
    if (!c->block_file || !c->block_len || fseek(c->block_file, c->block_off, SEEK_SET) != 0)
        return;
    char chunk[4096];
    size_t left = c->block_len;
    while (left > 0) {
        size_t n = fread(chunk, 1, left < sizeof chunk ? left : sizeof chunk, c->block_file);
        if (n == 0)
            break;
        tlsa_buf_put(b, chunk, n);
        left -= n;
    }
}

static void server_block(tlsa_buf *b, const cli_opts *o, const cli_server *sv) {
    on(b, o, C_BOLD);
    tlsa_buf_printf(b, "%s", sv->addr);
    on(b, o, C_RESET);
    tlsa_buf_puts(b, "  ");
    if (sv->sni.len)
        tx_blob(b, sv->sni.data, sv->sni.len);
    else
        tlsa_buf_puts(b, "(no SNI)");
    tlsa_buf_printf(b, "  %u connection%s, worst finding: ", sv->n_conns,
                    sv->n_conns == 1 ? "" : "s");
    cli_put_severity(b, o, sv->worst, false);
    tlsa_buf_puts(b, "\n   versions      ");
    put_counts(b, sv->versions, sv->n_versions, false);
    tlsa_buf_puts(b, "   cipher suites ");
    put_counts(b, sv->suites, sv->n_suites, true);
    if (!sv->n_certs)
        tlsa_buf_puts(b, "   certificates  (none seen)\n");
    for (uint32_t i = 0; i < sv->n_certs; i++) {
        const cli_cert_sum *c = sv->certs[i];
        tlsa_buf_puts(b, i ? "                 " : "   certificates  ");
        tx(b, c->subject ? c->subject : "(no subject)");
        tlsa_buf_puts(b, "\n                   issuer ");
        tx(b, c->issuer ? c->issuer : "(none)");
        tlsa_buf_puts(b, "\n                   valid ");
        tx(b, c->not_before);
        tlsa_buf_puts(b, " to ");
        tx(b, c->not_after);
        tlsa_buf_puts(b, ", key ");
        tx(b, c->key);
        tlsa_buf_puts(b, ", ");
        tx(b, c->sig_alg);
        tlsa_buf_puts(b, "\n");
    }
    if (!sv->n_findings)
        tlsa_buf_puts(b, "   findings      none\n");
    for (uint32_t i = 0; i < sv->n_findings; i++) {
        tlsa_buf_puts(b, i ? "                 " : "   findings      ");
        cli_put_severity(b, o, sv->findings[i].severity, true);
        tlsa_buf_printf(
            b, " %s (%u)  %s\n", tlsa_finding_id_str((tlsa_finding_id)sv->findings[i].key),
            sv->findings[i].n, tlsa_finding_title((tlsa_finding_id)sv->findings[i].key));
    }
    tlsa_buf_puts(b, "\n");
}

void cli_text_summary(tlsa_buf *b, const cli_opts *o, const cli_totals *t) {
    tlsa_buf_printf(b,
                    "summary: %zu file%s, %llu packets, %llu TLS connection%s; findings:", t->files,
                    t->files == 1 ? "" : "s", (unsigned long long)t->packets,
                    (unsigned long long)t->connections, t->connections == 1 ? "" : "s");
    for (int s = TLSA_SEV_CRITICAL; s >= TLSA_SEV_INFO; s--) {
        tlsa_buf_printf(b, "%s %u ", s == TLSA_SEV_CRITICAL ? "" : ",", t->sev[s]);
        cli_put_severity(b, o, s, false);
    }
    tlsa_buf_puts(b, "\n");
    if (t->keys)
        tlsa_buf_printf(b, "keys: %llu of %llu connections decrypted, %llu Finished verified\n",
                        (unsigned long long)t->decrypted, (unsigned long long)t->connections,
                        (unsigned long long)t->finished);
}

void cli_text_report(FILE *out, const cli_opts *o, const cli_servers *s, const cli_totals *t) {
    tlsa_buf b = {0};
    if (s->n == 0)
        tlsa_buf_puts(&b, "no TLS connections found\n\n");
    for (size_t i = 0; i < s->n; i++) {
        const cli_server *sv = &s->v[i];
        server_block(&b, o, sv);
        for (uint32_t j = 0; j < sv->n_conns; j++)
            put_block(&b, sv->conns[j]);
        fwrite(b.data, 1, b.len, out);
        tlsa_buf_reset(&b);
    }
    if (!o->quiet)
        cli_text_summary(&b, o, t);
    if (b.len)
        fwrite(b.data, 1, b.len, out);
    tlsa_buf_free(&b);
}
