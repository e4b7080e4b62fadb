/* policy: the built-in Mozilla profiles and the policy file format (docs/policy.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "policy.h"
#include "tlsaudit/conn.h"

static void test_builtins(void) {
    tlsa_policy *p = tlsa_policy_builtin_new("intermediate");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(p->name, "intermediate");
    CU_ASSERT(tlsa_policy_allows_suite(p, 0xC02F, false));
    CU_ASSERT(tlsa_policy_allows_suite(p, 0xCCA9, false));
    CU_ASSERT(!tlsa_policy_allows_suite(p, 0xC013, false));
    CU_ASSERT(!tlsa_policy_allows_suite(p, 0x000A, false));
    CU_ASSERT(tlsa_policy_allows_suite(p, 0x1303, true));
    CU_ASSERT(!tlsa_policy_allows_suite(p, 0x1304, true));
    CU_ASSERT(tlsa_policy_allows_version(p, TLSA_V_TLS12));
    CU_ASSERT(tlsa_policy_allows_version(p, TLSA_V_TLS13));
    CU_ASSERT(!tlsa_policy_allows_version(p, TLSA_V_TLS11));
    CU_ASSERT(tlsa_policy_allows_group(p, 0x001D));
    CU_ASSERT(tlsa_policy_allows_group(p, 0x0017));
    CU_ASSERT(tlsa_policy_allows_group(p, 0x0018));
    CU_ASSERT(tlsa_policy_allows_group(p, 0x11EC));
    CU_ASSERT(!tlsa_policy_allows_group(p, 0x0019));
    CU_ASSERT_EQUAL(p->suites.n, 6);
    CU_ASSERT_EQUAL(p->min_rsa_bits, 2048);
    CU_ASSERT_EQUAL(p->min_dh_bits, 2048);
    tlsa_policy_free(p);
    p = tlsa_policy_builtin_new("modern");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->suites.n, 0);
    CU_ASSERT(!tlsa_policy_allows_suite(p, 0xC02F, false));
    CU_ASSERT(!tlsa_policy_allows_version(p, TLSA_V_TLS12));
    tlsa_policy_free(p);
    p = tlsa_policy_builtin_new("old");
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_EQUAL(p->suites.n, 21);
    CU_ASSERT(tlsa_policy_allows_suite(p, 0x000A, false)); /* DES-CBC3-SHA via testssl names */
    CU_ASSERT(tlsa_policy_allows_suite(p, 0x002F, false));
    CU_ASSERT(tlsa_policy_allows_version(p, TLSA_V_TLS10));
    CU_ASSERT(!tlsa_policy_allows_version(p, TLSA_V_SSL3));
    tlsa_policy_free(p);
    CU_ASSERT_PTR_NULL(tlsa_policy_builtin_new("strict"));
    CU_ASSERT_PTR_NULL(tlsa_policy_builtin_new(NULL));
    char buf[16];
    CU_ASSERT_STRING_EQUAL(tlsa_policy_version_str(TLSA_V_TLS10, buf, sizeof buf), "TLSv1");
    CU_ASSERT_STRING_EQUAL(tlsa_policy_version_str(0x7f1c, buf, sizeof buf), "0x7f1c");
}

static tlsa_policy *parse(const char *text, tlsa_err *err, char *msg) {
    return tlsa_policy_parse("p.txt", text, strlen(text), err, msg, 256);
}

