/* Preferences: tlsaudit.policy, tlsaudit.ca_file, tlsaudit.keylog_file, tlsaudit.rsa_key_file,
 * tlsaudit.rsa_key_password, tlsaudit.expand_tree (settable with -o).
 * The policy, trust store and keys are read when the per-file engine is created (feed.c), so a
 * change takes effect at the next (re)dissection, which Wireshark starts itself after a change. */
#include "plugin.h"

#include <epan/prefs.h>

static const char *pref_policy = "";
static const char *pref_ca_file = "";
static const char *pref_keylog_file = "";
static const char *pref_rsa_key_file = "";
static const char *pref_rsa_key_password = "";
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
    prefs_register_filename_preference(
        m, "keylog_file", "Key log file",
        "NSS key log (SSLKEYLOGFILE format), or a pcapng file whose Decryption Secrets Blocks "
        "are used (for example the capture itself: Wireshark hands embedded secrets only to its "
        "own TLS dissector). The handshake is decrypted and Finished checked; application "
        "data never. Same as the CLI's --keylog.",
        &pref_keylog_file, FALSE);
    prefs_register_filename_preference(
        m, "rsa_key_file", "Server RSA private key",
        "The server's RSA private key (PEM PKCS#1/PKCS#8 or DER) for RSA key exchange. Same as "
        "the CLI's --rsa-key.",
        &pref_rsa_key_file, FALSE);
    prefs_register_string_preference(m, "rsa_key_password", "RSA key password",
                                     "Password of an encrypted PKCS#8 RSA key (empty: none)",
                                     &pref_rsa_key_password);
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

const char *pl_pref_keylog_file(void) {
    return (pref_keylog_file != NULL && pref_keylog_file[0] != '\0') ? pref_keylog_file : NULL;
}

const char *pl_pref_rsa_key_file(void) {
    return (pref_rsa_key_file != NULL && pref_rsa_key_file[0] != '\0') ? pref_rsa_key_file : NULL;
}

const char *pl_pref_rsa_key_password(void) {
    return (pref_rsa_key_password != NULL && pref_rsa_key_password[0] != '\0')
               ? pref_rsa_key_password
               : NULL;
}
