/* Release the heap parts of the parser output structs (msg.h). Each leaves the struct zeroed
 * where it freed, so a cleared struct can be parsed into again. */
#include <stdlib.h>
#include <string.h>

#include "msg_util.h"

void tlsa_blob_clear(tlsa_blob *b) {
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = 0;
}

void tlsa_blob_list_clear(tlsa_blob_list *l) {
    if (!l)
        return;
    for (uint32_t i = 0; i < l->n; i++)
        tlsa_blob_clear(&l->v[i]);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void u16_list_clear(tlsa_u16_list *l) {
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

void tlsa_client_hello_clear(tlsa_client_hello *ch) {
    if (!ch)
        return;
    tlsa_blob_clear(&ch->session_id);
    u16_list_clear(&ch->suites);
    tlsa_blob_clear(&ch->compression);
    u16_list_clear(&ch->extensions);
    u16_list_clear(&ch->versions);
    u16_list_clear(&ch->groups);
    u16_list_clear(&ch->key_shares);
    u16_list_clear(&ch->sig_algs);
    tlsa_blob_clear(&ch->sni);
    tlsa_blob_list_clear(&ch->alpn);
    memset(ch, 0, sizeof *ch);
}

void tlsa_server_hello_clear(tlsa_server_hello *sh) {
    if (!sh)
        return;
    tlsa_blob_clear(&sh->session_id);
    u16_list_clear(&sh->extensions);
    tlsa_blob_clear(&sh->alpn);
    memset(sh, 0, sizeof *sh);
}

void tlsa_kex_clear(tlsa_kex *k) {
    if (!k)
        return;
    tlsa_blob_clear(&k->dh_p);
    tlsa_blob_clear(&k->dh_g);
    memset(k, 0, sizeof *k);
}

/* Capacity implied by the count: 0, then powers of two from 4. */
static size_t implied_cap(size_t n) {
    if (n == 0)
        return 0;
    size_t c = 4;
    while (c < n)
        c *= 2;
    return c;
}

tlsa_err tlsa_u16_push(tlsa_u16_list *l, uint16_t v) {
    if (l->n == UINT32_MAX)
        return TLSA_E_NO_MEMORY;
    if (l->n == implied_cap(l->n)) {
        size_t cap = implied_cap((size_t)l->n + 1);
        uint16_t *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return TLSA_E_NO_MEMORY;
        l->v = nv;
    }
    l->v[l->n++] = v;
    return TLSA_E_OK;
}

tlsa_err tlsa_u16_reserve(tlsa_u16_list *l, size_t extra) {
    if (extra > UINT32_MAX - (size_t)l->n)
        return TLSA_E_NO_MEMORY;
    size_t have = implied_cap(l->n), want = implied_cap((size_t)l->n + extra);
    if (want > have) {
        uint16_t *nv = realloc(l->v, want * sizeof *nv);
        if (!nv)
            return TLSA_E_NO_MEMORY;
        l->v = nv;
    }
    return TLSA_E_OK;
}

tlsa_err tlsa_u16_read_all(tlsa_u16_list *l, tlsa_cur *c) {
    TLSA_ENSURE(tlsa_cur_left(c) % 2 == 0, TLSA_E_ODD_VECTOR);
    TLSA_TRY(tlsa_u16_reserve(l, tlsa_cur_left(c) / 2)); /* one allocation, not one per value */
    while (tlsa_cur_left(c) > 0) {
        uint16_t v;
        TLSA_TRY(tlsa_cur_u16(c, &v));
        l->v[l->n++] = v; /* room was reserved */
    }
    return TLSA_E_OK;
}

tlsa_err tlsa_blob_take(tlsa_blob *b, tlsa_cur *c, size_t n) {
    TLSA_ENSURE(tlsa_cur_left(c) >= n, TLSA_E_TRUNCATED);
    TLSA_ENSURE(n <= UINT32_MAX, TLSA_E_BAD_LENGTH);
    uint8_t *d = malloc(n ? n : 1);
    if (!d)
        return TLSA_E_NO_MEMORY;
    tlsa_err e = tlsa_cur_copy(c, d, n);
    if (e != TLSA_E_OK) {
        free(d);
        return e;
    }
    tlsa_blob_clear(b);
    b->data = d;
    b->len = (uint32_t)n;
    return TLSA_E_OK;
}

tlsa_err tlsa_blob_list_take(tlsa_blob_list *l, tlsa_cur *c, size_t n) {
    TLSA_ENSURE(tlsa_cur_left(c) >= n, TLSA_E_TRUNCATED);
    if (l->n == UINT32_MAX)
        return TLSA_E_NO_MEMORY;
    if (l->n == implied_cap(l->n)) {
        size_t cap = implied_cap((size_t)l->n + 1);
        tlsa_blob *nv = realloc(l->v, cap * sizeof *nv);
        if (!nv)
            return TLSA_E_NO_MEMORY;
        l->v = nv;
    }
    tlsa_blob *b = &l->v[l->n];
    b->data = NULL;
    b->len = 0;
    TLSA_TRY(tlsa_blob_take(b, c, n));
    l->n++;
    return TLSA_E_OK;
}
