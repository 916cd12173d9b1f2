/*
 * text.h - case folding for comparisons, and the country table.
 *
 * Text comparisons in filters and searches are case-insensitive (emu/README.md).
 * SQLite's lower() and NOCASE know only ASCII, so every compared text column
 * has a folded twin computed here (normalised columns computed in C, as in
 * src/store/), and filter values are folded the same way before they are bound.
 */
#ifndef IMMO_EMU_TEXT_H
#define IMMO_EMU_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The lower-case fold of UTF-8 text s: ASCII, Latin-1 (À-Þ), Latin Extended-A
 * (Ā-ž) and ẞ → ß. Other code points and invalid bytes are copied unchanged.
 * Returns a malloc'd string the caller frees with free(), or NULL (NULL s, or
 * out of memory). The result is never longer than s.
 */
char *emu_fold(const char *s);

/* Writes the fold of s into out[0..cap); false (out "") when it does not fit. */
bool emu_fold_into(const char *s, char *out, size_t cap);

struct emu_country {
	const char *iso3; /* "DEU" */
	const char *iso2; /* "DE" */
	const char *name; /* German name, as onOffice shows it: "Deutschland" */
};

/* The table of countries the emulator knows, and its length. */
extern const struct emu_country emu_countries[];
extern const size_t emu_countries_count;

/*
 * The country for s, matched case-insensitively against ISO-3, ISO-2 and the German
 * name; NULL when unknown.
 */
const struct emu_country *emu_country_find(const char *s);

/* Text cut by a bounded format may end (or break) inside a code point; JSON needs valid
 * UTF-8, so text that is not valid UTF-8 loses its non-ASCII bytes (each becomes '?'). */
void emu_text_make_valid_utf8(char *s);

#endif
