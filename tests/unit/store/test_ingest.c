/*
 * Unit tests for src/store/ingest.c: contact_ingest as src/store/contact.h states it.
 * Idempotency (R-X1): a replay returns the first ids and stores nothing, another body
 * under the same key is ERR_IDEMPOTENCY and stores nothing; the identity of requirements §8.1
 * (lead key, else the lowest live contact id holding the e-mail, else a new contact);
 * completion without overwriting or erasing, and never of an erased contact (R-T3);
 * outbox rows `due` only when running in automatic mode, else `held`; tenant
 * isolation (R-T1).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/email.h"
#include "store/company.h"
#include "store/contact.h"
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

/* Row counts of every table an ingest writes: "nothing stored" compares two of these. */
#define NTABLES 7
static const char *const tables[NTABLES] = {"contacts",   "contact_emails", "contact_phones",
                                            "lead_keys",  "conversions",    "outbox",
                                            "idempotency"};

static void snapshot(struct fixture *f, int64_t out[NTABLES])
{
	for (size_t i = 0; i < NTABLES; i++)
		out[i] = count(f, "SELECT count(*) FROM %s", tables[i]);
}

static void nothing_stored_since(struct fixture *f, const int64_t before[NTABLES])
{
	int64_t now[NTABLES];
	snapshot(f, now);
	for (size_t i = 0; i < NTABLES; i++)
		if (now[i] != before[i])
			fail_msg("%s: %lld rows, %lld before", tables[i], (long long)now[i],
			         (long long)before[i]);
}

static int ingest_lead(struct fixture *f, int64_t company, const struct contact_fields *lead,
                       const char *key, const char *hash, struct ingest_result *r, struct err *e)
{
	json_t *details = json_pack("{s:s,s:i}", "property_type", "house", "rooms", 4);
	struct conversion_input conv = {"valuation", "https://lp.example/aachen", 1764151200000,
	                                "lead-7", details};
	int rc = contact_ingest(f->db, company, lead, &conv, key, hash, r, e);
	json_decref(details);
	return rc;
}

/* An ingest of just an e-mail that must succeed. */
static struct ingest_result ingest_ok(struct fixture *f, int64_t company, const char *email,
                                      const char *key, const char *hash)
{
	struct contact_fields lead = {.email = email, .gdpr_consent = -1};
	struct ingest_result r;
	struct err e = ERR_INIT;
	if (ingest_lead(f, company, &lead, key, hash, &r, &e))
		fail_msg("contact_ingest: %s", e.message);
	return r;
}

static void replay_returns_the_first_ids_and_stores_nothing(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r1 = ingest_ok(f, f->a, "r@x.de", "key-1", "hash-a");
	assert_false(r1.replayed);
	assert_true(r1.created);
	int64_t before[NTABLES];
	snapshot(f, before);
	/* R-X1: the same key and body, even with other lead data, replay the first answer. */
	struct contact_fields other = {.email = "new@x.de", .first_name = "Neu", .gdpr_consent = 1};
	struct ingest_result r2;
	struct err e = ERR_INIT;
	assert_int_equal(ingest_lead(f, f->a, &other, "key-1", "hash-a", &r2, &e), ERR_OK);
	assert_true(r2.replayed);
	assert_false(r2.created);
	assert_int_equal(r2.contact_id, r1.contact_id);
	assert_int_equal(r2.conversion_id, r1.conversion_id);
	nothing_stored_since(f, before);
	/* Shortly before the 24 h are over the key still replays. */
	exec(f, "UPDATE idempotency SET created_at = created_at - 86400000 + 60000");
	r2 = ingest_ok(f, f->a, "r@x.de", "key-1", "hash-a");
	assert_true(r2.replayed);
	assert_int_equal(r2.conversion_id, r1.conversion_id);
	nothing_stored_since(f, before);
}