static void test_parse(void) {
    static const char text[] = "# my policy\n"
                               "\n"
                               "base = intermediate\r\n"
                               "tls_versions = TLSv1.2, tlsv1.3   # trailing comment\n"
                               "ciphers = TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 0xC013\n"
                               "  groups = x25519 secp256r1 P-384 0x0019\n"
                               "certificate_min_rsa_bits = 3072\n"
                               "ciphersuites =\n";
    tlsa_err err;
    char msg[256] = "";
    tlsa_policy *p = parse(text, &err, msg);
    CU_ASSERT_EQUAL(err, TLSA_E_OK);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT_STRING_EQUAL(p->name, "p.txt");
    CU_ASSERT_EQUAL(p->versions.n, 2);
    CU_ASSERT(tlsa_policy_allows_suite(p, 0xC013, false));
    CU_ASSERT(tlsa_policy_allows_suite(p, 0xC02F, false));
    CU_ASSERT(!tlsa_policy_allows_suite(p, 0xC030, false));
    CU_ASSERT(!tlsa_policy_allows_suite(p, 0x1301, true)); /* empty list: nothing allowed */
    CU_ASSERT(tlsa_policy_allows_group(p, 0x0019));
    CU_ASSERT(tlsa_policy_allows_group(p, 0x0018));
    CU_ASSERT(!tlsa_policy_allows_group(p, 0x11EC));
    CU_ASSERT_EQUAL(p->min_rsa_bits, 3072);
    CU_ASSERT_EQUAL(p->min_dh_bits, 2048); /* from the base */
    tlsa_policy_free(p);
    /* Without base, an absent key means no restriction. */
    p = parse("dh_min_bits = 3072", &err, msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(tlsa_policy_allows_version(p, TLSA_V_SSL3));
    CU_ASSERT(tlsa_policy_allows_suite(p, 0x0005, false));
    CU_ASSERT_EQUAL(p->min_dh_bits, 3072);
    tlsa_policy_free(p);
    p = parse("", &err, msg);
    CU_ASSERT_PTR_NOT_NULL(p);
    tlsa_policy_free(p);
}

static void test_errors(void) {
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"tls_versions = TLSv1.2\n\nfoo = 1\n", "p.txt:3: unknown key \"foo\""},
        {"# ok\nciphers TLS_AES_128_GCM_SHA256\n", "p.txt:2: expected \"key = value\""},
        {"tls_versions = TLSv1.2 TLSv9\n", "p.txt:1: tls_versions: unknown name \"TLSv9\""},
        {"ciphers = TLS_RSA_WITH_AES_128_CBC_SHA TLS_NOPE\n",
         "p.txt:1: ciphers: unknown name \"TLS_NOPE\""},
        {"groups = x25519\ngroups = secp256r1\n", "p.txt:2: \"groups\" given twice"},
        {"groups = x25519\nbase = old\n", "p.txt:2: \"base\" must come before the other keys"},
        {"base = strict\n",
         "p.txt:1: base: unknown profile \"strict\" (modern, intermediate, old)"},
        {"dh_min_bits = 12x\n", "p.txt:1: dh_min_bits: \"12x\" is not a number from 0 to 65536"},
        {"dh_min_bits = -1\n", "p.txt:1: dh_min_bits: \"-1\" is not a number"},
        {"dh_min_bits = 99999999999999999999\n",
         "p.txt:1: dh_min_bits: \"99999999999999999999\" is not a number from 0 to 65536"},
        {"groups = 0x10000\n", "p.txt:1: groups: unknown name \"0x10000\""},
        {" = x\n", "p.txt:1: unknown key \"\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tlsa_err err = TLSA_E_OK;
        char msg[256] = "";
        tlsa_policy *p = parse(cases[i].text, &err, msg);
        CU_ASSERT_PTR_NULL(p);
        CU_ASSERT_EQUAL(err, TLSA_E_BAD_VALUE);
        CU_ASSERT_STRING_EQUAL(msg, cases[i].msg);
        tlsa_policy_free(p);
    }
    /* A NUL byte inside a line. */
    static const char nul[] = "groups = x25519\nciphers = \0x\n";
    tlsa_err err;
    char msg[256];
    CU_ASSERT_PTR_NULL(tlsa_policy_parse("p.txt", nul, sizeof nul - 1, &err, msg, sizeof msg));
    CU_ASSERT_STRING_EQUAL(msg, "p.txt:2: NUL byte in line");
    /* A message buffer too small is cut, not overrun. */
    char tiny[8];
    CU_ASSERT_PTR_NULL(tlsa_policy_parse("p.txt", "x = 1", 5, &err, tiny, sizeof tiny));
    CU_ASSERT_STRING_EQUAL(tiny, "p.txt:1");
}

static void test_file(void) {
    char path[64];
    snprintf(path, sizeof path, "/tmp/tlsa-test-policy-%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    fputs("tls_versions = TLSv1.3\nciphersuites = TLS_AES_256_GCM_SHA384\n", f);
    fclose(f);
    tlsa_err err;
    char msg[256];
    tlsa_policy *p = tlsa_policy_load(path, &err, msg, sizeof msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p);
    CU_ASSERT(tlsa_policy_allows_suite(p, 0x1302, true));
    CU_ASSERT(!tlsa_policy_allows_suite(p, 0x1301, true));
    CU_ASSERT(!tlsa_policy_allows_version(p, TLSA_V_TLS12));
    tlsa_policy_free(p);
    /* Through the auditor: the policy is used by name of file. */
    tlsa_audit_config cfg = {.policy = path, .no_system_store = true};
    tlsa_auditor *a = tlsa_auditor_new(&cfg, &err, msg, sizeof msg);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    tlsa_conn c;
    memset(&c, 0, sizeof c);
    c.version = TLSA_V_TLS13;
    c.suite = 0x1301;
    c.has_suite = true;
    c.complete = true;
    c.sh.present = true;
    c.sh.frame = 2;
    CU_ASSERT_EQUAL(tlsa_audit_conn(a, &c), TLSA_E_OK);
    bool found = false;
    for (uint32_t i = 0; i < c.n_findings; i++)
        if (c.findings[i].id == TLSA_F_CIPHER_POLICY) {
            found = true;
            char want[256];
            snprintf(want, sizeof want,
                     "TLS_AES_128_GCM_SHA256 (0x1301) is not among the %s policy's TLS 1.3 suites",
                     path);
            CU_ASSERT_STRING_EQUAL(c.findings[i].detail, want);
        }
    CU_ASSERT(found);
    tlsa_audit_clear(&c);
    tlsa_auditor_free(a);
    /* A syntax error through the auditor names the file and line. */
    f = fopen(path, "w");
    fputs("tls_versions = TLSv1.3\nciphers = NOPE\n", f);
    fclose(f);
    CU_ASSERT_PTR_NULL(tlsa_auditor_new(&cfg, &err, msg, sizeof msg));
    CU_ASSERT_EQUAL(err, TLSA_E_BAD_VALUE);
    char want[128];
    snprintf(want, sizeof want, "%s:2: ciphers: unknown name \"NOPE\"", path);
    CU_ASSERT_STRING_EQUAL(msg, want);
    remove(path);
}

TLSA_TEST_MAIN("policy", {"built-in profiles", test_builtins}, {"file format", test_parse},
               {"errors name file and line", test_errors}, {"policy files", test_file})
