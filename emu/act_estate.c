/*
 * create/estate and read/estate (onoffice-protocol §7).
 *
 * Create takes the fields in parameters.data, checked against the estate
 * catalogue (estate.h) and the customer's estate kinds: objektart a
 * configured kind, objekttyp one of its types, land ISO-3, selects from
 * their maps (252), numbers as numbers or numeric strings. Values are kept
 * as strings, as onOffice returns them. Read returns the requested fields of
 * the customer's estates with filter, sort and paging like read/address;
 * relations are read with get/idsfromrelation.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "core/time.h"
#include "estate.h"
#include "readq.h"
#include "text.h"

/* ---- create ---- */

struct estate_req {
	struct emu_action *a;
	struct emu_answer *ans;
	json_t *data;      /* the checked values, all strings */
	char extern_f[96]; /* objektnr_extern, ASCII lower case, for the indexed lookup */
	int status;
	char now[TIME_ONOFFICE_MAX];
	int64_t id;
};

static int unknown_value(struct estate_req *r, const char *name, const char *v)
{
	return emu_fail(r->ans, OO_UNKNOWN_SELECT_VALUE,
	                "Unknown value in select field \"%s\" (%.80s)", name, v);
}

/* The kind (configured estate kind) objekttyp type belongs to, or NULL. */
static const char *kind_of_type(json_t *cfg, const char *type)
{
	const char *k;
	json_t *v;
	json_object_foreach(json_object_get(cfg, "estate_kinds"), k, v)
	{
		if (json_object_get(json_object_get(v, "types"), type))
			return k;
	}
	return NULL;
}

static int select_value(struct estate_req *r, json_t *cfg, const struct emu_efield *f, json_t *v,
                        char *out, size_t cap)
{
	char num[24];
	const char *s = json_string_value(v);
	if (json_is_integer(v) && f->values[0] != '@') {
		snprintf(num, sizeof(num), "%lld", (long long)json_integer_value(v));
		s = num;
	}
	if (!s)
		return emu_fail(r->ans, OO_INVALID_SINGLESELECT, "Invalid singleselect key: %s",
		                f->name);
	if (!strcmp(f->values, "@kinds")) {
		if (!json_object_get(json_object_get(cfg, "estate_kinds"), s))
			return unknown_value(r, f->name, s);
	} else if (!strcmp(f->values, "@types")) {
		if (!kind_of_type(cfg, s))
			return unknown_value(r, f->name, s);
	} else if (!strcmp(f->values, "@countries")) {
		const struct emu_country *c = emu_country_find(s);
		if (!c || strcasecmp(s, c->iso3) != 0)
			return emu_fail(
			    r->ans, OO_UNKNOWN_SELECT_VALUE,
			    "Unknown value in select field \"land\" (%.80s; ISO-3 expected)", s);
		s = c->iso3;
	} else {
		json_t *map = json_loads(f->values, 0, NULL);
		bool ok = json_object_get(map, s) != NULL;
		json_decref(map);
		if (!ok)
			return unknown_value(r, f->name, s);
	}
	snprintf(out, cap, "%s", s);
	return 0;
}

/* A number (or numeric string) as text; false when v is not one. */
static bool number_text(json_t *v, bool integer, char *out, size_t cap, double *d)
{
	char *end;
	if (json_is_integer(v)) {
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
		*d = (double)json_integer_value(v);
		return true;
	}
	if (json_is_real(v) && !integer) {
		*d = json_real_value(v);
		snprintf(out, cap, "%.15g", *d);
		return isfinite(*d);
	}
	const char *s = json_string_value(v);
	if (!s || !*s || isspace((unsigned char)*s) || json_string_length(v) >= cap)
		return false;
	if (integer) {
		long long n = strtoll(s, &end, 10);
		*d = (double)n;
	} else {
		*d = strtod(s, &end);
	}
	if (*end || !isfinite(*d))
		return false;
	snprintf(out, cap, "%s", s);
	return true;
}

