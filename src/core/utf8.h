/*
 * utf8.h - UTF-8 validation and truncation on code-point boundaries.
 *
 * Input from outside (JSON bodies, query strings, onOffice answers) is
 * validated with utf8_valid before it is stored; whatever shortens a string
 * for display or logging cuts with utf8_cut so no code point is split.
 */
#ifndef IMMO_CORE_UTF8_H
#define IMMO_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF). */
bool utf8_valid(const char *s, size_t len);

/*
 * The largest n ≤ len such that s[0..n) ends on a code-point boundary, given that
 * s[0..len) is a prefix of a valid UTF-8 string. Use it to shorten: s[utf8_cut(s, k)] = 0.
 */
size_t utf8_cut(const char *s, size_t len);

/* The number of code points in valid UTF-8 s[0..len) (lengths in the spec are in characters). */
size_t utf8_chars(const char *s, size_t len);

#endif
