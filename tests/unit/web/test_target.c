/* Unit tests for src/web/target.c: the request target checked as sent (issue #9). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "web/target.h"

static int decode(const char *raw, size_t n, char *out, size_t cap, size_t *len, struct err *e)
{
	return target_decode_path(raw, n, out, cap, len, e);
}

static void path_decodes_escapes_and_keeps_stray_percent(void **state)
{
	(void)state;
	char out[64];
	size_t n = 0;
	struct err e = ERR_INIT;
	const char *raw = "/a%20b/%41%62c/100%/%zz/%4";
	assert_int_equal(decode(raw, strlen(raw), out, sizeof(out), &n, &e), ERR_OK);
	assert_string_equal(out, "/a b/Abc/100%/%zz/%4");
	assert_int_equal(n, strlen(out));
}

static void path_with_nul_or_control_is_refused(void **state)
{
	(void)state;
	char out[64];
	size_t n = 0;
	struct err e = ERR_INIT;
	const char *raw = "/api/v1/contacts/159%00/notes/1";
	assert_int_equal(decode(raw, strlen(raw), out, sizeof(out), &n, &e), ERR_INVALID_ARG);
	assert_string_equal(e.field, "path");
	assert_non_null(strstr(e.message, "%00 at byte 20"));
	const char rawnul[] = "/a\0b";
	err_clear(&e);
	assert_int_equal(decode(rawnul, sizeof(rawnul) - 1, out, sizeof(out), &n, &e),
	                 ERR_INVALID_ARG);
	assert_non_null(strstr(e.message, "raw byte 0x00"));
	static const char *bad[] = {"/a%0a", "/a%0D", "/%7f", "/%1F", "/a\tb", "/\x7f"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(decode(bad[i], strlen(bad[i]), out, sizeof(out), &n, NULL),
		                 ERR_INVALID_ARG);
	/* 0x20 and 0x80 and above are not control bytes */
	assert_int_equal(decode("/%20%80%ff", 10, out, sizeof(out), &n, NULL), ERR_OK);
	assert_int_equal(n, 4);
}

static void path_that_does_not_fit_is_too_large(void **state)
{
	(void)state;
	char out[4];
	size_t n = 0;
	assert_int_equal(decode("/abcd", 5, out, sizeof(out), &n, NULL), ERR_TOO_LARGE);
	assert_int_equal(decode("/ab", 3, out, sizeof(out), &n, NULL), ERR_OK);
	assert_string_equal(out, "/ab");
}

static void query_names_the_parameter(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	const char *q = "page=2&query=anna%00x&x=1";
	assert_int_equal(target_check_query(q, strlen(q), &e), ERR_INVALID_ARG);
	assert_string_equal(e.field, "query.query");
	err_clear(&e);
	q = "a%0Ab=1";
	assert_int_equal(target_check_query(q, strlen(q), &e), ERR_INVALID_ARG);
	assert_string_equal(e.field, "query");
	err_clear(&e);
	q = "first+name=x%01";
	assert_int_equal(target_check_query(q, strlen(q), &e), ERR_INVALID_ARG);
	assert_string_equal(e.field, "query.first name");
	q = "page=2&query=Stra%C3%9Fe+5&empty=&flag&%=%";
	assert_int_equal(target_check_query(q, strlen(q), NULL), ERR_OK);
	assert_int_equal(target_check_query("", 0, NULL), ERR_OK);
}

static void escape_shows_control_bytes(void **state)
{
	(void)state;
	const char raw[] = "/a\0b\x01\x7f%00";
	char *s = target_escape(raw, sizeof(raw) - 1);
	assert_non_null(s);
	assert_string_equal(s, "/a%00b%01%7F%00");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(path_decodes_escapes_and_keeps_stray_percent),
	    cmocka_unit_test(path_with_nul_or_control_is_refused),
	    cmocka_unit_test(path_that_does_not_fit_is_too_large),
	    cmocka_unit_test(query_names_the_parameter),
	    cmocka_unit_test(escape_shows_control_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
