/*
 * text.h - code-point helpers the domain modules share: decoding UTF-8 one code
 * point at a time, and a simple case fold for matching names.
 *
 * core/utf8 validates and cuts; it has no decoder, and the domain needs one to
 * recognise Unicode spaces and dashes in phone numbers and to compare German
 * country names case-insensitively without a locale.
 */
#ifndef IMMO_DOMAIN_TEXT_H
#define IMMO_DOMAIN_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the code point that starts at s[*i] (i < len) and advances *i past it.
 * Returns the code point, or -1 for a malformed sequence (overlong, surrogate,
 * beyond U+10FFFF, truncated), in which case *i is left unchanged. Never reads
 * s[len] or beyond.
 */
int32_t text_next_cp(const char *s, size_t len, size_t *i);

/*
 * The simple lower-case fold of a code point, without a locale: ASCII A-Z,
 * Latin-1 À-Þ (but not ×), and the upper/lower pairs of Latin Extended-A
 * (U+0100-U+017F, e.g. Ł/ł, Š/š). Every other code point maps to itself, so
 * the fold is exact for German, the languages of the EU and the country table.
 */
uint32_t text_fold_cp(uint32_t cp);

/*
 * True when a[0..alen) and b[0..blen), both valid UTF-8, are equal after
 * text_fold_cp on every code point ("ÖSTERREICH" equals "Österreich").
 * Malformed input never compares equal.
 */
bool text_fold_equal(const char *a, size_t alen, const char *b, size_t blen);

#endif