static void other_body_under_the_same_key_is_refused_and_stores_nothing(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r1 = ingest_ok(f, f->a, "c@x.de", "key-1", "hash-a");
	int64_t before[NTABLES];
	snapshot(f, before);
	/* R-X1: a new e-mail would make a new contact; the conflict must store none of it. */
	struct contact_fields other = {.email = "other@x.de", .first_name = "O", .gdpr_consent = 1};
	struct ingest_result r2;
	struct err e = ERR_INIT;
	assert_int_equal(ingest_lead(f, f->a, &other, "key-1", "hash-b", &r2, &e), ERR_IDEMPOTENCY);
	assert_string_equal(e.field, "Idempotency-Key");
	nothing_stored_since(f, before);
	/* The first answer is still the key's answer. */
	struct ingest_result r3 = ingest_ok(f, f->a, "c@x.de", "key-1", "hash-a");
	assert_true(r3.replayed);
	assert_int_equal(r3.conversion_id, r1.conversion_id);
}

static void refused_lead_stores_nothing_and_leaves_the_key_unused(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r;
	struct err e = ERR_INIT;
	int64_t before[NTABLES];
	snapshot(f, before);
	struct contact_fields none = {.first_name = "Ohne", .gdpr_consent = -1};
	assert_int_equal(ingest_lead(f, f->a, &none, "key-1", "hash-a", &r, &e), ERR_INVALID_FIELD);
	assert_string_equal(e.field, "lead.email");
	/* An e-mail too long for its normal form fails inside the transaction. */
	char longmail[EMAIL_KEY_MAX + 16];
	memset(longmail, 'a', sizeof(longmail) - 1);
	longmail[sizeof(longmail) - 1] = '\0';
	memcpy(longmail + sizeof(longmail) - 6, "@x.de", 5);
	struct contact_fields too_long = {.email = longmail, .gdpr_consent = -1};
	err_clear(&e);
	assert_int_equal(ingest_lead(f, f->a, &too_long, "key-1", "hash-a", &r, &e),
	                 ERR_INVALID_FIELD);
	assert_string_equal(e.field, "lead.email");
	nothing_stored_since(f, before);
	/* The key was not used: another body under it is accepted. */
	r = ingest_ok(f, f->a, "k@x.de", "key-1", "hash-b");
	assert_false(r.replayed);
	assert_true(r.created);
}

static void without_a_key_every_call_is_a_new_conversion(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r1 = ingest_ok(f, f->a, "n@x.de", NULL, NULL);
	struct ingest_result r2 = ingest_ok(f, f->a, "n@x.de", NULL, NULL);
	assert_false(r2.replayed);
	assert_int_equal(r2.contact_id, r1.contact_id);
	assert_int_not_equal(r2.conversion_id, r1.conversion_id);
	assert_int_equal(count(f, "SELECT count(*) FROM conversions"), 2);
	assert_int_equal(count(f, "SELECT count(*) FROM idempotency"), 0);
}

static void new_contact_carries_the_lead_and_its_conversion(void **state)
{
	struct fixture *f = *state;
	struct contact_fields lead = {.email = "Neu@Example.de",
	                              .salutation = "Frau",
	                              .first_name = "Nina",
	                              .last_name = "Neumann",
	                              .phone_raw = "0241 12345",
	                              .phone_e164 = "+4924112345",
	                              .city = "Aachen",
	                              .country = "DE",
	                              .gdpr_consent = 1};
	struct ingest_result r;
	struct err e = ERR_INIT;
	assert_int_equal(ingest_lead(f, f->a, &lead, NULL, NULL, &r, &e), ERR_OK);
	assert_true(r.created);
	assert_false(r.replayed);
	int64_t id = r.contact_id;
	assert_int_equal(
	    count(f,
	          "SELECT count(*) FROM contacts WHERE id = %lld AND company_id = %lld "
	          "AND origin = 'platform' AND first_name = 'Nina' AND last_name = "
	          "'Neumann' AND city = 'Aachen' AND gdpr_consent = 1 AND status = "
	          "'new'",
	          (long long)id, (long long)f->a),
	    1);
	/* The e-mail as given is primary; its normal form is the lead key. */
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM contact_emails WHERE contact_id = %lld AND "
	                       "email = 'Neu@Example.de' AND email_norm = 'neu@example.de' AND "
	                       "is_primary = 1",
	                       (long long)id),
	                 1);
	assert_int_equal(count(f, "SELECT contact_id FROM lead_keys WHERE email_norm = "
	                          "'neu@example.de'"),
	                 id);
	assert_int_equal(count(f, "SELECT count(*) FROM contact_phones WHERE e164 = '+4924112345'"),
	                 1);
	assert_int_equal(
	    count(f,
	          "SELECT count(*) FROM conversions WHERE id = %lld AND contact_id = "
	          "%lld AND type = 'valuation' AND lead_id = 'lead-7' AND lead_email = "
	          "'Neu@Example.de' AND lead_status = 'new' AND occurred_at = "
	          "1764151200000 AND details = '{\"property_type\":\"house\","
	          "\"rooms\":4}'",
	          (long long)r.conversion_id, (long long)id),
	    1);
}

