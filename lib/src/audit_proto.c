/* Protocol rules (design §4: proto.*). */
#include "audit_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tlsaudit/conn.h"
#include "tlsaudit/names.h"

#define EXT_HEARTBEAT 15
#define EXT_EMS 23
#define EXT_RENEGOTIATION_INFO 0xff01
#define SCSV_RENEGOTIATION 0x00ff
#define ALERT_INAPPROPRIATE_FALLBACK 86

static const char *who(uint8_t dir) {
    return dir == TLSA_FROM_SERVER ? "server" : "client";
}

static void check_renegotiation(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    if (c->handshakes > 1) {
        uint64_t frames[64];
        uint32_t n = 0;
        for (uint32_t i = 0; c->steps.v && i < c->steps.n && n < 64; i++)
            if (c->steps.v[i].handshake > 0 && c->steps.v[i].msg_type == TLSA_HS_CLIENT_HELLO)
                frames[n++] = c->steps.v[i].frame;
        tlsa_buf t = {0};
        tlsa_buf_printf(&t, "%u handshakes on this connection (%u renegotiation%s)", c->handshakes,
                        c->handshakes - 1, c->handshakes > 2 ? "s" : "");
        if (!n)
            frames[n++] = c->first_frame;
        tlsa_audit_add(x, TLSA_F_PROTO_RENEGOTIATION, -1, frames, n, &t);
    }
    if (!c->sh.present || c->version < TLSA_V_SSL3 || c->version > TLSA_V_TLS12)
        return;
    bool ch_ok = c->ch.present && (tlsa_u16_list_has(&c->ch.extensions, EXT_RENEGOTIATION_INFO) ||
                                   tlsa_u16_list_has(&c->ch.suites, SCSV_RENEGOTIATION));
    bool sh_ok = tlsa_u16_list_has(&c->sh.extensions, EXT_RENEGOTIATION_INFO);
    if (sh_ok && (ch_ok || !c->ch.present))
        return;
    tlsa_buf t = {0};
    if (c->ch.present && !ch_ok)
        tlsa_buf_printf(&t, "the ClientHello has neither renegotiation_info nor the SCSV");
    if (!sh_ok)
        tlsa_buf_printf(&t, "%sthe ServerHello lacks renegotiation_info", t.len ? "; " : "");
    uint64_t frames[2] = {c->ch.present && !ch_ok ? c->ch.frame : 0, c->sh.frame};
    tlsa_audit_add(x, TLSA_F_PROTO_INSECURE_RENEGOTIATION, -1, frames, 2, &t);
}

static void check_hello_features(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    if (c->sh.present && c->sh.compression != 0)
        tlsa_audit_addf(x, TLSA_F_PROTO_COMPRESSION, -1, c->sh.frame,
                        "the server chose compression method %u%s", c->sh.compression,
                        c->sh.compression == 1 ? " (DEFLATE)" : "");
    if (c->ch.present && c->sh.present && tlsa_u16_list_has(&c->ch.extensions, EXT_HEARTBEAT) &&
        tlsa_u16_list_has(&c->sh.extensions, EXT_HEARTBEAT)) {
        uint64_t frames[2] = {c->ch.frame, c->sh.frame};
        tlsa_buf t = {0};
        tlsa_buf_printf(&t, "both hellos carry the heartbeat extension (server mode %u)",
                        c->sh.heartbeat_mode);
        tlsa_audit_add(x, TLSA_F_PROTO_HEARTBEAT, -1, frames, 2, &t);
    }
    if (c->heartbleed)
        tlsa_audit_addf(x, TLSA_F_PROTO_HEARTBLEED, -1, c->heartbleed_frame,
                        "a heartbeat request claims a payload longer than its record (frame %llu)",
                        (unsigned long long)c->heartbleed_frame);
    if (c->version == TLSA_V_TLS12 && c->sh.present &&
        !tlsa_u16_list_has(&c->sh.extensions, EXT_EMS)) {
        bool ch_has = c->ch.present && tlsa_u16_list_has(&c->ch.extensions, EXT_EMS);
        tlsa_audit_addf(x, TLSA_F_PROTO_NO_EMS, -1, c->sh.frame,
                        "the ServerHello lacks extended_master_secret%s",
                        !c->ch.present ? ""
                        : ch_has       ? " (the client offered it)"
                                       : " (the client did not offer it)");
    }
    if (c->ch.present && !c->ch.sni.len)
        tlsa_audit_addf(x, TLSA_F_PROTO_NO_SNI, -1, c->ch.frame,
                        "the ClientHello has no server_name%s",
                        c->ch.sslv2_format ? " (SSLv2-format hello: it cannot carry one)" : "");
    if (c->ch.present && c->ch.sslv2_format)
        tlsa_audit_addf(x, TLSA_F_PROTO_SSLV2_HELLO, -1, c->ch.frame,
                        "the client sent its ClientHello in the SSLv2-compatible format");
    if (c->early_data)
        tlsa_audit_addf(x, TLSA_F_PROTO_EARLY_DATA, -1,
                        c->ch.present ? c->ch.frame : c->first_frame,
                        "the client sent 0-RTT early data, which an attacker can replay");
}

