/* Display helpers for connection records: names of versions and messages, the plain-language
 * explanation of each step, the key exchange and where a handshake stopped. */
#include <string.h>

#include "fmt.h"
#include "tls_int.h"
#include "tlsaudit/conn.h"
#include "tlsaudit/names.h"

/* TLS 1.3 drafts were numbered 0x7f00 + draft (draft-ietf-tls-tls13-NN). */
#define DRAFT(n) [n] = "TLS 1.3 (draft " #n ")"
static const char *const drafts[29] = {
    DRAFT(0),  DRAFT(1),  DRAFT(2),  DRAFT(3),  DRAFT(4),  DRAFT(5),  DRAFT(6),  DRAFT(7),
    DRAFT(8),  DRAFT(9),  DRAFT(10), DRAFT(11), DRAFT(12), DRAFT(13), DRAFT(14), DRAFT(15),
    DRAFT(16), DRAFT(17), DRAFT(18), DRAFT(19), DRAFT(20), DRAFT(21), DRAFT(22), DRAFT(23),
    DRAFT(24), DRAFT(25), DRAFT(26), DRAFT(27), DRAFT(28),
};
#undef DRAFT

const char *tlsa_version_name(uint16_t v) {
    switch (v) {
    case TLSA_V_SSL2:
    case 0x0200:
        return "SSL 2.0";
    case TLSA_V_SSL3:
        return "SSL 3.0";
    case TLSA_V_TLS10:
        return "TLS 1.0";
    case TLSA_V_TLS11:
        return "TLS 1.1";
    case TLSA_V_TLS12:
        return "TLS 1.2";
    case TLSA_V_TLS13:
        return "TLS 1.3";
    case 0xfeff:
        return "DTLS 1.0";
    case 0xfefd:
        return "DTLS 1.2";
    case 0xfefc:
        return "DTLS 1.3";
    default:
        break;
    }
    if ((v >> 8) == 0x7f)
        return (v & 0xff) < 29 ? drafts[v & 0xff] : "TLS 1.3 (draft)";
    return "unknown";
}

const char *tlsa_message_name(uint8_t hs_type) {
    switch (hs_type) {
    case TLSA_HS_HELLO_REQUEST:
        return "HelloRequest";
    case TLSA_HS_CLIENT_HELLO:
        return "ClientHello";
    case TLSA_HS_SERVER_HELLO:
        return "ServerHello";
    case TLSA_HS_HELLO_VERIFY_REQUEST:
        return "HelloVerifyRequest";
    case TLSA_HS_NEW_SESSION_TICKET:
        return "NewSessionTicket";
    case TLSA_HS_END_OF_EARLY_DATA:
        return "EndOfEarlyData";
    case TLSA_HS_HELLO_RETRY_REQUEST:
        return "HelloRetryRequest";
    case TLSA_HS_ENCRYPTED_EXTENSIONS:
        return "EncryptedExtensions";
    case TLSA_HS_CERTIFICATE:
        return "Certificate";
    case TLSA_HS_SERVER_KEY_EXCHANGE:
        return "ServerKeyExchange";
    case TLSA_HS_CERTIFICATE_REQUEST:
        return "CertificateRequest";
    case TLSA_HS_SERVER_HELLO_DONE:
        return "ServerHelloDone";
    case TLSA_HS_CERTIFICATE_VERIFY:
        return "CertificateVerify";
    case TLSA_HS_CLIENT_KEY_EXCHANGE:
        return "ClientKeyExchange";
    case TLSA_HS_FINISHED:
        return "Finished";
    case TLSA_HS_CERTIFICATE_URL:
        return "CertificateURL";
    case TLSA_HS_CERTIFICATE_STATUS:
        return "CertificateStatus";
    case TLSA_HS_KEY_UPDATE:
        return "KeyUpdate";
    case TLSA_HS_COMPRESSED_CERTIFICATE:
        return "CompressedCertificate";
    case TLSA_HS_MESSAGE_HASH:
        return "MessageHash";
    case TLSA_HS_UNKNOWN:
        return "encrypted handshake message";
    default:
        return "unknown";
    }
}

static bool ephemeral(uint8_t kind) {
    return kind == TLSA_KEX_DHE || kind == TLSA_KEX_ECDHE || kind == TLSA_KEX_DHE_PSK ||
           kind == TLSA_KEX_ECDHE_PSK;
}

static const char *explain_cke(const tlsa_conn *c) {
    switch (c->kex.kind) {
    case TLSA_KEX_RSA:
    case TLSA_KEX_RSA_PSK:
        return "the pre-master secret, encrypted with the server's RSA public key";
    case TLSA_KEX_ECDHE:
    case TLSA_KEX_ECDHE_PSK:
        return "the client's ephemeral ECDHE public key — nothing is encrypted with the "
               "certificate key (forward secrecy)";
    case TLSA_KEX_DHE:
    case TLSA_KEX_DHE_PSK:
        return "the client's ephemeral DHE public value — nothing is encrypted with the "
               "certificate key (forward secrecy)";
    case TLSA_KEX_DH:
    case TLSA_KEX_ECDH:
        return "the client's Diffie-Hellman value, combined with the static key in the server "
               "certificate (no forward secrecy)";
    case TLSA_KEX_PSK:
        return "the name of the pre-shared key both sides already know";
    default:
        return "the client's contribution to the shared secret";
    }
}