static int field_value(struct estate_req *r, json_t *cfg, const struct emu_efield *f, json_t *v,
                       char *out, size_t cap)
{
	double d;
	if (!strcmp(f->type, "singleselect"))
		return select_value(r, cfg, f, v, out, cap);
	if (!strcmp(f->type, "varchar")) {
		if (json_is_integer(v))
			snprintf(out, cap, "%lld", (long long)json_integer_value(v));
		else if (!json_is_string(v))
			return emu_fail(
			    r->ans, OO_EXPECTED_STRING,
			    "Given element or parameter was expected to be a string: %s", f->name);
		else if (json_string_length(v) > (size_t)f->length)
			return emu_fail(r->ans, OO_BAD_PARAMETER,
			                "Invalid value for parameter \"%s\" (longer than %d bytes)",
			                f->name, f->length);
		else
			snprintf(out, cap, "%s", json_string_value(v));
		return 0;
	}
	if (!strcmp(f->type, "boolean")) {
		int64_t b;
		if (json_is_boolean(v))
			b = json_is_true(v);
		else if (!emu_json_int(v, &b) || (b != 0 && b != 1))
			return emu_fail(r->ans, OO_BAD_PARAMETER,
			                "Invalid value for parameter \"%s\" (0 or 1)", f->name);
		snprintf(out, cap, "%d", (int)b);
		return 0;
	}
	bool integer = !strcmp(f->type, "integer");
	if (!number_text(v, integer, out, cap, &d))
		return integer
		           ? emu_fail(
		                 r->ans, OO_EXPECTED_INTEGER,
		                 "Given element or parameter was expected to be an integer: %s",
		                 f->name)
		           : emu_fail(r->ans, OO_EXPECTED_FLOAT,
		                      "Given element or parameter was expected to be an float: %s",
		                      f->name);
	if ((!strcmp(f->name, "breitengrad") && fabs(d) > 90) ||
	    (!strcmp(f->name, "laengengrad") && fabs(d) > 180))
		return emu_fail(r->ans, OO_BAD_PARAMETER, "Invalid value for parameter \"%s\"",
		                f->name);
	return 0;
}

static int parse_estate(struct estate_req *r)
{
	json_t *cfg = emu_action_config(r->a);
	json_t *data = json_object_get(r->a->params, "data");
	const char *name;
	json_t *v;
	char text[512];
	int rc;
	if (!cfg || !(r->data = json_object()))
		return emu_fail(r->ans, 1, "out of memory");
	json_object_foreach(r->a->params, name, v)
	{
		if (strcmp(name, "data") != 0 && strcmp(name, "extendedclaim") != 0)
			return emu_fail(r->ans, OO_UNKNOWN_ESTATE_FIELD,
			                "Unknown field in estate data: %.80s (estate fields go in "
			                "parameters.data)",
			                name);
	}
	if (!json_is_object(data))
		return emu_fail(
		    r->ans, OO_BAD_PARAMETER,
		    "Invalid value for parameter \"data\" (an object of estate fields)");
	json_object_foreach(data, name, v)
	{
		const struct emu_efield *f = emu_efield_find(name);
		if (!f)
			return emu_fail(r->ans, OO_UNKNOWN_ESTATE_FIELD,
			                "Unknown field in estate data: %.80s", name);
		if (json_is_null(v))
			continue;
		if ((rc = field_value(r, cfg, f, v, text, sizeof(text))))
			return rc;
		if (json_object_set_new(r->data, name, json_string(text)))
			return emu_fail(r->ans, 1, "out of memory");
	}
	const char *art = json_string_value(json_object_get(r->data, "objektart"));
	const char *typ = json_string_value(json_object_get(r->data, "objekttyp"));
	if (typ && !art)
		return emu_fail(r->ans, OO_MANDATORY,
		                "Missing mandatory field \"objektart\" (objekttyp depends on it)");
	if (typ && strcmp(kind_of_type(cfg, typ), art) != 0)
		return emu_fail(
		    r->ans, OO_UNKNOWN_SELECT_VALUE,
		    "Unknown value in select field \"objekttyp\" (%.60s is not a type of "
		    "%.60s)",
		    typ, art);
	const char *status = json_string_value(json_object_get(r->data, "status"));
	r->status = status ? status[0] - '0' : 1; /* "0", "1" or "2", checked above */
	if (!status)
		json_object_set_new(r->data, "status", json_string("1"));
	const char *ext = json_string_value(json_object_get(r->data, "objektnr_extern"));
	snprintf(r->extern_f, sizeof(r->extern_f), "%s", ext ? ext : "");
	for (char *p = r->extern_f; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return emu_check_mandatory(r->a, "estate", data, true, r->ans);
}

static int estate_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct estate_req *r = arg;
	struct db_stmt *st;
	bool row;
	char *text = json_dumps(r->data, JSON_COMPACT);
	if (!text)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = db_prepare(c,
	                    "INSERT INTO estates(customer_id, objektnr_extern, status, data, "
	                    "erstellt_am, geaendert_am) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
	                    &st, e);
	if (!rc) {
		db_bind_int(st, 1, r->a->cust->id);
		db_bind_text(st, 2, r->extern_f[0] ? r->extern_f : NULL);
		db_bind_int(st, 3, r->status);
		db_bind_text(st, 4, text);
		db_bind_text(st, 5, r->now);
		db_bind_text(st, 6, r->now);
		if (!(rc = db_step(st, &row, e))) {
			r->id = db_col_int(st, 0);
			rc = db_step(st, &row, e);
		}
	}
	free(text);
	return rc;
}

