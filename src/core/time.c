#include "core/time.h"

#include <string.h>
#include <time.h>

#define MS_PER_DAY  INT64_C(86400000)
#define MS_PER_HOUR INT64_C(3600000)
#define MS_PER_MIN  INT64_C(60000)
#define CET_S       3600
#define CEST_S      7200

/* Division and remainder rounding towards minus infinity; b > 0. */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int64_t floor_mod(int64_t a, int64_t b)
{
	int64_t r = a % b;
	return r < 0 ? r + b : r;
}

static int64_t clock_ms(clockid_t id)
{
	struct timespec ts;
	if (clock_gettime(id, &ts) != 0)
		return 0;
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t time_now_ms(void)
{
	return clock_ms(CLOCK_REALTIME);
}

int64_t time_mono_ms(void)
{
	return clock_ms(CLOCK_MONOTONIC);
}

bool time_is_leap_year(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int time_days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	return month == 2 && time_is_leap_year(year) ? 29 : days[month - 1];
}

/*
 * Days since 1970-01-01 of a proleptic Gregorian date (month 1-12, day 1-31), after
 * Howard Hinnant's days_from_civil: years are counted from March in 400-year eras
 * so that the leap day comes last.
 */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floor_div(y, 400);
	int64_t yoe = y - era * 400;                                   /* [0, 399] */
	int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1; /* [0, 365] */
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;           /* [0, 146096] */
	return era * 146097 + doe - 719468;
}

/* The inverse of days_from_civil; fills year, month and day of *out. */
static void civil_from_days(int64_t z, struct civil *out)
{
	z += 719468;
	int64_t era = floor_div(z, 146097);
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	out->day = (int)(doy - (153 * mp + 2) / 5 + 1);
	out->month = (int)(mp < 10 ? mp + 3 : mp - 9);
	out->year = (int)(yoe + era * 400 + (out->month <= 2));
}

/* Fills *out from a day number and the milliseconds into that day, tod in [0, MS_PER_DAY). */
static void civil_from_parts(int64_t days, int64_t tod, struct civil *out)
{
	civil_from_days(days, out);
	out->hour = (int)(tod / MS_PER_HOUR);
	out->min = (int)(tod / MS_PER_MIN % 60);
	out->sec = (int)(tod / 1000 % 60);
	out->ms = (int)(tod % 1000);
}

int64_t time_from_civil_utc(const struct civil *c)
{
	int64_t m0 = (int64_t)c->month - 1;
	int64_t y = (int64_t)c->year + floor_div(m0, 12);
	int64_t days = days_from_civil(y, (int)floor_mod(m0, 12) + 1, 1) + ((int64_t)c->day - 1);
	int64_t tod = c->hour * MS_PER_HOUR + c->min * MS_PER_MIN + c->sec * INT64_C(1000) + c->ms;

	/* Normalise tod into the day, then, for negative days, borrow one day so that the
	 * product stays representable whenever the final sum is (near INT64_MIN). */
	days += floor_div(tod, MS_PER_DAY);
	tod = floor_mod(tod, MS_PER_DAY);
	if (days < 0) {
		days++;
		tod -= MS_PER_DAY;
	}
	int64_t ms;
	if (__builtin_mul_overflow(days, MS_PER_DAY, &ms))
		return days < 0 ? INT64_MIN : INT64_MAX;
	if (__builtin_add_overflow(ms, tod, &ms))
		return tod < 0 ? INT64_MIN : INT64_MAX;
	return ms;
}

void time_to_civil_utc(int64_t ms, struct civil *out)
{
	civil_from_parts(floor_div(ms, MS_PER_DAY), floor_mod(ms, MS_PER_DAY), out);
}

/* The day of the month (25-31) of the last Sunday of a 31-day month. */
static int last_sunday(int year, int month)
{
	/* 1970-01-01 (day 0) was a Thursday: weekday 4 when Sunday is 0. */
	return 31 - (int)floor_mod(days_from_civil(year, month, 31) + 4, 7);
}

int time_berlin_offset_s(int64_t utc_ms)
{
	struct civil c;
	time_to_civil_utc(utc_ms, &c);
	if (c.month < 3 || c.month > 10)
		return CET_S;
	if (c.month > 3 && c.month < 10)
		return CEST_S;
	int sunday = last_sunday(c.year, c.month);
	bool switched = c.day > sunday || (c.day == sunday && c.hour >= 1);
	if (c.month == 3)
		return switched ? CEST_S : CET_S;
	return switched ? CET_S : CEST_S;
}

