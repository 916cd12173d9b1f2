#include "onoffice/actionkinds.h"

#include <stdlib.h>
#include <string.h>

static void kind_release(struct oo_action_kind *kind)
{
	free(kind->key);
	free(kind->label);
	free(kind->default_value);
	oo_keylabels_free(kind->types, kind->ntypes);
	memset(kind, 0, sizeof(*kind));
}

void oo_action_kinds_release(struct oo_action_kinds *k)
{
	for (size_t i = 0; i < k->n; i++)
		kind_release(&k->v[i]);
	free(k->v);
	k->v = NULL;
	k->n = 0;
}

static int kind_from_record(const json_t *rec, struct oo_action_kind *kind)
{
	const json_t *src = oo_record_elements(rec);
	if (!src)
		src = rec;
	json_t *key = json_object_get(src, "key");
	if (oo_value_text(key ? key : json_object_get(rec, "id"), &kind->key) ||
	    oo_value_text(json_object_get(src, "label"), &kind->label) ||
	    oo_value_text(json_object_get(src, "default"), &kind->default_value) ||
	    oo_keylabels_from_json(json_object_get(src, "types"), &kind->types, &kind->ntypes))
		return ERR_NOMEM;
	if (!kind->label && kind->key && !(kind->label = strdup(kind->key)))
		return ERR_NOMEM;
	return 0;
}

int oo_action_kinds_from_records(const json_t *records, struct oo_action_kinds *out)
{
	*out = (struct oo_action_kinds){0};
	size_t n = json_array_size(records);
	if (n && !(out->v = calloc(n, sizeof(*out->v))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct oo_action_kind *kind = &out->v[out->n++];
		if (kind_from_record(json_array_get(records, i), kind))
			return ERR_NOMEM;
		if (!kind->key || !*kind->key) {
			kind_release(kind);
			out->n--;
		}
	}
	return 0;
}

const struct oo_action_kind *oo_action_kind_find(const struct oo_action_kinds *k, const char *key)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->v[i].key, key) == 0)
			return &k->v[i];
	return NULL;
}

bool oo_action_kind_has_type(const struct oo_action_kind *kind, const char *type)
{
	for (size_t i = 0; i < kind->ntypes; i++)
		if (strcmp(kind->types[i].key, type) == 0)
			return true;
	return false;
}

int oo_action_kinds_get(struct oo_client *c, const char *lang, struct oo_action_kinds *out,
                        struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*out = (struct oo_action_kinds){0};
	json_t *p = lang ? json_pack("{s:s}", "lang", lang) : json_object();
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = oo_batch_add(&b, OO_GET, "actionkindtypes", NULL, p, e);
	if (rc || (rc = oo_call(c, &b, e)))
		goto out_release;
	if (oo_action_kinds_from_records(b.items[0].result.records, out))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
out_release:
	oo_batch_release(&b);
	return rc;
}
