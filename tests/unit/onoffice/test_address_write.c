/* Unit tests for src/onoffice/address_write.c: address create and modify
 * (onoffice-protocol §5.4, §5.5). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/address_write.h"

#define CREATED_ADDRESS ENVELOPE(CREATED_RESULT("address", "address", "181"))

/* The onoffice-protocol §5.4 example, field by field, extendedclaim included. */
static void create_matches_the_docs_example(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, CREATED_ADDRESS}}, .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "<apiClaim>");
	json_t *fields =
	    json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:[s], s:s}", "Anrede", "Herr",
	              "Vorname", "Max", "Name", "Mustermann", "Strasse", "Hauptstr. 2", "Plz",
	              "52074", "Ort", "Aachen", "ArtDaten", "Interessent", "HerkunftKontakt",
	              "Immobilienportal", "DSGVOStatus", "speicherungzugestimmt");
	struct oo_contact_value contacts[] = {
	    {OO_EMAIL, "m.mustermann@example.com", false},
	    {OO_PHONE, "0241 12345", true},
	    {OO_MOBILE, "0170 1234567", false},
	};
	struct oo_address_new a = {.fields = fields,
	                           .land_iso3 = "DEU",
	                           .contacts = contacts,
	                           .ncontacts = 3,
	                           .check_duplicate = true,
	                           .no_override_by_duplicate = true};
	int64_t id = 0;
	struct err e = ERR_INIT;
	assert_int_equal(oo_address_create(c, &a, &id, &e), ERR_OK);
	assert_int_equal(id, 181);
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.flags[0], OO_POST_ONCE);
	assert_action(
	    &f, 0, 0, "create", "address", "\"\"",
	    "{\"Anrede\":\"Herr\",\"Vorname\":\"Max\",\"Name\":\"Mustermann\",\"Strasse\":"
	    "\"Hauptstr. "
	    "2\",\"Plz\":\"52074\",\"Ort\":\"Aachen\",\"Land\":\"DEU\",\"email\":\"m.mustermann@"
	    "example.com\",\"phone\":\"0241 12345\",\"mobile\":\"0170 1234567\",\"default_phone\":"
	    "\"0241 "
	    "12345\",\"ArtDaten\":[\"Interessent\"],\"HerkunftKontakt\":[\"Immobilienportal\"],"
	    "\"DSGVOStatus\":\"speicherungzugestimmt\",\"checkDuplicate\":true,"
	    "\"noOverrideByDuplicate\":true,\"extendedclaim\":\"<apiClaim>\"}");
	json_decref(fields);
	oo_client_free(c);
	fake_release(&f);
}

static void create_defaults_per_group_and_options_off(void **state)
{
	(void)state;
	struct oo_contact_value contacts[] = {
	    {OO_MOBILE, "0170 1", true},
	    {OO_EMAIL_BUSINESS, "a@b.de", true},
	    {OO_FAX_PRIVATE, "0241 9", true},
	    {OO_PHONE_BUSINESS, "0241 2", false},
	};
	struct oo_address_new a = {.contacts = contacts, .ncontacts = 4};
	json_t *p;
	assert_int_equal(oo_address_create_params(&a, &p, NULL), ERR_OK);
	json_t *want = json_loads(
	    "{\"mobile\":\"0170 1\",\"default_phone\":\"0170 1\",\"email_business\":\"a@b.de\","
	    "\"default_email\":\"a@b.de\",\"fax_private\":\"0241 9\",\"default_fax\":\"0241 9\","
	    "\"phone_business\":\"0241 2\"}",
	    0, NULL);
	assert_true(json_equal(p, want));
	json_decref(want);
	json_decref(p);
}

