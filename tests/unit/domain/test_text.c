/* Unit tests for src/domain/text.c: decoding code points and the locale-free fold. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "domain/text.h"

static void decodes_each_length_and_refuses_malformed(void **state)
{
	(void)state;
	const char *s = "a\xC3\xA4\xE2\x80\x93\xF0\x9F\x98\x80";
	size_t len = strlen(s), i = 0;
	assert_int_equal(text_next_cp(s, len, &i), 'a');
	assert_int_equal(text_next_cp(s, len, &i), 0xE4);
	assert_int_equal(text_next_cp(s, len, &i), 0x2013);
	assert_int_equal(text_next_cp(s, len, &i), 0x1F600);
	assert_int_equal(i, len);
	assert_int_equal(text_next_cp(s, len, &i), -1); /* at the end */
	static const char *const bad[] = {
	    "\x80",             /* continuation byte */
	    "\xC0\xAF",         /* overlong */
	    "\xC3",             /* truncated */
	    "\xC3\x28",         /* bad continuation */
	    "\xED\xA0\x80",     /* surrogate */
	    "\xF4\x90\x80\x80", /* above U+10FFFF */
	    "\xE0\x80\xAF",     /* overlong three bytes */
	    "\xFF",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		i = 0;
		assert_int_equal(text_next_cp(bad[k], strlen(bad[k]), &i), -1);
		assert_int_equal(i, 0);
	}
	/* A length shorter than the string stops the decoder inside a sequence. */
	i = 0;
	assert_int_equal(text_next_cp("\xC3\xA4", 1, &i), -1);
}

static void folds_ascii_latin1_and_extended_a(void **state)
{
	(void)state;
	assert_int_equal(text_fold_cp('A'), 'a');
	assert_int_equal(text_fold_cp('z'), 'z');
	assert_int_equal(text_fold_cp(0xC4), 0xE4);   /* Ä */
	assert_int_equal(text_fold_cp(0xD6), 0xF6);   /* Ö */
	assert_int_equal(text_fold_cp(0xDC), 0xFC);   /* Ü */
	assert_int_equal(text_fold_cp(0xD7), 0xD7);   /* × has no case */
	assert_int_equal(text_fold_cp(0xDF), 0xDF);   /* ß stays */
	assert_int_equal(text_fold_cp(0x141), 0x142); /* Ł */
	assert_int_equal(text_fold_cp(0x160), 0x161); /* Š */
	assert_int_equal(text_fold_cp(0x139), 0x13A); /* Ĺ (odd upper case) */
	assert_int_equal(text_fold_cp(0x17D), 0x17E); /* Ž */
	assert_int_equal(text_fold_cp(0x178), 0xFF);  /* Ÿ */
	assert_int_equal(text_fold_cp(0x131), 0x131); /* dotless ı has no simple pair */
	assert_int_equal(text_fold_cp(0x391), 0x391); /* Greek is left alone */
}

static void fold_equal_and_fold(void **state)
{
	(void)state;
	assert_true(text_fold_equal("ÖSTERREICH", strlen("ÖSTERREICH"), "Österreich",
	                            strlen("Österreich")));
	assert_true(text_fold_equal("", 0, "", 0));
	assert_false(text_fold_equal("Oesterreich", 11, "Österreich", strlen("Österreich")));
	assert_false(text_fold_equal("ab", 2, "abc", 3));
	assert_false(text_fold_equal("\xC3\x28", 2, "\xC3\x28", 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(decodes_each_length_and_refuses_malformed),
	    cmocka_unit_test(folds_ascii_latin1_and_extended_a),
	    cmocka_unit_test(fold_equal_and_fold),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