const char *tlsa_step_explain(const tlsa_conn *c, const tlsa_step *s) {
    static const char none[] = "";
    if (!c || !s)
        return none;
    bool server = s->who == TLSA_FROM_SERVER;
    bool tls13 = tlsa_v_is_13(c->version);
    if (s->msg_type == TLSA_HS_UNKNOWN) {
        if (tls13 && server && s->step == 2)
            return "encrypted — keys needed to see the certificate (TLS 1.3 encrypts "
                   "EncryptedExtensions, Certificate, CertificateVerify and Finished)";
        if (!server && s->step == 5)
            return "encrypted — the client's Certificate or CertificateVerify (TLS 1.3 encrypts "
                   "them; the server asked for a client certificate)";
        if (!server && s->step == 1)
            return "encrypted — a renegotiation ClientHello inside the protected channel";
        if (server && s->step == 9)
            return "encrypted — a HelloRequest or another message after the handshake";
        return "an encrypted handshake message (keys needed to see which one)";
    }
    switch (s->msg_type) {
    case TLSA_HS_CLIENT_HELLO:
        return "the client offers protocol versions, cipher suites and extensions";
    case TLSA_HS_SERVER_HELLO:
        if (tls13)
            return "the server picks TLS 1.3 and a suite and sends its key share; everything "
                   "after this is encrypted";
        if (c->resumed)
            return "the server picks the version and suite and agrees to resume the earlier "
                   "session: no certificate, no key exchange";
        return "the server picks the version and cipher suite and sends its session id";
    case TLSA_HS_HELLO_RETRY_REQUEST:
        return "the server asks the client to send its ClientHello again with another key "
               "share (one more round trip)";
    case TLSA_HS_CERTIFICATE:
        if (server)
            return "the server's certificate chain, with the public key that proves who it is";
        return "the client's certificate chain, because the server asked for one";
    case TLSA_HS_SERVER_KEY_EXCHANGE:
        if (ephemeral(c->kex.kind))
            return "the server's ephemeral key-exchange value, signed with its certificate key "
                   "((EC)DHE: gives forward secrecy)";
        return "extra key-exchange parameters from the server";
    case TLSA_HS_CERTIFICATE_REQUEST:
        return "the server asks the client for a certificate";
    case TLSA_HS_SERVER_HELLO_DONE:
        return "the server has finished its hello messages and waits for the client";
    case TLSA_HS_CLIENT_KEY_EXCHANGE:
        return explain_cke(c);
    case TLSA_HS_CERTIFICATE_VERIFY:
        if (server)
            return "the server's signature over the handshake so far, made with its "
                   "certificate key";
        return "the client's signature over the handshake so far, proving it holds the "
               "private key of its certificate";
    case TLSA_HS_FINISHED:
        if (s->encrypted && server && s->step == 8 && c->resumed)
            return "resumed: the server's Finished comes first — a hash of the handshake, "
                   "protected with the new keys";
        if (s->encrypted)
            return "Finished: a hash of all handshake messages, protected with the new keys "
                   "(encrypted, so only its presence is visible)";
        if (s->who < 2 && c->finished_check[s->who] == 1)
            return "Finished verified: its hash matches all handshake messages so far, so "
                   "nobody changed them on the way";
        if (s->who < 2 && c->finished_check[s->who] == 2)
            return "Finished does NOT match the transcript: the handshake messages were changed "
                   "on the way, or the endpoints disagree about them";
        return "Finished: a hash of all handshake messages so far, protected with the new keys";
    case TLSA_HS_NEW_SESSION_TICKET:
        return "a ticket the client can present later to resume without a full handshake";
    case TLSA_HS_ENCRYPTED_EXTENSIONS:
        return "TLS 1.3: the server's extensions that need no key, sent encrypted";
    case TLSA_HS_CERTIFICATE_STATUS:
        return "the server staples an OCSP response saying its certificate is not revoked";
    case TLSA_HS_KEY_UPDATE:
        return "TLS 1.3: the sender switches to fresh traffic keys";
    case TLSA_HS_END_OF_EARLY_DATA:
        return "TLS 1.3: the client ends its 0-RTT early data (which can be replayed)";
    case TLSA_HS_HELLO_REQUEST:
        return "the server asks the client to start a new handshake (renegotiation)";
    case TLSA_HS_HELLO_VERIFY_REQUEST:
        return "DTLS: the server asks the client to repeat its hello with a cookie";
    case TLSA_HS_CERTIFICATE_URL:
        return "the client sends URLs of its certificates instead of the certificates";
    case TLSA_HS_COMPRESSED_CERTIFICATE:
        return "a certificate chain, compressed (RFC 8879)";
    default:
        return "a handshake message of an unknown type";
    }
}

