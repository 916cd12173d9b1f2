/* List parameters of the issue #4 reads (readq.h). */
#include "readq.h"

#include <strings.h>

#define LISTLIMIT_DEFAULT 20
#define LISTLIMIT_MAX     500
#define IDS_MAX           500

int emu_readq_add_field(const struct emu_afield **data, size_t *n, size_t max,
                        const struct emu_afield *f, struct emu_answer *ans)
{
	for (size_t k = 0; k < *n; k++)
		if (data[k] == f)
			return 0;
	if (*n == max)
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"data\"");
	data[(*n)++] = f;
	return 0;
}

static int parse_data(json_t *params, emu_field_lookup find, struct emu_readq *r,
                      struct emu_answer *ans)
{
	json_t *data = json_object_get(params, "data");
	size_t i;
	json_t *v;
	if (!data || json_is_null(data))
		return 0;
	if (!json_is_array(data))
		return emu_fail(ans, OO_NOT_ARRAY,
		                "Given element or parameter was expected to be an array: data");
	json_array_foreach(data, i, v)
	{
		const struct emu_afield *f = json_is_string(v) ? find(json_string_value(v)) : NULL;
		if (!f)
			return emu_fail(ans, OO_UNKNOWN_FIELD, "Unknown field: %.80s",
			                json_is_string(v) ? json_string_value(v)
			                                  : "(not a string)");
		int rc = emu_readq_add_field(r->data, &r->ndata, EMU_READQ_MAX_DATA, f, ans);
		if (rc)
			return rc;
	}
	return 0;
}

static bool parse_order(json_t *v, bool *desc)
{
	const char *s = json_string_value(v);
	if (!v || json_is_null(v) || (s && (!*s || !strcasecmp(s, "ASC"))))
		*desc = false;
	else if (s && !strcasecmp(s, "DESC"))
		*desc = true;
	else
		return false;
	return true;
}

static int add_sort(emu_field_lookup find, const char *name, json_t *order, struct emu_readq *r,
                    struct emu_answer *ans)
{
	const struct emu_afield *f = find(name);
	if (!f || !f->cmp || r->nsort == EMU_READQ_MAX_SORT)
		return emu_fail(ans, OO_UNKNOWN_SORT, "Unknown sort field.");
	r->sort[r->nsort].f = f;
	if (!parse_order(order, &r->sort[r->nsort].desc))
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"sortorder\"");
	r->nsort++;
	return 0;
}

static int parse_sort(json_t *params, emu_field_lookup find, struct emu_readq *r,
                      struct emu_answer *ans)
{
	json_t *by = json_object_get(params, "sortby");
	json_t *order = json_object_get(params, "sortorder");
	bool ignored;
	if (!parse_order(order, &ignored))
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"sortorder\"");
	if (!by || json_is_null(by) || (json_is_string(by) && !json_string_length(by)) ||
	    (json_is_array(by) && !json_array_size(by)))
		return 0;
	if (json_is_string(by))
		return add_sort(find, json_string_value(by), order, r, ans);
	if (!json_is_object(by))
		return emu_fail(ans, OO_UNKNOWN_SORT, "Unknown sort field.");
	const char *name;
	json_t *dir;
	json_object_foreach(by, name, dir)
	{
		int rc = add_sort(find, name, dir, r, ans);
		if (rc)
			return rc;
	}
	return 0;
}

int emu_readq_parse(json_t *params, emu_field_lookup find, struct emu_readq *r,
                    struct emu_answer *ans)
{
	int rc;
	if ((rc = parse_data(params, find, r, ans)) || (rc = parse_sort(params, find, r, ans)))
		return rc;
	if (!emu_param_int(params, "listlimit", LISTLIMIT_DEFAULT, &r->limit) || r->limit < 0)
		return emu_fail(ans, OO_BAD_PARAMETER, "Invalid value for parameter \"listlimit\"");
	if (r->limit > LISTLIMIT_MAX)
		r->limit = LISTLIMIT_MAX;
	if (!emu_param_int(params, "listoffset", 0, &r->offset) || r->offset < 0)
		return emu_fail(ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"listoffset\"");
	return 0;
}

