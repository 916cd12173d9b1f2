/* Unit tests for src/core/time.c: civil arithmetic, RFC 3339, Europe/Berlin, German formats. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/err.h"
#include "core/time.h"

#define HOUR_MS INT64_C(3600000)
#define DAY_MS  INT64_C(86400000)

/* Instants used below (checked against Python's datetime). */
#define T_2026_11_26_101500Z INT64_C(1795688100000)
#define T_2026_03_29_010000Z INT64_C(1774746000000)
#define T_2026_10_25_010000Z INT64_C(1792890000000)
#define T_2026_01_01Z        INT64_C(1767225600000)
#define T_2028_01_01Z        INT64_C(1830297600000)
#define T_YEAR_0Z            INT64_C(-62167219200000)
#define T_YEAR_9999_LAST     INT64_C(253402300799999)

static void assert_civil(const struct civil *c, int year, int month, int day, int hour, int min,
                         int sec, int ms)
{
	assert_int_equal(c->year, year);
	assert_int_equal(c->month, month);
	assert_int_equal(c->day, day);
	assert_int_equal(c->hour, hour);
	assert_int_equal(c->min, min);
	assert_int_equal(c->sec, sec);
	assert_int_equal(c->ms, ms);
}

/* Parses a copy of s[0..len) held in a buffer of exactly len bytes, so that ASan reports
 * any read past the end; the parsers must never rely on a terminator. */
static int parse3339(const char *s, size_t len, int64_t *out, struct err *e)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, s, len);
	int rc = time_parse_rfc3339(copy, len, out, e);
	free(copy);
	return rc;
}

static int parse_oo(const char *s, size_t len, int fold, int64_t *out, struct err *e)
{
	char *copy = malloc(len ? len : 1);
	assert_non_null(copy);
	memcpy(copy, s, len);
	int rc = time_parse_onoffice(copy, len, fold, out, e);
	free(copy);
	return rc;
}

/* The instant of a valid NUL-terminated RFC 3339 string; fails the test otherwise. */
static int64_t at(const char *s)
{
	int64_t ms = 0;
	struct err e = ERR_INIT;
	int rc = parse3339(s, strlen(s), &ms, &e);
	if (rc)
		fail_msg("%s: %s", s, e.message);
	return ms;
}

static void clocks_read_plausible_values(void **state)
{
	(void)state;
	int64_t now = time_now_ms();
	assert_true(now > INT64_C(1704067200000)); /* after 2024-01-01 */
	int64_t diff = now - (int64_t)time(NULL) * 1000;
	assert_true(diff > -2000 && diff < 2000);
	int64_t a = time_mono_ms();
	int64_t b = time_mono_ms();
	assert_true(a > 0);
	assert_true(b >= a);
}

static void leap_years_and_month_lengths(void **state)
{
	(void)state;
	assert_true(time_is_leap_year(2000));
	assert_true(time_is_leap_year(2024));
	assert_true(time_is_leap_year(0));
	assert_true(time_is_leap_year(-4));
	assert_false(time_is_leap_year(1900));
	assert_false(time_is_leap_year(2023));
	assert_false(time_is_leap_year(2100));
	assert_false(time_is_leap_year(-100));
	assert_int_equal(time_days_in_month(2024, 2), 29);
	assert_int_equal(time_days_in_month(2023, 2), 28);
	assert_int_equal(time_days_in_month(1900, 2), 28);
	assert_int_equal(time_days_in_month(2000, 2), 29);
	assert_int_equal(time_days_in_month(2026, 4), 30);
	assert_int_equal(time_days_in_month(2026, 12), 31);
	assert_int_equal(time_days_in_month(2026, 0), 0);
	assert_int_equal(time_days_in_month(2026, 13), 0);
}

static void civil_utc_known_instants(void **state)
{
	(void)state;
	struct civil c;
	time_to_civil_utc(0, &c);
	assert_civil(&c, 1970, 1, 1, 0, 0, 0, 0);
	time_to_civil_utc(-1, &c);
	assert_civil(&c, 1969, 12, 31, 23, 59, 59, 999);
	time_to_civil_utc(T_2026_11_26_101500Z + 7, &c);
	assert_civil(&c, 2026, 11, 26, 10, 15, 0, 7);
	time_to_civil_utc(INT64_C(951825600000), &c);
	assert_civil(&c, 2000, 2, 29, 12, 0, 0, 0);
	time_to_civil_utc(T_YEAR_0Z, &c);
	assert_civil(&c, 0, 1, 1, 0, 0, 0, 0);
	time_to_civil_utc(T_YEAR_0Z - 1, &c);
	assert_civil(&c, -1, 12, 31, 23, 59, 59, 999);
	time_to_civil_utc(T_YEAR_9999_LAST, &c);
	assert_civil(&c, 9999, 12, 31, 23, 59, 59, 999);
	time_to_civil_utc(INT64_MIN, &c);
	assert_civil(&c, -292275055, 5, 16, 16, 47, 4, 192);
	time_to_civil_utc(INT64_MAX, &c);
	assert_civil(&c, 292278994, 8, 17, 7, 12, 55, 807);

	assert_int_equal(time_from_civil_utc(&(struct civil){1970, 1, 1, 0, 0, 0, 0}), 0);
	assert_int_equal(time_from_civil_utc(&(struct civil){2026, 11, 26, 10, 15, 0, 0}),
	                 T_2026_11_26_101500Z);
	assert_int_equal(time_from_civil_utc(&(struct civil){0, 1, 1, 0, 0, 0, 0}), T_YEAR_0Z);
	assert_int_equal(time_from_civil_utc(&(struct civil){1969, 12, 31, 23, 59, 59, 999}), -1);
}

