/* Names, sentences and categories of tlsa_err, all from the TLSA_ERRORS list. */
#include "tlsaudit/error.h"

static const char *const err_names[] = {
#define X(name, cat, text) "TLSA_E_" #name,
    TLSA_ERRORS(X)
#undef X
};

static const char *const err_texts[] = {
#define X(name, cat, text) text,
    TLSA_ERRORS(X)
#undef X
};

static const unsigned char err_cats[] = {
#define X(name, cat, text) TLSA_CAT_##cat,
    TLSA_ERRORS(X)
#undef X
};

const char *tlsa_err_name(tlsa_err e) {
    return (unsigned)e < TLSA_E__COUNT ? err_names[e] : "TLSA_E_UNKNOWN";
}

const char *tlsa_strerror(tlsa_err e) {
    return (unsigned)e < TLSA_E__COUNT ? err_texts[e] : "unknown error";
}

tlsa_err_category tlsa_err_category_of(tlsa_err e) {
    return (unsigned)e < TLSA_E__COUNT ? (tlsa_err_category)err_cats[e] : TLSA_CAT_INTERNAL;
}
