/*
 * libFuzzer target for the time parsers in src/core/time.c.
 *
 * The input is handed over as is (not NUL-terminated, exact size, so ASan sees any
 * read past len) to time_parse_rfc3339 and, with both folds, time_parse_onoffice.
 * Invariants checked on top of "no crash, no UB":
 *   - a refusal is ERR_INVALID_ARG with a message;
 *   - an accepted RFC 3339 stamp formats (when its UTC year is 0000-9999) and parses
 *     back to the same instant, and the canonical form is stable;
 *   - an accepted onOffice time formats back to exactly the input bytes and parses
 *     back to the same instant with the same fold.
 * The first 8 bytes, read as an int64_t instant, also drive every formatter.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_refusal(int rc, const struct err *e)
{
	if (rc != ERR_INVALID_ARG || e->code != ERR_INVALID_ARG || e->message[0] == '\0')
		abort();
}

static void fuzz_rfc3339(const char *s, size_t len)
{
	struct err e = ERR_INIT;
	int64_t ms = 0, back = 0;
	int rc = time_parse_rfc3339(s, len, &ms, &e);
	if (rc) {
		check_refusal(rc, &e);
		return;
	}
	/* "YYYY-MM-DDTHH:MM:SSZ" up to "YYYY-MM-DDTHH:MM:SS.fffffffff+HH:MM". */
	if (len < 20 || len > 35)
		abort();
	char buf[TIME_RFC3339_MAX], again[TIME_RFC3339_MAX];
	struct civil c;
	time_to_civil_utc(ms, &c);
	size_t n = time_format_rfc3339(ms, buf, sizeof(buf));
	if (c.year < 0 || c.year > 9999) {
		if (n != 0 || buf[0] != '\0')
			abort();
		return;
	}
	if (n != strlen(buf) || (n != 20 && n != 24))
		abort();
	if (time_parse_rfc3339(buf, n, &back, NULL) != 0 || back != ms)
		abort();
	if (time_format_rfc3339(back, again, sizeof(again)) != n || memcmp(buf, again, n) != 0)
		abort();
}

static void fuzz_onoffice(const char *s, size_t len, int fold)
{
	struct err e = ERR_INIT;
	int64_t ms = 0, back = 0;
	int rc = time_parse_onoffice(s, len, fold, &ms, &e);
	if (rc) {
		check_refusal(rc, &e);
		return;
	}
	char buf[TIME_ONOFFICE_MAX];
	size_t n = time_format_onoffice(ms, buf, sizeof(buf));
	if (n != len || memcmp(buf, s, len) != 0)
		abort();
	if (time_parse_onoffice(buf, n, fold, &back, NULL) != 0 || back != ms)
		abort();
}

/* Every formatter must write exactly what it reports and never overflow its buffer. */
static void fuzz_formatters(int64_t v)
{
	char buf[64];
	size_t n;
	n = time_format_rfc3339(v, buf, sizeof(buf));
	if (n != strlen(buf))
		abort();
	n = time_format_onoffice(v, buf, sizeof(buf));
	if (n != strlen(buf))
		abort();
	n = de_format_int(v, buf, DE_INT_MAX);
	if (n == 0 || n != strlen(buf))
		abort();
	n = de_format_eur(v, buf, DE_EUR_MAX);
	if (n == 0 || n != strlen(buf))
		abort();
	for (int d = 0; d <= 2; d++) {
		n = de_format_decimal(v, d, buf, sizeof(buf));
		if (n == 0 || n != strlen(buf))
			abort();
	}
	n = de_format_date(v, buf, sizeof(buf));
	if (n != strlen(buf))
		abort();
	n = de_format_datetime(v, buf, sizeof(buf));
	if (n != strlen(buf))
		abort();
	struct civil c;
	time_to_civil_berlin(v, &c);
	int off = time_berlin_offset_s(v);
	if (off != 3600 && off != 7200)
		abort();
	time_to_civil_utc(v, &c);
	if (time_from_civil_utc(&c) != v)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	fuzz_rfc3339(s, size);
	fuzz_onoffice(s, size, 0);
	fuzz_onoffice(s, size, 1);
	if (size >= sizeof(int64_t)) {
		int64_t v;
		memcpy(&v, data, sizeof(v));
		fuzz_formatters(v);
	}
	return 0;
}
