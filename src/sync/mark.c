#include "sync/mark.h"

#include <stdio.h>
#include <string.h>

#include "core/time.h"

bool sync_mark_valid(const char *s)
{
	static const char shape[] = "dddd-dd-dd dd:dd:dd";
	if (!s || strlen(s) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i])
			return false;
	return true;
}

int64_t sync_fold_end_ms(int year)
{
	struct civil c = {year, 10, 31, 0, 0, 0, 0};
	int64_t days = time_from_civil_utc(&c) / 86400000;
	int wd = (int)(((days + 4) % 7 + 7) % 7); /* 1970-01-01 was a Thursday; 0 = Sunday */
	c.day = 31 - wd;
	c.hour = 1;
	return time_from_civil_utc(&c);
}

static int num(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

void sync_mark_lower(const char *mark, int overlap_s, char *out)
{
	int64_t t;
	snprintf(out, SYNC_MARK_MAX, "%s", SYNC_MARK_ZERO);
	if (!sync_mark_valid(mark))
		return;
	if (time_parse_onoffice(mark, strlen(mark), 0, &t, NULL) != 0) {
		struct civil c = {num(mark, 4),
		                  num(mark + 5, 2),
		                  num(mark + 8, 2),
		                  num(mark + 11, 2),
		                  num(mark + 14, 2),
		                  num(mark + 17, 2),
		                  0};
		if (c.year < 1971 || c.month < 1 || c.month > 12 || c.day < 1)
			return;
		t = time_from_civil_utc(&c) - 7200 * 1000LL;
	}
	int64_t s = t - (int64_t)overlap_s * 1000;
	char text_s[SYNC_MARK_MAX], text_j[SYNC_MARK_MAX];
	if (!time_format_onoffice(s, text_s, sizeof(text_s)))
		return;
	struct civil u;
	time_to_civil_utc(s, &u);
	int64_t j = sync_fold_end_ms(u.year);
	if (s < j && time_format_onoffice(j, text_j, sizeof(text_j)) &&
	    strcmp(text_j, text_s) < 0) {
		memcpy(out, text_j, sizeof(text_j));
		return;
	}
	memcpy(out, text_s, sizeof(text_s));
}
