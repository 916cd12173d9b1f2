/*
 * jsonv.h - table-driven validation of parsed JSON with dotted field paths.
 *
 * jansson's json_unpack_ex says what is wrong but not where, and the API must
 * name the field ("conversion.details.price.min", requirements §8.1). A schema here is
 * a table of struct jsonv_field rows per object; jsonv_validate walks a parsed
 * document against it and stops at the first problem, reporting
 * ERR_INVALID_FIELD with the path in e->field and an English message such as
 * "must be at most 80 characters".
 *
 * Rules, the same at every level:
 *   - a key that the table does not list is refused ("unknown field"), before
 *     any member is looked at; members are then checked in table order, so
 *     the first error is deterministic and a member may rely on the ones
 *     listed before it (see fields_for);
 *   - null counts as absent, and so does "" for an optional string; absent
 *     optional members are removed from the document, as are optional objects
 *     that end up empty, so what is left is the normalised input;
 *   - types are strict: a string is a JSON string, an integer a JSON integer
 *     (2.0 is not one), a number an integer or a real, a bool true or false;
 *   - strings are counted in code points (jansson has checked UTF-8 on parse);
 *     a required one must contain something other than spaces; control
 *     characters (C0, DEL, C1, U+2028, U+2029) are refused, except that
 *     JSONV_MULTILINE strings may hold tab, CR and LF.
 *
 * The document is changed in place (removals, and whatever a check hook
 * normalises), so validate a document you own.
 */
#ifndef IMMO_DOMAIN_JSONV_H
#define IMMO_DOMAIN_JSONV_H

#include <jansson.h>
#include <stddef.h>

#include "core/err.h"

#define JSONV_PATH_MAX 128 /* the size of struct err's field */

enum jsonv_kind { JSONV_STRING, JSONV_BOOL, JSONV_INTEGER, JSONV_NUMBER, JSONV_OBJECT };

#define JSONV_REQUIRED  0x1u
#define JSONV_MULTILINE 0x2u

struct jsonv_field {
	const char *key; /* NULL ends a table */
	enum jsonv_kind kind;
	unsigned flags;
	/* strings */
	size_t max_chars;          /* at most this many code points; 0: no limit */
	const char *const *one_of; /* the allowed values, NULL-terminated; NULL: any */
	/* integers: inclusive range (always give both) */
	json_int_t imin, imax;
	/* numbers: inclusive range, and step > 0 for "a multiple of step" (0.5) */
	double dmin, dmax, step;
	/* objects: the member table, or fields_for(parent), called with the object that
	 * holds this member once the members listed before it have been validated */
	const struct jsonv_field *fields;
	const struct jsonv_field *(*fields_for)(const json_t *parent);
	/*
	 * An extra rule run after the checks above (for an object: after its members).
	 * It may normalise value in place (e.g. upper-case a country code). Returns 0,
	 * or an error set with err_set(e, ERR_INVALID_FIELD, path or a member's path, …).
	 */
	int (*check)(json_t *value, const char *path, struct err *e);
};

/*
 * Validates value against spec, whose key is ignored; path names value ("" for a
 * whole body, whose members are then "lead", "conversion"). Returns 0 or
 * ERR_INVALID_FIELD with detail in *e (may be NULL), or ERR_NOMEM.
 */
int jsonv_validate(json_t *value, const struct jsonv_field *spec, const char *path, struct err *e);

/* Writes path + "." + key (or key alone when path is "") into out[0..JSONV_PATH_MAX),
 * truncated on a UTF-8 boundary when too long; an empty key is written as "" (two
 * quote characters), so a path is never empty. Exposed for check hooks. */
void jsonv_join(char out[JSONV_PATH_MAX], const char *path, const char *key);

#endif
