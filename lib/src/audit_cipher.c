/* Version and cipher-suite rules (design §4: version.*, cipher.*, client.offers_weak). */
#include "audit_int.h"

#include <stdio.h>

#include "tlsaudit/conn.h"
#include "tlsaudit/names.h"

static void check_version(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    uint64_t frame = c->sh.present ? c->sh.frame : c->first_frame;
    tlsa_finding_id id;
    switch (c->version) {
    case TLSA_V_SSL2:
        id = TLSA_F_VERSION_SSLV2;
        break;
    case TLSA_V_SSL3:
        id = TLSA_F_VERSION_SSLV3;
        break;
    case TLSA_V_TLS10:
        id = TLSA_F_VERSION_TLS10;
        break;
    case TLSA_V_TLS11:
        id = TLSA_F_VERSION_TLS11;
        break;
    default:
        return;
    }
    tlsa_audit_addf(x, id, -1, frame, "the server chose %s (0x%04x)", tlsa_version_name(c->version),
                    c->version);
}

/* The weak classes a suite falls into, as a bit set over these findings. */
enum { W_NULL = 1, W_EXPORT = 2, W_ANON = 4, W_RC4 = 8, W_DES = 16, W_3DES = 32 };

static unsigned weak_classes(const tlsa_suite_info *si) {
    unsigned w = 0;
    if (si->cipher == TLSA_CIPHER_NULL)
        w |= W_NULL;
    if (si->export_grade)
        w |= W_EXPORT;
    if (si->auth == TLSA_AUTH_ANON)
        w |= W_ANON;
    if (si->cipher == TLSA_CIPHER_RC4)
        w |= W_RC4;
    if (si->cipher == TLSA_CIPHER_DES)
        w |= W_DES;
    if (si->cipher == TLSA_CIPHER_3DES)
        w |= W_3DES;
    return w;
}

static void check_suite(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    if (!c->has_suite || c->version == TLSA_V_SSL2)
        return;
    uint64_t frame = c->sh.present ? c->sh.frame : c->first_frame;
    const tlsa_suite_info *si = tlsa_suite_lookup(c->suite);
    const char *name = si && si->name ? si->name : "unassigned suite";
    if (si) {
        static const struct {
            unsigned bit;
            tlsa_finding_id id;
            const char *why;
        } rules[] = {
            {W_NULL, TLSA_F_CIPHER_NULL, "no encryption: application data is sent in clear"},
            {W_EXPORT, TLSA_F_CIPHER_EXPORT,
             "export-grade keys (40/56 bits or 512-bit key exchange)"},
            {W_ANON, TLSA_F_CIPHER_ANON, "anonymous key exchange: the server is not authenticated"},
            {W_RC4, TLSA_F_CIPHER_RC4, "RC4 keystream biases make plaintext recoverable"},
            {W_DES, TLSA_F_CIPHER_DES, "single DES has a 56-bit key"},
            {W_3DES, TLSA_F_CIPHER_3DES, "64-bit block cipher: SWEET32 birthday attacks"},
        };
        unsigned w = weak_classes(si);
        for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
            if (w & rules[i].bit)
                tlsa_audit_addf(x, rules[i].id, -1, frame, "%s (0x%04X): %s", name, c->suite,
                                rules[i].why);
        if (si->mode == TLSA_MODE_CBC)
            tlsa_audit_addf(x, TLSA_F_CIPHER_CBC, -1, frame, "%s (0x%04X) uses CBC mode%s", name,
                            c->suite,
                            c->version <= TLSA_V_TLS10
                                ? " (Lucky13; BEAST applies: predictable IVs in SSL 3.0/TLS 1.0)"
                                : " (Lucky13 timing)");
        switch (si->kex) {
        case TLSA_KEX_RSA:
        case TLSA_KEX_DH:
        case TLSA_KEX_ECDH:
        case TLSA_KEX_PSK:
        case TLSA_KEX_RSA_PSK:
            tlsa_audit_addf(x, TLSA_F_CIPHER_NO_PFS, -1, frame,
                            "%s (0x%04X): static key exchange; a later compromise of the server "
                            "key reveals recorded traffic",
                            name, c->suite);
            break;
        default:
            break;
        }
    }
    /* cipher.policy covers both the suite and the version (one finding, each reason named). */
    const tlsa_policy *p = x->a->policy;
    bool tls13 = tlsa_version_is_tls13(c->version) || (si && si->tls13);
    char vb[16];
    bool suite_ok = tlsa_policy_allows_suite(p, c->suite, tls13);
    bool version_ok = !c->version || tlsa_policy_allows_version(p, c->version);
    if (suite_ok && version_ok)
        return;
    tlsa_buf t = {0};
    if (!suite_ok)
        tlsa_buf_printf(&t, "%s (0x%04X) is not among the %s policy's %s suites", name, c->suite,
                        p->name, tls13 ? "TLS 1.3" : "TLS 1.2");
    if (!version_ok) {
        tlsa_buf_printf(&t, "%s%s is not among its versions (", t.len ? "; " : "",
                        tlsa_version_name(c->version));
        for (uint32_t i = 0; i < p->versions.n; i++)
            tlsa_buf_printf(&t, "%s%s", i ? " " : "",
                            tlsa_policy_version_str(p->versions.v[i], vb, sizeof vb));
        tlsa_buf_printf(&t, ")");
    }
    tlsa_audit_add(x, TLSA_F_CIPHER_POLICY, -1, &frame, 1, &t);
}

static void check_client_offer(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    if (!c->ch.present || !c->ch.suites.v)
        return;
    tlsa_buf t = {0};
    uint32_t n = 0;
    for (uint32_t i = 0; i < c->ch.suites.n; i++) {
        uint16_t s = c->ch.suites.v[i];
        if (tlsa_is_grease(s) || s == 0x00FF || s == 0x5600) /* signalling values */
            continue;
        const tlsa_suite_info *si = tlsa_suite_lookup(s);
        if (!si || !(weak_classes(si) & (W_NULL | W_EXPORT | W_ANON | W_RC4 | W_DES)))
            continue;
        if (n < 32)
            tlsa_buf_printf(&t, "%s%s", n ? ", " : "", si->name ? si->name : "?");
        n++;
    }
    if (!n)
        return;
    if (n > 32)
        tlsa_buf_printf(&t, ", … (%u in all)", n);
    tlsa_buf_printf(&t, " offered by the client");
    tlsa_audit_add(x, TLSA_F_CLIENT_OFFERS_WEAK, -1, &c->ch.frame, 1, &t);
}

void tlsa_audit_cipher(tlsa_audit_ctx *x) {
    check_version(x);
    check_suite(x);
    check_client_offer(x);
}