void time_to_civil_berlin(int64_t utc_ms, struct civil *out)
{
	/* Added to the time of day rather than to utc_ms, which could overflow. */
	int64_t days = floor_div(utc_ms, MS_PER_DAY);
	int64_t tod = floor_mod(utc_ms, MS_PER_DAY) + time_berlin_offset_s(utc_ms) * INT64_C(1000);
	if (tod >= MS_PER_DAY) {
		days++;
		tod -= MS_PER_DAY;
	}
	civil_from_parts(days, tod, out);
}

/* ERR_INVALID_ARG naming the first field of *c outside its range (year 0000-9999). */
static int check_civil(const struct civil *c, struct err *e)
{
	if (c->year < 0 || c->year > 9999)
		return err_set(e, ERR_INVALID_ARG, NULL, "year out of range (0000-9999)");
	if (c->month < 1 || c->month > 12)
		return err_set(e, ERR_INVALID_ARG, NULL, "month out of range");
	int mdays = time_days_in_month(c->year, c->month);
	if (c->day < 1 || c->day > mdays)
		return err_set(e, ERR_INVALID_ARG, NULL, "day out of range (%04d-%02d has %d days)",
		               c->year, c->month, mdays);
	if (c->hour < 0 || c->hour > 23)
		return err_set(e, ERR_INVALID_ARG, NULL, "hour out of range");
	if (c->min < 0 || c->min > 59)
		return err_set(e, ERR_INVALID_ARG, NULL, "minute out of range");
	if (c->sec < 0 || c->sec > 59)
		return err_set(e, ERR_INVALID_ARG, NULL,
		               "second out of range (leap seconds are not accepted)");
	if (c->ms < 0 || c->ms > 999)
		return err_set(e, ERR_INVALID_ARG, NULL, "millisecond out of range");
	return 0;
}

int time_from_civil_berlin(const struct civil *local, int fold, int64_t *out_ms, struct err *e)
{
	if (fold != 0 && fold != 1)
		return err_set(e, ERR_INVALID_ARG, NULL, "fold must be 0 or 1");
	int rc = check_civil(local, e);
	if (rc)
		return rc;
	/* Try both offsets; a candidate is real when Berlin has that offset at that instant. */
	int64_t wall = time_from_civil_utc(local);
	int64_t summer = wall - CEST_S * INT64_C(1000);
	int64_t winter = wall - CET_S * INT64_C(1000);
	bool summer_ok = time_berlin_offset_s(summer) == CEST_S;
	bool winter_ok = time_berlin_offset_s(winter) == CET_S;
	if (summer_ok && winter_ok)
		*out_ms = fold ? winter : summer;
	else if (summer_ok)
		*out_ms = summer;
	else if (winter_ok)
		*out_ms = winter;
	else
		return err_set(
		    e, ERR_INVALID_ARG, NULL,
		    "%04d-%02d-%02d %02d:%02d:%02d does not exist in Europe/Berlin (DST gap)",
		    local->year, local->month, local->day, local->hour, local->min, local->sec);
	return 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The field a pattern letter of match() stands for. */
static const char *field_name(char p)
{
	switch (p) {
	case 'Y':
		return "year";
	case 'M':
		return "month";
	case 'D':
		return "day";
	case 'h':
		return "hour";
	case 'm':
		return "minute";
	case 's':
		return "second";
	default:
		return "time zone offset";
	}
}

/*
 * Checks s[pos..) against pat without reading past len. In pat the letters Y M D h m s o
 * stand for a digit of that field, 'T' for 'T' or 't', and any other byte for itself.
 * form is what the whole part should look like, for the message when s ends early.
 */
static int match(const char *s, size_t len, size_t pos, const char *pat, const char *form,
                 struct err *e)
{
	for (size_t i = 0; pat[i]; i++, pos++) {
		if (pos >= len)
			return err_set(e, ERR_INVALID_ARG, NULL, "too short: expected %s", form);
		char p = pat[i], c = s[pos];
		bool digit = strchr("YMDhmso", p) != NULL;
		if (c == '\0')
			return err_set(e, ERR_INVALID_ARG, NULL, "NUL byte at offset %zu", pos);
		if (digit ? is_digit(c) : c == p || (p == 'T' && c == 't'))
			continue;
		if (digit)
			return err_set(e, ERR_INVALID_ARG, NULL,
			               "expected a digit of the %s at offset %zu", field_name(p),
			               pos);
		return err_set(e, ERR_INVALID_ARG, NULL, "expected '%c' at offset %zu", p, pos);
	}
	return 0;
}

/* The number in the n digits at s[pos..), which match() has checked. */
static int num(const char *s, size_t pos, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[pos + i] - '0');
	return v;
}