int emu_act_create_estate(struct emu_action *a, struct emu_answer *ans)
{
	struct estate_req r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.ans = ans;
	emu_action_now_text(a, r.now, sizeof(r.now));
	int rc = parse_estate(&r);
	if (!rc)
		rc = emu_write_tx(a, ans, estate_tx, &r);
	json_decref(r.data);
	if (rc)
		return rc;
	ans->records = json_array();
	json_t *rec = emu_record(json_integer((json_int_t)r.id), "estate", json_array());
	if (!rec || json_array_append_new(ans->records, rec))
		return emu_fail(ans, 1, "out of memory");
	return 0;
}

/* ---- read ---- */

enum { C_ID, C_DATA, C_CREATED, C_CHANGED };
#define C_JSON (-2) /* the value is in the data column under the field's name */

#define EF(n, k, c, x)                                           \
	{                                                        \
		.name = (n), .kind = (k), .col = (c), .cmp = (x) \
	}
#define JX(n)   "json_extract(e.data, '$." n "')"
#define LOW(n)  "lower(" JX(n) ")"
#define REAL(n) "CAST(" JX(n) " AS REAL)"

/* What read/estate understands: the catalogue, Id and the system dates. Numbers compare as
 * numbers (whole-number filter values), text and select keys ASCII case-insensitively. */
static const struct emu_afield read_fields[] = {
    EF("Id", AF_ID, C_ID, "e.id"),
    EF("objektart", AF_SELECT, C_JSON, LOW("objektart")),
    EF("objekttyp", AF_SELECT, C_JSON, LOW("objekttyp")),
    EF("nutzungsart", AF_SELECT, C_JSON, LOW("nutzungsart")),
    EF("vermarktungsart", AF_SELECT, C_JSON, LOW("vermarktungsart")),
    EF("objekttitel", AF_RAW, C_JSON, LOW("objekttitel")),
    EF("objektnr_extern", AF_RAW, C_JSON, "e.objektnr_extern"),
    EF("strasse", AF_RAW, C_JSON, LOW("strasse")),
    EF("hausnummer", AF_RAW, C_JSON, LOW("hausnummer")),
    EF("plz", AF_RAW, C_JSON, LOW("plz")),
    EF("ort", AF_RAW, C_JSON, LOW("ort")),
    EF("land", AF_COUNTRY, C_JSON, JX("land")),
    EF("breitengrad", AF_INT, C_JSON, REAL("breitengrad")),
    EF("laengengrad", AF_INT, C_JSON, REAL("laengengrad")),
    EF("kaufpreis", AF_INT, C_JSON, REAL("kaufpreis")),
    EF("kaltmiete", AF_INT, C_JSON, REAL("kaltmiete")),
    EF("wohnflaeche", AF_INT, C_JSON, REAL("wohnflaeche")),
    EF("grundstuecksflaeche", AF_INT, C_JSON, REAL("grundstuecksflaeche")),
    EF("anzahl_zimmer", AF_INT, C_JSON, REAL("anzahl_zimmer")),
    EF("anzahl_badezimmer", AF_INT, C_JSON, REAL("anzahl_badezimmer")),
    EF("anzahl_stellplaetze", AF_INT, C_JSON, REAL("anzahl_stellplaetze")),
    EF("baujahr", AF_INT, C_JSON, REAL("baujahr")),
    EF("status", AF_INT, C_JSON, "e.status"),
    EF("verkauft", AF_INT, C_JSON, REAL("verkauft")),
    EF("reserviert", AF_INT, C_JSON, REAL("reserviert")),
    EF("erstellt_am", AF_DATETIME, C_CREATED, "e.erstellt_am"),
    EF("geaendert_am", AF_DATETIME, C_CHANGED, "e.geaendert_am"),
};