static void lead_key_decides_before_the_lowest_id(void **state)
{
	struct fixture *f = *state;
	/* Two imported contacts hold the e-mail; a conversion pinned the higher one. */
	exec(f,
	     "INSERT INTO contacts (id, company_id, origin, onoffice_address_id, created_at, "
	     "updated_at) VALUES (30, %lld, 'onoffice', 300, 0, 0), (40, %lld, 'onoffice', 400, 0, "
	     "0);"
	     "INSERT INTO contact_emails (company_id, contact_id, email, email_norm, is_primary) "
	     "VALUES (%lld, 30, 'k@x.de', 'k@x.de', 1), (%lld, 40, 'k@x.de', 'k@x.de', 1);"
	     "INSERT INTO lead_keys (company_id, email_norm, contact_id) VALUES (%lld, 'k@x.de', "
	     "40)",
	     (long long)f->a, (long long)f->a, (long long)f->a, (long long)f->a, (long long)f->a);
	struct ingest_result r = ingest_ok(f, f->a, "K@X.DE", NULL, NULL);
	assert_false(r.created);
	assert_int_equal(r.contact_id, 40);
}

static void lowest_live_contact_holding_the_email_wins(void **state)
{
	struct fixture *f = *state;
	/* 10 is erased but still holds the e-mail; 20 holds it as a second e-mail; 25 as its
	 * primary one. No lead key exists. */
	exec(f,
	     "INSERT INTO contacts (id, company_id, origin, onoffice_address_id, erased_at, "
	     "created_at, updated_at) VALUES (10, %lld, 'onoffice', 100, 5, 0, 0), (20, %lld, "
	     "'onoffice', 200, NULL, 0, 0), (25, %lld, 'onoffice', 250, NULL, 0, 0);"
	     "INSERT INTO contact_emails (company_id, contact_id, email, email_norm, is_primary) "
	     "VALUES (%lld, 10, 's@x.de', 's@x.de', 1), (%lld, 20, 'main@x.de', 'main@x.de', 1), "
	     "(%lld, 20, 'S@x.de', 's@x.de', 0), (%lld, 25, 's@x.de', 's@x.de', 1)",
	     (long long)f->a, (long long)f->a, (long long)f->a, (long long)f->a, (long long)f->a,
	     (long long)f->a, (long long)f->a);
	struct contact_fields lead = {.email = "s@X.de", .first_name = "Sven", .gdpr_consent = -1};
	struct ingest_result r;
	struct err e = ERR_INIT;
	assert_int_equal(ingest_lead(f, f->a, &lead, NULL, NULL, &r, &e), ERR_OK);
	assert_false(r.created);
	assert_int_equal(r.contact_id, 20);
	/* The erased one was neither chosen nor completed (R-T3); the key now pins 20. */
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE id = 10 AND first_name IS "
	                          "NULL"),
	                 1);
	assert_int_equal(count(f, "SELECT contact_id FROM lead_keys WHERE email_norm = 's@x.de'"),
	                 20);
	assert_int_equal(count(f, "SELECT count(*) FROM contacts WHERE first_name = 'Sven'"), 1);
}

