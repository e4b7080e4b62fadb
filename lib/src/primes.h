/* Well-known Diffie-Hellman primes (primes_gen.c, made by tools/gen-primes.py from testssl's
 * common-primes.csv). A server using one shares its group with many others (Logjam). */
#ifndef TLSA_SRC_PRIMES_H
#define TLSA_SRC_PRIMES_H

#include <stddef.h>
#include <stdint.h>

typedef struct tlsa_known_prime {
    const char *label; /* "RFC 2409 Oakley Group 2" style */
    uint32_t bits;
    const char *hex; /* upper case, no leading zeros */
} tlsa_known_prime;

extern const tlsa_known_prime tlsa_known_primes[];
extern const size_t tlsa_n_known_primes;

/* The known prime equal to p (big-endian, leading zero bytes ignored), or NULL. */
const tlsa_known_prime *tlsa_prime_lookup(const uint8_t *p, size_t len);

#endif
