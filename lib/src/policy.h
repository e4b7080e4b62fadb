/* Policy profiles: which versions, suites and groups are acceptable (cipher.policy,
 * kex.weak_curve) and the key-size floors. Built-ins come from Mozilla Server Side TLS
 * (policy_gen.c, made by tools/gen-policy.py); custom ones from a file (docs/policy.md). */
#ifndef TLSA_SRC_POLICY_H
#define TLSA_SRC_POLICY_H

#include "tlsaudit/audit.h"

typedef struct tlsa_policy_builtin {
    const char *name;
    const char *source;
    const uint16_t *versions;
    size_t n_versions;
    const uint16_t *suites; /* TLS <= 1.2, IANA code points */
    size_t n_suites;
    const uint16_t *suites13;
    size_t n_suites13;
    const uint16_t *groups;
    size_t n_groups;
    uint32_t min_rsa_bits, min_dh_bits, min_ecdh_bits; /* 0: not set */
} tlsa_policy_builtin;

extern const tlsa_policy_builtin tlsa_policy_builtins[];
extern const size_t tlsa_policy_n_builtins;

/* A list that may be absent: absent means "no restriction". */
typedef struct tlsa_policy_list {
    bool set;
    uint16_t *v;
    uint32_t n;
} tlsa_policy_list;

struct tlsa_policy {
    char name[64]; /* "intermediate", or the file name */
    tlsa_policy_list versions, suites, suites13, groups;
    uint32_t min_rsa_bits, min_dh_bits, min_ecdh_bits;
};

/* A built-in profile by name, or NULL. */
tlsa_policy *tlsa_policy_builtin_new(const char *name);
/* Reads a policy file. On error returns NULL, *err is TLSA_E_IO (cannot read) or
 * TLSA_E_BAD_VALUE (syntax), msg says "FILE:LINE: what". */
tlsa_policy *tlsa_policy_load(const char *path, tlsa_err *err, char *msg, size_t msgsize);
/* The same from text already in memory (name is used in messages). */
tlsa_policy *tlsa_policy_parse(const char *name, const char *text, size_t len, tlsa_err *err,
                               char *msg, size_t msgsize);
void tlsa_policy_free(tlsa_policy *p);

bool tlsa_policy_allows_version(const tlsa_policy *p, uint16_t v);
bool tlsa_policy_allows_suite(const tlsa_policy *p, uint16_t suite, bool tls13);
bool tlsa_policy_allows_group(const tlsa_policy *p, uint16_t group);
/* "TLSv1.2", "TLSv1.3" … as the policy file spells them; "0x7f1c" style otherwise (static
 * storage for known values, buf for the rest). */
const char *tlsa_policy_version_str(uint16_t v, char *buf, size_t size);

#endif
