/*
 * read/address (onoffice-protocol §5.2): data, recordids or resourceid, filter,
 * sortby/sortorder with an id tie-break, listlimit/listoffset, cntabsolute,
 * countryIsoCodeType, formatoutput. Everything is done in SQL on the indexed
 * columns: one count and one page query in the same read transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "address_read.h"
#include "actions.h"
#include "filter.h"
#include "readq.h"
#include "sqlq.h"

#define LISTLIMIT_DEFAULT 20
#define LISTLIMIT_MAX     500
#define MAX_DATA          200
#define MAX_SORT          8

struct sort_key {
	const struct emu_afield *f;
	bool desc;
};

struct read_req {
	const struct emu_afield *data[MAX_DATA];
	size_t ndata;
	bool want_entries, want_multis;
	int64_t limit, offset;
	struct sort_key sort[MAX_SORT];
	size_t nsort;
	json_t *params;
	int64_t customer_id;
	const char *resourceid;
	/* results */
	int64_t count;
	struct emu_page page;
};

static int parse_data(struct read_req *r, struct emu_answer *ans)
{
	json_t *data = json_object_get(r->params, "data");
	size_t i;
	json_t *v;
	if (!data || json_is_null(data))
		return 0;
	if (!json_is_array(data))
		return emu_fail(ans, OO_NOT_ARRAY,
		                "Given element or parameter was expected to be an array: data");
	json_array_foreach(data, i, v)
	{
		if (!json_is_string(v))
			return emu_fail(ans, OO_UNKNOWN_FIELD, "Unknown field: (not a string)");
		const char *name = json_string_value(v);
		if (strcmp(name, "id") == 0)
			continue;
		const struct emu_afield *f = emu_afield_find(name);
		if (!f)
			return emu_fail(ans, OO_UNKNOWN_FIELD, "Unknown field: %.80s", name);
		int rc = emu_readq_add_field(r->data, &r->ndata, MAX_DATA, f, ans);
		if (rc)
			return rc;
		r->want_entries = r->want_entries || f->kind == AF_ENTRIES || f->kind == AF_DEFAULT;
		r->want_multis = r->want_multis || f->kind == AF_MULTI;
	}
	return 0;
}

static bool sortable(const struct emu_afield *f)
{
	return f->cmp != NULL;
}

static int parse_order(const char *s, bool *desc)
{
	if (!s || !*s || strcasecmp(s, "ASC") == 0)
		*desc = false;
	else if (strcasecmp(s, "DESC") == 0)
		*desc = true;
	else
		return -1;
	return 0;
}

/* sortby: a field name (with sortorder) or an object {field: "ASC"|"DESC", …}. */
static int parse_sort(struct read_req *r, struct emu_answer *ans)
{
	json_t *by = json_object_get(r->params, "sortby");
	json_t *order = json_object_get(r->params, "sortorder");
	if (order && !json_is_null(order) && !json_is_string(order))
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"sortorder\"");
	if (!by || json_is_null(by) || (json_is_string(by) && !*json_string_value(by)) ||
	    (json_is_array(by) && json_array_size(by) == 0))
		return 0;
	if (json_is_string(by)) {
		const struct emu_afield *f = emu_afield_find(json_string_value(by));
		if (!f || !sortable(f))
			return emu_fail(ans, OO_UNKNOWN_SORT, "Unknown sort field.");
		r->sort[0].f = f;
		if (parse_order(json_string_value(order), &r->sort[0].desc))
			return emu_fail(ans, OO_BAD_PARAMETER,
			                "Invalid value for parameter \"sortorder\"");
		r->nsort = 1;
		return 0;
	}
	if (!json_is_object(by))
		return emu_fail(ans, OO_UNKNOWN_SORT, "Unknown sort field.");
	const char *name;
	json_t *dir;
	json_object_foreach(by, name, dir)
	{
		const struct emu_afield *f = emu_afield_find(name);
		if (!f || !sortable(f) || r->nsort == MAX_SORT)
			return emu_fail(ans, OO_UNKNOWN_SORT, "Unknown sort field.");
		r->sort[r->nsort].f = f;
		if (!json_is_string(dir) ||
		    parse_order(json_string_value(dir), &r->sort[r->nsort].desc))
			return emu_fail(ans, OO_BAD_PARAMETER,
			                "Invalid value for parameter \"sortorder\"");
		r->nsort++;
	}
	return 0;
}

static int parse_paging(struct read_req *r, struct emu_answer *ans)
{
	if (!emu_param_int(r->params, "listlimit", LISTLIMIT_DEFAULT, &r->limit) || r->limit < 0)
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"listlimit\"");
	if (r->limit > LISTLIMIT_MAX)
		r->limit = LISTLIMIT_MAX; /* our decision: clamp (emu/README.md) */
	if (!emu_param_int(r->params, "listoffset", 0, &r->offset) || r->offset < 0)
		return emu_fail(ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"listoffset\"");
	return 0;
}

/* WHERE … for the customer, the record ids and the filter. */
static int where_sql(struct read_req *r, struct sqlq *q, struct emu_answer *ans)
{
	sqlq_add(q, " WHERE a.customer_id = ?");
	sqlq_int(q, r->customer_id);
	if (r->resourceid[0]) {
		sqlq_add(q, " AND a.id = ?");
		sqlq_int(q, strtoll(r->resourceid, NULL, 10));
	}
	json_t *ids = json_object_get(r->params, "recordids");
	if (ids && !json_is_null(ids)) {
		size_t i;
		json_t *v;
		if (!json_is_array(ids))
			return emu_fail(ans, OO_NOT_ARRAY,
			                "Given element or parameter was expected to be an array: "
			                "recordids");
		if (json_array_size(ids) > 500)
			return emu_fail(ans, OO_TOO_MANY_IDS,
			                "This action support only up to 500 Ids");
		if (json_array_size(ids) > 0) {
			sqlq_add(q, " AND a.id IN (");
			json_array_foreach(ids, i, v)
			{
				int64_t id = 0;
				if (!emu_json_int(v, &id) || id <= 0)
					return emu_fail(ans, OO_BAD_RECORD_IDS,
					                "Missing or invalid record ids");
				sqlq_add(q, i ? ", ?" : "?");
				sqlq_int(q, id);
			}
			sqlq_add(q, ")");
		}
	}
	return emu_filter_sql(json_object_get(r->params, "filter"), q, ans);
}

