/*
 * Address fixtures for tests (control.h): POST /_emu/customers/{webid}/addresses
 * inserts exact addresses in one transaction; DELETE removes all of a customer's
 * addresses. The body shape is documented in emu/README.md ("Fixtures").
 */
#include <stdlib.h>
#include <string.h>

#include "fixtures.h"

#include "config.h"
#include "control_req.h"
#include "core/time.h"
#include "core/utf8.h"
#include "customer.h"
#include "emu.h"
#include "state.h"
#include "text.h"

#define MAX_TEXT 255

struct bad {
	char field[128];
	const char *why;
};

static bool fail(struct bad *b, size_t i, const char *key, const char *why)
{
	snprintf(b->field, sizeof(b->field), "addresses[%zu].%s", i, key);
	b->field[utf8_cut(b->field, strlen(b->field))] = '\0'; /* a long key may have been cut */
	b->why = why;
	return false;
}

static bool text_ok(json_t *v)
{
	return json_is_string(v) && json_string_length(v) <= MAX_TEXT;
}

static bool parse_keys(json_t *v, const char **out, size_t *n)
{
	size_t i;
	json_t *k;
	if (!json_is_array(v) || json_array_size(v) > EMU_FIXTURE_VALUES)
		return false;
	json_array_foreach(v, i, k)
	{
		if (!json_is_string(k) || !emu_config_key_ok(json_string_value(k)))
			return false;
		out[i] = json_string_value(k);
	}
	*n = json_array_size(v);
	return true;
}

static bool parse_contacts(json_t *v, struct emu_fixture *fx, size_t i, struct bad *b)
{
	size_t k;
	json_t *c;
	if (!json_is_array(v) || json_array_size(v) > EMU_FIXTURE_VALUES)
		return fail(b, i, "contacts", "must be an array of at most 32 entries");
	json_array_foreach(v, k, c)
	{
		struct emu_contact_in *ce = &fx->contacts[k];
		json_t *type = json_object_get(c, "type");
		json_t *kind = json_object_get(c, "kind");
		json_t *comment = json_object_get(c, "comment");
		const char *t = json_string_value(type);
		const char *value = json_string_value(json_object_get(c, "value"));
		const char *ck;
		json_t *cv;
		json_object_foreach(c, ck, cv)
		{
			if (strcmp(ck, "type") && strcmp(ck, "kind") && strcmp(ck, "value") &&
			    strcmp(ck, "default") && strcmp(ck, "comment"))
				return fail(b, i, "contacts",
				            "unknown key in a contact entry (type, kind, value, "
				            "default, comment)");
		}
		/* The same checks create/address makes of a contact parameter (address.h). */
		if (!json_is_object(c) || !t || !emu_contact_type_ok(t))
			return fail(b, i, "contacts", "type must be phone, mobile, fax or email");
		if (!value || !emu_contact_value_ok(value))
			return fail(b, i, "contacts",
			            "value must be 1 to 255 bytes without control characters");
		if (kind &&
		    (!json_is_string(kind) || !emu_contact_kind_ok(json_string_value(kind))))
			return fail(b, i, "contacts", "kind must be \"\", private or business");
		if (comment && !json_is_null(comment) && !text_ok(comment))
			return fail(b, i, "contacts", "comment must be a string");
		ce->type = t;
		ce->kind = json_string_value(kind);
		ce->value = value;
		ce->is_default = json_is_true(json_object_get(c, "default"));
		ce->comment = json_string_value(comment);
	}
	fx->in.contacts = fx->contacts;
	fx->in.ncontacts = json_array_size(v);
	return true;
}

static const char *const text_keys[] = {"Anrede",  "Titel", "Vorname", "Name",       "Zusatz1",
                                        "Strasse", "Plz",   "Ort",     "DSGVOStatus"};

