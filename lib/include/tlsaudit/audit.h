/* The audit: certificates, suites, versions, key exchange and protocol rules → findings. */
#ifndef TLSAUDIT_AUDIT_H
#define TLSAUDIT_AUDIT_H

#include "conn.h"
#include "error.h"

typedef struct tlsa_policy tlsa_policy;
typedef struct tlsa_auditor tlsa_auditor;

typedef struct tlsa_audit_config {
    const char *ca_file;  /* PEM bundle of trust anchors; NULL: system store unless ca_path set */
    const char *ca_path;  /* hashed directory (c_rehash); NULL: none */
    bool no_system_store; /* do not load OpenSSL's default paths */
    const char *policy;   /* "modern", "intermediate" (default), "old", or a policy file path */
    bool has_now;         /* judge dates at this time instead of the capture time */
    int64_t now;          /* seconds since the epoch */
} tlsa_audit_config;

/* Creates an auditor (loads trust store and policy). On error *err says why and msg (if not
 * NULL, msgsize bytes) names the file or value. Returns NULL on error. */
TLSA_API tlsa_auditor *tlsa_auditor_new(const tlsa_audit_config *cfg, tlsa_err *err, char *msg,
                                        size_t msgsize);
TLSA_API void tlsa_auditor_free(tlsa_auditor *a);

/* Fills c->server_certs, c->client_certs, c->chain_verdict and c->findings (sorted by severity,
 * highest first, then by catalogue order). Results per certificate chain are cached inside the
 * auditor. Safe to call once per connection. */
TLSA_API tlsa_err tlsa_audit_conn(tlsa_auditor *a, tlsa_conn *c) TLSA_WUR;

/* Release what tlsa_audit_conn added (the engine calls it when it frees the record). */
TLSA_API void tlsa_audit_clear(tlsa_conn *c);

/* Policy names available built in: "modern", "intermediate", "old". */
TLSA_API const char *const *tlsa_policy_names(void);

#endif
