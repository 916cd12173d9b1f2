/*
 * Unit tests for src/sync/scope.c (R-I3) and src/sync/map.c (R-I5): branches and their
 * filters, the Systembenutzer rules, the scope hash; one address record → one contact.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sync/map.h"
#include "sync/scope.h"

static void scope_of(const char *json, struct sync_scope *s)
{
	json_t *settings = json_loads(json, 0, NULL);
	assert_non_null(settings);
	assert_int_equal(sync_scope_from_settings(settings, s, NULL), 0);
	json_decref(settings);
}

static char *filter_of(const struct sync_scope *s, size_t b)
{
	json_t *f = NULL;
	assert_int_equal(sync_scope_filter(s, b, &f), 0);
	char *text = f ? json_dumps(f, JSON_COMPACT) : strdup("null");
	json_decref(f);
	return text;
}

static void branches(void **state)
{
	(void)state;
	struct sync_scope s;
	char *t;
	scope_of("{\"all_contacts\": true, \"contact_types\": [\"Kunde\"], "
	         "\"without_contact_type\": true}",
	         &s);
	assert_int_equal(sync_scope_branches(&s), 1); /* all makes the rest irrelevant */
	assert_string_equal(t = filter_of(&s, 0), "null");
	free(t);
	sync_scope_release(&s);

	scope_of("{\"all_contacts\": false, \"contact_types\": [\"Makler\", \"Kunde\", "
	         "\"Systembenutzer\"], \"without_contact_type\": true}",
	         &s);
	assert_int_equal(sync_scope_branches(&s), 2);
	assert_int_equal(s.ntypes, 2); /* Systembenutzer never selects anything */
	assert_string_equal(t = filter_of(&s, 0),
	                    "{\"ArtDaten\":[{\"op\":\"in\",\"val\":[\"Kunde\",\"Makler\"]}]}");
	free(t);
	assert_string_equal(t = filter_of(&s, 1), "{\"ArtDaten\":[{\"op\":\"=\",\"val\":\"\"}]}");
	free(t);
	sync_scope_release(&s);

	scope_of("{\"all_contacts\": false, \"contact_types\": [], \"without_contact_type\": true}",
	         &s);
	assert_int_equal(sync_scope_branches(&s), 1);
	assert_string_equal(t = filter_of(&s, 0), "{\"ArtDaten\":[{\"op\":\"=\",\"val\":\"\"}]}");
	free(t);
	sync_scope_release(&s);

	scope_of(
	    "{\"all_contacts\": false, \"contact_types\": [], \"without_contact_type\": false}",
	    &s);
	assert_int_equal(sync_scope_branches(&s), 0);
	sync_scope_release(&s);
}

static void hash(void **state)
{
	(void)state;
	struct sync_scope a, b, c, d;
	scope_of("{\"all_contacts\": false, \"contact_types\": [\"A\", \"B\"]}", &a);
	scope_of("{\"all_contacts\": false, \"contact_types\": [\"B\", \"A\"]}", &b);
	scope_of("{\"all_contacts\": false, \"contact_types\": [\"A\", \"B\"], "
	         "\"without_contact_type\": true}",
	         &c);
	scope_of("{\"all_contacts\": true, \"contact_types\": [\"A\"]}", &d);
	assert_string_equal(a.hash, b.hash); /* order does not matter */
	assert_string_not_equal(a.hash, c.hash);
	assert_string_not_equal(a.hash, d.hash);
	assert_int_equal(strlen(a.hash), 64);
	struct sync_scope e;
	scope_of("{\"all_contacts\": true}", &e);
	assert_string_equal(d.hash, e.hash); /* all: the types are irrelevant */
	sync_scope_release(&a);
	sync_scope_release(&b);
	sync_scope_release(&c);
	sync_scope_release(&d);
	sync_scope_release(&e);
}

static void system_user_only(void **state)
{
	(void)state;
	struct sync_scope all;
	struct oo_strv t = OO_STRV_INIT;
	scope_of("{\"all_contacts\": true}", &all);
	assert_true(sync_scope_keeps(&all, 0, &t)); /* no type */
	oo_strv_push(&t, "Systembenutzer", 14);
	assert_false(sync_scope_keeps(&all, 0, &t)); /* only Systembenutzer */
	oo_strv_push(&t, "Kunde", 5);
	assert_true(sync_scope_keeps(&all, 0, &t)); /* Systembenutzer and another */
	oo_strv_release(&t);
	assert_true(sync_is_system_user("systembenutzer"));
	assert_false(sync_is_system_user("Systembenutzerin"));
	sync_scope_release(&all);
}

