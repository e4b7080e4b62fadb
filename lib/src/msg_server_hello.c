/* ServerHello / EncryptedExtensions parsers (placeholder: filled in next). */
#include "msg.h"

tlsa_err tlsa_msg_server_hello(const uint8_t *body, size_t len, const tlsa_limits *lim,
                               tlsa_server_hello *out, bool *is_hrr) {
    (void)body;
    (void)len;
    (void)lim;
    (void)out;
    *is_hrr = false;
    return TLSA_E_OK;
}

tlsa_err tlsa_msg_encrypted_extensions(const uint8_t *body, size_t len, const tlsa_limits *lim,
                                       tlsa_server_hello *sh) {
    (void)body;
    (void)len;
    (void)lim;
    (void)sh;
    return TLSA_E_OK;
}
