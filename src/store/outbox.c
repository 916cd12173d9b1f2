#include "store/outbox.h"

#include <string.h>

#include "core/time.h"

const char *outbox_kind_name(enum outbox_kind k)
{
	switch (k) {
	case OUTBOX_CONTACT:
		return "contact";
	case OUTBOX_CONVERSION:
		return "conversion";
	case OUTBOX_NOTE:
		return "note";
	}
	return "contact";
}

int outbox_add(struct db_conn *c, int64_t company_id, int64_t contact_id, enum outbox_kind kind,
               int64_t ref_id, struct err *e)
{
	int rc;
	int64_t n;
	if (kind == OUTBOX_CONTACT) {
		rc = db_query_int(c,
		                  "SELECT count(*) FROM outbox WHERE company_id = ? AND "
		                  "contact_id = ? AND kind = 'contact' AND state IN ('held','due')",
		                  (const int64_t[]){company_id, contact_id}, 2, &n, e);
		if (rc || n > 0)
			return rc;
	}
	/* due only when the company runs in automatic mode (R-B1, R-B2, R-S2). */
	struct db_stmt *st;
	bool row;
	int64_t now = time_now_ms();
	rc = db_prepare(
	    c,
	    "INSERT INTO outbox (company_id, contact_id, kind, ref_id, state, next_at, "
	    "created_at, updated_at) SELECT c.id, ?, ?, ?, CASE WHEN c.sync_state = "
	    "'running' AND s.backsync_mode = 'automatic' THEN 'due' ELSE 'held' END, "
	    "?, ?, ? FROM companies c JOIN settings s ON s.company_id = c.id WHERE c.id = ?",
	    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, contact_id);
	db_bind_text(st, 2, outbox_kind_name(kind));
	db_bind_int(st, 3, ref_id);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, now);
	db_bind_int(st, 6, now);
	db_bind_int(st, 7, company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (db_changes(c) != 1)
		return err_set(e, ERR_NOT_FOUND, "company", "company %lld has no settings",
		               (long long)company_id);
	return ERR_OK;
}

int outbox_release(struct db_conn *c, int64_t company_id, int64_t contact_id, int64_t *n,
                   struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "UPDATE outbox SET state = 'due', next_at = ?, updated_at = ? WHERE "
	                    "company_id = ? AND state = 'held' AND (? = 0 OR contact_id = ?)",
	                    &st, e);
	if (rc)
		return rc;
	int64_t now = time_now_ms();
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, company_id);
	db_bind_int(st, 4, contact_id);
	db_bind_int(st, 5, contact_id);
	rc = db_step(st, &row, e);
	if (!rc && n)
		*n = db_changes(c);
	return rc;
}

struct counts_arg {
	int64_t company_id, pending, failed;
};

static int counts_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct counts_arg *a = arg;
	int rc = db_query_int(c,
	                      "SELECT count(*) FROM outbox WHERE company_id = ? AND state IN "
	                      "('held','due','leased')",
	                      (const int64_t[]){a->company_id}, 1, &a->pending, e);
	if (!rc)
		rc = db_query_int(c,
		                  "SELECT count(*) FROM outbox WHERE company_id = ? AND "
		                  "state = 'failed'",
		                  (const int64_t[]){a->company_id}, 1, &a->failed, e);
	return rc;
}

int outbox_counts(struct db *db, int64_t company_id, int64_t *pending, int64_t *failed,
                  struct err *e)
{
	struct counts_arg a = {company_id, 0, 0};
	int rc = db_tx(db, DB_READ, counts_tx, &a, e);
	*pending = a.pending;
	*failed = a.failed;
	return rc;
}

static int depth_tx(struct db_conn *c, void *arg, struct err *e)
{
	return db_query_int(c, "SELECT count(*) FROM outbox WHERE state IN ('held','due','leased')",
	                    NULL, 0, arg, e);
}

int outbox_depth(struct db *db, int64_t *pending, struct err *e)
{
	return db_tx(db, DB_READ, depth_tx, pending, e);
}

struct failures_arg {
	int64_t company_id;
	json_t *list;
};

