/*
 * JSON views of contacts and what hangs off them, in the shapes of requirements §8.2.
 * Times are RFC 3339 UTC strings, ids JSON integers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "store/contact_int.h"

static json_t *time_json(int64_t ms)
{
	char s[TIME_RFC3339_MAX];
	return time_format_rfc3339(ms, s, sizeof(s)) ? json_string(s) : json_null();
}

/* A text column as a JSON string, or null. */
static json_t *text_json(struct db_stmt *st, int i)
{
	char *s = db_col_strdup(st, i);
	json_t *v = s ? json_string(s) : json_null();
	free(s);
	return v;
}

/* Sets key to v (a new reference); false when out of memory. */
static bool put(json_t *obj, const char *key, json_t *v)
{
	return v && json_object_set_new(obj, key, v) == 0;
}

static int emails_json(struct db_conn *c, int64_t company_id, int64_t id, json_t *obj,
                       struct err *e)
{
	struct db_stmt *st;
	bool row;
	json_t *list = json_array();
	json_t *primary = json_null();
	int rc = db_prepare(
	    c,
	    "SELECT email, is_primary FROM contact_emails WHERE contact_id = ? AND company_id = ? "
	    "ORDER BY is_primary DESC, id",
	    &st, e);
	if (!rc) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, company_id);
	}
	while (!rc && !(rc = db_step(st, &row, e)) && row) {
		json_t *addr = text_json(st, 0);
		if (db_col_bool(st, 1) && json_is_null(primary))
			primary = json_incref(addr);
		json_array_append_new(list, addr);
	}
	if (!rc && (!put(obj, "email", primary) || !put(obj, "emails", list)))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if (rc) {
		json_decref(list);
		json_decref(primary);
	}
	return rc;
}

static int phones_json(struct db_conn *c, int64_t company_id, int64_t id, json_t *obj,
                       struct err *e)
{
	struct db_stmt *st;
	bool row;
	json_t *list = json_array();
	int rc = db_prepare(c,
	                    "SELECT raw, e164 FROM contact_phones WHERE contact_id = ? AND "
	                    "company_id = ? ORDER BY id",
	                    &st, e);
	if (!rc) {
		db_bind_int(st, 1, id);
		db_bind_int(st, 2, company_id);
	}
	while (!rc && !(rc = db_step(st, &row, e)) && row) {
		json_t *p = json_object();
		if (!put(p, "raw", text_json(st, 0)) || !put(p, "e164", text_json(st, 1)) ||
		    json_array_append_new(list, p))
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
	}
	if (!rc && !put(obj, "phones", list))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if (rc)
		json_decref(list);
	return rc;
}

#define CONTACT_COLUMNS                                                                     \
	"id, salutation, first_name, last_name, street, zip, city, country, gdpr_consent, " \
	"blocked, status, origin, contact_types, onoffice_address_id, created_at, updated_at"

/* The contact on the current row of st (CONTACT_COLUMNS), with its e-mails and phones. */
static int contact_row_json(struct db_conn *c, int64_t company_id, struct db_stmt *st, json_t **out,
                            struct err *e)
{
	static const char *const text_cols[] = {"salutation", "first_name", "last_name", "street",
	                                        "zip",        "city",       "country"};
	int64_t id = db_col_int(st, 0);
	json_t *o = json_object();
	bool ok = o && put(o, "id", json_integer(id));
	for (int i = 0; ok && i < 7; i++)
		ok = put(o, text_cols[i], text_json(st, i + 1));
	ok = ok && put(o, "gdpr_consent", json_boolean(db_col_bool(st, 8))) &&
	     put(o, "blocked", json_boolean(db_col_bool(st, 9))) &&
	     put(o, "status", text_json(st, 10)) && put(o, "origin", text_json(st, 11));
	if (ok) {
		char *types = db_col_strdup(st, 12);
		json_t *t = types ? json_loads(types, 0, NULL) : NULL;
		free(types);
		ok = put(o, "contact_types", t ? t : json_array());
	}
	ok = ok &&
	     put(o, "onoffice_address_id",
	         db_col_null(st, 13) ? json_null() : json_integer(db_col_int(st, 13))) &&
	     put(o, "created_at", time_json(db_col_int(st, 14))) &&
	     put(o, "updated_at", time_json(db_col_int(st, 15)));
	if (!ok) {
		json_decref(o);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	/* st is reused by nothing below: the e-mail and phone queries are other statements. */
	int rc = emails_json(c, company_id, id, o, e);
	if (!rc)
		rc = phones_json(c, company_id, id, o, e);
	if (rc) {
		json_decref(o);
		return rc;
	}
	*out = o;
	return ERR_OK;
}

struct get_arg {
	int64_t company_id, id;
	json_t *out;
};

static int get_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct get_arg *a = arg;
	struct db_stmt *st;
	bool row;
	json_decref(a->out);
	a->out = NULL;
	int rc = db_prepare(c,
	                    "SELECT " CONTACT_COLUMNS " FROM contacts WHERE id = ? AND "
	                    "company_id = ? AND erased_at IS NULL",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->id);
	db_bind_int(st, 2, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, "id", "no contact %lld", (long long)a->id);
	return contact_row_json(c, a->company_id, st, &a->out, e);
}

