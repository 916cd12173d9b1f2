/*
 * property.h - the one table of property types and subtypes (requirements §8.1) with
 * their onOffice estate keys (onoffice-protocol §7) and German labels.
 *
 * The platform speaks of a property_type (house, apartment, plot, commercial)
 * and optionally a property_subtype that belongs to it. Each row maps one
 * (type, subtype) pair, or a type alone (subtype NULL), to onOffice's
 * `objektart`, `objekttyp` (NULL when the type alone says nothing more) and
 * `nutzungsart`, and carries the German label used in texts. The onOffice keys
 * are our decision (UNCERTAIN in onoffice-protocol §7: the account's `fields` with
 * `showfielddependencies` is the authority); the export checks them against
 * the account and leaves `objekttyp` out when the account lacks it. The same
 * table is printed in src/domain/README.md. Entries are static; lookups are
 * pure and thread-safe.
 */
#ifndef IMMO_DOMAIN_PROPERTY_H
#define IMMO_DOMAIN_PROPERTY_H

#include <stdbool.h>
#include <stddef.h>

struct property_kind {
	const char *type;        /* "house" */
	const char *subtype;     /* "villa", or NULL for the type's own row */
	const char *objektart;   /* "haus" */
	const char *objekttyp;   /* "villa", or NULL */
	const char *nutzungsart; /* "wohnen" or "gewerbe" */
	const char *label_de;    /* "Villa"; for a type row "Haus" */
};

/* The number of rows, and row i (0 ≤ i < property_count()): each type row is
 * followed by the rows of its subtypes. */
size_t property_count(void);
const struct property_kind *property_at(size_t i);

/*
 * The row of type and subtype, compared exactly (the API's values are lower
 * case). subtype NULL gives the type's own row. NULL when the type is unknown,
 * the subtype is unknown or belongs to another type.
 */
const struct property_kind *property_lookup(const char *type, const char *subtype);

/* True when type is one of house, apartment, plot, commercial. */
bool property_type_valid(const char *type);

/* True when subtype is a subtype of type (both non-NULL). */
bool property_subtype_valid(const char *type, const char *subtype);

/* The German label of a type ("Haus", "Wohnung", "Grundstück", "Gewerbe") or of
 * a subtype of it ("Einfamilienhaus"); NULL when property_lookup gives NULL. */
const char *property_label_de(const char *type, const char *subtype);

/* Writes the subtypes of type, comma-separated ("office, retail, warehouse"), into
 * out[0..cap) for messages and returns the length; 0 and "" for an unknown type or
 * when cap is too small (PROPERTY_LIST_MAX always suffices). */
#define PROPERTY_LIST_MAX 160
size_t property_subtypes_list(const char *type, char *out, size_t cap);

#endif