static void civil_utc_carries_and_saturates(void **state)
{
	(void)state;
	int64_t jan1 = time_from_civil_utc(&(struct civil){2027, 1, 1, 0, 0, 0, 0});
	assert_int_equal(time_from_civil_utc(&(struct civil){2026, 13, 1, 0, 0, 0, 0}), jan1);
	assert_int_equal(time_from_civil_utc(&(struct civil){2027, 1, 0, 24, 0, 0, 0}), jan1);
	assert_int_equal(time_from_civil_utc(&(struct civil){2027, 1, 1, 0, -1, 0, 0}),
	                 jan1 - 60000);
	assert_int_equal(time_from_civil_utc(&(struct civil){2027, 0, 1, 0, 0, 0, 0}),
	                 jan1 - 31 * DAY_MS);
	assert_int_equal(time_from_civil_utc(&(struct civil){2026, -11, 1, 0, 0, 0, 0}),
	                 time_from_civil_utc(&(struct civil){2025, 1, 1, 0, 0, 0, 0}));
	assert_int_equal(time_from_civil_utc(&(struct civil){INT_MAX, 12, 31, 23, 59, 59, 999}),
	                 INT64_MAX);
	assert_int_equal(time_from_civil_utc(&(struct civil){INT_MIN, 1, 1, 0, 0, 0, 0}),
	                 INT64_MIN);
	assert_int_equal(time_from_civil_utc(&(struct civil){INT_MAX, INT_MAX, INT_MAX, INT_MAX,
	                                                     INT_MAX, INT_MAX, INT_MAX}),
	                 INT64_MAX);
	assert_int_equal(time_from_civil_utc(&(struct civil){292278994, 8, 17, 7, 12, 55, 808}),
	                 INT64_MAX);
	assert_int_equal(time_from_civil_utc(&(struct civil){-292275055, 5, 16, 16, 47, 4, 191}),
	                 INT64_MIN);
}

static void civil_utc_round_trips_over_wide_range(void **state)
{
	(void)state;
	struct civil c;
	/* Odd stride through ±100,000 years, so every field takes many values. */
	const int64_t span = INT64_C(3155760000000000);
	for (int64_t ms = -span; ms <= span; ms += INT64_C(987654321987)) {
		time_to_civil_utc(ms, &c);
		assert_int_equal(time_from_civil_utc(&c), ms);
		assert_true(c.month >= 1 && c.month <= 12 && c.hour >= 0 && c.hour <= 23);
		assert_true(c.day >= 1 && c.day <= time_days_in_month(c.year, c.month));
	}
	const int64_t edges[] = {INT64_MIN, INT64_MIN + 1, INT64_MIN + 999,  -DAY_MS - 1, -1, 0,
	                         1,         DAY_MS - 1,    INT64_MAX - 1000, INT64_MAX};
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		time_to_civil_utc(edges[i], &c);
		assert_int_equal(time_from_civil_utc(&c), edges[i]);
	}
}

static void civil_utc_days_follow_the_calendar(void **state)
{
	(void)state;
	/* Walk day by day from 1600 to 2400 next to a naive calendar counter. */
	struct civil want = {1600, 1, 1, 12, 0, 0, 0}, got;
	int64_t ms = time_from_civil_utc(&want);
	while (want.year < 2400) {
		time_to_civil_utc(ms, &got);
		assert_civil(&got, want.year, want.month, want.day, 12, 0, 0, 0);
		ms += DAY_MS;
		if (++want.day > time_days_in_month(want.year, want.month)) {
			want.day = 1;
			if (++want.month > 12) {
				want.month = 1;
				want.year++;
			}
		}
	}
	assert_int_equal(ms, time_from_civil_utc(&(struct civil){2400, 1, 1, 12, 0, 0, 0}));
}