void emu_readq_order_sql(const struct emu_readq *r, const char *id_expr, const char *defaults,
                         struct sqlq *q)
{
	bool last_desc = false;
	sqlq_add(q, " ORDER BY ");
	if (r->nsort == 0) {
		sqlq_add(q, defaults);
		return;
	}
	for (size_t i = 0; i < r->nsort; i++) {
		sqlq_addf(q, "%s %s, ", r->sort[i].f->cmp, r->sort[i].desc ? "DESC" : "ASC");
		last_desc = r->sort[i].desc;
	}
	sqlq_addf(q, "%s %s", id_expr, last_desc ? "DESC" : "ASC");
}

void emu_readq_limit_sql(const struct emu_readq *r, struct sqlq *q)
{
	sqlq_add(q, " LIMIT ? OFFSET ?");
	sqlq_int(q, r->limit);
	sqlq_int(q, r->offset);
}

int emu_readq_ids(json_t *params, const char *name, const char *expr, bool empty_all,
                  struct sqlq *q, struct emu_answer *ans)
{
	json_t *ids = json_object_get(params, name);
	size_t i;
	json_t *v;
	int64_t id;
	if (!ids || json_is_null(ids))
		return 0;
	if (!json_is_array(ids)) {
		if (!emu_json_id(ids, &id))
			return emu_fail(ans, OO_BAD_RECORD_IDS,
			                "Missing or invalid record ids (%s)", name);
		sqlq_addf(q, " AND %s = ?", expr);
		sqlq_int(q, id);
		return 0;
	}
	if (json_array_size(ids) > IDS_MAX)
		return emu_fail(ans, OO_TOO_MANY_IDS, "This action support only up to 500 Ids");
	if (json_array_size(ids) == 0) {
		if (!empty_all)
			sqlq_add(q, " AND 0");
		return 0;
	}
	sqlq_addf(q, " AND %s IN (", expr);
	json_array_foreach(ids, i, v)
	{
		if (!emu_json_id(v, &id))
			return emu_fail(ans, OO_BAD_RECORD_IDS,
			                "Missing or invalid record ids (%s)", name);
		sqlq_add(q, i ? ", ?" : "?");
		sqlq_int(q, id);
	}
	sqlq_add(q, ")");
	return 0;
}

int emu_readq_run(struct db_conn *c, const struct emu_readq *rq, struct sqlq *count_q,
                  struct sqlq *page_q, const char *type, int id_col,
                  json_t *(*elements)(void *arg, struct db_stmt *st), void *arg, int64_t *count,
                  json_t *records, struct err *e)
{
	struct db_stmt *st;
	bool row;
	json_array_clear(records);
	int rc = db_prepare(c, sqlq_sql(count_q), &st, e);
	if (rc)
		return rc;
	sqlq_bind(count_q, st);
	if ((rc = db_step(st, &row, e)))
		return rc;
	*count = row ? db_col_int(st, 0) : 0;
	if (rq->limit == 0 || rq->offset >= *count)
		return 0;
	if ((rc = db_prepare(c, sqlq_sql(page_q), &st, e)))
		return rc;
	sqlq_bind(page_q, st);
	while (!(rc = db_step(st, &row, e)) && row) {
		int64_t id = db_col_int(st, id_col);
		json_t *rec = emu_record(json_integer((json_int_t)id), type, elements(arg, st));
		if (!rec || json_array_append_new(records, rec))
			return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	return rc;
}

int emu_readq_answer(struct emu_action *a, struct emu_answer *ans, struct sqlq *count_q,
                     struct sqlq *page_q, db_tx_fn tx, void *arg, json_t **records,
                     const int64_t *count)
{
	if (sqlq_failed(count_q) || sqlq_failed(page_q))
		return emu_fail(ans, OO_BAD_FILTER, "the request is too large");
	if (!(*records = json_array()))
		return emu_fail(ans, 1, "out of memory");
	int rc = emu_read_tx(a, ans, tx, arg);
	if (rc)
		return rc;
	ans->records = *records;
	*records = NULL;
	ans->has_cnt = true;
	ans->cnt = *count;
	return 0;
}
