/*
 * The ingest transaction of requirements §8.1 with the idempotency of R-X1. Everything
 * happens in one write transaction, so a crash leaves either all of it (contact
 * completed, conversion, outbox rows, idempotency record) or none; a client
 * that retries with its key after an unanswered request gets exactly one
 * conversion.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "domain/email.h"
#include "store/contact_int.h"
#include "store/outbox.h"

#define IDEMPOTENCY_TTL_MS (24LL * 3600 * 1000)

struct ingest_arg {
	int64_t company_id;
	const struct contact_fields *lead;
	const struct conversion_input *conv;
	const char *key, *hash;
	struct ingest_result *r;
};

/* A key seen within the TTL: replay (same hash) or conflict (other hash). found=false
 * when the key is new (expired records are removed on the way). */
static int check_key(struct db_conn *c, struct ingest_arg *a, int64_t now, bool *found,
                     struct err *e)
{
	struct db_stmt *st;
	bool row;
	*found = false;
	int rc = db_prepare(c, "DELETE FROM idempotency WHERE company_id = ? AND created_at < ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	db_bind_int(st, 2, now - IDEMPOTENCY_TTL_MS);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if ((rc = db_prepare(c,
	                     "SELECT request_hash, response FROM idempotency WHERE company_id = ? "
	                     "AND key = ?",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	db_bind_text(st, 2, a->key);
	if ((rc = db_step(st, &row, e)) || !row)
		return rc;
	char hash[65], response[128];
	db_col_text(st, 0, hash, sizeof(hash));
	if (db_col_text(st, 1, response, sizeof(response)))
		return err_set(e, ERR_INTERNAL, NULL, "stored answer too long");
	if (strcmp(hash, a->hash) != 0)
		return err_set(e, ERR_IDEMPOTENCY, "Idempotency-Key",
		               "this Idempotency-Key was used with another body");
	long long contact = 0, conversion = 0;
	if (sscanf(response, "{\"contact_id\":%lld,\"conversion_id\":%lld}", &contact,
	           &conversion) != 2)
		return err_set(e, ERR_INTERNAL, NULL, "stored answer unreadable");
	a->r->contact_id = contact;
	a->r->conversion_id = conversion;
	a->r->replayed = true;
	*found = true;
	return ERR_OK;
}

static int store_key(struct db_conn *c, struct ingest_arg *a, int64_t now, struct err *e)
{
	char response[128];
	struct db_stmt *st;
	bool row;
	snprintf(response, sizeof(response), "{\"contact_id\":%lld,\"conversion_id\":%lld}",
	         (long long)a->r->contact_id, (long long)a->r->conversion_id);
	int rc = db_prepare(c,
	                    "INSERT INTO idempotency (company_id, key, request_hash, status, "
	                    "response, contact_id, created_at) VALUES (?, ?, ?, 201, ?, ?, ?)",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	db_bind_text(st, 2, a->key);
	db_bind_text(st, 3, a->hash);
	db_bind_text(st, 4, response);
	db_bind_int(st, 5, a->r->contact_id);
	db_bind_int(st, 6, now);
	return db_step(st, &row, e);
}

static int insert_conversion(struct db_conn *c, struct ingest_arg *a, int64_t now, struct err *e)
{
	struct db_stmt *st;
	bool row;
	char *details = json_dumps(a->conv->details, JSON_COMPACT | JSON_SORT_KEYS);
	if (!details)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = db_prepare(c,
	                    "INSERT INTO conversions (company_id, contact_id, type, landing_page, "
	                    "occurred_at, lead_id, lead_email, lead_status, details, created_at) "
	                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
	                    &st, e);
	if (!rc) {
		db_bind_int(st, 1, a->company_id);
		db_bind_int(st, 2, a->r->contact_id);
		db_bind_text(st, 3, a->conv->type);
		db_bind_text(st, 4, a->conv->landing_page);
		db_bind_int(st, 5, a->conv->occurred_at);
		db_bind_text(st, 6, a->conv->lead_id);
		db_bind_text(st, 7, a->lead->email);
		db_bind_text(st, 8, a->lead->status ? a->lead->status : "new");
		db_bind_text(st, 9, details);
		db_bind_int(st, 10, now);
		rc = db_step(st, &row, e);
		if (!rc)
			a->r->conversion_id = db_col_int(st, 0);
	}
	free(details);
	return rc;
}

static int ingest_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct ingest_arg *a = arg;
	int64_t now = time_now_ms();
	char norm[EMAIL_KEY_MAX];
	bool changed = false;
	int rc;
	memset(a->r, 0, sizeof(*a->r)); /* the transaction may run more than once */
	if (a->key) {
		bool found;
		if ((rc = check_key(c, a, now, &found, e)) || found)
			return rc;
	}
	if (!email_norm(a->lead->email, strlen(a->lead->email), norm, sizeof(norm)))
		return err_set(e, ERR_INVALID_FIELD, "lead.email", "the e-mail is too long");
	if ((rc = contact_find_by_email(c, a->company_id, norm, &a->r->contact_id, e)))
		return rc;
	if (a->r->contact_id) {
		if ((rc = contact_add_email(c, a->company_id, a->r->contact_id, a->lead->email,
		                            false, NULL, e)) ||
		    (rc = contact_complete(c, a->company_id, a->r->contact_id, a->lead, &changed,
		                           e)))
			return rc;
	} else {
		if ((rc = contact_insert(c, a->company_id, a->lead, now, &a->r->contact_id, e)))
			return rc;
		a->r->created = changed = true;
	}
	if ((rc = insert_conversion(c, a, now, e)))
		return rc;
	if (changed && (rc = outbox_add(c, a->company_id, a->r->contact_id, OUTBOX_CONTACT,
	                                a->r->contact_id, e)))
		return rc;
	if ((rc = outbox_add(c, a->company_id, a->r->contact_id, OUTBOX_CONVERSION,
	                     a->r->conversion_id, e)))
		return rc;
	return a->key ? store_key(c, a, now, e) : ERR_OK;
}

int contact_ingest(struct db *db, int64_t company_id, const struct contact_fields *lead,
                   const struct conversion_input *conv, const char *idem_key,
                   const char *request_hash, struct ingest_result *result, struct err *e)
{
	if (!lead->email)
		return err_set(e, ERR_INVALID_FIELD, "lead.email", "the lead's e-mail is required");
	struct ingest_arg a = {company_id, lead, conv, idem_key, request_hash, result};
	return db_tx(db, DB_WRITE, ingest_tx, &a, e);
}
