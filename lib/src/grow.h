/* Appending to a heap byte buffer that doubles as it grows: one helper for the few buffers the
 * library keeps (hunt window, handshake fragments, transcript). Callers bound the sizes. */
#ifndef TLSA_GROW_H
#define TLSA_GROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Appends len bytes of p to *buf (*n used, *cap allocated, first allocation at least first_cap).
 * False when memory runs out; the buffer is then unchanged. */
static inline bool tlsa_grow_append(uint8_t **buf, size_t *n, size_t *cap, size_t first_cap,
                                    const uint8_t *p, size_t len) {
    if (len == 0)
        return true; /* memcpy from NULL is undefined even for 0 bytes */
    if (*n + len > *cap) {
        size_t c = *cap ? *cap : first_cap;
        while (c < *n + len)
            c *= 2;
        uint8_t *b = realloc(*buf, c);
        if (!b)
            return false;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *n, p, len);
    *n += len;
    return true;
}

#endif