int contact_get_json(struct db *db, int64_t company_id, int64_t id, json_t **out, struct err *e)
{
	struct get_arg a = {company_id, id, NULL};
	int rc = db_tx(db, DB_READ, get_tx, &a, e);
	if (rc) {
		json_decref(a.out);
		return rc;
	}
	*out = a.out;
	return ERR_OK;
}

struct list_arg {
	int64_t company_id, page, per_page;
	const char *pattern; /* "%query%", lower-cased, LIKE-escaped; NULL for all */
	json_t *contacts;
	int64_t total;
};

#define LIST_WHERE                                                                                \
	" FROM contacts k WHERE k.company_id = ? AND k.erased_at IS NULL AND (? = 0 OR "          \
	"lower(coalesce(k.first_name,'') || ' ' || coalesce(k.last_name,'') || ' ' || "           \
	"coalesce(k.city,'') || ' ' || coalesce(k.zip,'')) LIKE ? ESCAPE '\\' OR EXISTS (SELECT " \
	"1 FROM contact_emails m WHERE m.contact_id = k.id AND m.email_norm LIKE ? ESCAPE '\\'))"

static int bind_where(struct db_stmt *st, const struct list_arg *a)
{
	db_bind_int(st, 1, a->company_id);
	db_bind_int(st, 2, a->pattern != NULL); /* "? IS NULL" has no type on PostgreSQL */
	db_bind_text(st, 3, a->pattern ? a->pattern : "");
	return db_bind_text(st, 4, a->pattern ? a->pattern : "");
}

static int list_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct list_arg *a = arg;
	struct db_stmt *st;
	bool row;
	json_array_clear(a->contacts);
	int rc = db_prepare(c, "SELECT count(*)" LIST_WHERE, &st, e);
	if (rc)
		return rc;
	bind_where(st, a);
	if ((rc = db_step(st, &row, e)))
		return rc;
	a->total = db_col_int(st, 0);
	/* One statement walks the page; each row's e-mails and phones are other statements. */
	if ((rc = db_prepare(c,
	                     "SELECT " CONTACT_COLUMNS LIST_WHERE " ORDER BY k.id LIMIT ? OFFSET ?",
	                     &st, e)))
		return rc;
	bind_where(st, a);
	db_bind_int(st, 5, a->per_page);
	db_bind_int(st, 6, (a->page - 1) * a->per_page);
	while (!(rc = db_step(st, &row, e)) && row) {
		json_t *one;
		if ((rc = contact_row_json(c, a->company_id, st, &one, e)))
			return rc;
		if (json_array_append_new(a->contacts, one))
			return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	return rc;
}

/* "%text%" lower-cased (ASCII) with LIKE's own characters escaped; NULL for no query. */
static char *like_pattern(const char *query)
{
	if (!query || !*query)
		return NULL;
	size_t n = strlen(query);
	char *p = malloc(2 * n + 3);
	if (!p)
		return NULL;
	size_t k = 0;
	p[k++] = '%';
	for (size_t i = 0; i < n; i++) {
		char ch = query[i];
		if (ch == '%' || ch == '_' || ch == '\\')
			p[k++] = '\\';
		p[k++] = (ch >= 'A' && ch <= 'Z') ? (char)(ch - 'A' + 'a') : ch;
	}
	p[k++] = '%';
	p[k] = '\0';
	return p;
}

int contact_list_json(struct db *db, int64_t company_id, const char *query, int64_t page,
                      int64_t per_page, json_t **out, struct err *e)
{
	char *pattern = like_pattern(query);
	if (query && *query && !pattern)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	struct list_arg a = {company_id, page, per_page, pattern, json_array(), 0};
	int rc =
	    a.contacts ? db_tx(db, DB_READ, list_tx, &a, e) : err_set(e, ERR_NOMEM, NULL, NULL);
	free(pattern);
	if (rc) {
		json_decref(a.contacts);
		return rc;
	}
	*out = json_pack("{s:o,s:I,s:I,s:I}", "contacts", a.contacts, "page", (json_int_t)page,
	                 "per_page", (json_int_t)per_page, "total", (json_int_t)a.total);
	return *out ? ERR_OK : err_set(e, ERR_NOMEM, NULL, NULL);
}

