/*
 * link.c - a company's onOffice link and the master key check (see link.h).
 *
 * Decisions:
 *  - Token and secret are both sealed, each with its own AAD naming company and
 *    column, so the database file holds neither (the system tests grep it for both).
 *    The web id, state and reasons are plain; the apiClaim is sealed as well (AAD
 *    column "onoffice_claim"): it authorises calls for that customer.
 *  - The key check is meta row "master_key_check": a known text sealed under the key
 *    with AAD "meta:master_key_check". link_set verifies it (or stores it) in the
 *    same transaction that seals, so no secret is ever sealed under a key that is
 *    not the database's key.
 *  - Values are printable ASCII without spaces: web id 1-63, token 1-127 (the sizes
 *    of struct link_creds), secret 1-1024, claim 1-1024 characters.
 *  - One onOffice customer belongs to one company (unique web id). A company may move
 *    to another web id only while nothing from onOffice is stored for it (no contact
 *    with an address id, no import state): address ids and cursors belong to one
 *    customer. Re-linking with the same web id keeps the claim; another drops it.
 *    Re-linking clears a revoked state and a wanted claim: the next call tells anew.
 */
#include "store/link.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"
#include "core/utf8.h"

#define KEYCHECK_NAME "master_key_check"
#define KEYCHECK_AAD  "meta:master_key_check"
#define KEYCHECK_TEXT "immosync master key check"
#define WRONG_KEY_MSG "the master key does not match this database"

#define WEB_ID_MAX 63
#define TOKEN_MAX  127
#define SECRET_MAX 1024
#define CLAIM_MAX  1024

/* ---- helpers ---- */

/* True when s is 1..max characters of printable ASCII without spaces. */
static bool plain_value(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > max)
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

static void aad_for(char *out, size_t cap, int64_t company_id, const char *column)
{
	snprintf(out, cap, "company:%lld:%s", (long long)company_id, column);
}

static int seal_column(const struct crypto_key *key, int64_t company_id, const char *column,
                       const char *pt, char **out)
{
	char aad[80];
	aad_for(aad, sizeof(aad), company_id, column);
	return crypto_seal_b64(key, aad, strlen(aad), pt, strlen(pt), out);
}

/* Opens a sealed column into a malloc'd string (*out); ERR_AUTH_TAG when it does not open. */
static int open_column(const struct crypto_key *keys, size_t nkeys, int64_t company_id,
                       const char *column, const char *sealed, char **out)
{
	char aad[80];
	unsigned char *pt = NULL;
	size_t n = 0;
	aad_for(aad, sizeof(aad), company_id, column);
	int rc = crypto_open_b64(keys, nkeys, aad, strlen(aad), sealed, &pt, &n);
	if (rc == 0 && strlen((char *)pt) != n) { /* an embedded NUL: not what we sealed */
		crypto_cleanse(pt, n);
		free(pt);
		pt = NULL;
		rc = ERR_AUTH_TAG;
	}
	*out = (char *)pt;
	return rc;
}

static void wipe_free(char *s)
{
	if (s) {
		crypto_cleanse(s, strlen(s));
		free(s);
	}
}

static int company_exists(struct db_conn *c, int64_t company_id, struct err *e)
{
	int64_t one;
	int rc = db_query_int(c, "SELECT 1 FROM companies WHERE id = ?", &company_id, 1, &one, e);
	if (rc == ERR_NOT_FOUND)
		return err_set(e, ERR_NOT_FOUND, "company", "no company %lld",
		               (long long)company_id);
	return rc;
}

/* ---- the key check ---- */

/*
 * Verifies key against the stored check, or stores sealed_check (a fresh sealing of
 * KEYCHECK_TEXT under key) when there is none. Runs inside a write transaction.
 */
static int keycheck_tx(struct db_conn *c, const struct crypto_key *key, const char *sealed_check,
                       struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "SELECT value FROM meta WHERE key = ?", &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, KEYCHECK_NAME);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (row) {
		char *stored = db_col_strdup(st, 0);
		if (!stored)
			return err_set(e, ERR_NOMEM, NULL, NULL);
		unsigned char *pt = NULL;
		size_t n = 0;
		rc = crypto_open_b64(key, 1, KEYCHECK_AAD, strlen(KEYCHECK_AAD), stored, &pt, &n);
		free(stored);
		bool same =
		    rc == 0 && n == strlen(KEYCHECK_TEXT) && memcmp(pt, KEYCHECK_TEXT, n) == 0;
		free(pt);
		if (rc && rc != ERR_AUTH_TAG)
			return err_set(e, rc, NULL, "cannot verify the master key: %s",
			               err_default_message(rc));
		return same ? 0 : err_set(e, ERR_AUTH_TAG, NULL, WRONG_KEY_MSG);
	}
	if ((rc = db_prepare(c, "INSERT INTO meta (key, value) VALUES (?, ?)", &st, e)))
		return rc;
	db_bind_text(st, 1, KEYCHECK_NAME);
	db_bind_text(st, 2, sealed_check);
	return db_step(st, &row, e);
}