static void create_refuses_what_has_its_own_member(void **state)
{
	(void)state;
	const char *refused[] = {"email",          "phone",         "default_email",
	                         "checkDuplicate", "Email",         "Telefon1",
	                         "Land",           "extendedclaim", NULL};
	for (size_t i = 0; refused[i]; i++) {
		json_t *fields = json_pack("{s:s}", refused[i], "x");
		struct oo_address_new a = {.fields = fields};
		json_t *p = (json_t *)1;
		struct err e = ERR_INIT;
		assert_int_equal(oo_address_create_params(&a, &p, &e), ERR_INVALID_ARG);
		assert_null(p);
		char want[64];
		snprintf(want, sizeof(want), "fields.%s", refused[i]);
		assert_string_equal(e.field, want);
		json_decref(fields);
	}
	/* values: a fraction, an object, an array of objects */
	const char *values[] = {"{\"x\":1.5}", "{\"x\":{}}", "{\"x\":[{}]}", "[]", NULL};
	for (size_t i = 0; values[i]; i++) {
		json_t *fields = json_loads(values[i], 0, NULL);
		struct oo_address_new a = {.fields = fields};
		json_t *p;
		assert_int_equal(oo_address_create_params(&a, &p, NULL), ERR_INVALID_ARG);
		json_decref(fields);
	}
	/* contacts and country */
	struct oo_contact_value twice[] = {{OO_EMAIL, "a@b.de", false},
	                                   {OO_EMAIL, "c@d.de", false}};
	struct oo_contact_value two_defaults[] = {{OO_PHONE, "1", true}, {OO_MOBILE, "2", true}};
	struct oo_contact_value empty[] = {{OO_EMAIL, "", false}};
	struct oo_contact_value bad_type[] = {{(enum oo_contact_type)42, "x", false}};
	struct oo_address_new cases[] = {
	    {.contacts = twice, .ncontacts = 2},
	    {.contacts = two_defaults, .ncontacts = 2},
	    {.contacts = empty, .ncontacts = 1},
	    {.contacts = bad_type, .ncontacts = 1},
	    {.land_iso3 = "Deutschland"},
	    {.land_iso3 = "deu"},
	    {.land_iso3 = "DE"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *p;
		assert_int_equal(oo_address_create_params(&cases[i], &p, NULL), ERR_INVALID_ARG);
	}
}

static void contact_type_names(void **state)
{
	(void)state;
	for (int t = 0; t < OO_CONTACT_TYPE_COUNT; t++) {
		enum oo_contact_type back;
		const char *key = oo_contact_type_key((enum oo_contact_type)t);
		assert_non_null(key);
		assert_int_equal(oo_contact_type_from_key(key, &back), ERR_OK);
		assert_int_equal(back, t);
	}
	enum oo_contact_type x;
	assert_int_equal(oo_contact_type_from_key("Email", &x), ERR_INVALID_ARG);
	assert_int_equal(oo_contact_type_from_key(NULL, &x), ERR_INVALID_ARG);
	assert_null(oo_contact_type_key(OO_CONTACT_TYPE_COUNT));
	assert_string_equal(oo_contact_default_key(OO_MOBILE), "default_phone");
	assert_string_equal(oo_contact_default_key(OO_FAX_BUSINESS), "default_fax");
	assert_string_equal(oo_contact_default_key(OO_EMAIL_PRIVATE), "default_email");
}

/* The onoffice-protocol §5.5 example: fields, a phone modified (default) and an e-mail added. */
static void modify_matches_the_docs_example(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, ENVELOPE(EMPTY_RESULT)}}, .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	json_t *fields =
	    json_pack("{s:s, s:[s]}", "Strasse", "Hauptstr. 2", "HerkunftKontakt", "Suchmaschine");
	struct oo_contact_change changes[] = {
	    {OO_PHONE, OO_CONTACT_MODIFY, "0049 641 43681-272", "0049 244 48453-311", OO_TRUE},
	    {OO_EMAIL, OO_CONTACT_ADD, NULL, "max.mustermann982@beispiel.de", OO_UNSET},
	};
	struct oo_address_change ch = {
	    .id = 32, .fields = fields, .contacts = changes, .ncontacts = 2};
	struct err e = ERR_INIT;
	assert_int_equal(oo_address_modify(c, &ch, &e), ERR_OK);
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.flags[0], OO_POST_ONCE);
	assert_action(
	    &f, 0, 0, "modify", "address", "32",
	    "{\"Strasse\":\"Hauptstr. 2\",\"HerkunftKontakt\":[\"Suchmaschine\"],"
	    "\"phone\":{\"action\":\"modify\",\"oldvalue\":\"0049 641 43681-272\","
	    "\"newvalue\":\"0049 244 48453-311\",\"default\":true},"
	    "\"email\":{\"action\":\"add\",\"newvalue\":\"max.mustermann982@beispiel.de\"}}");
	json_decref(fields);
	oo_client_free(c);
	fake_release(&f);
}

