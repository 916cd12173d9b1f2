#include "core/utf8.h"

/* Length of the sequence a lead byte starts, 0 for a continuation or invalid byte. */
static size_t seq_len(unsigned char c)
{
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF)
		return 3;
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	return 0;
}

bool utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n = seq_len(c);
		if (n == 0 || n > len - i)
			return false;
		for (size_t k = 1; k < n; k++)
			if ((s[i + k] & 0xC0) != 0x80)
				return false;
		if (n == 3) {
			if (c == 0xE0 && s[i + 1] < 0xA0)
				return false; /* overlong */
			if (c == 0xED && s[i + 1] >= 0xA0)
				return false; /* UTF-16 surrogate */
		} else if (n == 4) {
			if (c == 0xF0 && s[i + 1] < 0x90)
				return false; /* overlong */
			if (c == 0xF4 && s[i + 1] >= 0x90)
				return false; /* above U+10FFFF */
		}
		i += n;
	}
	return true;
}

size_t utf8_cut(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	if (len == 0)
		return 0;
	size_t i = len;
	/* Walk back over at most three continuation bytes to the last lead byte. */
	while (i > 0 && len - i < 4 && (s[i - 1] & 0xC0) == 0x80)
		i--;
	if (i == 0)
		return 0;
	size_t lead = i - 1;
	size_t n = seq_len(s[lead]);
	if (n == 0)
		return lead; /* stray byte: drop it */
	return lead + n <= len ? len : lead;
}

size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}
