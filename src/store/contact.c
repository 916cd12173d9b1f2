#include "store/contact_int.h"

#include <stdio.h>
#include <string.h>

#include "core/time.h"
#include "domain/email.h"
#include "store/outbox.h"

int contact_check(struct db_conn *c, int64_t company_id, int64_t id, struct err *e)
{
	int64_t n;
	int rc = db_query_int(c,
	                      "SELECT count(*) FROM contacts WHERE id = ? AND company_id = ? AND "
	                      "erased_at IS NULL",
	                      (const int64_t[]){id, company_id}, 2, &n, e);
	if (!rc && n == 0)
		return err_set(e, ERR_NOT_FOUND, "id", "no contact %lld", (long long)id);
	return rc;
}

int contact_find_by_email(struct db_conn *c, int64_t company_id, const char *email_norm,
                          int64_t *id, struct err *e)
{
	struct db_stmt *st;
	bool row;
	*id = 0;
	int rc = db_prepare(c,
	                    "SELECT contact_id FROM lead_keys WHERE company_id = ? AND "
	                    "email_norm = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_text(st, 2, email_norm);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (row) {
		*id = db_col_int(st, 0);
		return ERR_OK;
	}
	/* Imported contacts may share an e-mail: the lowest id wins (requirements §8.1). */
	if ((rc = db_prepare(c,
	                     "SELECT min(e.contact_id) FROM contact_emails e JOIN contacts k ON "
	                     "k.id = e.contact_id WHERE e.company_id = ? AND e.email_norm = ? AND "
	                     "k.erased_at IS NULL",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_text(st, 2, email_norm);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (row)
		*id = db_col_int(st, 0);
	return ERR_OK;
}

static int norm_email(const char *email, char *out, size_t cap, struct err *e)
{
	if (!email_norm(email, strlen(email), out, cap))
		return err_set(e, ERR_INVALID_FIELD, "email", "the e-mail is too long");
	return ERR_OK;
}

int contact_add_email(struct db_conn *c, int64_t company_id, int64_t contact_id, const char *email,
                      bool primary, bool *added, struct err *e)
{
	char norm[EMAIL_KEY_MAX];
	struct db_stmt *st;
	bool row;
	int rc = norm_email(email, norm, sizeof(norm), e);
	if (rc)
		return rc;
	if ((rc = db_prepare(c,
	                     "INSERT INTO contact_emails (company_id, contact_id, email, "
	                     "email_norm, is_primary) VALUES (?, ?, ?, ?, 0) ON CONFLICT "
	                     "(contact_id, email_norm) DO NOTHING",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_int(st, 2, contact_id);
	db_bind_text(st, 3, email);
	db_bind_text(st, 4, norm);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (added)
		*added = db_changes(c) > 0;
	if ((rc = db_prepare(c,
	                     "INSERT INTO lead_keys (company_id, email_norm, contact_id) VALUES "
	                     "(?, ?, ?) ON CONFLICT (company_id, email_norm) DO NOTHING",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_text(st, 2, norm);
	db_bind_int(st, 3, contact_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	int64_t has_primary;
	if ((rc = db_query_int(c,
	                       "SELECT count(*) FROM contact_emails WHERE contact_id = ? AND "
	                       "company_id = ? AND is_primary = 1",
	                       (const int64_t[]){contact_id, company_id}, 2, &has_primary, e)))
		return rc;
	if (!primary && has_primary)
		return ERR_OK;
	if ((rc = db_prepare(c,
	                     "UPDATE contact_emails SET is_primary = CASE WHEN email_norm = ? THEN "
	                     "1 ELSE 0 END WHERE contact_id = ? AND company_id = ?",
	                     &st, e)))
		return rc;
	db_bind_text(st, 1, norm);
	db_bind_int(st, 2, contact_id);
	db_bind_int(st, 3, company_id);
	return db_step(st, &row, e);
}

/* The key phones are deduplicated on: the E.164 form, else "raw:" and the digits. */
static void phone_key(const char *raw, const char *e164, char *out, size_t cap)
{
	if (e164) {
		snprintf(out, cap, "%s", e164);
		return;
	}
	size_t n = (size_t)snprintf(out, cap, "raw:");
	for (const char *p = raw; *p && n + 1 < cap; p++)
		if (*p >= '0' && *p <= '9')
			out[n++] = *p;
	out[n] = '\0';
}

int contact_add_phone(struct db_conn *c, int64_t company_id, int64_t contact_id, const char *raw,
                      const char *e164, bool *added, struct err *e)
{
	char key[80];
	struct db_stmt *st;
	bool row;
	phone_key(raw, e164, key, sizeof(key));
	int rc =
	    db_prepare(c,
	               "INSERT INTO contact_phones (company_id, contact_id, raw, e164, "
	               "dedupe_key) VALUES (?, ?, ?, ?, ?) ON CONFLICT (contact_id, dedupe_key) "
	               "DO NOTHING",
	               &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_int(st, 2, contact_id);
	db_bind_text(st, 3, raw);
	db_bind_text(st, 4, e164);
	db_bind_text(st, 5, key);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (added)
		*added = db_changes(c) > 0;
	return ERR_OK;
}

int contact_insert(struct db_conn *c, int64_t company_id, const struct contact_fields *f,
                   int64_t now, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc =
	    db_prepare(c,
	               "INSERT INTO contacts (company_id, origin, salutation, first_name, "
	               "last_name, street, zip, city, country, gdpr_consent, status, "
	               "created_at, updated_at) VALUES (?, 'platform', ?, ?, ?, ?, ?, ?, ?, ?, "
	               "?, ?, ?) RETURNING id",
	               &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_text(st, 2, f->salutation);
	db_bind_text(st, 3, f->first_name);
	db_bind_text(st, 4, f->last_name);
	db_bind_text(st, 5, f->street);
	db_bind_text(st, 6, f->zip);
	db_bind_text(st, 7, f->city);
	db_bind_text(st, 8, f->country);
	db_bind_int(st, 9, f->gdpr_consent > 0);
	db_bind_text(st, 10, f->status ? f->status : "new");
	db_bind_int(st, 11, now);
	db_bind_int(st, 12, now);
	if ((rc = db_step(st, &row, e)))
		return rc;
	*id = db_col_int(st, 0);
	if (f->email && (rc = contact_add_email(c, company_id, *id, f->email, true, NULL, e)))
		return rc;
	if (f->phone_raw &&
	    (rc = contact_add_phone(c, company_id, *id, f->phone_raw, f->phone_e164, NULL, e)))
		return rc;
	return ERR_OK;
}

/* Sets one column of a contact of the company (column names come from this file's tables). */
static int set_column(struct db_conn *c, int64_t company_id, int64_t id, const char *column,
                      const char *value, struct err *e)
{
	char sql[128];
	struct db_stmt *st;
	bool row;
	snprintf(sql, sizeof(sql), "UPDATE contacts SET %s = ? WHERE id = ? AND company_id = ?",
	         column);
	int rc = db_prepare(c, sql, &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, value);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, company_id);
	return db_step(st, &row, e);
}

static int touch(struct db_conn *c, int64_t company_id, int64_t id, struct err *e)
{
	char now[24];
	snprintf(now, sizeof(now), "%lld", (long long)time_now_ms());
	return set_column(c, company_id, id, "updated_at", now, e);
}

/* The text columns completed by ingest, in the order of the SELECT below. */
static const char *const completable[] = {"salutation", "first_name", "last_name", "street",
                                          "zip",        "city",       "country"};
#define NCOMPLETABLE (sizeof(completable) / sizeof(completable[0]))

static const char *field_value(const struct contact_fields *f, size_t i)
{
	const char *v[NCOMPLETABLE] = {f->salutation, f->first_name, f->last_name, f->street,
	                               f->zip,        f->city,       f->country};
	return v[i];
}

int contact_complete(struct db_conn *c, int64_t company_id, int64_t contact_id,
                     const struct contact_fields *f, bool *changed, struct err *e)
{
	struct db_stmt *st;
	bool row, empty[NCOMPLETABLE];
	bool had_consent;
	*changed = false;
	int rc = db_prepare(c,
	                    "SELECT salutation, first_name, last_name, street, zip, city, country, "
	                    "gdpr_consent FROM contacts WHERE id = ? AND company_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, contact_id);
	db_bind_int(st, 2, company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, "id", "no contact %lld", (long long)contact_id);
	for (size_t i = 0; i < NCOMPLETABLE; i++) {
		char probe; /* only "" (or NULL) fits into one byte with its terminator */
		empty[i] = db_col_text(st, (int)i, &probe, 1) == ERR_OK;
	}
	had_consent = db_col_bool(st, (int)NCOMPLETABLE);
	for (size_t i = 0; i < NCOMPLETABLE; i++) {
		const char *v = field_value(f, i);
		if (!empty[i] || !v || !*v)
			continue;
		if ((rc = set_column(c, company_id, contact_id, completable[i], v, e)))
			return rc;
		*changed = true;
	}
	if (f->gdpr_consent > 0 && !had_consent) {
		if ((rc = set_column(c, company_id, contact_id, "gdpr_consent", "1", e)))
			return rc;
		*changed = true;
	}
	if (f->phone_raw) {
		bool added;
		if ((rc = contact_add_phone(c, company_id, contact_id, f->phone_raw, f->phone_e164,
		                            &added, e)))
			return rc;
		*changed = *changed || added;
	}
	return *changed ? touch(c, company_id, contact_id, e) : ERR_OK;
}

/* ---- POST contacts ---- */

struct create_arg {
	int64_t company_id;
	const struct contact_fields *f;
	int64_t id;
};

static int create_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct create_arg *a = arg;
	char norm[EMAIL_KEY_MAX];
	int64_t owner;
	int rc = norm_email(a->f->email, norm, sizeof(norm), e);
	if (!rc)
		rc = contact_find_by_email(c, a->company_id, norm, &owner, e);
	if (rc)
		return rc;
	if (owner)
		return err_set(e, ERR_CONFLICT, "email", "contact %lld has this e-mail already",
		               (long long)owner);
	if ((rc = contact_insert(c, a->company_id, a->f, time_now_ms(), &a->id, e)))
		return rc;
	return outbox_add(c, a->company_id, a->id, OUTBOX_CONTACT, a->id, e);
}

int contact_create(struct db *db, int64_t company_id, const struct contact_fields *f, int64_t *id,
                   struct err *e)
{
	if (!f->email)
		return err_set(e, ERR_INVALID_FIELD, "email", "a contact needs an e-mail");
	struct create_arg a = {company_id, f, 0};
	int rc = db_tx(db, DB_WRITE, create_tx, &a, e);
	if (!rc)
		*id = a.id;
	return rc;
}

/* ---- PATCH contacts/{id} ---- */

struct update_arg {
	int64_t company_id, id;
	const struct contact_fields *f;
	const char *const *clear;
	size_t nclear;
};

static int delete_phones(struct db_conn *c, int64_t company_id, int64_t contact_id, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "DELETE FROM contact_phones WHERE company_id = ? AND contact_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_int(st, 2, contact_id);
	return db_step(st, &row, e);
}

static int update_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct update_arg *a = arg;
	const struct contact_fields *f = a->f;
	int rc = contact_check(c, a->company_id, a->id, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < NCOMPLETABLE && !rc; i++)
		if (field_value(f, i))
			rc = set_column(c, a->company_id, a->id, completable[i], field_value(f, i),
			                e);
	if (!rc && f->status)
		rc = set_column(c, a->company_id, a->id, "status", f->status, e);
	for (size_t i = 0; i < a->nclear && !rc; i++) /* names come from the API's own table */
		rc = strcmp(a->clear[i], "phone") == 0
		         ? delete_phones(c, a->company_id, a->id, e)
		         : set_column(c, a->company_id, a->id, a->clear[i], NULL, e);
	if (!rc && f->gdpr_consent >= 0)
		rc = set_column(c, a->company_id, a->id, "gdpr_consent",
		                f->gdpr_consent ? "1" : "0", e);
	if (!rc && f->email) {
		char norm[EMAIL_KEY_MAX];
		int64_t owner;
		if ((rc = norm_email(f->email, norm, sizeof(norm), e)) ||
		    (rc = contact_find_by_email(c, a->company_id, norm, &owner, e)))
			return rc;
		if (owner && owner != a->id)
			return err_set(e, ERR_CONFLICT, "email",
			               "contact %lld has this e-mail already", (long long)owner);
		rc = contact_add_email(c, a->company_id, a->id, f->email, true, NULL, e);
	}
	if (!rc && f->phone_raw)
		rc = contact_add_phone(c, a->company_id, a->id, f->phone_raw, f->phone_e164, NULL,
		                       e);
	if (!rc)
		rc = touch(c, a->company_id, a->id, e);
	if (!rc)
		rc = outbox_add(c, a->company_id, a->id, OUTBOX_CONTACT, a->id, e);
	return rc;
}

int contact_update(struct db *db, int64_t company_id, int64_t id, const struct contact_fields *f,
                   const char *const *clear, size_t nclear, struct err *e)
{
	struct update_arg a = {company_id, id, f, clear, nclear};
	return db_tx(db, DB_WRITE, update_tx, &a, e);
}

/* ---- DELETE contacts/{id} (R-T3) ---- */

struct erase_arg {
	int64_t company_id, id;
};

static int erase_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct erase_arg *a = arg;
	static const char *const wipe[] = {
	    "DELETE FROM contact_emails WHERE company_id = ? AND contact_id = ?",
	    "DELETE FROM contact_phones WHERE company_id = ? AND contact_id = ?",
	    "DELETE FROM lead_keys WHERE company_id = ? AND contact_id = ?",
	    "DELETE FROM conversions WHERE company_id = ? AND contact_id = ?",
	    "DELETE FROM notes WHERE company_id = ? AND contact_id = ?",
	    "DELETE FROM outbox WHERE company_id = ? AND contact_id = ?",
	    "DELETE FROM transfer_log WHERE company_id = ? AND contact_id = ?",
	    "DELETE FROM idempotency WHERE company_id = ? AND contact_id = ?",
	};
	struct db_stmt *st;
	bool row;
	int rc = contact_check(c, a->company_id, a->id, e);
	for (size_t i = 0; !rc && i < sizeof(wipe) / sizeof(wipe[0]); i++) {
		if ((rc = db_prepare(c, wipe[i], &st, e)))
			break;
		db_bind_int(st, 1, a->company_id);
		db_bind_int(st, 2, a->id);
		rc = db_step(st, &row, e);
	}
	if (rc)
		return rc;
	/* The tombstone keeps the onOffice address id so an import can tell it (R-T3). */
	if ((rc = db_prepare(c,
	                     "UPDATE contacts SET salutation = NULL, first_name = NULL, "
	                     "last_name = NULL, street = NULL, zip = NULL, city = NULL, "
	                     "country = NULL, gdpr_consent = 0, blocked = 1, status = 'erased', "
	                     "contact_types = '[]', erased_at = ?, updated_at = ? WHERE id = ?",
	                     &st, e)))
		return rc;
	int64_t now = time_now_ms();
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, now);
	db_bind_int(st, 3, a->id);
	return db_step(st, &row, e);
}

int contact_erase(struct db *db, int64_t company_id, int64_t id, struct err *e)
{
	struct erase_arg a = {company_id, id};
	return db_tx(db, DB_WRITE, erase_tx, &a, e);
}

/* ---- notes ---- */

struct note_arg {
	int64_t company_id, contact_id;
	const char *text;
	int64_t id;
};

static int note_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct note_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = contact_check(c, a->company_id, a->contact_id, e);
	if (rc)
		return rc;
	if ((rc = db_prepare(c,
	                     "INSERT INTO notes (company_id, contact_id, text, created_at) VALUES "
	                     "(?, ?, ?, ?) RETURNING id",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	db_bind_int(st, 2, a->contact_id);
	db_bind_text(st, 3, a->text);
	db_bind_int(st, 4, time_now_ms());
	if ((rc = db_step(st, &row, e)))
		return rc;
	a->id = db_col_int(st, 0);
	return outbox_add(c, a->company_id, a->contact_id, OUTBOX_NOTE, a->id, e);
}

int contact_add_note(struct db *db, int64_t company_id, int64_t contact_id, const char *text,
                     int64_t *note_id, struct err *e)
{
	struct note_arg a = {company_id, contact_id, text, 0};
	int rc = db_tx(db, DB_WRITE, note_tx, &a, e);
	if (!rc)
		*note_id = a.id;
	return rc;
}
