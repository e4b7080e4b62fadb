/* Certificate parser (placeholder: filled in next). */
#include "msg.h"

tlsa_err tlsa_msg_certificate(const uint8_t *body, size_t len, bool tls13, const tlsa_limits *lim,
                              tlsa_blob_list *chain) {
    (void)body;
    (void)len;
    (void)tls13;
    (void)lim;
    (void)chain;
    return TLSA_E_OK;
}
