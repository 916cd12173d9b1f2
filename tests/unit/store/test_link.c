/*
 * Unit tests for src/store/link.c: the sealed onOffice credentials (requirements §8.3,
 * docs/decisions.md "Crypto": AES-256-GCM, AAD company + column), the master key check, the link
 * states (R-S4) and the sync state's move to linked (R-S2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "store/company.h"
#include "store/link.h"
#include "store/settings.h"
#include "store/store.h"
#include "sqlhelp.h"
#include "tmpdb.h"

#define KEY1_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
#define KEY2_HEX "f0e1d2c3b4a5968778695a4b3c2d1e0f00112233445566778899aabbccddeeff"
#define TOKEN    "0123456789abcdef0123456789abcdef"
#define SECRET   "5ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7e75ec7"

struct fixture {
	struct tmpdb t;
	struct db *db;
	int64_t a, b; /* two companies */
	struct crypto_key k1, k2;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || store_two_companies(&f->t, &f->db, &f->a, &f->b) ||
	    crypto_key_from_hex(KEY1_HEX, 1, &f->k1, NULL) ||
	    crypto_key_from_hex(KEY2_HEX, 1, &f->k2, NULL))
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close_remove(&f->t, f->db);
	free(f);
	return 0;
}

struct text_arg {
	const char *sql;
	char *out;
};

static int text_tx(struct db_conn *c, void *arg, struct err *e)
{
	struct text_arg *a = arg;
	struct db_stmt *st;
	bool row;
	free(a->out);
	a->out = NULL;
	int rc = db_prepare(c, a->sql, &st, e);
	if (rc || (rc = db_step(st, &row, e)))
		return rc;
	a->out = row && !db_col_null(st, 0) ? db_col_strdup(st, 0) : NULL;
	return 0;
}

/* The first column of the first row as a malloc'd string, or NULL. */
static char *text(struct fixture *f, const char *sql)
{
	struct text_arg a = {sql, NULL};
	assert_int_equal(db_tx(f->db, DB_READ, text_tx, &a, NULL), ERR_OK);
	return a.out;
}

static void sync_state_is(struct fixture *f, int64_t company, const char *want)
{
	char state[16];
	assert_int_equal(syncstate_get(f->db, company, state, sizeof(state), NULL), ERR_OK);
	assert_string_equal(state, want);
}

static void link_a(struct fixture *f, const char *web_id, const char *secret)
{
	struct err e = ERR_INIT;
	int rc = link_set(f->db, &f->k1, f->a, web_id, TOKEN, secret, &e);
	if (rc)
		fail_msg("link_set: %s", e.message);
}

static void round_trip_through_link_set_and_link_get(void **state)
{
	struct fixture *f = *state;
	struct link_creds c;
	struct err e = ERR_INIT;
	link_a(f, "21546", SECRET);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_int_equal(c.company_id, f->a);
	assert_string_equal(c.customer_web_id, "21546");
	assert_string_equal(c.token, TOKEN);
	assert_string_equal(c.secret, SECRET);
	assert_null(c.claim);
	assert_string_equal(c.state, "active");
	assert_string_equal(c.revoked_reason, "");
	link_creds_release(&c);
	assert_null(c.secret);
	link_creds_release(&c); /* twice is harmless */
}

static void sealed_columns_hold_neither_token_nor_secret(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	link_a(f, "21546", SECRET);
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "CLAIMclaimCLAIM", &e), ERR_OK);
	char *sec = text(f, "SELECT secret_sealed FROM onoffice_links");
	char *tok = text(f, "SELECT token_sealed FROM onoffice_links");
	char *all = text(f, "SELECT group_concat(customer_web_id || token_sealed || "
	                    "secret_sealed || claim_sealed) FROM onoffice_links");
	assert_non_null(sec);
	assert_non_null(tok);
	assert_null(strstr(all, SECRET));
	assert_null(strstr(all, TOKEN));
	assert_null(strstr(all, "5ec7e75ec7"));      /* not even a piece */
	assert_null(strstr(all, "CLAIMclaimCLAIM")); /* R-A12: the claim is sealed too */
	assert_string_not_equal(sec, tok);
	free(sec);
	free(tok);
	free(all);
	/* A second sealing of the same secret looks different (fresh nonce). */
	char *before = text(f, "SELECT secret_sealed FROM onoffice_links");
	link_a(f, "21546", SECRET);
	char *after = text(f, "SELECT secret_sealed FROM onoffice_links");
	assert_string_not_equal(before, after);
	free(before);
	free(after);
}