static const char **text_slot(struct emu_address_in *in, size_t k)
{
	const char **slots[] = {&in->anrede,  &in->titel, &in->vorname, &in->name, &in->zusatz1,
	                        &in->strasse, &in->plz,   &in->ort,     &in->dsgvo};
	return slots[k];
}

static bool parse_one(json_t *obj, struct emu_fixture *fx, size_t i, int64_t now_ms, struct bad *b)
{
	struct emu_address_in *in = &fx->in;
	memset(fx, 0, sizeof(*fx));
	in->status = 1;
	if (!json_is_object(obj))
		return fail(b, i, "", "must be an object");
	const char *key;
	json_t *v;
	json_object_foreach(obj, key, v)
	{
		size_t k;
		for (k = 0; k < sizeof(text_keys) / sizeof(text_keys[0]); k++) {
			if (strcmp(key, text_keys[k]) == 0)
				break;
		}
		if (k < sizeof(text_keys) / sizeof(text_keys[0])) {
			if (!json_is_null(v) && !text_ok(v))
				return fail(b, i, key,
				            "must be a string of at most 255 bytes or null");
			*text_slot(in, k) = json_string_value(v);
		} else if (!strcmp(key, "Land")) {
			const struct emu_country *c =
			    json_is_string(v) ? emu_country_find(json_string_value(v)) : NULL;
			if (!c && !json_is_null(v))
				return fail(b, i, key,
				            "unknown country (ISO-3, ISO-2 or German name)");
			in->land = c ? c->iso3 : NULL;
		} else if (!strcmp(key, "Status")) {
			if (!json_is_integer(v) ||
			    (json_integer_value(v) != 0 && json_integer_value(v) != 1))
				return fail(b, i, key, "must be 0 or 1");
			in->status = (int)json_integer_value(v);
		} else if (!strcmp(key, "KdNr")) {
			if (!json_is_integer(v) || json_integer_value(v) <= 0)
				return fail(b, i, key, "must be a positive integer");
			in->kdnr = json_integer_value(v);
		} else if (!strcmp(key, "Aenderung")) {
			int64_t ms;
			if (!json_is_string(v) ||
			    time_parse_onoffice(json_string_value(v), json_string_length(v), 0, &ms,
			                        NULL))
				return fail(b, i, key,
				            "must be \"Y-m-d H:i:s\" (Berlin local time)");
			snprintf(fx->aenderung, sizeof(fx->aenderung), "%s", json_string_value(v));
		} else if (!strcmp(key, "Eintragsdatum")) {
			int64_t ms;
			char full[32];
			snprintf(full, sizeof(full), "%.10s 12:00:00",
			         json_is_string(v) ? json_string_value(v) : "");
			if (!json_is_string(v) || json_string_length(v) != 10 ||
			    time_parse_onoffice(full, strlen(full), 0, &ms, NULL))
				return fail(b, i, key, "must be \"Y-m-d\"");
			in->eintragsdatum = json_string_value(v);
		} else if (!strcmp(key, "ArtDaten")) {
			if (!parse_keys(v, fx->art, &in->nart))
				return fail(b, i, key,
				            "must be an array of keys (1-80 characters, no '|')");
			in->art = fx->art;
		} else if (!strcmp(key, "HerkunftKontakt")) {
			if (!parse_keys(v, fx->herkunft, &in->nherkunft))
				return fail(b, i, key,
				            "must be an array of keys (1-80 characters, no '|')");
			in->herkunft = fx->herkunft;
		} else if (!strcmp(key, "contacts")) {
			if (!parse_contacts(v, fx, i, b))
				return false;
		} else {
			return fail(b, i, key, "unknown key");
		}
	}
	if (!fx->aenderung[0])
		time_format_onoffice(now_ms, fx->aenderung, sizeof(fx->aenderung));
	in->aenderung = fx->aenderung;
	return true;
}

struct insert {
	int64_t customer_id;
	struct emu_fixture *fx;
	size_t n;
	json_t *ids;
};

