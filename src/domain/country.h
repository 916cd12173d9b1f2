/*
 * country.h - the one table of countries: ISO 3166-1 alpha-2, alpha-3 and the
 * German name (R-B3a).
 *
 * The platform keeps countries as alpha-2 ("DE"); onOffice is sent alpha-3 on
 * create ("DEU") and the German name on modify ("Deutschland"), and answers
 * with the name unless asked for a code (onoffice-protocol §5.1). The table has
 * all 249 entries of ISO 3166-1 (from Debian's iso-codes 4.15 with its German
 * translation), with the common German short name where that translation
 * gives the formal one ("Russland", "Südkorea", "Iran") and, for some, a
 * second accepted name ("Großbritannien", "Tschechische Republik",
 * "Russische Föderation"). User-assigned codes such as XK (Kosovo) are not in
 * it. Lookups are pure and thread-safe; returned entries are static.
 */
#ifndef IMMO_DOMAIN_COUNTRY_H
#define IMMO_DOMAIN_COUNTRY_H

#include <stddef.h>

struct country {
	const char *alpha2;   /* "DE" */
	const char *alpha3;   /* "DEU" */
	const char *name_de;  /* "Deutschland": what onOffice shows and modify takes */
	const char *alias_de; /* another German name accepted on lookup, or NULL */
};

/* The number of entries, and entry i (0 ≤ i < country_count()) in alpha-2 order. */
size_t country_count(void);
const struct country *country_at(size_t i);

/* The entry for a code, letters compared case-insensitively ("de", "DE"); NULL
 * for NULL, unknown codes or any other length. */
const struct country *country_by_alpha2(const char *code);
const struct country *country_by_alpha3(const char *code);

/* The entry whose German name or alias equals name, compared case-insensitively
 * with Umlauts folded too ("ÖSTERREICH"); NULL when none. */
const struct country *country_by_name_de(const char *name);

/*
 * The entry for text given as alpha-2, alpha-3 or German name, as onOffice's
 * `Land` may hold any of them. Surrounding spaces are ignored. NULL when text
 * is NULL, empty or none of the three.
 */
const struct country *country_from_any(const char *text);

#endif
