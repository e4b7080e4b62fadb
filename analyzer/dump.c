/* --dump: every handshake message as the engine decodes it, then per connection its alerts and
 * record counts. Columns: conn frame dir step message (encrypted|decrypted) length note. */
#include <string.h>

#include "cli.h"

void cli_dump_step(tlsa_buf *b, const tlsa_conn *c, const tlsa_step *s) {
    tlsa_buf_printf(b, "conn %-4u frame %-7llu %s  step %u  %-20s %-11s %7u", c->index,
                    (unsigned long long)s->frame, s->who == TLSA_FROM_SERVER ? "S->C" : "C->S",
                    (unsigned)s->step, tlsa_message_name(s->msg_type),
                    s->encrypted   ? "(encrypted)"
                    : s->decrypted ? "(decrypted)"
                                   : "",
                    s->length);
    if (s->handshake)
        tlsa_buf_printf(b, "  [handshake %u]", (unsigned)s->handshake);
    if (s->note[0]) {
        tlsa_buf_puts(b, "  ");
        tlsa_text_str(b, (const uint8_t *)s->note, strnlen(s->note, sizeof s->note));
    }
    tlsa_buf_puts(b, "\n");
}

static void dir_line(tlsa_buf *b, const char *who, const tlsa_dir_stats *d) {
    tlsa_buf_printf(b,
                    "records  %s: %llu bytes, %u records (%u encrypted), %u application "
                    "data records (%llu bytes), %u gaps, %u retransmissions\n",
                    who, (unsigned long long)d->bytes, d->records, d->encrypted_records,
                    d->app_data_records, (unsigned long long)d->app_data_bytes, d->gaps,
                    d->retransmissions);
}

void cli_dump_conn_end(tlsa_buf *b, const tlsa_conn *c) {
    char cl[80], sv[80], tmp[160];
    cli_endpoint_str(&c->client, cl, sizeof cl);
    cli_endpoint_str(&c->server, sv, sizeof sv);
    tlsa_buf_printf(b, "conn %-4u end  %s -> %s, %s, %s, ", c->index, cl, sv,
                    c->version ? tlsa_version_name(c->version) : "no version",
                    c->has_suite ? tlsa_suite_name(c->suite) : "no cipher suite");
    if (c->complete) {
        tlsa_buf_puts(b, "complete");
    } else {
        tlsa_buf_puts(b, "incomplete, stopped ");
        tlsa_conn_stop_str(c, tmp, sizeof tmp);
        tlsa_text_str(b, (const uint8_t *)tmp, strlen(tmp));
    }
    tlsa_buf_puts(b, "\n");
    for (uint32_t i = 0; c->alerts && i < c->n_alerts; i++) {
        const tlsa_alert *a = &c->alerts[i];
        tlsa_buf_printf(
            b, "conn %-4u frame %-7llu %s  alert %s", c->index, (unsigned long long)a->frame,
            a->sender == TLSA_FROM_SERVER ? "S->C" : "C->S", a->encrypted ? "(encrypted)" : "");
        if (!a->encrypted)
            tlsa_buf_printf(b, " %s %s", tlsa_alert_level_name(a->level),
                            tlsa_alert_name(a->description));
        tlsa_buf_printf(b, " at step %u\n", (unsigned)a->step);
    }
    tlsa_buf_printf(b, "conn %-4u ", c->index);
    dir_line(b, "client", &c->dir[TLSA_FROM_CLIENT]);
    tlsa_buf_printf(b, "conn %-4u ", c->index);
    dir_line(b, "server", &c->dir[TLSA_FROM_SERVER]);
}
