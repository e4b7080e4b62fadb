/* Rules that need keys (design §4: handshake.*): with a key log or the server key, each Finished
 * is checked against the transcript and the TLS 1.3 server CertificateVerify against the leaf
 * key (tls_keys.c); a failed check is critical, as the handshake was tampered with or the
 * endpoints disagree about it. */
#include "audit_int.h"

#include "tlsaudit/conn.h"

static void check_finished(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    for (int d = 0; d < 2; d++) {
        if (c->finished_check[d] != 2)
            continue;
        const char *who = d == TLSA_FROM_SERVER ? "server" : "client";
        tlsa_audit_addf(x, TLSA_F_HANDSHAKE_FINISHED_MISMATCH, -1,
                        tlsa_audit_msg_frame(c, TLSA_HS_FINISHED, d),
                        "the %s's Finished does not match the hash of the handshake messages "
                        "computed with the logged keys",
                        who);
    }
}

static void check_cert_verify(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    if (c->cv_check != 2)
        return;
    tlsa_audit_addf(x, TLSA_F_HANDSHAKE_CERTIFICATE_VERIFY_INVALID, -1,
                    tlsa_audit_msg_frame(c, TLSA_HS_CERTIFICATE_VERIFY, TLSA_FROM_SERVER),
                    "the server's CertificateVerify signature does not verify with the public key "
                    "of the certificate it sent");
}

void tlsa_audit_keys(tlsa_audit_ctx *x) {
    check_finished(x);
    check_cert_verify(x);
}
