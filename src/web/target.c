#include "web/target.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"

bool target_is_ctl(unsigned char c)
{
	return c < 0x20 || c == 0x7f;
}

/* The byte that starts at raw[*i] (a "%XX" escape or the byte itself); moves *i past it.
 * *escaped tells which it was, for the error message. */
static unsigned char next_byte(const char *raw, size_t n, size_t *i, bool *escaped)
{
	size_t at = *i;
	unsigned char byte;
	if (raw[at] == '%' && n - at >= 3 &&
	    crypto_hex_decode(raw + at + 1, 2, &byte, 1, NULL) == ERR_OK) {
		*i = at + 3;
		*escaped = true;
		return byte;
	}
	*i = at + 1;
	*escaped = false;
	return (unsigned char)raw[at];
}

/* "%00" or "a byte 0x01", for messages: what the client sent, visible. */
static void describe(unsigned char c, bool escaped, char *out, size_t cap)
{
	if (escaped)
		snprintf(out, cap, "%%%02X", c);
	else
		snprintf(out, cap, "a raw byte 0x%02X", c);
}

int target_decode_path(const char *raw, size_t n, char *out, size_t cap, size_t *out_len,
                       struct err *e)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t at = i;
		bool escaped;
		unsigned char c = next_byte(raw, n, &i, &escaped);
		if (target_is_ctl(c)) {
			char what[24];
			describe(c, escaped, what, sizeof(what));
			return err_set(e, ERR_INVALID_ARG, "path",
			               "the path holds a control character (%s at byte %zu)", what,
			               at);
		}
		if (o + 1 >= cap)
			return err_set(e, ERR_TOO_LARGE, "path", "the path is too long");
		out[o++] = (char)c;
	}
	if (o >= cap)
		return err_set(e, ERR_TOO_LARGE, "path", "the path is too long");
	out[o] = '\0';
	*out_len = o;
	return ERR_OK;
}

/* The decoded name of the parameter raw[0..n) ('=' ends it) into out, when it is printable
 * and fits; else false. */
static bool param_name(const char *raw, size_t n, char *out, size_t cap)
{
	const char *eq = memchr(raw, '=', n);
	size_t kn = eq ? (size_t)(eq - raw) : n;
	size_t o = 0;
	for (size_t i = 0; i < kn;) {
		bool escaped;
		unsigned char c = next_byte(raw, kn, &i, &escaped);
		if (c < 0x20 || c >= 0x7f || o + 1 >= cap) /* printable ASCII: it goes into JSON */
			return false;
		out[o++] = c == '+' && !escaped ? ' ' : (char)c;
	}
	out[o] = '\0';
	return o > 0;
}

int target_check_query(const char *raw, size_t n, struct err *e)
{
	size_t start = 0;
	for (size_t i = 0; i < n;) {
		if (raw[i] == '&') {
			start = ++i;
			continue;
		}
		bool escaped;
		size_t at = i;
		unsigned char c = next_byte(raw, n, &i, &escaped);
		if (!target_is_ctl(c))
			continue;
		const char *amp = memchr(raw + start, '&', n - start);
		size_t plen = amp ? (size_t)(amp - (raw + start)) : n - start;
		char name[64], field[80], what[24];
		describe(c, escaped, what, sizeof(what));
		if (param_name(raw + start, plen, name, sizeof(name)))
			snprintf(field, sizeof(field), "query.%s", name);
		else
			snprintf(field, sizeof(field), "query");
		return err_set(e, ERR_INVALID_ARG, field,
		               "the query holds a control character (%s at byte %zu)", what, at);
	}
	return ERR_OK;
}

char *target_escape(const char *p, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++)
		len += target_is_ctl((unsigned char)p[i]) ? 3 : 1;
	char *out = malloc(len + 1);
	if (!out)
		return NULL;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (target_is_ctl(c)) {
			snprintf(out + o, 4, "%%%02X", c);
			o += 3;
		} else {
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return out;
}
