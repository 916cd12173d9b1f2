#include "onoffice/scfields.h"

#include <stdlib.h>
#include <string.h>

static void field_release(struct oo_sc_field *f)
{
	free(f->id);
	free(f->name);
	free(f->type);
	oo_keylabels_free(f->values, f->nvalues);
	memset(f, 0, sizeof(*f));
}

void oo_sc_fields_release(struct oo_sc_fields *f)
{
	for (size_t i = 0; i < f->n; i++) {
		struct oo_sc_category *cat = &f->v[i];
		for (size_t j = 0; j < cat->nfields; j++)
			field_release(&cat->fields[j]);
		free(cat->fields);
		free(cat->name);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

static int field_from_json(const json_t *v, struct oo_sc_field *f)
{
	const char *type = json_string_value(json_object_get(v, "type"));
	f->rangefield = oo_value_truthy(json_object_get(v, "rangefield"));
	if (oo_value_text(json_object_get(v, "id"), &f->id) ||
	    oo_value_text(json_object_get(v, "name"), &f->name) ||
	    !(f->type = strdup(type ? type : "")) ||
	    oo_keylabels_from_json(json_object_get(v, "values"), &f->values, &f->nvalues))
		return ERR_NOMEM;
	return 0;
}

/* Appends the field v to cat unless it has no id. */
static int category_add(struct oo_sc_category *cat, const json_t *v)
{
	struct oo_sc_field *f = &cat->fields[cat->nfields++];
	if (!json_is_object(v)) {
		cat->nfields--;
		return 0;
	}
	int rc = field_from_json(v, f);
	if (!rc && (!f->id || !*f->id)) {
		field_release(f);
		cat->nfields--;
	}
	return rc;
}

static int category_from_record(const json_t *rec, struct oo_sc_category *cat)
{
	json_t *el = oo_record_elements(rec);
	json_t *fields = json_object_get(el, "fields");
	size_t n = json_is_array(fields) ? json_array_size(fields) : json_object_size(fields);
	if (oo_value_text(json_object_get(el, "name"), &cat->name))
		return ERR_NOMEM;
	if (n && !(cat->fields = calloc(n, sizeof(*cat->fields))))
		return ERR_NOMEM;
	int rc = 0;
	size_t i;
	const char *key;
	json_t *v;
	if (json_is_array(fields)) {
		json_array_foreach(fields, i, v)
		{
			if ((rc = category_add(cat, v)))
				return rc;
		}
		return 0;
	}
	json_object_foreach(fields, key, v)
	{
		if ((rc = category_add(cat, v)))
			return rc;
	}
	return 0;
}

int oo_sc_fields_from_records(const json_t *records, struct oo_sc_fields *out)
{
	*out = (struct oo_sc_fields){0};
	size_t n = json_array_size(records);
	if (n && !(out->v = calloc(n, sizeof(*out->v))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (category_from_record(json_array_get(records, i), &out->v[out->n++]))
			return ERR_NOMEM;
	return 0;
}

const struct oo_sc_field *oo_sc_fields_find(const struct oo_sc_fields *f, const char *id)
{
	for (size_t i = 0; i < f->n; i++)
		for (size_t j = 0; j < f->v[i].nfields; j++)
			if (strcmp(f->v[i].fields[j].id, id) == 0)
				return &f->v[i].fields[j];
	return NULL;
}

int oo_sc_fields_get(struct oo_client *c, const char *language, struct oo_sc_fields *out,
                     struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*out = (struct oo_sc_fields){0};
	json_t *p = language ? json_pack("{s:s}", "language", language) : json_object();
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = oo_batch_add(&b, OO_GET, "searchCriteriaFields", NULL, p, e);
	if (rc || (rc = oo_call(c, &b, e)))
		goto out_release;
	if (oo_sc_fields_from_records(b.items[0].result.records, out))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
out_release:
	oo_batch_release(&b);
	return rc;
}
