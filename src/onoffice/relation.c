#include "onoffice/relation.h"

#include <stdlib.h>
#include <string.h>

#include "onoffice/paging.h"
#include "onoffice/write.h"

static int check_side(const int64_t *ids, size_t n, const char *field, struct err *e)
{
	if (n > OO_PAGE_MAX)
		return err_set(e, ERR_INVALID_ARG, field, "at most %d ids", OO_PAGE_MAX);
	for (size_t i = 0; i < n; i++)
		if (ids[i] <= 0)
			return err_set(e, ERR_INVALID_ARG, field, "ids must be positive");
	return 0;
}

static int check_type(const char *type, struct err *e)
{
	if (!type || strncmp(type, OO_RELATION_PREFIX, strlen(OO_RELATION_PREFIX)) != 0 ||
	    !type[strlen(OO_RELATION_PREFIX)])
		return err_set(e, ERR_INVALID_ARG, "relationtype", "must be a relation type URN");
	return 0;
}

static json_t *id_array(const int64_t *ids, size_t n)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++)
		if (json_array_append_new(arr, json_integer(ids[i]))) {
			json_decref(arr);
			return NULL;
		}
	return arr;
}

int oo_relation_params(const char *type, const int64_t *parents, size_t nparents,
                       const int64_t *children, size_t nchildren, json_t **out, struct err *e)
{
	*out = NULL;
	int rc = check_type(type, e);
	if (!rc)
		rc = check_side(parents, nparents, "parentid", e);
	if (!rc)
		rc = check_side(children, nchildren, "childid", e);
	if (rc)
		return rc;
	if (!nparents || !nchildren)
		return err_set(e, ERR_INVALID_ARG, nparents ? "childid" : "parentid",
		               "a relation needs a parent and a child");
	if (nparents > 1 && nchildren > 1)
		return err_set(e, ERR_INVALID_ARG, NULL, "n:n relations are not possible (219)");
	*out = json_pack("{s:s, s:o, s:o}", "relationtype", type, "parentid",
	                 id_array(parents, nparents), "childid", id_array(children, nchildren));
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}

int oo_relation_add(struct oo_batch *b, const char *type, const int64_t *parents, size_t nparents,
                    const int64_t *children, size_t nchildren, struct err *e)
{
	json_t *p;
	int rc = oo_relation_params(type, parents, nparents, children, nchildren, &p, e);
	return rc ? rc : oo_batch_add(b, OO_CREATE, "relation", NULL, p, e);
}

int oo_relation_create(struct oo_client *c, const char *type, const int64_t *parents,
                       size_t nparents, const int64_t *children, size_t nchildren, struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	int rc = oo_relation_add(&b, type, parents, nparents, children, nchildren, e);
	if (!rc)
		rc = oo_write_call(c, &b, NULL, NULL, e);
	oo_batch_release(&b);
	return rc;
}

void oo_relation_links_release(struct oo_relation_links *l)
{
	free(l->v);
	*l = (struct oo_relation_links){0};
}

static int push_link(struct oo_relation_links *l, int64_t from, int64_t to)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].from == from && l->v[i].to == to)
			return 0;
	struct oo_relation_link *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return ERR_NOMEM;
	v[l->n++] = (struct oo_relation_link){from, to};
	l->v = v;
	return 0;
}

/* The links of one record's elements {"<from>": <ids>}. */
static int links_of(const json_t *elements, struct oo_relation_links *out)
{
	const char *key;
	json_t *val;
	json_object_foreach((json_t *)(uintptr_t)elements, key, val)
	{
		struct oo_idv from = OO_IDV_INIT, to = OO_IDV_INIT;
		json_t *k = json_string(key);
		int rc = k ? oo_value_ids(k, &from) : ERR_NOMEM;
		json_decref(k);
		if (!rc && from.n == 1)
			rc = oo_value_ids(val, &to);
		for (size_t i = 0; !rc && from.n == 1 && i < to.n; i++)
			rc = push_link(out, from.v[0], to.v[i]);
		oo_idv_release(&from);
		oo_idv_release(&to);
		if (rc)
			return rc;
	}
	return 0;
}

int oo_relation_links_from_records(const json_t *records, struct oo_relation_links *out)
{
	size_t i;
	json_t *rec;
	json_array_foreach((json_t *)(uintptr_t)records, i, rec)
	{
		int rc = links_of(oo_record_elements(rec), out);
		if (rc)
			return rc;
	}
	return 0;
}

int oo_relation_get(struct oo_client *c, const char *type, const int64_t *parents, size_t nparents,
                    const int64_t *children, size_t nchildren, struct oo_relation_links *out,
                    struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	oo_relation_links_release(out);
	int rc = check_type(type, e);
	if (!rc && (!nparents == !nchildren))
		rc = err_set(e, ERR_INVALID_ARG, NULL, "give either parent ids or child ids");
	if (!rc)
		rc = nparents ? check_side(parents, nparents, "parentids", e)
		              : check_side(children, nchildren, "childids", e);
	if (rc)
		return rc;
	json_t *p =
	    json_pack("{s:s, s:o}", "relationtype", type, nparents ? "parentids" : "childids",
	              nparents ? id_array(parents, nparents) : id_array(children, nchildren));
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if ((rc = oo_batch_add(&b, OO_GET, "idsfromrelation", NULL, p, e)) ||
	    (rc = oo_call(c, &b, e)))
		goto out_release;
	if (oo_relation_links_from_records(b.items[0].result.records, out))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
out_release:
	oo_batch_release(&b);
	return rc;
}

int oo_estate_owners(struct oo_client *c, int64_t estate_id, struct oo_idv *owners, struct err *e)
{
	struct oo_relation_links links = {0};
	oo_idv_release(owners);
	int rc = oo_relation_get(c, OO_RELATION_ESTATE_OWNER, &estate_id, 1, NULL, 0, &links, e);
	for (size_t i = 0; !rc && i < links.n; i++)
		if (links.v[i].from == estate_id && oo_idv_add_unique(owners, links.v[i].to))
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
	oo_relation_links_release(&links);
	oo_idv_sort(owners);
	return rc;
}