/* Reads the 19-byte date and time at the start of s, shaped like pat (see match()). */
static int parse_date_time(const char *s, size_t len, const char *pat, const char *form,
                           struct civil *c, struct err *e)
{
	if (len == 0)
		return err_set(e, ERR_INVALID_ARG, NULL, "empty timestamp");
	int rc = match(s, len, 0, pat, form, e);
	if (rc)
		return rc;
	*c = (struct civil){num(s, 0, 4),
	                    num(s, 5, 2),
	                    num(s, 8, 2),
	                    num(s, 11, 2),
	                    num(s, 14, 2),
	                    num(s, 17, 2),
	                    0};
	return 0;
}

/* Reads an optional ".fraction" at s[*pos..) into c->ms (truncated) and advances *pos. */
static int parse_fraction(const char *s, size_t len, size_t *pos, struct civil *c, struct err *e)
{
	if (*pos >= len || s[*pos] != '.')
		return 0;
	size_t start = ++*pos, n;
	for (; *pos < len && is_digit(s[*pos]); ++*pos)
		if (*pos - start < 3)
			c->ms = c->ms * 10 + (s[*pos] - '0');
	n = *pos - start;
	if (n == 0)
		return err_set(e, ERR_INVALID_ARG, NULL, "fraction without digits");
	if (n > 9)
		return err_set(e, ERR_INVALID_ARG, NULL, "fraction longer than 9 digits");
	for (; n < 3; n++)
		c->ms *= 10;
	return 0;
}

/* Reads "Z" or "±HH:MM" at s[*pos..) into *offset_ms (local minus UTC) and advances *pos. */
static int parse_offset(const char *s, size_t len, size_t *pos, int64_t *offset_ms, struct err *e)
{
	if (*pos >= len)
		return err_set(e, ERR_INVALID_ARG, NULL, "missing time zone offset (Z or ±HH:MM)");
	char sign = s[*pos];
	if (sign == 'Z' || sign == 'z') {
		*offset_ms = 0;
		++*pos;
		return 0;
	}
	if (sign != '+' && sign != '-')
		return err_set(e, ERR_INVALID_ARG, NULL, "expected Z or ±HH:MM at offset %zu",
		               *pos);
	int rc = match(s, len, *pos + 1, "oo:oo", "a time zone offset ±HH:MM", e);
	if (rc)
		return rc;
	int hours = num(s, *pos + 1, 2), minutes = num(s, *pos + 4, 2);
	if (hours > 23)
		return err_set(e, ERR_INVALID_ARG, NULL, "offset hours out of range");
	if (minutes > 59)
		return err_set(e, ERR_INVALID_ARG, NULL, "offset minutes out of range");
	*offset_ms = (hours * 60 + minutes) * MS_PER_MIN * (sign == '-' ? -1 : 1);
	*pos += 6;
	return 0;
}

int time_parse_rfc3339(const char *s, size_t len, int64_t *out_ms, struct err *e)
{
	struct civil c = {0};
	size_t pos = 19;
	int64_t offset_ms = 0;
	int rc = parse_date_time(s, len, "YYYY-MM-DDThh:mm:ss", "YYYY-MM-DDTHH:MM:SS", &c, e);
	if (!rc)
		rc = check_civil(&c, e);
	if (!rc)
		rc = parse_fraction(s, len, &pos, &c, e);
	if (!rc)
		rc = parse_offset(s, len, &pos, &offset_ms, e);
	if (rc)
		return rc;
	if (pos != len)
		return err_set(e, ERR_INVALID_ARG, NULL,
		               "trailing bytes after the time zone offset");
	*out_ms = time_from_civil_utc(&c) - offset_ms;
	return 0;
}

int time_parse_onoffice(const char *s, size_t len, int fold, int64_t *out_ms, struct err *e)
{
	struct civil c = {0};
	int rc = parse_date_time(s, len, "YYYY-MM-DD hh:mm:ss", "YYYY-MM-DD HH:MM:SS", &c, e);
	if (rc)
		return rc;
	if (len != 19)
		return err_set(e, ERR_INVALID_ARG, NULL, "trailing bytes after the time");
	return time_from_civil_berlin(&c, fold, out_ms, e);
}

