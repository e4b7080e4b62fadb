/* Per-frame results: copies of what the library reported, kept for the life of the file
 * (wmem_file_scope) and keyed by frame number, so that every later pass (tshark -2, clicking a
 * packet, re-taps) shows the same thing. A connection summary can be attached to an earlier
 * frame (the one that completed its handshake) when the connection ends later. */
#include "plugin.h"

#include <stdio.h>
#include <string.h>

/* Frame number → pl_frame, in pages of PAGE_SLOTS slots allocated when a frame of their range
 * gets a result: a lookup on every frame of every pass costs no hashing and about one cache
 * miss, where a hash map of many frames costs several. File scope, like the results. */
#define PAGE_BITS 12
#define PAGE_SLOTS (1u << PAGE_BITS)
static pl_frame ***pages; /* NULL: no file */
static guint n_pages;
/* The stored frame with the highest number. Results go only to the frame being fed or earlier
 * ones, so during the first pass the frame just fed has results exactly when it is this one. */
static guint32 newest_num;
static pl_frame *newest;

void pl_results_init(void) {
    n_pages = 16;
    pages = wmem_alloc0_array(wmem_file_scope(), pl_frame **, n_pages);
    newest_num = 0;
    newest = NULL;
    pl_text_init();
}

void pl_results_clear(void) {
    pages = NULL; /* the memory goes with the file scope */
    n_pages = 0;
    newest_num = 0;
    newest = NULL;
    pl_text_clear();
}

pl_frame *pl_results_get_first_pass(guint32 frame) {
    return newest != NULL && newest_num == frame ? newest : NULL;
}

pl_frame *pl_results_get(guint32 frame) {
    guint p = frame >> PAGE_BITS;
    if (pages == NULL || p >= n_pages || pages[p] == NULL)
        return NULL;
    return pages[p][frame & (PAGE_SLOTS - 1)];
}

/* The slot of a frame, its page allocated. */
static pl_frame **slot(guint32 frame) {
    guint p = frame >> PAGE_BITS;
    if (p >= n_pages) {
        guint n = n_pages;
        while (n <= p)
            n *= 2;
        pages = wmem_realloc(wmem_file_scope(), pages, n * sizeof *pages);
        memset(pages + n_pages, 0, (n - n_pages) * sizeof *pages);
        n_pages = n;
    }
    if (pages[p] == NULL)
        pages[p] = wmem_alloc0_array(wmem_file_scope(), pl_frame *, PAGE_SLOTS);
    return &pages[p][frame & (PAGE_SLOTS - 1)];
}

pl_frame *pl_results_get_or_add(guint32 frame) {
    if (pages == NULL)
        return NULL;
    if (newest != NULL && newest_num == frame)
        return newest; /* most additions go to the frame being fed */
    pl_frame **sl = slot(frame);
    if (*sl == NULL) {
        pl_frame *r = wmem_new0(wmem_file_scope(), pl_frame);
        r->steps = wmem_array_new(wmem_file_scope(), sizeof(pl_step));
        r->summaries = wmem_array_new(wmem_file_scope(), sizeof(pl_summary *));
        *sl = r;
        if (newest == NULL || frame > newest_num) {
            newest_num = frame;
            newest = r;
        }
    }
    return *sl;
}

static const char *copy_blob(const tlsa_blob *b) {
    if (b == NULL || b->data == NULL || b->len == 0)
        return NULL;
    return pl_text_copy((const char *)b->data, (gssize)b->len);
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
    st.message = pl_text_const(tlsa_message_name(s->msg_type));
    st.explain = pl_text_const(tlsa_step_explain(c, s));
    size_t note_len = strnlen(s->note, sizeof s->note);
    /* -1 when NUL-terminated: the text is then its own lookup key, no copy to make one. */
    st.note = note_len == 0
                  ? NULL
                  : pl_text_intern(s->note, note_len < sizeof s->note ? -1 : (gssize)note_len);
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
    guint64 done = 0; /* consecutive steps often share a frame */
    for (uint32_t i = 0; i < c->steps.n; i++) {
        guint64 f = c->steps.v[i].frame;
        if (f == done)
            continue;
        done = f;
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
    return pl_text_intern(buf, -1);
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
        sum->version = pl_text_const(tlsa_version_name(c->version));
    if (c->has_suite) {
        const tlsa_suite_info *si = tlsa_suite_lookup(c->suite);
        if (si != NULL && si->name != NULL)
            sum->cipher = pl_text_const(si->name);
        else
            sum->cipher = wmem_strdup_printf(wmem_file_scope(), "0x%04X", c->suite);
    }
    buf[0] = '\0';
    tlsa_kex_str(c, buf, sizeof buf);
    if (buf[0] != '\0')
        sum->kex = pl_text_intern(buf, -1);
    sum->sni = copy_blob(&c->ch.sni);
    sum->alpn = copy_blob(&c->sh.alpn);
    sum->resumed = c->resumed;
    sum->complete = c->complete;
    sum->client_auth = c->client_auth_requested;
    if (!c->complete) {
        buf[0] = '\0';
        tlsa_conn_stop_str(c, buf, sizeof buf);
        if (buf[0] != '\0')
            sum->stopped = pl_text_intern(buf, -1);
    }
    if (c->server_certs != NULL && c->server_chain.n > 0 && c->server_certs[0].parsed) {
        const tlsa_cert_info *ci = &c->server_certs[0];
        sum->has_cert = TRUE;
        sum->cert_subject = pl_text_intern(ci->subject, -1);
        sum->cert_issuer = pl_text_intern(ci->issuer, -1);
        sum->cert_not_before = pl_text_intern(ci->not_before, -1);
        sum->cert_not_after = pl_text_intern(ci->not_after, -1);
        sum->cert_key = pl_text_intern(ci->key, -1);
    }
    size_t verdict_len = strnlen(c->chain_verdict, sizeof c->chain_verdict);
    if (verdict_len > 0)
        sum->chain_verdict = pl_text_intern(
            c->chain_verdict, verdict_len < sizeof c->chain_verdict ? -1 : (gssize)verdict_len);
    sum->keys = keys_str(c);
    if (c->n_findings > 0 && c->findings != NULL) {
        sum->n_findings = c->n_findings;
        sum->findings = wmem_alloc0_array(wmem_file_scope(), pl_finding, c->n_findings);
        for (uint32_t i = 0; i < c->n_findings; i++) {
            sum->findings[i].id = c->findings[i].id;
            sum->findings[i].severity = c->findings[i].severity;
            sum->findings[i].detail = pl_text_intern(c->findings[i].detail, -1);
        }
    }
    wmem_array_append_one(r->summaries, sum);
}
