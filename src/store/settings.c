#include "store/settings.h"

#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "core/utf8.h"
#include "store/contact_int.h"
#include "store/outbox.h"

enum field_type { F_BOOL, F_INT, F_MODE, F_KEY_OR_NULL, F_TYPES };

struct setting {
	const char *name; /* the JSON key and the column */
	enum field_type type;
};

static const struct setting fields[] = {
    {"all_contacts", F_BOOL},          {"contact_types", F_TYPES},
    {"without_contact_type", F_BOOL},  {"backsync_mode", F_MODE},
    {"create_estates", F_BOOL},        {"import_interval_s", F_INT},
    {"agentslog_kind", F_KEY_OR_NULL}, {"agentslog_type", F_KEY_OR_NULL},
    {"origin_key", F_KEY_OR_NULL},
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

static bool key_ok(const char *s)
{
	size_t n = strlen(s);
	return n > 0 && utf8_chars(s, n) <= SETTINGS_KEY_MAX;
}

static int check_types(json_t *v, const char *name, struct err *e)
{
	if (!json_is_array(v))
		return err_set(e, ERR_INVALID_FIELD, name, "must be an array of contact type keys");
	if (json_array_size(v) > SETTINGS_TYPES_MAX)
		return err_set(e, ERR_INVALID_FIELD, name, "at most %d contact types",
		               SETTINGS_TYPES_MAX);
	size_t i, j;
	json_t *x;
	json_array_foreach(v, i, x)
	{
		char path[64];
		snprintf(path, sizeof(path), "%s[%zu]", name, i);
		if (!json_is_string(x) || !key_ok(json_string_value(x)))
			return err_set(e, ERR_INVALID_FIELD, path,
			               "must be a contact type key of 1 to %d characters",
			               SETTINGS_KEY_MAX);
		for (j = 0; j < i; j++)
			if (json_equal(x, json_array_get(v, j)))
				return err_set(e, ERR_INVALID_FIELD, path, "is listed twice");
	}
	return ERR_OK;
}

/* Checks one field's value; the error names it. */
static int check_field(const struct setting *f, json_t *v, struct err *e)
{
	switch (f->type) {
	case F_BOOL:
		if (!json_is_boolean(v))
			return err_set(e, ERR_INVALID_FIELD, f->name, "must be true or false");
		return ERR_OK;
	case F_INT:
		if (!json_is_integer(v) || json_integer_value(v) < 10 ||
		    json_integer_value(v) > 86400)
			return err_set(e, ERR_INVALID_FIELD, f->name,
			               "must be a whole number of seconds from 10 to 86400");
		return ERR_OK;
	case F_MODE:
		if (!json_is_string(v) || (strcmp(json_string_value(v), "manual") != 0 &&
		                           strcmp(json_string_value(v), "automatic") != 0))
			return err_set(e, ERR_INVALID_FIELD, f->name,
			               "must be \"manual\" or \"automatic\"");
		return ERR_OK;
	case F_KEY_OR_NULL:
		if (!json_is_null(v) && !(json_is_string(v) && key_ok(json_string_value(v))))
			return err_set(e, ERR_INVALID_FIELD, f->name,
			               "must be null or a key of 1 to %d characters",
			               SETTINGS_KEY_MAX);
		return ERR_OK;
	case F_TYPES:
		return check_types(v, f->name, e);
	}
	return ERR_OK;
}

static const struct setting *find(const char *name)
{
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

/* ---- reading ---- */

struct get_arg {
	int64_t company_id;
	json_t *out;
};

static int read_tx(struct db_conn *c, struct get_arg *a, struct err *e)
{
	struct db_stmt *st;
	bool row;
	json_decref(a->out);
	a->out = NULL;
	int rc = db_prepare(c,
	                    "SELECT all_contacts, contact_types, without_contact_type, "
	                    "backsync_mode, create_estates, import_interval_s, agentslog_kind, "
	                    "agentslog_type, origin_key FROM settings WHERE company_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, "company", "no settings for company %lld",
		               (long long)a->company_id);
	json_t *o = json_object();
	for (size_t i = 0; o && i < NFIELDS; i++) {
		json_t *v = NULL;
		char *text = NULL;
		switch (fields[i].type) {
		case F_BOOL:
			v = json_boolean(db_col_bool(st, (int)i));
			break;
		case F_INT:
			v = json_integer(db_col_int(st, (int)i));
			break;
		case F_MODE:
		case F_KEY_OR_NULL:
			text = db_col_strdup(st, (int)i);
			v = text ? json_string(text) : json_null();
			break;
		case F_TYPES:
			text = db_col_strdup(st, (int)i);
			v = text ? json_loads(text, 0, NULL) : NULL;
			if (!v)
				v = json_array();
			break;
		}
		free(text);
		if (!v || json_object_set_new(o, fields[i].name, v)) {
			json_decref(o);
			o = NULL;
		}
	}
	if (!o)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	a->out = o;
	return ERR_OK;
}

static int get_tx(struct db_conn *c, void *arg, struct err *e)
{
	return read_tx(c, arg, e);
}

int settings_get_json(struct db *db, int64_t company_id, json_t **out, struct err *e)
{
	struct get_arg a = {company_id, NULL};
	int rc = db_tx(db, DB_READ, get_tx, &a, e);
	if (rc) {
		json_decref(a.out);
		return rc;
	}
	*out = a.out;
	return ERR_OK;
}

/* ---- writing ---- */

struct put_arg {
	struct get_arg get;
	json_t *patch;
};

static int bind_value(struct db_stmt *st, const struct setting *f, json_t *v)
{
	switch (f->type) {
	case F_BOOL:
		return db_bind_int(st, 1, json_is_true(v));
	case F_INT:
		return db_bind_int(st, 1, json_integer_value(v));
	case F_MODE:
	case F_KEY_OR_NULL:
		return db_bind_text(st, 1, json_is_null(v) ? NULL : json_string_value(v));
	case F_TYPES: {
		char *text = json_dumps(v, JSON_COMPACT);
		int rc = text ? db_bind_text(st, 1, text) : ERR_NOMEM;
		free(text);
		return rc;
	}
	}
	return ERR_INTERNAL;
}

/* Moves the queue with the mode (see settings.h). */
static int follow_mode(struct db_conn *c, int64_t company_id, const char *mode, struct err *e)
{
	struct db_stmt *st;
	bool row;
	if (strcmp(mode, "automatic") == 0) {
		int64_t running;
		int rc = db_query_int(c,
		                      "SELECT count(*) FROM companies WHERE id = ? AND "
		                      "sync_state = 'running'",
		                      (const int64_t[]){company_id}, 1, &running, e);
		if (rc || !running)
			return rc;
		return outbox_release(c, company_id, 0, NULL, e);
	}
	int rc =
	    db_prepare(c,
	               "UPDATE outbox SET state = 'held', updated_at = ? WHERE company_id = ? AND "
	               "state = 'due'",
	               &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, time_now_ms());
	db_bind_int(st, 2, company_id);
	return db_step(st, &row, e);
}

static int put_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct put_arg *a = arg;
	const char *key;
	json_t *v;
	char old_mode[16] = "";
	struct db_stmt *mst;
	bool mrow;
	int mrc = db_prepare(c, "SELECT backsync_mode FROM settings WHERE company_id = ?", &mst, e);
	if (mrc)
		return mrc;
	db_bind_int(mst, 1, a->get.company_id);
	if ((mrc = db_step(mst, &mrow, e)))
		return mrc;
	if (mrow)
		db_col_text(mst, 0, old_mode, sizeof(old_mode));
	json_object_foreach(a->patch, key, v)
	{
		const struct setting *f = find(key);
		char sql[96];
		struct db_stmt *st;
		bool row;
		snprintf(sql, sizeof(sql), "UPDATE settings SET %s = ? WHERE company_id = ?",
		         f->name);
		int rc = db_prepare(c, sql, &st, e);
		if (rc)
			return rc;
		bind_value(st, f, v);
		db_bind_int(st, 2, a->get.company_id);
		if ((rc = db_step(st, &row, e)))
			return rc;
		/* The queue follows a change of mode only: saving the same mode again must not
		 * hold transfers the per-contact button or a retry released. */
		if (f->type == F_MODE && strcmp(old_mode, json_string_value(v)) != 0 &&
		    (rc = follow_mode(c, a->get.company_id, json_string_value(v), e)))
			return rc;
	}
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "UPDATE settings SET updated_at = ? WHERE company_id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, time_now_ms());
	db_bind_int(st, 2, a->get.company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	return read_tx(c, &a->get, e);
}

int settings_put_json(struct db *db, int64_t company_id, json_t *patch, json_t **out, struct err *e)
{
	if (!json_is_object(patch))
		return err_set(e, ERR_INVALID_FIELD, NULL, "the settings must be a JSON object");
	const char *key;
	json_t *v;
	json_object_foreach(patch, key, v)
	{
		const struct setting *f = find(key);
		if (!f)
			return err_set(e, ERR_INVALID_FIELD, key, "unknown setting");
		int rc = check_field(f, v, e);
		if (rc)
			return rc;
	}
	struct put_arg a = {{company_id, NULL}, patch};
	int rc = db_tx(db, DB_WRITE, put_tx, &a, e);
	if (rc) {
		json_decref(a.get.out);
		return rc;
	}
	*out = a.get.out;
	return ERR_OK;
}

/* ---- sync state ---- */

struct state_arg {
	int64_t company_id;
	const char *to; /* NULL: only read */
	char state[16];
};

static int read_state(struct db_conn *c, struct state_arg *a, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "SELECT sync_state FROM companies WHERE id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, "company", "no company %lld",
		               (long long)a->company_id);
	return db_col_text(st, 0, a->state, sizeof(a->state));
}

static int state_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct state_arg *a = arg;
	int rc = read_state(c, a, e);
	if (rc || !a->to)
		return rc;
	if (strcmp(a->state, "not_linked") == 0)
		return err_set(e, ERR_NOT_LINKED, NULL,
		               "the company is not linked to onOffice yet");
	if (strcmp(a->state, "linked") == 0)
		return err_set(e, ERR_CONFLICT, NULL,
		               "the initial contact sync has not run yet (POST sync/initial)");
	if (strcmp(a->state, a->to) == 0)
		return ERR_OK;
	struct db_stmt *st;
	bool row;
	if ((rc = db_prepare(c, "UPDATE companies SET sync_state = ? WHERE id = ?", &st, e)))
		return rc;
	db_bind_text(st, 1, a->to);
	db_bind_int(st, 2, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	snprintf(a->state, sizeof(a->state), "%s", a->to);
	if (strcmp(a->to, "running") != 0)
		return ERR_OK;
	return settings_send_held(c, a->company_id, e);
}

int settings_send_held(struct db_conn *c, int64_t company_id, struct err *e)
{
	int64_t automatic;
	int rc = db_query_int(c,
	                      "SELECT count(*) FROM settings WHERE company_id = ? AND "
	                      "backsync_mode = 'automatic'",
	                      (const int64_t[]){company_id}, 1, &automatic, e);
	if (rc)
		return rc;
	return automatic ? outbox_release(c, company_id, 0, NULL, e) : ERR_OK;
}

static int run_state(struct db *db, int64_t company_id, const char *to, char *state, size_t cap,
                     struct err *e)
{
	struct state_arg a = {company_id, to, ""};
	int rc = db_tx(db, to ? DB_WRITE : DB_READ, state_tx, &a, e);
	if (!rc)
		snprintf(state, cap, "%s", a.state);
	return rc;
}

int syncstate_get(struct db *db, int64_t company_id, char *state, size_t cap, struct err *e)
{
	return run_state(db, company_id, NULL, state, cap, e);
}

int syncstate_start(struct db *db, int64_t company_id, char *state, size_t cap, struct err *e)
{
	return run_state(db, company_id, "running", state, cap, e);
}

int syncstate_stop(struct db *db, int64_t company_id, char *state, size_t cap, struct err *e)
{
	return run_state(db, company_id, "stopped", state, cap, e);
}

struct contact_sync_arg {
	int64_t company_id, contact_id, n;
};

static int contact_sync_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct contact_sync_arg *a = arg;
	struct state_arg s = {a->company_id, NULL, ""};
	int rc = read_state(c, &s, e);
	if (rc)
		return rc;
	if (strcmp(s.state, "not_linked") == 0)
		return err_set(e, ERR_NOT_LINKED, NULL,
		               "the company is not linked to onOffice yet");
	if ((rc = contact_check(c, a->company_id, a->contact_id, e)))
		return rc;
	return outbox_release(c, a->company_id, a->contact_id, &a->n, e);
}

int syncstate_sync_contact(struct db *db, int64_t company_id, int64_t contact_id, int64_t *n,
                           struct err *e)
{
	struct contact_sync_arg a = {company_id, contact_id, 0};
	int rc = db_tx(db, DB_WRITE, contact_sync_tx, &a, e);
	if (!rc)
		*n = a.n;
	return rc;
}
