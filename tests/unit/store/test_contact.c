/*
 * Unit tests for src/store/contact.c, ingest.c, outbox.c, settings.c and company.c:
 * the ingest identity and completion rules of requirements §8.1, idempotency (R-X1), the
 * outbox states (ARCHITECTURE.md "Outbox and export"), erasure (R-T3), settings (R-S1), sync state
 * (R-S2), tokens (R-C4a), tenant scoping (R-T1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "store/company.h"
#include "store/contact.h"
#include "store/outbox.h"
#include "store/settings.h"
#include "store/store.h"
#include "sqlhelp.h"
#include "tmpdb.h"

struct fixture {
	struct tmpdb t;
	struct db *db;
	int64_t a, b; /* two companies */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || store_two_companies(&f->t, &f->db, &f->a, &f->b))
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

static int ingest(struct fixture *f, int64_t company, const char *email, const char *first,
                  const char *phone, const char *e164, const char *key, const char *hash,
                  struct ingest_result *r)
{
	struct contact_fields lead = {.email = email,
	                              .first_name = first,
	                              .phone_raw = phone,
	                              .phone_e164 = e164,
	                              .gdpr_consent = 0};
	json_t *details = json_pack("{s:s}", "property_type", "house");
	struct conversion_input conv = {"valuation", "Bewertung Aachen", 1764151200000, NULL,
	                                details};
	struct err e = ERR_INIT;
	int rc = contact_ingest(f->db, company, &lead, &conv, key, hash, r, &e);
	json_decref(details);
	return rc;
}

static void same_email_is_the_same_contact_and_case_does_not_matter(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r1, r2, r3;
	assert_int_equal(ingest(f, f->a, "Anna@Example.de", "Anna", NULL, NULL, NULL, NULL, &r1),
	                 0);
	assert_true(r1.created);
	assert_int_equal(ingest(f, f->a, "anna@example.DE", NULL, NULL, NULL, NULL, NULL, &r2), 0);
	assert_false(r2.created);
	assert_int_equal(r2.contact_id, r1.contact_id);
	assert_int_not_equal(r2.conversion_id, r1.conversion_id);
	/* The same e-mail in another company is another contact (R-T1). */
	assert_int_equal(ingest(f, f->b, "anna@example.de", NULL, NULL, NULL, NULL, NULL, &r3), 0);
	assert_true(r3.created);
	assert_int_not_equal(r3.contact_id, r1.contact_id);
	assert_int_equal(count(f, "SELECT count(*) FROM conversions"), 3);
}

static void lowest_imported_contact_wins_when_several_share_the_email(void **state)
{
	struct fixture *f = *state;
	char sql[512];
	/* Two imported contacts share an e-mail; no lead key exists yet. */
	snprintf(sql, sizeof(sql),
	         "INSERT INTO contacts (id, company_id, origin, onoffice_address_id, created_at, "
	         "updated_at) VALUES (70, %lld, 'onoffice', 700, 0, 0), (50, %lld, 'onoffice', "
	         "500, 0, 0);"
	         "INSERT INTO contact_emails (company_id, contact_id, email, email_norm, "
	         "is_primary) VALUES (%lld, 70, 'shared@x.de', 'shared@x.de', 1), (%lld, 50, "
	         "'Shared@X.de', 'shared@x.de', 1);",
	         (long long)f->a, (long long)f->a, (long long)f->a, (long long)f->a);
	exec(f, "%s", sql);
	struct ingest_result r;
	assert_int_equal(ingest(f, f->a, "SHARED@x.de", NULL, NULL, NULL, NULL, NULL, &r), 0);
	assert_false(r.created);
	assert_int_equal(r.contact_id, 50);
	/* The lead key now pins the identity. */
	assert_int_equal(count(f, "SELECT contact_id FROM lead_keys WHERE email_norm = "
	                          "'shared@x.de'"),
	                 50);
}

