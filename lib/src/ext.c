/* Extension splitting and interpretation (placeholder: filled in next). */
#include "msg.h"

tlsa_err tlsa_ext_split(tlsa_cur *list, const tlsa_limits *lim, tlsa_ext_raw *out, size_t cap,
                        size_t *n) {
    (void)list;
    (void)lim;
    (void)out;
    (void)cap;
    *n = 0;
    return TLSA_E_OK;
}
