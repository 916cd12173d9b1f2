#include "onoffice/paging.h"

#include "onoffice/values.h"

/* The parameters of the page at offset: a shallow copy with listlimit/listoffset set. */
static json_t *page_parameters(const json_t *params, int64_t limit, int64_t offset)
{
	json_t *p = json_copy((json_t *)(uintptr_t)params);
	if (!p || json_object_set_new(p, "listlimit", json_integer(limit)) ||
	    json_object_set_new(p, "listoffset", json_integer(offset))) {
		json_decref(p);
		return NULL;
	}
	return p;
}

/* Reads the page at *offset into b. */
static int read_page(struct oo_client *c, enum oo_action action, const char *resourcetype,
                     const json_t *params, int64_t limit, int64_t offset, struct oo_batch *b,
                     struct err *e)
{
	oo_batch_release(b);
	json_t *p = page_parameters(params, limit, offset);
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = oo_batch_add(b, action, resourcetype, NULL, p, e);
	return rc ? rc : oo_call(c, b, e);
}

int oo_read_pages(struct oo_client *c, const char *resourcetype, const json_t *parameters,
                  oo_page_fn fn, void *arg, int64_t *total, struct err *e)
{
	return oo_list_pages(c, OO_READ, resourcetype, parameters, fn, arg, total, e);
}

int oo_list_pages(struct oo_client *c, enum oo_action action, const char *resourcetype,
                  const json_t *parameters, oo_page_fn fn, void *arg, int64_t *total, struct err *e)
{
	if (total)
		*total = -1;
	if (!json_is_object(parameters))
		return err_set(e, ERR_INVALID_ARG, "parameters", "must be an object");
	if (oo_action_writes(action))
		return err_set(e, ERR_INVALID_ARG, NULL, "paging is for reading actions only");
	int64_t limit = OO_PAGE_MAX, offset = 0;
	if (oo_value_int(json_object_get(parameters, "listlimit"), &limit) || limit < 1 ||
	    limit > OO_PAGE_MAX)
		limit = OO_PAGE_MAX;
	if (oo_value_int(json_object_get(parameters, "listoffset"), &offset) || offset < 0)
		offset = 0;

	struct oo_batch b = OO_BATCH_INIT;
	int rc;
	for (;;) {
		if ((rc = read_page(c, action, resourcetype, parameters, limit, offset, &b, e)))
			break;
		const struct oo_result *r = &b.items[0].result;
		size_t n = json_array_size(r->records);
		if (total)
			*total = r->cntabsolute;
		if (n == 0)
			break;
		if ((rc = fn(arg, r->records, offset, r->cntabsolute, e)))
			break;
		offset += (int64_t)n;
		if (r->cntabsolute >= 0 && offset >= r->cntabsolute)
			break;
	}
	oo_batch_release(&b);
	return rc;
}

int oo_read_page(struct oo_client *c, const char *resourcetype, json_t *parameters,
                 json_t **records, int64_t *total, struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*records = NULL;
	int rc = oo_batch_add(&b, OO_READ, resourcetype, NULL, parameters, e);
	if (rc || (rc = oo_call(c, &b, e)))
		goto out_release;
	const struct oo_result *r = &b.items[0].result;
	*records = r->records ? json_incref(r->records) : json_array();
	if (total)
		*total = r->cntabsolute;
	if (!*records)
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
out_release:
	oo_batch_release(&b);
	return rc;
}
