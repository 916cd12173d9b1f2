/*
 * scfields.h - the search-criteria fields a customer has enabled
 * (`get`/`searchCriteriaFields`, onoffice-protocol §8.3).
 *
 * One record per category, elements = {name, fields: [{id, name, type,
 * rangefield, values, …}]}. `rangefield` comes as the string "true" (then the
 * field is written as `<id>__von`/`<id>__bis`); `values` maps select keys to
 * labels.
 */
#ifndef IMMO_ONOFFICE_SCFIELDS_H
#define IMMO_ONOFFICE_SCFIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/values.h"

struct oo_sc_field {
	char *id;   /* the API key, e.g. "kaufpreis" */
	char *name; /* its label; NULL when absent */
	char *type; /* a data-type URN or "singleselect"/"multiselect"; "" when absent */
	bool rangefield;
	struct oo_keylabel *values; /* select keys and labels; NULL when none */
	size_t nvalues;
};

struct oo_sc_category {
	char *name; /* NULL when absent */
	struct oo_sc_field *fields;
	size_t nfields;
};

struct oo_sc_fields {
	struct oo_sc_category *v;
	size_t n;
};

/*
 * Parses the records (borrowed) into *out; release with oo_sc_fields_release
 * (also after an error). `fields` may be an array or an object of field
 * objects; fields without an id are skipped. ERR_NOMEM.
 */
int oo_sc_fields_from_records(const json_t *records, struct oo_sc_fields *out);
void oo_sc_fields_release(struct oo_sc_fields *f);

/* The field with that id in any category, or NULL. Borrowed from f. */
const struct oo_sc_field *oo_sc_fields_find(const struct oo_sc_fields *f, const char *id);

/* Calls onOffice (language e.g. "DEU", NULL: omitted) and parses the answer into
 * *out (release it, also after an error). Returns 0 or the call's class. */
int oo_sc_fields_get(struct oo_client *c, const char *language, struct oo_sc_fields *out,
                     struct err *e);

#endif
