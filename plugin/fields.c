/* The protocol, its fields, subtree indexes and expert infos. One expert info per finding id
 * (abbrev "tlsaudit.finding.<id>"), generated from the TLSA_FINDINGS catalogue so that
 * `tshark -z expert` and the Expert Information dialog group findings by id. */
#include "plugin.h"

int proto_tlsaudit = -1;

int hf_decrypted = -1, hf_keys = -1;
int hf_step = -1, hf_who = -1, hf_message = -1, hf_encrypted = -1, hf_explain = -1, hf_note = -1,
    hf_handshake = -1;
int hf_conn = -1, hf_conn_index = -1, hf_client = -1, hf_server = -1, hf_version = -1,
    hf_cipher = -1, hf_kex = -1, hf_sni = -1, hf_alpn = -1, hf_resumed = -1, hf_complete = -1,
    hf_stopped = -1, hf_client_auth = -1, hf_cert_subject = -1, hf_cert_issuer = -1,
    hf_cert_not_before = -1, hf_cert_not_after = -1, hf_cert_key = -1, hf_chain_verdict = -1;
int hf_finding = -1, hf_severity = -1, hf_finding_title = -1, hf_finding_detail = -1,
    hf_finding_reference = -1;

gint ett_tlsaudit = -1, ett_steps = -1, ett_step = -1, ett_conn = -1, ett_findings = -1,
     ett_finding = -1;

/* Severity map of design §6: info → Note, low/medium → Warning, high/critical → Error. */
#define PL_PI_INFO PI_NOTE
#define PL_PI_LOW PI_WARN
#define PL_PI_MEDIUM PI_WARN
#define PL_PI_HIGH PI_ERROR
#define PL_PI_CRITICAL PI_ERROR

static int pi_of_severity(guint8 sev) {
    switch (sev) {
    case TLSA_SEV_INFO:
        return PI_NOTE;
    case TLSA_SEV_LOW:
    case TLSA_SEV_MEDIUM:
        return PI_WARN;
    default:
        return PI_ERROR;
    }
}

static expert_field ei_finding[TLSA_F__COUNT] = {
#define PL_X_INIT(e, id, sev, title, ref) EI_INIT,
    TLSA_FINDINGS(PL_X_INIT)
#undef PL_X_INIT
};
/* Used when a finding's severity was escalated into another expert severity. */
static expert_field ei_other_note = EI_INIT, ei_other_warn = EI_INIT, ei_other_error = EI_INIT;
expert_field ei_config_error = EI_INIT;

expert_field *pl_finding_ei(guint16 id, guint8 severity) {
    int pi = pi_of_severity(severity);
    if (id < TLSA_F__COUNT &&
        pi == pi_of_severity((guint8)tlsa_finding_default_severity((tlsa_finding_id)id)))
        return &ei_finding[id];
    return pi == PI_NOTE ? &ei_other_note : pi == PI_WARN ? &ei_other_warn : &ei_other_error;
}

