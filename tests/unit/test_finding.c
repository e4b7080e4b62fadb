/* finding: the catalogue accessors, and docs/findings.md kept equal to the catalogue. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "tlsaudit/finding.h"

static void test_ids(void) {
    for (int i = 0; i < TLSA_F__COUNT; i++) {
        const char *id = tlsa_finding_id_str((tlsa_finding_id)i);
        CU_ASSERT_EQUAL(tlsa_finding_lookup(id), (tlsa_finding_id)i);
        CU_ASSERT(strlen(tlsa_finding_title((tlsa_finding_id)i)) > 3);
        CU_ASSERT(strlen(tlsa_finding_reference((tlsa_finding_id)i)) > 3);
        for (int j = 0; j < i; j++)
            CU_ASSERT(strcmp(id, tlsa_finding_id_str((tlsa_finding_id)j)) != 0);
    }
    CU_ASSERT_EQUAL(tlsa_finding_lookup("cert.expired"), TLSA_F_CERT_EXPIRED);
    CU_ASSERT_EQUAL(tlsa_finding_lookup("proto.malformed"), TLSA_F_PROTO_MALFORMED);
    CU_ASSERT_EQUAL(tlsa_finding_lookup("cert.expire"), TLSA_F__COUNT);
    CU_ASSERT_EQUAL(tlsa_finding_lookup(NULL), TLSA_F__COUNT);
    CU_ASSERT_STRING_EQUAL(tlsa_finding_id_str(TLSA_F__COUNT), "unknown");
    CU_ASSERT_STRING_EQUAL(tlsa_finding_id_str((tlsa_finding_id)-1), "unknown");
    CU_ASSERT_STRING_EQUAL(tlsa_finding_reference(TLSA_F__COUNT), "");
}

static void test_severities(void) {
    CU_ASSERT_EQUAL(tlsa_finding_default_severity(TLSA_F_CERT_EXPIRED), TLSA_SEV_HIGH);
    CU_ASSERT_EQUAL(tlsa_finding_default_severity(TLSA_F_VERSION_SSLV2), TLSA_SEV_CRITICAL);
    CU_ASSERT_EQUAL(tlsa_finding_default_severity(TLSA_F_CIPHER_CBC), TLSA_SEV_LOW);
    CU_ASSERT_EQUAL(tlsa_finding_default_severity(TLSA_F_CIPHER_POLICY), TLSA_SEV_MEDIUM);
    CU_ASSERT_EQUAL(tlsa_finding_default_severity(TLSA_F_KEX_NO_PQ), TLSA_SEV_INFO);
    CU_ASSERT_EQUAL(tlsa_finding_default_severity(TLSA_F__COUNT), TLSA_SEV_INFO);
    CU_ASSERT_STRING_EQUAL(tlsa_finding_title(TLSA_F_CERT_EXPIRED), "certificate expired");
    static const char *const names[] = {"info", "low", "medium", "high", "critical"};
    for (int s = 0; s < 5; s++) {
        CU_ASSERT_STRING_EQUAL(tlsa_severity_name((tlsa_severity)s), names[s]);
        CU_ASSERT_EQUAL(tlsa_severity_lookup(names[s]), s);
    }
    CU_ASSERT_STRING_EQUAL(tlsa_severity_name((tlsa_severity)5), "unknown");
    CU_ASSERT_EQUAL(tlsa_severity_lookup("High"), -1);
    CU_ASSERT_EQUAL(tlsa_severity_lookup(""), -1);
    CU_ASSERT_EQUAL(tlsa_severity_lookup(NULL), -1);
}

/* Splits "| a | b | c |" into trimmed cells; returns their number. */
static int cells(char *line, char **out, int max) {
    int n = 0;
    char *p = line;
    if (*p != '|')
        return 0;
    while (n < max) {
        char *bar = strchr(p + 1, '|');
        if (!bar)
            break;
        char *s = p + 1, *e = bar;
        while (*s == ' ')
            s++;
        while (e > s && e[-1] == ' ')
            e--;
        *e = 0;
        out[n++] = s;
        p = bar;
    }
    return n;
}

static void test_docs_table(void) {
    size_t len;
    uint8_t *doc = tlsa_test_read_file(TLSA_SOURCE_DIR "/docs/findings.md", &len);
    CU_ASSERT_PTR_NOT_NULL_FATAL(doc);
    char *text = malloc(len + 1);
    memcpy(text, doc, len);
    text[len] = 0;
    free(doc);
    int row = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *c[6];
        if (strncmp(line, "| `", 3) != 0)
            continue;
        int n = cells(line, c, 6);
        CU_ASSERT_EQUAL(n, 5);
        if (n != 5 || row >= TLSA_F__COUNT) {
            row++;
            continue;
        }
        tlsa_finding_id id = (tlsa_finding_id)row;
        char want[64];
        snprintf(want, sizeof want, "`%s`", tlsa_finding_id_str(id));
        CU_ASSERT_STRING_EQUAL(c[0], want);
        CU_ASSERT_STRING_EQUAL(c[1], tlsa_severity_name(tlsa_finding_default_severity(id)));
        CU_ASSERT_STRING_EQUAL(c[2], tlsa_finding_title(id));
        CU_ASSERT(strlen(c[3]) > 0);
        CU_ASSERT_STRING_EQUAL(c[4], tlsa_finding_reference(id));
        if (strcmp(c[0], want) != 0 || strcmp(c[2], tlsa_finding_title(id)) != 0 ||
            strcmp(c[4], tlsa_finding_reference(id)) != 0)
            fprintf(stderr,
                    "\n  docs/findings.md row %d differs from the catalogue (%s): run "
                    "tools/gen-findings-md.py\n",
                    row, want);
        row++;
    }
    CU_ASSERT_EQUAL(row, TLSA_F__COUNT);
    free(text);
}

TLSA_TEST_MAIN("finding", {"ids", test_ids}, {"severities", test_severities},
               {"docs/findings.md equals the catalogue", test_docs_table})
