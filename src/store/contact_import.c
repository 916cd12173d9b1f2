/*
 * contact_import.c - contacts written by the onOffice import: keyed by the onOffice
 * address id, no outbox rows (R-I7), no row written when nothing changed, consent
 * sticky (R-I6), tombstones respected (R-T3). The rules are in store/import.h.
 */
#include <stdlib.h>
#include <string.h>

#include "domain/email.h"
#include "store/contact_int.h"
#include "store/import.h"

/* The text columns the import owns, in the order of the SELECT and UPDATE below. */
#define NTEXT 8

static void text_values(const struct import_contact *k, const char *v[NTEXT])
{
	const char *src[NTEXT] = {k->salutation, k->first_name, k->last_name, k->street,
	                          k->zip,        k->city,       k->country,   k->contact_types};
	for (size_t i = 0; i < NTEXT; i++)
		v[i] = src[i] && *src[i] ? src[i] : NULL;
	if (!v[7])
		v[7] = "[]";
}

struct existing {
	bool found, erased, consent, blocked, archived;
	int64_t id;
	bool same_text; /* every text column equals the new value */
};

static int find_existing(struct db_conn *c, int64_t company_id, int64_t address_id,
                         const char *const *want, struct existing *x, struct err *e)
{
	struct db_stmt *st;
	bool row;
	memset(x, 0, sizeof(*x));
	int rc = db_prepare(c,
	                    "SELECT id, erased_at IS NOT NULL, gdpr_consent, blocked, archived, "
	                    "salutation, first_name, last_name, street, zip, city, country, "
	                    "contact_types FROM contacts WHERE company_id = ? AND "
	                    "onoffice_address_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_int(st, 2, address_id);
	if ((rc = db_step(st, &row, e)) || !row)
		return rc;
	x->found = true;
	x->id = db_col_int(st, 0);
	x->erased = db_col_bool(st, 1);
	x->consent = db_col_bool(st, 2);
	x->blocked = db_col_bool(st, 3);
	x->archived = db_col_bool(st, 4);
	x->same_text = true;
	for (size_t i = 0; want && i < NTEXT && x->same_text; i++) {
		char *have = db_col_strdup(st, (int)(5 + i));
		if (!have && !db_col_null(st, (int)(5 + i)))
			return err_set(e, ERR_NOMEM, NULL, NULL);
		const char *h = have && *have ? have : NULL;
		if (i == 7 && !h)
			h = "[]";
		x->same_text = (!h && !want[i]) || (h && want[i] && strcmp(h, want[i]) == 0);
		free(have);
	}
	return ERR_OK;
}

/* Adds the e-mails (not as lead keys) and makes emails[0] the primary one. */
static int sync_emails(struct db_conn *c, int64_t company_id, int64_t contact_id,
                       const struct import_contact *k, bool fresh, bool *changed, struct err *e)
{
	char norm[EMAIL_KEY_MAX], primary[EMAIL_KEY_MAX] = "";
	struct db_stmt *st;
	bool row;
	int rc;
	for (size_t i = 0; i < k->nemails; i++) {
		const char *m = k->emails[i];
		if (!m || !*m || !email_norm(m, strlen(m), norm, sizeof(norm)))
			continue; /* too long to be a key: not kept */
		if (!primary[0])
			memcpy(primary, norm, strlen(norm) + 1);
		if ((rc = db_prepare(c,
		                     "INSERT INTO contact_emails (company_id, contact_id, email, "
		                     "email_norm, is_primary) VALUES (?, ?, ?, ?, ?) ON CONFLICT "
		                     "(contact_id, email_norm) DO NOTHING",
		                     &st, e)))
			return rc;
		db_bind_int(st, 1, company_id);
		db_bind_int(st, 2, contact_id);
		db_bind_text(st, 3, m);
		db_bind_text(st, 4, norm);
		db_bind_int(st, 5, fresh && strcmp(norm, primary) == 0);
		if ((rc = db_step(st, &row, e)))
			return rc;
		if (db_changes(c) > 0)
			*changed = true;
	}
	if (fresh || !primary[0])
		return ERR_OK;
	/* The primary is right when exactly that e-mail is marked. */
	if ((rc = db_prepare(c,
	                     "SELECT coalesce(sum(is_primary), 0), coalesce(sum(CASE WHEN "
	                     "email_norm = ? THEN is_primary ELSE 0 END), 0) FROM contact_emails "
	                     "WHERE contact_id = ?",
	                     &st, e)))
		return rc;
	db_bind_text(st, 1, primary);
	db_bind_int(st, 2, contact_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (row && db_col_int(st, 0) == 1 && db_col_int(st, 1) == 1)
		return ERR_OK;
	if ((rc = db_prepare(c,
	                     "UPDATE contact_emails SET is_primary = CASE WHEN email_norm = ? THEN "
	                     "1 ELSE 0 END WHERE contact_id = ?",
	                     &st, e)))
		return rc;
	db_bind_text(st, 1, primary);
	db_bind_int(st, 2, contact_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	*changed = true;
	return ERR_OK;
}

static int sync_phones(struct db_conn *c, int64_t company_id, int64_t contact_id,
                       const struct import_contact *k, bool *changed, struct err *e)
{
	for (size_t i = 0; i < k->nphones; i++) {
		bool added = false;
		if (!k->phones[i].raw || !*k->phones[i].raw)
			continue;
		int rc = contact_add_phone(c, company_id, contact_id, k->phones[i].raw,
		                           k->phones[i].e164, &added, e);
		if (rc)
			return rc;
		*changed = *changed || added;
	}
	return ERR_OK;
}

static int touch(struct db_conn *c, int64_t id, int64_t now, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "UPDATE contacts SET updated_at = ? WHERE id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, id);
	return db_step(st, &row, e);
}

static int insert_contact(struct db_conn *c, int64_t company_id, const struct import_contact *k,
                          const char *const *v, int64_t now, int64_t *id, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(
	    c,
	    "INSERT INTO contacts (company_id, origin, onoffice_address_id, salutation, "
	    "first_name, last_name, street, zip, city, country, contact_types, archived, "
	    "gdpr_consent, blocked, status, created_at, updated_at) VALUES (?, 'onoffice', ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, 1, 0, 'new', ?, ?) RETURNING id",
	    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_int(st, 2, k->address_id);
	for (int i = 0; i < NTEXT; i++)
		db_bind_text(st, 3 + i, v[i]);
	db_bind_int(st, 11, k->archived);
	db_bind_int(st, 12, now);
	db_bind_int(st, 13, now);
	if ((rc = db_step(st, &row, e)))
		return rc;
	*id = db_col_int(st, 0);
	return ERR_OK;
}

/* Sets every imported field, consent, unblocks, and revives a tombstone. */
static int update_contact(struct db_conn *c, int64_t id, const struct import_contact *k,
                          const char *const *v, int64_t now, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "UPDATE contacts SET salutation = ?, first_name = ?, last_name = ?, "
	                    "street = ?, zip = ?, city = ?, country = ?, contact_types = ?, "
	                    "archived = ?, gdpr_consent = 1, blocked = 0, status = CASE WHEN "
	                    "erased_at IS NULL THEN status ELSE 'new' END, erased_at = NULL, "
	                    "updated_at = ? WHERE id = ?",
	                    &st, e);
	if (rc)
		return rc;
	for (int i = 0; i < NTEXT; i++)
		db_bind_text(st, 1 + i, v[i]);
	db_bind_int(st, 9, k->archived);
	db_bind_int(st, 10, now);
	db_bind_int(st, 11, id);
	return db_step(st, &row, e);
}

int import_upsert_contact(struct db_conn *c, int64_t company_id, const struct import_contact *k,
                          int64_t now, struct import_stats *stats, struct err *e)
{
	if (!k->consent) /* R-I4: never imported without consent; a known one is blocked */
		return import_apply_consent(c, company_id, k->address_id, false, now, stats, e);
	const char *v[NTEXT];
	struct existing x;
	bool changed = false;
	text_values(k, v);
	int rc = find_existing(c, company_id, k->address_id, v, &x, e);
	if (rc)
		return rc;
	int64_t id = x.id;
	if (!x.found) {
		if ((rc = insert_contact(c, company_id, k, v, now, &id, e)) ||
		    (rc = sync_emails(c, company_id, id, k, true, &changed, e)) ||
		    (rc = sync_phones(c, company_id, id, k, &changed, e)))
			return rc;
		stats->created++;
		return ERR_OK;
	}
	bool fields =
	    x.erased || !x.same_text || !x.consent || x.blocked || x.archived != k->archived;
	if (fields && (rc = update_contact(c, id, k, v, now, e)))
		return rc;
	if ((rc = sync_emails(c, company_id, id, k, false, &changed, e)) ||
	    (rc = sync_phones(c, company_id, id, k, &changed, e)))
		return rc;
	if (changed && !fields && (rc = touch(c, id, now, e)))
		return rc;
	if (x.erased)
		stats->revived++;
	else if (x.blocked)
		stats->unblocked++;
	else if (fields || changed)
		stats->updated++;
	else
		stats->unchanged++;
	return ERR_OK;
}

int import_apply_consent(struct db_conn *c, int64_t company_id, int64_t address_id, bool consent,
                         int64_t now, struct import_stats *stats, struct err *e)
{
	struct existing x;
	struct db_stmt *st;
	bool row;
	int rc = find_existing(c, company_id, address_id, NULL, &x, e);
	if (rc || !x.found || x.erased)
		return rc; /* unknown or erased: nothing to block or unblock */
	if (consent ? x.consent && !x.blocked : !x.consent && x.blocked) {
		stats->unchanged++;
		return ERR_OK;
	}
	if ((rc = db_prepare(c,
	                     "UPDATE contacts SET gdpr_consent = ?, blocked = ?, updated_at = ? "
	                     "WHERE id = ?",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, consent);
	db_bind_int(st, 2, !consent);
	db_bind_int(st, 3, now);
	db_bind_int(st, 4, x.id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (consent)
		stats->unblocked++;
	else
		stats->blocked++;
	return ERR_OK;
}