static void map_record(void **state)
{
	(void)state;
	const char *rec =
	    "{\"id\": 4711, \"type\": \"address\", \"elements\": {\"Anrede\": \"Frau\", "
	    "\"Vorname\": \" Anna \", \"Name\": \"Schmidt\", \"Strasse\": \"Hauptstraße 5\", "
	    "\"Plz\": \"52062\", \"Ort\": \"Aachen\", \"Land\": \"AUT\", \"ArtDaten\": "
	    "[\"Kunde\", \"Eigentümer\"], \"Status\": \"0\", \"DSGVOStatus\": "
	    "\"speicherungzugestimmt\", \"Aenderung\": \"2026-11-26 11:15:00\", \"Email\": "
	    "\"b@example.de\", \"email__1\": \"a@example.de\", \"email__2\": \"b@example.de\", "
	    "\"email__2__Comment\": \"privat\", \"phone__3\": \"0241 12345\", \"mobile__4\": "
	    "\"0171 2345678\", \"fax__5\": \"0241 999\", \"phone__6\": \"kaputt\"}}";
	json_t *r = json_loads(rec, 0, NULL);
	struct sync_mapped m;
	assert_int_equal(sync_map_record(r, &m, NULL), 0);
	assert_int_equal(m.k.address_id, 4711);
	assert_string_equal(m.k.salutation, "Frau");
	assert_string_equal(m.k.first_name, "Anna");
	assert_string_equal(m.k.last_name, "Schmidt");
	assert_string_equal(m.k.street, "Hauptstraße 5");
	assert_string_equal(m.k.country, "AT");
	assert_string_equal(m.k.contact_types, "[\"Kunde\",\"Eigentümer\"]");
	assert_true(m.k.consent);
	assert_true(m.k.archived);
	assert_string_equal(m.aenderung, "2026-11-26 11:15:00");
	assert_int_equal(m.k.nemails, 2);
	assert_string_equal(m.k.emails[0], "b@example.de"); /* the default one first */
	assert_string_equal(m.k.emails[1], "a@example.de");
	assert_int_equal(m.k.nphones, 3); /* no fax */
	assert_string_equal(m.k.phones[0].raw, "0241 12345");
	assert_string_equal(m.k.phones[0].e164, "+4924112345");
	assert_null(m.k.phones[1].e164); /* "kaputt" is kept raw */
	assert_string_equal(m.k.phones[2].e164, "+491712345678");
	sync_mapped_release(&m);
	json_decref(r);
}

static void map_consent_and_gaps(void **state)
{
	(void)state;
	static const char *const no[] = {
	    "\"\"", "null", "\"speicherungwiderrufen\"", "\"ignorieren\"", "\"zugestimmt\"", "1"};
	char rec[256];
	struct sync_mapped m;
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		snprintf(rec, sizeof(rec), "{\"id\": \"12\", \"elements\": {\"DSGVOStatus\": %s}}",
		         no[i]);
		json_t *r = json_loads(rec, 0, NULL);
		assert_int_equal(sync_map_record(r, &m, NULL), 0);
		assert_false(m.k.consent);
		assert_int_equal(m.k.address_id, 12);
		assert_null(m.k.first_name);
		assert_null(m.k.country);
		assert_string_equal(m.k.contact_types, "[]");
		assert_false(m.k.archived);
		assert_int_equal(m.k.nemails, 0);
		assert_string_equal(m.aenderung, "");
		sync_mapped_release(&m);
		json_decref(r);
	}
	json_t *r = json_loads("{\"id\": \"x\", \"elements\": {}}", 0, NULL);
	assert_int_not_equal(sync_map_record(r, &m, NULL), 0);
	json_decref(r);
	r = json_loads("{\"id\": 1, \"elements\": {\"Land\": \"Deutschland\", \"ArtDaten\": "
	               "\"|Kunde||Makler|\", \"DSGVOStatus\": \"Speicherungzugestimmt\"}}",
	               0, NULL);
	assert_int_equal(sync_map_record(r, &m, NULL), 0);
	assert_string_equal(m.k.country, "DE");
	assert_string_equal(m.k.contact_types, "[\"Kunde\",\"Makler\"]");
	assert_true(m.k.consent);
	sync_mapped_release(&m);
	json_decref(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(branches),
	    cmocka_unit_test(hash),
	    cmocka_unit_test(system_user_only),
	    cmocka_unit_test(map_record),
	    cmocka_unit_test(map_consent_and_gaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
