/* Lookup of well-known DH primes by value. */
#include "primes.h"

#include <stdbool.h>
#include <string.h>

static int hex_digit(uint8_t nibble) {
    return "0123456789ABCDEF"[nibble & 15];
}

const tlsa_known_prime *tlsa_prime_lookup(const uint8_t *p, size_t len) {
    while (len && !*p) {
        p++;
        len--;
    }
    if (!len)
        return NULL;
    for (size_t i = 0; i < tlsa_n_known_primes; i++) {
        const char *h = tlsa_known_primes[i].hex;
        size_t hl = strlen(h);
        /* The value's hex has 2*len digits, one fewer when the top nibble is zero. */
        size_t skip = (p[0] >> 4) == 0 ? 1 : 0;
        if (hl != 2 * len - skip)
            continue;
        size_t k = 0;
        bool same = true;
        for (size_t j = skip; j < 2 * len && same; j++, k++) {
            uint8_t nib = (j & 1) ? (p[j / 2] & 15) : (p[j / 2] >> 4);
            same = h[k] == hex_digit(nib);
        }
        if (same)
            return &tlsa_known_primes[i];
    }
    return NULL;
}
