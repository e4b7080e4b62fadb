/* Certificate: the TLS ≤ 1.2 list and the TLS 1.3 form with context and per-entry extensions. */
#include "msg_util.h"

/* Default when no limits are given (engine.h documents 32). */
static uint32_t max_certs(const tlsa_limits *lim) {
    return (lim && lim->max_certs) ? lim->max_certs : 32;
}

/* TLS ≤ 1.2 (RFC 5246 §7.4.2):
 *     opaque ASN.1Cert<1..2^24-1>;
 *     struct { ASN.1Cert certificate_list<0..2^24-1>; } Certificate;
 * TLS 1.3 (RFC 8446 §4.4.2):
 *     struct { opaque cert_data<1..2^24-1>; Extension extensions<0..2^16-1>; } CertificateEntry;
 *     struct { opaque certificate_request_context<0..2^8-1>;
 *              CertificateEntry certificate_list<0..2^24-1>; } Certificate;
 * The DER is copied, not checked here (the audit parses it). */
tlsa_err tlsa_msg_certificate(const uint8_t *body, size_t len, bool tls13, const tlsa_limits *lim,
                              tlsa_blob_list *chain) {
    tlsa_cur c = tlsa_cur_make(body, len), ctx, list;
    uint32_t max = max_certs(lim), seen = 0;
    if (tls13)
        TLSA_TRY(tlsa_cur_vec(&c, 1, 0, 0xff, 1, &ctx));
    TLSA_TRY(tlsa_cur_vec(&c, 3, 0, 0xffffff, 1, &list));
    TLSA_TRY(tlsa_cur_done(&c));
    while (tlsa_cur_left(&list) > 0) {
        tlsa_cur der, exts;
        TLSA_TRY(tlsa_cur_vec(&list, 3, 1, 0xffffff, 1, &der));
        if (tls13) {
            TLSA_TRY(tlsa_cur_vec(&list, 2, 0, 0xffff, 1, &exts));
            TLSA_TRY(tlsa_ext_check(&exts, lim));
        }
        if (seen++ >= max)
            return TLSA_E_LIMIT_CERTS;
        TLSA_TRY(tlsa_blob_list_take(chain, &der, tlsa_cur_left(&der)));
    }
    return TLSA_E_OK;
}
