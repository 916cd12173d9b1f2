/* Unit tests for src/domain/email.c: the pragmatic syntax rule and the identity form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "domain/email.h"

static bool ok(const char *s)
{
	return email_valid(s, strlen(s));
}

static void valid_addresses(void **state)
{
	(void)state;
	const char *good[] = {"anna.schmidt@example.de", "a@b.de",
	                      "x+tag@sub.example.com",   "o'brien@example.ie",
	                      "müller@bäckerei.de",      "UPPER@EXAMPLE.DE",
	                      "a_b-c@x-y.example.org",   "1234@123.example"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		assert_true(ok(good[i]));
}

static void invalid_addresses(void **state)
{
	(void)state;
	const char *bad[] = {"",         "plain",     "@example.de", "a@",        "a@b",
	                     "a@b.c",    "a@@b.de",   "a@b@c.de",    "a b@c.de",  "a@b .de",
	                     ".a@b.de",  "a.@b.de",   "a..b@c.de",   "a@-b.de",   "a@b-.de",
	                     "a@b..de",  "a@.b.de",   "a@b.de.",     "a<b>@c.de", "a@b_c.de",
	                     "a\t@b.de", "\"a\"@b.de"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ok(bad[i]))
			fail_msg("accepted '%s'", bad[i]);
	}
	char longlocal[80];
	memset(longlocal, 'a', 65);
	strcpy(longlocal + 65, "@b.de");
	assert_false(ok(longlocal));
	char toolong[120];
	memset(toolong, 'a', 60);
	toolong[60] = '@';
	memset(toolong + 61, 'b', 40);
	strcpy(toolong + 101, ".de");
	assert_false(ok(toolong));
	assert_false(email_valid("a@b.de\0x", 8));
	assert_false(ok("an\xc2\xa0na@x.de"));     /* U+00A0 inside */
	assert_false(ok("anna@x.de\xe2\x80\x8b")); /* U+200B at the end */
	/* 100 characters are fine even when they take 130 bytes; 101 are not. */
	char many[512];
	size_t n = 0;
	for (int i = 0; i < 30;
	     i++) /* 30 characters, 60 bytes: the local part's byte limit is 64 */
		n += (size_t)snprintf(many + n, sizeof(many) - n, "ä");
	n += (size_t)snprintf(many + n, sizeof(many) - n, "@");
	for (int i = 0; i < 59; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "b");
	snprintf(many + n, sizeof(many) - n, ".cdefgh.de"); /* 30 + 1 + 59 + 10 = 100 */
	assert_int_equal(strlen(many), 130);
	assert_true(ok(many));
	strcat(many, "e");
	assert_false(ok(many));
	assert_false(email_valid("\xff@b.de", 6));
}

/* Issue #16: what shows nothing or is no character is refused, so two addresses that look the
 * same are the same; IDN domains of letters stay valid, emoji domains do not. */
static void invisible_and_symbol_code_points_are_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
	    "uni\xe2\x80\xae"
	    "ed@x.de",                  /* U+202E right-to-left override */
	    "uni@x\xe2\x80\x8d.de",     /* U+200D zero-width joiner in the domain */
	    "uni\xf3\xa0\x81\x81@x.de", /* U+E0041 tag character */
	    "uni\xc2\xad@x.de",         /* U+00AD soft hyphen */
	    "uni\xef\xb8\x8f@x.de",     /* U+FE0F variation selector */
	    "uni\xee\x80\x80@x.de",     /* U+E000 private use */
	    "uni\xef\xbf\xbe@x.de",     /* U+FFFE noncharacter */
	    "uni@\xf0\x9f\x98\x80.de",  /* U+1F600 emoji domain */
	    "uni@\xe2\x98\x83.example", /* U+2603 snowman domain */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (ok(bad[i]))
			fail_msg("accepted: bad[%zu]", i);
	assert_true(ok("uni@ex\xc3\xa4mple.de"));       /* exämple.de: an IDN of letters */
	assert_true(ok("\xf0\x9f\x98\x80@example.de")); /* a symbol in the local part is fine */
}

static void norm_lowercases_ascii_only(void **state)
{
	(void)state;
	char out[64];
	assert_true(email_norm("Anna.Schmidt@Example.DE", 23, out, sizeof(out)));
	assert_string_equal(out, "anna.schmidt@example.de");
	assert_true(email_norm("MÜLLER@X.DE", strlen("MÜLLER@X.DE"), out, sizeof(out)));
	assert_string_equal(out, "müller@x.de");
	assert_true(email_norm("ŁUKASZ@Ż.PL", strlen("ŁUKASZ@Ż.PL"), out, sizeof(out)));
	assert_string_equal(out, "łukasz@ż.pl");
	assert_false(email_norm("abc", 3, out, 3));
	assert_false(email_norm("a\xff", 2, out, sizeof(out)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(valid_addresses),
	    cmocka_unit_test(invalid_addresses),
	    cmocka_unit_test(invisible_and_symbol_code_points_are_refused),
	    cmocka_unit_test(norm_lowercases_ascii_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
