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

/* Year, month and day of a day count since 1970-01-01 (H. Hinnant's civil_from_days). */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d) {
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static char *put_2d(char *p, unsigned v) {
    *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

/* Every record carries timestamps: years 1970..9999 are written by hand (gmtime_r + strftime
 * cost ~1 µs); others, where %Y is not four digits, take the library path. */
char *tlsa_time_str(tlsa_time t, char *buf, size_t size) {
    const int64_t year_10000 = 253402300800; /* 10000-01-01T00:00:00Z */
    if (!size)
        return buf;
    if (size >= 28 && t.sec >= 0 && t.sec < year_10000) {
        int64_t y;
        unsigned mo, d, secs = (unsigned)(t.sec % 86400);
        civil_from_days(t.sec / 86400, &y, &mo, &d);
        char *p = put_2d(put_2d(buf, (unsigned)(y / 100)), (unsigned)(y % 100));
        *p++ = '-';
        p = put_2d(p, mo);
        *p++ = '-';
        p = put_2d(p, d);
        *p++ = 'T';
        p = put_2d(p, secs / 3600);
        *p++ = ':';
        p = put_2d(p, secs / 60 % 60);
        *p++ = ':';
        p = put_2d(p, secs % 60);
        if (t.usec > 0 && t.usec < 1000000) {
            unsigned us = (unsigned)t.usec;
            *p++ = '.';
            p = put_2d(put_2d(put_2d(p, us / 10000), us / 100 % 100), us % 100);
        }
        *p++ = 'Z';
        *p = 0;
        return buf;
    }
    time_t s = (time_t)t.sec;
    struct tm tm;
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
