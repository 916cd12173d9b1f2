/*
 * get/searchcriterias (onoffice-protocol §8.2): the criteria create/searchcriteria
 * stored, per address (mode internal), KdNr (external) or criterion id
 * (searchcriteria), in the documented shape: plain fields, selects as arrays,
 * ranges as range_<field>: [von, bis], the radius keys in "Range", and
 * "_meta" (emu/README.md lists the decisions).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "config.h"

#define IDS_MAX 500

static const char *const range_keys[] = {
    "range_plz", "range_ort",  "range_strasse",     "range_hausnummer",
    "range",     "range_land", "range_breitengrad", "range_laengengrad"};

/* The elements of one criterion from its stored data and columns. */
static json_t *sc_elements(json_t *data, int64_t address_id, int64_t kdnr, int status,
                           const char *created, const char *edited)
{
	json_t *el = json_object(), *range = NULL;
	const char *key;
	json_t *v;
	char num[24];
	json_object_foreach(data, key, v)
	{
		const struct emu_sc_field *f = emu_sc_field_find(key);
		char name[96];
		if (f && f->range) {
			snprintf(name, sizeof(name), "range_%s", key);
			json_object_set(el, name, v);
		} else if (f && !strcmp(f->switch_key, "Umkreis")) {
			if (!range && !(range = json_object()))
				break;
			json_object_set(range, key, v);
		} else if (f && f->values != SC_NONE && !emu_sc_field_is_multi(f)) {
			json_object_set_new(el, key, json_pack("[O]", v));
		} else if (strcmp(key, "krit_bemerkung_oeffentlich") != 0 &&
		           strcmp(key, "advisor") != 0) {
			json_object_set(el, key, v);
		}
	}
	if (range) {
		for (size_t i = 0; i < sizeof(range_keys) / sizeof(range_keys[0]); i++) {
			if (!json_object_get(range, range_keys[i]))
				json_object_set_new(range, range_keys[i], json_null());
		}
		json_object_set_new(el, "Range", range);
	}
	json_t *publicnote = json_object_get(data, "krit_bemerkung_oeffentlich");
	json_t *advisor = json_object_get(data, "advisor");
	json_t *meta = json_object();
	snprintf(num, sizeof(num), "%lld", (long long)address_id);
	json_object_set_new(meta, "internaladdressid", json_string(num));
	snprintf(num, sizeof(num), "%lld", (long long)kdnr);
	json_object_set_new(meta, "externaladdressid", json_string(num));
	json_object_set_new(meta, "kocriterias", json_array());
	json_object_set_new(meta, "advisor", advisor ? json_incref(advisor) : json_null());
	json_object_set_new(meta, "creator", json_null());
	json_object_set_new(meta, "creationdate", json_string(created));
	json_object_set_new(meta, "editdate", json_string(edited));
	json_object_set_new(meta, "status", json_string(status ? "1" : "0"));
	json_object_set_new(meta, "publicnote",
	                    publicnote ? json_incref(publicnote) : json_string(""));
	json_object_set_new(meta, "characteristic", json_null());
	if (!el || !meta || json_object_set_new(el, "_meta", meta)) {
		json_decref(el);
		return NULL;
	}
	return el;
}

struct scs_req {
	struct emu_action *a;
	const char *column; /* what ids are: s.address_id, a.kdnr or s.id */
	int64_t ids[IDS_MAX];
	size_t n;
	int64_t limit, offset;
	const char *order; /* SQL ORDER BY list */
	json_t *records;
};

static int scs_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct scs_req *r = arg;
	char sql[512];
	struct db_stmt *st;
	bool row;
	json_array_clear(r->records);
	if (r->n == 0)
		return 0;
	int len = snprintf(sql, sizeof(sql),
	                   "SELECT s.id, s.address_id, a.kdnr, s.data, s.status, s.created, "
	                   "s.edited FROM searchcriteria s JOIN addresses a ON a.id = s.address_id "
	                   "WHERE s.customer_id = ? AND %s IN (SELECT value FROM json_each(?)) "
	                   "ORDER BY %s LIMIT ? OFFSET ?",
	                   r->column, r->order);
	if (len < 0 || (size_t)len >= sizeof(sql))
		return err_set(e, ERR_INTERNAL, NULL, "query too long");
	json_t *ids = json_array();
	for (size_t i = 0; ids && i < r->n; i++)
		json_array_append_new(ids, json_integer((json_int_t)r->ids[i]));
	char *ids_text = ids ? json_dumps(ids, JSON_COMPACT) : NULL;
	json_decref(ids);
	if (!ids_text)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = db_prepare(c, sql, &st, e);
	if (!rc) {
		db_bind_int(st, 1, r->a->cust->id);
		db_bind_text(st, 2, ids_text);
		db_bind_int(st, 3, r->limit);
		db_bind_int(st, 4, r->offset);
	}
	while (!rc && !(rc = db_step(st, &row, e)) && row) {
		char *text = db_col_strdup(st, 3), *created = db_col_strdup(st, 5),
		     *edited = db_col_strdup(st, 6);
		json_t *data = text ? json_loads(text, 0, NULL) : NULL;
		json_t *el = data && created && edited
		                 ? sc_elements(data, db_col_int(st, 1), db_col_int(st, 2),
		                               (int)db_col_int(st, 4), created, edited)
		                 : NULL;
		json_t *rec =
		    emu_record(json_integer((json_int_t)db_col_int(st, 0)), "searchcriteria", el);
		if (!rec || json_array_append_new(r->records, rec))
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
		json_decref(data);
		free(text);
		free(created);
		free(edited);
	}
	free(ids_text);
	return rc;
}

