/* First-pass feeding: every TCP segment (payload or not: SYN, FIN, RST and pure ACKs matter) goes
 * to a per-file libtlsaudit engine through tlsa_engine_segment, the same lower-level interface
 * the CLI's packet path ends in. The engine's callbacks are turned into stored per-frame results
 * (result.c). The engine lives from the init routine to the cleanup routine of each file; the
 * connections still open when the first pass ends are flushed from the post-sequential-pass
 * routine (tshark -2 and the GUI call it; one-pass tshark does not). */
#include "plugin.h"

#include <string.h>

#include <wsutil/wslog.h>

static tlsa_engine *engine;
static tlsa_auditor *auditor;
static tlsa_keylog *keylog;   /* from tlsaudit.keylog_file; outlives the engine */
static tlsa_rsa_key *rsa_key; /* from tlsaudit.rsa_key_file */
static char *config_error;    /* g_malloc'd; NULL when every preference applied */

/* The segment being fed, for the callbacks. */
static struct {
    packet_info *pinfo;
    const tlsa_segment *seg;
    gint payload_offset; /* of the payload in tvb; -1 when not in tvb */
    gboolean have_base;
    guint32 base;
} cur;

static gboolean endpoint_equal(const tlsa_endpoint *a, const tlsa_endpoint *b) {
    return a->port == b->port && a->addr.family == b->addr.family &&
           memcmp(a->addr.bytes, b->addr.bytes, sizeof a->addr.bytes) == 0;
}

static void on_step(const tlsa_conn *c, const tlsa_step *s, void *user) {
    (void)user;
    gint hl_off = 0, hl_len = 0;
    guint64 frame = s->frame != 0 ? s->frame : (cur.pinfo ? cur.pinfo->num : 0);
    if (frame == 0 || frame > G_MAXUINT32)
        return;
    /* Highlight the part of the message that lies in this frame's payload, when the message
     * was sent in the direction of this segment and the payload is in the shown tvb. */
    if (cur.seg != NULL && cur.have_base && cur.payload_offset >= 0 && cur.seg->caplen > 0 &&
        frame == cur.pinfo->num) {
        const tlsa_endpoint *sender = s->who == TLSA_FROM_CLIENT ? &c->client : &c->server;
        if (endpoint_equal(sender, &cur.seg->src)) {
            guint64 rel = (guint32)(cur.seg->seq - cur.base);
            guint64 lo = MAX(rel, s->stream_start);
            guint64 hi = MIN(rel + cur.seg->caplen, s->stream_end);
            if (hi > lo) {
                hl_off = cur.payload_offset + (gint)(lo - rel);
                hl_len = (gint)(hi - lo);
            }
        }
    }
    pl_results_add_step((guint32)frame, c, s, hl_off, hl_len);
}

static void on_conn(tlsa_conn *c, void *user) {
    (void)user;
    pl_results_add_conn(c);
}

static void feed_cleanup(void) {
    if (engine != NULL)
        tlsa_engine_free(engine);
    engine = NULL;
    if (auditor != NULL)
        tlsa_auditor_free(auditor);
    auditor = NULL;
    tlsa_keylog_free(keylog);
    keylog = NULL;
    if (rsa_key != NULL)
        tlsa_rsa_key_free(rsa_key);
    rsa_key = NULL;
    g_free(config_error);
    config_error = NULL;
    pl_dirbase_clear();
    pl_results_clear();
}

static void add_config_error(const char *what, tlsa_err err, const char *path) {
    char *e = g_strdup_printf("%s %s: %s", what, path, tlsa_strerror(err));
    if (config_error == NULL) {
        config_error = e;
    } else {
        char *both = g_strdup_printf("%s; %s", config_error, e);
        g_free(config_error);
        g_free(e);
        config_error = both;
    }
    ws_warning("tlsaudit: %s", config_error);
}

/* tlsaudit.keylog_file: the Decryption Secrets Blocks of a pcapng file, else an NSS key log;
 * tlsaudit.rsa_key_file: the server's RSA key. */
