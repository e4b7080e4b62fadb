/* ClientHello parsers (placeholder: filled in next). */
#include "msg.h"

tlsa_err tlsa_msg_client_hello(const uint8_t *body, size_t len, const tlsa_limits *lim,
                               tlsa_client_hello *out) {
    (void)body;
    (void)len;
    (void)lim;
    (void)out;
    return TLSA_E_OK;
}

tlsa_err tlsa_msg_sslv2_client_hello(const uint8_t *body, size_t len, tlsa_client_hello *out) {
    (void)body;
    (void)len;
    (void)out;
    return TLSA_E_OK;
}
