/*
 * immosync company … - companies and their API tokens, for operators (requirements §8.3).
 * Every command takes --db and works while serve runs on the same database.
 */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "app/app.h"
#include "core/crypto.h"
#include "core/time.h"
#include "domain/email.h"
#include "store/company.h"

static bool check_email(const char *v, char *why, size_t cap)
{
	if (email_valid(v, strlen(v)))
		return true;
	snprintf(why, cap, "'%s' is not an e-mail address", v);
	return false;
}

static bool check_scope(const char *v, char *why, size_t cap)
{
	enum token_scope s;
	if (token_scope_parse(v, &s))
		return true;
	snprintf(why, cap, "'%s' is not one of ingest, full", v);
	return false;
}

#define OPT_COMPANY                                                                       \
	{                                                                                 \
		"company", 'c', OPT_INT, "ID", NULL, "The company's id", OPT_REQUIRED, 1, \
		    INT64_MAX                                                             \
	}

/* Appends item (a new reference, may be NULL) to *arr; on failure drops the whole list and
 * sets *arr to NULL, so print_json reports the failure instead of a shortened list. */
static void append_or_fail(json_t **arr, json_t *item)
{
	if (*arr && item && json_array_append_new(*arr, item) == 0)
		return;
	json_decref(*arr);
	*arr = NULL;
}

/* Prints a JSON document on stdout; returns the exit code. */
static int print_json(json_t *doc)
{
	if (!doc) {
		fprintf(stderr, "%s: out of memory\n", APP_PROGRAM);
		return 1;
	}
	char *text = json_dumps(doc, JSON_INDENT(2));
	json_decref(doc);
	if (!text)
		return 1;
	puts(text);
	free(text);
	return 0;
}

/* ---- company create ---- */

enum { CC_NAME, CC_OWNER, CC_DB, CC__N };
static const struct opt_def cc_opts[CC__N] = {
    [CC_NAME] = {"name", 'n', OPT_STRING, "NAME", NULL, "The company's name (1-120 characters)",
                 OPT_REQUIRED},
    [CC_OWNER] = {"owner-email", 'o', OPT_STRING, "EMAIL", NULL,
                  "The account owner's e-mail address (receives the link mail, R-A9)", OPT_REQUIRED,
                  .check = check_email},
    [CC_DB] = APP_OPT_DB,
};
static const struct opt_cmd cc_cmd = {
    .program = APP_PROGRAM,
    .name = "company create",
    .summary = "Creates a company (a tenant) with default settings and a first API token of\n"
               "scope full, and prints {\"company_id\": …, \"api_token\": \"…\"} as JSON.\n"
               "The token is shown only now: it is stored hashed.",
    .defs = cc_opts,
    .ndefs = CC__N,
};