static void load_keys(void) {
    const char *path = pl_pref_keylog_file();
    if (path != NULL) {
        keylog = tlsa_keylog_new();
        size_t n_dsb = 0;
        tlsa_err e =
            keylog != NULL ? tlsa_keylog_load_pcapng(keylog, path, &n_dsb) : TLSA_E_NO_MEMORY;
        if (keylog != NULL && n_dsb == 0) {
            /* Not a pcapng file with secrets: read it as a key log. */
            tlsa_keylog_free(keylog);
            keylog = tlsa_keylog_new();
            e = keylog != NULL ? tlsa_keylog_load_file(keylog, path) : TLSA_E_NO_MEMORY;
        }
        if (e != TLSA_E_OK && (n_dsb == 0 || keylog == NULL)) {
            add_config_error("key log", e, path);
            tlsa_keylog_free(keylog);
            keylog = NULL;
        }
    }
    path = pl_pref_rsa_key_file();
    if (path != NULL) {
        tlsa_err e = tlsa_rsa_key_load_file(path, pl_pref_rsa_key_password(), &rsa_key);
        if (e != TLSA_E_OK) {
            add_config_error("RSA key", e, path);
            rsa_key = NULL;
        }
    }
}

static void feed_init(void) {
    feed_cleanup(); /* defensive: init without a cleanup must not leak an engine */
    pl_results_init();

    tlsa_audit_config ac;
    memset(&ac, 0, sizeof ac);
    ac.ca_file = pl_pref_ca_file();
    ac.policy = pl_pref_policy();
    tlsa_err err = TLSA_E_OK;
    char msg[256] = "";
    auditor = tlsa_auditor_new(&ac, &err, msg, sizeof msg);
    if (auditor == NULL) {
        config_error = g_strdup_printf("%s%s%s", tlsa_strerror(err), msg[0] ? ": " : "", msg);
        /* Fall back to the defaults (system trust store, default policy) rather than no audit. */
        memset(&ac, 0, sizeof ac);
        auditor = tlsa_auditor_new(&ac, &err, msg, sizeof msg);
        ws_warning("tlsaudit: the audit preferences could not be applied (%s); %s", config_error,
                   auditor != NULL ? "using the defaults" : "findings are off");
    }

    load_keys();

    tlsa_engine_config cfg;
    memset(&cfg, 0, sizeof cfg);
    tlsa_limits_default(&cfg.limits); /* the CLI's defaults too: same connections, same findings */
    cfg.auditor = auditor;
    cfg.on_step = on_step;
    cfg.on_conn = on_conn;
    cfg.keylog = keylog;
    cfg.rsa_key = rsa_key;
    engine = tlsa_engine_new(&cfg);
}

/* End of the sequential first pass: report the connections still open. */
static void feed_postseq(void) {
    if (engine != NULL)
        tlsa_engine_flush(engine);
}

void pl_feed_register(void) {
    register_init_routine(feed_init);
    register_cleanup_routine(feed_cleanup);
    register_postseq_cleanup_routine(feed_postseq);
}

const char *pl_feed_config_error(void) {
    return config_error;
}

void pl_feed_lookup_fields(void) {
    GArray *wanted = g_array_new(FALSE, FALSE, (guint)sizeof(int));
    pl_segment_lookup_fields(wanted);
    set_postdissector_wanted_hfids(tlsaudit_handle, wanted);
}

void pl_feed_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree) {
    if (engine == NULL || tree == NULL)
        return;
    tlsa_segment seg;
    gint payload_offset;
    if (!pl_segment_read(tvb, pinfo, tree, &seg, &payload_offset))
        return;

    /* Stream position bookkeeping (for highlighting only): needed for segments with payload,
     * set by SYNs; a pure ACK neither changes nor uses it. */
    guint32 *base = NULL;
    if ((seg.flags & TLSA_TCP_SYN) != 0 || seg.len > 0) {
        gboolean created;
        base = pl_dirbase_get(&seg.src, &seg.dst, &created);
        if (base != NULL && ((seg.flags & TLSA_TCP_SYN) != 0 || created))
            *base = (seg.flags & TLSA_TCP_SYN) != 0 ? seg.seq + 1 : seg.seq;
    }

    cur.pinfo = pinfo;
    cur.seg = &seg;
    cur.payload_offset = payload_offset;
    cur.have_base = base != NULL;
    cur.base = base != NULL ? *base : 0;
    tlsa_err err = tlsa_engine_segment(engine, &seg);
    (void)err; /* damaged segments are counted by the engine; nothing to show per frame */
    memset(&cur, 0, sizeof cur);
}
