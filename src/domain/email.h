/*
 * email.h - e-mail address syntax and the normal form used as identity.
 *
 * The rule is pragmatic, not RFC 5322: what a landing page or onOffice holds
 * and an SMTP server accepts. An address is valid when it has at most 100
 * characters (onOffice's limit), exactly one '@', a local part of 1–64 bytes
 * without spaces (Unicode spaces included), control characters or any of
 * "(),:;<>[\] and without a
 * leading, trailing or doubled dot, and a domain of at least two dot-separated
 * labels of letters, digits, '-' or non-ASCII (IDN) bytes, no label starting
 * or ending with '-', the last label at least 2 long. UTF-8 must be valid, and
 * no code point may be invisible or not a character (bidi and other format
 * controls such as U+202E, zero-width ones, tag characters U+E0000–U+E0FFF,
 * variation selectors, private use, noncharacters; issue #16), nor a symbol or
 * pictograph in the domain (emoji domains, which IDNA 2008 refuses).
 *
 * Identity (lead keys, duplicate search) compares the normal form: every code
 * point case-folded with domain/text.h (ASCII, Latin-1, Latin Extended-A), so
 * "ÄNNE@x.de" and "änne@x.de" are one lead (SQLite's lower() and NOCASE are
 * ASCII-only, so C decides). The fold keeps each code point's UTF-8 length.
 */
#ifndef IMMO_DOMAIN_EMAIL_H
#define IMMO_DOMAIN_EMAIL_H

#include <stdbool.h>
#include <stddef.h>

#define EMAIL_MAX     100                 /* characters */
#define EMAIL_KEY_MAX (EMAIL_MAX * 4 + 1) /* bytes of a normal form, NUL included */

bool email_valid(const char *s, size_t len);

/* Writes the normal form of s[0..len) (valid UTF-8) into out (cap ≥ len + 1). false if it
 * does not fit or s is malformed. */
bool email_norm(const char *s, size_t len, char *out, size_t cap);

#endif