char *tlsa_kex_str(const tlsa_conn *c, char *buf, size_t size) {
    if (!buf || !size)
        return buf;
    if (!c) {
        tlsa_fmt(buf, size, "unknown");
        return buf;
    }
    const tlsa_kex *k = &c->kex;
    const char *g = tlsa_group_name(k->group);
    if (tlsa_v_is_13(c->version) || k->kind == TLSA_KEX_TLS13) {
        if (k->group)
            tlsa_fmt(buf, size, "TLS 1.3 %s%s", g, c->sh.psk_selected ? " (PSK)" : "");
        else if (c->sh.psk_selected)
            tlsa_fmt(buf, size, "TLS 1.3 PSK");
        else
            tlsa_fmt(buf, size, "TLS 1.3");
        return buf;
    }
    if (k->kind == TLSA_KEX_NONE || (c->resumed && c->has_suite)) {
        tlsa_fmt(buf, size, "none (resumed)");
        return buf;
    }
    switch (k->kind) {
    case TLSA_KEX_RSA:
        tlsa_fmt(buf, size, "RSA");
        break;
    case TLSA_KEX_DHE:
        if (k->dh_bits)
            tlsa_fmt(buf, size, "DHE %u", k->dh_bits);
        else
            tlsa_fmt(buf, size, "DHE");
        break;
    case TLSA_KEX_ECDHE:
        if (k->group)
            tlsa_fmt(buf, size, "ECDHE %s", g);
        else
            tlsa_fmt(buf, size, "ECDHE");
        break;
    case TLSA_KEX_DH:
        tlsa_fmt(buf, size, "DH (static)");
        break;
    case TLSA_KEX_ECDH:
        tlsa_fmt(buf, size, "ECDH (static)");
        break;
    case TLSA_KEX_PSK:
        tlsa_fmt(buf, size, "PSK");
        break;
    case TLSA_KEX_DHE_PSK:
        tlsa_fmt(buf, size, "DHE-PSK");
        break;
    case TLSA_KEX_ECDHE_PSK:
        tlsa_fmt(buf, size, "ECDHE-PSK");
        break;
    case TLSA_KEX_RSA_PSK:
        tlsa_fmt(buf, size, "RSA-PSK");
        break;
    case TLSA_KEX_SRP:
        tlsa_fmt(buf, size, "SRP");
        break;
    default:
        tlsa_fmt(buf, size, "unknown");
        break;
    }
    return buf;
}

char *tlsa_conn_keys_str(const tlsa_conn *c, char *buf, size_t size) {
    if (!buf || size == 0)
        return buf;
    buf[0] = 0;
    if (!c || !c->keys_given)
        return buf;
    static const char *const word[] = {"not checked", "verified", "MISMATCH"};
    const char *fc = word[c->finished_check[TLSA_FROM_CLIENT] % 3];
    const char *fs = word[c->finished_check[TLSA_FROM_SERVER] % 3];
    const char *note = c->keys_note;
    size_t nl = strnlen(note, sizeof c->keys_note);
    if (!c->decrypted && !c->finished_check[0] && !c->finished_check[1]) {
        tlsa_fmt(buf, size, "not decrypted: %.*s", (int)nl, note);
        return buf;
    }
    tlsa_fmt(buf, size, "%sFinished client %s, server %s%s%s%s%.*s%s",
             c->decrypted ? "handshake decrypted; " : "", fc, fs,
             c->cv_check ? "; CertificateVerify " : "",
             c->cv_check == 1   ? "verified"
             : c->cv_check == 2 ? "INVALID"
                                : "",
             nl ? " (" : "", (int)nl, note, nl ? ")" : "");
    return buf;
}

char *tlsa_conn_stop_str(const tlsa_conn *c, char *buf, size_t size) {
    if (!buf || !size)
        return buf;
    if (!c) {
        tlsa_fmt(buf, size, "unknown");
        return buf;
    }
    const tlsa_alert *fatal = NULL;
    for (uint32_t i = 0; i < c->n_alerts && !fatal; i++)
        if (c->alerts[i].level == 2 || c->alerts[i].encrypted)
            fatal = &c->alerts[i];
    if (c->steps.n == 0) {
        tlsa_fmt(buf, size, "no handshake message seen (the capture started after it)");
        return buf;
    }
    const tlsa_step *s = &c->steps.v[c->steps.n - 1];
    const char *who = s->who == TLSA_FROM_SERVER ? "server" : "client";
    if (c->complete && !(fatal && !fatal->encrypted && fatal->level == 2)) {
        tlsa_fmt(buf, size, "completed (step %u)", c->last_step);
        return buf;
    }
    if (fatal && !fatal->encrypted)
        tlsa_fmt(buf, size, "%s alert %s from the %s after %s (step %u)",
                 tlsa_alert_level_name(fatal->level), tlsa_alert_name(fatal->description),
                 fatal->sender == TLSA_FROM_SERVER ? "server" : "client",
                 tlsa_message_name(s->msg_type), s->step);
    else
        tlsa_fmt(buf, size, "after %s from the %s (step %u)", tlsa_message_name(s->msg_type), who,
                 s->step);
    return buf;
}

bool tlsa_version_is_tls13(uint16_t v) {
    return tlsa_v_is_13(v);
}
