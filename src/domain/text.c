#include "domain/text.h"

int32_t text_next_cp(const char *str, size_t len, size_t *i)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t p = *i;
	if (p >= len)
		return -1;
	unsigned char c = s[p];
	size_t n;
	uint32_t cp, min;
	if (c < 0x80) {
		*i = p + 1;
		return c;
	} else if (c >= 0xC2 && c <= 0xDF) {
		n = 2, cp = c & 0x1F, min = 0x80;
	} else if (c >= 0xE0 && c <= 0xEF) {
		n = 3, cp = c & 0x0F, min = 0x800;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4, cp = c & 0x07, min = 0x10000;
	} else {
		return -1;
	}
	if (n > len - p)
		return -1;
	for (size_t k = 1; k < n; k++) {
		if ((s[p + k] & 0xC0) != 0x80)
			return -1;
		cp = (cp << 6) | (s[p + k] & 0x3F);
	}
	if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*i = p + n;
	return (int32_t)cp;
}

uint32_t text_fold_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp == 0x178) /* Ÿ, the one upper case of Latin Extended-A whose lower is Latin-1 */
		return 0xFF;
	if (cp >= 0x100 && cp <= 0x17F) {
		/* Latin Extended-A pairs upper/lower as even/odd, except in the ranges
		 * U+0139-U+0148 and U+0179-U+017E, where the upper case is odd; U+0130,
		 * U+0131, U+0138, U+0149 and U+017F have no simple pair here. */
		if (cp == 0x130 || cp == 0x131 || cp == 0x138 || cp == 0x149 || cp == 0x17F)
			return cp;
		if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E))
			return (cp & 1) ? cp + 1 : cp;
		return (cp & 1) ? cp : cp + 1;
	}
	return cp;
}

bool text_fold_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t i = 0, j = 0;
	while (i < alen && j < blen) {
		int32_t x = text_next_cp(a, alen, &i);
		int32_t y = text_next_cp(b, blen, &j);
		if (x < 0 || y < 0)
			return false;
		if (text_fold_cp((uint32_t)x) != text_fold_cp((uint32_t)y))
			return false;
	}
	return i == alen && j == blen;
}
