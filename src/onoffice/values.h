/*
 * values.h - reading onOffice's loosely typed JSON values (onoffice-protocol §3, §9).
 *
 * onOffice answers are inconsistent in shape: ids come as numbers or strings,
 * field values are mostly strings, multiselects come as arrays or as
 * pipe-joined strings ("|a||b|"), `elements` is an object on reads and `[]` on
 * creates, `type` varies in case. Every typed parser of this layer reads
 * values through these helpers so that each quirk is handled in one place.
 *
 * Nothing here keeps a reference to the JSON it reads; strings handed out are
 * malloc'd copies the caller owns (see each function).
 */
#ifndef IMMO_ONOFFICE_VALUES_H
#define IMMO_ONOFFICE_VALUES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A list of malloc'd strings. Zero-initialise (OO_STRV_INIT); free with oo_strv_release. */
struct oo_strv {
	char **v;
	size_t n;
};

#define OO_STRV_INIT    \
	{               \
		NULL, 0 \
	}

/* Appends a copy of s[0..len). ERR_NOMEM leaves the list unchanged. */
int oo_strv_push(struct oo_strv *s, const char *str, size_t len);
/* Frees every string and the array; the list is empty afterwards. */
void oo_strv_release(struct oo_strv *s);
/* True when the list holds a string equal to str (byte-wise). */
bool oo_strv_contains(const struct oo_strv *s, const char *str);

/* A list of record ids. Zero-initialise (OO_IDV_INIT); free with oo_idv_release. */
struct oo_idv {
	int64_t *v;
	size_t n;
};

#define OO_IDV_INIT     \
	{               \
		NULL, 0 \
	}

/* Appends id. ERR_NOMEM leaves the list unchanged. */
int oo_idv_push(struct oo_idv *ids, int64_t id);
/* Appends id unless the list holds it already. ERR_NOMEM. */
int oo_idv_add_unique(struct oo_idv *ids, int64_t id);
bool oo_idv_contains(const struct oo_idv *ids, int64_t id);
/* Sorts ascending. */
void oo_idv_sort(struct oo_idv *ids);
/* Frees the array; the list is empty afterwards. */
void oo_idv_release(struct oo_idv *ids);

/*
 * Appends the ids in v, whatever their form: an array of integers or decimal
 * strings, a single integer or decimal string, or a pipe-joined string
 * ("|12||13|"); pieces that are not decimal integers are skipped. Returns 0 or
 * ERR_NOMEM.
 */
int oo_value_ids(const json_t *v, struct oo_idv *out);

/* A select key and its label, both malloc'd, label never NULL. */
struct oo_keylabel {
	char *key;
	char *label;
};

/*
 * Reads the permitted values of a select in whichever form they come:
 * an object {key: label} (label rendered as text, "" for null), an array of
 * bare keys (label = copy of the key), or null / [] / absent (no entries).
 * Any other shape gives no entries too. *out is a malloc'd array of *n
 * entries (NULL when 0) that the caller frees with oo_keylabels_free.
 * ERR_NOMEM; on error *out is NULL and *n 0.
 */
int oo_keylabels_from_json(const json_t *v, struct oo_keylabel **out, size_t *n);
void oo_keylabels_free(struct oo_keylabel *kl, size_t n);

/*
 * A scalar as text: strings as they are, integers in decimal, reals with %.17g,
 * booleans as "true"/"false". *out is malloc'd (caller frees) or NULL for
 * null, absent (v == NULL), arrays and objects. Returns 0 or ERR_NOMEM.
 */
int oo_value_text(const json_t *v, char **out);

/*
 * Appends the keys of a (multi)select value to out, whatever its form:
 * an array (each non-empty scalar element as text), a pipe-joined string
 * "|a||b|" (split on '|', empty pieces dropped), a plain string "a" (one key;
 * "" none), a number (its text), or null/absent (none). Returns 0 or ERR_NOMEM.
 */
int oo_value_keys(const json_t *v, struct oo_strv *out);

/*
 * An integer from a JSON integer or a decimal string ("42", "-7"; no spaces,
 * no '+', no fraction). ERR_INVALID_ARG for anything else, out of range
 * included; *out is unchanged then.
 */
int oo_value_int(const json_t *v, int64_t *out);

/*
 * A record's numeric id: `id` of the record when it is an integer or a decimal
 * string (0 for do-actions is a valid result), otherwise `elements.id` by the
 * same rule. ERR_INVALID_ARG when neither is numeric (e.g. "DEU", "address").
 */
int oo_record_id(const json_t *record, int64_t *out);

/*
 * A record's `id` as text, whatever its type ("10505", "DEU", "address"), into
 * out[0..cap). ERR_INVALID_ARG when the record has no scalar id, ERR_TOO_LARGE
 * when it does not fit; out is "" on error (cap > 0).
 */
int oo_record_id_text(const json_t *record, char *out, size_t cap);

/*
 * The `elements` object of a record, borrowed from it; NULL when elements is
 * `[]` (create answers), absent or not an object, which callers treat as
 * empty. jansson's getters accept NULL, so json_object_get(NULL, k) is NULL.
 */
json_t *oo_record_elements(const json_t *record);

/* True when the record's `type` equals type ignoring ASCII case ("agentsLog" = "agentslog"). */
bool oo_record_type_is(const json_t *record, const char *type);

/* A boolean-like value: true, 1, "true", "1" (case-insensitive) are true; anything else false. */
bool oo_value_truthy(const json_t *v);

#endif