static void order_sql(struct read_req *r, struct sqlq *q)
{
	bool last_desc = false;
	sqlq_add(q, " ORDER BY ");
	for (size_t i = 0; i < r->nsort; i++) {
		sqlq_addf(q, "%s %s, ", r->sort[i].f->cmp, r->sort[i].desc ? "DESC" : "ASC");
		last_desc = r->sort[i].desc;
	}
	/* The tie-break: the record id in the direction of the last sort key. */
	sqlq_addf(q, "a.id %s", last_desc ? "DESC" : "ASC");
}

struct read_tx {
	struct read_req *r;
	struct sqlq *count_q, *page_q;
};

static int read_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct read_tx *t = arg;
	struct db_stmt *st;
	emu_page_release(&t->r->page);
	int rc = db_prepare(c, sqlq_sql(t->count_q), &st, e);
	if (rc)
		return rc;
	sqlq_bind(t->count_q, st);
	bool row;
	if ((rc = db_step(st, &row, e)))
		return rc;
	t->r->count = row ? db_col_int(st, 0) : 0;
	if (t->r->limit == 0 || t->r->offset >= t->r->count)
		return 0;
	if ((rc = db_prepare(c, sqlq_sql(t->page_q), &st, e)))
		return rc;
	sqlq_bind(t->page_q, st);
	return emu_page_fetch(c, st, t->r->want_entries, t->r->want_multis, &t->r->page, e);
}

static int build_records(struct emu_action *a, struct read_req *r, struct emu_answer *ans)
{
	struct emu_read_format fmt = {0, emu_param_bool(r->params, "formatoutput"),
	                              emu_action_config(a)};
	json_t *iso = json_object_get(r->params, "countryIsoCodeType");
	if (json_is_string(iso) && strcmp(json_string_value(iso), "ISO-3166-2") == 0)
		fmt.country = 2;
	else if (json_is_string(iso) && strcmp(json_string_value(iso), "ISO-3166-3") == 0)
		fmt.country = 3;
	if (!fmt.cfg || !(ans->records = json_array()))
		return emu_fail(ans, 1, "out of memory");
	for (size_t i = 0; i < r->page.nrows; i++) {
		const struct emu_row *row = &r->page.rows[i];
		json_t *el = json_pack("{s:I}", "id", (json_int_t)row->id);
		for (size_t k = 0; el && k < r->ndata; k++) {
			if (emu_read_put(el, r->data[k], row, &r->page, &fmt)) {
				json_decref(el);
				el = NULL;
			}
		}
		json_t *rec =
		    el ? emu_record(json_integer((json_int_t)row->id), "address", el) : NULL;
		if (!rec || json_array_append_new(ans->records, rec))
			return emu_fail(ans, 1, "out of memory");
	}
	ans->has_cnt = true;
	ans->cnt = r->count;
	return 0;
}

int emu_act_read_address(struct emu_action *a, struct emu_answer *ans)
{
	struct read_req r = {
	    .params = a->params, .customer_id = a->cust->id, .resourceid = a->resourceid};
	struct sqlq count_q = SQLQ_INIT, page_q = SQLQ_INIT;
	int rc;
	json_t *fid = json_object_get(a->params, "filterid");
	if (fid && !json_is_null(fid) && !(json_is_integer(fid) && json_integer_value(fid) == 0))
		return emu_fail(ans, OO_UNKNOWN_FILTERID,
		                "The requested filterid %lld is unknown (the emulator has no saved "
		                "filters)",
		                (long long)json_integer_value(fid));
	if (a->resourceid[0] && strspn(a->resourceid, "0123456789") != strlen(a->resourceid))
		return emu_fail(ans, OO_RESOURCEID, "Missing or invalid attribute: resourceid");
	if ((rc = parse_data(&r, ans)) || (rc = parse_sort(&r, ans)) ||
	    (rc = parse_paging(&r, ans)))
		return rc;

	sqlq_add(&count_q, "SELECT count(*) FROM addresses a");
	sqlq_add(&page_q, "SELECT " EMU_ADDRESS_COLUMNS " FROM addresses a");
	if ((rc = where_sql(&r, &count_q, ans)) || (rc = where_sql(&r, &page_q, ans)))
		goto out;
	order_sql(&r, &page_q);
	sqlq_add(&page_q, " LIMIT ? OFFSET ?");
	sqlq_int(&page_q, r.limit);
	sqlq_int(&page_q, r.offset);
	if (sqlq_failed(&count_q) || sqlq_failed(&page_q)) {
		rc = emu_fail(ans, OO_BAD_FILTER, "the request is too large");
		goto out;
	}
	struct err e = ERR_INIT;
	struct read_tx t = {&r, &count_q, &page_q};
	if (db_tx(a->emu->db, DB_READ, read_tx, &t, &e)) {
		rc = emu_fail(ans, 1, "Unknown error occurred (%s)", e.message);
		goto out;
	}
	rc = build_records(a, &r, ans);
out:
	emu_page_release(&r.page);
	sqlq_release(&count_q);
	sqlq_release(&page_q);
	return rc;
}
