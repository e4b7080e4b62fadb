/* The flow table: see flow.h. */
#include "flow.h"

#include <stdlib.h>
#include <string.h>

struct tlsa_flow_chunk {
    tlsa_flow_chunk *next;
    tlsa_flow flows[];
};

enum { MIN_BUCKETS = 256, MAX_CHUNK = 4096 };

/* ---- endpoints and hashing ---- */

static size_t addr_len(const tlsa_addr *a) {
    return a->family == 6 ? 16 : 4;
}

static bool ep_eq(const tlsa_endpoint *a, const tlsa_endpoint *b) {
    return a->port == b->port && a->addr.family == b->addr.family &&
           memcmp(a->addr.bytes, b->addr.bytes, addr_len(&a->addr)) == 0;
}

static int ep_cmp(const tlsa_endpoint *a, const tlsa_endpoint *b) {
    int c = memcmp(a->addr.bytes, b->addr.bytes, addr_len(&a->addr));
    if (c != 0)
        return c;
    return (int)a->port - (int)b->port;
}

static uint32_t mix(uint32_t h, const uint8_t *p, size_t n) {
    for (size_t i = 0; i < n; i++) /* FNV-1a */
        h = (h ^ p[i]) * 16777619u;
    return h;
}

static uint32_t hash_ep(uint32_t h, const tlsa_endpoint *e) {
    uint8_t port[2] = {(uint8_t)(e->port >> 8), (uint8_t)e->port};
    return mix(mix(h, e->addr.bytes, addr_len(&e->addr)), port, 2);
}

/* Same value for both directions: the endpoints are hashed in canonical order. */
static uint32_t hash_pair(const tlsa_flows *t, const tlsa_endpoint *a, const tlsa_endpoint *b) {
    uint32_t h = t->seed ^ a->addr.family;
    if (ep_cmp(a, b) > 0) {
        const tlsa_endpoint *x = a;
        a = b;
        b = x;
    }
    h = hash_ep(hash_ep(h, a), b);
    return h ^ (h >> 15);
}

static bool matches(const tlsa_flow *f, const tlsa_segment *s) {
    return (ep_eq(&f->ep[0], &s->src) && ep_eq(&f->ep[1], &s->dst)) ||
           (ep_eq(&f->ep[0], &s->dst) && ep_eq(&f->ep[1], &s->src));
}

/* ---- lists ---- */

static void list_remove(tlsa_flow_list *l, tlsa_flow *f) {
    if (f->prev)
        f->prev->next = f->next;
    else
        l->head = f->next;
    if (f->next)
        f->next->prev = f->prev;
    else
        l->tail = f->prev;
    f->prev = f->next = NULL;
}

static void list_append(tlsa_flow_list *l, tlsa_flow *f) {
    f->next = NULL;
    f->prev = l->tail;
    if (l->tail)
        l->tail->next = f;
    else
        l->head = f;
    l->tail = f;
}

static tlsa_flow_list *list_of(tlsa_flows *t, const tlsa_flow *f) {
    return f->closed ? &t->closed_lru : &t->open_lru;
}

/* ---- hash table ---- */

static void unhash(tlsa_flows *t, tlsa_flow *f) {
    tlsa_flow **p = &t->buckets[f->hash & (t->nbuckets - 1)];
    while (*p && *p != f)
        p = &(*p)->hnext;
    if (*p)
        *p = f->hnext;
    f->hnext = NULL;
}

static void rehash_list(tlsa_flow **b, uint32_t n, tlsa_flow *f) {
    for (; f; f = f->next) {
        uint32_t i = f->hash & (n - 1);
        f->hnext = b[i];
        b[i] = f;
    }
}

/* Keep the load factor at most 1 while the table may still grow; failure only costs speed. */
static void maybe_grow(tlsa_flows *t) {
    if (t->count < t->nbuckets || t->nbuckets >= (1u << 30))
        return;
    uint32_t n = t->nbuckets * 2;
    tlsa_flow **b = calloc(n, sizeof *b);
    if (!b)
        return;
    rehash_list(b, n, t->open_lru.head);
    rehash_list(b, n, t->closed_lru.head);
    free(t->buckets);
    t->buckets = b;
    t->nbuckets = n;
}

/* ---- pool ---- */