static int seal_keycheck(const struct crypto_key *key, char **out, struct err *e)
{
	int rc = crypto_seal_b64(key, KEYCHECK_AAD, strlen(KEYCHECK_AAD), KEYCHECK_TEXT,
	                         strlen(KEYCHECK_TEXT), out);
	return rc ? err_set(e, rc, NULL, "cannot seal the key check: %s", err_default_message(rc))
	          : 0;
}

struct keycheck_arg {
	const struct crypto_key *key;
	const char *sealed;
};

static int masterkey_check_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct keycheck_arg *a = arg;
	return keycheck_tx(c, a->key, a->sealed, e);
}

int masterkey_check(struct db *db, const struct crypto_key *key, struct err *e)
{
	if (!key)
		return err_set(e, ERR_INVALID_ARG, NULL, "no master key");
	char *sealed = NULL;
	int rc = seal_keycheck(key, &sealed, e);
	if (rc)
		return rc;
	struct keycheck_arg a = {key, sealed};
	rc = db_tx(db, DB_WRITE, masterkey_check_tx, &a, e);
	free(sealed);
	return rc;
}

static int needed_tx(struct db_conn *c, void *arg, struct err *e)
{
	bool *needed = arg;
	int64_t n = 0;
	int rc = db_query_int(c,
	                      "SELECT (SELECT count(*) FROM meta WHERE key = '" KEYCHECK_NAME "')"
	                      " + (SELECT count(*) FROM onoffice_links)",
	                      NULL, 0, &n, e);
	*needed = n > 0;
	return rc;
}

int masterkey_needed(struct db *db, bool *needed, struct err *e)
{
	*needed = false;
	return db_tx(db, DB_READ, needed_tx, needed, e);
}

/* ---- link_set ---- */

struct set_arg {
	const struct crypto_key *key;
	int64_t company_id;
	const char *web_id;
	const char *token_sealed, *secret_sealed, *keycheck_sealed;
	int64_t now;
};

/* ERR_CONFLICT unless the company may change its web id (nothing from onOffice stored). */
static int web_id_change_allowed(struct db_conn *c, const struct set_arg *a, const char *old,
                                 struct err *e)
{
	int64_t n = 0;
	int rc = db_query_int(c,
	                      "SELECT (SELECT count(*) FROM contacts WHERE company_id = ? AND "
	                      "onoffice_address_id IS NOT NULL) + (SELECT count(*) FROM "
	                      "import_state WHERE company_id = ?)",
	                      (const int64_t[]){a->company_id, a->company_id}, 2, &n, e);
	if (rc)
		return rc;
	if (n > 0)
		return err_set(e, ERR_CONFLICT, "customer_web_id",
		               "company %lld holds data of onOffice customer %s; another customer "
		               "needs another company",
		               (long long)a->company_id, old);
	return 0;
}

