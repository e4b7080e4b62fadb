/* Helpers for the small public value types. */
#include "tlsaudit/tlsaudit.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <time.h>

bool tlsa_u16_list_has(const tlsa_u16_list *l, uint16_t v) {
    for (uint32_t i = 0; i < l->n; i++)
        if (l->v[i] == v)
            return true;
    return false;
}

char *tlsa_addr_str(const tlsa_addr *a, char *buf, size_t size) {
    if (!size)
        return buf;
    buf[0] = 0;
    if (a->family == 4)
        inet_ntop(AF_INET, a->bytes, buf, (socklen_t)size);
    else if (a->family == 6)
        inet_ntop(AF_INET6, a->bytes, buf, (socklen_t)size);
    return buf;
}

char *tlsa_time_str(tlsa_time t, char *buf, size_t size) {
    time_t s = (time_t)t.sec;
    struct tm tm;
    if (!size)
        return buf;
    if (!gmtime_r(&s, &tm)) {
        snprintf(buf, size, "invalid");
        return buf;
    }
    size_t n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
    if (t.usec > 0 && t.usec < 1000000)
        snprintf(buf + n, size - n, ".%06dZ", (int)t.usec);
    else
        snprintf(buf + n, size - n, "Z");
    return buf;
}

const char *tlsa_version(void) {
    return TLSA_VERSION_STRING;
}