void pl_register_fields(void) {
    static hf_register_info hf[] = {
        /* Steps */
        {&hf_step,
         {"Step", "tlsaudit.step", FT_UINT8, BASE_DEC, NULL, 0x0,
          "Handshake step (1..9) of a message that completed in this frame", HFILL}},
        {&hf_who,
         {"Sender", "tlsaudit.who", FT_STRING, BASE_NONE, NULL, 0x0,
          "Who sent the message: client or server", HFILL}},
        {&hf_message,
         {"Message", "tlsaudit.message", FT_STRING, BASE_NONE, NULL, 0x0,
          "Handshake message (RFC name)", HFILL}},
        {&hf_encrypted,
         {"Encrypted", "tlsaudit.encrypted", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The message was seen only as ciphertext", HFILL}},
        {&hf_decrypted,
         {"Decrypted", "tlsaudit.decrypted", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Protected on the wire, decrypted with the configured keys", HFILL}},
        {&hf_keys,
         {"Keys", "tlsaudit.keys", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the configured keys gave: decryption and Finished/CertificateVerify checks",
          HFILL}},
        {&hf_explain,
         {"Explanation", "tlsaudit.explain", FT_STRING, BASE_NONE, NULL, 0x0,
          "What this step does, in plain words", HFILL}},
        {&hf_note,
         {"Note", "tlsaudit.note", FT_STRING, BASE_NONE, NULL, 0x0, "Detail of this message",
          HFILL}},
        {&hf_handshake,
         {"Renegotiation", "tlsaudit.handshake", FT_UINT16, BASE_DEC, NULL, 0x0,
          "0 for the initial handshake, 1.. for renegotiations", HFILL}},
        /* Connection summary */
        {&hf_conn,
         {"Connection", "tlsaudit.conn", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Index of the TLS connection in the file (from 0)", HFILL}},
        {&hf_conn_index,
         {"Connection of this step", "tlsaudit.step.conn", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Index of the TLS connection the step belongs to", HFILL}},
        {&hf_client, {"Client", "tlsaudit.client", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_server, {"Server", "tlsaudit.server", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_version,
         {"Version", "tlsaudit.version", FT_STRING, BASE_NONE, NULL, 0x0,
          "Negotiated protocol version", HFILL}},
        {&hf_cipher,
         {"Cipher suite", "tlsaudit.cipher", FT_STRING, BASE_NONE, NULL, 0x0,
          "Selected cipher suite (IANA name)", HFILL}},
        {&hf_kex, {"Key exchange", "tlsaudit.kex", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_sni,
         {"Server name", "tlsaudit.sni", FT_STRING, BASE_NONE, NULL, 0x0,
          "server_name (SNI) sent by the client", HFILL}},
        {&hf_alpn,
         {"ALPN", "tlsaudit.alpn", FT_STRING, BASE_NONE, NULL, 0x0,
          "Application protocol selected by the server", HFILL}},
        {&hf_resumed,
         {"Resumed", "tlsaudit.resumed", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Abbreviated handshake (session resumption or PSK)", HFILL}},
        {&hf_complete,
         {"Complete", "tlsaudit.complete", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Both Finished messages were seen", HFILL}},
        {&hf_stopped,
         {"Stopped", "tlsaudit.stopped", FT_STRING, BASE_NONE, NULL, 0x0,
          "Where an incomplete handshake stopped", HFILL}},
        {&hf_client_auth,
         {"Client certificate requested", "tlsaudit.client_auth", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          NULL, HFILL}},
        {&hf_cert_subject,
         {"Certificate subject", "tlsaudit.cert.subject", FT_STRING, BASE_NONE, NULL, 0x0,
          "Subject of the server's leaf certificate", HFILL}},
        {&hf_cert_issuer,
         {"Certificate issuer", "tlsaudit.cert.issuer", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
          HFILL}},
        {&hf_cert_not_before,
         {"Not before", "tlsaudit.cert.not_before", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_cert_not_after,
         {"Not after", "tlsaudit.cert.not_after", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_cert_key,
         {"Public key", "tlsaudit.cert.key", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_chain_verdict,
         {"Chain", "tlsaudit.chain_verdict", FT_STRING, BASE_NONE, NULL, 0x0,
          "Outcome of the certificate chain verification", HFILL}},
        /* Findings */
        {&hf_finding,
         {"Finding", "tlsaudit.finding", FT_STRING, BASE_NONE, NULL, 0x0, "Finding id (stable)",
          HFILL}},
        {&hf_severity,
         {"Severity", "tlsaudit.severity", FT_STRING, BASE_NONE, NULL, 0x0,
          "info, low, medium, high or critical", HFILL}},
        {&hf_finding_title,
         {"Title", "tlsaudit.finding.title", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_finding_detail,
         {"Detail", "tlsaudit.finding.detail", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_finding_reference,
         {"Reference", "tlsaudit.finding.reference", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
    };

    static gint *ett[] = {&ett_tlsaudit, &ett_steps,    &ett_step,
                          &ett_conn,     &ett_findings, &ett_finding};

    static ei_register_info ei[] = {
#define PL_X_EI(e, id, sev, title, ref)                                                            \
    {&ei_finding[TLSA_F_##e], {"tlsaudit.finding." id, PI_SECURITY, PL_PI_##sev, title, EXPFILL}},
        TLSA_FINDINGS(PL_X_EI)
#undef PL_X_EI
            {&ei_other_note,
             {"tlsaudit.finding_other.note", PI_SECURITY, PI_NOTE, "TLS audit finding", EXPFILL}},
        {&ei_other_warn,
         {"tlsaudit.finding_other.warn", PI_SECURITY, PI_WARN, "TLS audit finding", EXPFILL}},
        {&ei_other_error,
         {"tlsaudit.finding_other.error", PI_SECURITY, PI_ERROR, "TLS audit finding", EXPFILL}},
        {&ei_config_error,
         {"tlsaudit.config_error", PI_UNDECODED, PI_WARN,
          "tlsaudit preferences could not be applied", EXPFILL}},
    };

    proto_tlsaudit = proto_register_protocol("TLS Handshake Audit", "tlsaudit", "tlsaudit");
    proto_register_field_array(proto_tlsaudit, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_tlsaudit);
    expert_register_field_array(em, ei, array_length(ei));
}
