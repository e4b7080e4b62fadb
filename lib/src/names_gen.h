/* The tables tools/gen-names.py writes into names_gen.c, each sorted by id (binary search). */
#ifndef TLSA_NAMES_GEN_H
#define TLSA_NAMES_GEN_H

#include "tlsaudit/conn.h"
#include "tlsaudit/names.h"

typedef struct tlsa_gen_group {
    uint16_t id;
    const char *name;
    uint32_t bits;
    bool pq_hybrid;
} tlsa_gen_group;

typedef struct tlsa_gen_name {
    uint16_t id;
    const char *name;
} tlsa_gen_name;

extern const tlsa_suite_info tlsa_gen_suites[];
extern const size_t tlsa_gen_suites_n;
extern const tlsa_gen_group tlsa_gen_groups[];
extern const size_t tlsa_gen_groups_n;
extern const tlsa_gen_name tlsa_gen_sigschemes[];
extern const size_t tlsa_gen_sigschemes_n;
extern const tlsa_gen_name tlsa_gen_extensions[];
extern const size_t tlsa_gen_extensions_n;
extern const char *const tlsa_gen_alerts[256]; /* NULL where unassigned */

#endif
