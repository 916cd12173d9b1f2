#include "onoffice/fields.h"

#include <stdlib.h>
#include <string.h>

#define FIELDS_CACHE_SLOTS 8

static int add_names(json_t *p, const char *key, const char *const *names, size_t n)
{
	json_t *arr = json_array();
	if (!arr || json_object_set_new(p, key, arr))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++)
		if (!names[i] || json_array_append_new(arr, json_string(names[i])))
			return ERR_NOMEM;
	return 0;
}

int oo_fields_params(const struct oo_fields_query *q, json_t **out, struct err *e)
{
	*out = NULL;
	if (!q->modules || q->nmodules == 0)
		return err_set(e, ERR_INVALID_ARG, "modules", "name at least one module");
	json_t *p =
	    json_pack("{s:b, s:s}", "labels", 1, "language", q->language ? q->language : "DEU");
	int rc = p ? add_names(p, "modules", q->modules, q->nmodules) : ERR_NOMEM;
	if (!rc && q->field_list)
		rc = add_names(p, "fieldList", q->field_list, q->nfield_list);
	if (!rc && q->dependencies)
		rc = json_object_set_new(p, "showfielddependencies", json_true()) ? ERR_NOMEM : 0;
	if (rc) {
		json_decref(p);
		return err_set(e, ERR_NOMEM, NULL,
		               "cannot build the fields query (invalid UTF-8?)");
	}
	*out = p;
	return 0;
}

static void field_release(struct oo_field *f)
{
	free(f->name);
	free(f->type);
	free(f->label);
	free(f->default_value);
	oo_keylabels_free(f->permitted, f->npermitted);
	json_decref(f->dependencies);
}

void oo_fields_release(struct oo_fields *f)
{
	for (size_t i = 0; i < f->nmodules; i++) {
		struct oo_module *m = &f->modules[i];
		for (size_t j = 0; j < m->nfields; j++)
			field_release(&m->fields[j]);
		free(m->fields);
		free(m->name);
		free(m->label);
	}
	free(f->modules);
	f->modules = NULL;
	f->nmodules = 0;
}

static bool non_empty(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v)) ||
	       (json_is_array(v) && json_array_size(v));
}

static int field_from_json(const char *name, const json_t *v, struct oo_field *f)
{
	const char *type = json_string_value(json_object_get(v, "type"));
	json_t *deps = json_object_get(v, "dependencies");
	f->name = strdup(name);
	f->type = strdup(type ? type : "");
	if (oo_value_int(json_object_get(v, "length"), &f->length))
		f->length = 0;
	if (non_empty(deps))
		f->dependencies = json_deep_copy(deps);
	if (!f->name || !f->type || (non_empty(deps) && !f->dependencies) ||
	    oo_value_text(json_object_get(v, "label"), &f->label) ||
	    oo_value_text(json_object_get(v, "default"), &f->default_value) ||
	    oo_keylabels_from_json(json_object_get(v, "permittedvalues"), &f->permitted,
	                           &f->npermitted))
		return ERR_NOMEM;
	return 0;
}

static int module_from_record(const json_t *rec, const char *name, struct oo_module *m)
{
	json_t *el = oo_record_elements(rec);
	m->name = strdup(name);
	if (!m->name || oo_value_text(json_object_get(el, "label"), &m->label))
		return ERR_NOMEM;
	if (json_object_size(el) && !(m->fields = calloc(json_object_size(el), sizeof(*m->fields))))
		return ERR_NOMEM;
	const char *key;
	json_t *v;
	json_object_foreach(el, key, v)
	{
		if (!json_is_object(v))
			continue; /* the module's string label, or anything unexpected */
		if (field_from_json(key, v, &m->fields[m->nfields++]))
			return ERR_NOMEM;
	}
	return 0;
}

int oo_fields_from_records(const json_t *records, struct oo_fields *out)
{
	*out = (struct oo_fields){0};
	size_t n = json_array_size(records);
	if (n && !(out->modules = calloc(n, sizeof(*out->modules))))
		return ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *rec = json_array_get(records, i);
		const char *name = json_string_value(json_object_get(rec, "id"));
		if (!name)
			continue;
		if (module_from_record(rec, name, &out->modules[out->nmodules++]))
			return ERR_NOMEM;
	}
	return 0;
}