/* Several changes of one key need several actions, which share one request. */
static void modify_spreads_changes_of_one_key_over_actions(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0, ENVELOPE(EMPTY_RESULT "," EMPTY_RESULT "," EMPTY_RESULT)}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "CLAIM");
	struct oo_contact_change changes[] = {
	    {OO_EMAIL, OO_CONTACT_ADD, NULL, "one@example.de", OO_TRUE},
	    {OO_EMAIL, OO_CONTACT_ADD, NULL, "two@example.de", OO_UNSET},
	    {OO_MOBILE, OO_CONTACT_DELETE, "0170 1", NULL, OO_UNSET},
	    {OO_EMAIL, OO_CONTACT_ADD, NULL, "three@example.de", OO_FALSE},
	};
	struct oo_address_change ch = {
	    .id = 7, .land_name = "Österreich", .contacts = changes, .ncontacts = 4};
	assert_int_equal(oo_address_modify(c, &ch, NULL), ERR_OK);
	assert_int_equal(f.calls, 1);
	assert_action(&f, 0, 0, "modify", "address", "7",
	              "{\"Land\":\"Österreich\",\"email\":{\"action\":\"add\",\"newvalue\":"
	              "\"one@example.de\",\"default\":true},\"mobile\":{\"action\":\"delete\","
	              "\"oldvalue\":\"0170 1\"},\"extendedclaim\":\"CLAIM\"}");
	assert_action(&f, 0, 1, "modify", "address", "7",
	              "{\"email\":{\"action\":\"add\",\"newvalue\":\"two@example.de\"},"
	              "\"extendedclaim\":\"CLAIM\"}");
	assert_action(&f, 0, 2, "modify", "address", "7",
	              "{\"email\":{\"action\":\"add\",\"newvalue\":\"three@example.de\","
	              "\"default\":false},\"extendedclaim\":\"CLAIM\"}");
	oo_client_free(c);
	fake_release(&f);

	/* Appended to a batch that holds other writes; the count comes back. */
	struct oo_batch b = OO_BATCH_INIT;
	assert_int_equal(oo_batch_add(&b, OO_CREATE, "agentslog", NULL, NULL, NULL), ERR_OK);
	size_t n = 0;
	assert_int_equal(oo_address_modify_add(&b, &ch, &n, NULL), ERR_OK);
	assert_int_equal(n, 3);
	assert_int_equal(b.n, 4);
	oo_batch_release(&b);
}

