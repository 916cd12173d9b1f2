#include "store/company.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "core/time.h"
#include "core/utf8.h"

#define TOKEN_TAG "imk_"

const char *token_scope_name(enum token_scope s)
{
	return s == TOKEN_FULL ? "full" : "ingest";
}

bool token_scope_parse(const char *name, enum token_scope *out)
{
	if (strcmp(name, "full") == 0)
		*out = TOKEN_FULL;
	else if (strcmp(name, "ingest") == 0)
		*out = TOKEN_INGEST;
	else
		return false;
	return true;
}

/* ---- companies ---- */

struct create_arg {
	const char *name, *owner_email;
	int64_t now, id;
	/* optional first token */
	enum token_scope scope;
	const char *token_hash, *token_prefix; /* NULL: no token */
	int64_t token_id;
};

static int insert_token(struct db_conn *c, int64_t company_id, enum token_scope scope,
                        const char *hash, const char *prefix, int64_t now, int64_t *id,
                        struct err *e);

static int create_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct create_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int rc =
	    db_prepare(c,
	               "INSERT INTO companies (name, owner_email, created_at) VALUES (?, ?, ?) "
	               "RETURNING id",
	               &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->name);
	db_bind_text(st, 2, a->owner_email);
	db_bind_int(st, 3, a->now);
	if ((rc = db_step(st, &row, e)))
		return rc;
	a->id = db_col_int(st, 0);
	if ((rc = db_prepare(c, "INSERT INTO settings (company_id, updated_at) VALUES (?, ?)", &st,
	                     e)))
		return rc;
	db_bind_int(st, 1, a->id);
	db_bind_int(st, 2, a->now);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!a->token_hash)
		return ERR_OK;
	return insert_token(c, a->id, a->scope, a->token_hash, a->token_prefix, a->now,
	                    &a->token_id, e);
}

static bool fits(const char *s, size_t max_chars)
{
	size_t n = s ? strlen(s) : 0;
	return n > 0 && utf8_valid(s, n) && utf8_chars(s, n) <= max_chars;
}

int company_create(struct db *db, const char *name, const char *owner_email, int64_t *id,
                   struct err *e)
{
	if (!fits(name, COMPANY_NAME_MAX))
		return err_set(e, ERR_INVALID_FIELD, "name",
		               "the name must have 1 to %d characters", COMPANY_NAME_MAX);
	if (!fits(owner_email, 100))
		return err_set(e, ERR_INVALID_FIELD, "owner_email",
		               "the owner's e-mail must have 1 to 100 characters");
	struct create_arg a = {name, owner_email, time_now_ms(), 0, TOKEN_FULL, NULL, NULL, 0};
	int rc = db_tx(db, DB_WRITE, create_tx, &a, e);
	if (!rc)
		*id = a.id;
	return rc;
}

static int read_company(struct db_stmt *st, struct company *out)
{
	out->id = db_col_int(st, 0);
	out->name = db_col_strdup(st, 1);
	out->owner_email = db_col_strdup(st, 2);
	db_col_text(st, 3, out->sync_state, sizeof(out->sync_state));
	out->created_at = db_col_int(st, 4);
	return out->name && out->owner_email ? ERR_OK : ERR_NOMEM;
}

#define COMPANY_COLUMNS "id, name, owner_email, sync_state, created_at"

struct get_arg {
	int64_t id;
	struct company *out;
};

static int get_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct get_arg *a = arg;
	struct db_stmt *st;
	bool row;
	company_release(a->out);
	int rc = db_prepare(c, "SELECT " COMPANY_COLUMNS " FROM companies WHERE id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, "company", "no company %lld", (long long)a->id);
	return read_company(st, a->out);
}

int company_get(struct db *db, int64_t id, struct company *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	struct get_arg a = {id, out};
	int rc = db_tx(db, DB_READ, get_tx, &a, e);
	if (rc)
		company_release(out);
	return rc;
}

void company_release(struct company *c)
{
	free(c->name);
	free(c->owner_email);
	c->name = c->owner_email = NULL;
}

struct list_arg {
	struct company *items;
	size_t n, cap;
};

static void list_reset(struct list_arg *a)
{
	company_list_free(a->items, a->n);
	a->items = NULL;
	a->n = a->cap = 0;
}

static int list_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct list_arg *a = arg;
	struct db_stmt *st;
	bool row;
	list_reset(a);
	int rc = db_prepare(c, "SELECT " COMPANY_COLUMNS " FROM companies ORDER BY id", &st, e);
	while (!rc && !(rc = db_step(st, &row, e)) && row) {
		if (a->n == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 16;
			struct company *p = realloc(a->items, cap * sizeof(*p));
			if (!p)
				return err_set(e, ERR_NOMEM, NULL, NULL);
			a->items = p;
			a->cap = cap;
		}
		memset(&a->items[a->n], 0, sizeof(a->items[0]));
		rc = read_company(st, &a->items[a->n++]);
	}
	return rc;
}

