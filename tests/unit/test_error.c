/* The error list: every code has a distinct name, a sentence and a category. */
#include <string.h>

#include "harness.h"
#include "tlsaudit/error.h"

static void test_names_distinct(void) {
    for (int i = 0; i < TLSA_E__COUNT; i++) {
        CU_ASSERT_PTR_NOT_NULL(tlsa_err_name((tlsa_err)i));
        CU_ASSERT(strncmp(tlsa_err_name((tlsa_err)i), "TLSA_E_", 7) == 0);
        CU_ASSERT(strlen(tlsa_strerror((tlsa_err)i)) > 5);
        for (int j = 0; j < i; j++)
            CU_ASSERT(strcmp(tlsa_err_name((tlsa_err)i), tlsa_err_name((tlsa_err)j)) != 0);
    }
}

static void test_categories(void) {
    CU_ASSERT_EQUAL(tlsa_err_category_of(TLSA_E_OK), TLSA_CAT_OK);
    CU_ASSERT_EQUAL(tlsa_err_category_of(TLSA_E_NEED_MORE), TLSA_CAT_NEED_MORE);
    CU_ASSERT_EQUAL(tlsa_err_category_of(TLSA_E_TRUNCATED), TLSA_CAT_MALFORMED);
    CU_ASSERT_EQUAL(tlsa_err_category_of(TLSA_E_LIMIT_FLOWS), TLSA_CAT_LIMIT);
    CU_ASSERT_EQUAL(tlsa_err_category_of(TLSA_E_NO_MEMORY), TLSA_CAT_INTERNAL);
    CU_ASSERT_STRING_EQUAL(tlsa_err_name((tlsa_err)9999), "TLSA_E_UNKNOWN");
}

TLSA_TEST_MAIN("error", {"names are distinct and prefixed", test_names_distinct},
               {"categories", test_categories})
