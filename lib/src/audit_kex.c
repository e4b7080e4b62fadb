/* Key-exchange and handshake-signature rules (design §4: kex.*, sig.weak_hash). */
#include "audit_int.h"

#include <stdio.h>
#include <stdlib.h>

#include "primes.h"
#include "tlsaudit/conn.h"
#include "tlsaudit/names.h"

#define DH_CRITICAL_BITS 1024
#define DH_MIN_BITS 2048
#define EC_MIN_BITS 224

static uint64_t ske_frame(const tlsa_conn *c) {
    uint64_t f = tlsa_audit_msg_frame(c, TLSA_HS_SERVER_KEY_EXCHANGE, TLSA_FROM_SERVER);
    return f ? f : c->sh.frame;
}

static void check_dh(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    const tlsa_kex *k = &c->kex;
    if ((k->kind != TLSA_KEX_DHE && k->kind != TLSA_KEX_DHE_PSK) || !k->dh_bits)
        return;
    uint32_t min =
        x->a->policy->min_dh_bits > DH_MIN_BITS ? x->a->policy->min_dh_bits : DH_MIN_BITS;
    if (k->dh_bits >= min)
        return;
    const tlsa_known_prime *kp = k->dh_p.data ? tlsa_prime_lookup(k->dh_p.data, k->dh_p.len) : NULL;
    int sev = k->dh_bits < DH_CRITICAL_BITS ? TLSA_SEV_CRITICAL : -1;
    if (kp)
        tlsa_audit_addf(x, TLSA_F_KEX_WEAK_DH, sev, ske_frame(c),
                        "DHE group of %u bits (under %u); the prime is a well-known one: %s",
                        k->dh_bits, min, kp->label);
    else
        tlsa_audit_addf(x, TLSA_F_KEX_WEAK_DH, sev, ske_frame(c), "DHE group of %u bits (under %u)",
                        k->dh_bits, min);
}

/* FFDHE groups (RFC 7919) are finite-field: judged by kex.weak_dh, not as curves. */
static bool is_ffdhe(uint16_t g) {
    return g >= 0x0100 && g <= 0x01FF;
}

static void check_curve(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    const tlsa_kex *k = &c->kex;
    uint16_t g = 0;
    uint64_t frame = 0;
    if (k->kind == TLSA_KEX_ECDHE || k->kind == TLSA_KEX_ECDHE_PSK) {
        g = k->group;
        frame = ske_frame(c);
    } else if (tlsa_version_is_tls13(c->version) && c->sh.present) {
        g = c->sh.key_share_group ? c->sh.key_share_group : k->group;
        frame = c->sh.frame;
    }
    if (!g || is_ffdhe(g) || tlsa_is_grease(g))
        return;
    uint32_t bits = tlsa_group_bits(g);
    bool weak = bits && bits < EC_MIN_BITS;
    bool outside = !tlsa_policy_allows_group(x->a->policy, g);
    if (!weak && !outside)
        return;
    tlsa_buf t = {0};
    tlsa_buf_printf(&t, "group %s (0x%04x)", tlsa_group_name(g), g);
    if (weak)
        tlsa_buf_printf(&t, " has %u bits, under %u", bits, EC_MIN_BITS);
    if (outside)
        tlsa_buf_printf(&t, "%s is not in the %s policy's groups", weak ? ";" : "",
                        x->a->policy->name);
    tlsa_audit_add(x, TLSA_F_KEX_WEAK_CURVE, -1, &frame, 1, &t);
}

static void check_pq(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    if (!tlsa_version_is_tls13(c->version) || !c->sh.present || !c->sh.key_share_group)
        return;
    uint16_t g = c->sh.key_share_group;
    if (!tlsa_group_is_pq_hybrid(g))
        tlsa_audit_addf(x, TLSA_F_KEX_NO_PQ, -1, c->sh.frame,
                        "key exchange with %s (0x%04x); a post-quantum hybrid such as "
                        "X25519MLKEM768 protects recorded traffic against future quantum attacks",
                        tlsa_group_name(g), g);
}

/* Legacy SignatureAndHashAlgorithm pairs put the hash in the high byte: 1 MD5, 2 SHA-1. */
static const char *weak_hash(uint16_t scheme) {
    switch (scheme >> 8) {
    case 1:
        return "MD5";
    case 2:
        return "SHA-1";
    default:
        return NULL;
    }
}

static void check_sig(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    const tlsa_kex *k = &c->kex;
    tlsa_buf t = {0};
    uint64_t frames[2] = {0, 0};
    uint64_t ske = tlsa_audit_msg_frame(c, TLSA_HS_SERVER_KEY_EXCHANGE, TLSA_FROM_SERVER);
    uint64_t cv = tlsa_audit_msg_frame(c, TLSA_HS_CERTIFICATE_VERIFY, TLSA_FROM_CLIENT);
    const char *h;
    if (k->ske_sig_scheme && (h = weak_hash(k->ske_sig_scheme))) {
        tlsa_buf_printf(&t, "ServerKeyExchange signed with %s (0x%04x, %s)",
                        tlsa_sigscheme_name(k->ske_sig_scheme), k->ske_sig_scheme, h);
        frames[0] = ske;
    }
    if (k->cv_sig_scheme && (h = weak_hash(k->cv_sig_scheme))) {
        tlsa_buf_printf(&t, "%sCertificateVerify signed with %s (0x%04x, %s)", t.len ? "; " : "",
                        tlsa_sigscheme_name(k->cv_sig_scheme), k->cv_sig_scheme, h);
        frames[1] = cv;
    }
    /* Before TLS 1.2 every handshake signature hashes with MD5+SHA-1 (RSA) or SHA-1 (DSA,
     * ECDSA); there is no field to look at. Anonymous key exchange signs nothing. */
    const tlsa_suite_info *si = c->has_suite ? tlsa_suite_lookup(c->suite) : NULL;
    bool signed_ske =
        ske && !k->ske_sig_scheme && si && si->auth != TLSA_AUTH_ANON && si->auth != TLSA_AUTH_PSK;
    if (!t.len && c->version >= TLSA_V_SSL3 && c->version <= TLSA_V_TLS11 && (signed_ske || cv)) {
        tlsa_buf_printf(&t, "TLS 1.0/1.1 signatures use MD5+SHA-1 (%s%s%s)",
                        signed_ske ? "ServerKeyExchange" : "", signed_ske && cv ? ", " : "",
                        cv ? "CertificateVerify" : "");
        frames[0] = signed_ske ? ske : 0;
        frames[1] = cv;
    }
    if (t.len || t.oom)
        tlsa_audit_add(x, TLSA_F_SIG_WEAK_HASH, -1, frames, 2, &t);
    else
        free(t.data);
}

void tlsa_audit_kex(tlsa_audit_ctx *x) {
    check_dh(x);
    check_curve(x);
    check_pq(x);
    check_sig(x);
}