static void completion_fills_empty_fields_only(void **state)
{
	struct fixture *f = *state;
	struct contact_fields first = {.email = "f@x.de", .first_name = "Frida", .gdpr_consent = 1};
	struct contact_fields later = {.email = "f@x.de",
	                               .first_name = "Frauke",
	                               .last_name = "",
	                               .city = "Köln",
	                               .gdpr_consent = 0};
	struct ingest_result r;
	struct err e = ERR_INIT;
	assert_int_equal(ingest_lead(f, f->a, &first, NULL, NULL, &r, &e), ERR_OK);
	int64_t id = r.contact_id;
	exec(f, "UPDATE contacts SET updated_at = 1");
	assert_int_equal(ingest_lead(f, f->a, &later, NULL, NULL, &r, &e), ERR_OK);
	assert_false(r.created);
	assert_int_equal(r.contact_id, id);
	/* Filled: city. Kept: first name and consent (false never revokes true). */
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM contacts WHERE id = %lld AND first_name = "
	                       "'Frida' AND last_name IS NULL AND city = 'Köln' AND gdpr_consent = "
	                       "1 AND updated_at > 1",
	                       (long long)id),
	                 1);
	/* Absent fields erase nothing. */
	(void)ingest_ok(f, f->a, "f@x.de", NULL, NULL);
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM contacts WHERE id = %lld AND first_name = "
	                       "'Frida' AND city = 'Köln' AND gdpr_consent = 1",
	                       (long long)id),
	                 1);
}

static void erased_contact_is_never_completed(void **state)
{
	struct fixture *f = *state;
	struct contact_fields lead = {
	    .email = "gone@x.de", .first_name = "Gina", .gdpr_consent = 1};
	struct ingest_result r1, r2;
	struct err e = ERR_INIT;
	assert_int_equal(ingest_lead(f, f->a, &lead, NULL, NULL, &r1, &e), ERR_OK);
	assert_int_equal(contact_erase(f->db, f->a, r1.contact_id, &e), ERR_OK);
	assert_int_equal(ingest_lead(f, f->a, &lead, NULL, NULL, &r2, &e), ERR_OK);
	/* R-T3: a new contact; the tombstone keeps nothing personal and gets no rows. */
	assert_true(r2.created);
	assert_int_not_equal(r2.contact_id, r1.contact_id);
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM contacts WHERE id = %lld AND erased_at IS NOT "
	                       "NULL AND first_name IS NULL AND gdpr_consent = 0",
	                       (long long)r1.contact_id),
	                 1);
	const char *per_contact[] = {"contact_emails", "lead_keys", "conversions", "outbox"};
	for (size_t i = 0; i < sizeof(per_contact) / sizeof(per_contact[0]); i++)
		assert_int_equal(count(f, "SELECT count(*) FROM %s WHERE contact_id = %lld",
		                       per_contact[i], (long long)r1.contact_id),
		                 0);
}

static void outbox_rows_are_due_only_when_running_in_automatic_mode(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *sync_state, *mode, *want;
	} cases[] = {
	    {"not_linked", "automatic", "held"}, {"linked", "automatic", "held"},
	    {"stopped", "automatic", "held"},    {"running", "manual", "held"},
	    {"running", "automatic", "due"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char email[32];
		snprintf(email, sizeof(email), "o%zu@x.de", i);
		exec(f,
		     "DELETE FROM outbox; UPDATE companies SET sync_state = '%s' WHERE id = %lld; "
		     "UPDATE settings SET backsync_mode = '%s' WHERE company_id = %lld",
		     cases[i].sync_state, (long long)f->a, cases[i].mode, (long long)f->a);
		struct ingest_result r = ingest_ok(f, f->a, email, NULL, NULL);
		/* A new contact: one contact row and one conversion row, both in the state. */
		assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE company_id = %lld",
		                       (long long)f->a),
		                 2);
		if (count(f, "SELECT count(*) FROM outbox WHERE state = '%s'", cases[i].want) != 2)
			fail_msg("%s + %s: rows are not %s", cases[i].sync_state, cases[i].mode,
			         cases[i].want);
		assert_int_equal(
		    count(f,
		          "SELECT count(*) FROM outbox WHERE contact_id = %lld AND kind = "
		          "'conversion' AND ref_id = %lld",
		          (long long)r.contact_id, (long long)r.conversion_id),
		    1);
	}
}

