/* Per-frame results: copies of what the library reported, kept for the life of the file
 * (wmem_file_scope) and keyed by frame number, so that every later pass (tshark -2, clicking a
 * packet, re-taps) shows the same thing. A connection summary can be attached to an earlier
 * frame (the one that completed its handshake) when the connection ends later. */
#include "plugin.h"

#include <stdio.h>
#include <string.h>

static wmem_map_t *frames; /* guint32 frame → pl_frame */

void pl_results_init(void) {
    frames = wmem_map_new(wmem_file_scope(), g_direct_hash, g_direct_equal);
}

void pl_results_clear(void) {
    frames = NULL; /* the memory goes with the file scope */
}

pl_frame *pl_results_get(guint32 frame) {
    if (frames == NULL)
        return NULL;
    return (pl_frame *)wmem_map_lookup(frames, GUINT_TO_POINTER(frame));
}

pl_frame *pl_results_get_or_add(guint32 frame) {
    if (frames == NULL)
        return NULL;
    pl_frame *r = pl_results_get(frame);
    if (r == NULL) {
        r = wmem_new0(wmem_file_scope(), pl_frame);
        r->steps = wmem_array_new(wmem_file_scope(), sizeof(pl_step));
        r->summaries = wmem_array_new(wmem_file_scope(), sizeof(pl_summary *));
        wmem_map_insert(frames, GUINT_TO_POINTER(frame), r);
    }
    return r;
}

/* A file-scope copy with the library's text escaping (controls, terminal escapes and invalid
 * UTF-8 become \xNN): the tree escapes what it shows, but tap tables (-z tlsaudit,table) are
 * printed by tshark as they are. NULL stays NULL. */
static const char *copy_str(const char *s, gssize len) {
    if (s == NULL)
        return NULL;
    tlsa_buf b = {0};
    tlsa_text_str(&b, (const uint8_t *)s, len < 0 ? strlen(s) : (size_t)len);
    const char *out = wmem_strdup(wmem_file_scope(), b.data ? b.data : "");
    tlsa_buf_free(&b);
    return out;
}

static const char *copy_blob(const tlsa_blob *b) {
    if (b == NULL || b->data == NULL || b->len == 0)
        return NULL;
    return copy_str((const char *)b->data, (gssize)b->len);
}

static const char *endpoint_str(const tlsa_endpoint *ep) {
    char addr[64];
    tlsa_addr_str(&ep->addr, addr, sizeof addr);
    if (ep->addr.family == 6)
        return wmem_strdup_printf(wmem_file_scope(), "[%s]:%u", addr, ep->port);
    return wmem_strdup_printf(wmem_file_scope(), "%s:%u", addr, ep->port);
}

void pl_results_add_step(guint32 frame, const tlsa_conn *c, const tlsa_step *s, gint hl_offset,
                         gint hl_length) {
    pl_frame *r = pl_results_get_or_add(frame);
    if (r == NULL)
        return;
    pl_step st;
    memset(&st, 0, sizeof st);
    st.step = s->step;
    st.who = s->who;
    st.encrypted = s->encrypted;
    st.decrypted = s->decrypted;
    st.handshake = s->handshake;
    st.conn_index = c->index;
    st.message = copy_str(tlsa_message_name(s->msg_type), -1);
    st.explain = copy_str(tlsa_step_explain(c, s), -1);
    size_t note_len = strnlen(s->note, sizeof s->note);
    st.note = note_len > 0 ? copy_str(s->note, (gssize)note_len) : NULL;
    st.hl_offset = hl_offset;
    st.hl_length = hl_length;
    wmem_array_append_one(r->steps, st);
}

/* The frame that completed or ended the handshake: the last message of the initial handshake,
 * or a later fatal alert that ended an incomplete one; else the connection's last frame. */
static guint64 summary_frame(const tlsa_conn *c) {
    guint64 f = 0;
    for (uint32_t i = 0; i < c->steps.n; i++) {
        const tlsa_step *s = &c->steps.v[i];
        if (s->handshake == 0 && s->msg_type != TLSA_HS_NEW_SESSION_TICKET &&
            s->msg_type != TLSA_HS_KEY_UPDATE && s->frame > f)
            f = s->frame;
    }
    if (!c->complete) {
        for (uint32_t i = 0; i < c->n_alerts; i++) {
            const tlsa_alert *a = &c->alerts[i];
            if ((a->level == 2 || a->encrypted) && a->frame > f) {
                f = a->frame;
                break;
            }
        }
    }
    if (f == 0)
        f = c->last_frame != 0 ? c->last_frame : c->first_frame;
    return f;
}