const struct oo_field *oo_fields_find(const struct oo_fields *f, const char *module,
                                      const char *field)
{
	for (size_t i = 0; i < f->nmodules; i++) {
		const struct oo_module *m = &f->modules[i];
		if (strcmp(m->name, module) != 0)
			continue;
		for (size_t j = 0; j < m->nfields; j++)
			if (strcmp(m->fields[j].name, field) == 0)
				return &m->fields[j];
	}
	return NULL;
}

bool oo_field_permits(const struct oo_field *fd, const char *key)
{
	for (size_t i = 0; i < fd->npermitted; i++)
		if (strcmp(fd->permitted[i].key, key) == 0)
			return true;
	return false;
}

static int fields_call(struct oo_client *c, json_t *params, struct oo_fields *out, struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*out = (struct oo_fields){0};
	int rc = oo_batch_add(&b, OO_GET, "fields", NULL, params, e);
	if (rc || (rc = oo_call(c, &b, e)))
		goto out_release;
	if (oo_fields_from_records(b.items[0].result.records, out))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
out_release:
	oo_batch_release(&b);
	return rc;
}

int oo_fields_get(struct oo_client *c, const struct oo_fields_query *q, struct oo_fields *out,
                  struct err *e)
{
	json_t *p;
	*out = (struct oo_fields){0};
	int rc = oo_fields_params(q, &p, e);
	return rc ? rc : fields_call(c, p, out, e);
}

/* The per-client cache: a few answers keyed by their parameters' canonical JSON. */
struct fields_cache {
	struct {
		char *key; /* NULL: free slot */
		int64_t fetched_s;
		struct oo_fields fields;
	} slot[FIELDS_CACHE_SLOTS];
};

static void cache_free(void *arg)
{
	struct fields_cache *fc = arg;
	if (!fc)
		return;
	for (size_t i = 0; i < FIELDS_CACHE_SLOTS; i++) {
		free(fc->slot[i].key);
		oo_fields_release(&fc->slot[i].fields);
	}
	free(fc);
}

void oo_fields_invalidate(struct oo_client *c)
{
	oo_client_set_cache(c, NULL, NULL);
}

static struct fields_cache *cache_of(struct oo_client *c)
{
	struct fields_cache *fc = oo_client_cache(c);
	if (!fc && (fc = calloc(1, sizeof(*fc))))
		oo_client_set_cache(c, fc, cache_free);
	return fc;
}

/* The slot for key: its own when cached, else a free one, else the oldest. */
static size_t cache_slot(const struct fields_cache *fc, const char *key)
{
	size_t pick = 0;
	for (size_t i = 0; i < FIELDS_CACHE_SLOTS; i++) {
		if (fc->slot[i].key && strcmp(fc->slot[i].key, key) == 0)
			return i;
		if (!fc->slot[pick].key)
			continue;
		if (!fc->slot[i].key || fc->slot[i].fetched_s < fc->slot[pick].fetched_s)
			pick = i;
	}
	return pick;
}

int oo_fields_cached(struct oo_client *c, int64_t ttl_s, const struct oo_fields_query *q,
                     const struct oo_fields **out, struct err *e)
{
	json_t *p;
	struct oo_fields fresh;
	char *key = NULL;
	*out = NULL;
	struct fields_cache *fc = cache_of(c);
	if (!fc)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = oo_fields_params(q, &p, e);
	if (rc)
		return rc;
	if (!(key = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS))) {
		json_decref(p);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	size_t i = cache_slot(fc, key);
	int64_t now = oo_client_now(c);
	if (fc->slot[i].key && strcmp(fc->slot[i].key, key) == 0 &&
	    now - fc->slot[i].fetched_s < ttl_s) {
		json_decref(p);
		goto out_hit;
	}
	if ((rc = fields_call(c, p, &fresh, e))) {
		oo_fields_release(&fresh);
		goto out_free;
	}
	free(fc->slot[i].key);
	oo_fields_release(&fc->slot[i].fields);
	fc->slot[i].key = key;
	fc->slot[i].fetched_s = now;
	fc->slot[i].fields = fresh;
	key = NULL;
out_hit:
	*out = &fc->slot[i].fields;
out_free:
	free(key);
	return rc;
}
