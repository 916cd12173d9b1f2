/*
 * Unit tests for src/sync/mark.c: the lower bound of a periodic read on Aenderung, across
 * the October fold (src/sync/README.md "Reads"), and the shape check.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/time.h"
#include "sync/mark.h"

static void lower(const char *mark, int overlap, const char *want)
{
	char out[SYNC_MARK_MAX];
	sync_mark_lower(mark, overlap, out);
	if (strcmp(out, want) != 0)
		fail_msg("lower(%s, %d) = %s, want %s", mark, overlap, out, want);
}

static void shape(void **state)
{
	(void)state;
	assert_true(sync_mark_valid("2026-11-26 11:15:00"));
	assert_false(sync_mark_valid("2026-11-26T11:15:00"));
	assert_false(sync_mark_valid("2026-11-26 11:15"));
	assert_false(sync_mark_valid("2026-11-26 11:15:00 "));
	assert_false(sync_mark_valid(""));
	assert_false(sync_mark_valid(NULL));
}

static void plain_overlap(void **state)
{
	(void)state;
	lower("2026-11-26 11:15:00", 120, "2026-11-26 11:13:00");
	lower("2026-11-26 00:01:00", 120, "2026-11-25 23:59:00");
	lower("2026-01-01 00:00:30", 60, "2025-12-31 23:59:30");
	lower("2026-07-01 12:00:00", 0, "2026-07-01 12:00:00");
	/* far from the fold the rule changes nothing */
	lower("2026-06-15 02:30:00", 120, "2026-06-15 02:28:00");
	/* across the March gap (02:00-02:59 does not exist): 03:01 CEST - 2 min = 01:59 CET */
	lower("2026-03-29 03:01:00", 120, "2026-03-29 01:59:00");
}

static void october_fold(void **state)
{
	(void)state;
	/* before the repeated hour: a plain overlap */
	lower("2026-10-25 01:30:00", 120, "2026-10-25 01:28:00");
	/* in the repeated hour the bound reaches back to its start: a change at 02:10 CET
	 * (after 02:50 CEST) has the smaller text */
	lower("2026-10-25 02:50:00", 120, "2026-10-25 02:00:00");
	lower("2026-10-25 02:59:59", 120, "2026-10-25 02:00:00");
	lower("2026-10-25 02:01:00", 120, "2026-10-25 01:59:00");
	/* after the fold the overlap is measured in real time: 03:01 CET - 2 min = 02:59 CET,
	 * already after the jump, so no text below 02:59 can be new */
	lower("2026-10-25 03:01:00", 120, "2026-10-25 02:59:00");
	/* an hour-long overlap from 03:30 CET reaches back into the repeated hour */
	lower("2026-10-25 03:30:00", 3600, "2026-10-25 02:30:00");
	lower("2026-10-25 03:30:00", 7200, "2026-10-25 02:00:00");
	/* once the cursor is past 03:00 + overlap the fold is behind it */
	lower("2026-10-25 03:05:00", 120, "2026-10-25 03:03:00");
	/* 2025: the last Sunday of October is the 26th */
	lower("2025-10-26 02:30:00", 120, "2025-10-26 02:00:00");
	lower("2025-10-25 02:30:00", 120, "2025-10-25 02:28:00");
}

static void fold_end(void **state)
{
	(void)state;
	char t[TIME_RFC3339_MAX];
	time_format_rfc3339(sync_fold_end_ms(2026), t, sizeof(t));
	assert_string_equal(t, "2026-10-25T01:00:00Z");
	time_format_rfc3339(sync_fold_end_ms(2025), t, sizeof(t));
	assert_string_equal(t, "2025-10-26T01:00:00Z");
	time_format_rfc3339(sync_fold_end_ms(2027), t, sizeof(t));
	assert_string_equal(t, "2027-10-31T01:00:00Z");
}

static void odd_marks(void **state)
{
	(void)state;
	lower("garbage", 120, SYNC_MARK_ZERO);
	lower("0000-00-00 00:00:00", 120, SYNC_MARK_ZERO);
	/* a text in the March gap is read as its earliest possible instant */
	lower("2026-03-29 02:30:00", 0, "2026-03-29 01:30:00");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(shape),        cmocka_unit_test(plain_overlap),
	    cmocka_unit_test(october_fold), cmocka_unit_test(fold_end),
	    cmocka_unit_test(odd_marks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
