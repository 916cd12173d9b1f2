#include "onoffice/estate.h"

#include <string.h>

#include "onoffice/write.h"

static int is_coordinate(const char *key)
{
	return strcmp(key, "breitengrad") == 0 || strcmp(key, "laengengrad") == 0;
}

static int check_land(const json_t *data, struct err *e)
{
	json_t *land = json_object_get(data, "land");
	const char *s = json_string_value(land);
	if (!land || json_is_null(land))
		return 0;
	if (!s || strlen(s) != 3 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 3)
		return err_set(e, ERR_INVALID_ARG, "data.land",
		               "must be an ISO 3166-1 alpha-3 code (\"DEU\")");
	return 0;
}

int oo_estate_params(const json_t *data, json_t **out, struct err *e)
{
	*out = NULL;
	if (!json_is_object(data))
		return err_set(e, ERR_INVALID_ARG, "data", "must be an object");
	json_t *copy = json_copy((json_t *)(uintptr_t)data);
	if (!copy || oo_numbers_to_text(copy, is_coordinate)) {
		json_decref(copy);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	int rc = oo_check_fields(copy, NULL, "data", e);
	if (!rc)
		rc = check_land(copy, e);
	if (rc) {
		json_decref(copy);
		return rc;
	}
	*out = json_pack("{s:o}", "data", copy);
	return *out ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}

int oo_estate_add(struct oo_batch *b, const json_t *data, struct err *e)
{
	json_t *p;
	int rc = oo_estate_params(data, &p, e);
	return rc ? rc : oo_batch_add(b, OO_CREATE, "estate", NULL, p, e);
}

int oo_estate_create(struct oo_client *c, const json_t *data, int64_t *id, struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	*id = 0;
	int rc = oo_estate_add(&b, data, e);
	if (!rc)
		rc = oo_write_call(c, &b, "estate", id, e);
	oo_batch_release(&b);
	return rc;
}

int oo_estate_read(struct oo_client *c, const struct oo_address_query *q, json_t **records,
                   int64_t *total, struct err *e)
{
	json_t *p;
	*records = NULL;
	int rc = oo_address_params(q, &p, e);
	return rc ? rc : oo_read_page(c, "estate", p, records, total, e);
}
