/* Internal declarations shared by the files of the tlsaudit Wireshark plugin.
 *
 * The plugin is a thin face of libtlsaudit: on the first pass it feeds every TCP segment to a
 * per-file engine (feed.c) and keeps, per frame, copies of what the library reported (result.c);
 * on every pass it turns the stored copy into tree items and expert infos (tree.c) and tap data
 * (stats.c). No protocol logic lives here. */
#ifndef TLSAUDIT_PLUGIN_H
#define TLSAUDIT_PLUGIN_H

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/proto.h>

#include <tlsaudit/tlsaudit.h>

/* ---- Stored results (wmem_file_scope; built on the first pass, read on every pass) ---- */

/* One handshake message that completed in a frame. */
typedef struct pl_step {
    guint8 step;
    guint8 who; /* tlsa_dir */
    gboolean encrypted;
    gboolean decrypted; /* protected on the wire, decrypted with the configured keys */
    guint16 handshake;  /* 0 initial, 1.. renegotiations */
    guint32 conn_index; /* set when the connection is reported (numbered then) */
    const char *message;
    const char *explain;
    const char *note;
    gint hl_offset, hl_length; /* bytes of this frame's tvb; hl_length 0 = no highlight */
} pl_step;

typedef struct pl_finding {
    guint16 id;      /* tlsa_finding_id */
    guint8 severity; /* tlsa_severity */
    const char *detail;
} pl_finding;

/* The connection summary, attached to the frame that completed or ended its handshake. */
typedef struct pl_summary {
    guint32 conn_index;
    const char *client, *server; /* "addr:port" */
    const char *version, *cipher, *kex, *sni, *alpn;
    gboolean resumed, complete, client_auth;
    const char *stopped; /* where an incomplete handshake stopped; NULL when complete */
    gboolean has_cert;
    const char *cert_subject, *cert_issuer, *cert_not_before, *cert_not_after, *cert_key;
    const char *chain_verdict;
    const char *keys; /* what the configured keys gave; NULL when none were configured */
    guint n_findings;
    pl_finding *findings;
} pl_summary;

typedef struct pl_frame {
    wmem_array_t *steps;     /* pl_step */
    wmem_array_t *summaries; /* pl_summary * */
} pl_frame;

/* ---- Registration (fields.c) ---- */
extern int proto_tlsaudit;
extern int tlsaudit_tap;
extern dissector_handle_t tlsaudit_handle;

extern int hf_step, hf_who, hf_message, hf_encrypted, hf_decrypted, hf_explain, hf_note,
    hf_handshake, hf_keys;
extern int hf_conn, hf_conn_index, hf_client, hf_server, hf_version, hf_cipher, hf_kex, hf_sni,
    hf_alpn, hf_resumed, hf_complete, hf_stopped, hf_client_auth, hf_cert_subject, hf_cert_issuer,
    hf_cert_not_before, hf_cert_not_after, hf_cert_key, hf_chain_verdict;
extern int hf_finding, hf_severity, hf_finding_title, hf_finding_detail, hf_finding_reference;

extern gint ett_tlsaudit, ett_steps, ett_step, ett_conn, ett_findings, ett_finding;

void pl_register_fields(void);
/* The expert info for a finding with this id and (possibly escalated) severity. */
expert_field *pl_finding_ei(guint16 id, guint8 severity);
/* The expert info shown when the auditor could not be configured from the preferences. */
extern expert_field ei_config_error;

/* ---- The post-dissector (dissect.c) ---- */
void pl_dissect_register(void);
void pl_dissect_handoff(void);

/* ---- Preferences (prefs.c) ---- */
void pl_register_prefs(void);
const char *pl_pref_policy(void);           /* NULL: library default */
const char *pl_pref_ca_file(void);          /* NULL: system trust store */
const char *pl_pref_keylog_file(void);      /* NULL: none */
const char *pl_pref_rsa_key_file(void);     /* NULL: none */
const char *pl_pref_rsa_key_password(void); /* NULL: none */

/* ---- First-pass feeding (feed.c) ---- */
void pl_feed_register(void);      /* init/cleanup/postseq routines */
void pl_feed_lookup_fields(void); /* at handoff: field ids and wanted hfids */
void pl_feed_frame(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree);
const char *pl_feed_config_error(void); /* NULL when the auditor loaded */

/* ---- One TCP segment of a frame (segment.c) ---- */
void pl_segment_lookup_fields(GArray *wanted); /* appends the field ids it reads */
/* FALSE when the frame carries no TCP segment to feed. *payload_offset: of the payload in tvb,
 * -1 when none of it was captured. */
gboolean pl_segment_read(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, tlsa_segment *seg,
                         gint *payload_offset);

/* ---- Per-direction stream base, for highlighting (dirbase.c) ---- */
/* The raw sequence number of the first stream byte of src → dst, added (as 0, *created TRUE)
 * when absent; NULL when it cannot be stored. */
guint32 *pl_dirbase_get(const tlsa_endpoint *src, const tlsa_endpoint *dst, gboolean *created);
void pl_dirbase_clear(void);

/* ---- Stored results (result.c) ---- */
void pl_results_init(void);
void pl_results_clear(void);
pl_frame *pl_results_get(guint32 frame); /* NULL when nothing stored */
/* The same during the first pass, just after frame was fed, without a map lookup. */
pl_frame *pl_results_get_first_pass(guint32 frame);
pl_frame *pl_results_get_or_add(guint32 frame);
void pl_results_add_step(guint32 frame, const tlsa_conn *c, const tlsa_step *s, gint hl_offset,
                         gint hl_length);
/* Copies the summary and findings of a finished connection to the frame that completed or
 * ended its handshake. */
void pl_results_add_conn(const tlsa_conn *c);

/* ---- Escaped file-scope copies of library texts (text.c) ---- */
void pl_text_init(void);
void pl_text_clear(void);
const char *pl_text_copy(const char *s, gssize len); /* len -1: NUL-terminated */
/* The same, stored once per distinct text: for texts that repeat across connections. */
const char *pl_text_intern(const char *s, gssize len);
/* The same for the library's fixed texts (NUL-terminated, usually the same pointers). */
const char *pl_text_const(const char *s);

/* ---- Tree and expert infos (tree.c) ---- */
void pl_tree_build(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const pl_frame *r);

/* ---- Statistics (stats.c) ---- */
void pl_stats_register_taps(void); /* tap_plugin callback */
void pl_table_register(void);      /* -z tlsaudit,table (table.c) */

/* ---- Wireshark-version-specific accesses (ws_compat.c) ---- */
/* The unsigned integer value of an integer field item. */
guint64 pl_fi_get_uint(const field_info *fi);

#endif