/* Highest version the ClientHello offered (supported_versions, else legacy_version). */
static uint16_t max_offered(const tlsa_conn *c) {
    uint16_t v = c->ch.legacy_version;
    for (uint32_t i = 0; c->ch.versions.v && i < c->ch.versions.n; i++) {
        uint16_t w = c->ch.versions.v[i];
        if (!tlsa_is_grease(w) && w <= TLSA_V_TLS13 && w > v)
            v = w;
    }
    return v;
}

/* The sentinel is normal when the client itself offered nothing higher than what was
 * negotiated (the server only says it could do more); it betrays a downgrade when the client
 * offered the higher version. Without the ClientHello (capture started late, snaplen) nothing
 * can be concluded. */
static bool sentinel_unexpected(const tlsa_conn *c) {
    if (!c->ch.present)
        return false;
    uint16_t want = c->sh.downgrade == 12 ? TLSA_V_TLS13 : TLSA_V_TLS12;
    return max_offered(c) >= want;
}

static void check_alerts(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    bool downgrade_alert = false;
    uint64_t downgrade_frame = 0;
    for (uint32_t i = 0; c->alerts && i < c->n_alerts; i++) {
        const tlsa_alert *al = &c->alerts[i];
        if (al->encrypted || al->level != 2)
            continue;
        tlsa_audit_addf(x, TLSA_F_PROTO_FATAL_ALERT, -1, al->frame,
                        "%s sent fatal alert %s (%u) at step %u (frame %llu)", who(al->sender),
                        tlsa_alert_name(al->description), al->description, al->step,
                        (unsigned long long)al->frame);
        if (al->description == ALERT_INAPPROPRIATE_FALLBACK && !downgrade_alert) {
            downgrade_alert = true;
            downgrade_frame = al->frame;
        }
    }
    if (c->sh.present && c->sh.downgrade && sentinel_unexpected(c))
        tlsa_audit_addf(
            x, TLSA_F_PROTO_DOWNGRADE, -1, c->sh.frame,
            "ServerHello.random ends with the TLS 1.3 downgrade sentinel DOWNGRD\\x%02x "
            "(server supports %s) although the client offered %s: a client "
            "implementing RFC 8446 aborts here",
            c->sh.downgrade == 12 ? 1 : 0, c->sh.downgrade == 12 ? "TLS 1.3" : "TLS 1.2 or higher",
            c->ch.present ? tlsa_version_name(max_offered(c)) : "an unknown version");
    else if (downgrade_alert)
        tlsa_audit_addf(x, TLSA_F_PROTO_DOWNGRADE, -1, downgrade_frame,
                        "inappropriate_fallback alert: a fallback to a lower version was refused "
                        "(RFC 7507)");
}

static void check_completion(tlsa_audit_ctx *x) {
    const tlsa_conn *c = x->c;
    if (!c->complete) {
        char where[128];
        tlsa_conn_stop_str(c, where, sizeof where);
        tlsa_audit_addf(x, TLSA_F_PROTO_INCOMPLETE, -1, c->last_frame,
                        "the handshake did not complete in the capture: %s", where);
    }
    uint64_t frames[32];
    uint32_t n = 0, total = 0;
    tlsa_buf t = {0};
    for (uint32_t i = 0; c->problems && i < c->n_problems; i++) {
        const tlsa_problem *p = &c->problems[i];
        /* A message over a configured limit could not be parsed either: say so, with the limit,
         * rather than drop it silently. (A full reassembly buffer is a gap, like loss.) */
        bool unparsed = p->err == TLSA_E_LIMIT_MESSAGE || p->err == TLSA_E_LIMIT_CERTS ||
                        p->err == TLSA_E_LIMIT_EXTENSIONS;
        if (tlsa_err_category_of((tlsa_err)p->err) != TLSA_CAT_MALFORMED && !unparsed)
            continue;
        const char *why = tlsa_strerror((tlsa_err)p->err);
        if (total < 8)
            tlsa_buf_printf(&t, "%sframe %llu, %s: %.96s%s%s", total ? "; " : "",
                            (unsigned long long)p->frame, who(p->dir), p->what,
                            strstr(p->what, why) ? "" : ": ", strstr(p->what, why) ? "" : why);
        if (n < 32)
            frames[n++] = p->frame;
        total++;
    }
    if (!total)
        return;
    if (total > 8)
        tlsa_buf_printf(&t, "; … (%u problems in all)", total);
    tlsa_audit_add(x, TLSA_F_PROTO_MALFORMED, -1, frames, n, &t);
}

void tlsa_audit_proto(tlsa_audit_ctx *x) {
    check_renegotiation(x);
    check_hello_features(x);
    check_alerts(x);
    check_completion(x);
}
