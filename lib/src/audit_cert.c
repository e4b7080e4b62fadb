/* Certificate rules (design §4, cert.*). The parsed chain and its verification come from the
 * auditor's cache; dates are judged here at the capture time, the host name against the SNI. */
#include "audit_int.h"

#include <openssl/objects.h>
#include <openssl/x509v3.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "tlsaudit/conn.h"

#define DAY 86400
#define EXPIRES_SOON_DAYS 30

/* CA/Browser Forum maximum validity by issuance date (reference/misc/cabf-...csv). */
static const struct {
    int64_t from; /* notBefore on or after this instant (UTC midnight) */
    const char *date;
    uint32_t days;
} max_validity[] = {
    {1868227200, "2029-03-15", 47},  {1805068800, "2027-03-15", 100},
    {1773532800, "2026-03-15", 200}, {1598918400, "2020-09-01", 398},
    {1519862400, "2018-03-01", 825},
};
static void time_str(int64_t t, char *buf, size_t size) {
    tlsa_time tt = {t, 0};
    tlsa_time_str(tt, buf, size);
}

static tlsa_err copy_infos(const tlsa_chain *ch, tlsa_cert_info **out) {
    *out = calloc(ch->n ? ch->n : 1, sizeof **out);
    if (!*out)
        return TLSA_E_NO_MEMORY;
    for (uint32_t i = 0; i < ch->n; i++)
        if (tlsa_cert_info_copy(&(*out)[i], &ch->info[i]) != TLSA_E_OK)
            return TLSA_E_NO_MEMORY;
    return TLSA_E_OK;
}

static const char *subj(const tlsa_cert_info *ci) {
    return ci->subject && ci->subject[0] ? ci->subject : "empty subject";
}

/* False for a sent certificate that the verified path does not use (e.g. an old cross-sign
 * next to a root the store has): it does not affect the connection. Unverified chains have no
 * path, so every certificate counts. */
static bool on_path(const tlsa_chain *ch, uint32_t i) {
    return !ch->verified || !ch->in_path || ch->in_path[i];
}

static void check_dates(tlsa_audit_ctx *x, const tlsa_chain *ch, int64_t now, uint64_t frame) {
    char when[32], at[32] = "";
    tlsa_buf exp = {0}, nyv = {0};
    for (uint32_t i = 0; i < ch->n; i++) {
        const tlsa_cert_info *ci = &ch->info[i];
        if (!ci->parsed || !on_path(ch, i))
            continue;
        if (now > ci->not_after_t) {
            time_str(ci->not_after_t, when, sizeof when);
            tlsa_buf_printf(&exp, "%scertificate %u (%s) expired %s", exp.len ? "; " : "", i,
                            subj(ci), when);
        } else if (now < ci->not_before_t) {
            time_str(ci->not_before_t, when, sizeof when);
            tlsa_buf_printf(&nyv, "%scertificate %u (%s) is valid only from %s",
                            nyv.len ? "; " : "", i, subj(ci), when);
        }
    }
    if (exp.len || exp.oom || nyv.len || nyv.oom)
        time_str(now, at, sizeof at); /* only for a finding: most connections have none */
    if (exp.len || exp.oom) {
        tlsa_buf_printf(&exp, "; capture time %s", at);
        tlsa_audit_add(x, TLSA_F_CERT_EXPIRED, -1, &frame, 1, &exp);
    }
    if (nyv.len || nyv.oom) {
        tlsa_buf_printf(&nyv, "; capture time %s", at);
        tlsa_audit_add(x, TLSA_F_CERT_NOT_YET_VALID, -1, &frame, 1, &nyv);
    }
    const tlsa_cert_info *leaf = &ch->info[0];
    if (leaf->parsed && now <= leaf->not_after_t && now >= leaf->not_before_t &&
        leaf->not_after_t - now < (int64_t)EXPIRES_SOON_DAYS * DAY) {
        time_str(leaf->not_after_t, when, sizeof when);
        time_str(now, at, sizeof at);
        tlsa_audit_addf(x, TLSA_F_CERT_EXPIRES_SOON, -1, frame,
                        "leaf (%s) expires %s, %lld days after the capture time %s", subj(leaf),
                        when, (long long)((leaf->not_after_t - now) / DAY), at);
    }
}

