#include "core/err.h"
#include "core/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

struct err_entry {
	const char *name;
	const char *slug;
	int status;
	const char *message;
};

static const struct err_entry err_table[] = {
#define ERR_ROW_(name, slug, status, msg) {#name, slug, status, msg},
    ERR_MAP(ERR_ROW_)
#undef ERR_ROW_
};

static const struct err_entry *entry(int code)
{
	if (code < 0 || code >= ERR__COUNT)
		code = ERR_INTERNAL;
	return &err_table[code];
}

const char *err_slug(int code)
{
	return entry(code)->slug;
}

const char *err_default_message(int code)
{
	return entry(code)->message;
}

int err_status(int code)
{
	return entry(code)->status;
}

const char *err_name(int code)
{
	return entry(code)->name;
}

/* Shortens the NUL-terminated prefix s[0..len) so no code point is split. */
static void cut_utf8(char *s, size_t len)
{
	s[utf8_cut(s, len)] = '\0';
}

int err_set(struct err *e, int code, const char *field, const char *fmt, ...)
{
	if (!e)
		return code;
	e->code = code;
	e->http_status = 0;
	e->remote_code = 0;
	e->field[0] = '\0';
	if (field) {
		size_t n = strlen(field);
		if (n >= sizeof(e->field)) {
			memcpy(e->field, field, sizeof(e->field) - 1);
			cut_utf8(e->field, sizeof(e->field) - 1);
		} else {
			memcpy(e->field, field, n + 1);
		}
	}
	if (!fmt) {
		snprintf(e->message, sizeof(e->message), "%s", err_default_message(code));
		return code;
	}
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	if (n < 0)
		snprintf(e->message, sizeof(e->message), "%s", err_default_message(code));
	else if ((size_t)n >= sizeof(e->message))
		cut_utf8(e->message, sizeof(e->message) - 1);
	return code;
}

void err_clear(struct err *e)
{
	if (e)
		*e = (struct err)ERR_INIT;
}

int err_http_status(const struct err *e)
{
	return e->http_status ? e->http_status : err_status(e->code);
}
