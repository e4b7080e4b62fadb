/* The one bounds-checked cursor every parser reads wire bytes through. Nothing else does pointer
 * arithmetic on input. Reads past the end fail with TLSA_E_TRUNCATED and leave the cursor as it
 * was; vectors open a child cursor bounded by their declared length (tlsa_cur_vec*), which the
 * caller must consume exactly (tlsa_cur_done). */
#ifndef TLSA_CURSOR_H
#define TLSA_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tlsaudit/error.h"

typedef struct tlsa_cur {
    const uint8_t *base; /* start of the whole input (offsets are relative to it) */
    size_t pos;          /* next byte to read */
    size_t end;          /* one past the last readable byte */
} tlsa_cur;

/* Propagate a non-OK result. */
#define TLSA_TRY(expr)                                                                             \
    do {                                                                                           \
        tlsa_err tlsa_try_e_ = (expr);                                                             \
        if (tlsa_try_e_ != TLSA_E_OK)                                                              \
            return tlsa_try_e_;                                                                    \
    } while (0)

/* Fail with code unless cond holds. */
#define TLSA_ENSURE(cond, code)                                                                    \
    do {                                                                                           \
        if (!(cond))                                                                               \
            return (code);                                                                         \
    } while (0)

static inline tlsa_cur tlsa_cur_make(const uint8_t *data, size_t len) {
    tlsa_cur c = {data, 0, len};
    return c;
}

static inline size_t tlsa_cur_left(const tlsa_cur *c) {
    return c->end - c->pos;
}
static inline const uint8_t *tlsa_cur_ptr(const tlsa_cur *c) {
    return c->base + c->pos;
}

__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_skip(tlsa_cur *c, size_t n) {
    if (tlsa_cur_left(c) < n)
        return TLSA_E_TRUNCATED;
    c->pos += n;
    return TLSA_E_OK;
}

__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_u8(tlsa_cur *c, uint8_t *v) {
    if (tlsa_cur_left(c) < 1)
        return TLSA_E_TRUNCATED;
    *v = c->base[c->pos++];
    return TLSA_E_OK;
}

__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_u16(tlsa_cur *c, uint16_t *v) {
    if (tlsa_cur_left(c) < 2)
        return TLSA_E_TRUNCATED;
    const uint8_t *p = c->base + c->pos;
    *v = (uint16_t)((p[0] << 8) | p[1]);
    c->pos += 2;
    return TLSA_E_OK;
}

__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_u24(tlsa_cur *c, uint32_t *v) {
    if (tlsa_cur_left(c) < 3)
        return TLSA_E_TRUNCATED;
    const uint8_t *p = c->base + c->pos;
    *v = ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
    c->pos += 3;
    return TLSA_E_OK;
}

__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_u32(tlsa_cur *c, uint32_t *v) {
    if (tlsa_cur_left(c) < 4)
        return TLSA_E_TRUNCATED;
    const uint8_t *p = c->base + c->pos;
    *v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
    c->pos += 4;
    return TLSA_E_OK;
}

/* Copy n bytes out. */
__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_copy(tlsa_cur *c, void *dst,
                                                                         size_t n) {
    if (tlsa_cur_left(c) < n)
        return TLSA_E_TRUNCATED;
    memcpy(dst, c->base + c->pos, n);
    c->pos += n;
    return TLSA_E_OK;
}

/* A view of the next n bytes as a child cursor (same base, so offsets stay comparable). */
__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_sub(tlsa_cur *c, size_t n,
                                                                        tlsa_cur *child) {
    if (tlsa_cur_left(c) < n)
        return TLSA_E_TRUNCATED;
    child->base = c->base;
    child->pos = c->pos;
    child->end = c->pos + n;
    c->pos += n;
    return TLSA_E_OK;
}

/* Length-prefixed vectors (<lo..hi> in RFC notation): read the 1/2/3-byte length, check the RFC
 * bounds and the element size, and open a child cursor over the body. */
__attribute__((warn_unused_result)) static inline tlsa_err
tlsa_cur_vec(tlsa_cur *c, unsigned prefix, size_t lo, size_t hi, size_t elem, tlsa_cur *child) {
    size_t save = c->pos;
    uint32_t n = 0;
    tlsa_err e;
    if (prefix == 1) {
        uint8_t v = 0;
        e = tlsa_cur_u8(c, &v);
        n = v;
    } else if (prefix == 2) {
        uint16_t v = 0;
        e = tlsa_cur_u16(c, &v);
        n = v;
    } else {
        e = tlsa_cur_u24(c, &n);
    }
    if (e != TLSA_E_OK)
        return e;
    if (n < lo || n > hi) {
        c->pos = save;
        return TLSA_E_BAD_LENGTH;
    }
    if (elem > 1 && n % elem != 0) {
        c->pos = save;
        return TLSA_E_ODD_VECTOR;
    }
    e = tlsa_cur_sub(c, n, child);
    if (e != TLSA_E_OK)
        c->pos = save;
    return e;
}

/* A structure must be consumed exactly. */
__attribute__((warn_unused_result)) static inline tlsa_err tlsa_cur_done(const tlsa_cur *c) {
    return tlsa_cur_left(c) == 0 ? TLSA_E_OK : TLSA_E_TRAILING_BYTES;
}

#endif
