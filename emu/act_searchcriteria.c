/*
 * create/searchcriteria (onoffice-protocol §8.1); the read is
 * act_searchcriterias.c.
 *
 * Create takes addressid (or the page's spelling adressid) and a data object
 * of the fields the customer's searchCriteriaFields configuration enables:
 * range fields as __von/__bis (or [von, bis]), the Umkreis keys only while
 * Umkreis is on, selects from their values. The criteria are kept as one
 * normalised JSON object: ranges as [von, bis], selects as given, the rest
 * as strings.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "actions.h"
#include "config.h"
#include "core/time.h"
#include "estate.h"
#include "text.h"

#define NOTE_MAX 65535

static bool sc_enabled(json_t *cfg, const struct emu_sc_field *f)
{
	return !json_is_false(
	    json_object_get(json_object_get(cfg, "search_fields"), f->switch_key));
}

/* ---- create ---- */

struct sc_req {
	struct emu_action *a;
	struct emu_answer *ans;
	json_t *cfg;
	int64_t address_id;
	json_t *data; /* normalised: ranges [von, bis], selects as given, text as strings */
	char now[TIME_ONOFFICE_MAX];
	int64_t id;
};

/* Is key one of the select values of f under the configuration? */
static bool select_key_ok(json_t *cfg, const struct emu_sc_field *f, const char *key)
{
	switch (f->values) {
	case SC_MARKETING:
	case SC_USAGE: {
		json_t *map = json_loads(
		    f->values == SC_MARKETING ? emu_marketing_json : emu_usage_json, 0, NULL);
		bool ok = json_object_get(map, key) != NULL;
		json_decref(map);
		return ok;
	}
	case SC_ESTATE_KIND:
		return json_object_get(json_object_get(cfg, "estate_kinds"), key) != NULL;
	case SC_ESTATE_TYPE: {
		const char *k;
		json_t *v;
		json_object_foreach(json_object_get(cfg, "estate_kinds"), k, v)
		{
			if (json_object_get(json_object_get(v, "types"), key))
				return true;
		}
		return false;
	}
	case SC_COUNTRY: {
		const struct emu_country *c = emu_country_find(key);
		return c && strcmp(c->iso3, key) == 0;
	}
	default:
		return false;
	}
}

static int unknown_value(struct sc_req *r, const char *name, const char *v)
{
	return emu_fail(r->ans, OO_UNKNOWN_SELECT_VALUE,
	                "Unknown value in select field \"%s\" (%.80s)", name, v);
}

/* A number or numeric string as a new JSON string; NULL when v is not one ("" and null are
 * not numbers either; the caller handles them). */
static json_t *number(json_t *v)
{
	char text[64], *end;
	if (json_is_integer(v)) {
		snprintf(text, sizeof(text), "%lld", (long long)json_integer_value(v));
		return json_string(text);
	}
	if (json_is_real(v) && isfinite(json_real_value(v))) {
		snprintf(text, sizeof(text), "%.15g", json_real_value(v));
		return json_string(text);
	}
	const char *s = json_string_value(v);
	if (!s || !*s || isspace((unsigned char)*s) || json_string_length(v) > 40)
		return NULL;
	double d = strtod(s, &end);
	return *end || !isfinite(d) ? NULL : json_string(s);
}

static int expect_float(struct sc_req *r, const char *key)
{
	return emu_fail(r->ans, OO_EXPECTED_FLOAT,
	                "Given element or parameter was expected to be an float: %.80s", key);
}

