/* Preferences: tlsaudit.policy, tlsaudit.ca_file, tlsaudit.expand_tree (settable with -o).
 * The policy and trust store are read when the per-file engine is created (feed.c), so a change
 * takes effect at the next (re)dissection, which Wireshark starts itself after a change. */
#include "plugin.h"

#include <epan/prefs.h>

static const char *pref_policy = "";
static const char *pref_ca_file = "";
static gboolean pref_expand_tree = FALSE;

static void pl_prefs_apply(void) {
    if (pref_expand_tree) {
        tree_expanded_set(ett_tlsaudit, TRUE);
        tree_expanded_set(ett_steps, TRUE);
        tree_expanded_set(ett_conn, TRUE);
        tree_expanded_set(ett_findings, TRUE);
    }
}

void pl_register_prefs(void) {
    module_t *m = prefs_register_protocol(proto_tlsaudit, pl_prefs_apply);
    prefs_register_string_preference(
        m, "policy", "Cipher policy",
        "Policy profile for the audit: modern, intermediate (default) or old, or the path of a "
        "policy file. Empty: the library default.",
        &pref_policy);
    prefs_register_filename_preference(
        m, "ca_file", "Trusted CA file",
        "PEM bundle of trust anchors used to verify server certificate chains. Empty: the "
        "system trust store.",
        &pref_ca_file, FALSE);
    prefs_register_bool_preference(m, "expand_tree", "Expand the tlsaudit tree",
                                   "Open the tlsaudit subtrees (steps, connection, findings) "
                                   "when a packet is shown",
                                   &pref_expand_tree);
}

const char *pl_pref_policy(void) {
    return (pref_policy != NULL && pref_policy[0] != '\0') ? pref_policy : NULL;
}

const char *pl_pref_ca_file(void) {
    return (pref_ca_file != NULL && pref_ca_file[0] != '\0') ? pref_ca_file : NULL;
}