static void aad_binds_the_sealed_value_to_its_row_and_column(void **state)
{
	struct fixture *f = *state;
	struct link_creds c;
	struct err e = ERR_INIT;
	link_a(f, "21546", SECRET);
	assert_int_equal(link_set(f->db, &f->k1, f->b, "30001", TOKEN, "other-secret", &e), ERR_OK);
	/* A's sealed secret moved into B's row does not open there. */
	exec(f, "UPDATE onoffice_links SET secret_sealed = (SELECT secret_sealed FROM "
	        "onoffice_links WHERE customer_web_id = '21546') WHERE customer_web_id = '30001'");
	assert_int_equal(link_get(f->db, &f->k1, 1, f->b, &c, &e), ERR_AUTH_TAG);
	assert_null(c.secret);
	assert_null(strstr(e.message, SECRET));
	/* Nor does a sealed token moved into the secret's column of its own row. */
	exec(f, "UPDATE onoffice_links SET secret_sealed = token_sealed WHERE customer_web_id = "
	        "'21546'");
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_AUTH_TAG);
	/* A tampered byte fails too. */
	exec(f, "UPDATE onoffice_links SET token_sealed = 'AAAA' || substr(token_sealed, 5) "
	        "WHERE customer_web_id = '30001'");
	assert_int_equal(link_get(f->db, &f->k1, 1, f->b, &c, &e), ERR_AUTH_TAG);
}

static void key_check_stores_the_first_key_and_refuses_another(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	bool needed = true;
	assert_int_equal(masterkey_needed(f->db, &needed, &e), ERR_OK);
	assert_false(needed);
	assert_int_equal(masterkey_check(f->db, &f->k1, &e), ERR_OK);
	char *check = text(f, "SELECT value FROM meta WHERE key = 'master_key_check'");
	assert_non_null(check);
	assert_int_equal(masterkey_needed(f->db, &needed, &e), ERR_OK);
	assert_true(needed);
	assert_int_equal(masterkey_check(f->db, &f->k1, &e), ERR_OK);

	err_clear(&e);
	assert_int_equal(masterkey_check(f->db, &f->k2, &e), ERR_AUTH_TAG);
	assert_string_equal(e.message, "the master key does not match this database");
	/* The check is unchanged, and the wrong key seals nothing. */
	assert_int_equal(link_set(f->db, &f->k2, f->a, "21546", TOKEN, SECRET, &e), ERR_AUTH_TAG);
	assert_string_equal(e.message, "the master key does not match this database");
	char *again = text(f, "SELECT value FROM meta WHERE key = 'master_key_check'");
	assert_string_equal(check, again);
	free(again);
	free(check);
	char *n = text(f, "SELECT count(*) FROM onoffice_links");
	assert_string_equal(n, "0");
	free(n);
	sync_state_is(f, f->a, "not_linked");
}

static void a_link_without_key_check_still_needs_a_key(void **state)
{
	struct fixture *f = *state;
	bool needed = false;
	link_a(f, "21546", SECRET);
	/* link_set stored the check itself. */
	char *check = text(f, "SELECT count(*) FROM meta WHERE key = 'master_key_check'");
	assert_string_equal(check, "1");
	free(check);
	exec(f, "DELETE FROM meta WHERE key = 'master_key_check'");
	assert_int_equal(masterkey_needed(f->db, &needed, NULL), ERR_OK);
	assert_true(needed);
}

static void first_link_moves_not_linked_to_linked(void **state)
{
	struct fixture *f = *state;
	sync_state_is(f, f->a, "not_linked");
	link_a(f, "21546", SECRET);
	sync_state_is(f, f->a, "linked");
	sync_state_is(f, f->b, "not_linked");
}

static void relink_keeps_the_sync_state_and_clears_revoked(void **state)
{
	struct fixture *f = *state;
	struct link_creds c;
	struct err e = ERR_INIT;
	link_a(f, "21546", SECRET);
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "claim-1", &e), ERR_OK);
	static const char *const states[] = {"running", "stopped"};
	for (size_t i = 0; i < 2; i++) {
		char sql[128];
		snprintf(sql, sizeof(sql), "UPDATE companies SET sync_state = '%s' WHERE id = %lld",
		         states[i], (long long)f->a);
		exec(f, "%s", sql);
		assert_int_equal(link_mark_revoked(f->db, f->a, "Zugriff verweigert", &e), ERR_OK);
		assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
		assert_string_equal(c.state, "revoked");
		assert_string_equal(c.revoked_reason, "Zugriff verweigert");
		link_creds_release(&c);

		link_a(f, "21546", states[i]); /* new secret */
		sync_state_is(f, f->a, states[i]);
		assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
		assert_string_equal(c.state, "active");
		assert_string_equal(c.revoked_reason, "");
		assert_string_equal(c.secret, states[i]);
		assert_string_equal(c.claim, "claim-1"); /* same customer: the claim stays */
		link_creds_release(&c);
	}
}