/* One bound (or both, for [von, bis]) of range field f. */
static int range_value(struct sc_req *r, const struct emu_sc_field *f, const char *key, int side,
                       json_t *v)
{
	json_t *pair = json_object_get(r->data, f->id);
	if (!pair) {
		pair = json_pack("[nn]");
		if (!pair || json_object_set_new(r->data, f->id, pair))
			return emu_fail(r->ans, 1, "out of memory");
	}
	if (side < 0) {
		if (!json_is_array(v) || json_array_size(v) != 2)
			return emu_fail(
			    r->ans, OO_BAD_PARAMETER,
			    "Invalid value for parameter \"%.80s\" (a range takes __von/__bis "
			    "or [von, bis])",
			    key);
		for (int i = 0; i < 2; i++) {
			int rc = range_value(r, f, key, i, json_array_get(v, (size_t)i));
			if (rc)
				return rc;
		}
		return 0;
	}
	if (json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
		return 0;
	json_t *n = number(v);
	if (!n)
		return expect_float(r, key);
	json_array_set_new(pair, (size_t)side, n);
	return 0;
}

static int plain_value(struct sc_req *r, const struct emu_sc_field *f, const char *key, json_t *v)
{
	if (f->values != SC_NONE && !emu_sc_field_is_multi(f)) {
		const char *s = json_string_value(v);
		if (!s)
			return emu_fail(r->ans, OO_INVALID_SINGLESELECT,
			                "Invalid singleselect key: %s", key);
		if (!select_key_ok(r->cfg, f, s))
			return unknown_value(r, key, s);
		return json_object_set(r->data, key, v) ? emu_fail(r->ans, 1, "out of memory") : 0;
	}
	if (emu_sc_field_is_multi(f)) {
		size_t i;
		json_t *k;
		if (!json_is_array(v))
			return emu_fail(
			    r->ans, OO_INVALID_MULTISELECT,
			    "Invalid multiselect key: %s (an array of keys is expected)", key);
		json_array_foreach(v, i, k)
		{
			if (!json_is_string(k))
				return emu_fail(r->ans, OO_INVALID_MULTISELECT,
				                "Invalid multiselect key: %s", key);
			if (!select_key_ok(r->cfg, f, json_string_value(k)))
				return unknown_value(r, key, json_string_value(k));
		}
		return json_object_set(r->data, key, v) ? emu_fail(r->ans, 1, "out of memory") : 0;
	}
	if (json_is_null(v) || (json_is_string(v) && !json_string_length(v)))
		return 0;
	json_t *text;
	if (strstr(f->type, "varchar")) {
		if (json_is_integer(v))
			text = number(v);
		else if (json_is_string(v) && json_string_length(v) <= 80)
			text = json_incref(v);
		else
			return emu_fail(
			    r->ans, OO_EXPECTED_STRING,
			    "Given element or parameter was expected to be a string: %s", key);
	} else if (!(text = number(v))) {
		return expect_float(r, key);
	}
	return json_object_set_new(r->data, key, text) ? emu_fail(r->ans, 1, "out of memory") : 0;
}

static int note_value(struct sc_req *r, const char *key, json_t *v)
{
	if (json_is_null(v))
		return 0;
	if (!json_is_string(v) || json_string_length(v) > NOTE_MAX)
		return emu_fail(r->ans, OO_EXPECTED_STRING,
		                "Given element or parameter was expected to be a string: %s", key);
	return json_object_set(r->data, key, v) ? emu_fail(r->ans, 1, "out of memory") : 0;
}

static int data_key(struct sc_req *r, const char *key, json_t *v)
{
	char base[64];
	int side = -1;
	if (!strcmp(key, "krit_bemerkung") || !strcmp(key, "krit_bemerkung_oeffentlich"))
		return note_value(r, key, v);
	if (!strcmp(key, "advisor")) {
		int64_t id;
		char num[24];
		if (!emu_json_id(v, &id))
			return emu_fail(
			    r->ans, OO_EXPECTED_INTEGER,
			    "Given element or parameter was expected to be an integer: advisor");
		snprintf(num, sizeof(num), "%lld", (long long)id);
		return json_object_set_new(r->data, key, json_string(num))
		           ? emu_fail(r->ans, 1, "out of memory")
		           : 0;
	}
	size_t n = strlen(key);
	snprintf(base, sizeof(base), "%s", key);
	if (n > 5 && n < sizeof(base) &&
	    (!strcmp(key + n - 5, "__von") || !strcmp(key + n - 5, "__bis"))) {
		side = !strcmp(key + n - 5, "__bis");
		base[n - 5] = '\0';
	}
	const struct emu_sc_field *f = emu_sc_field_find(base);
	if (!f || (side >= 0 && !f->range))
		return emu_fail(r->ans, OO_UNKNOWN_FIELD, "Unknown field: %.80s", key);
	if (!sc_enabled(r->cfg, f))
		return emu_fail(r->ans, OO_UNKNOWN_FIELD,
		                "Unknown field: %.80s (not enabled as a search criteria field)",
		                key);
	return f->range ? range_value(r, f, key, side, v) : plain_value(r, f, key, v);
}

static int parse_address(struct sc_req *r)
{
	json_t *a1 = json_object_get(r->a->params, "addressid");
	json_t *a2 = json_object_get(r->a->params, "adressid");
	int64_t id1 = 0, id2 = 0;
	if ((a1 && !json_is_null(a1) && !emu_json_id(a1, &id1)) ||
	    (a2 && !json_is_null(a2) && !emu_json_id(a2, &id2)))
		return emu_fail(
		    r->ans, OO_EXPECTED_INTEGER,
		    "Given element or parameter was expected to be an integer: addressid");
	if (id1 && id2 && id1 != id2)
		return emu_fail(
		    r->ans, OO_BAD_PARAMETER,
		    "Invalid value for parameter \"adressid\" (differs from addressid)");
	r->address_id = id1 ? id1 : id2;
	if (!r->address_id)
		return emu_fail(r->ans, OO_MANDATORY, "Missing mandatory field \"addressid\"");
	return 0;
}

static int parse_sc(struct sc_req *r)
{
	json_t *data = json_object_get(r->a->params, "data");
	const char *key;
	json_t *v;
	int rc;
	if (!(r->cfg = emu_action_config(r->a)) || !(r->data = json_object()))
		return emu_fail(r->ans, 1, "out of memory");
	json_object_foreach(r->a->params, key, v)
	{
		if (strcmp(key, "data") != 0 && strcmp(key, "extendedclaim") != 0 &&
		    strcmp(key, "addressid") != 0 && strcmp(key, "adressid") != 0)
			return emu_fail(r->ans, OO_UNKNOWN_FIELD,
			                "Unknown field: %.80s (search criteria fields go in "
			                "parameters.data)",
			                key);
	}
	if ((rc = parse_address(r)))
		return rc;
	if (!json_is_object(data))
		return emu_fail(
		    r->ans, OO_BAD_PARAMETER,
		    "Invalid value for parameter \"data\" (an object of search criteria "
		    "fields)");
	json_object_foreach(data, key, v)
	{
		if ((rc = data_key(r, key, v)))
			return rc;
	}
	/* objekttyp values must belong to objektart when both are given. */
	const char *art = json_string_value(json_object_get(r->data, "objektart"));
	size_t i;
	json_array_foreach(json_object_get(r->data, "objekttyp"), i, v)
	{
		json_t *types = json_object_get(
		    json_object_get(json_object_get(r->cfg, "estate_kinds"), art ? art : ""),
		    "types");
		if (art && !json_object_get(types, json_string_value(v)))
			return emu_fail(
			    r->ans, OO_UNKNOWN_SELECT_VALUE,
			    "Unknown value in select field \"objekttyp\" (%.60s is not a type "
			    "of %.60s)",
			    json_string_value(v), art);
	}
	return 0;
}

static int sc_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct sc_req *r = arg;
	struct db_stmt *st;
	bool row;
	int64_t found;
	int rc = db_query_int(c, "SELECT count(*) FROM addresses WHERE id = ? AND customer_id = ?",
	                      (const int64_t[]){r->address_id, r->a->cust->id}, 2, &found, e);
	if (rc)
		return rc;
	if (!found) {
		emu_fail(r->ans, OO_UNKNOWN_RECORD, "%s (address %lld)", OO_UNKNOWN_RECORD_MSG,
		         (long long)r->address_id);
		return EMU_TX_REFUSED;
	}
	char *text = json_dumps(r->data, JSON_COMPACT);
	if (!text)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if (!(rc = db_prepare(c,
	                      "INSERT INTO searchcriteria(customer_id, address_id, data, created, "
	                      "edited) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                      &st, e))) {
		db_bind_int(st, 1, r->a->cust->id);
		db_bind_int(st, 2, r->address_id);
		db_bind_text(st, 3, text);
		db_bind_text(st, 4, r->now);
		db_bind_text(st, 5, r->now);
		if (!(rc = db_step(st, &row, e))) {
			r->id = db_col_int(st, 0);
			rc = db_step(st, &row, e);
		}
	}
	free(text);
	return rc;
}

int emu_act_create_searchcriteria(struct emu_action *a, struct emu_answer *ans)
{
	struct sc_req r;
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.ans = ans;
	emu_action_now_text(a, r.now, sizeof(r.now));
	int rc = parse_sc(&r);
	if (!rc)
		rc = emu_write_tx(a, ans, sc_tx, &r);
	json_decref(r.data);
	if (rc)
		return rc;
	ans->records = json_array();
	json_t *rec = emu_record(json_integer((json_int_t)r.id), "searchCriteria", json_array());
	if (!rec || json_array_append_new(ans->records, rec))
		return emu_fail(ans, 1, "out of memory");
	return 0;
}
