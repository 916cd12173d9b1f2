/* Unit tests for src/onoffice/sign.c: the HMAC v2 vectors of onoffice-protocol §2.1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/err.h"
#include "onoffice/actions.h"
#include "onoffice/sign.h"

static void sdk_request_test_vector(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(oo_hmac_v2("yOJobbhGLXdp90XxvxedFhH7073L9U", 123456789,
	                            "mgjIQkNRnaqggVzy9cZW", "estateCategories",
	                            oo_action_urn(OO_GET), out),
	                 ERR_OK);
	assert_string_equal(out, "dsvg3r4AFcQXges0MZ+3auzQVfnEB39pLkKSgmm9Wvg=");
	assert_int_equal(strlen(out), OO_HMAC_LEN);
}

static void sdk_integration_test_vector(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(oo_hmac_v2("testsecret", 1646228220, "testtoken", "calendar",
	                            oo_action_urn(OO_READ), out),
	                 ERR_OK);
	assert_string_equal(out, "w6ifKMmAdJoKhu0vl2twvfP+ltyOTQ7LqLpvsZkOnlg=");
}

static void doc_example_vector(void **state)
{
	(void)state;
	char out[64];
	assert_int_equal(oo_hmac_v2("dhY8h7FeU9", 123456789, "dX5hkIIU6W", "estateCategories",
	                            "urn:onoffice-de-ns:smart:2.5:smartml:action:get", out),
	                 ERR_OK);
	assert_string_equal(out, "F9OXyaJv7p+bLkwGDGV7ZUmfYgjH2E24zpsxY5/nVDk=");
}

static void every_signed_input_changes_the_hmac(void **state)
{
	(void)state;
	char base[64], other[64];
	const char *get = oo_action_urn(OO_GET);
	assert_int_equal(
	    oo_hmac_v2("dhY8h7FeU9", 123456789, "dX5hkIIU6W", "estateCategories", get, base),
	    ERR_OK);
	oo_hmac_v2("dhY8h7FeU9", 123456790, "dX5hkIIU6W", "estateCategories", get, other);
	assert_string_not_equal(base, other);
	oo_hmac_v2("dhY8h7FeU8", 123456789, "dX5hkIIU6W", "estateCategories", get, other);
	assert_string_not_equal(base, other);
	oo_hmac_v2("dhY8h7FeU9", 123456789, "dX5hkIIU6X", "estateCategories", get, other);
	assert_string_not_equal(base, other);
	oo_hmac_v2("dhY8h7FeU9", 123456789, "dX5hkIIU6W", "estate", get, other);
	assert_string_not_equal(base, other);
	oo_hmac_v2("dhY8h7FeU9", 123456789, "dX5hkIIU6W", "estateCategories",
	           oo_action_urn(OO_READ), other);
	assert_string_not_equal(base, other);
}

static void missing_inputs_are_refused(void **state)
{
	(void)state;
	char out[64] = "junk";
	assert_int_equal(oo_hmac_v2(NULL, 1, "t", "address", "a", out), ERR_INVALID_ARG);
	assert_string_equal(out, "");
	assert_int_equal(oo_hmac_v2("s", 1, NULL, "address", "a", out), ERR_INVALID_ARG);
	assert_int_equal(oo_hmac_v2("s", 1, "t", NULL, "a", out), ERR_INVALID_ARG);
	assert_int_equal(oo_hmac_v2("s", 1, "t", "address", NULL, out), ERR_INVALID_ARG);
	assert_int_equal(oo_hmac_v2("s", 1, "t", "address", "a", NULL), ERR_INVALID_ARG);
}

static void oversized_message_is_refused(void **state)
{
	(void)state;
	static char big[5000];
	memset(big, 'x', sizeof(big) - 1);
	char out[64] = "junk";
	assert_int_equal(oo_hmac_v2("s", 1, big, "address", "a", out), ERR_TOO_LARGE);
	assert_string_equal(out, "");
}

static void negative_and_zero_timestamps_are_decimal(void **state)
{
	(void)state;
	/* msg is plain concatenation: ts 12 + token "3" equals ts 123 + token "". */
	char a[64], b[64];
	assert_int_equal(oo_hmac_v2("k", 12, "3", "x", "y", a), ERR_OK);
	assert_int_equal(oo_hmac_v2("k", 123, "", "x", "y", b), ERR_OK);
	assert_string_equal(a, b);
	assert_int_equal(oo_hmac_v2("k", 0, "", "x", "y", a), ERR_OK);
	assert_int_equal(oo_hmac_v2("k", -5, "", "x", "y", b), ERR_OK);
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(sdk_request_test_vector),
	    cmocka_unit_test(sdk_integration_test_vector),
	    cmocka_unit_test(doc_example_vector),
	    cmocka_unit_test(every_signed_input_changes_the_hmac),
	    cmocka_unit_test(missing_inputs_are_refused),
	    cmocka_unit_test(oversized_message_is_refused),
	    cmocka_unit_test(negative_and_zero_timestamps_are_decimal),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