static tlsa_flow *pool_get(tlsa_flows *t) {
    if (!t->free_list) {
        uint32_t n = t->chunk_size;
        tlsa_flow_chunk *c = malloc(sizeof *c + (size_t)n * sizeof(tlsa_flow));
        if (!c)
            return NULL;
        c->next = t->chunks;
        t->chunks = c;
        for (uint32_t i = 0; i < n; i++) {
            c->flows[i].hnext = t->free_list;
            t->free_list = &c->flows[i];
        }
        if (t->chunk_size < MAX_CHUNK)
            t->chunk_size *= 2;
    }
    tlsa_flow *f = t->free_list;
    if (!f) /* only with a zero chunk size, which init never sets */
        return NULL;
    t->free_list = f->hnext;
    return f;
}

/* Removes a closed entry from the table and returns it to the pool. */
static void drop_entry(tlsa_flows *t, tlsa_flow *f) {
    unhash(t, f);
    list_remove(&t->closed_lru, f);
    if (t->last == f)
        t->last = NULL;
    t->count--;
    f->hnext = t->free_list;
    t->free_list = f;
}

/* ---- lifecycle ---- */

void tlsa_flows_end(tlsa_flows *t, tlsa_flow *f, int reason) {
    if (f->closed)
        return;
    t->end(t->ctx, f, reason);
    list_remove(&t->open_lru, f);
    f->closed = true;
    t->open--;
    list_append(&t->closed_lru, f);
}

/* Whether more than limit seconds passed from a to b. Saturating: capture timestamps are
 * hostile and may be anywhere in the int64 range. */
static bool idle_longer(tlsa_time a, tlsa_time b, uint32_t limit) {
    if (b.sec < a.sec)
        return false;
    uint64_t ds = (uint64_t)b.sec - (uint64_t)a.sec;
    if (ds > limit)
        return true;
    int64_t us = (int64_t)ds * 1000000 + ((int64_t)b.usec - (int64_t)a.usec);
    return us > (int64_t)limit * 1000000;
}

static void expire(tlsa_flows *t, tlsa_time now) {
    if (t->idle_timeout == 0)
        return;
    uint32_t limit = t->idle_timeout;
    while (t->open_lru.head && idle_longer(t->open_lru.head->last_ts, now, limit))
        tlsa_flows_end(t, t->open_lru.head, TLSA_END_IDLE);
    while (t->closed_lru.head && idle_longer(t->closed_lru.head->last_ts, now, limit))
        drop_entry(t, t->closed_lru.head);
}

/* (Re)starts a connection on entry f for segment s. */
static void start(tlsa_flows *t, tlsa_flow *f, const tlsa_segment *s) {
    uint32_t hash = f->hash;
    tlsa_flow *hnext = f->hnext;
    memset(f, 0, sizeof *f);
    f->hash = hash;
    f->hnext = hnext;
    bool syn = (s->flags & TLSA_TCP_SYN) != 0, ack = (s->flags & TLSA_TCP_ACK) != 0;
    /* A SYN-ACK's sender is the server even when its SYN was not captured. */
    bool from_server = syn && ack;
    f->ep[0] = from_server ? s->dst : s->src;
    f->ep[1] = from_server ? s->src : s->dst;
    f->syn_seen = syn;
    f->serial = t->serial++;
    f->first_frame = s->frame;
    f->first_ts = s->ts;
    t->started++;
    t->open++;
    if (t->open > t->peak_open)
        t->peak_open = t->open;
    list_append(&t->open_lru, f);
}

/* Makes room for one more entry: recycle the oldest closed one, else evict the least recently
 * active connection. */
static void make_room(tlsa_flows *t) {
    while (t->count >= t->max_flows) {
        if (!t->closed_lru.head) {
            if (!t->open_lru.head)
                return;
            t->evicted++;
            tlsa_flows_end(t, t->open_lru.head, TLSA_END_EVICTED);
        }
        drop_entry(t, t->closed_lru.head);
    }
}

static tlsa_flow *lookup(tlsa_flows *t, const tlsa_segment *s, uint32_t *hash) {
    if (t->last && matches(t->last, s))
        return t->last;
    *hash = hash_pair(t, &s->src, &s->dst);
    for (tlsa_flow *f = t->buckets[*hash & (t->nbuckets - 1)]; f; f = f->hnext)
        if (f->hash == *hash && matches(f, s))
            return f;
    return NULL;
}

static bool is_reuse(const tlsa_flow *f, int side, const tlsa_segment *s) {
    if (f->closed || f->fin || f->rst)
        return true;
    return side == 0 && f->isn_known && s->seq != f->syn_isn;
}

