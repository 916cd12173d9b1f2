/* Customers: lookup, creation, configuration (customer.h). */
#include "customer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "core/crypto.h"

void emu_customer_release(struct emu_customer *c)
{
	if (!c)
		return;
	free(c->config);
	c->config = NULL;
	crypto_cleanse(c->secret, sizeof(c->secret));
}

struct lookup {
	const char *column_sql; /* the statement: by token or by web id */
	const char *value;
	struct emu_customer *out;
};

static int lookup_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct lookup *l = arg;
	struct db_stmt *st;
	bool row;
	free(l->out->config);
	l->out->config = NULL;
	int rc = db_prepare(c, l->column_sql, &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, l->value);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, NULL, "no such customer");
	l->out->id = db_col_int(st, 0);
	if (db_col_text(st, 1, l->out->web_id, sizeof(l->out->web_id)) ||
	    db_col_text(st, 2, l->out->name, sizeof(l->out->name)) ||
	    db_col_text(st, 3, l->out->token, sizeof(l->out->token)) ||
	    db_col_text(st, 4, l->out->secret, sizeof(l->out->secret)))
		return err_set(e, ERR_INTERNAL, NULL, "a customer column is too long");
	l->out->config = db_col_strdup(st, 5);
	return l->out->config ? 0 : err_set(e, ERR_NOMEM, NULL, NULL);
}

#define CUSTOMER_COLUMNS "SELECT id, web_id, name, token, secret, config FROM customers "

static int lookup(struct db *db, const char *sql, const char *value, struct emu_customer *out,
                  struct err *e)
{
	memset(out, 0, sizeof(*out));
	struct lookup l = {sql, value, out};
	int rc = db_tx(db, DB_READ, lookup_tx, &l, e);
	if (rc)
		emu_customer_release(out);
	return rc;
}

int emu_customer_by_token(struct db *db, const char *token, struct emu_customer *out, struct err *e)
{
	return lookup(db, CUSTOMER_COLUMNS "WHERE token = ?", token, out, e);
}

int emu_customer_by_webid(struct db *db, const char *web_id, struct emu_customer *out,
                          struct err *e)
{
	return lookup(db, CUSTOMER_COLUMNS "WHERE web_id = ?", web_id, out, e);
}

struct create {
	const char *name;
	int64_t now_ms;
	struct emu_customer *out;
};

/* Fills out with n random bytes as lowercase hex (2n characters). */
static int random_hex(char *out, size_t n)
{
	unsigned char raw[64];
	if (n > sizeof(raw) || crypto_random(raw, n))
		return ERR_CRYPTO;
	crypto_hex_encode(raw, n, out);
	crypto_cleanse(raw, sizeof(raw));
	return 0;
}

static int create_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct create *cr = arg;
	struct emu_customer *o = cr->out;
	int rc = 0;
	for (int attempt = 0; attempt < 20; attempt++) {
		unsigned char r[4];
		if (crypto_random(r, sizeof(r)) || random_hex(o->token, EMU_TOKEN_LEN / 2) ||
		    random_hex(o->secret, EMU_SECRET_LEN / 2))
			return err_set(e, ERR_CRYPTO, NULL, "no randomness");
		uint32_t n =
		    ((uint32_t)r[0] << 24 | (uint32_t)r[1] << 16 | (uint32_t)r[2] << 8 | r[3]) %
		    990000u;
		snprintf(o->web_id, sizeof(o->web_id), "%u", 10000u + n);
		struct db_stmt *st;
		bool row;
		if ((rc = db_prepare(c,
		                     "INSERT INTO customers(web_id, name, token, secret, config, "
		                     "created_ms) VALUES (?, ?, ?, ?, '{}', ?) RETURNING id",
		                     &st, e)))
			return rc;
		db_bind_text(st, 1, o->web_id);
		db_bind_text(st, 2, cr->name);
		db_bind_text(st, 3, o->token);
		db_bind_text(st, 4, o->secret);
		db_bind_int(st, 5, cr->now_ms);
		rc = db_step(st, &row, e);
		if (rc == ERR_DB_CONSTRAINT)
			continue; /* the web id (or, unlikely, the token) is taken: draw again */
		if (rc)
			return rc;
		o->id = db_col_int(st, 0);
		db_step(st, &row, NULL);
		return 0;
	}
	return rc ? rc : err_set(e, ERR_CONFLICT, NULL, "no free web id found");
}

int emu_customer_create(struct db *db, const char *name, int64_t now_ms, struct emu_customer *out,
                        struct err *e)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->name, sizeof(out->name), "%s", name);
	struct create cr = {name, now_ms, out};
	int rc = db_tx(db, DB_WRITE, create_tx, &cr, e);
	if (!rc && !(out->config = strdup("{}")))
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
	if (rc)
		emu_customer_release(out);
	return rc;
}

struct patch {
	const char *web_id;
	json_t *patch;
};

static int patch_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct patch *p = arg;
	struct db_stmt *st;
	bool row;
	int rc = db_prepare(c, "SELECT config FROM customers WHERE web_id = ?", &st, e);
	if (rc)
		return rc;
	db_bind_text(st, 1, p->web_id);
	if ((rc = db_step(st, &row, e)))
		return rc;
	if (!row)
		return err_set(e, ERR_NOT_FOUND, NULL, "no customer with this web id");
	char *old = db_col_strdup(st, 0);
	char *merged = NULL;
	rc = emu_config_merge(old, p->patch, &merged, e);
	free(old);
	if (rc)
		return rc;
	if (!(rc = db_prepare(c, "UPDATE customers SET config = ? WHERE web_id = ?", &st, e))) {
		db_bind_text(st, 1, merged);
		db_bind_text(st, 2, p->web_id);
		rc = db_step(st, &row, e);
	}
	free(merged);
	return rc;
}

int emu_customer_patch_config(struct db *db, const char *web_id, json_t *patch, struct err *e)
{
	struct patch p = {web_id, patch};
	return db_tx(db, DB_WRITE, patch_tx, &p, e);
}