int company_list(struct db *db, struct company **out, size_t *n, struct err *e)
{
	struct list_arg a = {0};
	int rc = db_tx(db, DB_READ, list_tx, &a, e);
	if (rc) {
		list_reset(&a);
		return rc;
	}
	*out = a.items;
	*n = a.n;
	return ERR_OK;
}

void company_list_free(struct company *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		company_release(&list[i]);
	free(list);
}

static int delete_tx(struct db_conn *c, void *arg, struct err *e)
{
	const int64_t *id = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "DELETE FROM companies WHERE id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, *id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (db_changes(c) == 0)
		return err_set(e, ERR_NOT_FOUND, "company", "no company %lld", (long long)*id);
	return ERR_OK;
}

int company_delete(struct db *db, int64_t id, struct err *e)
{
	return db_tx(db, DB_WRITE, delete_tx, &id, e);
}

/* ---- tokens ---- */

/* hex(SHA-256(token)) into out[65]. */
static int token_hash(const char *token, char out[65])
{
	unsigned char d[CRYPTO_SHA256_LEN];
	int rc = crypto_sha256(token, strlen(token), d);
	if (!rc)
		crypto_hex_encode(d, sizeof(d), out);
	return rc;
}

struct token_arg {
	int64_t company_id;
	enum token_scope scope;
	const char *hash;
	const char *prefix;
	int64_t now, id;
};

static int token_insert_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct token_arg *a = arg;
	int64_t exists;
	int rc = db_query_int(c, "SELECT count(*) FROM companies WHERE id = ?",
	                      (const int64_t[]){a->company_id}, 1, &exists, e);
	if (rc)
		return rc;
	if (!exists)
		return err_set(e, ERR_NOT_FOUND, "company", "no company %lld",
		               (long long)a->company_id);
	return insert_token(c, a->company_id, a->scope, a->hash, a->prefix, a->now, &a->id, e);
}

static int insert_token(struct db_conn *c, int64_t company_id, enum token_scope scope,
                        const char *hash, const char *prefix, int64_t now, int64_t *id,
                        struct err *e)
{
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c,
	                    "INSERT INTO api_tokens (company_id, token_hash, prefix, scope, "
	                    "created_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, company_id);
	db_bind_text(st, 2, hash);
	db_bind_text(st, 3, prefix);
	db_bind_text(st, 4, token_scope_name(scope));
	db_bind_int(st, 5, now);
	if ((rc = db_step(st, &row, e)))
		return rc;
	*id = db_col_int(st, 0);
	return ERR_OK;
}

/* Makes a fresh token into out (cap ≥ TOKEN_TEXT_MAX) with its hash and listing prefix. */
static int new_token(char *out, size_t cap, char hash[65], char prefix[TOKEN_PREFIX_LEN + 1],
                     struct err *e)
{
	char random[48];
	if (cap < TOKEN_TEXT_MAX)
		return err_set(e, ERR_INTERNAL, NULL, "token buffer too small");
	int rc = crypto_random_token(random, sizeof(random), 32);
	if (rc)
		return err_set(e, rc, NULL, "no randomness for a token");
	snprintf(out, cap, TOKEN_TAG "%s", random);
	crypto_cleanse(random, sizeof(random));
	snprintf(prefix, TOKEN_PREFIX_LEN + 1, "%s", out);
	if ((rc = token_hash(out, hash))) {
		crypto_cleanse(out, cap);
		out[0] = '\0';
		return err_set(e, rc, NULL, "cannot hash the token");
	}
	return ERR_OK;
}

int token_create(struct db *db, int64_t company_id, enum token_scope scope, char *out, size_t cap,
                 int64_t *token_id, struct err *e)
{
	char hash[65], prefix[TOKEN_PREFIX_LEN + 1];
	int rc = new_token(out, cap, hash, prefix, e);
	if (rc)
		return rc;
	struct token_arg a = {company_id, scope, hash, prefix, time_now_ms(), 0};
	if ((rc = db_tx(db, DB_WRITE, token_insert_tx, &a, e))) {
		crypto_cleanse(out, cap);
		out[0] = '\0';
		return rc;
	}
	*token_id = a.id;
	return ERR_OK;
}

int company_create_with_token(struct db *db, const char *name, const char *owner_email,
                              enum token_scope scope, char *token, size_t cap, int64_t *id,
                              int64_t *token_id, struct err *e)
{
	char hash[65], prefix[TOKEN_PREFIX_LEN + 1];
	if (!fits(name, COMPANY_NAME_MAX))
		return err_set(e, ERR_INVALID_FIELD, "name",
		               "the name must have 1 to %d characters", COMPANY_NAME_MAX);
	if (!fits(owner_email, 100))
		return err_set(e, ERR_INVALID_FIELD, "owner_email",
		               "the owner's e-mail must have 1 to 100 characters");
	int rc = new_token(token, cap, hash, prefix, e);
	if (rc)
		return rc;
	struct create_arg a = {name, owner_email, time_now_ms(), 0, scope, hash, prefix, 0};
	if ((rc = db_tx(db, DB_WRITE, create_tx, &a, e))) {
		crypto_cleanse(token, cap);
		token[0] = '\0';
		return rc;
	}
	*id = a.id;
	*token_id = a.token_id;
	return ERR_OK;
}

