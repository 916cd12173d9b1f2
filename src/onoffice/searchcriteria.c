#include "onoffice/searchcriteria.h"

#include <stdbool.h>
#include <string.h>

#include "onoffice/write.h"

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && strcmp(s + n - m, suffix) == 0;
}

/* Keys whose values onOffice wants as text (onoffice-protocol §8.1). */
static int is_range_key(const char *key)
{
	return strncmp(key, "range", 5) == 0 || ends_with(key, "__von") || ends_with(key, "__bis");
}

int oo_searchcriteria_params(int64_t address_id, const json_t *data, json_t **out, struct err *e)
{
	*out = NULL;
	if (address_id <= 0)
		return err_set(e, ERR_INVALID_ARG, "addressid", "must be an address id");
	if (!json_is_object(data))
		return err_set(e, ERR_INVALID_ARG, "data", "must be an object");
	json_t *copy = json_copy((json_t *)(uintptr_t)data);
	if (!copy || oo_numbers_to_text(copy, is_range_key)) {
		json_decref(copy);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	int rc = oo_check_fields(copy, NULL, "data", e);
	if (rc) {
		json_decref(copy);
		return rc;
	}
	*out = json_pack("{s:I, s:o}", "addressid", (json_int_t)address_id, "data", copy);
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}

int oo_searchcriteria_add(struct oo_batch *b, int64_t address_id, const json_t *data, struct err *e)
{
	json_t *p;
	int rc = oo_searchcriteria_params(address_id, data, &p, e);
	return rc ? rc : oo_batch_add(b, OO_CREATE, "searchcriteria", NULL, p, e);
}

int oo_searchcriteria_create(struct oo_client *c, int64_t address_id, const json_t *data,
                             int64_t *id, struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*id = 0;
	int rc = oo_searchcriteria_add(&b, address_id, data, e);
	if (!rc)
		rc = oo_write_call(c, &b, "searchcriteria", id, e);
	oo_batch_release(&b);
	return rc;
}

int oo_searchcriterias_params(const int64_t *address_ids, size_t n, json_t **out, struct err *e)
{
	*out = NULL;
	if (n == 0 || n > OO_PAGE_MAX)
		return err_set(e, ERR_INVALID_ARG, "ids", "give 1-%d address ids", OO_PAGE_MAX);
	json_t *ids = json_array();
	for (size_t i = 0; ids && i < n; i++) {
		if (address_ids[i] <= 0) {
			json_decref(ids);
			return err_set(e, ERR_INVALID_ARG, "ids", "ids must be positive");
		}
		if (json_array_append_new(ids, json_integer(address_ids[i]))) {
			json_decref(ids);
			ids = NULL;
		}
	}
	*out = json_pack("{s:s, s:o}", "mode", "internal", "ids", ids);
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}

int oo_searchcriterias_read_all(struct oo_client *c, const int64_t *address_ids, size_t n,
                                oo_page_fn fn, void *arg, struct err *e)
{
	json_t *p;
	int rc = oo_searchcriterias_params(address_ids, n, &p, e);
	if (rc)
		return rc;
	rc = oo_list_pages(c, OO_GET, "searchcriterias", p, fn, arg, NULL, e);
	json_decref(p);
	return rc;
}

static int collect(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset;
	(void)total;
	if (json_array_extend(arg, records))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	return 0;
}

int oo_searchcriterias_of_address(struct oo_client *c, int64_t address_id, json_t **records,
                                  struct err *e)
{
	*records = json_array();
	if (!*records)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = oo_searchcriterias_read_all(c, &address_id, 1, collect, *records, e);
	if (rc) {
		json_decref(*records);
		*records = NULL;
	}
	return rc;
}