static void ingest_completes_empty_fields_and_never_erases(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r;
	assert_int_equal(ingest(f, f->a, "k@x.de", "Karl", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(ingest(f, f->a, "k@x.de", "Konrad", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(ingest(f, f->a, "k@x.de", NULL, NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE first_name = 'Karl'"), 1);
	/* An empty field is completed, and the contact's updated_at moves. */
	exec(f, "UPDATE contacts SET first_name = '', updated_at = 1 WHERE first_name = 'Karl'");
	assert_int_equal(ingest(f, f->a, "k@x.de", "Konrad", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE first_name = 'Konrad'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE updated_at > 1"), 1);
}

static void phones_are_deduplicated_on_their_normalised_form(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r;
	assert_int_equal(
	    ingest(f, f->a, "p@x.de", NULL, "0241 12345", "+4924112345", NULL, NULL, &r), 0);
	assert_int_equal(
	    ingest(f, f->a, "p@x.de", NULL, "+49 241 12345", "+4924112345", NULL, NULL, &r), 0);
	assert_int_equal(
	    ingest(f, f->a, "p@x.de", NULL, "0171 2345678", "+491712345678", NULL, NULL, &r), 0);
	/* Unparseable numbers are kept raw and compared by their digits. */
	assert_int_equal(ingest(f, f->a, "p@x.de", NULL, "ext 12-34", NULL, NULL, NULL, &r), 0);
	assert_int_equal(ingest(f, f->a, "p@x.de", NULL, "ext 1234", NULL, NULL, NULL, &r), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM contact_phones"), 3);
	assert_int_equal(count(f, "SELECT count(*) FROM contact_phones WHERE raw = '0241 12345'"),
	                 1);
}

static void outbox_rows_are_held_until_running_in_automatic_mode(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r;
	struct err e = ERR_INIT;
	assert_int_equal(ingest(f, f->a, "o@x.de", "O", NULL, NULL, NULL, NULL, &r), 0);
	/* New contact: a contact row and a conversion row, both held (manual, not linked). */
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'held'"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'due'"), 0);
	/* A second conversion with nothing new adds only a conversion row. */
	assert_int_equal(ingest(f, f->a, "o@x.de", NULL, NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'contact'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'conversion'"), 2);

	char state_text[16];
	assert_int_equal(syncstate_start(f->db, f->a, state_text, sizeof(state_text), &e),
	                 ERR_NOT_LINKED);
	/* Pretend the import ran (issue #6): running, still manual → rows stay held. */
	char sql[128];
	snprintf(sql, sizeof(sql), "UPDATE companies SET sync_state = 'stopped' WHERE id = %lld",
	         (long long)f->a);
	exec(f, "%s", sql);
	assert_int_equal(syncstate_start(f->db, f->a, state_text, sizeof(state_text), &e), 0);
	assert_string_equal(state_text, "running");
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'held'"), 3);
	/* Switching to automatic releases them (R-B2); back to manual holds again. */
	json_t *out, *patch = json_pack("{s:s}", "backsync_mode", "automatic");
	assert_int_equal(settings_put_json(f->db, f->a, patch, &out, &e), 0);
	json_decref(out);
	json_decref(patch);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'due'"), 3);
	assert_int_equal(ingest(f, f->a, "o@x.de", NULL, NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'due'"), 4);
	patch = json_pack("{s:s}", "backsync_mode", "manual");
	assert_int_equal(settings_put_json(f->db, f->a, patch, &out, &e), 0);
	json_decref(out);
	json_decref(patch);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'due'"), 0);
	/* The per-contact sync button releases that contact's rows (R-B2). */
	int64_t n;
	assert_int_equal(syncstate_sync_contact(f->db, f->a, r.contact_id, &n, &e), 0);
	assert_int_equal(n, 4);
	/* Saving the settings with the same mode must not hold them again (review finding). */
	patch = json_pack("{s:s,s:i}", "backsync_mode", "manual", "import_interval_s", 600);
	assert_int_equal(settings_put_json(f->db, f->a, patch, &out, &e), 0);
	json_decref(out);
	json_decref(patch);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE state = 'due'"), 4);
	/* A failed contact row retried while the contact has a pending one is merged, not
	 * doubled: one pending contact row per contact. */
	exec(f, "UPDATE outbox SET state = 'failed' WHERE kind = 'contact'");
	assert_int_equal(ingest(f, f->a, "o@x.de", "Neu", NULL, NULL, NULL, NULL, &r), 0);
	exec(f, "UPDATE contacts SET first_name = '' WHERE first_name = 'O'");
	assert_int_equal(ingest(f, f->a, "o@x.de", "Neu", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'contact' AND state IN "
	                          "('held','due')"),
	                 1);
	assert_int_equal(outbox_retry(f->db, f->a, 0, &n, &e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'contact' AND state IN "
	                          "('held','due')"),
	                 1);
	assert_int_equal(syncstate_stop(f->db, f->a, state_text, sizeof(state_text), &e), 0);
	assert_string_equal(state_text, "stopped");
}

static void idempotency_replays_and_refuses_other_bodies(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r1, r2;
	assert_int_equal(ingest(f, f->a, "i@x.de", NULL, NULL, NULL, "key-1", "hash-a", &r1), 0);
	assert_false(r1.replayed);
	assert_int_equal(ingest(f, f->a, "i@x.de", NULL, NULL, NULL, "key-1", "hash-a", &r2), 0);
	assert_true(r2.replayed);
	assert_int_equal(r2.contact_id, r1.contact_id);
	assert_int_equal(r2.conversion_id, r1.conversion_id);
	assert_int_equal(ingest(f, f->a, "i@x.de", NULL, NULL, NULL, "key-1", "hash-b", &r2),
	                 ERR_IDEMPOTENCY);
	/* Keys are per company. */
	assert_int_equal(ingest(f, f->b, "i@x.de", NULL, NULL, NULL, "key-1", "hash-b", &r2), 0);
	assert_false(r2.replayed);
	assert_int_equal(count(f, "SELECT count(*) FROM conversions"), 2);
	/* After 24 h the key is forgotten. */
	exec(f, "UPDATE idempotency SET created_at = created_at - 86400001");
	assert_int_equal(ingest(f, f->a, "i@x.de", NULL, NULL, NULL, "key-1", "hash-b", &r2), 0);
	assert_false(r2.replayed);
	assert_int_equal(count(f, "SELECT count(*) FROM conversions"), 3);
}

static void erasure_leaves_a_tombstone_and_nothing_personal(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r;
	struct err e = ERR_INIT;
	int64_t note;
	assert_int_equal(
	    ingest(f, f->a, "gone@x.de", "Gina", "0241 1", "+492411", "k-gone", "h-gone", &r), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM idempotency"), 1);
	assert_int_equal(contact_add_note(f->db, f->a, r.contact_id, "Rückruf", &note, &e), 0);
	/* Another company cannot erase it. */
	assert_int_equal(contact_erase(f->db, f->b, r.contact_id, &e), ERR_NOT_FOUND);
	assert_int_equal(contact_erase(f->db, f->a, r.contact_id, &e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE erased_at IS NOT NULL AND "
	                          "first_name IS NULL"),
	                 1);
	const char *tables[] = {"contact_emails", "contact_phones", "lead_keys",  "conversions",
	                        "notes",          "outbox",         "idempotency"};
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		char sql[96];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", tables[i]);
		assert_int_equal(count(f, "%s", sql), 0);
	}
	json_t *out = NULL;
	assert_int_equal(contact_get_json(f->db, f->a, r.contact_id, &out, &e), ERR_NOT_FOUND);
	assert_int_equal(contact_erase(f->db, f->a, r.contact_id, &e), ERR_NOT_FOUND);
	/* A new conversion with that e-mail makes a new contact. */
	struct ingest_result again;
	assert_int_equal(ingest(f, f->a, "gone@x.de", NULL, NULL, NULL, NULL, NULL, &again), 0);
	assert_true(again.created);
	assert_int_not_equal(again.contact_id, r.contact_id);
}

static void company_deletion_takes_everything(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r;
	struct err e = ERR_INIT;
	assert_int_equal(ingest(f, f->a, "x@x.de", "X", "0241 1", NULL, "k", "h", &r), 0);
	assert_int_equal(ingest(f, f->b, "y@x.de", "Y", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(company_delete(f->db, f->a, &e), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM contacts"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM idempotency"), 0);
	assert_int_equal(count(f, "SELECT count(*) FROM settings"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox"), 2);
	assert_int_equal(company_delete(f->db, f->a, &e), ERR_NOT_FOUND);
}

static void settings_have_defaults_and_refuse_bad_values_whole(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	json_t *out;
	assert_int_equal(settings_get_json(f->db, f->a, &out, &e), 0);
	json_t *expected =
	    json_pack("{s:b,s:[],s:b,s:s,s:b,s:i,s:n,s:n,s:n}", "all_contacts", 1, "contact_types",
	              "without_contact_type", 0, "backsync_mode", "manual", "create_estates", 0,
	              "import_interval_s", 300, "agentslog_kind", "agentslog_type", "origin_key");
	assert_true(json_equal(out, expected));
	json_decref(expected);
	json_decref(out);
	struct {
		const char *json, *field;
	} bad[] = {
	    {"{\"import_interval_s\": 9}", "import_interval_s"},
	    {"{\"import_interval_s\": 86401}", "import_interval_s"},
	    {"{\"import_interval_s\": \"60\"}", "import_interval_s"},
	    {"{\"backsync_mode\": \"sometimes\"}", "backsync_mode"},
	    {"{\"all_contacts\": 1}", "all_contacts"},
	    {"{\"contact_types\": [\"Kunde\", \"Kunde\"]}", "contact_types[1]"},
	    {"{\"contact_types\": [\"\"]}", "contact_types[0]"},
	    {"{\"contact_types\": \"Kunde\"}", "contact_types"},
	    {"{\"origin_key\": 5}", "origin_key"},
	    {"{\"create_estates\": true, \"colour\": \"red\"}", "colour"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *patch = json_loads(bad[i].json, 0, NULL);
		assert_non_null(patch);
		assert_int_equal(settings_put_json(f->db, f->a, patch, &out, &e),
		                 ERR_INVALID_FIELD);
		assert_string_equal(e.field, bad[i].field);
		json_decref(patch);
	}
	/* Nothing changed: create_estates of the last case was not applied. */
	assert_int_equal(count(f, "SELECT count(*) FROM settings WHERE create_estates = 1"), 0);
	json_t *patch =
	    json_pack("{s:[s,s],s:b,s:i,s:s}", "contact_types", "Eigentümer", "Kunde",
	              "all_contacts", 0, "import_interval_s", 10, "origin_key", "BOTTIMMO");
	assert_int_equal(settings_put_json(f->db, f->a, patch, &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "import_interval_s")), 10);
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(out, "contact_types"), 0)),
	    "Eigentümer");
	assert_true(json_is_false(json_object_get(out, "all_contacts")));
	json_decref(out);
	json_decref(patch);
}

static void tokens_authenticate_by_scope_until_revoked(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	char token[TOKEN_TEXT_MAX];
	int64_t id, company;
	enum token_scope scope;
	assert_int_equal(token_create(f->db, f->a, TOKEN_INGEST, token, sizeof(token), &id, &e), 0);
	assert_int_equal(strlen(token), 47);
	assert_int_equal(token_authenticate(f->db, token, &company, &scope, &e), 0);
	assert_int_equal(company, f->a);
	assert_int_equal(scope, TOKEN_INGEST);
	/* Only the hash is stored. */
	char sql[160];
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM api_tokens WHERE token_hash = '%s'",
	         token);
	assert_int_equal(count(f, "%s", sql), 0);
	assert_int_equal(token_revoke(f->db, f->b, id, &e), ERR_NOT_FOUND);
	assert_int_equal(token_revoke(f->db, f->a, id, &e), 0);
	assert_int_equal(token_authenticate(f->db, token, &company, &scope, &e), ERR_UNAUTHORIZED);
	assert_int_equal(token_authenticate(f->db, NULL, &company, &scope, &e), ERR_UNAUTHORIZED);
	assert_int_equal(token_authenticate(f->db, "imk_nope", &company, &scope, &e),
	                 ERR_UNAUTHORIZED);
	assert_int_equal(token_create(f->db, 999, TOKEN_FULL, token, sizeof(token), &id, &e),
	                 ERR_NOT_FOUND);
}

static void other_companies_ids_are_not_found(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r;
	struct err e = ERR_INIT;
	json_t *out = NULL;
	int64_t note;
	assert_int_equal(ingest(f, f->a, "t@x.de", "T", NULL, NULL, NULL, NULL, &r), 0);
	assert_int_equal(contact_get_json(f->db, f->b, r.contact_id, &out, &e), ERR_NOT_FOUND);
	assert_int_equal(contact_notes_json(f->db, f->b, r.contact_id, &out, &e), ERR_NOT_FOUND);
	assert_int_equal(contact_add_note(f->db, f->b, r.contact_id, "x", &note, &e),
	                 ERR_NOT_FOUND);
	assert_int_equal(contact_list_json(f->db, f->b, NULL, 1, 50, &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 0);
	json_decref(out);
	assert_int_equal(contact_list_json(f->db, f->a, "t@X", 1, 50, &out, &e), 0);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 1);
	json_decref(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(same_email_is_the_same_contact_and_case_does_not_matter,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(
	        lowest_imported_contact_wins_when_several_share_the_email, setup, teardown),
	    cmocka_unit_test_setup_teardown(ingest_completes_empty_fields_and_never_erases, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(phones_are_deduplicated_on_their_normalised_form, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(outbox_rows_are_held_until_running_in_automatic_mode,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(idempotency_replays_and_refuses_other_bodies, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(erasure_leaves_a_tombstone_and_nothing_personal, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(company_deletion_takes_everything, setup, teardown),
	    cmocka_unit_test_setup_teardown(settings_have_defaults_and_refuse_bad_values_whole,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(tokens_authenticate_by_scope_until_revoked, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(other_companies_ids_are_not_found, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
