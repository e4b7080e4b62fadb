/* Per TCP direction (directed endpoint pair): the raw sequence number of the first stream byte,
 * to map a step's stream offsets onto a frame's bytes (highlighting only). Looked up for every
 * segment with payload, so it is an open-addressing table with the keys inline: one probe is
 * usually one cache line, where a chained map costs a miss for the bucket, the item and the
 * key. Linear probing, at most half full; entries are never removed during a file. */
#include "plugin.h"

#include <string.h>

typedef struct dir_slot {
    tlsa_endpoint src, dst; /* src.addr.family 0: empty */
    guint32 base;
} dir_slot;

static dir_slot *slots;
static gsize capacity; /* a power of two, or 0 */
static gsize used;

void pl_dirbase_clear(void) {
    g_free(slots);
    slots = NULL;
    capacity = used = 0;
}

static guint32 mix(guint32 h, guint32 w) {
    h ^= w;
    h *= 0x9E3779B1u;
    return h ^ (h >> 16);
}

static guint32 endpoint_hash(guint32 h, const tlsa_endpoint *e) {
    guint32 w[4];
    memcpy(w, e->addr.bytes, sizeof w);
    for (int i = 0; i < 4; i++)
        h = mix(h, w[i]);
    return mix(h, ((guint32)e->addr.family << 16) | e->port);
}

static gboolean endpoint_same(const tlsa_endpoint *a, const tlsa_endpoint *b) {
    return a->port == b->port && a->addr.family == b->addr.family &&
           memcmp(a->addr.bytes, b->addr.bytes, sizeof a->addr.bytes) == 0;
}

static dir_slot *find(dir_slot *tab, gsize cap, const tlsa_endpoint *src,
                      const tlsa_endpoint *dst) {
    gsize i = endpoint_hash(endpoint_hash(2166136261u, src), dst) & (cap - 1);
    for (;; i = (i + 1) & (cap - 1)) {
        dir_slot *s = &tab[i];
        if (s->src.addr.family == 0 || (endpoint_same(&s->src, src) && endpoint_same(&s->dst, dst)))
            return s;
    }
}

static gboolean grow(void) {
    gsize cap = capacity ? capacity * 2 : 1024;
    dir_slot *tab = g_try_new0(dir_slot, cap);
    if (tab == NULL)
        return FALSE;
    for (gsize i = 0; i < capacity; i++)
        if (slots[i].src.addr.family != 0)
            *find(tab, cap, &slots[i].src, &slots[i].dst) = slots[i];
    g_free(slots);
    slots = tab;
    capacity = cap;
    return TRUE;
}

guint32 *pl_dirbase_get(const tlsa_endpoint *src, const tlsa_endpoint *dst, gboolean *created) {
    *created = FALSE;
    if (src->addr.family == 0)
        return NULL; /* cannot be stored: 0 marks an empty slot */
    if (capacity == 0 && !grow())
        return NULL;
    dir_slot *s = find(slots, capacity, src, dst);
    if (s->src.addr.family != 0)
        return &s->base;
    if ((used + 1) * 2 > capacity) {
        if (!grow())
            return NULL;
        s = find(slots, capacity, src, dst);
    }
    s->src = *src;
    s->dst = *dst;
    s->base = 0;
    used++;
    *created = TRUE;
    return &s->base;
}
