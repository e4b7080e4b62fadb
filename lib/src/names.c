/* The names.h API: binary search over the generated, id-sorted tables in names_gen.c; suites,
 * looked up for every offered suite of every connection, through a two-level index. */
#include <stdlib.h>

#include "names_gen.h"

/* Written by tools/gen-names.py next to tlsa_gen_suites (see render_suite_index there). */
extern const uint8_t tlsa_gen_suite_page[256];
extern const uint16_t tlsa_gen_suite_slot[][256];

/* Index of id in a table of n records of the given size whose first member is the uint16 id,
 * or -1. The tables differ in type, so the search walks bytes through the record size. */
static long find(const void *table, size_t n, size_t size, uint16_t id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint16_t v = *(const uint16_t *)((const char *)table + mid * size);
        if (v == id)
            return (long)mid;
        if (v < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

/* The generator leaves GREASE values out of the index, so they come back NULL too. */
const tlsa_suite_info *tlsa_suite_lookup(uint16_t id) {
    unsigned page = tlsa_gen_suite_page[id >> 8];
    if (!page)
        return NULL;
    unsigned slot = tlsa_gen_suite_slot[page - 1][id & 0xff];
    return slot ? &tlsa_gen_suites[slot - 1] : NULL;
}

const char *tlsa_suite_name(uint16_t id) {
    const tlsa_suite_info *s = tlsa_suite_lookup(id);
    if (s)
        return s->name;
    return tlsa_is_grease(id) ? "GREASE" : "unknown";
}

static const tlsa_gen_group *group(uint16_t id) {
    long i = find(tlsa_gen_groups, tlsa_gen_groups_n, sizeof tlsa_gen_groups[0], id);
    return i < 0 ? NULL : &tlsa_gen_groups[i];
}

const char *tlsa_group_name(uint16_t id) {
    const tlsa_gen_group *g = group(id);
    if (g)
        return g->name;
    return tlsa_is_grease(id) ? "GREASE" : "unknown";
}

uint32_t tlsa_group_bits(uint16_t id) {
    const tlsa_gen_group *g = group(id);
    return g ? g->bits : 0;
}

bool tlsa_group_is_pq_hybrid(uint16_t id) {
    const tlsa_gen_group *g = group(id);
    return g ? g->pq_hybrid : false;
}

static const char *name_of(const tlsa_gen_name *t, size_t n, uint16_t id) {
    long i = find(t, n, sizeof t[0], id);
    if (i >= 0)
        return t[i].name;
    return tlsa_is_grease(id) ? "GREASE" : "unknown";
}

const char *tlsa_sigscheme_name(uint16_t id) {
    return name_of(tlsa_gen_sigschemes, tlsa_gen_sigschemes_n, id);
}

const char *tlsa_extension_name(uint16_t id) {
    return name_of(tlsa_gen_extensions, tlsa_gen_extensions_n, id);
}

const char *tlsa_alert_level_name(uint8_t level) {
    return level == 2 ? "fatal" : level == 1 ? "warning" : "unknown";
}

const char *tlsa_alert_name(uint8_t desc) {
    const char *n = tlsa_gen_alerts[desc];
    return n ? n : "unknown";
}

/* RFC 8701: 0x0A0A, 0x1A1A, ... 0xFAFA (both bytes equal, low nibble 0xA). */
bool tlsa_is_grease(uint16_t v) {
    return (v >> 8) == (v & 0xff) && (v & 0x0f) == 0x0a;
}
