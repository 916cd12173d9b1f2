/*
 * time.h - instants, RFC 3339, Europe/Berlin local time and German number formats.
 *
 * An instant is an int64_t count of UTC milliseconds since 1970-01-01T00:00:00Z
 * (negative before). Everything here is pure arithmetic: no timegm, localtime,
 * setenv("TZ") or setlocale, so results never depend on the environment and
 * every function is safe to call from any thread.
 *
 * Europe/Berlin follows the EU rule written in code: CEST (UTC+2) from the last
 * Sunday of March 01:00 UTC until the last Sunday of October 01:00 UTC, CET
 * (UTC+1) otherwise. The rule holds since 1996; earlier years (and years far in
 * the future) use the same rule, which is wrong for Berlin before 1996 (e.g. no
 * DST 1950-1979, end in late September 1980-1995) and acceptable for this program,
 * which handles current business data.
 *
 * Leap seconds do not exist here: an instant is POSIX time, and a "…:60" second
 * is refused by the parser rather than folded into the next minute.
 *
 * Every formatting function writes a NUL-terminated string into a caller buffer
 * out[0..cap) and returns its length without the terminator. When it does not
 * fit (or the value cannot be shown, see each function), it returns 0 and
 * leaves "" in out if cap > 0. Nothing here allocates memory.
 */
#ifndef IMMO_CORE_TIME_H
#define IMMO_CORE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"

/* Buffer sizes that always suffice for the formatters below (terminator included). */
#define TIME_RFC3339_MAX  32 /* "2026-11-26T10:15:00.123Z" */
#define TIME_ONOFFICE_MAX 24 /* "2026-11-26 11:15:00" */
#define DE_INT_MAX        32 /* "-9.223.372.036.854.775.808" */
#define DE_EUR_MAX        40 /* DE_INT_MAX plus " €" */
#define DE_DATE_MAX       16 /* "26.11.2026" */
#define DE_DATETIME_MAX   32 /* "26.11.2026, 11:15 Uhr" */

/* A broken-down time: year (astronomical, 0 = 1 BC), month 1-12, day 1-31,
 * hour 0-23, min 0-59, sec 0-59, ms 0-999. Whether it is UTC or Berlin local
 * time depends on the function that filled it. */
struct civil {
	int year, month, day, hour, min, sec, ms;
};

/* The wall clock (CLOCK_REALTIME) in UTC milliseconds; 0 if the clock cannot be read. */
int64_t time_now_ms(void);

/* A monotonic clock (CLOCK_MONOTONIC) in milliseconds from an arbitrary origin, for
 * timeouts and durations; it never goes backwards. 0 if the clock cannot be read. */
int64_t time_mono_ms(void);

/* True for Gregorian leap years (2000 yes, 1900 no), also for years ≤ 0. */
bool time_is_leap_year(int year);

/* Days in the month (28-31) of the proleptic Gregorian calendar; 0 if month is not 1-12. */
int time_days_in_month(int year, int month);

/*
 * The instant of a UTC civil time, by the days-from-civil algorithm (proleptic
 * Gregorian calendar). Fields out of their ranges carry over like timegm's
 * (month 13 is January of the next year, day 0 the last day of the previous
 * month, min -1 one minute earlier); it never validates, so callers that hold
 * outside input validate first (time_from_civil_berlin does). A result beyond
 * the int64_t range saturates to INT64_MIN or INT64_MAX.
 */
int64_t time_from_civil_utc(const struct civil *c);

/* The UTC civil time of an instant; defined for every int64_t, negative ones
 * included (the year then lies between -292275055 and 292278994). */
void time_to_civil_utc(int64_t ms, struct civil *out);

/*
 * Parses s[0..len), which need not be NUL-terminated, as an RFC 3339 date-time:
 * exactly `YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM)` and nothing else.
 * `t` and `z` are accepted for `T` and `Z` (RFC 3339 §5.6 note); a space instead
 * of `T` is not. The fraction has 1-9 digits and is truncated to milliseconds.
 * Ranges: year 0000-9999, month 1-12, day 1 to the month's length (leap years
 * included), hour 0-23, minute 0-59, second 0-59 (a leap second :60 is refused:
 * our instants have none, see above), offset hours 0-23 and minutes 0-59;
 * `-00:00` ("offset unknown") counts as UTC. All len bytes must belong to the
 * timestamp, so trailing bytes and NUL bytes are refused. Never reads s[len].
 *
 * On success stores the instant in *out_ms and returns 0. Otherwise returns
 * ERR_INVALID_ARG with a message in *e (may be NULL) naming what is wrong, e.g.
 * "month out of range", and leaves *out_ms unchanged.
 */