static int failures_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct failures_arg *a = arg;
	struct db_stmt *st;
	bool row;
	json_array_clear(a->list);
	int rc = db_prepare(c,
	                    "SELECT id, contact_id, kind, ref_id, attempts, last_error, updated_at "
	                    "FROM outbox WHERE company_id = ? AND state = 'failed' ORDER BY id",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	while (!(rc = db_step(st, &row, e)) && row) {
		char kind[16], when[TIME_RFC3339_MAX];
		char *error = db_col_strdup(st, 5);
		db_col_text(st, 2, kind, sizeof(kind));
		time_format_rfc3339(db_col_int(st, 6), when, sizeof(when));
		json_t *f =
		    json_pack("{s:I,s:I,s:s,s:I,s:I,s:s?,s:s}", "id", (json_int_t)db_col_int(st, 0),
		              "contact_id", (json_int_t)db_col_int(st, 1), "kind", kind, "ref_id",
		              (json_int_t)db_col_int(st, 3), "attempts",
		              (json_int_t)db_col_int(st, 4), "error", error, "updated_at", when);
		free(error);
		if (!f || json_array_append_new(a->list, f))
			return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	return rc;
}

int outbox_failures_json(struct db *db, int64_t company_id, json_t **out, struct err *e)
{
	struct failures_arg a = {company_id, json_array()};
	if (!a.list)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = db_tx(db, DB_READ, failures_tx, &a, e);
	if (rc) {
		json_decref(a.list);
		return rc;
	}
	*out = json_pack("{s:o}", "failures", a.list);
	return *out ? ERR_OK : err_set(e, ERR_NOMEM, NULL, NULL);
}

struct retry_arg {
	int64_t company_id, id, n;
	const char *to_state;
};

static int retry_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct retry_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int64_t now = time_now_ms();
	int64_t merged = 0;
	if (strcmp(a->to_state, "due") == 0) {
		/* A contact row carries the contact's data as it is at send time: a failed one
		 * whose contact already has a pending one is merged into it, not doubled; and
		 * "retry all" keeps only the newest of a contact's failed contact rows. */
		int rc = db_prepare(
		    c,
		    "UPDATE outbox SET state = 'dismissed', updated_at = ? WHERE company_id = ? "
		    "AND "
		    "state = 'failed' AND kind = 'contact' AND (? = 0 OR id = ?) AND (EXISTS "
		    "(SELECT 1 FROM outbox p WHERE p.company_id = outbox.company_id AND "
		    "p.contact_id = outbox.contact_id AND p.kind = 'contact' AND p.state IN "
		    "('held','due')) OR (? = 0 AND EXISTS (SELECT 1 FROM outbox q WHERE "
		    "q.company_id = outbox.company_id AND q.contact_id = outbox.contact_id AND "
		    "q.kind = 'contact' AND q.state = 'failed' AND q.id > outbox.id)))",
		    &st, e);
		if (rc)
			return rc;
		db_bind_int(st, 1, now);
		db_bind_int(st, 2, a->company_id);
		db_bind_int(st, 3, a->id);
		db_bind_int(st, 4, a->id);
		db_bind_int(st, 5, a->id);
		if ((rc = db_step(st, &row, e)))
			return rc;
		merged = db_changes(c);
	}
	int rc =
	    db_prepare(c,
	               "UPDATE outbox SET state = ?, attempts = CASE WHEN ? = 'due' THEN 0 ELSE "
	               "attempts END, next_at = ?, updated_at = ? WHERE company_id = ? AND "
	               "state = 'failed' AND (? = 0 OR id = ?)",
	               &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->to_state);
	db_bind_text(st, 2, a->to_state);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, now);
	db_bind_int(st, 5, a->company_id);
	db_bind_int(st, 6, a->id);
	db_bind_int(st, 7, a->id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	a->n = db_changes(c) + merged;
	if (a->id && a->n == 0)
		return err_set(e, ERR_NOT_FOUND, "id", "no failed transfer %lld", (long long)a->id);
	return ERR_OK;
}

int outbox_retry(struct db *db, int64_t company_id, int64_t id, int64_t *n, struct err *e)
{
	struct retry_arg a = {company_id, id, 0, "due"};
	int rc = db_tx(db, DB_WRITE, retry_tx, &a, e);
	if (n)
		*n = a.n;
	return rc;
}

int outbox_dismiss(struct db *db, int64_t company_id, int64_t id, struct err *e)
{
	struct retry_arg a = {company_id, id, 0, "dismissed"};
	return db_tx(db, DB_WRITE, retry_tx, &a, e);
}
