/*
 * actionkinds.h - kinds and types of agents-log entries (`get`/`actionkindtypes`,
 * onoffice-protocol §6).
 *
 * Each record is {key, label, types: {<typeKey>: <label>}, default}. The
 * `fields` call shows Aktionsart as a singleselect and Aktionstyp as freetext,
 * so valid agents-log kinds and types come from here (errors 100/101 otherwise).
 */
#ifndef IMMO_ONOFFICE_ACTIONKINDS_H
#define IMMO_ONOFFICE_ACTIONKINDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/values.h"

struct oo_action_kind {
	char *key;                 /* "Email", "Notiz", … */
	char *label;               /* label, or a copy of key when absent */
	struct oo_keylabel *types; /* NULL when the kind has no types */
	size_t ntypes;
	char *default_value; /* `default` as text (values.h), NULL when absent or null */
};

struct oo_action_kinds {
	struct oo_action_kind *v;
	size_t n;
};

/*
 * Parses the records (borrowed) into *out; release with oo_action_kinds_release
 * (also after an error). A record's fields are read from its `elements` object,
 * or from the record itself when it has none; the key falls back to the
 * record's id when `key` is absent; records without either are skipped. `types`
 * may be an object, a list of keys, or null/[]. ERR_NOMEM.
 */
int oo_action_kinds_from_records(const json_t *records, struct oo_action_kinds *out);
void oo_action_kinds_release(struct oo_action_kinds *k);

/* The kind with that key, or NULL; and whether it has that type. */
const struct oo_action_kind *oo_action_kind_find(const struct oo_action_kinds *k, const char *key);
bool oo_action_kind_has_type(const struct oo_action_kind *kind, const char *type);

/* Calls onOffice (lang: e.g. "DEU", NULL: omitted) and parses the answer into *out
 * (release it, also after an error). Returns 0 or the call's class. */
int oo_action_kinds_get(struct oo_client *c, const char *lang, struct oo_action_kinds *out,
                        struct err *e);

#endif