int time_parse_rfc3339(const char *s, size_t len, int64_t *out_ms, struct err *e);

/*
 * Writes the instant as RFC 3339 in UTC: `2026-11-26T10:15:00Z`, or with three
 * fraction digits `2026-11-26T10:15:00.120Z` when ms % 1000 != 0, so that
 * time_parse_rfc3339 gives back the same instant. Returns the length, or 0 when
 * cap is too small or the year is outside 0000-9999 (not expressible in RFC 3339).
 */
size_t time_format_rfc3339(int64_t ms, char *out, size_t cap);

/* Berlin's UTC offset at an instant in seconds: 3600 (CET) or 7200 (CEST). */
int time_berlin_offset_s(int64_t utc_ms);

/* The Europe/Berlin local civil time of an instant; defined for every int64_t. */
void time_to_civil_berlin(int64_t utc_ms, struct civil *out);

/*
 * The instant of a Europe/Berlin local time. *local must be valid (year
 * 0000-9999, other fields in the ranges of struct civil, day within the month),
 * else ERR_INVALID_ARG naming the field.
 *
 * In October the hour 02:00:00.000-02:59:59.999 happens twice: fold 0 picks the
 * first (CEST, UTC+2) instant, fold 1 the second (CET, UTC+1). fold is ignored
 * for unambiguous times but must be 0 or 1. In March 02:00-02:59:59.999 does
 * not exist (clocks jump from 02:00 to 03:00); such a time is refused with
 * ERR_INVALID_ARG "… does not exist in Europe/Berlin (DST gap)" rather than
 * shifted, because a shifted time would silently differ from what was written.
 * On success stores the instant in *out_ms and returns 0; on error *out_ms is unchanged.
 */
int time_from_civil_berlin(const struct civil *local, int fold, int64_t *out_ms, struct err *e);

/*
 * Writes the instant as Berlin local time in onOffice's "Y-m-d H:i:s" form, e.g.
 * `2026-11-26 11:15:00`. Milliseconds are dropped (the time is floored to the
 * second). Note that the repeated October hour prints the same for both
 * instants. Returns the length, or 0 when cap is too small or the local year is
 * outside 0000-9999.
 */
size_t time_format_onoffice(int64_t utc_ms, char *out, size_t cap);

/*
 * Parses s[0..len) (not necessarily NUL-terminated) as exactly `YYYY-MM-DD HH:MM:SS`
 * in Europe/Berlin local time, with the ranges, the fold and the DST-gap refusal
 * of time_from_civil_berlin. onOffice's "0000-00-00 00:00:00" for "no date" is
 * refused (month out of range); callers that expect it check for it first.
 * Returns 0 and sets *out_ms, or ERR_INVALID_ARG with detail in *e (may be NULL).
 */
int time_parse_onoffice(const char *s, size_t len, int fold, int64_t *out_ms, struct err *e);

/* An integer with '.' as the thousands separator: 450000 → "450.000",
 * -1234567 → "-1.234.567", INT64_MIN included. Returns the length, 0 if cap is too small. */
size_t de_format_int(int64_t v, char *out, size_t cap);

/*
 * Whole euros as "450.000 €". The separator is a plain space (U+0020), not a
 * no-break space: the text goes into plain-text mails, onOffice fields and logs
 * where a U+00A0 would be invisible and surprise comparisons; HTML that must
 * not wrap there uses its own &nbsp;. Returns the length, 0 if cap is too small.
 */
size_t de_format_eur(int64_t euros, char *out, size_t cap);

/*
 * A fixed-point number given in hundredths, with ',' as the decimal and '.' as
 * the thousands separator, at most decimals_max (0-2) fraction digits and no
 * trailing zeros: 250 → "2,5", 300 → "3", 12345678 → "123.456,78". Digits beyond
 * decimals_max are rounded half away from zero (249 with 1 → "2,5", 250 with 0 →
 * "3"); a value that rounds to zero prints "0" without sign. Returns the length,
 * or 0 when cap is too small or decimals_max is not 0-2.
 */
size_t de_format_decimal(int64_t value_times_100, int decimals_max, char *out, size_t cap);

/* The Berlin local date "26.11.2026". Returns the length, or 0 when cap is too
 * small or the local year is outside 0000-9999. */
size_t de_format_date(int64_t utc_ms, char *out, size_t cap);

/* The Berlin local date and time "26.11.2026, 11:15 Uhr" (seconds dropped, not
 * rounded). Returns the length, or 0 when cap is too small or the year is outside 0000-9999. */
size_t de_format_datetime(int64_t utc_ms, char *out, size_t cap);

#endif