/* sortby over the _meta names (onoffice-protocol §8.2), with sortorder. */
static int scs_order(struct scs_req *r, struct emu_answer *ans)
{
	static const struct {
		const char *name, *asc, *desc;
	} keys[] = {
	    {"internaladdressid", "s.address_id ASC, s.id ASC", "s.address_id DESC, s.id DESC"},
	    {"externaladdressid", "a.kdnr ASC, s.id ASC", "a.kdnr DESC, s.id DESC"},
	    {"creationdate", "s.created ASC, s.id ASC", "s.created DESC, s.id DESC"},
	    {"editdate", "s.edited ASC, s.id ASC", "s.edited DESC, s.id DESC"},
	    {"status", "s.status ASC, s.id ASC", "s.status DESC, s.id DESC"},
	};
	json_t *by = json_object_get(r->a->params, "sortby");
	const char *order = json_string_value(json_object_get(r->a->params, "sortorder"));
	bool desc = order && !strcasecmp(order, "DESC");
	r->order = "s.id ASC";
	if (order && *order && !desc && strcasecmp(order, "ASC") != 0)
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"sortorder\"");
	if (!by || json_is_null(by) || (json_is_string(by) && !json_string_length(by)))
		return 0;
	for (size_t i = 0; json_is_string(by) && i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!strcmp(keys[i].name, json_string_value(by))) {
			r->order = desc ? keys[i].desc : keys[i].asc;
			return 0;
		}
	}
	return emu_fail(ans, OO_UNKNOWN_SORT, "Unknown sort field.");
}

int emu_act_searchcriterias(struct emu_action *a, struct emu_answer *ans)
{
	struct scs_req r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	const char *mode = json_string_value(json_object_get(a->params, "mode"));
	json_t *ids = json_object_get(a->params, "ids");
	size_t i;
	json_t *v;
	if (mode && !strcmp(mode, "filter"))
		return emu_fail(ans, OO_NOT_IMPLEMENTED, "Not implemented (mode filter)");
	if (mode && !strcmp(mode, "internal"))
		r.column = "s.address_id";
	else if (mode && !strcmp(mode, "external"))
		r.column = "a.kdnr";
	else if (mode && !strcmp(mode, "searchcriteria"))
		r.column = "s.id";
	else
		return emu_fail(ans, OO_SC_MODE, "Unknown searchcriteria mode");
	if (!json_is_array(ids))
		return emu_fail(ans, OO_NOT_ARRAY,
		                "Given element or parameter was expected to be an array: ids");
	if (json_array_size(ids) > IDS_MAX)
		return emu_fail(ans, OO_TOO_MANY_IDS, "This action support only up to 500 Ids");
	json_array_foreach(ids, i, v)
	{
		if (!emu_json_id(v, &r.ids[r.n++]))
			return emu_fail(ans, OO_BAD_RECORD_IDS, "Missing or invalid record ids");
	}
	if (!emu_param_int(a->params, "listlimit", 20, &r.limit) || r.limit < 0)
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"listlimit\"");
	if (r.limit > 500)
		r.limit = 500;
	if (!emu_param_int(a->params, "listoffset", 0, &r.offset) || r.offset < 0)
		return emu_fail(ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"listoffset\"");
	int rc = scs_order(&r, ans);
	if (rc)
		return rc;
	if (!(r.records = json_array()))
		return emu_fail(ans, 1, "out of memory");
	if ((rc = emu_read_tx(a, ans, scs_tx, &r))) {
		json_decref(r.records);
		return rc;
	}
	ans->records = r.records;
	return 0;
}
