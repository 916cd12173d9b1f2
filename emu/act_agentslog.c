/*
 * create/agentslog and read/agentslog (onoffice-protocol §6).
 *
 * Create takes flat parameters; every address of addressids gets its own
 * entry (one row each, as enterprise keeps them), an entry with only an
 * estate gets one row. The kind and type must exist in the customer's action
 * kinds (100/101), the origin in its HerkunftKontakt values (220). Read lists
 * entries antichronologically (Datum, then id, descending) with the fields of
 * onoffice-protocol §6 "Reading"; Objekt_nr and Adress_nr are arrays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "core/time.h"
#include "readq.h"
#include "text.h"

#define MAX_ADDR 500
#define NOTE_MAX 65535
#define SELECT_COL                                                              \
	"l.id, l.address_id, l.estate_id, l.kind, l.type, l.datum, l.created, " \
	"l.note, l.origin"

/* ---- create ---- */

struct log_req {
	struct emu_action *a;
	struct emu_answer *ans;
	int64_t addr[MAX_ADDR];
	size_t naddr;
	int64_t estate; /* 0: none */
	const char *kind, *type, *note, *origin;
	char datum[TIME_ONOFFICE_MAX], now[TIME_ONOFFICE_MAX];
	char note_f[NOTE_MAX + 1];
	int64_t user_id; /* 0: none */
	int64_t first_id;
};

/* An optional string parameter: absent/null gives def; anything but a string is 227. */
static int opt_string(struct log_req *r, const char *name, const char *def, const char **out)
{
	json_t *v = json_object_get(r->a->params, name);
	if (!v || json_is_null(v)) {
		*out = def;
		return 0;
	}
	if (!json_is_string(v))
		return emu_fail(r->ans, OO_EXPECTED_STRING,
		                "Given element or parameter was expected to be a string: %s", name);
	*out = json_string_value(v);
	return 0;
}

static int parse_ids(struct log_req *r)
{
	json_t *ids = json_object_get(r->a->params, "addressids");
	json_t *est = json_object_get(r->a->params, "estateid");
	size_t i;
	json_t *v;
	if (ids && !json_is_null(ids)) {
		if (!json_is_array(ids) || json_array_size(ids) > MAX_ADDR)
			return emu_fail(r->ans, OO_ADDRESSIDS_NOT_ARRAY,
			                "Address record ids not in array");
		json_array_foreach(ids, i, v)
		{
			if (!emu_json_id(v, &r->addr[r->naddr++]))
				return emu_fail(r->ans, OO_ADDRESSIDS_NOT_ARRAY,
				                "Address record ids not in array");
		}
	}
	if (est && !json_is_null(est) && !emu_json_id(est, &r->estate))
		return emu_fail(
		    r->ans, OO_EXPECTED_INTEGER,
		    "Given element or parameter was expected to be an integer: estateid");
	if (r->naddr == 0 && r->estate == 0)
		return emu_fail(r->ans, OO_MISSING_RELATION,
		                "Missing relation to address and/or estate record");
	return 0;
}

static int parse_kind(struct log_req *r)
{
	json_t *cfg = emu_action_config(r->a);
	int rc;
	if (!cfg)
		return emu_fail(r->ans, 1, "out of memory");
	if ((rc = opt_string(r, "actionkind", "", &r->kind)) ||
	    (rc = opt_string(r, "actiontype", "", &r->type)))
		return rc;
	if (!*r->kind)
		return emu_fail(r->ans, OO_MANDATORY, "Missing mandatory field \"actionkind\"");
	json_t *kind = json_object_get(json_object_get(cfg, "action_kinds"), r->kind);
	if (!kind)
		return emu_fail(r->ans, OO_UNKNOWN_ACTIONKIND, "Unknown kind of action \"%.80s\"",
		                r->kind);
	if (*r->type && !json_object_get(json_object_get(kind, "types"), r->type))
		return emu_fail(r->ans, OO_UNKNOWN_ACTIONTYPE, "Unknown type of action \"%.80s\"",
		                r->type);
	if ((rc = opt_string(r, "origincontact", NULL, &r->origin)))
		return rc;
	if (r->origin && !*r->origin)
		r->origin = NULL;
	if (r->origin && !json_object_get(json_object_get(cfg, "contact_origins"), r->origin))
		return emu_fail(r->ans, OO_UNKNOWN_ORIGIN, "unknown origincontact: %.80s",
		                r->origin);
	return 0;
}

