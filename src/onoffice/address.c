#include "onoffice/address.h"

#include <stdlib.h>
#include <string.h>

#include "onoffice/values.h"

int oo_filter_add(json_t **filter, const char *field, const char *op, json_t *val)
{
	int rc = ERR_INVALID_ARG;
	if (!field || !*field || !op || !*op || !val)
		goto out_drop;
	rc = ERR_NOMEM;
	if (!*filter && !(*filter = json_object()))
		goto out_drop;
	json_t *list = json_object_get(*filter, field);
	if (!list) {
		list = json_array();
		if (!list || json_object_set_new(*filter, field, list))
			goto out_drop;
	}
	json_t *cond = json_pack("{s:s, s:o}", "op", op, "val", val);
	val = NULL; /* json_pack took it, also on failure */
	if (!cond || json_array_append_new(list, cond))
		goto out_drop;
	return 0;
out_drop:
	json_decref(val);
	return rc;
}

static int check_query(const struct oo_address_query *q, struct err *e)
{
	if (q->listlimit < 0 || q->listlimit > OO_PAGE_MAX)
		return err_set(e, ERR_INVALID_ARG, "listlimit", "must be 0-%d", OO_PAGE_MAX);
	if (q->listoffset < 0)
		return err_set(e, ERR_INVALID_ARG, "listoffset", "must not be negative");
	if (q->sortorder && strcmp(q->sortorder, "ASC") != 0 && strcmp(q->sortorder, "DESC") != 0)
		return err_set(e, ERR_INVALID_ARG, "sortorder", "must be ASC or DESC");
	if (q->nrecordids > OO_PAGE_MAX)
		return err_set(e, ERR_INVALID_ARG, "recordids", "at most %d ids", OO_PAGE_MAX);
	if (q->filter && !json_is_object(q->filter))
		return err_set(e, ERR_INVALID_ARG, "filter", "must be an object");
	for (size_t i = 0; i < q->ndata; i++)
		if (!q->data[i] || !*q->data[i])
			return err_set(e, ERR_INVALID_ARG, "data", "field names must not be empty");
	return 0;
}

static int set(json_t *obj, const char *key, json_t *val)
{
	return json_object_set_new(obj, key, val) ? ERR_NOMEM : 0;
}

static int add_lists(const struct oo_address_query *q, json_t *p)
{
	json_t *data = json_array();
	int rc = set(p, "data", data);
	for (size_t i = 0; !rc && i < q->ndata; i++)
		rc = json_array_append_new(data, json_string(q->data[i])) ? ERR_NOMEM : 0;
	if (rc || !q->recordids)
		return rc;
	json_t *ids = json_array();
	rc = set(p, "recordids", ids);
	for (size_t i = 0; !rc && i < q->nrecordids; i++)
		rc = json_array_append_new(ids, json_integer(q->recordids[i])) ? ERR_NOMEM : 0;
	return rc;
}

int oo_address_params(const struct oo_address_query *q, json_t **out, struct err *e)
{
	*out = NULL;
	int rc = check_query(q, e);
	if (rc)
		return rc;
	json_t *p = json_object();
	rc = p ? add_lists(q, p) : ERR_NOMEM;
	if (!rc && q->filter)
		rc = set(p, "filter", json_incref(q->filter));
	if (!rc && q->sortby)
		rc = set(p, "sortby", json_string(q->sortby));
	if (!rc && q->sortorder)
		rc = set(p, "sortorder", json_string(q->sortorder));
	if (!rc && q->listlimit)
		rc = set(p, "listlimit", json_integer(q->listlimit));
	if (!rc && q->listoffset)
		rc = set(p, "listoffset", json_integer(q->listoffset));
	if (!rc && q->country_iso)
		rc = set(p, "countryIsoCodeType", json_string(q->country_iso));
	if (rc) {
		json_decref(p);
		return err_set(e, ERR_NOMEM, NULL,
		               "cannot build the address read (invalid UTF-8?)");
	}
	*out = p;
	return 0;
}

int oo_address_read(struct oo_client *c, const struct oo_address_query *q, json_t **records,
                    int64_t *total, struct err *e)
{
	json_t *p;
	*records = NULL;
	int rc = oo_address_params(q, &p, e);
	return rc ? rc : oo_read_page(c, "address", p, records, total, e);
}

int oo_address_read_all(struct oo_client *c, const struct oo_address_query *q, oo_page_fn fn,
                        void *arg, int64_t *total, struct err *e)
{
	json_t *p;
	int rc = oo_address_params(q, &p, e);
	if (rc)
		return rc;
	rc = oo_read_pages(c, "address", p, fn, arg, total, e);
	json_decref(p);
	return rc;
}

static void contacts_free(struct oo_contact_list *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].entry_id);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void oo_address_release(struct oo_address *a)
{
	contacts_free(&a->phones);
	contacts_free(&a->mobiles);
	contacts_free(&a->faxes);
	contacts_free(&a->emails);
	json_decref(a->fields);
	a->fields = NULL;
	a->id = 0;
}

static int contacts_push(struct oo_contact_list *l, const char *entry_id, const json_t *val)
{
	char *text;
	if (oo_value_text(val, &text))
		return ERR_NOMEM;
	if (!text || !*text) {
		free(text);
		return 0;
	}
	struct oo_contact_entry *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (v)
		l->v = v;
	char *id = v ? strdup(entry_id) : NULL;
	if (!id) {
		free(text);
		return ERR_NOMEM;
	}
	l->v[l->n++] = (struct oo_contact_entry){id, text};
	return 0;
}

/* The entry list for a key "<type>__<id>", with *entry_id pointing at <id>; NULL otherwise. */
static struct oo_contact_list *contact_list(struct oo_address *a, const char *key,
                                            const char **entry_id)
{
	const struct {
		const char *prefix;
		struct oo_contact_list *list;
	} types[] = {
	    {"phone__", &a->phones},
	    {"mobile__", &a->mobiles},
	    {"fax__", &a->faxes},
	    {"email__", &a->emails},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t n = strlen(types[i].prefix);
		if (strncmp(key, types[i].prefix, n) == 0 && key[n]) {
			*entry_id = key + n;
			return types[i].list;
		}
	}
	return NULL;
}

static bool is_comment(const char *key)
{
	size_t n = strlen(key), m = strlen("__Comment");
	return n >= m && strcmp(key + n - m, "__Comment") == 0;
}

int oo_address_from_record(const json_t *record, struct oo_address *out, struct err *e)
{
	*out = (struct oo_address){0};
	if (oo_record_id(record, &out->id))
		return err_set(e, ERR_INVALID_FIELD, "id", "the address record has no numeric id");
	int rc = ERR_NOMEM;
	if (!(out->fields = json_object()))
		goto out_fail;
	const char *key, *entry_id;
	json_t *val;
	json_t *elements = oo_record_elements(record);
	json_object_foreach(elements, key, val)
	{
		struct oo_contact_list *l;
		if (is_comment(key))
			continue;
		if ((l = contact_list(out, key, &entry_id))
		        ? contacts_push(l, entry_id, val)
		        : json_object_set(out->fields, key, val))
			goto out_fail;
	}
	return 0;
out_fail:
	oo_address_release(out);
	return err_set(e, rc, NULL, NULL);
}