/* ERR_CONFLICT when the web id belongs to another company; *old gets this company's web id. */
static int check_web_id(struct db_conn *c, const struct set_arg *a, char *old, size_t cap,
                        struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "SELECT company_id FROM onoffice_links WHERE customer_web_id = ? AND "
	                    "company_id <> ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->web_id);
	db_bind_int(st, 2, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (row)
		return err_set(e, ERR_CONFLICT, "customer_web_id",
		               "onOffice customer %s is already linked to company %lld", a->web_id,
		               (long long)db_col_int(st, 0));
	if ((rc = db_prepare(c, "SELECT customer_web_id FROM onoffice_links WHERE company_id = ?",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	old[0] = '\0';
	return row ? db_col_text(st, 0, old, cap) : 0;
}

static int set_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct set_arg *a = arg;
	struct db_stmt *st;
	bool row;
	char old[WEB_ID_MAX + 1];
	int rc = company_exists(c, a->company_id, e);
	if (rc || (rc = keycheck_tx(c, a->key, a->keycheck_sealed, e)) ||
	    (rc = check_web_id(c, a, old, sizeof(old), e)))
		return rc;
	if (old[0] && strcmp(old, a->web_id) != 0 && (rc = web_id_change_allowed(c, a, old, e)))
		return rc;
	rc = db_prepare(
	    c,
	    "INSERT INTO onoffice_links (company_id, customer_web_id, token_sealed, secret_sealed, "
	    "state, created_at, updated_at) VALUES (?, ?, ?, ?, 'active', ?, ?) "
	    "ON CONFLICT (company_id) DO UPDATE SET "
	    "claim_sealed = CASE WHEN onoffice_links.customer_web_id = excluded.customer_web_id "
	    "THEN onoffice_links.claim_sealed END, customer_web_id = excluded.customer_web_id, "
	    "token_sealed = excluded.token_sealed, secret_sealed = excluded.secret_sealed, "
	    "state = 'active', revoked_reason = NULL, claim_wanted = NULL, "
	    "claim_gen = onoffice_links.claim_gen + 1, updated_at = excluded.updated_at",
	    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	db_bind_text(st, 2, a->web_id);
	db_bind_text(st, 3, a->token_sealed);
	db_bind_text(st, 4, a->secret_sealed);
	db_bind_int(st, 5, a->now);
	db_bind_int(st, 6, a->now);
	if ((rc = db_step(st, &row, e)))
		return rc == ERR_DB_CONSTRAINT
		           ? err_set(e, ERR_CONFLICT, "customer_web_id",
		                     "onOffice customer %s is already linked", a->web_id)
		           : rc;
	if ((rc = db_prepare(c,
	                     "UPDATE companies SET sync_state = 'linked' WHERE id = ? AND "
	                     "sync_state = 'not_linked'",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	return db_step(st, &row, e);
}

int link_set(struct db *db, const struct crypto_key *key, int64_t company_id,
             const char *customer_web_id, const char *token, const char *secret, struct err *e)
{
	if (!key)
		return err_set(e, ERR_INVALID_ARG, NULL, "no master key");
	if (!plain_value(customer_web_id, WEB_ID_MAX))
		return err_set(e, ERR_INVALID_FIELD, "customer_web_id",
		               "the customer web id must be 1 to %d printable ASCII characters",
		               WEB_ID_MAX);
	if (!plain_value(token, TOKEN_MAX))
		return err_set(e, ERR_INVALID_FIELD, "token",
		               "the token must be 1 to %d printable ASCII characters", TOKEN_MAX);
	if (!plain_value(secret, SECRET_MAX))
		return err_set(e, ERR_INVALID_FIELD, "secret",
		               "the secret must be 1 to %d printable ASCII characters", SECRET_MAX);

	struct set_arg a = {key, company_id, customer_web_id, NULL, NULL, NULL, time_now_ms()};
	char *tok = NULL, *sec = NULL, *check = NULL;
	int rc = seal_keycheck(key, &check, e);
	if (rc)
		goto out;
	if ((rc = seal_column(key, company_id, "onoffice_token", token, &tok)) ||
	    (rc = seal_column(key, company_id, "onoffice_secret", secret, &sec))) {
		err_set(e, rc, NULL, "cannot seal the credentials: %s", err_default_message(rc));
		goto out;
	}
	a.token_sealed = tok;
	a.secret_sealed = sec;
	a.keycheck_sealed = check;
	rc = db_tx(db, DB_WRITE, set_tx, &a, e);
out:
	free(tok);
	free(sec);
	free(check);
	return rc;
}

/* ---- link_get ---- */

struct get_arg {
	int64_t company_id;
	struct link_creds *out;
	char *token_sealed, *secret_sealed, *claim_sealed;
};

static int get_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct get_arg *a = arg;
	struct link_creds *o = a->out;
	struct db_stmt *st;
	bool row;
	free(a->token_sealed);
	free(a->secret_sealed);
	free(a->claim_sealed);
	a->token_sealed = a->secret_sealed = a->claim_sealed = NULL;
	int rc = db_prepare(c,
	                    "SELECT customer_web_id, token_sealed, secret_sealed, claim_sealed, "
	                    "state, revoked_reason, claim_wanted, claim_gen FROM onoffice_links "
	                    "WHERE company_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row) {
		if ((rc = company_exists(c, a->company_id, e)))
			return rc;
		return err_set(e, ERR_NOT_LINKED, NULL, "company %lld is not linked to onOffice",
		               (long long)a->company_id);
	}
	a->token_sealed = db_col_strdup(st, 1);
	a->secret_sealed = db_col_strdup(st, 2);
	if (!db_col_null(st, 3) && !(a->claim_sealed = db_col_strdup(st, 3)))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if (!a->token_sealed || !a->secret_sealed)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if ((rc = db_col_text(st, 0, o->customer_web_id, sizeof(o->customer_web_id))) ||
	    (rc = db_col_text(st, 4, o->state, sizeof(o->state))))
		return err_set(e, rc, NULL, "the stored link of company %lld is malformed",
		               (long long)a->company_id);
	/* Reasons are cut to fit when stored (link_mark_revoked). */
	db_col_text(st, 5, o->revoked_reason, sizeof(o->revoked_reason));
	db_col_text(st, 6, o->claim_wanted, sizeof(o->claim_wanted));
	o->claim_gen = db_col_int(st, 7);
	return 0;
}

int link_get(struct db *db, const struct crypto_key *keys, size_t nkeys, int64_t company_id,
             struct link_creds *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	out->company_id = company_id;
	struct get_arg a = {company_id, out, NULL, NULL, NULL};
	char *token = NULL;
	int rc = db_tx(db, DB_READ, get_tx, &a, e);
	if (rc)
		goto out;
	if (!keys || nkeys == 0) {
		rc = err_set(e, ERR_INVALID_ARG, NULL, "no master key");
		goto out;
	}
	if ((rc = open_column(keys, nkeys, company_id, "onoffice_token", a.token_sealed, &token)) ||
	    (rc = open_column(keys, nkeys, company_id, "onoffice_secret", a.secret_sealed,
	                      &out->secret)) ||
	    (a.claim_sealed && (rc = open_column(keys, nkeys, company_id, "onoffice_claim",
	                                         a.claim_sealed, &out->claim)))) {
		err_set(e, rc, NULL,
		        rc == ERR_AUTH_TAG ? "the credentials of company %lld do not open: wrong "
		                             "master key or tampered data"
		                           : "cannot open the credentials of company %lld",
		        (long long)company_id);
		goto out;
	}
	if (strlen(token) >= sizeof(out->token)) {
		rc = err_set(e, ERR_INTERNAL, NULL, "the stored token of company %lld is too long",
		             (long long)company_id);
		goto out;
	}
	memcpy(out->token, token, strlen(token) + 1);
out:
	wipe_free(token);
	free(a.token_sealed);
	free(a.secret_sealed);
	free(a.claim_sealed);
	if (rc)
		link_creds_release(out);
	return rc;
}

void link_creds_release(struct link_creds *c)
{
	if (!c)
		return;
	wipe_free(c->secret);
	wipe_free(c->claim);
	crypto_cleanse(c->token, sizeof(c->token));
	c->secret = c->claim = NULL;
}

/* ---- state and claim ---- */

struct update_arg {
	int64_t company_id;
	const char *sql;
	const char *text; /* bound first (NULL binds SQL NULL) */
	int64_t now;
};

static int update_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct update_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, a->sql, &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->text);
	db_bind_int(st, 2, a->now);
	db_bind_int(st, 3, a->company_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (db_changes(c) > 0)
		return 0;
	if ((rc = company_exists(c, a->company_id, e)))
		return rc;
	return err_set(e, ERR_NOT_LINKED, NULL, "company %lld is not linked to onOffice",
	               (long long)a->company_id);
}

/* reason cut to fit struct link_creds' text fields on a UTF-8 boundary; -1 if not UTF-8. */
static int cut_reason(const char *reason, char *cut, size_t cap)
{
	size_t n = reason ? strlen(reason) : 0;
	if (n && !utf8_valid(reason, n))
		return -1;
	n = utf8_cut(reason ? reason : "", n < cap ? n : cap - 1);
	memcpy(cut, reason ? reason : "", n);
	cut[n] = '\0';
	return 0;
}

int link_mark_revoked(struct db *db, int64_t company_id, const char *reason, struct err *e)
{
	char cut[sizeof(((struct link_creds *)0)->revoked_reason)];
	if (cut_reason(reason, cut, sizeof(cut)))
		return err_set(e, ERR_INVALID_FIELD, "reason", "the reason is not valid UTF-8");
	struct update_arg a = {company_id,
	                       "UPDATE onoffice_links SET state = 'revoked', revoked_reason = ?, "
	                       "updated_at = ? WHERE company_id = ?",
	                       cut, time_now_ms()};
	return db_tx(db, DB_WRITE, update_tx, &a, e);
}

struct claim_arg {
	int64_t company_id, gen, now;
	const char *text; /* the sealed claim, or the reason */
};

static int mark_wanted_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct claim_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "UPDATE onoffice_links SET claim_wanted = ?, updated_at = ? WHERE "
	                    "company_id = ? AND claim_gen = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->text);
	db_bind_int(st, 2, a->now);
	db_bind_int(st, 3, a->company_id);
	db_bind_int(st, 4, a->gen);
	if ((rc = db_step(st, &row, e)) || db_changes(c) > 0)
		return rc;
	/* Nothing changed: a newer claim or link (fine), or no link at all. */
	int64_t one;
	rc = db_query_int(c, "SELECT 1 FROM onoffice_links WHERE company_id = ?", &a->company_id, 1,
	                  &one, e);
	if (rc != ERR_NOT_FOUND)
		return rc;
	if ((rc = company_exists(c, a->company_id, e)))
		return rc;
	return err_set(e, ERR_NOT_LINKED, NULL, "company %lld is not linked to onOffice",
	               (long long)a->company_id);
}

int link_mark_claim_wanted(struct db *db, int64_t company_id, int64_t claim_gen, const char *reason,
                           struct err *e)
{
	char cut[sizeof(((struct link_creds *)0)->claim_wanted)];
	if (cut_reason(reason && *reason ? reason : "onOffice wants a current claim", cut,
	               sizeof(cut)))
		return err_set(e, ERR_INVALID_FIELD, "reason", "the reason is not valid UTF-8");
	struct claim_arg a = {company_id, claim_gen, time_now_ms(), cut};
	return db_tx(db, DB_WRITE, mark_wanted_tx, &a, e);
}

static int set_claim_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct claim_arg *a = arg;
	struct update_arg u = {a->company_id,
	                       "UPDATE onoffice_links SET claim_sealed = ?, claim_wanted = NULL, "
	                       "claim_gen = claim_gen + 1, updated_at = ? WHERE company_id = ?",
	                       a->text, a->now};
	int rc = update_tx(c, &u, e);
	if (rc)
		return rc;
	/* A pause may have pushed the next run out (backoff): due now, failures forgotten. */
	struct db_stmt *st;
	bool row;
	if ((rc = db_prepare(c,
	                     "UPDATE import_state SET next_run_at = NULL, failures = 0 WHERE "
	                     "company_id = ?",
	                     &st, e)))
		return rc;
	db_bind_int(st, 1, a->company_id);
	return db_step(st, &row, e);
}

int link_set_claim(struct db *db, const struct crypto_key *key, int64_t company_id,
                   const char *claim, struct err *e)
{
	if (!key)
		return err_set(e, ERR_INVALID_ARG, NULL, "no master key");
	if (!plain_value(claim, CLAIM_MAX))
		return err_set(e, ERR_INVALID_FIELD, "claim",
		               "the claim must be 1 to %d printable ASCII characters", CLAIM_MAX);
	char *sealed = NULL;
	int rc = seal_column(key, company_id, "onoffice_claim", claim, &sealed);
	if (rc)
		return err_set(e, rc, NULL, "cannot seal the claim: %s", err_default_message(rc));
	struct claim_arg a = {company_id, 0, time_now_ms(), sealed};
	rc = db_tx(db, DB_WRITE, set_claim_tx, &a, e);
	free(sealed);
	return rc;
}

struct of_arg {
	const char *web_id;
	int64_t company_id;
};

static int of_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct of_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "SELECT company_id FROM onoffice_links WHERE customer_web_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->web_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, "customer_web_id",
		               "no company is linked to this onOffice customer");
	a->company_id = db_col_int(st, 0);
	return 0;
}

int link_company_of(struct db *db, const char *customer_web_id, int64_t *company_id, struct err *e)
{
	struct of_arg a = {customer_web_id, 0};
	*company_id = 0;
	if (!plain_value(customer_web_id, WEB_ID_MAX))
		return err_set(e, ERR_NOT_FOUND, "customer_web_id",
		               "no company is linked to this onOffice customer");
	int rc = db_tx(db, DB_READ, of_tx, &a, e);
	if (!rc)
		*company_id = a.company_id;
	return rc;
}