/* The connection index is assigned when the engine reports the connection: set it on the steps
 * stored earlier. A frame carries one TCP segment, so all steps of a frame belong to the same
 * connection. */
static void set_step_conn_index(const tlsa_conn *c) {
    for (uint32_t i = 0; i < c->steps.n; i++) {
        guint64 f = c->steps.v[i].frame;
        pl_frame *r = f <= G_MAXUINT32 ? pl_results_get((guint32)f) : NULL;
        if (r == NULL)
            continue;
        guint n = wmem_array_get_count(r->steps);
        for (guint k = 0; k < n; k++)
            ((pl_step *)wmem_array_index(r->steps, k))->conn_index = c->index;
    }
}

/* What the configured keys gave, in the CLI's words (NULL when no keys were configured). */
static const char *keys_str(const tlsa_conn *c) {
    if (!c->keys_given)
        return NULL;
    char buf[256];
    tlsa_conn_keys_str(c, buf, sizeof buf);
    return copy_str(buf, -1);
}

void pl_results_add_conn(const tlsa_conn *c) {
    set_step_conn_index(c);
    guint64 f = summary_frame(c);
    if (f == 0 || f > G_MAXUINT32)
        return;
    pl_frame *r = pl_results_get_or_add((guint32)f);
    if (r == NULL)
        return;

    pl_summary *sum = wmem_new0(wmem_file_scope(), pl_summary);
    char buf[160];
    sum->conn_index = c->index;
    sum->client = endpoint_str(&c->client);
    sum->server = endpoint_str(&c->server);
    if (c->version != 0)
        sum->version = copy_str(tlsa_version_name(c->version), -1);
    if (c->has_suite) {
        const tlsa_suite_info *si = tlsa_suite_lookup(c->suite);
        if (si != NULL && si->name != NULL)
            sum->cipher = copy_str(si->name, -1);
        else
            sum->cipher = wmem_strdup_printf(wmem_file_scope(), "0x%04X", c->suite);
    }
    buf[0] = '\0';
    tlsa_kex_str(c, buf, sizeof buf);
    if (buf[0] != '\0')
        sum->kex = copy_str(buf, -1);
    sum->sni = copy_blob(&c->ch.sni);
    sum->alpn = copy_blob(&c->sh.alpn);
    sum->resumed = c->resumed;
    sum->complete = c->complete;
    sum->client_auth = c->client_auth_requested;
    if (!c->complete) {
        buf[0] = '\0';
        tlsa_conn_stop_str(c, buf, sizeof buf);
        if (buf[0] != '\0')
            sum->stopped = copy_str(buf, -1);
    }
    if (c->server_certs != NULL && c->server_chain.n > 0 && c->server_certs[0].parsed) {
        const tlsa_cert_info *ci = &c->server_certs[0];
        sum->has_cert = TRUE;
        sum->cert_subject = copy_str(ci->subject, -1);
        sum->cert_issuer = copy_str(ci->issuer, -1);
        sum->cert_not_before = copy_str(ci->not_before, -1);
        sum->cert_not_after = copy_str(ci->not_after, -1);
        sum->cert_key = copy_str(ci->key, -1);
    }
    if (c->chain_verdict[0] != '\0')
        sum->chain_verdict =
            copy_str(c->chain_verdict, (gssize)strnlen(c->chain_verdict, sizeof c->chain_verdict));
    sum->keys = keys_str(c);
    if (c->n_findings > 0 && c->findings != NULL) {
        sum->n_findings = c->n_findings;
        sum->findings = wmem_alloc0_array(wmem_file_scope(), pl_finding, c->n_findings);
        for (uint32_t i = 0; i < c->n_findings; i++) {
            sum->findings[i].id = c->findings[i].id;
            sum->findings[i].severity = c->findings[i].severity;
            sum->findings[i].detail = copy_str(c->findings[i].detail, -1);
        }
    }
    wmem_array_append_one(r->summaries, sum);
}
