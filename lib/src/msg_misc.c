/* Small handshake messages and record payloads (placeholder: filled in next). */
#include "msg.h"

tlsa_err tlsa_msg_certificate_request(const uint8_t *body, size_t len, bool tls13) {
    (void)body;
    (void)len;
    (void)tls13;
    return TLSA_E_OK;
}
tlsa_err tlsa_msg_certificate_verify(const uint8_t *body, size_t len, uint16_t version,
                                     uint16_t *scheme) {
    (void)body;
    (void)len;
    (void)version;
    *scheme = 0;
    return TLSA_E_OK;
}
tlsa_err tlsa_msg_new_session_ticket(const uint8_t *body, size_t len, bool tls13,
                                     uint32_t *lifetime) {
    (void)body;
    (void)len;
    (void)tls13;
    *lifetime = 0;
    return TLSA_E_OK;
}
tlsa_err tlsa_msg_certificate_status(const uint8_t *body, size_t len, uint32_t *ocsp_len) {
    (void)body;
    (void)len;
    *ocsp_len = 0;
    return TLSA_E_OK;
}
tlsa_err tlsa_msg_key_update(const uint8_t *body, size_t len, uint8_t *request) {
    (void)body;
    (void)len;
    *request = 0;
    return TLSA_E_OK;
}
tlsa_err tlsa_msg_empty(size_t len) {
    return len == 0 ? TLSA_E_OK : TLSA_E_TRAILING_BYTES;
}
tlsa_err tlsa_msg_finished(size_t len, uint16_t version) {
    (void)len;
    (void)version;
    return TLSA_E_OK;
}
tlsa_err tlsa_msg_alert(const uint8_t *p, size_t len, uint8_t *level, uint8_t *desc) {
    (void)p;
    (void)len;
    *level = 0;
    *desc = 0;
    return TLSA_E_OK;
}
tlsa_err tlsa_msg_heartbeat(const uint8_t *p, size_t len, uint8_t *type, bool *overflow) {
    (void)p;
    (void)len;
    *type = 0;
    *overflow = false;
    return TLSA_E_OK;
}
