/* Parameter caches, claims and the unlock (claim.h). */
#include "claim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/time.h"

/* A fresh claim: standard Base64 of 36 random bytes (48 characters, '+' and '/' included,
 * as onOffice's claims look). */
static int random_claim(char *out)
{
	unsigned char raw[36];
	int rc = crypto_random(raw, sizeof(raw));
	if (!rc)
		rc = crypto_base64_encode(raw, sizeof(raw), out, EMU_CLAIM_LEN + 1, NULL);
	crypto_cleanse(raw, sizeof(raw));
	return rc;
}

/* A random UUID (version 4, RFC 9562), lowercase. */
static int random_uuid(char *out)
{
	unsigned char r[16];
	char hex[33];
	if (crypto_random(r, sizeof(r)))
		return ERR_CRYPTO;
	r[6] = (unsigned char)((r[6] & 0x0F) | 0x40);
	r[8] = (unsigned char)((r[8] & 0x3F) | 0x80);
	crypto_hex_encode(r, sizeof(r), hex);
	snprintf(out, EMU_UUID_LEN + 1, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12,
	         hex + 16, hex + 20);
	return 0;
}

struct issue {
	int64_t customer_id;
	const char *user_id; /* NULL: a service claim */
	int64_t now_ms;
	char *cache_id, *claim;
};

static int insert_claim(struct db_conn *c, const struct issue *is, const char *kind, struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(
	    c, "INSERT INTO claims(claim, customer_id, kind, created_ms) VALUES (?, ?, ?, ?)", &st,
	    e);
	if (rc)
		return rc;
	db_bind_text(st, 1, is->claim);
	db_bind_int(st, 2, is->customer_id);
	db_bind_text(st, 3, kind);
	db_bind_int(st, 4, is->now_ms);
	return db_step(st, &row, e);
}

static int issue_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct issue *is = arg;
	struct db_stmt *st;
	bool row;
	int rc;
	if (random_claim(is->claim) || (is->user_id && random_uuid(is->cache_id)))
		return err_set(e, ERR_CRYPTO, NULL, "no randomness");
	if (!is->user_id)
		return insert_claim(c, is, "service", e);
	if ((rc = insert_claim(c, is, "activation", e)))
		return rc;
	if ((rc = db_prepare(c,
	                     "INSERT INTO parameter_caches(cache_id, customer_id, claim, user_id, "
	                     "created_ms) VALUES (?, ?, ?, ?, ?)",
	                     &st, e)))
		return rc;
	db_bind_text(st, 1, is->cache_id);
	db_bind_int(st, 2, is->customer_id);
	db_bind_text(st, 3, is->claim);
	db_bind_text(st, 4, is->user_id);
	db_bind_int(st, 5, is->now_ms);
	return db_step(st, &row, e);
}

int emu_claim_new_activation(struct db *db, int64_t customer_id, const char *user_id,
                             int64_t now_ms, char *cache_id, char *claim, struct err *e)
{
	struct issue is = {customer_id, user_id, now_ms, cache_id, claim};
	return db_tx(db, DB_WRITE, issue_tx, &is, e);
}

int emu_claim_new_service(struct db *db, int64_t customer_id, int64_t now_ms, char *claim,
                          struct err *e)
{
	struct issue is = {customer_id, NULL, now_ms, NULL, claim};
	return db_tx(db, DB_WRITE, issue_tx, &is, e);
}

struct check {
	int64_t customer_id;
	const char *claim;
	enum emu_claim_state state;
};

static int check_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct check *ck = arg;
	struct db_stmt *st;
	bool row;
	ck->state = EMU_CLAIM_NO_MATCH;
	int rc = db_prepare(c,
	                    "SELECT k.id = (SELECT max(id) FROM claims WHERE customer_id = "
	                    "k.customer_id AND kind = 'service') FROM claims k WHERE k.claim = ? "
	                    "AND k.customer_id = ? AND k.kind = 'service'",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, ck->claim);
	db_bind_int(st, 2, ck->customer_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (row)
		ck->state = db_col_bool(st, 0) ? EMU_CLAIM_CURRENT : EMU_CLAIM_OUTDATED;
	return 0;
}

