/* The tree and the expert infos of one frame, built on every pass from the stored result:
 *   TLS Handshake Audit
 *     TLS Handshake Steps      one item per handshake message that completed in this frame
 *     Connection N             on the frame that completed or ended the handshake
 *       version, cipher, ..., certificate, chain verdict
 *       Findings               one subtree per finding, expert info on its tlsaudit.finding leaf
 */
#include "plugin.h"

#include <string.h>

static const char *who_str(guint8 who) {
    return who == TLSA_FROM_CLIENT ? "client" : "server";
}

static const char *arrow_str(guint8 who) {
    return who == TLSA_FROM_CLIENT ? "client \xe2\x86\x92 server" : "server \xe2\x86\x92 client";
}

/* "Step N · client → server · Message (encrypted) — explanation", joined by hand: a format with
 * five arguments costs more than the rest of the step's items together (every step, every pass).
 * Longer than a tree label can be: Wireshark truncates it, as it would the formatted one. */
static void step_label(char *buf, size_t size, const pl_step *s) {
    char num[4];
    g_snprintf(num, sizeof num, "%u", s->step);
    const char *parts[] = {"Step ",
                           num,
                           " \xc2\xb7 ",
                           arrow_str(s->who),
                           " \xc2\xb7 ",
                           s->message ? s->message : "?",
                           s->encrypted   ? " (encrypted)"
                           : s->decrypted ? " (decrypted)"
                                          : "",
                           " \xe2\x80\x94 ",
                           s->explain ? s->explain : ""};
    size_t len = 0;
    for (size_t i = 0; i < G_N_ELEMENTS(parts) && len + 1 < size; i++) {
        size_t n = MIN(strlen(parts[i]), size - 1 - len);
        memcpy(buf + len, parts[i], n);
        len += n;
    }
    buf[len] = '\0';
}

static void add_steps(proto_tree *tree, tvbuff_t *tvb, const pl_frame *r) {
    guint n = wmem_array_get_count(r->steps);
    if (n == 0)
        return;
    proto_tree *st = proto_tree_add_subtree_format(tree, tvb, 0, 0, ett_steps, NULL,
                                                   "TLS Handshake Steps (%u in this frame)", n);
    for (guint i = 0; i < n; i++) {
        const pl_step *s = (const pl_step *)wmem_array_index(r->steps, i);
        char label[512];
        step_label(label, sizeof label, s);
        proto_item *it = proto_tree_add_uint_format(st, hf_step, tvb, s->hl_offset, s->hl_length,
                                                    s->step, "%s", label);
        proto_tree *t = proto_item_add_subtree(it, ett_step);
        proto_item *pi;
        pi = proto_tree_add_string(t, hf_who, tvb, 0, 0, who_str(s->who));
        proto_item_set_generated(pi);
        pi = proto_tree_add_string(t, hf_message, tvb, s->hl_offset, s->hl_length,
                                   s->message ? s->message : "");
        proto_item_set_generated(pi);
        pi = proto_tree_add_boolean(t, hf_encrypted, tvb, 0, 0, s->encrypted);
        proto_item_set_generated(pi);
        if (s->decrypted) {
            pi = proto_tree_add_boolean(t, hf_decrypted, tvb, 0, 0, s->decrypted);
            proto_item_set_generated(pi);
        }
        pi = proto_tree_add_string(t, hf_explain, tvb, 0, 0, s->explain ? s->explain : "");
        proto_item_set_generated(pi);
        if (s->note != NULL) {
            pi = proto_tree_add_string(t, hf_note, tvb, 0, 0, s->note);
            proto_item_set_generated(pi);
        }
        if (s->handshake > 0) {
            pi = proto_tree_add_uint(t, hf_handshake, tvb, 0, 0, s->handshake);
            proto_item_set_generated(pi);
        }
        pi = proto_tree_add_uint(t, hf_conn_index, tvb, 0, 0, s->conn_index);
        proto_item_set_generated(pi);
    }
}

static void add_str(proto_tree *t, int hf, tvbuff_t *tvb, const char *v) {
    if (v == NULL)
        return;
    proto_item *pi = proto_tree_add_string(t, hf, tvb, 0, 0, v);
    proto_item_set_generated(pi);
}

static void add_bool(proto_tree *t, int hf, tvbuff_t *tvb, gboolean v) {
    proto_item *pi = proto_tree_add_boolean(t, hf, tvb, 0, 0, v);
    proto_item_set_generated(pi);
}

