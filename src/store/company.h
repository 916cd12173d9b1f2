/*
 * company.h - companies (tenants, R-T1/R-T2) and their API tokens (R-C4a).
 *
 * A token is "imk_" followed by 43 base64url characters (256 random bits). Only
 * its SHA-256 (hex) is stored, with a short prefix ("imk_AbCdEfGh") so that an
 * operator can tell tokens apart in listings; the token itself is shown once,
 * when it is created, and never logged.
 */
#ifndef IMMO_STORE_COMPANY_H
#define IMMO_STORE_COMPANY_H

#include <stdbool.h>
#include <stdint.h>

#include "store/db.h"

#define COMPANY_NAME_MAX 120 /* characters */
#define TOKEN_TEXT_MAX   64  /* "imk_" + 43, with room */
#define TOKEN_PREFIX_LEN 12

enum token_scope { TOKEN_INGEST, TOKEN_FULL };

struct company {
	int64_t id;
	char *name;
	char *owner_email;
	char sync_state[16]; /* not_linked, linked, running, stopped */
	int64_t created_at;
};

struct api_token {
	int64_t id;
	int64_t company_id;
	char prefix[TOKEN_PREFIX_LEN + 1];
	enum token_scope scope;
	int64_t created_at;
	int64_t revoked_at; /* 0 while valid */
};

const char *token_scope_name(enum token_scope s);
/* "ingest" or "full" → *out; false otherwise. */
bool token_scope_parse(const char *name, enum token_scope *out);

/*
 * Creates a company with its settings row (R-S1 defaults) in one transaction.
 * The caller has validated name and owner_email (the edge checks the e-mail's
 * syntax); here both must be non-empty valid UTF-8 (ERR_INVALID_FIELD naming
 * "name" or "owner_email"). *id gets the new id.
 */
int company_create(struct db *db, const char *name, const char *owner_email, int64_t *id,
                   struct err *e);

/*
 * company_create and a first token (scope) in ONE transaction, so a failure leaves neither
 * (a company without its token cannot be reached, and re-running would duplicate it). The
 * token text goes into token (cap ≥ TOKEN_TEXT_MAX); the caller shows it once and wipes it.
 */
int company_create_with_token(struct db *db, const char *name, const char *owner_email,
                              enum token_scope scope, char *token, size_t cap, int64_t *id,
                              int64_t *token_id, struct err *e);

/* Fills *out (free with company_release). ERR_NOT_FOUND for an unknown id. */
int company_get(struct db *db, int64_t id, struct company *out, struct err *e);
void company_release(struct company *c);

/* All companies by id; *out is a malloc'd array of *n, freed with company_list_free. */
int company_list(struct db *db, struct company **out, size_t *n, struct err *e);
void company_list_free(struct company *list, size_t n);

/* Deletes a company and everything it owns (R-T3). ERR_NOT_FOUND for an unknown id. */
int company_delete(struct db *db, int64_t id, struct err *e);

/*
 * Creates a token for the company and writes its text into out (cap ≥ TOKEN_TEXT_MAX).
 * The text exists only in out: the caller shows it once and wipes it.
 */
int token_create(struct db *db, int64_t company_id, enum token_scope scope, char *out, size_t cap,
                 int64_t *token_id, struct err *e);

/* Revokes a token of that company (ERR_NOT_FOUND if it is not that company's). Idempotent. */
int token_revoke(struct db *db, int64_t company_id, int64_t token_id, struct err *e);

/* The company's tokens, newest first (malloc'd array, free()). */
int token_list(struct db *db, int64_t company_id, struct api_token **out, size_t *n, struct err *e);

/*
 * Finds the company and scope of a presented token. ERR_UNAUTHORIZED for an unknown,
 * malformed or revoked token (one answer for all, so nothing is revealed).
 */
int token_authenticate(struct db *db, const char *token, int64_t *company_id,
                       enum token_scope *scope, struct err *e);

#endif
