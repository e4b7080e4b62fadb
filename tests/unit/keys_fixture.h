/* Test helpers for the keys suites: read a fixture stream cut out of a capture
 * (tests/unit/data/keys/, made by extract.py) and split it into TLS records. */
#ifndef TLSA_TEST_KEYS_FIXTURE_H
#define TLSA_TEST_KEYS_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>

#include "cursor.h"
#include "harness.h"

#define FX_DIR TLSA_SOURCE_DIR "/tests/unit/data/keys/"
#define FX_MAX_RECORDS 32

typedef struct fx_record {
    uint8_t type;
    uint16_t version;
    const uint8_t *whole; /* header + fragment */
    size_t whole_len;
    const uint8_t *frag;
    size_t frag_len;
} fx_record;

static inline uint8_t *fx_read(const char *name, size_t *len) {
    char path[512];
    snprintf(path, sizeof path, "%s%s", FX_DIR, name);
    return tlsa_test_read_file(path, len);
}

/* Splits a byte stream into records; returns the number of whole records. */
static inline int fx_records(const uint8_t *buf, size_t len, fx_record *out, int max) {
    tlsa_cur c = tlsa_cur_make(buf, len);
    int n = 0;
    while (n < max && tlsa_cur_left(&c) >= 5) {
        fx_record *r = &out[n];
        const uint8_t *start = tlsa_cur_ptr(&c);
        tlsa_cur frag;
        if (tlsa_cur_u8(&c, &r->type) != TLSA_E_OK || tlsa_cur_u16(&c, &r->version) != TLSA_E_OK ||
            tlsa_cur_vec(&c, 2, 0, 0xffff, 1, &frag) != TLSA_E_OK)
            break;
        r->frag = tlsa_cur_ptr(&frag);
        r->frag_len = tlsa_cur_left(&frag);
        r->whole = start;
        r->whole_len = r->frag_len + 5;
        n++;
    }
    return n;
}

/* Length of the handshake message at p (4-byte header + body), 0 if it does not fit in len. */
static inline size_t fx_hs_len(const uint8_t *p, size_t len) {
    if (len < 4)
        return 0;
    size_t n = 4 + ((size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3]);
    return n <= len ? n : 0;
}

#endif
