/*
 * fields.h - the field configuration (`get`/`fields`, onoffice-protocol §9).
 *
 * The answer has one record per module: `id` = module name, `elements` =
 * {"<field>": {type, length, permittedvalues, default, label, dependencies, …},
 * "label": "<module label>"}. The string `label` element is the module's label,
 * not a field, and is skipped when collecting fields. permittedvalues come as
 * {key: label}, as a list of keys, or as null/[] for non-selects.
 *
 * The call "may take several seconds", so oo_fields_cached keeps answers per
 * client for a TTL. A client (and so its cache) is used by one thread at a
 * time (client.h); nothing here locks.
 */
#ifndef IMMO_ONOFFICE_FIELDS_H
#define IMMO_ONOFFICE_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/values.h"

struct oo_field {
	char *name;
	char *type;          /* "varchar", "singleselect", "multiselect", …; "" when absent */
	int64_t length;      /* 0 when absent or not a number */
	char *label;         /* NULL when absent */
	char *default_value; /* as text (values.h oo_value_text); NULL when null */
	struct oo_keylabel *permitted; /* select keys and labels; NULL when none */
	size_t npermitted;
	json_t *dependencies; /* owned reference; NULL when absent or empty */
};

struct oo_module {
	char *name;  /* "address", "estate", "agentsLog", … */
	char *label; /* NULL without labels */
	struct oo_field *fields;
	size_t nfields;
};

struct oo_fields {
	struct oo_module *modules;
	size_t nmodules;
};

struct oo_fields_query {
	const char *language;       /* NULL: "DEU" */
	const char *const *modules; /* e.g. {"address", "estate"}; required */
	size_t nmodules;
	const char *const *field_list; /* NULL: every field */
	size_t nfield_list;
	bool dependencies; /* showfielddependencies */
};

/* The parameters for q (labels always true), a new object in *out. ERR_INVALID_ARG
 * without modules, ERR_NOMEM. */
int oo_fields_params(const struct oo_fields_query *q, json_t **out, struct err *e);

/* Parses the records of a fields answer (borrowed) into *out; release with
 * oo_fields_release (also after an error). Records without a string id and
 * field entries that are not objects are skipped. ERR_NOMEM. */
int oo_fields_from_records(const json_t *records, struct oo_fields *out);
void oo_fields_release(struct oo_fields *f);

/* The field of a module, or NULL. Borrowed from f. */
const struct oo_field *oo_fields_find(const struct oo_fields *f, const char *module,
                                      const char *field);
/* True when the field permits the select key. */
bool oo_field_permits(const struct oo_field *fd, const char *key);

/* Calls onOffice and parses the answer into *out (release it; also after an error). */
int oo_fields_get(struct oo_client *c, const struct oo_fields_query *q, struct oo_fields *out,
                  struct err *e);

/*
 * Like oo_fields_get, but answers from the client's cache when the same query
 * was answered less than ttl_s seconds ago (by the client's clock). *out is
 * borrowed from the cache: valid until the next oo_fields_cached or
 * oo_fields_invalidate on this client, or oo_client_free. Up to 8 distinct
 * queries are kept; the oldest is dropped. Errors are not cached.
 */
int oo_fields_cached(struct oo_client *c, int64_t ttl_s, const struct oo_fields_query *q,
                     const struct oo_fields **out, struct err *e);

/* Drops every cached answer of the client (e.g. after the customer changed fields). */
void oo_fields_invalidate(struct oo_client *c);

#endif