static void revoked_and_claim_need_a_link(void **state)
{
	struct fixture *f = *state;
	struct link_creds c;
	struct err e = ERR_INIT;
	assert_int_equal(link_mark_revoked(f->db, f->a, "x", &e), ERR_NOT_LINKED);
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "c", &e), ERR_NOT_LINKED);
	assert_int_equal(link_mark_claim_wanted(f->db, f->a, 0, "x", &e), ERR_NOT_LINKED);
	assert_int_equal(link_mark_revoked(f->db, 9999, "x", &e), ERR_NOT_FOUND);
	assert_int_equal(link_set_claim(f->db, &f->k1, 9999, "c", &e), ERR_NOT_FOUND);

	link_a(f, "21546", SECRET);
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "abc123", &e), ERR_OK);
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "with space", &e), ERR_INVALID_FIELD);
	assert_string_equal(e.field, "claim");
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "", &e), ERR_INVALID_FIELD);
	assert_int_equal(link_set_claim(f->db, NULL, f->a, "abc", &e), ERR_INVALID_ARG);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.claim, "abc123"); /* the refused ones changed nothing */
	assert_string_equal(c.claim_wanted, "");
	link_creds_release(&c);

	/* R-A12: a wanted claim is recorded, and a fresh claim clears it; re-linking too. */
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	int64_t gen = c.claim_gen;
	link_creds_release(&c);
	assert_int_equal(link_mark_claim_wanted(f->db, f->a, gen, "No matching extendedclaim", &e),
	                 ERR_OK);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.claim_wanted, "No matching extendedclaim");
	assert_string_equal(c.state, "active");
	link_creds_release(&c);
	char sql[160];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO import_state (company_id, next_run_at, failures) VALUES (%lld, "
	         "99999999999999, 7)",
	         (long long)f->a);
	exec(f, "%s", sql); /* a pass backed off while paused */
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "fresh", &e), ERR_OK);
	char *sched = text(f, "SELECT coalesce(next_run_at, 'now') || '/' || failures FROM "
	                      "import_state");
	assert_string_equal(sched, "now/0"); /* a fresh claim makes the import due at once */
	free(sched);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.claim_wanted, "");
	assert_string_equal(c.claim, "fresh");
	assert_true(c.claim_gen > gen);
	link_creds_release(&c);
	/* A refusal of a call sent with the older claim does not pause the fresh one. */
	assert_int_equal(link_mark_claim_wanted(f->db, f->a, gen, "outdated", &e), ERR_OK);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.claim_wanted, "");
	gen = c.claim_gen;
	link_creds_release(&c);
	assert_int_equal(link_mark_claim_wanted(f->db, f->a, gen, NULL, &e), ERR_OK);
	link_a(f, "21546", SECRET);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.claim_wanted, "");
	link_creds_release(&c);

	/* The company of a web id. */
	int64_t id = 0;
	assert_int_equal(link_company_of(f->db, "21546", &id, &e), ERR_OK);
	assert_int_equal(id, f->a);
	assert_int_equal(link_company_of(f->db, "99999", &id, &e), ERR_NOT_FOUND);
	assert_string_equal(e.field, "customer_web_id");
	assert_int_equal(link_company_of(f->db, "", &id, &e), ERR_NOT_FOUND);

	/* A long reason is cut on a character boundary to fit. */
	char reason[600];
	memset(reason, 0, sizeof(reason));
	for (size_t i = 0; i + 2 < sizeof(reason) - 1; i += 2)
		memcpy(reason + i, "\xc3\xa4", 2); /* ä */
	assert_int_equal(link_mark_revoked(f->db, f->a, reason, &e), ERR_OK);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.state, "revoked");
	assert_int_equal(strlen(c.revoked_reason), 254);
	assert_int_equal(memcmp(c.revoked_reason, reason, 254), 0);
	link_creds_release(&c);
	assert_int_equal(link_mark_revoked(f->db, f->a, "\xff", &e), ERR_INVALID_FIELD);
}

static void unknown_company_and_unlinked_company(void **state)
{
	struct fixture *f = *state;
	struct link_creds c;
	struct err e = ERR_INIT;
	assert_int_equal(link_set(f->db, &f->k1, 9999, "21546", TOKEN, SECRET, &e), ERR_NOT_FOUND);
	assert_int_equal(link_get(f->db, &f->k1, 1, 9999, &c, &e), ERR_NOT_FOUND);
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_NOT_LINKED);
	assert_null(c.secret);
}

