/* Every handshake message parser of msg.h. Byte 0 picks the parser, byte 1 the flavour
 * (version / key exchange kind / TLS 1.3), the rest is the message body. */
#include "fuzz.h"
#include "msg.h"

/* gcc ignores (void) on warn_unused_result: results go to a sink. */
static volatile tlsa_err sink;

static const uint16_t versions[] = {TLSA_V_SSL3, TLSA_V_TLS10, TLSA_V_TLS11, TLSA_V_TLS12,
                                    TLSA_V_TLS13};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2)
        return 0;
    uint8_t which = data[0], flavour = data[1];
    const uint8_t *body = data + 2;
    size_t len = size - 2;
    uint16_t version = versions[flavour % 5];
    bool tls13 = version == TLSA_V_TLS13;
    uint8_t kex_kind = (uint8_t)(flavour % (TLSA_KEX_NONE + 1));
    tlsa_limits lim;
    tlsa_limits_default(&lim);
    lim.max_certs = 8;
    lim.max_extensions = 64;

    switch (which % 16) {
    case 0: {
        tlsa_client_hello ch = {0};
        sink = tlsa_msg_client_hello(body, len, &lim, &ch);
        tlsa_client_hello_clear(&ch);
        break;
    }
    case 1: {
        tlsa_client_hello ch = {0};
        sink = tlsa_msg_sslv2_client_hello(body, len, &ch);
        tlsa_client_hello_clear(&ch);
        break;
    }
    case 2: {
        tlsa_server_hello sh = {0};
        bool hrr = false;
        sink = tlsa_msg_server_hello(body, len, &lim, &sh, &hrr);
        tlsa_server_hello_clear(&sh);
        break;
    }
    case 3: {
        tlsa_server_hello sh = {0};
        sink = tlsa_msg_encrypted_extensions(body, len, &lim, &sh);
        tlsa_server_hello_clear(&sh);
        break;
    }
    case 4: {
        tlsa_blob_list chain = {0};
        sink = tlsa_msg_certificate(body, len, tls13, &lim, &chain);
        tlsa_blob_list_clear(&chain);
        break;
    }
    case 5: {
        tlsa_kex k = {0};
        sink = tlsa_msg_server_key_exchange(body, len, kex_kind, version, &k);
        tlsa_kex_clear(&k);
        break;
    }
    case 6: {
        tlsa_kex k = {0};
        sink = tlsa_msg_client_key_exchange(body, len, kex_kind, version, &k);
        tlsa_kex_clear(&k);
        break;
    }
    case 7:
        sink = tlsa_msg_certificate_request(body, len, tls13);
        break;
    case 8: {
        uint16_t scheme;
        sink = tlsa_msg_certificate_verify(body, len, version, &scheme);
        break;
    }
    case 9: {
        uint32_t lifetime;
        sink = tlsa_msg_new_session_ticket(body, len, tls13, &lifetime);
        break;
    }
    case 10: {
        uint32_t ocsp;
        sink = tlsa_msg_certificate_status(body, len, &ocsp);
        break;
    }
    case 11: {
        uint8_t req;
        sink = tlsa_msg_key_update(body, len, &req);
        break;
    }
    case 12: {
        uint8_t level, desc;
        sink = tlsa_msg_alert(body, len, &level, &desc);
        break;
    }
    case 13: {
        uint8_t type;
        bool overflow;
        sink = tlsa_msg_heartbeat(body, len, &type, &overflow);
        break;
    }
    case 14:
        sink = tlsa_msg_finished(len, version);
        sink = tlsa_msg_empty(len);
        break;
    default:
        break;
    }
    return 0;
}
