/* Statistics: `-z tlsaudit,tree` (Statistics ▸ TLS Audit): connections, findings by severity and
 * id, versions, cipher suites and handshake messages, counted from each frame's stored result
 * (the tap data queued by dissect.c). */
#include "plugin.h"

#include <epan/stats_tree.h>
#include <epan/tap.h>

static int st_conns = -1, st_findings = -1, st_versions = -1, st_suites = -1, st_messages = -1;

static void st_init(stats_tree *st) {
    st_conns = stats_tree_create_node(st, "TLS connections", 0, STAT_DT_INT, TRUE);
    st_findings = stats_tree_create_pivot(st, "Findings by severity", 0);
    st_versions = stats_tree_create_pivot(st, "Versions", 0);
    st_suites = stats_tree_create_pivot(st, "Cipher suites", 0);
    st_messages = stats_tree_create_pivot(st, "Handshake messages", 0);
}

static tap_packet_status st_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt,
                                   const void *data, tap_flags_t flags) {
    (void)pinfo;
    (void)edt;
    (void)flags;
    const pl_frame *r = (const pl_frame *)data;
    if (r == NULL)
        return TAP_PACKET_DONT_REDRAW;
    guint n_steps = wmem_array_get_count(r->steps);
    for (guint i = 0; i < n_steps; i++) {
        const pl_step *s = (const pl_step *)wmem_array_index(r->steps, i);
        tick_stat_node(st, "Handshake messages", 0, FALSE);
        tick_stat_node(st, s->message ? s->message : "?", st_messages, FALSE);
    }
    guint n_sum = wmem_array_get_count(r->summaries);
    for (guint i = 0; i < n_sum; i++) {
        const pl_summary *sum = *(pl_summary *const *)wmem_array_index(r->summaries, i);
        tick_stat_node(st, "TLS connections", 0, FALSE);
        tick_stat_node(st, "Versions", 0, FALSE);
        tick_stat_node(st, sum->version ? sum->version : "unknown", st_versions, FALSE);
        tick_stat_node(st, "Cipher suites", 0, FALSE);
        tick_stat_node(st, sum->cipher ? sum->cipher : "none", st_suites, FALSE);
        for (guint k = 0; k < sum->n_findings; k++) {
            const pl_finding *f = &sum->findings[k];
            const char *sev = tlsa_severity_name((tlsa_severity)f->severity);
            tick_stat_node(st, "Findings by severity", 0, FALSE);
            int sev_node = tick_stat_node(st, sev, st_findings, TRUE);
            tick_stat_node(st, tlsa_finding_id_str((tlsa_finding_id)f->id), sev_node, FALSE);
        }
    }
    return TAP_PACKET_REDRAW;
}

void pl_stats_register_taps(void) {
    stats_tree_register_plugin("tlsaudit", "tlsaudit", "TLS Audit/Findings and Handshakes", 0,
                               st_packet, st_init, NULL);
}