static void check_trust(tlsa_audit_ctx *x, tlsa_chain *ch, int64_t now, uint64_t frame) {
    tlsa_conn *c = x->c;
    tlsa_err err = tlsa_cert_chain_verify(x->a->cache, ch);
    if (err != TLSA_E_OK) {
        x->err = err;
        return;
    }
    if (!ch->verified) {
        tlsa_fmt(c->chain_verdict, sizeof c->chain_verdict, "not verified: %s", ch->verify_error);
        tlsa_audit_addf(x, TLSA_F_CERT_UNTRUSTED, -1, frame, "%s", ch->verify_error);
        return;
    }
    /* Certificates on the wire are judged by cert.expired / cert.not_yet_valid; one from the
     * trust store that is out of date at capture time makes the chain untrusted. */
    for (uint32_t i = 0; i < ch->n_store; i++) {
        const tlsa_store_cert *s = &ch->store[i];
        if (now >= s->not_before && now <= s->not_after)
            continue;
        const char *why =
            now > s->not_after ? "certificate has expired" : "certificate is not yet valid";
        tlsa_fmt(c->chain_verdict, sizeof c->chain_verdict, "not verified: %s at depth %d (%s)",
                 why, s->depth, s->subject);
        tlsa_audit_addf(x, TLSA_F_CERT_UNTRUSTED, -1, frame,
                        "%s at depth %d (%s, from the trust store) at the capture time", why,
                        s->depth, s->subject);
        return;
    }
    int n = tlsa_fmt(c->chain_verdict, sizeof c->chain_verdict, "verified to %s", ch->root_subject);
    for (uint32_t i = 1; i < ch->n && n >= 0 && (size_t)n < sizeof c->chain_verdict; i++)
        if (!ch->x[i]) { /* an extra that did not parse did not stop verification */
            tlsa_fmt(c->chain_verdict + n, sizeof c->chain_verdict - (size_t)n,
                     "; certificate %u does not parse", i);
            break;
        }
}

static bool leaf_matches(tlsa_chain *ch, const tlsa_blob *sni) {
    if (sni->len >= sizeof ch->host) /* longer than any DNS name: no match, not remembered */
        return tlsa_cert_matches_host(ch->x[0], sni->data, sni->len);
    if (ch->host_len != sni->len || memcmp(ch->host, sni->data, sni->len) != 0) {
        ch->host_ok = tlsa_cert_matches_host(ch->x[0], sni->data, sni->len);
        memcpy(ch->host, sni->data, sni->len);
        ch->host_len = (uint16_t)sni->len;
    }
    return ch->host_ok;
}

static void check_host(tlsa_audit_ctx *x, tlsa_chain *ch, uint64_t frame) {
    const tlsa_conn *c = x->c;
    if (!c->ch.present || !c->ch.sni.len || !c->ch.sni.data)
        return;
    if (leaf_matches(ch, &c->ch.sni))
        return;
    const tlsa_cert_info *leaf = &ch->info[0];
    tlsa_buf t = {0};
    /* The SNI came from the wire: the detail quotes it, the faces escape it. */
    tlsa_buf_printf(&t, "SNI \"%.*s\" is not covered by the leaf; ",
                    (int)(c->ch.sni.len > 253 ? 253 : c->ch.sni.len), (const char *)c->ch.sni.data);
    if (leaf->has_san) {
        tlsa_buf_printf(&t, "SAN:");
        for (uint32_t i = 0; i < leaf->n_san && i < 20; i++)
            tlsa_buf_printf(&t, "%s %s", i ? "," : "", leaf->san[i]);
        if (leaf->n_san > 20)
            tlsa_buf_printf(&t, ", … (%u names)", leaf->n_san);
        if (!leaf->n_san)
            tlsa_buf_printf(&t, " no DNS or IP names");
    } else {
        tlsa_buf_printf(&t, "no SAN, subject %s", subj(leaf));
    }
    tlsa_audit_add(x, TLSA_F_CERT_HOSTNAME_MISMATCH, -1, &frame, 1, &t);
}

