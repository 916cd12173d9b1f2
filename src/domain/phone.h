/*
 * phone.h - phone numbers in E.164 form, default region Germany (R-B4).
 *
 * Contacts keep every phone number as it was written (the raw form) and, when
 * it can be understood, its E.164 form ("+492411234"); numbers are compared
 * and deduplicated on the E.164 form. What is understood:
 *
 *   - separators anywhere between digits: spaces (also U+00A0, U+2000-U+200A,
 *     U+202F, U+205F, U+3000, tab), '-', the Unicode dashes U+2010-U+2015 and
 *     U+2212, '/', '.', and one level of parentheses: "(0241) 123 45";
 *   - international form "+CC …" or "00CC …" with an ITU-assigned country
 *     code; a "(0)" right after the country code is the trunk prefix and is
 *     dropped ("+49 (0)241 12345"), except for Italy, San Marino and the
 *     Vatican, whose national numbers keep their 0. For countries that dial a
 *     trunk 0 nationally (DE, AT, CH, NL, BE, FR, GB, TR) a bare 0 after the
 *     country code ("+49 0241 …") is dropped too;
 *   - national German form: 0 then a non-zero digit ("0241 12345" →
 *     +4924112345). A number with neither a leading 0 nor + / 00 ("2411234")
 *     is refused: its area code is unknown;
 *   - a DIN 5008 extension written with a dash ("0241 12345-12") is part of
 *     the dialable number (digits are joined: +492411234512). An extension
 *     with a marker ("ext", "ext.", "extension", "x", "dw", "durchwahl" or
 *     "#", case-insensitive, then 1-7 digits at the end) is not dialable, so
 *     it is split off: the E.164 form is the main number, the extension is
 *     reported separately (phone_parse) and compared by phone_same.
 *
 * Checks: at most 15 digits (E.164); German national significant numbers
 * (after +49) have 6-13 digits and do not start with 0, 10 (carrier
 * selection) or 11 (short codes: 110, 112, 116xxx, 118xx); mobile numbers
 * 015x/016x/017x have 10-11 digits after the 0. Service numbers 0800, 0180x,
 * 0900, 0137 … are ordinary German numbers here (+49800…). Foreign national
 * numbers have per-country lengths where they are fixed (NANP 10 with area
 * code and exchange starting 2-9, CH/NL/FR/ES/PL/CZ 9, DK 8, TR 10, …) and
 * 4 digits at least otherwise. Letters (other than an extension marker) and
 * any other character make the number unparseable.
 *
 * Everything here is pure: no locale, no allocation, thread-safe.
 */
#ifndef IMMO_DOMAIN_PHONE_H
#define IMMO_DOMAIN_PHONE_H

#include <stdbool.h>
#include <stddef.h>

#define PHONE_E164_MAX 17  /* '+', at most 15 digits, NUL */
#define PHONE_EXT_MAX  8   /* at most 7 digits, NUL */
#define PHONE_RAW_MAX  256 /* longer input is refused without looking at it */

struct phone_number {
	char e164[PHONE_E164_MAX]; /* "+492411234" */
	char ext[PHONE_EXT_MAX];   /* "12" after "ext. 12", "" when none */
};

/*
 * Parses the NUL-terminated raw into *out. Returns 0, or ERR_INVALID_ARG when
 * raw is NULL, not valid UTF-8, longer than PHONE_RAW_MAX bytes or not a
 * phone number by the rules above (then *out is all "").
 */
int phone_parse(const char *raw, struct phone_number *out);

/*
 * Writes the E.164 form of raw (without any marked extension) into
 * e164[0..cap) and returns 0, or returns ERR_INVALID_ARG and leaves "" (when
 * cap > 0) if raw is unparseable or cap < PHONE_E164_MAX. The result starts
 * with '+', has 7-15 digits after it and normalises to itself again.
 */
int phone_normalize(const char *raw, char *e164, size_t cap);

/*
 * True when two raw numbers are the same line: when both parse, their E.164
 * forms and their marked extensions are equal. When either does not parse,
 * their ASCII digits (everything else dropped) are compared, so the same
 * unparseable text still matches itself; a text without any digit, or NULL,
 * is never the same as anything.
 */
bool phone_same(const char *a_raw, const char *b_raw);

#endif
