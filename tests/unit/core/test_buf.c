/* Unit tests for src/core/buf.c and src/core/err.c: caps, growth, formatting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"

static void empty_buffer_reads_as_empty_string(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(16);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(b.len, 0);
	char *p = buf_detach(&b, NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
}

static void append_up_to_cap_succeeds(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(10);
	assert_int_equal(buf_adds(&b, "12345"), ERR_OK);
	assert_int_equal(buf_adds(&b, "67890"), ERR_OK);
	assert_int_equal(b.len, 10);
	assert_string_equal(buf_str(&b), "1234567890");
	buf_release(&b);
}

static void append_past_cap_fails_and_changes_nothing(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(10);
	assert_int_equal(buf_adds(&b, "123456"), ERR_OK);
	assert_int_equal(buf_adds(&b, "12345"), ERR_TOO_LARGE);
	assert_int_equal(b.len, 6);
	assert_string_equal(buf_str(&b), "123456");
	assert_int_equal(buf_addf(&b, "%s", "abcde"), ERR_TOO_LARGE);
	assert_string_equal(buf_str(&b), "123456");
	assert_int_equal(buf_addc(&b, 'x'), ERR_OK);
	assert_int_equal(buf_add(&b, "", 0), ERR_OK);
	buf_release(&b);
}

static void huge_length_does_not_overflow(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(SIZE_MAX);
	assert_int_equal(buf_adds(&b, "ab"), ERR_OK);
	/* len + SIZE_MAX would wrap; the buffer must refuse instead of writing. */
	assert_int_not_equal(buf_add(&b, "x", SIZE_MAX), ERR_OK);
	assert_string_equal(buf_str(&b), "ab");
	/* An uncapped buffer grows normally (max + 1 must not wrap to a tiny allocation). */
	for (int i = 0; i < 100; i++)
		assert_int_equal(buf_adds(&b, "0123456789"), ERR_OK);
	assert_int_equal(b.len, 1002);
	buf_release(&b);
}

static void grows_across_many_appends(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(1 << 20);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(buf_addf(&b, "%04d", i % 10000), ERR_OK);
	assert_int_equal(b.len, 40000);
	assert_memory_equal(b.data + 39996, "9999", 4);
	size_t len;
	char *p = buf_detach(&b, &len);
	assert_int_equal(len, 40000);
	assert_null(b.data);
	free(p);
}

static void reset_keeps_cap(void **state)
{
	(void)state;
	struct buf b = BUF_INIT(4);
	assert_int_equal(buf_adds(&b, "abcd"), ERR_OK);
	buf_reset(&b);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_adds(&b, "wxyz"), ERR_OK);
	assert_int_equal(buf_addc(&b, '!'), ERR_TOO_LARGE);
	buf_release(&b);
}

static void err_table_maps_codes(void **state)
{
	(void)state;
	assert_string_equal(err_slug(ERR_INVALID_FIELD), "invalid_field");
	assert_int_equal(err_status(ERR_TOO_LARGE), 413);
	assert_int_equal(err_status(ERR_IDEMPOTENCY), 422);
	assert_string_equal(err_name(ERR_NOT_LINKED), "NOT_LINKED");
	assert_string_equal(err_slug(-5), "internal");
	assert_string_equal(err_slug(ERR__COUNT + 3), "internal");
}

static void err_set_fills_detail(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	int rc =
	    err_set(&e, ERR_INVALID_FIELD, "conversion.details.price.min", "must be ≤ %s", "max");
	assert_int_equal(rc, ERR_INVALID_FIELD);
	assert_string_equal(e.field, "conversion.details.price.min");
	assert_string_equal(e.message, "must be ≤ max");
	assert_int_equal(err_http_status(&e), 400);
	e.http_status = 418;
	assert_int_equal(err_http_status(&e), 418);
	assert_int_equal(err_set(NULL, ERR_NOMEM, NULL, NULL), ERR_NOMEM);
	err_set(&e, ERR_NOT_FOUND, NULL, NULL);
	assert_string_equal(e.message, "not found");
	assert_string_equal(e.field, "");
}

static void err_set_truncates_on_utf8_boundary(void **state)
{
	(void)state;
	struct err e = ERR_INIT;
	char msg[600];
	memset(msg, 'a', 254);
	strcpy(msg + 254, "äöü"); /* 'ä' straddles the 255-byte limit */
	err_set(&e, ERR_INVALID_FIELD, NULL, "%s", msg);
	size_t n = strlen(e.message);
	assert_true(n <= 255);
	assert_int_equal(n, 254);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(empty_buffer_reads_as_empty_string),
	    cmocka_unit_test(append_up_to_cap_succeeds),
	    cmocka_unit_test(append_past_cap_fails_and_changes_nothing),
	    cmocka_unit_test(huge_length_does_not_overflow),
	    cmocka_unit_test(grows_across_many_appends),
	    cmocka_unit_test(reset_keeps_cap),
	    cmocka_unit_test(err_table_maps_codes),
	    cmocka_unit_test(err_set_fills_detail),
	    cmocka_unit_test(err_set_truncates_on_utf8_boundary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