static void known_contact_without_news_adds_only_a_conversion_row(void **state)
{
	struct fixture *f = *state;
	struct ingest_result r = ingest_ok(f, f->a, "q@x.de", NULL, NULL);
	exec(f, "DELETE FROM outbox");
	(void)ingest_ok(f, f->a, "q@x.de", NULL, NULL);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'conversion'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'contact'"), 0);
	/* A new phone is news: one contact row, and only one while it is pending. */
	struct contact_fields phone = {
	    .email = "q@x.de", .phone_raw = "0171 1", .gdpr_consent = -1};
	struct err e = ERR_INIT;
	assert_int_equal(ingest_lead(f, f->a, &phone, NULL, NULL, &r, &e), ERR_OK);
	phone.phone_raw = "0171 2";
	assert_int_equal(ingest_lead(f, f->a, &phone, NULL, NULL, &r, &e), ERR_OK);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'contact'"), 1);
	assert_int_equal(count(f, "SELECT count(*) FROM outbox WHERE kind = 'conversion'"), 3);
}

static void companies_share_neither_contacts_nor_keys(void **state)
{
	struct fixture *f = *state;
	struct ingest_result ra = ingest_ok(f, f->a, "t@x.de", "key-1", "hash-a");
	/* R-T1: the same e-mail and the same key with another body are B's own. */
	struct ingest_result rb = ingest_ok(f, f->b, "t@x.de", "key-1", "hash-b");
	assert_true(rb.created);
	assert_false(rb.replayed);
	assert_int_not_equal(rb.contact_id, ra.contact_id);
	assert_int_equal(
	    count(f, "SELECT company_id FROM contacts WHERE id = %lld", (long long)rb.contact_id),
	    f->b);
	assert_int_equal(count(f, "SELECT count(*) FROM lead_keys WHERE email_norm = 't@x.de'"), 2);
	/* Each company's key replays its own answer. */
	struct ingest_result again = ingest_ok(f, f->a, "t@x.de", "key-1", "hash-a");
	assert_true(again.replayed);
	assert_int_equal(again.conversion_id, ra.conversion_id);
	again = ingest_ok(f, f->b, "t@x.de", "key-1", "hash-b");
	assert_true(again.replayed);
	assert_int_equal(again.conversion_id, rb.conversion_id);
	/* An imported contact of B holding an e-mail is not found from A. */
	exec(f,
	     "INSERT INTO contacts (id, company_id, origin, onoffice_address_id, created_at, "
	     "updated_at) VALUES (90, %lld, 'onoffice', 900, 0, 0);"
	     "INSERT INTO contact_emails (company_id, contact_id, email, email_norm, is_primary) "
	     "VALUES (%lld, 90, 'b-only@x.de', 'b-only@x.de', 1)",
	     (long long)f->b, (long long)f->b);
	struct ingest_result rx = ingest_ok(f, f->a, "b-only@x.de", NULL, NULL);
	assert_true(rx.created);
	assert_int_not_equal(rx.contact_id, 90);
	/* An unknown company stores nothing. */
	int64_t before[NTABLES];
	snapshot(f, before);
	struct contact_fields lead = {.email = "u@x.de", .gdpr_consent = -1};
	struct err e = ERR_INIT;
	assert_int_not_equal(ingest_lead(f, 999, &lead, "key-9", "hash-9", &rx, &e), ERR_OK);
	nothing_stored_since(f, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(replay_returns_the_first_ids_and_stores_nothing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(
	        other_body_under_the_same_key_is_refused_and_stores_nothing, setup, teardown),
	    cmocka_unit_test_setup_teardown(refused_lead_stores_nothing_and_leaves_the_key_unused,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(without_a_key_every_call_is_a_new_conversion, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(new_contact_carries_the_lead_and_its_conversion, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(lead_key_decides_before_the_lowest_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(lowest_live_contact_holding_the_email_wins, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(completion_fills_empty_fields_only, setup, teardown),
	    cmocka_unit_test_setup_teardown(erased_contact_is_never_completed, setup, teardown),
	    cmocka_unit_test_setup_teardown(outbox_rows_are_due_only_when_running_in_automatic_mode,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(known_contact_without_news_adds_only_a_conversion_row,
	                                    setup, teardown),
	    cmocka_unit_test_setup_teardown(companies_share_neither_contacts_nor_keys, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