static void check_keys(tlsa_audit_ctx *x, const tlsa_chain *ch, uint64_t frame) {
    uint32_t rsa_min = x->a->policy->min_rsa_bits > 2048 ? x->a->policy->min_rsa_bits : 2048;
    tlsa_buf weak = {0}, sig = {0};
    for (uint32_t i = 0; i < ch->n; i++) {
        const tlsa_cert_info *ci = &ch->info[i];
        if (!ci->parsed || !on_path(ch, i))
            continue;
        uint32_t min = ci->key_kind == 1   ? rsa_min
                       : ci->key_kind == 3 ? 2048
                       : ci->key_kind == 2 ? 224
                                           : 0;
        if (ci->key_bits && ci->key_bits < min)
            tlsa_buf_printf(&weak, "%scertificate %u (%s): %s, under %u bits", weak.len ? "; " : "",
                            i, subj(ci), ci->key, min);
        int md = NID_undef, pk = NID_undef;
        if (!ci->self_signed && OBJ_find_sigid_algs(X509_get_signature_nid(ch->x[i]), &md, &pk) &&
            (md == NID_md5 || md == NID_sha1 || md == NID_md5_sha1))
            tlsa_buf_printf(&sig, "%scertificate %u (%s) is signed with %s", sig.len ? "; " : "", i,
                            subj(ci), ci->sig_alg);
    }
    if (weak.len || weak.oom)
        tlsa_audit_add(x, TLSA_F_CERT_WEAK_KEY, -1, &frame, 1, &weak);
    if (sig.len || sig.oom)
        tlsa_audit_add(x, TLSA_F_CERT_WEAK_SIGNATURE, -1, &frame, 1, &sig);
}

static void check_leaf(tlsa_audit_ctx *x, const tlsa_cert_info *leaf, uint64_t frame) {
    if (leaf->self_signed)
        tlsa_audit_addf(x, TLSA_F_CERT_SELF_SIGNED, -1, frame, "leaf (%s) is signed by its own key",
                        subj(leaf));
    /* The validity period includes both notBefore and notAfter (CA/B BR §1.6.1). */
    int64_t life = leaf->not_after_t - leaf->not_before_t + 1;
    char extra[32];
    tlsa_fmt(extra, sizeof extra, " + %lld s", (long long)(life % DAY));
    for (size_t i = 0; i < sizeof max_validity / sizeof max_validity[0]; i++) {
        if (leaf->not_before_t < max_validity[i].from)
            continue;
        if (life > (int64_t)max_validity[i].days * DAY)
            tlsa_audit_addf(x, TLSA_F_CERT_VALIDITY_TOO_LONG, -1, frame,
                            "leaf valid %lld days%s (%s to %s); the CA/B Forum maximum for "
                            "certificates issued from %s is %u days (binding on publicly "
                            "trusted certificates)",
                            (long long)(life / DAY), life % DAY ? extra : "", leaf->not_before,
                            leaf->not_after, max_validity[i].date, max_validity[i].days);
        break;
    }
    if (!leaf->has_san)
        tlsa_audit_addf(x, TLSA_F_CERT_NO_SAN, -1, frame,
                        "leaf (%s) has no subjectAltName extension", subj(leaf));
    if (leaf->is_ca)
        tlsa_audit_addf(x, TLSA_F_CERT_LEAF_IS_CA, -1, frame,
                        "leaf (%s) has basicConstraints CA:TRUE", subj(leaf));
    bool ku_bad = leaf->has_key_usage && !leaf->ku_digital_signature && !leaf->ku_key_encipherment;
    bool eku_bad = leaf->has_eku && !leaf->eku_server_auth && !leaf->eku_any;
    if (ku_bad || eku_bad)
        tlsa_audit_addf(x, TLSA_F_CERT_BAD_USAGE, -1, frame, "leaf %s%s%s",
                        ku_bad ? "keyUsage has neither digitalSignature nor keyEncipherment" : "",
                        ku_bad && eku_bad ? "; " : "",
                        eku_bad ? "extendedKeyUsage has neither serverAuth nor anyExtendedKeyUsage"
                                : "");
}