static const struct emu_afield *read_field(const char *name)
{
	for (size_t i = 0; i < sizeof(read_fields) / sizeof(read_fields[0]); i++) {
		if (strcmp(read_fields[i].name, name) == 0)
			return &read_fields[i];
	}
	return NULL;
}

struct estate_read {
	struct emu_readq rq;
	struct sqlq count_q, page_q;
	int country; /* 0 German name, 2 ISO-2, 3 ISO-3 */
	int64_t count;
	json_t *records;
};

static json_t *read_value(const struct estate_read *r, const struct emu_afield *f,
                          struct db_stmt *st, json_t *data)
{
	char num[24];
	if (f->col == C_ID) {
		snprintf(num, sizeof(num), "%lld", (long long)db_col_int(st, C_ID));
		return json_string(num);
	}
	if (f->col != C_JSON) {
		char *s = db_col_strdup(st, f->col);
		json_t *v = s ? json_string(s) : json_null();
		free(s);
		return v;
	}
	const char *s = json_string_value(json_object_get(data, f->name));
	if (!s)
		return json_null();
	if (f->kind == AF_COUNTRY) {
		const struct emu_country *c = emu_country_find(s);
		if (c)
			s = r->country == 2 ? c->iso2 : r->country == 3 ? c->iso3 : c->name;
	}
	return json_string(s);
}

static json_t *estate_elements(const struct estate_read *r, struct db_stmt *st)
{
	char *text = db_col_strdup(st, C_DATA);
	json_t *data = text ? json_loads(text, 0, NULL) : NULL;
	json_t *el = json_object();
	free(text);
	for (size_t i = 0; el && i < r->rq.ndata; i++) {
		if (json_object_set_new(el, r->rq.data[i]->name,
		                        read_value(r, r->rq.data[i], st, data))) {
			json_decref(el);
			el = NULL;
		}
	}
	json_decref(data);
	return el;
}

static json_t *estate_elements_cb(void *arg, struct db_stmt *st)
{
	return estate_elements(arg, st);
}

static int estate_read_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct estate_read *r = arg;
	return emu_readq_run(c, &r->rq, &r->count_q, &r->page_q, "estate", C_ID, estate_elements_cb,
	                     r, &r->count, r->records, e);
}

static int estate_where(struct emu_action *a, int64_t one, struct sqlq *q, struct emu_answer *ans)
{
	int rc;
	sqlq_add(q, " FROM estates e WHERE e.customer_id = ?");
	sqlq_int(q, a->cust->id);
	if (one) {
		sqlq_add(q, " AND e.id = ?");
		sqlq_int(q, one);
	}
	if ((rc = emu_readq_ids(a->params, "recordids", "e.id", true, q, ans)))
		return rc;
	return emu_filter_sql_with(json_object_get(a->params, "filter"), read_field, q, ans);
}

int emu_act_read_estate(struct emu_action *a, struct emu_answer *ans)
{
	struct estate_read r = {.count_q = SQLQ_INIT, .page_q = SQLQ_INIT};
	int64_t one = 0;
	memset(&r.rq, 0, sizeof(r.rq));
	if (a->resourceid[0] && !emu_resourceid(a->resourceid, &one))
		return emu_fail(ans, OO_RESOURCEID, "Missing or invalid attribute: resourceid");
	json_t *iso = json_object_get(a->params, "countryIsoCodeType");
	if (json_is_string(iso) && !strcmp(json_string_value(iso), "ISO-3166-2"))
		r.country = 2;
	else if (json_is_string(iso) && !strcmp(json_string_value(iso), "ISO-3166-3"))
		r.country = 3;
	int rc = emu_readq_parse(a->params, read_field, &r.rq, ans);
	if (rc)
		return rc;
	sqlq_add(&r.count_q, "SELECT count(*)");
	sqlq_add(&r.page_q, "SELECT e.id, e.data, e.erstellt_am, e.geaendert_am");
	if ((rc = estate_where(a, one, &r.count_q, ans)) ||
	    (rc = estate_where(a, one, &r.page_q, ans)))
		goto out;
	emu_readq_order_sql(&r.rq, "e.id", "e.id", &r.page_q);
	emu_readq_limit_sql(&r.rq, &r.page_q);
	rc = emu_readq_answer(a, ans, &r.count_q, &r.page_q, estate_read_tx, &r, &r.records,
	                      &r.count);
out:
	json_decref(r.records);
	sqlq_release(&r.count_q);
	sqlq_release(&r.page_q);
	return rc;
}