int emu_claim_check(struct db *db, int64_t customer_id, const char *claim,
                    enum emu_claim_state *out, struct err *e)
{
	struct check ck = {customer_id, claim, EMU_CLAIM_NO_MATCH};
	int rc = db_tx(db, DB_READ, check_tx, &ck, e);
	*out = ck.state;
	return rc;
}

struct unlock {
	int64_t customer_id;
	const char *cache_id, *claim;
	int64_t now_ms;
	enum emu_unlock_result result;
};

static int unlock_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct unlock *u = arg;
	struct db_stmt *st;
	bool row;
	char claim[EMU_CLAIM_LEN + 8];
	u->result = EMU_UNLOCK_NO_CACHE;
	int rc = db_prepare(c,
	                    "SELECT claim, used_ms IS NOT NULL FROM parameter_caches WHERE "
	                    "cache_id = ? AND customer_id = ?",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, u->cache_id);
	db_bind_int(st, 2, u->customer_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return 0;
	if (db_col_bool(st, 1)) {
		u->result = EMU_UNLOCK_USED;
		return 0;
	}
	if (db_col_text(st, 0, claim, sizeof(claim)))
		return err_set(e, ERR_INTERNAL, NULL, "a stored claim is too long");
	if (!u->claim || !*u->claim) {
		u->result = EMU_UNLOCK_NO_CLAIM;
		return 0;
	}
	if (!crypto_streq(claim, u->claim)) {
		u->result = EMU_UNLOCK_WRONG_CLAIM;
		return 0;
	}
	if ((rc = db_prepare(c, "UPDATE parameter_caches SET used_ms = ? WHERE cache_id = ?", &st,
	                     e)))
		return rc;
	db_bind_int(st, 1, u->now_ms);
	db_bind_text(st, 2, u->cache_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if ((rc =
	         db_prepare(c,
	                    "UPDATE customers SET unlocked_ms = ?, unlock_count = unlock_count + 1 "
	                    "WHERE id = ?",
	                    &st, e)))
		return rc;
	db_bind_int(st, 1, u->now_ms);
	db_bind_int(st, 2, u->customer_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	u->result = EMU_UNLOCK_OK;
	return 0;
}

int emu_claim_unlock(struct db *db, int64_t customer_id, const char *cache_id, const char *claim,
                     int64_t now_ms, enum emu_unlock_result *out, struct err *e)
{
	struct unlock u = {customer_id, cache_id, claim, now_ms, EMU_UNLOCK_NO_CACHE};
	int rc = db_tx(db, DB_WRITE, unlock_tx, &u, e);
	*out = u.result;
	return rc;
}

struct status {
	int64_t customer_id;
	json_t *out;
};

static int status_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct status *s = arg;
	struct db_stmt *st;
	bool row;
	json_decref(s->out);
	s->out = NULL;
	int rc;
	if ((rc =
	         db_prepare(c,
	                    "SELECT c.unlocked_ms, c.unlock_count, (SELECT claim FROM claims WHERE "
	                    "customer_id = c.id AND kind = 'service' ORDER BY id DESC LIMIT 1), "
	                    "(SELECT count(*) FROM parameter_caches WHERE customer_id = c.id AND "
	                    "used_ms IS NULL) FROM customers c WHERE c.id = ?",
	                    &st, e)))
		return rc;
	db_bind_int(st, 1, s->customer_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such customer");
	char at[TIME_ONOFFICE_MAX] = "";
	bool unlocked = !db_col_null(st, 0);
	if (unlocked)
		time_format_onoffice(db_col_int(st, 0), at, sizeof(at));
	char *claim = db_col_null(st, 2) ? NULL : db_col_strdup(st, 2);
	s->out = json_pack("{s:b, s:o, s:I, s:o, s:I}", "unlocked", unlocked, "unlocked_at",
	                   unlocked ? json_string(at) : json_null(), "unlock_count",
	                   (json_int_t)db_col_int(st, 1), "service_claim",
	                   claim ? json_string(claim) : json_null(), "open_activations",
	                   (json_int_t)db_col_int(st, 3));
	free(claim);
	return s->out ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}

int emu_claim_status(struct db *db, int64_t customer_id, json_t **out, struct err *e)
{
	struct status s = {customer_id, NULL};
	int rc = db_tx(db, DB_READ, status_tx, &s, e);
	*out = rc ? NULL : s.out;
	if (rc)
		json_decref(s.out);
	return rc;
}