/* Out of order: certificate i+1 does not issue certificate i although another one sent does. */
static void check_order(tlsa_audit_ctx *x, const tlsa_chain *ch, uint64_t frame) {
    for (uint32_t i = 0; i + 1 < ch->n; i++) {
        if (!ch->x[i] || (ch->x[i + 1] && X509_check_issued(ch->x[i + 1], ch->x[i]) == X509_V_OK))
            continue;
        for (uint32_t k = 0; k < ch->n; k++) {
            if (k == i || k == i + 1 || !ch->x[k] ||
                X509_check_issued(ch->x[k], ch->x[i]) != X509_V_OK)
                continue;
            tlsa_audit_addf(x, TLSA_F_CERT_CHAIN_ORDER, -1, frame,
                            "the issuer of certificate %u (%s) is certificate %u, not %u", i,
                            subj(&ch->info[i]), k, i + 1);
            return;
        }
    }
}

void tlsa_audit_certs(tlsa_audit_ctx *x) {
    tlsa_conn *c = x->c;
    tlsa_chain *ch = NULL;
    tlsa_err err;
    c->chain_verdict[0] = 0;
    if (c->client_chain.n && c->client_chain.v) {
        err = tlsa_cert_cache_get(x->a->cache, &c->client_chain, &ch);
        if (err == TLSA_E_OK)
            err = copy_infos(ch, &c->client_certs);
        if (err != TLSA_E_OK) {
            x->err = err;
            return;
        }
    }
    if (!c->server_chain.n || !c->server_chain.v) {
        /* Only when the Certificate stayed encrypted: decrypted without one, there was none. */
        if (tlsa_version_is_tls13(c->version) && c->sh.present && !c->resumed &&
            !c->sh.psk_selected && !c->decrypted) {
            if (c->keys_given)
                tlsa_audit_addf(x, TLSA_F_CERT_NOT_VISIBLE, -1, c->sh.frame,
                                "TLS 1.3 encrypts the Certificate message and the keys did not "
                                "open it (%s), so the server's certificate was not checked",
                                c->keys_note[0] ? c->keys_note : "no keys for this connection");
            else
                tlsa_audit_addf(x, TLSA_F_CERT_NOT_VISIBLE, -1, c->sh.frame,
                                "TLS 1.3 encrypts the Certificate message; no keys were given, so "
                                "the server's certificate was not checked");
        }
        return;
    }
    err = tlsa_cert_cache_get(x->a->cache, &c->server_chain, &ch);
    if (err == TLSA_E_OK)
        err = copy_infos(ch, &c->server_certs);
    if (err != TLSA_E_OK) {
        x->err = err;
        return;
    }
    int64_t now = tlsa_audit_time(x);
    uint64_t frame = c->server_chain_frame;
    check_trust(x, ch, now, frame);
    check_dates(x, ch, now, frame);
    if (!ch->info[0].parsed)
        return;
    check_leaf(x, &ch->info[0], frame);
    check_host(x, ch, frame);
    check_keys(x, ch, frame);
    check_order(x, ch, frame);
}