static void rfc3339_accepts_valid_forms(void **state)
{
	(void)state;
	assert_int_equal(at("2026-11-26T10:15:00Z"), T_2026_11_26_101500Z);
	assert_int_equal(at("2026-11-26t10:15:00z"), T_2026_11_26_101500Z);
	assert_int_equal(at("2026-11-26T10:15:00.1Z"), T_2026_11_26_101500Z + 100);
	assert_int_equal(at("2026-11-26T10:15:00.123Z"), T_2026_11_26_101500Z + 123);
	assert_int_equal(at("2026-11-26T10:15:00.123456789Z"), T_2026_11_26_101500Z + 123);
	assert_int_equal(at("2026-11-26T10:15:00.999999999Z"), T_2026_11_26_101500Z + 999);
	assert_int_equal(at("2026-11-26T10:15:00.05Z"), T_2026_11_26_101500Z + 50);
	assert_int_equal(at("2024-02-29T00:00:00Z"), INT64_C(1709164800000));
	assert_int_equal(at("2000-02-29T12:00:00Z"), INT64_C(951825600000));
	assert_int_equal(at("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(at("1969-12-31T23:59:59.999Z"), -1);
	assert_int_equal(at("0000-01-01T00:00:00Z"), T_YEAR_0Z);
	assert_int_equal(at("9999-12-31T23:59:59.999Z"), T_YEAR_9999_LAST);
}

static void rfc3339_applies_offsets(void **state)
{
	(void)state;
	const int64_t t = T_2026_11_26_101500Z;
	assert_int_equal(at("2026-11-26T15:45:00+05:30"), t);
	assert_int_equal(at("2026-11-26T02:15:00-08:00"), t);
	assert_int_equal(at("2026-11-26T10:15:00-00:00"), t);
	assert_int_equal(at("2026-11-26T10:15:00+00:00"), t);
	assert_int_equal(at("2026-11-26T11:15:00.250+01:00"), t + 250);
	assert_int_equal(at("2026-01-01T00:30:00+01:00"), INT64_C(1767223800000)); /* 2025 UTC */
	assert_int_equal(at("2026-11-27T10:14:00+23:59"), t);
	assert_int_equal(at("2026-11-25T10:16:00-23:59"), t);
	assert_int_equal(at("0000-01-01T00:00:00+01:00"), T_YEAR_0Z - HOUR_MS);
	assert_int_equal(at("9999-12-31T23:59:59-01:00"),
	                 T_YEAR_9999_LAST + 1 + 59 * 60000 + 59000);
}

struct bad_input {
	const char *s;
	size_t len;
	const char *message;
};

#define BAD(lit, msg)                     \
	{                                 \
		lit, sizeof(lit) - 1, msg \
	}

static void rfc3339_refuses_invalid_input(void **state)
{
	(void)state;
	static const struct bad_input cases[] = {
	    BAD("", "empty timestamp"),
	    BAD("2026-01-01", "too short: expected YYYY-MM-DDTHH:MM:SS"),
	    BAD("2026-01-01T00:00:0", "too short: expected YYYY-MM-DDTHH:MM:SS"),
	    BAD("2023-02-29T00:00:00Z", "day out of range (2023-02 has 28 days)"),
	    BAD("1900-02-29T00:00:00Z", "day out of range (1900-02 has 28 days)"),
	    BAD("2026-04-31T00:00:00Z", "day out of range (2026-04 has 30 days)"),
	    BAD("2026-01-00T00:00:00Z", "day out of range (2026-01 has 31 days)"),
	    BAD("2026-13-01T00:00:00Z", "month out of range"),
	    BAD("2026-00-01T00:00:00Z", "month out of range"),
	    BAD("2026-01-01T24:00:00Z", "hour out of range"),
	    BAD("2026-01-01T23:60:00Z", "minute out of range"),
	    BAD("2016-12-31T23:59:60Z", "second out of range (leap seconds are not accepted)"),
	    BAD("2026-01-01T00:00:00", "missing time zone offset (Z or ±HH:MM)"),
	    BAD("2026-01-01T00:00:00.5", "missing time zone offset (Z or ±HH:MM)"),
	    BAD("2026-01-01T00:00:00+0100", "expected ':' at offset 22"),
	    BAD("2026-01-01T00:00:00+01", "too short: expected a time zone offset ±HH:MM"),
	    BAD("2026-01-01T00:00:00+", "too short: expected a time zone offset ±HH:MM"),
	    BAD("2026-01-01T00:00:00+24:00", "offset hours out of range"),
	    BAD("2026-01-01T00:00:00+01:60", "offset minutes out of range"),
	    BAD("2026-01-01T00:00:00+01:0a",
	        "expected a digit of the time zone offset at offset 24"),
	    BAD("2026-01-01T00:00:00Zx", "trailing bytes after the time zone offset"),
	    BAD("2026-01-01T00:00:00Z ", "trailing bytes after the time zone offset"),
	    BAD("2026-01-01T00:00:00+01:00:00", "trailing bytes after the time zone offset"),
	    BAD("2026-01-01T00:00:00Z\0", "trailing bytes after the time zone offset"),
	    BAD("2026-01-01\0T00:00:00Z", "NUL byte at offset 10"),
	    BAD("2026-01-01T00:00:00\0Z", "expected Z or ±HH:MM at offset 19"),
	    BAD("2026-01-01T00:00:00.1234567890Z", "fraction longer than 9 digits"),
	    BAD("2026-01-01T00:00:00.Z", "fraction without digits"),
	    BAD("2026-01-01T00:00:00,5Z", "expected Z or ±HH:MM at offset 19"),
	    BAD("2026-01-01T00:00:00 Z", "expected Z or ±HH:MM at offset 19"),
	    BAD("2026-01-01 00:00:00Z", "expected 'T' at offset 10"),
	    BAD("2026/01/01T00:00:00Z", "expected '-' at offset 4"),
	    BAD("2026-0a-01T00:00:00Z", "expected a digit of the month at offset 6"),
	    BAD("2026-1-01T00:00:00Z", "expected a digit of the month at offset 6"),
	    BAD("+2026-01-01T00:00:00Z", "expected a digit of the year at offset 0"),
	    BAD("2026-01-01T0x:00:00Z", "expected a digit of the hour at offset 12"),
	    BAD("2026-01-01T00:00:x0Z", "expected a digit of the second at offset 17"),
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = ERR_INIT;
		int64_t out = 42;
		int rc = parse3339(cases[i].s, cases[i].len, &out, &e);
		if (rc != ERR_INVALID_ARG || strcmp(e.message, cases[i].message) != 0)
			fail_msg("case %zu: rc %d, message \"%s\", want \"%s\"", i, rc, e.message,
			         cases[i].message);
		assert_int_equal(e.code, ERR_INVALID_ARG);
		assert_int_equal(out, 42);
		assert_int_equal(parse3339(cases[i].s, cases[i].len, &out, NULL), ERR_INVALID_ARG);
	}
}

static void rfc3339_reads_only_len_bytes(void **state)
{
	(void)state;
	const char *s = "2026-11-26T10:15:00Z trailing";
	int64_t out = 0;
	assert_int_equal(time_parse_rfc3339(s, 20, &out, NULL), 0);
	assert_int_equal(out, T_2026_11_26_101500Z);
	struct err e = ERR_INIT;
	assert_int_equal(time_parse_rfc3339(s, 19, &out, &e), ERR_INVALID_ARG);
	assert_string_equal(e.message, "missing time zone offset (Z or ±HH:MM)");
	/* Every prefix of a valid stamp is refused, each in an exact-size buffer. */
	const char *full = "2026-11-26T10:15:00.123+01:00";
	for (size_t n = 0; n < strlen(full); n++)
		assert_int_equal(parse3339(full, n, &out, NULL), ERR_INVALID_ARG);
	assert_int_equal(parse3339(full, strlen(full), &out, NULL), 0);
}

static void rfc3339_formats_utc(void **state)
{
	(void)state;
	char buf[TIME_RFC3339_MAX];
	assert_int_equal(time_format_rfc3339(T_2026_11_26_101500Z, buf, sizeof(buf)), 20);
	assert_string_equal(buf, "2026-11-26T10:15:00Z");
	assert_int_equal(time_format_rfc3339(T_2026_11_26_101500Z + 123, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "2026-11-26T10:15:00.123Z");
	time_format_rfc3339(T_2026_11_26_101500Z + 120, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T10:15:00.120Z");
	time_format_rfc3339(T_2026_11_26_101500Z + 1, buf, sizeof(buf));
	assert_string_equal(buf, "2026-11-26T10:15:00.001Z");
	time_format_rfc3339(0, buf, sizeof(buf));
	assert_string_equal(buf, "1970-01-01T00:00:00Z");
	time_format_rfc3339(-1, buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
	time_format_rfc3339(T_YEAR_0Z, buf, sizeof(buf));
	assert_string_equal(buf, "0000-01-01T00:00:00Z");
	time_format_rfc3339(T_YEAR_9999_LAST, buf, sizeof(buf));
	assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
}

static void rfc3339_format_refuses_small_buffers_and_far_years(void **state)
{
	(void)state;
	char buf[TIME_RFC3339_MAX];
	assert_int_equal(time_format_rfc3339(0, buf, 21), 20);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(time_format_rfc3339(0, buf, 20), 0);
	assert_string_equal(buf, "");
	assert_int_equal(time_format_rfc3339(1, buf, 24), 0);
	assert_string_equal(buf, "");
	buf[0] = 'x';
	assert_int_equal(time_format_rfc3339(0, buf, 0), 0);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(time_format_rfc3339(0, NULL, 0), 0);
	assert_int_equal(time_format_rfc3339(T_YEAR_0Z - 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(time_format_rfc3339(T_YEAR_9999_LAST + 1, buf, sizeof(buf)), 0);
	assert_int_equal(time_format_rfc3339(INT64_MIN, buf, sizeof(buf)), 0);
	assert_int_equal(time_format_rfc3339(INT64_MAX, buf, sizeof(buf)), 0);
}

static void rfc3339_round_trips(void **state)
{
	(void)state;
	char buf[TIME_RFC3339_MAX];
	for (int64_t ms = T_YEAR_0Z; ms <= T_YEAR_9999_LAST; ms += INT64_C(12345678901)) {
		size_t n = time_format_rfc3339(ms, buf, sizeof(buf));
		assert_true(n == 20 || n == 24);
		int64_t back = 0;
		assert_int_equal(parse3339(buf, n, &back, NULL), 0);
		assert_int_equal(back, ms);
	}
	int64_t back = 0;
	assert_int_equal(parse3339("9999-12-31T23:59:59.999Z", 24, &back, NULL), 0);
	assert_int_equal(time_format_rfc3339(back, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
}

static void berlin_spring_forward_2026(void **state)
{
	(void)state;
	struct civil c;
	const int64_t t = T_2026_03_29_010000Z;
	assert_int_equal(at("2026-03-29T00:59:59Z"), t - 1000);
	assert_int_equal(time_berlin_offset_s(t - 1), 3600);
	assert_int_equal(time_berlin_offset_s(t), 7200);
	time_to_civil_berlin(t - 1000, &c);
	assert_civil(&c, 2026, 3, 29, 1, 59, 59, 0);
	time_to_civil_berlin(t, &c);
	assert_civil(&c, 2026, 3, 29, 3, 0, 0, 0);
	/* The Sunday before and the Monday after are plain CET and CEST days. */
	assert_int_equal(time_berlin_offset_s(t - 7 * DAY_MS), 3600);
	assert_int_equal(time_berlin_offset_s(t + DAY_MS), 7200);

	int64_t out = 0;
	assert_int_equal(
	    time_from_civil_berlin(&(struct civil){2026, 3, 29, 1, 59, 59, 999}, 0, &out, NULL), 0);
	assert_int_equal(out, t - 1);
	assert_int_equal(
	    time_from_civil_berlin(&(struct civil){2026, 3, 29, 3, 0, 0, 0}, 1, &out, NULL), 0);
	assert_int_equal(out, t);
}

static void berlin_gap_is_refused(void **state)
{
	(void)state;
	int64_t out = 42;
	for (int fold = 0; fold <= 1; fold++) {
		struct err e = ERR_INIT;
		assert_int_equal(time_from_civil_berlin(&(struct civil){2026, 3, 29, 2, 30, 0, 0},
		                                        fold, &out, &e),
		                 ERR_INVALID_ARG);
		assert_string_equal(
		    e.message, "2026-03-29 02:30:00 does not exist in Europe/Berlin (DST gap)");
	}
	assert_int_equal(
	    time_from_civil_berlin(&(struct civil){2026, 3, 29, 2, 0, 0, 0}, 0, &out, NULL),
	    ERR_INVALID_ARG);
	assert_int_equal(
	    time_from_civil_berlin(&(struct civil){2026, 3, 29, 2, 59, 59, 999}, 0, &out, NULL),
	    ERR_INVALID_ARG);
	assert_int_equal(out, 42);
	struct err e = ERR_INIT;
	assert_int_equal(parse_oo("2026-03-29 02:30:00", 19, 0, &out, &e), ERR_INVALID_ARG);
	assert_string_equal(e.message,
	                    "2026-03-29 02:30:00 does not exist in Europe/Berlin (DST gap)");
	assert_int_equal(out, 42);
}

static void berlin_fall_back_2026(void **state)
{
	(void)state;
	struct civil c;
	const int64_t t = T_2026_10_25_010000Z;
	assert_int_equal(at("2026-10-25T01:00:00Z"), t);
	assert_int_equal(time_berlin_offset_s(t - 1), 7200);
	assert_int_equal(time_berlin_offset_s(t), 3600);
	time_to_civil_berlin(t - 1000, &c);
	assert_civil(&c, 2026, 10, 25, 2, 59, 59, 0);
	time_to_civil_berlin(t, &c);
	assert_civil(&c, 2026, 10, 25, 2, 0, 0, 0);

	int64_t out = 0;
	const struct civil half_past_two = {2026, 10, 25, 2, 30, 0, 0};
	assert_int_equal(time_from_civil_berlin(&half_past_two, 0, &out, NULL), 0);
	assert_int_equal(out, at("2026-10-25T00:30:00Z"));
	assert_int_equal(time_from_civil_berlin(&half_past_two, 1, &out, NULL), 0);
	assert_int_equal(out, at("2026-10-25T01:30:00Z"));
	const struct civil two = {2026, 10, 25, 2, 0, 0, 0};
	assert_int_equal(time_from_civil_berlin(&two, 0, &out, NULL), 0);
	assert_int_equal(out, t - HOUR_MS);
	assert_int_equal(time_from_civil_berlin(&two, 1, &out, NULL), 0);
	assert_int_equal(out, t);
	/* Outside the repeated hour fold changes nothing. */
	const struct civil before = {2026, 10, 25, 1, 59, 59, 999},
	                   after = {2026, 10, 25, 3, 0, 0, 0};
	for (int fold = 0; fold <= 1; fold++) {
		assert_int_equal(time_from_civil_berlin(&before, fold, &out, NULL), 0);
		assert_int_equal(out, t - HOUR_MS - 1);
		assert_int_equal(time_from_civil_berlin(&after, fold, &out, NULL), 0);
		assert_int_equal(out, t + HOUR_MS);
	}
}

static void berlin_winter_summer_and_year_2000(void **state)
{
	(void)state;
	struct civil c;
	time_to_civil_berlin(at("2026-01-15T12:00:00Z"), &c);
	assert_civil(&c, 2026, 1, 15, 13, 0, 0, 0);
	time_to_civil_berlin(at("2026-07-15T12:00:00.5Z"), &c);
	assert_civil(&c, 2026, 7, 15, 14, 0, 0, 500);
	time_to_civil_berlin(at("2026-12-31T23:30:00Z"), &c);
	assert_civil(&c, 2027, 1, 1, 0, 30, 0, 0);
	time_to_civil_berlin(at("2000-01-15T12:00:00Z"), &c);
	assert_civil(&c, 2000, 1, 15, 13, 0, 0, 0);
	time_to_civil_berlin(at("2000-07-15T12:00:00Z"), &c);
	assert_civil(&c, 2000, 7, 15, 14, 0, 0, 0);
	time_to_civil_berlin(at("2000-02-29T23:00:00Z"), &c);
	assert_civil(&c, 2000, 3, 1, 0, 0, 0, 0);
	/* 2000: CEST from 26 March 01:00Z to 29 October 01:00Z. */
	int64_t start = at("2000-03-26T01:00:00Z"), end = at("2000-10-29T01:00:00Z");
	assert_int_equal(time_berlin_offset_s(start - 1), 3600);
	assert_int_equal(time_berlin_offset_s(start), 7200);
	assert_int_equal(time_berlin_offset_s(end - 1), 7200);
	assert_int_equal(time_berlin_offset_s(end), 3600);
	int64_t out = 0;
	assert_int_equal(
	    time_from_civil_berlin(&(struct civil){2000, 7, 15, 14, 0, 0, 0}, 0, &out, NULL), 0);
	assert_int_equal(out, at("2000-07-15T12:00:00Z"));
}

static void berlin_offset_changes_four_times_in_2026_and_2027(void **state)
{
	(void)state;
	int64_t changes[8];
	int n = 0, prev = time_berlin_offset_s(T_2026_01_01Z);
	assert_int_equal(prev, 3600);
	for (int64_t t = T_2026_01_01Z; t < T_2028_01_01Z; t += HOUR_MS) {
		int off = time_berlin_offset_s(t);
		if (off != prev) {
			assert_true(n < 8);
			changes[n++] = t;
		}
		prev = off;
	}
	assert_int_equal(n, 4);
	assert_int_equal(changes[0], T_2026_03_29_010000Z);
	assert_int_equal(changes[1], T_2026_10_25_010000Z);
	assert_int_equal(changes[2], at("2027-03-28T01:00:00Z"));
	assert_int_equal(changes[3], at("2027-10-31T01:00:00Z"));
}

static void berlin_transitions_match_tzdata_1996_to_2040(void **state)
{
	(void)state;
	/* {year, day in March, day in October} of the switches at 01:00Z, from Python's zoneinfo.
	 */
	static const int table[][3] = {
	    {1996, 31, 27}, {1997, 30, 26}, {1998, 29, 25}, {1999, 28, 31}, {2000, 26, 29},
	    {2001, 25, 28}, {2002, 31, 27}, {2003, 30, 26}, {2004, 28, 31}, {2005, 27, 30},
	    {2006, 26, 29}, {2007, 25, 28}, {2008, 30, 26}, {2009, 29, 25}, {2010, 28, 31},
	    {2011, 27, 30}, {2012, 25, 28}, {2013, 31, 27}, {2014, 30, 26}, {2015, 29, 25},
	    {2016, 27, 30}, {2017, 26, 29}, {2018, 25, 28}, {2019, 31, 27}, {2020, 29, 25},
	    {2021, 28, 31}, {2022, 27, 30}, {2023, 26, 29}, {2024, 31, 27}, {2025, 30, 26},
	    {2026, 29, 25}, {2027, 28, 31}, {2028, 26, 29}, {2029, 25, 28}, {2030, 31, 27},
	    {2031, 30, 26}, {2032, 28, 31}, {2033, 27, 30}, {2034, 26, 29}, {2035, 25, 28},
	    {2036, 30, 26}, {2037, 29, 25}, {2038, 28, 31}, {2039, 27, 30}, {2040, 25, 28},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		int64_t on =
		    time_from_civil_utc(&(struct civil){table[i][0], 3, table[i][1], 1, 0, 0, 0});
		int64_t off =
		    time_from_civil_utc(&(struct civil){table[i][0], 10, table[i][2], 1, 0, 0, 0});
		assert_int_equal(time_berlin_offset_s(on - 1), 3600);
		assert_int_equal(time_berlin_offset_s(on), 7200);
		assert_int_equal(time_berlin_offset_s(off - 1), 7200);
		assert_int_equal(time_berlin_offset_s(off), 3600);
	}
}

static void berlin_local_round_trips_every_quarter_hour(void **state)
{
	(void)state;
	struct civil c;
	for (int64_t t = T_2026_01_01Z; t < T_2028_01_01Z; t += HOUR_MS / 4 + 7) {
		time_to_civil_berlin(t, &c);
		int fold = time_berlin_offset_s(t) == 3600 ? 1 : 0;
		int64_t back = 0;
		assert_int_equal(time_from_civil_berlin(&c, fold, &back, NULL), 0);
		assert_int_equal(back, t);
	}
	/* Extremes do not overflow. */
	time_to_civil_berlin(INT64_MAX, &c);
	assert_civil(&c, 292278994, 8, 17, 9, 12, 55, 807);
	time_to_civil_berlin(INT64_MIN, &c);
	assert_civil(&c, -292275055, 5, 16, 18, 47, 4, 192);
}

static void berlin_from_civil_refuses_invalid_fields(void **state)
{
	(void)state;
	static const struct {
		struct civil c;
		int fold;
		const char *message;
	} cases[] = {
	    {{2026, 5, 1, 12, 0, 0, 0}, 2, "fold must be 0 or 1"},
	    {{2026, 5, 1, 12, 0, 0, 0}, -1, "fold must be 0 or 1"},
	    {{10000, 1, 1, 0, 0, 0, 0}, 0, "year out of range (0000-9999)"},
	    {{-1, 1, 1, 0, 0, 0, 0}, 0, "year out of range (0000-9999)"},
	    {{2026, 13, 1, 0, 0, 0, 0}, 0, "month out of range"},
	    {{2026, 4, 31, 0, 0, 0, 0}, 0, "day out of range (2026-04 has 30 days)"},
	    {{2026, 2, 29, 0, 0, 0, 0}, 0, "day out of range (2026-02 has 28 days)"},
	    {{2026, 1, 1, 24, 0, 0, 0}, 0, "hour out of range"},
	    {{2026, 1, 1, 0, -1, 0, 0}, 0, "minute out of range"},
	    {{2026, 1, 1, 0, 0, 60, 0}, 0, "second out of range (leap seconds are not accepted)"},
	    {{2026, 1, 1, 0, 0, 0, 1000}, 0, "millisecond out of range"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = ERR_INIT;
		int64_t out = 42;
		assert_int_equal(time_from_civil_berlin(&cases[i].c, cases[i].fold, &out, &e),
		                 ERR_INVALID_ARG);
		assert_string_equal(e.message, cases[i].message);
		assert_int_equal(out, 42);
	}
	int64_t out = 0;
	assert_int_equal(
	    time_from_civil_berlin(&(struct civil){0, 1, 1, 0, 0, 0, 0}, 0, &out, NULL), 0);
	assert_int_equal(out, T_YEAR_0Z - HOUR_MS);
}

static void onoffice_formats_berlin_local(void **state)
{
	(void)state;
	char buf[TIME_ONOFFICE_MAX];
	assert_int_equal(time_format_onoffice(T_2026_11_26_101500Z, buf, sizeof(buf)), 19);
	assert_string_equal(buf, "2026-11-26 11:15:00");
	time_format_onoffice(at("2026-07-15T12:00:00.999Z"), buf, sizeof(buf));
	assert_string_equal(buf, "2026-07-15 14:00:00");
	time_format_onoffice(T_2026_10_25_010000Z - 1, buf, sizeof(buf));
	assert_string_equal(buf, "2026-10-25 02:59:59");
	time_format_onoffice(at("1969-12-31T22:59:59.999Z"), buf, sizeof(buf));
	assert_string_equal(buf, "1969-12-31 23:59:59");
	assert_int_equal(time_format_onoffice(0, buf, 20), 19);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(time_format_onoffice(0, buf, 19), 0);
	assert_string_equal(buf, "");
	assert_int_equal(time_format_onoffice(T_YEAR_0Z - HOUR_MS - 1, buf, sizeof(buf)), 0);
	assert_int_equal(time_format_onoffice(T_YEAR_0Z - HOUR_MS, buf, sizeof(buf)), 19);
	assert_string_equal(buf, "0000-01-01 00:00:00");
	assert_int_equal(time_format_onoffice(INT64_MAX, buf, sizeof(buf)), 0);
}

static void onoffice_parses_berlin_local(void **state)
{
	(void)state;
	int64_t out = 0;
	assert_int_equal(parse_oo("2026-11-26 11:15:00", 19, 0, &out, NULL), 0);
	assert_int_equal(out, T_2026_11_26_101500Z);
	assert_int_equal(parse_oo("2026-07-15 14:00:00", 19, 1, &out, NULL), 0);
	assert_int_equal(out, at("2026-07-15T12:00:00Z"));
	assert_int_equal(parse_oo("2026-10-25 02:30:00", 19, 0, &out, NULL), 0);
	assert_int_equal(out, at("2026-10-25T00:30:00Z"));
	assert_int_equal(parse_oo("2026-10-25 02:30:00", 19, 1, &out, NULL), 0);
	assert_int_equal(out, at("2026-10-25T01:30:00Z"));

	static const struct bad_input cases[] = {
	    BAD("", "empty timestamp"),
	    BAD("2026-11-26", "too short: expected YYYY-MM-DD HH:MM:SS"),
	    BAD("2026-11-26T11:15:00", "expected ' ' at offset 10"),
	    BAD("2026-11-26 11:15:00Z", "trailing bytes after the time"),
	    BAD("2026-11-26 11:15:00.000", "trailing bytes after the time"),
	    BAD("0000-00-00 00:00:00", "month out of range"),
	    BAD("2026-02-29 00:00:00", "day out of range (2026-02 has 28 days)"),
	    BAD("2026-11-26 24:00:00", "hour out of range"),
	    BAD("2026-11-26 11:15:60", "second out of range (leap seconds are not accepted)"),
	    BAD("2026-11-26 11:1\0:00", "NUL byte at offset 15"),
	    BAD("2026-11-26 11:15:0a", "expected a digit of the second at offset 18"),
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct err e = ERR_INIT;
		out = 42;
		int rc = parse_oo(cases[i].s, cases[i].len, 0, &out, &e);
		if (rc != ERR_INVALID_ARG || strcmp(e.message, cases[i].message) != 0)
			fail_msg("case %zu: rc %d, message \"%s\", want \"%s\"", i, rc, e.message,
			         cases[i].message);
		assert_int_equal(out, 42);
	}
	struct err e = ERR_INIT;
	assert_int_equal(parse_oo("2026-11-26 11:15:00", 19, 2, &out, &e), ERR_INVALID_ARG);
	assert_string_equal(e.message, "fold must be 0 or 1");
}

static void onoffice_round_trips(void **state)
{
	(void)state;
	char buf[TIME_ONOFFICE_MAX];
	for (int64_t t = T_2026_01_01Z; t < T_2028_01_01Z; t += 7 * HOUR_MS + 13000) {
		size_t n = time_format_onoffice(t, buf, sizeof(buf));
		assert_int_equal(n, 19);
		int fold = time_berlin_offset_s(t) == 3600 ? 1 : 0;
		int64_t back = 0;
		assert_int_equal(parse_oo(buf, n, fold, &back, NULL), 0);
		assert_int_equal(back, t);
	}
}

static void de_formats_integers(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		const char *want;
	} cases[] = {
	    {0, "0"},
	    {7, "7"},
	    {999, "999"},
	    {1000, "1.000"},
	    {-999, "-999"},
	    {-1000, "-1.000"},
	    {450000, "450.000"},
	    {-1234567, "-1.234.567"},
	    {100000000, "100.000.000"},
	    {INT64_MAX, "9.223.372.036.854.775.807"},
	    {INT64_MIN, "-9.223.372.036.854.775.808"},
	};
	char buf[DE_INT_MAX];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(de_format_int(cases[i].v, buf, sizeof(buf)),
		                 strlen(cases[i].want));
		assert_string_equal(buf, cases[i].want);
	}
	assert_int_equal(de_format_int(450000, buf, 8), 7);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(de_format_int(450000, buf, 7), 0);
	assert_string_equal(buf, "");
	assert_int_equal(de_format_int(1, NULL, 0), 0);
	assert_int_equal(de_format_int(INT64_MIN, buf, 26), 0);
	assert_int_equal(de_format_int(INT64_MIN, buf, 27), 26);
}

static void de_formats_euros(void **state)
{
	(void)state;
	char buf[DE_EUR_MAX];
	assert_int_equal(de_format_eur(450000, buf, sizeof(buf)), strlen("450.000 €"));
	assert_string_equal(buf, "450.000 €");
	de_format_eur(0, buf, sizeof(buf));
	assert_string_equal(buf, "0 €");
	de_format_eur(-1234, buf, sizeof(buf));
	assert_string_equal(buf, "-1.234 €");
	de_format_eur(INT64_MIN, buf, sizeof(buf));
	assert_string_equal(buf, "-9.223.372.036.854.775.808 €");
	assert_int_equal(de_format_eur(450000, buf, 12), 11);
	assert_int_equal(de_format_eur(450000, buf, 11), 0);
	assert_string_equal(buf, "");
}

static void de_formats_decimals(void **state)
{
	(void)state;
	static const struct {
		int64_t v;
		int decimals;
		const char *want;
	} cases[] = {
	    {250, 2, "2,5"},
	    {300, 2, "3"},
	    {12345678, 2, "123.456,78"},
	    {5, 2, "0,05"},
	    {10, 2, "0,1"},
	    {0, 2, "0"},
	    {-250, 2, "-2,5"},
	    {-5, 2, "-0,05"},
	    {250, 1, "2,5"},
	    {249, 1, "2,5"},
	    {244, 1, "2,4"},
	    {-245, 1, "-2,5"},
	    {12345678, 1, "123.456,8"},
	    {250, 0, "3"},
	    {249, 0, "2"},
	    {-4, 0, "0"},
	    {-50, 0, "-1"},
	    {99999995, 1, "1.000.000"},
	    {INT64_MAX, 2, "92.233.720.368.547.758,07"},
	    {INT64_MIN, 2, "-92.233.720.368.547.758,08"},
	    {INT64_MIN, 1, "-92.233.720.368.547.758,1"},
	    {INT64_MIN, 0, "-92.233.720.368.547.758"},
	};
	char buf[40];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t n = de_format_decimal(cases[i].v, cases[i].decimals, buf, sizeof(buf));
		if (n != strlen(cases[i].want) || strcmp(buf, cases[i].want) != 0)
			fail_msg("case %zu: \"%s\", want \"%s\"", i, buf, cases[i].want);
	}
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(de_format_decimal(250, 3, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(de_format_decimal(250, -1, buf, sizeof(buf)), 0);
	assert_int_equal(de_format_decimal(250, 2, buf, 4), 3);
	assert_int_equal(de_format_decimal(250, 2, buf, 3), 0);
	assert_string_equal(buf, "");
}

static void de_formats_dates(void **state)
{
	(void)state;
	char buf[DE_DATETIME_MAX];
	assert_int_equal(de_format_date(T_2026_11_26_101500Z, buf, sizeof(buf)), 10);
	assert_string_equal(buf, "26.11.2026");
	assert_int_equal(de_format_datetime(T_2026_11_26_101500Z + 59999, buf, sizeof(buf)), 21);
	assert_string_equal(buf, "26.11.2026, 11:15 Uhr");
	de_format_date(at("2026-12-31T23:30:00Z"), buf, sizeof(buf));
	assert_string_equal(buf, "01.01.2027");
	de_format_datetime(at("2026-07-15T22:05:00Z"), buf, sizeof(buf));
	assert_string_equal(buf, "16.07.2026, 00:05 Uhr");
	de_format_datetime(at("2026-03-29T01:00:00Z"), buf, sizeof(buf));
	assert_string_equal(buf, "29.03.2026, 03:00 Uhr");
	assert_int_equal(de_format_date(0, buf, 11), 10);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(de_format_date(0, buf, 10), 0);
	assert_string_equal(buf, "");
	assert_int_equal(de_format_datetime(0, buf, 21), 0);
	assert_string_equal(buf, "");
	assert_int_equal(de_format_datetime(0, buf, 22), 21);
	assert_int_equal(de_format_date(INT64_MIN, buf, sizeof(buf)), 0);
	assert_int_equal(de_format_datetime(INT64_MAX, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(clocks_read_plausible_values),
	    cmocka_unit_test(leap_years_and_month_lengths),
	    cmocka_unit_test(civil_utc_known_instants),
	    cmocka_unit_test(civil_utc_carries_and_saturates),
	    cmocka_unit_test(civil_utc_round_trips_over_wide_range),
	    cmocka_unit_test(civil_utc_days_follow_the_calendar),
	    cmocka_unit_test(rfc3339_accepts_valid_forms),
	    cmocka_unit_test(rfc3339_applies_offsets),
	    cmocka_unit_test(rfc3339_refuses_invalid_input),
	    cmocka_unit_test(rfc3339_reads_only_len_bytes),
	    cmocka_unit_test(rfc3339_formats_utc),
	    cmocka_unit_test(rfc3339_format_refuses_small_buffers_and_far_years),
	    cmocka_unit_test(rfc3339_round_trips),
	    cmocka_unit_test(berlin_spring_forward_2026),
	    cmocka_unit_test(berlin_gap_is_refused),
	    cmocka_unit_test(berlin_fall_back_2026),
	    cmocka_unit_test(berlin_winter_summer_and_year_2000),
	    cmocka_unit_test(berlin_offset_changes_four_times_in_2026_and_2027),
	    cmocka_unit_test(berlin_transitions_match_tzdata_1996_to_2040),
	    cmocka_unit_test(berlin_local_round_trips_every_quarter_hour),
	    cmocka_unit_test(berlin_from_civil_refuses_invalid_fields),
	    cmocka_unit_test(onoffice_formats_berlin_local),
	    cmocka_unit_test(onoffice_parses_berlin_local),
	    cmocka_unit_test(onoffice_round_trips),
	    cmocka_unit_test(de_formats_integers),
	    cmocka_unit_test(de_formats_euros),
	    cmocka_unit_test(de_formats_decimals),
	    cmocka_unit_test(de_formats_dates),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
