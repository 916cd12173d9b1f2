#include "domain/email.h"

#include <string.h>

#include "core/utf8.h"
#include "domain/text.h"

static bool local_ok(const char *s, size_t n)
{
	if (n == 0 || n > 64 || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0x7f || strchr("\"(),:;<>[\\]", c))
			return false;
		if (c == '.' && i + 1 < n && s[i + 1] == '.')
			return false;
	}
	return true;
}

static bool label_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63 || s[0] == '-' || s[n - 1] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool ascii_ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		                (c >= '0' && c <= '9') || c == '-';
		if (!ascii_ok && c < 0x80)
			return false;
	}
	return true;
}

static bool domain_ok(const char *s, size_t n)
{
	size_t labels = 0, start = 0, last_len = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] != '.')
			continue;
		if (!label_ok(s + start, i - start))
			return false;
		last_len = i - start;
		labels++;
		start = i + 1;
	}
	return labels >= 2 && last_len >= 2;
}

/* Unicode spaces and separators that must not hide inside an address. */
static bool unicode_space(int32_t cp)
{
	return cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000 || cp == 0xFEFF;
}

/* Code points that show nothing, turn the text around or are not characters at all:
 * two addresses that look the same must be the same (issue #16). Format controls (bidi,
 * zero-width, word joiner, BOM, tags), fillers, variation selectors, private use,
 * noncharacters and the specials block. */
static bool invisible(int32_t cp)
{
	static const struct {
		int32_t lo, hi;
	} ranges[] = {
	    {0x00AD, 0x00AD},   {0x034F, 0x034F},   {0x061C, 0x061C},    {0x115F, 0x1160},
	    {0x17B4, 0x17B5},   {0x180B, 0x180F},   {0x200B, 0x200F},    {0x202A, 0x202E},
	    {0x2060, 0x206F},   {0x3164, 0x3164},   {0xE000, 0xF8FF},    {0xFDD0, 0xFDEF},
	    {0xFE00, 0xFE0F},   {0xFEFF, 0xFEFF},   {0xFFA0, 0xFFA0},    {0xFFF0, 0xFFFF},
	    {0x1D173, 0x1D17A}, {0xE0000, 0xE0FFF}, {0xF0000, 0x10FFFF},
	};
	for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
		if (cp >= ranges[i].lo && cp <= ranges[i].hi)
			return true;
	return (cp & 0xFFFE) == 0xFFFE; /* U+nFFFE and U+nFFFF: noncharacters in every plane */
}

/* Symbols and pictographs that IDNA 2008 does not allow in a domain (emoji domains). */
static bool symbol(int32_t cp)
{
	return (cp >= 0x2190 && cp <= 0x2BFF) || (cp >= 0x1F000 && cp <= 0x1FAFF);
}

bool email_valid(const char *s, size_t len)
{
	if (len == 0 || len >= EMAIL_KEY_MAX || !utf8_valid(s, len) || memchr(s, '\0', len) ||
	    utf8_chars(s, len) > EMAIL_MAX)
		return false;
	const char *at = memchr(s, '@', len);
	for (size_t i = 0; i < len;) {
		bool in_domain = at && i > (size_t)(at - s);
		int32_t cp = text_next_cp(s, len, &i);
		if (cp < 0 || unicode_space(cp) || invisible(cp) || (in_domain && symbol(cp)))
			return false;
	}
	if (!at || memchr(at + 1, '@', len - (size_t)(at - s) - 1))
		return false;
	size_t local = (size_t)(at - s);
	return local_ok(s, local) && domain_ok(at + 1, len - local - 1);
}

/* Encodes cp as UTF-8 into out; returns the byte count. */
static size_t put_utf8(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

bool email_norm(const char *s, size_t len, char *out, size_t cap)
{
	size_t n = 0;
	for (size_t i = 0; i < len;) {
		int32_t cp = text_next_cp(s, len, &i);
		char enc[4];
		if (cp < 0)
			return false;
		size_t k = put_utf8(text_fold_cp((uint32_t)cp), enc);
		if (n + k + 1 > cap)
			return false;
		memcpy(out + n, enc, k);
		n += k;
	}
	if (n + 1 > cap)
		return false;
	out[n] = '\0';
	return true;
}