/* ---- lists hanging off a contact ---- */

enum sub_kind { SUB_CONVERSIONS, SUB_NOTES, SUB_HISTORY };

struct sub_arg {
	int64_t company_id, id;
	enum sub_kind kind;
	json_t *list;
};

static json_t *conversion_json(struct db_stmt *st)
{
	char *details = db_col_strdup(st, 7);
	json_t *d = details ? json_loads(details, 0, NULL) : NULL;
	free(details);
	return json_pack("{s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "id",
	                 (json_int_t)db_col_int(st, 0), "type", text_json(st, 1), "landing_page",
	                 text_json(st, 2), "occurred_at", time_json(db_col_int(st, 3)), "lead_id",
	                 text_json(st, 4), "lead_email", text_json(st, 5), "lead_status",
	                 text_json(st, 6), "details", d ? d : json_object(), "created_at",
	                 time_json(db_col_int(st, 8)));
}

static json_t *note_json(struct db_stmt *st)
{
	return json_pack("{s:I,s:o,s:o}", "id", (json_int_t)db_col_int(st, 0), "text",
	                 text_json(st, 1), "created_at", time_json(db_col_int(st, 2)));
}

/* History: queued transfers (state) and logged results, newest first (R-X2). */
static json_t *history_json(struct db_stmt *st)
{
	return json_pack("{s:o,s:o,s:I,s:o,s:o,s:o,s:o}", "source", text_json(st, 0), "kind",
	                 text_json(st, 1), "ref_id", (json_int_t)db_col_int(st, 2), "state",
	                 text_json(st, 3), "onoffice_id", text_json(st, 4), "error",
	                 text_json(st, 5), "at", time_json(db_col_int(st, 6)));
}

static const char *const sub_sql[] = {
    [SUB_CONVERSIONS] = "SELECT id, type, landing_page, occurred_at, lead_id, lead_email, "
                        "lead_status, details, created_at FROM conversions WHERE "
                        "company_id = ? AND contact_id = ? ORDER BY occurred_at DESC, id DESC",
    [SUB_NOTES] = "SELECT id, text, created_at FROM notes WHERE company_id = ? AND "
                  "contact_id = ? ORDER BY id DESC",
    [SUB_HISTORY] = "SELECT 'queue', kind, ref_id, state, NULL, last_error, updated_at FROM "
                    "outbox WHERE company_id = ? AND contact_id = ? AND state <> 'done' "
                    "UNION ALL SELECT 'log', kind, coalesce(ref_id, 0), result, onoffice_id, "
                    "error, at FROM transfer_log WHERE company_id = ? AND contact_id = ? "
                    "ORDER BY 7 DESC",
};

static int sub_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct sub_arg *a = arg;
	struct db_stmt *st;
	bool row;
	json_array_clear(a->list);
	int rc = contact_check(c, a->company_id, a->id, e);
	if (rc || (rc = db_prepare(c, sub_sql[a->kind], &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	db_bind_int(st, 2, a->id);
	if (a->kind == SUB_HISTORY) {
		db_bind_int(st, 3, a->company_id);
		db_bind_int(st, 4, a->id);
	}
	while (!(rc = db_step(st, &row, e)) && row) {
		json_t *one = a->kind == SUB_CONVERSIONS ? conversion_json(st)
		              : a->kind == SUB_NOTES     ? note_json(st)
		                                         : history_json(st);
		if (!one || json_array_append_new(a->list, one))
			return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	return rc;
}

static int sub_json(struct db *db, int64_t company_id, int64_t id, enum sub_kind kind,
                    const char *key, json_t **out, struct err *e)
{
	struct sub_arg a = {company_id, id, kind, json_array()};
	int rc = a.list ? db_tx(db, DB_READ, sub_tx, &a, e) : err_set(e, ERR_NOMEM, NULL, NULL);
	if (rc) {
		json_decref(a.list);
		return rc;
	}
	*out = json_pack("{s:o}", key, a.list);
	return *out ? ERR_OK : err_set(e, ERR_NOMEM, NULL, NULL);
}

int contact_conversions_json(struct db *db, int64_t company_id, int64_t id, json_t **out,
                             struct err *e)
{
	return sub_json(db, company_id, id, SUB_CONVERSIONS, "conversions", out, e);
}

int contact_notes_json(struct db *db, int64_t company_id, int64_t id, json_t **out, struct err *e)
{
	return sub_json(db, company_id, id, SUB_NOTES, "notes", out, e);
}

int contact_history_json(struct db *db, int64_t company_id, int64_t id, json_t **out, struct err *e)
{
	return sub_json(db, company_id, id, SUB_HISTORY, "history", out, e);
}
