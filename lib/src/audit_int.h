/* Internals shared by the audit files (audit.c drives; audit_cert.c, audit_cipher.c,
 * audit_proto.c hold the rules of design §4). */
#ifndef TLSA_SRC_AUDIT_INT_H
#define TLSA_SRC_AUDIT_INT_H

#include "cert.h"
#include "policy.h"
#include "tlsaudit/audit.h"
#include "tlsaudit/output.h"

struct tlsa_auditor {
    X509_STORE *store;
    tlsa_cert_cache *cache;
    tlsa_policy *policy;
    bool has_now;
    int64_t now;
};

/* Finding details are built in a tlsa_buf (output.h) with tlsa_buf_printf; on allocation failure
 * the buffer's oom is set and the finding is not added. */

typedef struct tlsa_audit_ctx {
    tlsa_auditor *a;
    tlsa_conn *c;
    tlsa_finding *v;
    uint32_t n, cap;
    tlsa_err err; /* first allocation failure */
} tlsa_audit_ctx;

/* Adds a finding. severity < 0: the catalogue's. frames: n_frames values, zeros skipped. The
 * detail is taken over (freed here on failure). */
void tlsa_audit_add(tlsa_audit_ctx *x, tlsa_finding_id id, int severity, const uint64_t *frames,
                    uint32_t n_frames, tlsa_buf *detail);
/* The same with a printf-style detail and one frame. */
void tlsa_audit_addf(tlsa_audit_ctx *x, tlsa_finding_id id, int severity, uint64_t frame,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Frame of the first message of this type sent by who (any handshake); 0 when none. */
uint64_t tlsa_audit_msg_frame(const tlsa_conn *c, uint8_t msg_type, int who);
/* The capture time at which the server's certificates are judged. */
int64_t tlsa_audit_time(const tlsa_audit_ctx *x);

void tlsa_audit_certs(tlsa_audit_ctx *x);
void tlsa_audit_cipher(tlsa_audit_ctx *x);
void tlsa_audit_kex(tlsa_audit_ctx *x);
void tlsa_audit_proto(tlsa_audit_ctx *x);
void tlsa_audit_keys(tlsa_audit_ctx *x);

/* For tests: the auditor's certificate cache (counters in cert.h). */
tlsa_cert_cache *tlsa_auditor_cert_cache(tlsa_auditor *a);

#endif