static void add_findings(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                         const pl_summary *sum) {
    if (sum->n_findings == 0)
        return;
    proto_tree *ft = proto_tree_add_subtree_format(tree, tvb, 0, 0, ett_findings, NULL,
                                                   "Findings (%u)", sum->n_findings);
    for (guint i = 0; i < sum->n_findings; i++) {
        const pl_finding *f = &sum->findings[i];
        tlsa_finding_id id = (tlsa_finding_id)f->id;
        const char *id_str = tlsa_finding_id_str(id);
        const char *title = tlsa_finding_title(id);
        const char *sev = tlsa_severity_name((tlsa_severity)f->severity);
        proto_tree *t = proto_tree_add_subtree_format(ft, tvb, 0, 0, ett_finding, NULL,
                                                      "[%s] %s: %s", sev, id_str, title);
        proto_item *leaf = proto_tree_add_string(t, hf_finding, tvb, 0, 0, id_str);
        proto_item_set_generated(leaf);
        add_str(t, hf_severity, tvb, sev);
        add_str(t, hf_finding_title, tvb, title);
        add_str(t, hf_finding_detail, tvb, f->detail);
        add_str(t, hf_finding_reference, tvb, tlsa_finding_reference(id));
        /* The message is "id: title", so that -z expert and the Expert Information dialog group
         * equal findings; the evidence is in tlsaudit.finding.detail beside the leaf. */
        expert_add_info_format(pinfo, leaf, pl_finding_ei(f->id, f->severity), "%s: %s", id_str,
                               title);
    }
}

static void add_summary(proto_tree *tree, tvbuff_t *tvb, packet_info *pinfo,
                        const pl_summary *sum) {
    proto_item *ci = proto_tree_add_uint_format(
        tree, hf_conn, tvb, 0, 0, sum->conn_index, "Connection %u: %s \xe2\x86\x92 %s, %s, %s%s",
        sum->conn_index, sum->client, sum->server, sum->version ? sum->version : "version unknown",
        sum->complete ? "handshake complete" : "handshake incomplete",
        sum->n_findings ? "" : ", no findings");
    proto_item_set_generated(ci);
    proto_tree *t = proto_item_add_subtree(ci, ett_conn);
    add_str(t, hf_client, tvb, sum->client);
    add_str(t, hf_server, tvb, sum->server);
    add_str(t, hf_version, tvb, sum->version);
    add_str(t, hf_cipher, tvb, sum->cipher);
    add_str(t, hf_kex, tvb, sum->kex);
    add_str(t, hf_sni, tvb, sum->sni);
    add_str(t, hf_alpn, tvb, sum->alpn);
    add_bool(t, hf_resumed, tvb, sum->resumed);
    add_bool(t, hf_complete, tvb, sum->complete);
    add_str(t, hf_stopped, tvb, sum->stopped);
    add_bool(t, hf_client_auth, tvb, sum->client_auth);
    if (sum->has_cert) {
        add_str(t, hf_cert_subject, tvb, sum->cert_subject);
        add_str(t, hf_cert_issuer, tvb, sum->cert_issuer);
        add_str(t, hf_cert_not_before, tvb, sum->cert_not_before);
        add_str(t, hf_cert_not_after, tvb, sum->cert_not_after);
        add_str(t, hf_cert_key, tvb, sum->cert_key);
    }
    add_str(t, hf_chain_verdict, tvb, sum->chain_verdict);
    add_str(t, hf_keys, tvb, sum->keys);
    const char *cfg_err = pl_feed_config_error();
    if (cfg_err != NULL)
        proto_tree_add_expert_format(t, pinfo, &ei_config_error, tvb, 0, 0,
                                     "tlsaudit preferences could not be applied: %s", cfg_err);
    add_findings(t, tvb, pinfo, sum);
}

void pl_tree_build(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const pl_frame *r) {
    guint n_steps = wmem_array_get_count(r->steps);
    guint n_sum = wmem_array_get_count(r->summaries);
    if (n_steps == 0 && n_sum == 0)
        return;
    if (n_steps > 0) {
        const pl_step *s = (const pl_step *)wmem_array_index(r->steps, n_steps - 1);
        if (n_steps == 1)
            col_append_fstr(pinfo->cinfo, COL_INFO, " [tlsaudit: step %u %s]", s->step,
                            s->message ? s->message : "?");
        else
            col_append_fstr(pinfo->cinfo, COL_INFO, " [tlsaudit: %u messages, up to step %u]",
                            n_steps, s->step);
    }
    /* Without a tree the items are NULL, but the expert infos still reach the expert tap. */
    proto_item *ti = proto_tree_add_item(tree, proto_tlsaudit, tvb, 0, 0, ENC_NA);
    proto_tree *t = proto_item_add_subtree(ti, ett_tlsaudit);
    add_steps(t, tvb, r);
    for (guint i = 0; i < n_sum; i++) {
        pl_summary *const *sum = (pl_summary *const *)wmem_array_index(r->summaries, i);
        add_summary(t, tvb, pinfo, *sum);
    }
}