/* Writes v ≥ 0 as exactly width digits, zero-padded; returns the end. */
static char *put_num(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

static char *put_str(char *p, const char *s)
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

/* The failure of every formatter: "" in out when there is room for it, and length 0. */
static size_t refuse(char *out, size_t cap)
{
	if (cap > 0)
		out[0] = '\0';
	return 0;
}

/* Copies tmp[0..n) with a terminator to out when it fits (n > 0), else refuses; see time.h. */
static size_t emit(const char *tmp, size_t n, char *out, size_t cap)
{
	if (n == 0 || n >= cap)
		return refuse(out, cap);
	memcpy(out, tmp, n);
	out[n] = '\0';
	return n;
}

/* Writes "YYYY-MM-DD<sep>HH:MM:SS"; the year must be 0-9999. */
static char *put_iso(char *p, const struct civil *c, char sep)
{
	p = put_num(p, c->year, 4);
	*p++ = '-';
	p = put_num(p, c->month, 2);
	*p++ = '-';
	p = put_num(p, c->day, 2);
	*p++ = sep;
	p = put_num(p, c->hour, 2);
	*p++ = ':';
	p = put_num(p, c->min, 2);
	*p++ = ':';
	return put_num(p, c->sec, 2);
}

static bool year_printable(const struct civil *c)
{
	return c->year >= 0 && c->year <= 9999;
}

size_t time_format_rfc3339(int64_t ms, char *out, size_t cap)
{
	char tmp[TIME_RFC3339_MAX], *p = tmp;
	struct civil c;
	time_to_civil_utc(ms, &c);
	if (!year_printable(&c))
		return refuse(out, cap);
	p = put_iso(p, &c, 'T');
	if (c.ms) {
		*p++ = '.';
		p = put_num(p, c.ms, 3);
	}
	*p++ = 'Z';
	return emit(tmp, (size_t)(p - tmp), out, cap);
}

size_t time_format_onoffice(int64_t utc_ms, char *out, size_t cap)
{
	char tmp[TIME_ONOFFICE_MAX], *p = tmp;
	struct civil c;
	time_to_civil_berlin(utc_ms, &c);
	if (year_printable(&c))
		p = put_iso(p, &c, ' ');
	return emit(tmp, (size_t)(p - tmp), out, cap);
}

/* Writes u with a '.' between groups of three digits so that the text ends just before end;
 * returns its start. */
static char *put_grouped(char *end, uint64_t u)
{
	char *p = end;
	int n = 0;
	do {
		if (n > 0 && n % 3 == 0)
			*--p = '.';
		*--p = (char)('0' + u % 10);
		u /= 10;
		n++;
	} while (u);
	return p;
}

/* |v| without overflow for INT64_MIN. */
static uint64_t magnitude(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

size_t de_format_int(int64_t v, char *out, size_t cap)
{
	char tmp[DE_INT_MAX], *end = tmp + sizeof(tmp);
	char *p = put_grouped(end, magnitude(v));
	if (v < 0)
		*--p = '-';
	return emit(p, (size_t)(end - p), out, cap);
}

size_t de_format_eur(int64_t euros, char *out, size_t cap)
{
	char tmp[DE_EUR_MAX];
	size_t n = de_format_int(euros, tmp, sizeof(tmp));
	memcpy(tmp + n, " \xE2\x82\xAC", 4); /* " €" in UTF-8 */
	return emit(tmp, n + 4, out, cap);
}

size_t de_format_decimal(int64_t value_times_100, int decimals_max, char *out, size_t cap)
{
	static const uint64_t step[3] = {100, 10, 1};
	char tmp[DE_INT_MAX + 4], *end = tmp + sizeof(tmp), *p = end;
	if (decimals_max < 0 || decimals_max > 2)
		return refuse(out, cap);
	uint64_t u = magnitude(value_times_100), unit = step[decimals_max];
	u = (u + unit / 2) / unit * unit; /* ≤ 2^63 + 50: no wrap */
	unsigned frac = (unsigned)(u % 100);
	if (frac) {
		if (frac % 10)
			*--p = (char)('0' + frac % 10);
		*--p = (char)('0' + frac / 10);
		*--p = ',';
	}
	p = put_grouped(p, u / 100);
	if (value_times_100 < 0 && u != 0)
		*--p = '-';
	return emit(p, (size_t)(end - p), out, cap);
}

/* Writes the Berlin local "DD.MM.YYYY" of *c. */
static char *put_de_date(char *p, const struct civil *c)
{
	p = put_num(p, c->day, 2);
	*p++ = '.';
	p = put_num(p, c->month, 2);
	*p++ = '.';
	return put_num(p, c->year, 4);
}

size_t de_format_date(int64_t utc_ms, char *out, size_t cap)
{
	char tmp[DE_DATE_MAX], *p = tmp;
	struct civil c;
	time_to_civil_berlin(utc_ms, &c);
	if (year_printable(&c))
		p = put_de_date(p, &c);
	return emit(tmp, (size_t)(p - tmp), out, cap);
}

size_t de_format_datetime(int64_t utc_ms, char *out, size_t cap)
{
	char tmp[DE_DATETIME_MAX], *p = tmp;
	struct civil c;
	time_to_civil_berlin(utc_ms, &c);
	if (year_printable(&c)) {
		p = put_str(put_de_date(p, &c), ", ");
		p = put_num(p, c.hour, 2);
		*p++ = ':';
		p = put_num(p, c.min, 2);
		p = put_str(p, " Uhr");
	}
	return emit(tmp, (size_t)(p - tmp), out, cap);
}
