/* Unit tests for src/core/log.c: logfmt quoting, context, truncation, one write per line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/log.h"

static char line[LOG_LINE_MAX];

static void plain_values_are_bare(void **state)
{
	(void)state;
	const struct log_field f[] = {LS("path", "/healthz"), LI("status", 200), LB("ok", 1),
	                              LD("ms", 1.5)};
	log_format(line, sizeof(line), LOG_INFO, "http.request", f, 4, false);
	assert_string_equal(
	    line, "level=info event=http.request path=/healthz status=200 ok=true ms=1.500\n");
}

static void values_with_specials_are_quoted_and_escaped(void **state)
{
	(void)state;
	const struct log_field f[] = {LS("msg", "a b"), LS("q", "say \"hi\""), LS("nl", "x\ny"),
	                              LS("eq", "k=v"),  LS("empty", ""),       LS("null", NULL),
	                              LS("bs", "a\\b"), LS("ctl", "\x01")};
	log_format(line, sizeof(line), LOG_WARN, "e", f, 8, false);
	assert_string_equal(line,
	                    "level=warn event=e msg=\"a b\" q=\"say \\\"hi\\\"\" nl=\"x\\ny\" "
	                    "eq=\"k=v\" empty=\"\" null=\"\" bs=\"a\\\\b\" ctl=\"\\x01\"\n");
}

static void context_is_added_per_thread(void **state)
{
	(void)state;
	log_set_context("req", "abc123");
	log_format(line, sizeof(line), LOG_ERROR, "x", NULL, 0, false);
	assert_string_equal(line, "level=error event=x req=abc123\n");
	log_clear_context();
	log_format(line, sizeof(line), LOG_ERROR, "x", NULL, 0, false);
	assert_string_equal(line, "level=error event=x\n");
}

static void *other_thread(void *arg)
{
	char *out = arg;
	log_format(out, LOG_LINE_MAX, LOG_INFO, "t", NULL, 0, false);
	return NULL;
}

static void context_does_not_leak_to_other_threads(void **state)
{
	(void)state;
	static char other[LOG_LINE_MAX];
	log_set_context("job", "j-1");
	pthread_t t;
	pthread_create(&t, NULL, other_thread, other);
	pthread_join(t, NULL);
	assert_string_equal(other, "level=info event=t\n");
	log_clear_context();
}

static void long_lines_are_truncated_and_marked(void **state)
{
	(void)state;
	static char big[10000];
	memset(big, 'x', sizeof(big) - 1);
	const struct log_field f[] = {LS("big", big)};
	size_t n = log_format(line, sizeof(line), LOG_INFO, "e", f, 1, false);
	assert_true(n < sizeof(line));
	assert_int_equal(strlen(line), n);
	assert_non_null(strstr(line, " truncated=true\n"));
	assert_int_equal(line[n - 1], '\n');
}

static void truncation_keeps_utf8_whole(void **state)
{
	(void)state;
	static char big[10000];
	size_t i = 0;
	while (i + 2 < sizeof(big) - 1) {
		memcpy(big + i, "ä", 2);
		i += 2;
	}
	big[i] = '\0';
	const struct log_field f[] = {LS("u", big)};
	log_format(line, sizeof(line), LOG_INFO, "e", f, 1, false);
	char *end = strstr(line, " truncated=true");
	assert_non_null(end);
	/* The byte before the marker must not be a lone lead byte of 'ä' (0xC3). */
	assert_int_not_equal((unsigned char)end[-1], 0xC3);
}

static void levels_filter_and_parse(void **state)
{
	(void)state;
	enum log_level l;
	assert_int_equal(log_parse_level("warn", &l), 0);
	assert_int_equal(l, LOG_WARN);
	assert_int_not_equal(log_parse_level("loud", &l), 0);
	log_set_level(LOG_WARN);
	assert_false(log_enabled(LOG_INFO));
	assert_true(log_enabled(LOG_ERROR));
	char why[100];
	assert_false(log_check_level("verbose", why, sizeof(why)));
	assert_non_null(strstr(why, "verbose"));
	log_set_level(LOG_INFO);
}

static void emit_writes_whole_lines_to_fd(void **state)
{
	(void)state;
	int fds[2];
	assert_int_equal(pipe(fds), 0);
	log_set_fd(fds[1]);
	LOG(LOG_INFO, "one", LI("n", 1));
	LOG0(LOG_DEBUG, "dropped");
	LOG0(LOG_ERROR, "two");
	log_set_fd(2);
	close(fds[1]);
	char got[1024] = "";
	ssize_t n = read(fds[0], got, sizeof(got) - 1);
	close(fds[0]);
	assert_true(n > 0);
	got[n] = '\0';
	assert_non_null(strstr(got, "level=info event=one n=1\n"));
	assert_null(strstr(got, "dropped"));
	assert_non_null(strstr(got, "level=error event=two\n"));
	assert_memory_equal(got, "ts=", 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(plain_values_are_bare),
	    cmocka_unit_test(values_with_specials_are_quoted_and_escaped),
	    cmocka_unit_test(context_is_added_per_thread),
	    cmocka_unit_test(context_does_not_leak_to_other_threads),
	    cmocka_unit_test(long_lines_are_truncated_and_marked),
	    cmocka_unit_test(truncation_keeps_utf8_whole),
	    cmocka_unit_test(levels_filter_and_parse),
	    cmocka_unit_test(emit_writes_whole_lines_to_fd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
