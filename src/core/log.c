#include "core/log.h"
#include "core/err.h"
#include "core/utf8.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static atomic_int log_level_now = LOG_INFO;
static int log_fd = 2;

static _Thread_local char ctx_key[16];
static _Thread_local char ctx_id[64];

static const char *const level_names[] = {"debug", "info", "warn", "error"};

void log_set_level(enum log_level level)
{
	atomic_store(&log_level_now, (int)level);
}

enum log_level log_get_level(void)
{
	return (enum log_level)atomic_load(&log_level_now);
}

bool log_enabled(enum log_level level)
{
	return (int)level >= atomic_load(&log_level_now);
}

int log_parse_level(const char *name, enum log_level *out)
{
	for (size_t i = 0; i < sizeof(level_names) / sizeof(level_names[0]); i++) {
		if (strcmp(name, level_names[i]) == 0) {
			*out = (enum log_level)i;
			return ERR_OK;
		}
	}
	return ERR_INVALID_ARG;
}

bool log_check_level(const char *name, char *why, size_t cap)
{
	enum log_level l;
	if (log_parse_level(name, &l) == 0)
		return true;
	snprintf(why, cap, "'%s' is not one of debug, info, warn, error", name);
	return false;
}

const char *log_level_name(enum log_level level)
{
	if ((int)level < 0 || (size_t)level >= sizeof(level_names) / sizeof(level_names[0]))
		return "unknown";
	return level_names[level];
}

void log_set_fd(int fd)
{
	log_fd = fd;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
	size_t n = strlen(src);
	if (n >= cap)
		n = utf8_cut(src, cap - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

void log_set_context(const char *key, const char *id)
{
	copy_str(ctx_key, sizeof(ctx_key), key ? key : "");
	copy_str(ctx_id, sizeof(ctx_id), id ? id : "");
}

void log_clear_context(void)
{
	ctx_key[0] = '\0';
	ctx_id[0] = '\0';
}

const char *log_context_id(void)
{
	return ctx_id;
}

/* A line under construction: a fixed buffer that remembers whether it overflowed. */
struct line {
	char *p;
	size_t cap, len;
	bool full;
};

static void put(struct line *l, const char *s, size_t n)
{
	if (l->full)
		return;
	if (n > l->cap - l->len) {
		n = utf8_cut(s, l->cap - l->len);
		l->full = true;
	}
	memcpy(l->p + l->len, s, n);
	l->len += n;
}

static void puts_(struct line *l, const char *s)
{
	put(l, s, strlen(s));
}

static bool needs_quotes(const char *s)
{
	if (!*s)
		return true;
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c <= ' ' || *c == '=' || *c == '"' || *c == '\\' || *c == 0x7f)
			return true;
	return false;
}

static void put_value(struct line *l, const char *s)
{
	if (!s)
		s = "";
	if (!needs_quotes(s)) {
		puts_(l, s);
		return;
	}
	put(l, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		char esc[5];
		switch (*c) {
		case '"':
			put(l, "\\\"", 2);
			break;
		case '\\':
			put(l, "\\\\", 2);
			break;
		case '\n':
			put(l, "\\n", 2);
			break;
		case '\t':
			put(l, "\\t", 2);
			break;
		case '\r':
			put(l, "\\r", 2);
			break;
		default:
			if (*c < 0x20 || *c == 0x7f) {
				snprintf(esc, sizeof(esc), "\\x%02x", *c);
				put(l, esc, 4);
			} else {
				put(l, (const char *)c, 1);
			}
		}
	}
	put(l, "\"", 1);
}

static void put_key(struct line *l, const char *key)
{
	put(l, " ", 1);
	puts_(l, key);
	put(l, "=", 1);
}

static void put_ts(struct line *l)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	struct tm tm;
	gmtime_r(&ts.tv_sec, &tm);
	char tbuf[40];
	int n = snprintf(tbuf, sizeof(tbuf), "ts=%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ ",
	                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	                 tm.tm_sec, ts.tv_nsec / 1000000);
	if (n > 0 && (size_t)n < sizeof(tbuf))
		put(l, tbuf, (size_t)n);
}

size_t log_format(char *out, size_t cap, enum log_level level, const char *event,
                  const struct log_field *fields, size_t n, bool with_ts)
{
	static const char trunc[] = " truncated=true\n";
	if (cap < sizeof(trunc) + 1) {
		if (cap)
			out[0] = '\0';
		return 0;
	}
	/* Reserve room for the truncation marker and the newline. */
	struct line l = {out, cap - sizeof(trunc), 0, false};
	if (with_ts)
		put_ts(&l);
	puts_(&l, "level=");
	puts_(&l, log_level_name(level));
	put_key(&l, "event");
	put_value(&l, event);
	if (ctx_key[0]) {
		put_key(&l, ctx_key);
		put_value(&l, ctx_id);
	}
	for (size_t i = 0; i < n; i++) {
		char num[64];
		put_key(&l, fields[i].key);
		switch (fields[i].type) {
		case LOG_F_STR:
			put_value(&l, fields[i].s);
			break;
		case LOG_F_INT:
			snprintf(num, sizeof(num), "%lld", fields[i].i);
			puts_(&l, num);
			break;
		case LOG_F_DBL:
			snprintf(num, sizeof(num), "%.3f", fields[i].d);
			puts_(&l, num);
			break;
		case LOG_F_BOOL:
			puts_(&l, fields[i].i ? "true" : "false");
			break;
		}
	}
	if (l.full) {
		memcpy(out + l.len, trunc, sizeof(trunc) - 1);
		l.len += sizeof(trunc) - 1;
	} else {
		out[l.len++] = '\n';
	}
	out[l.len] = '\0';
	return l.len;
}

void log_emit(enum log_level level, const char *event, const struct log_field *fields, size_t n)
{
	if (!log_enabled(level))
		return;
	char line[LOG_LINE_MAX];
	size_t len = log_format(line, sizeof(line), level, event, fields, n, true);
	const char *p = line;
	while (len > 0) {
		ssize_t w = write(log_fd, p, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* nowhere to report a failing log */
		p += w;
		len -= (size_t)w;
	}
}
