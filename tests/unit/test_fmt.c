/* tlsa_vfmt must give exactly what vsnprintf gives: for every conversion it handles itself, at
 * every buffer size (truncation), and for those it hands on. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "harness.h"

static unsigned mismatches;

/* Formats with both at buffer sizes 0..len+2 and compares result and return value. Not marked
 * as printf-like: some formats below are deliberately odd. */
static void same(const char *fmt, ...) {
    char want[512], got[512];
    va_list ap, aq;
    va_start(ap, fmt);
    va_copy(aq, ap);
    int n_want = vsnprintf(want, sizeof want, fmt, aq);
    va_end(aq);
    for (size_t size = 0; size <= (size_t)n_want + 2 && size <= sizeof got; size++) {
        char w[512], g[512];
        memset(w, 'W', sizeof w);
        memset(g, 'W', sizeof g);
        va_copy(aq, ap);
        int rw = vsnprintf(size ? w : NULL, size, fmt, aq);
        va_end(aq);
        va_copy(aq, ap);
        int rg = tlsa_vfmt(size ? g : NULL, size, fmt, aq);
        va_end(aq);
        if (rw != rg || memcmp(w, g, sizeof w) != 0) {
            if (mismatches++ < 10)
                fprintf(stderr,
                        "fmt \"%s\" size %zu: vsnprintf %d \"%.*s\", tlsa_vfmt %d \"%.*s\"\n", fmt,
                        size, rw, (int)(size ? size : 1), w, rg, (int)(size ? size : 1), g);
            CU_FAIL("tlsa_vfmt differs from vsnprintf");
            break;
        }
    }
    va_start(aq, fmt);
    int n_got = tlsa_vfmt(got, sizeof got, fmt, aq);
    va_end(aq);
    CU_ASSERT_EQUAL(n_got, n_want);
    CU_ASSERT_STRING_EQUAL(got, want);
    va_end(ap);
}

static void test_handled(void) {
    same("plain text, no conversion");
    same("");
    same("%%");
    same("100%% sure, %u%%", 7u);
    same("%s", "encrypted");
    same("%s and %s", "", "x");
    same("%u cipher suites, SNI %.*s", 28u, 20, "server.tlsaudit.test and more");
    same("%.*s|", -1, "negative precision means none");
    same("%.*s|", 0, "zero");
    same("%.3s|%.10s|", "abcdef", "ab");
    same("%8s|%2s|%5.2s|", "ab", "abcd", "xyz");
    same("%u %u %u", 0u, 1u, 4294967295u);
    same("%d %d %d %i", 0, -1, -2147483647 - 1, 2147483647);
    same("%lld %lld %llu", -9223372036854775807LL - 1, 9223372036854775807LL,
         18446744073709551615ULL);
    same("%ld %lu", -5L, 123456789UL);
    same("%zu %zu", (size_t)0, (size_t)-1);
    same("%hhu %hu %hhd %hd", 300u, 70000u, 200, 40000);
    same("0x%04x 0x%04X %02x %x %X", 0x1du, 0xabcdu, 7u, 0u, 0xdeadbeefu);
    same("%5u|%05u|%1u|%010lld|%6d|%06d", 42u, 42u, 12345u, -77LL, -3, -3);
    same("%c%c%3c", 'a', 0x7f, 'z');
    same("certificate %u (%s) expired %s; capture time %s", 0u, "CN=x", "2026", "2026-06-01");
}

static void test_handed_on(void) {
    /* Conversions and flags tlsa_vfmt leaves to vsnprintf must still come out right. */
    same("%-8s|", "left");
    same("%+d % d", 5, 5);
    same("%#x %o %e %g", 255u, 8u, 1.5, 0.25);
    same("%.3u|%5.3d", 7u, -7);
    same("%s", (const char *)NULL);
    same("%*d", 6, 42);
    same("%05s", "zero flag on a string");
    same("a lone % at the end %");
}

static void test_long_output(void) {
    char big[400];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = 0;
    same("[%s] %u", big, 99u);
    char dst[16];
    CU_ASSERT_EQUAL(tlsa_fmt(dst, sizeof dst, "%s", big), 399);
    CU_ASSERT_EQUAL(strlen(dst), 15);
    CU_ASSERT_EQUAL(mismatches, 0);
}

TLSA_TEST_MAIN("fmt", {"handled conversions equal vsnprintf at every size", test_handled},
               {"others are handed to vsnprintf", test_handed_on},
               {"long results are cut like vsnprintf", test_long_output})
