/* Display helpers for connection records (skeleton). */
#include <stdio.h>

#include "tlsaudit/conn.h"

const char *tlsa_version_name(uint16_t v) {
    (void)v;
    return "unknown";
}

const char *tlsa_message_name(uint8_t hs_type) {
    (void)hs_type;
    return "unknown";
}

const char *tlsa_step_explain(const tlsa_conn *c, const tlsa_step *s) {
    (void)c, (void)s;
    return "";
}

char *tlsa_kex_str(const tlsa_conn *c, char *buf, size_t size) {
    (void)c;
    if (size)
        snprintf(buf, size, "unknown");
    return buf;
}

char *tlsa_conn_stop_str(const tlsa_conn *c, char *buf, size_t size) {
    (void)c;
    if (size)
        snprintf(buf, size, "unknown");
    return buf;
}