static int insert_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct insert *ins = arg;
	json_array_clear(ins->ids);
	for (size_t i = 0; i < ins->n; i++) {
		int64_t id;
		int rc = emu_address_insert(c, ins->customer_id, &ins->fx[i].in, &id, e);
		if (rc == ERR_DB_CONSTRAINT)
			return err_set(e, ERR_CONFLICT, "KdNr", "addresses[%zu]: KdNr is taken", i);
		if (rc)
			return rc;
		json_array_append_new(ins->ids, json_integer((json_int_t)id));
	}
	return 0;
}

int emu_fixtures_parse(json_t *doc, int64_t now_ms, struct emu_fixture **out, size_t *n,
                       struct err *e)
{
	json_t *list = json_object_get(doc, "addresses");
	struct bad b = {"", NULL};
	*out = NULL;
	*n = 0;
	if (!json_is_object(doc) || !json_is_array(list) ||
	    json_array_size(list) > EMU_FIXTURES_MAX || json_object_size(doc) != 1)
		return err_set(e, ERR_INVALID_FIELD, "addresses",
		               "expected {\"addresses\": [ … ]} with at most 10000 addresses");
	struct emu_fixture *fx = calloc(json_array_size(list) + 1, sizeof(*fx));
	if (!fx)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	for (size_t i = 0; i < json_array_size(list); i++) {
		if (!parse_one(json_array_get(list, i), &fx[i], i, now_ms, &b)) {
			free(fx);
			return err_set(e, ERR_INVALID_FIELD, b.field, "%s", b.why);
		}
	}
	*out = fx;
	*n = json_array_size(list);
	return ERR_OK;
}

void emu_fixtures_post(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	if (!emu_control_allowed(req, resp))
		return;
	char web_id[32];
	struct emu_customer cust;
	struct err e = ERR_INIT;
	if (!http_capture(req, "webid", web_id, sizeof(web_id)) ||
	    emu_customer_by_webid(emu->db, web_id, &cust, &e)) {
		http_reply_err(resp, ERR_NOT_FOUND, "webid", "no such customer");
		return;
	}
	int64_t customer_id = cust.id;
	emu_customer_release(&cust);
	json_t *doc = emu_control_body(req, resp);
	if (!doc)
		return;
	struct emu_fixture *fx = NULL;
	size_t n = 0;
	if (emu_fixtures_parse(doc, emu_state_now_ms(emu->state), &fx, &n, &e)) {
		http_reply_error(resp, &e);
		goto out;
	}
	struct insert ins = {customer_id, fx, n, json_array()};
	if (!ins.ids || db_tx(emu->db, DB_WRITE, insert_tx, &ins, &e)) {
		json_decref(ins.ids);
		http_reply_error(resp, &e);
		goto out;
	}
	http_reply_json(resp, 201, json_pack("{s:o}", "ids", ins.ids));
out:
	free(fx);
	json_decref(doc);
}

struct wipe {
	int64_t customer_id;
	int64_t deleted;
};

static int wipe_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct wipe *w = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "DELETE FROM addresses WHERE customer_id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, w->customer_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	w->deleted = db_changes(c);
	return 0;
}

void emu_fixtures_delete(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	if (!emu_control_allowed(req, resp))
		return;
	char web_id[32];
	struct emu_customer cust;
	struct err e = ERR_INIT;
	if (!http_capture(req, "webid", web_id, sizeof(web_id)) ||
	    emu_customer_by_webid(emu->db, web_id, &cust, &e)) {
		http_reply_err(resp, ERR_NOT_FOUND, "webid", "no such customer");
		return;
	}
	struct wipe w = {cust.id, 0};
	emu_customer_release(&cust);
	if (db_tx(emu->db, DB_WRITE, wipe_tx, &w, &e))
		http_reply_error(resp, &e);
	else
		http_reply_json(resp, 200, json_pack("{s:I}", "deleted", (json_int_t)w.deleted));
}
