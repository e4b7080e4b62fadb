/* Shared helpers for the CUnit suites: one main per module file. */
#ifndef TLSA_TEST_HARNESS_H
#define TLSA_TEST_HARNESS_H

#include <CUnit/Basic.h>
#include <CUnit/CUnit.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tlsa_test_case {
    const char *name;
    void (*fn)(void);
} tlsa_test_case;

/* Registers the cases as one suite, runs it verbosely, prints CUnit's summary, and returns the
 * process exit code (non-zero on any failure). */
int tlsa_test_run(const char *suite, const tlsa_test_case *cases);

/* Reads a whole file (tests only). Returns NULL if missing; *len set. Caller frees. */
uint8_t *tlsa_test_read_file(const char *path, size_t *len);
/* Decodes hex (whitespace ignored) into a new buffer. Caller frees. */
uint8_t *tlsa_test_hex(const char *hex, size_t *len);

#define TLSA_TEST_MAIN(suite, ...)                                                                 \
    int main(void) {                                                                               \
        static const tlsa_test_case cases[] = {__VA_ARGS__, {NULL, NULL}};                         \
        return tlsa_test_run(suite, cases);                                                        \
    }

#endif
