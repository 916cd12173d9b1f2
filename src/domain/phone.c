#include "domain/phone.h"

#include "core/err.h"
#include "core/utf8.h"
#include "domain/text.h"

#include <string.h>

#define SCAN_DIGITS_MAX 20 /* more digits than E.164 allows even with 00 and a trunk 0 */

/*
 * ITU-T E.164 country calling codes in service (assigned and not spare), as
 * one string of space-separated codes. The set is a prefix code: no code is
 * the prefix of another, so the first match of length 1, 2 or 3 is the code.
 */
static const char calling_codes[] =
    " 1 7"
    " 20 27 30 31 32 33 34 36 39 40 41 43 44 45 46 47 48 49 51 52 53 54 55 56 57 58"
    " 60 61 62 63 64 65 66 81 82 84 86 90 91 92 93 94 95 98"
    " 211 212 213 216 218 220 221 222 223 224 225 226 227 228 229"
    " 230 231 232 233 234 235 236 237 238 239 240 241 242 243 244 245 246 247 248 249"
    " 250 251 252 253 254 255 256 257 258 260 261 262 263 264 265 266 267 268 269"
    " 290 291 297 298 299 350 351 352 353 354 355 356 357 358 359"
    " 370 371 372 373 374 375 376 377 378 379 380 381 382 383 385 386 387 389"
    " 420 421 423 500 501 502 503 504 505 506 507 508 509"
    " 590 591 592 593 594 595 596 597 598 599 670 672 673 674 675 676 677 678 679"
    " 680 681 682 683 685 686 687 688 689 690 691 692"
    " 800 808 850 852 853 855 856 870 878 880 881 882 883 886 888"
    " 960 961 962 963 964 965 966 967 968 970 971 972 973 974 975 976 977 979"
    " 992 993 994 995 996 998 ";

/* Lengths of the national significant number where a country fixes them; trunk: the
 * country dials a trunk 0 nationally and no national number starts with 0. */
struct nsn_rule {
	const char *cc;
	unsigned char min, max;
	bool trunk0;
};

static const struct nsn_rule nsn_rules[] = {
    {"49", 6, 13, true},  /* Germany; mobile and 10x/11x refinements in check_de */
    {"43", 4, 13, true},  /* Austria */
    {"41", 9, 9, true},   /* Switzerland */
    {"31", 9, 9, true},   /* Netherlands */
    {"32", 8, 9, true},   /* Belgium */
    {"33", 9, 9, true},   /* France */
    {"44", 7, 10, true},  /* United Kingdom */
    {"90", 10, 10, true}, /* Türkiye */
    {"1", 10, 10, false}, /* NANP; area code and exchange checked in check_nanp */
    {"34", 9, 9, false},  /* Spain */
    {"45", 8, 8, false},  /* Denmark */
    {"48", 9, 9, false},  /* Poland */
    {"420", 9, 9, false}, /* Czechia */
    {"39", 6, 11, false}, /* Italy: landlines keep their 0 */
};

/* Countries whose national numbers may start with 0: a "(0)" there is part of the number. */
static bool keeps_zero(const char *cc, size_t cclen)
{
	return (cclen == 2 && memcmp(cc, "39", 2) == 0) ||
	       (cclen == 3 && (memcmp(cc, "378", 3) == 0 || memcmp(cc, "379", 3) == 0));
}

static size_t calling_code_len(const char *d, size_t n)
{
	for (size_t len = 1; len <= 3 && len <= n; len++) {
		char key[6] = " ";
		memcpy(key + 1, d, len);
		key[len + 1] = ' ';
		key[len + 2] = '\0';
		if (strstr(calling_codes, key))
			return len;
	}
	return 0;
}

static const struct nsn_rule *rule_for(const char *cc, size_t cclen)
{
	for (size_t i = 0; i < sizeof(nsn_rules) / sizeof(nsn_rules[0]); i++)
		if (strlen(nsn_rules[i].cc) == cclen && memcmp(nsn_rules[i].cc, cc, cclen) == 0)
			return &nsn_rules[i];
	return NULL;
}