tlsa_err tlsa_flows_track(tlsa_flows *t, const tlsa_segment *s, tlsa_flow **out, int *side,
                          bool *is_new) {
    *out = NULL;
    *side = 0;
    *is_new = false;
    expire(t, s->ts);
    bool syn_only = (s->flags & (TLSA_TCP_SYN | TLSA_TCP_ACK)) == TLSA_TCP_SYN;
    uint32_t hash = 0;
    tlsa_flow *f = lookup(t, s, &hash);
    if (f) {
        *side = ep_eq(&f->ep[0], &s->src) ? 0 : 1;
        if (syn_only && is_reuse(f, *side, s)) {
            /* Port reuse: the old connection is over. */
            tlsa_flows_end(t, f, f->rst ? TLSA_END_RST : f->fin ? TLSA_END_FIN : TLSA_END_IDLE);
            list_remove(&t->closed_lru, f);
            start(t, f, s);
            *side = 0;
            *is_new = true;
        } else {
            list_remove(list_of(t, f), f);
            list_append(list_of(t, f), f);
        }
    } else {
        if (s->flags & TLSA_TCP_RST)
            return TLSA_E_OK; /* a stray RST starts nothing */
        make_room(t);
        f = pool_get(t);
        if (!f)
            return TLSA_E_NO_MEMORY;
        f->hash = hash;
        f->hnext = t->buckets[hash & (t->nbuckets - 1)];
        t->buckets[hash & (t->nbuckets - 1)] = f;
        t->count++;
        start(t, f, s);
        *side = ep_eq(&f->ep[0], &s->src) ? 0 : 1;
        *is_new = true;
        maybe_grow(t);
    }
    t->last = f;
    f->last_frame = s->frame;
    f->last_ts = s->ts;
    *out = f;
    if (f->closed)
        return TLSA_E_OK;
    if (syn_only && *side == 0 && !f->isn_known) {
        f->isn_known = true;
        f->syn_isn = s->seq;
    }
    if (s->flags & TLSA_TCP_FIN)
        f->fin |= (uint8_t)(1u << *side);
    if (s->flags & TLSA_TCP_RST)
        f->rst = true;
    return TLSA_E_OK;
}

void tlsa_flows_after(tlsa_flows *t, tlsa_flow *f) {
    if (!f || f->closed)
        return;
    if (f->rst)
        tlsa_flows_end(t, f, TLSA_END_RST);
    else if (f->fin == 3)
        tlsa_flows_end(t, f, TLSA_END_FIN);
}

tlsa_err tlsa_flows_init(tlsa_flows *t, uint32_t max_flows, uint32_t idle_timeout,
                         tlsa_flow_end_fn end, void *ctx) {
    memset(t, 0, sizeof *t);
    if (!end)
        return TLSA_E_INVALID_ARGUMENT;
    t->max_flows = max_flows ? max_flows : 1;
    t->idle_timeout = idle_timeout;
    t->end = end;
    t->ctx = ctx;
    t->nbuckets = MIN_BUCKETS;
    t->chunk_size = 64;
    /* Per-table seed (from ASLR) so crafted captures cannot aim at one bucket. */
    t->seed = (uint32_t)(uintptr_t)t * 2654435761u;
    t->buckets = calloc(t->nbuckets, sizeof *t->buckets);
    return t->buckets ? TLSA_E_OK : TLSA_E_NO_MEMORY;
}

static int by_first_frame(const void *a, const void *b) {
    const tlsa_flow *x = *(tlsa_flow *const *)a, *y = *(tlsa_flow *const *)b;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return x->serial < y->serial ? -1 : x->serial > y->serial;
}

void tlsa_flows_flush(tlsa_flows *t) {
    uint32_t n = t->open;
    tlsa_flow **v = n ? malloc(n * sizeof *v) : NULL;
    if (v) {
        uint32_t i = 0;
        for (tlsa_flow *f = t->open_lru.head; f && i < n; f = f->next)
            v[i++] = f;
        qsort(v, i, sizeof *v, by_first_frame);
        for (uint32_t k = 0; k < i; k++)
            tlsa_flows_end(t, v[k], TLSA_END_EOF);
        free(v);
    }
    while (t->open_lru.head) /* only if the array could not be allocated */
        tlsa_flows_end(t, t->open_lru.head, TLSA_END_EOF);
    while (t->closed_lru.head)
        drop_entry(t, t->closed_lru.head);
}

void tlsa_flows_free(tlsa_flows *t) {
    for (tlsa_flow *f = t->open_lru.head; f; f = f->next)
        t->end(t->ctx, f, TLSA_FLOW_DISCARD);
    while (t->chunks) {
        tlsa_flow_chunk *c = t->chunks;
        t->chunks = c->next;
        free(c);
    }
    free(t->buckets);
    memset(t, 0, sizeof *t);
}
