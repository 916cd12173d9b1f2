#include "onoffice/marker.h"

#include <stdlib.h>
#include <string.h>

#include "onoffice/address.h"
#include "onoffice/agentslog.h"
#include "onoffice/estate.h"
#include "onoffice/paging.h"
#include "onoffice/search.h"
#include "onoffice/searchcriteria.h"

/* What a page callback compares records with, and where it puts the hits. */
struct match {
	const char *needle;
	struct oo_idv *ids;
};

static int check_needle(const char *needle, const char *field, struct err *e)
{
	if (!needle || !*needle)
		return err_set(e, ERR_INVALID_ARG, field, "must not be empty");
	return 0;
}

static int hit(struct match *m, int64_t id, struct err *e)
{
	return oo_idv_add_unique(m->ids, id) ? err_set(e, ERR_NOMEM, NULL, NULL) : 0;
}

static int finish(int rc, struct oo_idv *ids)
{
	if (rc)
		oo_idv_release(ids);
	oo_idv_sort(ids);
	return rc;
}

static int on_address_page(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset, (void)total;
	struct match *m = arg;
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
	{
		struct oo_address a;
		if (oo_address_from_record(rec, &a, NULL))
			continue;
		bool found = oo_email_equal(json_string_value(json_object_get(a.fields, "Email")),
		                            m->needle);
		for (size_t k = 0; !found && k < a.emails.n; k++)
			found = oo_email_equal(a.emails.v[k].value, m->needle);
		int rc = found ? hit(m, a.id, e) : 0;
		oo_address_release(&a);
		if (rc)
			return rc;
	}
	return 0;
}

int oo_find_addresses_by_email(struct oo_client *c, const char *email, struct oo_idv *ids,
                               struct err *e)
{
	static const char *const data[] = {"Email", "email"};
	struct match m = {email, ids};
	json_t *filter = NULL;
	oo_idv_release(ids);
	int rc = check_needle(email, "email", e);
	if (rc)
		return rc;
	if (oo_filter_add(&filter, "email", "=", json_string(email)))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	struct oo_address_query q = {.data = data, .ndata = 2, .filter = filter};
	rc = oo_address_read_all(c, &q, on_address_page, &m, NULL, e);
	json_decref(filter);
	return finish(rc, ids);
}

static int on_agentslog_page(void *arg, json_t *records, int64_t offset, int64_t total,
                             struct err *e)
{
	(void)offset, (void)total;
	struct match *m = arg;
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
	{
		int64_t id;
		const char *note =
		    json_string_value(json_object_get(oo_record_elements(rec), "Bemerkung"));
		if (note && strstr(note, m->needle) && oo_record_id(rec, &id) == 0) {
			int rc = hit(m, id, e);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int oo_find_agentslog_by_marker(struct oo_client *c, int64_t address_id, const char *marker,
                                struct oo_idv *ids, struct err *e)
{
	static const char *const data[] = {"Bemerkung"};
	struct match m = {marker, ids};
	oo_idv_release(ids);
	int rc = check_needle(marker, "marker", e);
	if (rc)
		return rc;
	struct oo_agentslog_query q = {
	    .addressids = &address_id, .naddressids = 1, .data = data, .ndata = 1};
	return finish(oo_agentslog_read_all(c, &q, on_agentslog_page, &m, NULL, e), ids);
}

static int on_estate_page(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset, (void)total;
	struct match *m = arg;
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
	{
		int64_t id = 0;
		char *no = NULL;
		if (oo_value_text(json_object_get(oo_record_elements(rec), OO_ESTATE_MARKER_FIELD),
		                  &no))
			return err_set(e, ERR_NOMEM, NULL, NULL);
		bool found = no && strcmp(no, m->needle) == 0 && oo_record_id(rec, &id) == 0;
		free(no);
		int rc = found ? hit(m, id, e) : 0;
		if (rc)
			return rc;
	}
	return 0;
}

int oo_find_estates_by_marker(struct oo_client *c, const char *external_no, struct oo_idv *ids,
                              struct err *e)
{
	static const char *const data[] = {OO_ESTATE_MARKER_FIELD};
	struct match m = {external_no, ids};
	json_t *filter = NULL, *p = NULL;
	oo_idv_release(ids);
	int rc = check_needle(external_no, OO_ESTATE_MARKER_FIELD, e);
	if (rc)
		return rc;
	if (oo_filter_add(&filter, OO_ESTATE_MARKER_FIELD, "=", json_string(external_no)))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	struct oo_address_query q = {.data = data, .ndata = 1, .filter = filter};
	rc = oo_address_params(&q, &p, e);
	if (!rc)
		rc = oo_read_pages(c, "estate", p, on_estate_page, &m, NULL, e);
	json_decref(p);
	json_decref(filter);
	return finish(rc, ids);
}

bool oo_json_has_text(const json_t *v, const char *needle)
{
	/* An explicit stack instead of recursion: depth 4 is enough for `_meta`/`Range`. */
	struct frame {
		const json_t *v;
		int depth;
	} stack[64];
	size_t n = 0;
	stack[n++] = (struct frame){v, 0};
	while (n > 0) {
		struct frame f = stack[--n];
		if (json_is_string(f.v)) {
			if (strstr(json_string_value(f.v), needle))
				return true;
			continue;
		}
		if (f.depth >= 4 || !(json_is_object(f.v) || json_is_array(f.v)))
			continue;
		const char *key;
		size_t i;
		json_t *child;
		if (json_is_object(f.v)) {
			json_object_foreach((json_t *)(uintptr_t)f.v, key, child)
			{
				if (n < sizeof(stack) / sizeof(stack[0]))
					stack[n++] = (struct frame){child, f.depth + 1};
			}
		} else {
			json_array_foreach(f.v, i, child)
			{
				if (n < sizeof(stack) / sizeof(stack[0]))
					stack[n++] = (struct frame){child, f.depth + 1};
			}
		}
	}
	return false;
}

static int on_searchcriteria_page(void *arg, json_t *records, int64_t offset, int64_t total,
                                  struct err *e)
{
	(void)offset, (void)total;
	struct match *m = arg;
	size_t i;
	json_t *rec;
	json_array_foreach(records, i, rec)
	{
		int64_t id;
		json_t *el = oo_record_elements(rec);
		const char *comment = json_string_value(json_object_get(el, OO_SC_MARKER_FIELD));
		bool found =
		    (comment && strstr(comment, m->needle)) || oo_json_has_text(el, m->needle);
		if (found && oo_record_id(rec, &id) == 0) {
			int rc = hit(m, id, e);
			if (rc)
				return rc;
		}
	}
	return 0;
}

int oo_find_searchcriteria_by_marker(struct oo_client *c, int64_t address_id, const char *marker,
                                     struct oo_idv *ids, struct err *e)
{
	struct match m = {marker, ids};
	oo_idv_release(ids);
	int rc = check_needle(marker, "marker", e);
	if (rc)
		return rc;
	rc = oo_searchcriterias_read_all(c, &address_id, 1, on_searchcriteria_page, &m, e);
	return finish(rc, ids);
}