static void modify_refusals_leave_the_batch_alone(void **state)
{
	(void)state;
	struct oo_contact_change add_old[] = {{OO_EMAIL, OO_CONTACT_ADD, "x", "y", OO_UNSET}};
	struct oo_contact_change add_none[] = {{OO_EMAIL, OO_CONTACT_ADD, NULL, "", OO_UNSET}};
	struct oo_contact_change mod_half[] = {{OO_EMAIL, OO_CONTACT_MODIFY, NULL, "y", OO_UNSET}};
	struct oo_contact_change del_new[] = {{OO_EMAIL, OO_CONTACT_DELETE, "x", "y", OO_UNSET}};
	struct oo_contact_change bad_op[] = {
	    {OO_EMAIL, (enum oo_contact_op)9, "x", NULL, OO_UNSET}};
	json_t *land = json_pack("{s:s}", "Land", "DEU");
	struct oo_address_change cases[] = {
	    {.id = 0, .land_name = "Deutschland"},
	    {.id = 1},
	    {.id = 1, .contacts = add_old, .ncontacts = 1},
	    {.id = 1, .contacts = add_none, .ncontacts = 1},
	    {.id = 1, .contacts = mod_half, .ncontacts = 1},
	    {.id = 1, .contacts = del_new, .ncontacts = 1},
	    {.id = 1, .contacts = bad_op, .ncontacts = 1},
	    {.id = 1, .land_name = "DEU"},
	    {.id = 1, .land_name = "DE"},
	    {.id = 1, .land_name = ""},
	    {.id = 1, .fields = land},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct oo_batch b = OO_BATCH_INIT;
		assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL), ERR_OK);
		size_t n = 99;
		assert_int_equal(oo_address_modify_add(&b, &cases[i], &n, NULL), ERR_INVALID_ARG);
		assert_int_equal(b.n, 1);
		assert_int_equal(n, 0);
		oo_batch_release(&b);
	}
	json_decref(land);

	/* More changes of one key than a batch holds. */
	static struct oo_contact_change many[OO_BATCH_MAX + 1];
	for (size_t i = 0; i < OO_BATCH_MAX + 1; i++)
		many[i] =
		    (struct oo_contact_change){OO_EMAIL, OO_CONTACT_ADD, NULL, "a@b.de", OO_UNSET};
	struct oo_address_change ch = {.id = 1, .contacts = many, .ncontacts = OO_BATCH_MAX + 1};
	struct oo_batch b = OO_BATCH_INIT;
	assert_int_equal(oo_address_modify_add(&b, &ch, NULL, NULL), ERR_INVALID_ARG);
	assert_int_equal(b.n, 0);
	ch.ncontacts = OO_BATCH_MAX;
	assert_int_equal(oo_address_modify_add(&b, &ch, NULL, NULL), ERR_OK);
	assert_int_equal(b.n, OO_BATCH_MAX);
	oo_batch_release(&b);
}

/* A modify whose second action fails: the batch's class, per-action results kept. */
static void modify_partial_failure(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 ERR_ENVELOPE_BEGIN EMPTY_RESULT "," ERROR_RESULT(
	                     "86", "Unique identifier for phone entry is ambiguous") "]}}"}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_contact_change changes[] = {
	    {OO_EMAIL, OO_CONTACT_ADD, NULL, "one@example.de", OO_UNSET},
	    {OO_EMAIL, OO_CONTACT_MODIFY, "dup@example.de", "two@example.de", OO_UNSET},
	};
	struct oo_address_change ch = {.id = 5, .contacts = changes, .ncontacts = 2};
	struct oo_batch b = OO_BATCH_INIT;
	struct err e = ERR_INIT;
	assert_int_equal(oo_address_modify_add(&b, &ch, NULL, NULL), ERR_OK);
	assert_int_equal(oo_call(c, &b, &e), ERR_OO_FINAL);
	assert_int_equal(e.remote_code, 86);
	assert_int_equal(b.items[0].result.code, ERR_OK);
	assert_int_equal(b.items[1].result.code, ERR_OO_FINAL);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_matches_the_docs_example),
	    cmocka_unit_test(create_defaults_per_group_and_options_off),
	    cmocka_unit_test(create_refuses_what_has_its_own_member),
	    cmocka_unit_test(contact_type_names),
	    cmocka_unit_test(modify_matches_the_docs_example),
	    cmocka_unit_test(modify_spreads_changes_of_one_key_over_actions),
	    cmocka_unit_test(modify_refusals_leave_the_batch_alone),
	    cmocka_unit_test(modify_partial_failure),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