static bool is_space(int32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == 0xA0 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

static bool is_separator(int32_t cp)
{
	return is_space(cp) || cp == '-' || cp == '/' || cp == '.' ||
	       (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212;
}

/* What the scanner found: the digits in order, whether a '+' led them, where a "(0)"
 * group stood (index into digits, -1 when none) and a marked extension. */
struct scan {
	char digits[SCAN_DIGITS_MAX + 1];
	size_t n;
	bool plus;
	long zero_group;
	char ext[PHONE_EXT_MAX];
};

static bool ascii_prefix_ci(const char *s, size_t len, const char *word)
{
	size_t w = strlen(word);
	if (w > len)
		return false;
	for (size_t i = 0; i < w; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c + 32);
		if (c != word[i])
			return false;
	}
	return true;
}

/*
 * s[0..len) starts at the first character that is neither a digit nor a separator.
 * Accepts it only as an extension marker, an optional '.' or ':', spaces, 1-7 digits
 * and trailing spaces; stores the digits in sc->ext.
 */
static bool scan_extension(const char *s, size_t len, struct scan *sc)
{
	static const char *const markers[] = {"extension", "durchwahl", "ext", "dw", "x", "#"};
	size_t i = 0;
	for (size_t m = 0; m < sizeof(markers) / sizeof(markers[0]) && i == 0; m++)
		if (ascii_prefix_ci(s, len, markers[m]))
			i = strlen(markers[m]);
	if (i == 0 || sc->n == 0)
		return false;
	if (i < len && (s[i] == '.' || s[i] == ':'))
		i++;
	size_t nd = 0;
	int part = 0; /* 0: spaces before the digits, 1: digits, 2: spaces after them */
	while (i < len) {
		int32_t cp = text_next_cp(s, len, &i);
		if (cp >= '0' && cp <= '9' && part < 2) {
			if (nd + 1 >= PHONE_EXT_MAX)
				return false;
			sc->ext[nd++] = (char)cp;
			part = 1;
		} else if (is_space(cp)) {
			if (part == 1)
				part = 2;
		} else {
			return false;
		}
	}
	sc->ext[nd] = '\0';
	return nd > 0;
}

static bool scan(const char *raw, size_t len, struct scan *sc)
{
	memset(sc, 0, sizeof(*sc));
	sc->zero_group = -1;
	bool in_paren = false;
	size_t paren_start = 0;
	size_t i = 0;
	while (i < len) {
		size_t at = i;
		int32_t cp = text_next_cp(raw, len, &i);
		if (cp < 0)
			return false;
		if (cp >= '0' && cp <= '9') {
			if (sc->n >= SCAN_DIGITS_MAX)
				return false;
			sc->digits[sc->n++] = (char)cp;
		} else if (is_separator(cp)) {
			continue;
		} else if (cp == '+') {
			if (sc->plus || sc->n > 0)
				return false;
			sc->plus = true;
		} else if (cp == '(') {
			if (in_paren)
				return false;
			in_paren = true;
			paren_start = sc->n;
		} else if (cp == ')') {
			if (!in_paren || sc->n == paren_start)
				return false;
			in_paren = false;
			if (sc->n - paren_start == 1 && sc->digits[paren_start] == '0')
				sc->zero_group = (long)paren_start;
		} else {
			if (in_paren || !scan_extension(raw + at, len - at, sc))
				return false;
			break;
		}
	}
	sc->digits[sc->n] = '\0';
	return !in_paren && sc->n > 0;
}

/* German national significant numbers (the digits after +49). */
static bool check_de(const char *nsn, size_t n)
{
	if (nsn[0] == '1') {
		if (nsn[1] == '0' || nsn[1] == '1')
			return false; /* 010xx carrier selection, 11x short codes */
		if (nsn[1] == '5' || nsn[1] == '6' || nsn[1] == '7')
			return n >= 10 && n <= 11; /* mobile */
	}
	return true;
}

/* NANP: NPA-NXX-XXXX, area code and exchange start with 2-9. */
static bool check_nanp(const char *nsn)
{
	return nsn[0] >= '2' && nsn[3] >= '2';
}

/* Checks a national significant number against its country's rules and writes
 * "+" cc nsn into out. */
static bool emit(const char *cc, size_t cclen, const char *nsn, char out[PHONE_E164_MAX])
{
	size_t nsnlen = strlen(nsn);
	const struct nsn_rule *r = rule_for(cc, cclen);
	if (cclen + nsnlen > 15 || cclen + nsnlen < 7)
		return false;
	if (r) {
		if (nsnlen < r->min || nsnlen > r->max)
			return false;
		if (r->trunk0 && nsn[0] == '0')
			return false;
	} else if (nsnlen < 4) {
		return false;
	}
	if (cclen == 2 && memcmp(cc, "49", 2) == 0 && !check_de(nsn, nsnlen))
		return false;
	if (cclen == 1 && cc[0] == '1' && !check_nanp(nsn))
		return false;
	out[0] = '+';
	memcpy(out + 1, cc, cclen);
	memcpy(out + 1 + cclen, nsn, nsnlen + 1);
	return true;
}

/* Digits after "+" or "00": country code, then the national number, with a trunk 0
 * ("(0)" at zero_group, or bare where the country dials one) dropped. */
static bool interpret_international(const char *d, size_t n, long zero_group,
                                    char out[PHONE_E164_MAX])
{
	if (n == 0 || d[0] == '0')
		return false;
	size_t cclen = calling_code_len(d, n);
	if (cclen == 0)
		return false;
	const char *nsn = d + cclen;
	const struct nsn_rule *rule = rule_for(d, cclen);
	if (zero_group == (long)cclen && !keeps_zero(d, cclen))
		nsn++; /* "+49 (0)241" */
	else if (rule && rule->trunk0 && nsn[0] == '0')
		nsn++; /* "+49 0241" */
	return emit(d, cclen, nsn, out);
}

static bool interpret(const struct scan *sc, char out[PHONE_E164_MAX])
{
	const char *d = sc->digits;
	if (sc->plus)
		return interpret_international(d, sc->n, sc->zero_group, out);
	if (sc->n >= 2 && d[0] == '0' && d[1] == '0')
		return interpret_international(d + 2, sc->n - 2, sc->zero_group - 2, out);
	if (sc->n >= 2 && d[0] == '0')
		return emit("49", 2, d + 1, out); /* national German form */
	return false; /* neither country code nor trunk 0: the area code is unknown */
}

int phone_parse(const char *raw, struct phone_number *out)
{
	struct scan sc;
	memset(out, 0, sizeof(*out));
	if (!raw)
		return ERR_INVALID_ARG;
	size_t len = strlen(raw);
	if (len > PHONE_RAW_MAX || !utf8_valid(raw, len))
		return ERR_INVALID_ARG;
	if (!scan(raw, len, &sc) || !interpret(&sc, out->e164)) {
		memset(out, 0, sizeof(*out));
		return ERR_INVALID_ARG;
	}
	memcpy(out->ext, sc.ext, sizeof(out->ext));
	return 0;
}

int phone_normalize(const char *raw, char *e164, size_t cap)
{
	struct phone_number p;
	if (cap > 0)
		e164[0] = '\0';
	if (cap < PHONE_E164_MAX || phone_parse(raw, &p) != 0)
		return ERR_INVALID_ARG;
	memcpy(e164, p.e164, strlen(p.e164) + 1);
	return 0;
}

/* The ASCII digits of s, at most cap - 1 of them; false when s has none or too many. */
static bool digits_only(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			continue;
		if (n + 1 >= cap)
			return false;
		out[n++] = *s;
	}
	out[n] = '\0';
	return n > 0;
}

bool phone_same(const char *a_raw, const char *b_raw)
{
	if (!a_raw || !b_raw)
		return false;
	struct phone_number a, b;
	if (phone_parse(a_raw, &a) == 0 && phone_parse(b_raw, &b) == 0)
		return strcmp(a.e164, b.e164) == 0 && strcmp(a.ext, b.ext) == 0;
	char da[PHONE_RAW_MAX + 1], db[PHONE_RAW_MAX + 1];
	if (!digits_only(a_raw, da, sizeof(da)) || !digits_only(b_raw, db, sizeof(db)))
		return false;
	return strcmp(da, db) == 0;
}
