/* Case folding and countries (text.h). */
#include "text.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/utf8.h"

/* The lower-case code point of cp for the ranges text.h names; cp itself otherwise. */
static uint32_t fold_cp(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x137 && cp != 0x130)
		return cp | 1;
	if (cp >= 0x139 && cp <= 0x148)
		return (cp & 1) ? cp + 1 : cp;
	if (cp >= 0x14A && cp <= 0x177)
		return cp | 1;
	if (cp == 0x178)
		return 0xFF;
	if (cp >= 0x179 && cp <= 0x17E)
		return (cp & 1) ? cp + 1 : cp;
	if (cp == 0x1E9E)
		return 0xDF;
	return cp;
}

/* Encodes cp (< 0x800 here) at out; returns the bytes written. */
static size_t put_cp(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	out[0] = (char)(0xC0 | (cp >> 6));
	out[1] = (char)(0x80 | (cp & 0x3F));
	return 2;
}

/* Folds s[0..n) into out, which holds at least n + 1 bytes. */
static void fold_bytes(const unsigned char *s, size_t n, char *out)
{
	size_t i = 0, o = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			out[o++] = (char)fold_cp(c);
			i++;
		} else if ((c & 0xE0) == 0xC0 && i + 1 < n && (s[i + 1] & 0xC0) == 0x80) {
			uint32_t cp = ((uint32_t)(c & 0x1F) << 6) | (s[i + 1] & 0x3F);
			uint32_t f = cp >= 0x80 ? fold_cp(cp) : cp;
			if (f >= 0x80 && f < 0x800) {
				o += put_cp(f, out + o);
			} else {
				out[o++] = (char)s[i];
				out[o++] = (char)s[i + 1];
			}
			i += 2;
		} else if (c == 0xE1 && i + 2 < n && s[i + 1] == 0xBA && s[i + 2] == 0x9E) {
			o += put_cp(0xDF, out + o); /* ẞ → ß */
			i += 3;
		} else {
			out[o++] = (char)c;
			i++;
		}
	}
	out[o] = '\0';
}

char *emu_fold(const char *s)
{
	if (!s)
		return NULL;
	size_t n = strlen(s);
	char *out = malloc(n + 1);
	if (out)
		fold_bytes((const unsigned char *)s, n, out);
	return out;
}

bool emu_fold_into(const char *s, char *out, size_t cap)
{
	size_t n = strlen(s);
	if (cap == 0)
		return false;
	if (n + 1 > cap) {
		out[0] = '\0';
		return false;
	}
	fold_bytes((const unsigned char *)s, n, out);
	return true;
}

const struct emu_country emu_countries[] = {
    {"DEU", "DE", "Deutschland"}, {"AUT", "AT", "Österreich"},
    {"CHE", "CH", "Schweiz"},     {"LIE", "LI", "Liechtenstein"},
    {"LUX", "LU", "Luxemburg"},   {"NLD", "NL", "Niederlande"},
    {"BEL", "BE", "Belgien"},     {"FRA", "FR", "Frankreich"},
    {"ITA", "IT", "Italien"},     {"ESP", "ES", "Spanien"},
    {"PRT", "PT", "Portugal"},    {"DNK", "DK", "Dänemark"},
    {"SWE", "SE", "Schweden"},    {"NOR", "NO", "Norwegen"},
    {"FIN", "FI", "Finnland"},    {"POL", "PL", "Polen"},
    {"CZE", "CZ", "Tschechien"},  {"SVK", "SK", "Slowakei"},
    {"HUN", "HU", "Ungarn"},      {"SVN", "SI", "Slowenien"},
    {"HRV", "HR", "Kroatien"},    {"ROU", "RO", "Rumänien"},
    {"BGR", "BG", "Bulgarien"},   {"GRC", "GR", "Griechenland"},
    {"TUR", "TR", "Türkei"},      {"GBR", "GB", "Vereinigtes Königreich"},
    {"IRL", "IE", "Irland"},      {"USA", "US", "Vereinigte Staaten"},
    {"CAN", "CA", "Kanada"},      {"AUS", "AU", "Australien"},
    {"RUS", "RU", "Russland"},    {"UKR", "UA", "Ukraine"},
    {"CHN", "CN", "China"},       {"JPN", "JP", "Japan"},
};

const size_t emu_countries_count = sizeof(emu_countries) / sizeof(emu_countries[0]);

const struct emu_country *emu_country_find(const char *s)
{
	if (!s || !*s)
		return NULL;
	char want[96];
	if (!emu_fold_into(s, want, sizeof(want)))
		return NULL;
	for (size_t i = 0; i < emu_countries_count; i++) {
		const struct emu_country *c = &emu_countries[i];
		char name[96];
		if (strcasecmp(s, c->iso3) == 0 || strcasecmp(s, c->iso2) == 0)
			return c;
		if (emu_fold_into(c->name, name, sizeof(name)) && strcmp(want, name) == 0)
			return c;
	}
	return NULL;
}

/* Text cut by a bounded format may end (or, with %.80s, break) inside a code point; JSON
 * needs valid UTF-8, so such text loses its non-ASCII bytes instead. */
void emu_text_make_valid_utf8(char *s)
{
	if (utf8_valid(s, strlen(s)))
		return;
	for (; *s; s++) {
		if ((unsigned char)*s >= 0x80)
			*s = '?';
	}
}