/* Parameters the emulator checks but does not keep (emu/README.md). */
static int parse_extras(struct log_req *r)
{
	json_t *p = r->a->params;
	json_t *features = json_object_get(p, "features");
	json_t *cost = json_object_get(p, "cost"), *duration = json_object_get(p, "duration");
	json_t *level = json_object_get(p, "advisorylevel");
	json_t *user = json_object_get(p, "userid");
	if (features && !json_is_null(features) &&
	    !(json_is_array(features) && json_array_size(features) == 0) &&
	    !(json_is_string(features) && !json_string_length(features)))
		return emu_fail(r->ans, OO_UNKNOWN_FEATURE,
		                "unknown feature: %.80s (the emulator configures no features)",
		                json_is_string(features) ? json_string_value(features) : "[…]");
	if (cost && !json_is_null(cost) && !(json_is_number(cost) && json_number_value(cost) >= 0))
		return emu_fail(r->ans, 222, "invalid value for cost: not numeric or less than 0");
	if (duration && !json_is_null(duration) &&
	    !(json_is_integer(duration) && json_integer_value(duration) >= 0))
		return emu_fail(r->ans, 223,
		                "invalid value for duration: not numeric or less than 0");
	const char *lv = json_string_value(level);
	if (level && !json_is_null(level) &&
	    !(lv && strlen(lv) == 1 && lv[0] >= 'A' && lv[0] <= 'G'))
		return emu_fail(r->ans, 225, "unknown advisory level: %.20s", lv ? lv : "");
	if (user && !json_is_null(user) && !emu_json_id(user, &r->user_id))
		return emu_fail(r->ans, 186, "Userid must be an integer");
	return 0;
}

static int parse_create(struct log_req *r)
{
	const char *dt = NULL;
	int rc;
	if ((rc = parse_ids(r)) || (rc = parse_kind(r)) || (rc = parse_extras(r)) ||
	    (rc = opt_string(r, "note", "", &r->note)) ||
	    (rc = opt_string(r, "datetime", NULL, &dt)))
		return rc;
	if (strlen(r->note) > NOTE_MAX)
		return emu_fail(r->ans, OO_BAD_PARAMETER, "Invalid value for parameter \"note\"");
	if (!emu_fold_into(r->note, r->note_f, sizeof(r->note_f)))
		snprintf(r->note_f, sizeof(r->note_f), "%s", r->note);
	int64_t ms;
	if (!dt || !*dt)
		snprintf(r->datum, sizeof(r->datum), "%s", r->now);
	else if (time_parse_onoffice(dt, strlen(dt), 0, &ms, NULL))
		return emu_fail(r->ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"datetime\" (Y-m-d H:i:s)");
	else
		snprintf(r->datum, sizeof(r->datum), "%s", dt);
	return 0;
}

static int refuse_unknown(struct log_req *r, const char *what, int64_t id)
{
	emu_fail(r->ans, OO_UNKNOWN_RECORD, "%s (%s %lld)", OO_UNKNOWN_RECORD_MSG, what,
	         (long long)id);
	return EMU_TX_REFUSED;
}

static int exists(struct db_conn *c, const char *table, int64_t id, int64_t customer_id, bool *yes,
                  struct err *e)
{
	char sql[128];
	int64_t n;
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE id = ? AND customer_id = ?",
	         table);
	int rc = db_query_int(c, sql, (const int64_t[]){id, customer_id}, 2, &n, e);
	*yes = !rc && n > 0;
	return rc;
}