struct revoke_arg {
	int64_t company_id, token_id, now;
};

static int revoke_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct revoke_arg *a = arg;
	struct db_stmt *st;
	bool row;
	int64_t exists;
	int rc = db_query_int(c, "SELECT count(*) FROM api_tokens WHERE id = ? AND company_id = ?",
	                      (const int64_t[]){a->token_id, a->company_id}, 2, &exists, e);
	if (rc)
		return rc;
	if (!exists)
		return err_set(e, ERR_NOT_FOUND, "token", "company %lld has no token %lld",
		               (long long)a->company_id, (long long)a->token_id);
	if ((rc = db_prepare(
	         c,
	         "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND company_id = ? AND "
	         "revoked_at IS NULL",
	         &st, e)))
		return rc;
	db_bind_int(st, 1, a->now);
	db_bind_int(st, 2, a->token_id);
	db_bind_int(st, 3, a->company_id);
	return db_step(st, &row, e);
}

int token_revoke(struct db *db, int64_t company_id, int64_t token_id, struct err *e)
{
	struct revoke_arg a = {company_id, token_id, time_now_ms()};
	return db_tx(db, DB_WRITE, revoke_tx, &a, e);
}

struct tlist_arg {
	int64_t company_id;
	struct api_token *items;
	size_t n, cap;
};

static int token_list_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct tlist_arg *a = arg;
	struct db_stmt *st;
	bool row;
	a->n = 0;
	int rc = db_prepare(c,
	                    "SELECT id, prefix, scope, created_at, revoked_at FROM api_tokens "
	                    "WHERE company_id = ? ORDER BY id DESC",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_int(st, 1, a->company_id);
	while (!(rc = db_step(st, &row, e)) && row) {
		if (a->n == a->cap) {
			size_t cap = a->cap ? a->cap * 2 : 8;
			struct api_token *p = realloc(a->items, cap * sizeof(*p));
			if (!p)
				return err_set(e, ERR_NOMEM, NULL, NULL);
			a->items = p;
			a->cap = cap;
		}
		struct api_token *t = &a->items[a->n++];
		char scope[16];
		t->id = db_col_int(st, 0);
		t->company_id = a->company_id;
		db_col_text(st, 1, t->prefix, sizeof(t->prefix));
		db_col_text(st, 2, scope, sizeof(scope));
		token_scope_parse(scope, &t->scope);
		t->created_at = db_col_int(st, 3);
		t->revoked_at = db_col_int(st, 4);
	}
	return rc;
}

int token_list(struct db *db, int64_t company_id, struct api_token **out, size_t *n, struct err *e)
{
	struct tlist_arg a = {company_id, NULL, 0, 0};
	int rc = db_tx(db, DB_READ, token_list_tx, &a, e);
	if (rc) {
		free(a.items);
		return rc;
	}
	*out = a.items;
	*n = a.n;
	return ERR_OK;
}

struct auth_arg {
	const char *hash;
	int64_t company_id;
	enum token_scope scope;
};

static int auth_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct auth_arg *a = arg;
	struct db_stmt *st;
	bool row;
	char scope[16];
	int rc = db_prepare(c,
	                    "SELECT company_id, scope FROM api_tokens WHERE token_hash = ? AND "
	                    "revoked_at IS NULL",
	                    &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, a->hash);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_UNAUTHORIZED, NULL, "missing or invalid token");
	a->company_id = db_col_int(st, 0);
	db_col_text(st, 1, scope, sizeof(scope));
	token_scope_parse(scope, &a->scope);
	return ERR_OK;
}

int token_authenticate(struct db *db, const char *token, int64_t *company_id,
                       enum token_scope *scope, struct err *e)
{
	size_t n = token ? strlen(token) : 0;
	if (n < sizeof(TOKEN_TAG) || n >= TOKEN_TEXT_MAX ||
	    strncmp(token, TOKEN_TAG, sizeof(TOKEN_TAG) - 1) != 0)
		return err_set(e, ERR_UNAUTHORIZED, NULL, "missing or invalid token");
	char hash[65];
	if (token_hash(token, hash))
		return err_set(e, ERR_CRYPTO, NULL, NULL);
	struct auth_arg a = {hash, 0, TOKEN_INGEST};
	int rc = db_tx(db, DB_READ, auth_tx, &a, e);
	if (!rc) {
		*company_id = a.company_id;
		*scope = a.scope;
	}
	return rc;
}