static void web_id_of_another_company_is_refused(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	link_a(f, "21546", SECRET);
	assert_int_equal(link_set(f->db, &f->k1, f->b, "21546", TOKEN, SECRET, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "customer_web_id");
	assert_non_null(strstr(e.message, "already linked to company"));
	sync_state_is(f, f->b, "not_linked");
}

static void web_id_changes_only_while_nothing_was_imported(void **state)
{
	struct fixture *f = *state;
	struct link_creds c;
	struct err e = ERR_INIT;
	link_a(f, "21546", SECRET);
	assert_int_equal(link_set_claim(f->db, &f->k1, f->a, "claim-1", &e), ERR_OK);
	link_a(f, "21547", SECRET); /* a typo corrected before any import */
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.customer_web_id, "21547");
	assert_null(c.claim); /* the claim was the other customer's */
	link_creds_release(&c);

	char sql[256];
	snprintf(sql, sizeof(sql),
	         "INSERT INTO contacts (company_id, origin, onoffice_address_id, created_at, "
	         "updated_at) VALUES (%lld, 'onoffice', 77, 0, 0)",
	         (long long)f->a);
	exec(f, "%s", sql);
	assert_int_equal(link_set(f->db, &f->k1, f->a, "21548", TOKEN, SECRET, &e), ERR_CONFLICT);
	assert_string_equal(e.field, "customer_web_id");
	/* The same customer again is fine. */
	link_a(f, "21547", "new-secret");
}

static void bad_values_name_their_field(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	char long_id[65], long_token[129];
	memset(long_id, '1', 64);
	long_id[64] = '\0';
	memset(long_token, 'a', 128);
	long_token[128] = '\0';
	static const struct {
		const char *web_id, *token, *secret, *field;
	} cases[] = {
	    {"", TOKEN, SECRET, "customer_web_id"},   {"21 546", TOKEN, SECRET, "customer_web_id"},
	    {NULL, TOKEN, SECRET, "customer_web_id"}, {"21546", "", SECRET, "token"},
	    {"21546", "to\nken", SECRET, "token"},    {"21546", TOKEN, "", "secret"},
	    {"21546", TOKEN, "sec\x7f", "secret"},    {"21546", TOKEN, NULL, "secret"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err_clear(&e);
		assert_int_equal(link_set(f->db, &f->k1, f->a, cases[i].web_id, cases[i].token,
		                          cases[i].secret, &e),
		                 ERR_INVALID_FIELD);
		assert_string_equal(e.field, cases[i].field);
	}
	assert_int_equal(link_set(f->db, &f->k1, f->a, long_id, TOKEN, SECRET, &e),
	                 ERR_INVALID_FIELD);
	assert_int_equal(link_set(f->db, &f->k1, f->a, "21546", long_token, SECRET, &e),
	                 ERR_INVALID_FIELD);
	long_id[63] = '\0';
	long_token[127] = '\0';
	assert_int_equal(link_set(f->db, &f->k1, f->a, long_id, long_token, SECRET, &e), ERR_OK);
	struct link_creds c;
	assert_int_equal(link_get(f->db, &f->k1, 1, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.customer_web_id, long_id);
	assert_string_equal(c.token, long_token);
	link_creds_release(&c);
}

static void older_key_versions_still_open(void **state)
{
	struct fixture *f = *state;
	struct link_creds c;
	struct err e = ERR_INIT;
	link_a(f, "21546", SECRET);
	struct crypto_key keys[2] = {f->k2, f->k1};
	keys[0].version = 2;
	assert_int_equal(link_get(f->db, keys, 2, f->a, &c, &e), ERR_OK);
	assert_string_equal(c.secret, SECRET);
	link_creds_release(&c);
	assert_int_equal(link_get(f->db, &keys[0], 1, f->a, &c, &e), ERR_AUTH_TAG);
	assert_int_equal(link_get(f->db, &f->k2, 1, f->a, &c, &e), ERR_AUTH_TAG);
}

static void company_deletion_takes_the_link(void **state)
{
	struct fixture *f = *state;
	link_a(f, "21546", SECRET);
	assert_int_equal(company_delete(f->db, f->a, NULL), ERR_OK);
	char *n = text(f, "SELECT count(*) FROM onoffice_links");
	assert_string_equal(n, "0");
	free(n);
	/* The web id is free again. */
	assert_int_equal(link_set(f->db, &f->k1, f->b, "21546", TOKEN, SECRET, NULL), ERR_OK);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
	    T(round_trip_through_link_set_and_link_get),
	    T(sealed_columns_hold_neither_token_nor_secret),
	    T(aad_binds_the_sealed_value_to_its_row_and_column),
	    T(key_check_stores_the_first_key_and_refuses_another),
	    T(a_link_without_key_check_still_needs_a_key),
	    T(first_link_moves_not_linked_to_linked),
	    T(relink_keeps_the_sync_state_and_clears_revoked),
	    T(revoked_and_claim_need_a_link),
	    T(unknown_company_and_unlinked_company),
	    T(web_id_of_another_company_is_refused),
	    T(web_id_changes_only_while_nothing_was_imported),
	    T(bad_values_name_their_field),
	    T(older_key_versions_still_open),
	    T(company_deletion_takes_the_link),
	};
#undef T
	return cmocka_run_group_tests(tests, NULL, NULL);
}