static int insert_entry(struct db_conn *c, struct log_req *r, int64_t address, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "INSERT INTO agentslog(customer_id, address_id, estate_id, kind, type, "
	                    "note, note_f, datum, origin, user_id, created) VALUES (?, ?, ?, ?, ?, "
	                    "?, ?, ?, ?, ?, ?) RETURNING id",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, r->a->cust->id);
	if (address)
		db_bind_int(st, 2, address);
	else
		db_bind_null(st, 2);
	if (r->estate)
		db_bind_int(st, 3, r->estate);
	else
		db_bind_null(st, 3);
	db_bind_text(st, 4, r->kind);
	db_bind_text(st, 5, r->type);
	db_bind_text(st, 6, r->note);
	db_bind_text(st, 7, r->note_f);
	db_bind_text(st, 8, r->datum);
	db_bind_text(st, 9, r->origin);
	if (r->user_id)
		db_bind_int(st, 10, r->user_id);
	else
		db_bind_null(st, 10);
	db_bind_text(st, 11, r->now);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!r->first_id)
		r->first_id = db_col_int(st, 0);
	return db_step(st, &row, e);
}

static int create_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct log_req *r = arg;
	bool yes;
	int rc;
	r->first_id = 0;
	if (r->estate) {
		if ((rc = exists(c, "estates", r->estate, r->a->cust->id, &yes, e)))
			return rc;
		if (!yes)
			return refuse_unknown(r, "estate", r->estate);
	}
	for (size_t i = 0; i < r->naddr; i++) {
		if ((rc = exists(c, "addresses", r->addr[i], r->a->cust->id, &yes, e)))
			return rc;
		if (!yes)
			return refuse_unknown(r, "address", r->addr[i]);
	}
	if (r->naddr == 0)
		return insert_entry(c, r, 0, e);
	for (size_t i = 0; i < r->naddr; i++) {
		bool dup = false;
		for (size_t k = 0; k < i; k++)
			dup = dup || r->addr[k] == r->addr[i];
		if (!dup && (rc = insert_entry(c, r, r->addr[i], e)))
			return rc;
	}
	return 0;
}

int emu_act_create_agentslog(struct emu_action *a, struct emu_answer *ans)
{
	struct log_req *r = calloc(1, sizeof(*r)); /* the note's fold makes it large */
	if (!r)
		return emu_fail(ans, 1, "out of memory");
	r->a = a;
	r->ans = ans;
	emu_action_now_text(a, r->now, sizeof(r->now));
	int rc = parse_create(r);
	if (!rc)
		rc = emu_write_tx(a, ans, create_tx, r);
	if (!rc) {
		ans->records = json_array();
		json_t *rec =
		    emu_record(json_integer((json_int_t)r->first_id), "agentsLog", json_array());
		if (!rec || json_array_append_new(ans->records, rec))
			rc = emu_fail(ans, 1, "out of memory");
	}
	free(r);
	return rc;
}

/* ---- read ---- */

enum { C_ID, C_ADDRESS, C_ESTATE, C_KIND, C_TYPE, C_DATUM, C_CREATED, C_NOTE, C_ORIGIN, C_N };

#define LF(n, k, c, x)                                           \
	{                                                        \
		.name = (n), .kind = (k), .col = (c), .cmp = (x) \
	}

/* The fields of onoffice-protocol §6 "Reading"; cmp NULL: not filterable (the docs name Benutzer,
 * Adress_nr, Objekt_nr and dauer) and not sortable. Fields the emulator does not keep read as null.
 */
static const struct emu_afield log_fields[] = {
    LF("Nr", AF_ID, C_ID, "l.id"),
    LF("Adress_nr", AF_INT, C_ADDRESS, NULL),
    LF("Objekt_nr", AF_INT, C_ESTATE, NULL),
    LF("Aktionsart", AF_RAW, C_KIND, "lower(l.kind)"),
    LF("Aktionstyp", AF_RAW, C_TYPE, "lower(l.type)"),
    LF("Datum", AF_DATETIME, C_DATUM, "l.datum"),
    LF("created", AF_DATETIME, C_CREATED, "l.created"),
    LF("Bemerkung", AF_TEXT, C_NOTE, "l.note_f"),
    LF("HerkunftKontakt", AF_RAW, C_ORIGIN, "lower(l.origin)"),
    LF("Benutzer", AF_RAW, -1, NULL),
    LF("dauer", AF_INT, -1, NULL),
    LF("Benutzer_nr", AF_INT, -1, "NULL"),
    LF("Datum_bearb", AF_DATETIME, -1, "NULL"),
    LF("Kosten", AF_RAW, -1, "NULL"),
    LF("merkmal", AF_RAW, -1, "NULL"),
    LF("Beratungsebene", AF_RAW, -1, "NULL"),
    LF("Absagegrund", AF_RAW, -1, "NULL"),
    LF("Benutzer_bearb", AF_RAW, -1, "NULL"),
    LF("mailDate", AF_DATETIME, -1, "NULL"),
    LF("Aktionsmerkmale", AF_RAW, -1, "NULL"),
    LF("Angeboten_fuer", AF_RAW, -1, "NULL"),
};