int cmd_company_create(int argc, char **argv)
{
	struct opt_value v[CC__N];
	int rc = app_parse(&cc_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	char token[TOKEN_TEXT_MAX] = "";
	int64_t id = 0, token_id = 0;
	rc = 1;
	if (app_open_store(cc_cmd.name, v[CC_DB].str, &db))
		goto out;
	if (company_create_with_token(db, v[CC_NAME].str, v[CC_OWNER].str, TOKEN_FULL, token,
	                              sizeof(token), &id, &token_id, &e)) {
		fprintf(stderr, "%s company create: %s\n", APP_PROGRAM, e.message);
		goto out;
	}
	rc = print_json(json_pack("{s:I,s:s}", "company_id", (json_int_t)id, "api_token", token));
out:
	crypto_cleanse(token, sizeof(token));
	db_close(db);
	opt_release(v, CC__N);
	return rc;
}

/* ---- company list ---- */

enum { CL_DB, CL__N };
static const struct opt_def cl_opts[CL__N] = {[CL_DB] = APP_OPT_DB};
static const struct opt_cmd cl_cmd = {
    .program = APP_PROGRAM,
    .name = "company list",
    .summary = "Lists all companies as a JSON array (id, name, owner e-mail, sync state,\n"
               "creation time).",
    .defs = cl_opts,
    .ndefs = CL__N,
};

int cmd_company_list(int argc, char **argv)
{
	struct opt_value v[CL__N];
	int rc = app_parse(&cl_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	struct company *list = NULL;
	size_t n = 0;
	rc = 1;
	if (app_open_store(cl_cmd.name, v[CL_DB].str, &db))
		goto out;
	if (company_list(db, &list, &n, &e)) {
		fprintf(stderr, "%s company list: %s\n", APP_PROGRAM, e.message);
		goto out;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		char when[TIME_RFC3339_MAX];
		time_format_rfc3339(list[i].created_at, when, sizeof(when));
		append_or_fail(&arr,
		               json_pack("{s:I,s:s,s:s,s:s,s:s}", "id", (json_int_t)list[i].id,
		                         "name", list[i].name, "owner_email", list[i].owner_email,
		                         "sync_state", list[i].sync_state, "created_at", when));
	}
	rc = print_json(arr);
out:
	company_list_free(list, n);
	db_close(db);
	opt_release(v, CL__N);
	return rc;
}

/* ---- company delete ---- */

enum { CD_COMPANY, CD_YES, CD_DB, CD__N };
static const struct opt_def cd_opts[CD__N] = {
    [CD_COMPANY] = OPT_COMPANY,
    [CD_YES] = {"yes", 0, OPT_FLAG, NULL, "0", "Confirm: delete the company and all its data"},
    [CD_DB] = APP_OPT_DB,
};
static const struct opt_cmd cd_cmd = {
    .program = APP_PROGRAM,
    .name = "company delete",
    .summary = "Deletes a company and everything it owns on the platform: contacts,\n"
               "conversions, notes, settings, tokens, queued transfers (R-T3). Nothing is\n"
               "deleted in onOffice. Needs --yes.",
    .defs = cd_opts,
    .ndefs = CD__N,
};

int cmd_company_delete(int argc, char **argv)
{
	struct opt_value v[CD__N];
	int rc = app_parse(&cd_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	rc = 2;
	if (!v[CD_YES].num) {
		fprintf(stderr,
		        "%s company delete: this deletes all data of company %lld; "
		        "add --yes to confirm\n",
		        APP_PROGRAM, v[CD_COMPANY].num);
		goto out;
	}
	rc = 1;
	if (app_open_store(cd_cmd.name, v[CD_DB].str, &db))
		goto out;
	if (company_delete(db, v[CD_COMPANY].num, &e)) {
		fprintf(stderr, "%s company delete: %s\n", APP_PROGRAM, e.message);
		goto out;
	}
	printf("company %lld deleted\n", v[CD_COMPANY].num);
	rc = 0;
out:
	db_close(db);
	opt_release(v, CD__N);
	return rc;
}

/* ---- company token create | list | revoke ---- */

enum { TC_COMPANY, TC_SCOPE, TC_DB, TC__N };
static const struct opt_def tc_opts[TC__N] = {
    [TC_COMPANY] = OPT_COMPANY,
    [TC_SCOPE] = {"scope", 's', OPT_STRING, "SCOPE", "ingest",
                  "ingest (may only post conversions: for landing pages) or full",
                  .check = check_scope},
    [TC_DB] = APP_OPT_DB,
};
static const struct opt_cmd tc_cmd = {
    .program = APP_PROGRAM,
    .name = "company token create",
    .summary = "Creates an API token for a company and prints {\"token_id\": …, \"api_token\":\n"
               "\"…\", \"scope\": …} as JSON. The token is shown only now (stored hashed).",
    .defs = tc_opts,
    .ndefs = TC__N,
};

int cmd_token_create(int argc, char **argv)
{
	struct opt_value v[TC__N];
	int rc = app_parse(&tc_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	char token[TOKEN_TEXT_MAX] = "";
	int64_t token_id = 0;
	enum token_scope scope = TOKEN_INGEST;
	token_scope_parse(v[TC_SCOPE].str, &scope);
	rc = 1;
	if (app_open_store(tc_cmd.name, v[TC_DB].str, &db))
		goto out;
	if (token_create(db, v[TC_COMPANY].num, scope, token, sizeof(token), &token_id, &e)) {
		fprintf(stderr, "%s company token create: %s\n", APP_PROGRAM, e.message);
		goto out;
	}
	rc = print_json(json_pack("{s:I,s:s,s:s}", "token_id", (json_int_t)token_id, "api_token",
	                          token, "scope", token_scope_name(scope)));
out:
	crypto_cleanse(token, sizeof(token));
	db_close(db);
	opt_release(v, TC__N);
	return rc;
}

enum { TL_COMPANY, TL_DB, TL__N };
static const struct opt_def tl_opts[TL__N] = {[TL_COMPANY] = OPT_COMPANY, [TL_DB] = APP_OPT_DB};
static const struct opt_cmd tl_cmd = {
    .program = APP_PROGRAM,
    .name = "company token list",
    .summary = "Lists a company's tokens (id, prefix, scope, created, revoked) as JSON.",
    .defs = tl_opts,
    .ndefs = TL__N,
};

int cmd_token_list(int argc, char **argv)
{
	struct opt_value v[TL__N];
	int rc = app_parse(&tl_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	struct api_token *list = NULL;
	size_t n = 0;
	rc = 1;
	if (app_open_store(tl_cmd.name, v[TL_DB].str, &db))
		goto out;
	if (token_list(db, v[TL_COMPANY].num, &list, &n, &e)) {
		fprintf(stderr, "%s company token list: %s\n", APP_PROGRAM, e.message);
		goto out;
	}
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < n; i++) {
		char created[TIME_RFC3339_MAX], revoked[TIME_RFC3339_MAX];
		time_format_rfc3339(list[i].created_at, created, sizeof(created));
		time_format_rfc3339(list[i].revoked_at, revoked, sizeof(revoked));
		append_or_fail(&arr,
		               json_pack("{s:I,s:s,s:s,s:s,s:s?}", "id", (json_int_t)list[i].id,
		                         "prefix", list[i].prefix, "scope",
		                         token_scope_name(list[i].scope), "created_at", created,
		                         "revoked_at", list[i].revoked_at ? revoked : NULL));
	}
	rc = print_json(arr);
out:
	free(list);
	db_close(db);
	opt_release(v, TL__N);
	return rc;
}

enum { TR_COMPANY, TR_TOKEN, TR_DB, TR__N };
static const struct opt_def tr_opts[TR__N] = {
    [TR_COMPANY] = OPT_COMPANY,
    [TR_TOKEN] = {"token-id", 't', OPT_INT, "ID", NULL,
                  "The token's id (from token create or token list)", OPT_REQUIRED, 1, INT64_MAX},
    [TR_DB] = APP_OPT_DB,
};
static const struct opt_cmd tr_cmd = {
    .program = APP_PROGRAM,
    .name = "company token revoke",
    .summary = "Revokes a token: requests with it are refused (401) from now on.",
    .defs = tr_opts,
    .ndefs = TR__N,
};

int cmd_token_revoke(int argc, char **argv)
{
	struct opt_value v[TR__N];
	int rc = app_parse(&tr_cmd, argc, argv, v);
	if (rc >= 0)
		return rc;
	struct db *db = NULL;
	struct err e = ERR_INIT;
	rc = 1;
	if (app_open_store(tr_cmd.name, v[TR_DB].str, &db))
		goto out;
	if (token_revoke(db, v[TR_COMPANY].num, v[TR_TOKEN].num, &e)) {
		fprintf(stderr, "%s company token revoke: %s\n", APP_PROGRAM, e.message);
		goto out;
	}
	printf("token %lld of company %lld revoked\n", v[TR_TOKEN].num, v[TR_COMPANY].num);
	rc = 0;
out:
	db_close(db);
	opt_release(v, TR__N);
	return rc;
}
