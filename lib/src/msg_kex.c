/* ServerKeyExchange / ClientKeyExchange parsers (placeholder: filled in next). */
#include "msg.h"

tlsa_err tlsa_msg_server_key_exchange(const uint8_t *body, size_t len, uint8_t kex_kind,
                                      uint16_t version, tlsa_kex *out) {
    (void)body;
    (void)len;
    (void)kex_kind;
    (void)version;
    (void)out;
    return TLSA_E_OK;
}

tlsa_err tlsa_msg_client_key_exchange(const uint8_t *body, size_t len, uint8_t kex_kind,
                                      uint16_t version, tlsa_kex *out) {
    (void)body;
    (void)len;
    (void)kex_kind;
    (void)version;
    (void)out;
    return TLSA_E_OK;
}