static const struct emu_afield *log_field(const char *name)
{
	for (size_t i = 0; i < sizeof(log_fields) / sizeof(log_fields[0]); i++) {
		if (strcmp(log_fields[i].name, name) == 0)
			return &log_fields[i];
	}
	return NULL;
}

struct log_read {
	struct emu_readq rq;
	struct sqlq count_q, page_q;
	int64_t count;
	json_t *records;
};

static json_t *id_array(struct db_stmt *st, int col)
{
	json_t *arr = json_array();
	char num[24];
	if (arr && !db_col_null(st, col)) {
		snprintf(num, sizeof(num), "%lld", (long long)db_col_int(st, col));
		json_array_append_new(arr, json_string(num));
	}
	return arr;
}

static json_t *log_elements(const struct log_read *r, struct db_stmt *st)
{
	json_t *el = json_object();
	for (size_t i = 0; el && i < r->rq.ndata; i++) {
		const struct emu_afield *f = r->rq.data[i];
		json_t *v;
		char num[24];
		if (f->col == C_ADDRESS || f->col == C_ESTATE) {
			v = id_array(st, f->col);
		} else if (f->col == C_ID) {
			snprintf(num, sizeof(num), "%lld", (long long)db_col_int(st, C_ID));
			v = json_string(num);
		} else if (f->col < 0 || db_col_null(st, f->col)) {
			v = json_null();
		} else {
			char *s = db_col_strdup(st, f->col);
			v = s ? json_string(s) : NULL;
			free(s);
		}
		if (json_object_set_new(el, f->name, v)) {
			json_decref(el);
			return NULL;
		}
	}
	return el;
}

static json_t *log_elements_cb(void *arg, struct db_stmt *st)
{
	return log_elements(arg, st);
}

static int log_read_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct log_read *r = arg;
	return emu_readq_run(c, &r->rq, &r->count_q, &r->page_q, "agentslog", C_ID, log_elements_cb,
	                     r, &r->count, r->records, e);
}

/* The WHERE clause both queries share. */
static int log_where(struct emu_action *a, struct sqlq *q, struct emu_answer *ans)
{
	int rc;
	sqlq_add(q, " FROM agentslog l WHERE l.customer_id = ?");
	sqlq_int(q, a->cust->id);
	if ((rc = emu_readq_ids(a->params, "addressid", "l.address_id", false, q, ans)) ||
	    (rc = emu_readq_ids(a->params, "estateid", "l.estate_id", false, q, ans)))
		return rc;
	return emu_filter_sql_with(json_object_get(a->params, "filter"), log_field, q, ans);
}

int emu_act_read_agentslog(struct emu_action *a, struct emu_answer *ans)
{
	struct log_read r = {.count_q = SQLQ_INIT, .page_q = SQLQ_INIT};
	memset(&r.rq, 0, sizeof(r.rq));
	int rc = emu_readq_parse(a->params, log_field, &r.rq, ans);
	if (rc)
		return rc;
	sqlq_add(&r.count_q, "SELECT count(*)");
	sqlq_add(&r.page_q, "SELECT " SELECT_COL);
	if ((rc = log_where(a, &r.count_q, ans)) || (rc = log_where(a, &r.page_q, ans)))
		goto out;
	emu_readq_order_sql(&r.rq, "l.id", "l.datum DESC, l.id DESC", &r.page_q);
	emu_readq_limit_sql(&r.rq, &r.page_q);
	rc = emu_readq_answer(a, ans, &r.count_q, &r.page_q, log_read_tx, &r, &r.records, &r.count);
out:
	json_decref(r.records);
	sqlq_release(&r.count_q);
	sqlq_release(&r.page_q);
	return rc;
}
