/*
 * Unit tests for src/store/settings.c as src/store/settings.h states it: the defaults
 * and validation of each setting (R-S1; the error names the field, nothing changes on
 * a bad value), the queue following the mode, the sync state with start and stop
 * (R-S2) and the per-contact sync button (R-B2).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/company.h"
#include "store/settings.h"
#include "store/store.h"
#include "sqlhelp.h"
#include "tmpdb.h"

struct fixture {
	struct tmpdb t;
	struct db *db;
	int64_t a, b; /* two companies */
};

/* Contacts made by setup: 1 and 2 belong to A, 3 to B, 4 is A's erased one. */
enum { KA1 = 1, KA2 = 2, KB = 3, KA_ERASED = 4 };

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	if (!f || store_two_companies(&f->t, &f->db, &f->a, &f->b))
		return -1;
	*state = f;
	exec(f,
	     "INSERT INTO contacts (id, company_id, origin, erased_at, created_at, updated_at) "
	     "VALUES (%d, %lld, 'platform', NULL, 0, 0), (%d, %lld, 'platform', NULL, 0, 0), (%d, "
	     "%lld, 'platform', NULL, 0, 0), (%d, %lld, 'platform', 9, 0, 0)",
	     KA1, (long long)f->a, KA2, (long long)f->a, KB, (long long)f->b, KA_ERASED,
	     (long long)f->a);
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	store_close_remove(&f->t, f->db);
	free(f);
	return 0;
}

static void set_state(struct fixture *f, int64_t company, const char *st)
{
	exec(f, "UPDATE companies SET sync_state = '%s' WHERE id = %lld", st, (long long)company);
}

static void state_is(struct fixture *f, int64_t company, const char *want)
{
	char st[16];
	assert_int_equal(syncstate_get(f->db, company, st, sizeof(st), NULL), ERR_OK);
	assert_string_equal(st, want);
}

/* Queues a held row for the contact; the states of a company's rows are then counted. */
static void held_row(struct fixture *f, int64_t company, int64_t contact)
{
	exec(f,
	     "INSERT INTO outbox (company_id, contact_id, kind, ref_id, state, created_at, "
	     "updated_at) VALUES (%lld, %lld, 'note', 1, 'held', 0, 0)",
	     (long long)company, (long long)contact);
}

static int64_t rows_in(struct fixture *f, int64_t company, const char *st)
{
	return count(f, "SELECT count(*) FROM outbox WHERE company_id = %lld AND state = '%s'",
	             (long long)company, st);
}

/* settings_put_json of a JSON text; returns its code, drops the answer. */
static int put(struct fixture *f, int64_t company, const char *json, struct err *e)
{
	json_error_t je;
	json_t *patch = json_loads(json, JSON_DECODE_ANY, &je), *out = NULL;
	if (!patch)
		fail_msg("bad test JSON %s: %s", json, je.text);
	err_clear(e);
	int rc = settings_put_json(f->db, company, patch, &out, e);
	if (!rc)
		assert_non_null(out);
	json_decref(out);
	json_decref(patch);
	return rc;
}

static json_t *get(struct fixture *f, int64_t company)
{
	json_t *out = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(settings_get_json(f->db, company, &out, &e), ERR_OK);
	return out;
}

static json_t *defaults(void)
{
	return json_pack("{s:b,s:[],s:b,s:s,s:b,s:i,s:n,s:n,s:n}", "all_contacts", 1,
	                 "contact_types", "without_contact_type", 0, "backsync_mode", "manual",
	                 "create_estates", 0, "import_interval_s", 300, "agentslog_kind",
	                 "agentslog_type", "origin_key");
}

static void defaults_are_those_of_the_header(void **state)
{
	struct fixture *f = *state;
	json_t *want = defaults();
	for (int i = 0; i < 2; i++) {
		json_t *got = get(f, i ? f->b : f->a);
		bool same = json_equal(got, want);
		if (!same) {
			char *text = json_dumps(got, JSON_SORT_KEYS);
			print_message("defaults differ: %s\n", text ? text : "?");
			free(text);
		}
		json_decref(got);
		assert_true(same);
	}
	json_decref(want);
	json_t *out = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(settings_get_json(f->db, 999, &out, &e), ERR_NOT_FOUND);
	assert_string_equal(e.field, "company");
	assert_null(out);
}

static void bad_values_name_their_field_and_change_nothing(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	char many[8192], longkey[128];
	/* 201 contact types, and a key of 81 characters. */
	size_t n = (size_t)snprintf(many, sizeof(many), "{\"contact_types\": [");
	for (int i = 0; i <= SETTINGS_TYPES_MAX; i++)
		n += (size_t)snprintf(many + n, sizeof(many) - n, "%s\"t%d\"", i ? "," : "", i);
	snprintf(many + n, sizeof(many) - n, "]}");
	memset(longkey, 'k', SETTINGS_KEY_MAX + 1);
	longkey[SETTINGS_KEY_MAX + 1] = '\0';
	char long_type[256], long_origin[256];
	snprintf(long_type, sizeof(long_type), "{\"contact_types\": [\"%s\"]}", longkey);
	snprintf(long_origin, sizeof(long_origin), "{\"origin_key\": \"%s\"}", longkey);
	/* Running in manual mode with a held row: a refused mode switch must not move it. */
	set_state(f, f->a, "running");
	held_row(f, f->a, KA1);
	int64_t updated =
	    count(f, "SELECT updated_at FROM settings WHERE company_id = %lld", (long long)f->a);
	const struct {
		const char *json, *field;
	} bad[] = {
	    {"{\"all_contacts\": 1}", "all_contacts"},
	    {"{\"all_contacts\": null}", "all_contacts"},
	    {"{\"without_contact_type\": \"false\"}", "without_contact_type"},
	    {"{\"create_estates\": 0}", "create_estates"},
	    {"{\"import_interval_s\": 9}", "import_interval_s"},
	    {"{\"import_interval_s\": 86401}", "import_interval_s"},
	    {"{\"import_interval_s\": -300}", "import_interval_s"},
	    {"{\"import_interval_s\": 60.0}", "import_interval_s"},
	    {"{\"import_interval_s\": \"60\"}", "import_interval_s"},
	    {"{\"import_interval_s\": null}", "import_interval_s"},
	    {"{\"backsync_mode\": \"Automatic\"}", "backsync_mode"},
	    {"{\"backsync_mode\": \"\"}", "backsync_mode"},
	    {"{\"backsync_mode\": null}", "backsync_mode"},
	    {"{\"contact_types\": \"Kunde\"}", "contact_types"},
	    {"{\"contact_types\": null}", "contact_types"},
	    {"{\"contact_types\": [\"Kunde\", 7]}", "contact_types[1]"},
	    {"{\"contact_types\": [\"\"]}", "contact_types[0]"},
	    {"{\"contact_types\": [\"A\", \"B\", \"A\"]}", "contact_types[2]"},
	    {long_type, "contact_types[0]"},
	    {many, "contact_types"},
	    {"{\"agentslog_kind\": \"\"}", "agentslog_kind"},
	    {"{\"agentslog_kind\": 5}", "agentslog_kind"},
	    {"{\"agentslog_type\": []}", "agentslog_type"},
	    {"{\"origin_key\": false}", "origin_key"},
	    {long_origin, "origin_key"},
	    {"{\"colour\": \"red\"}", "colour"},
	    /* Valid fields next to a bad one are not applied either. */
	    {"{\"create_estates\": true, \"backsync_mode\": \"automatic\", \"import_interval_s\": "
	     "5}",
	     "import_interval_s"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (put(f, f->a, bad[i].json, &e) != ERR_INVALID_FIELD)
			fail_msg("accepted: %.60s", bad[i].json);
		if (strcmp(e.field, bad[i].field) != 0)
			fail_msg("%.60s names '%s', not '%s'", bad[i].json, e.field, bad[i].field);
	}
	/* Not an object at all. */
	assert_int_equal(put(f, f->a, "[]", &e), ERR_INVALID_FIELD);
	assert_int_equal(put(f, f->a, "\"manual\"", &e), ERR_INVALID_FIELD);
	/* Nothing changed: the object, its time stamp, the queue. */
	json_t *got = get(f, f->a), *want = defaults();
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	assert_int_equal(
	    count(f, "SELECT updated_at FROM settings WHERE company_id = %lld", (long long)f->a),
	    updated);
	assert_int_equal(rows_in(f, f->a, "held"), 1);
}

static void good_values_at_the_limits_are_stored(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	/* 80 characters, 160 bytes: the limit counts characters. */
	char key80[2 * SETTINGS_KEY_MAX + 1] = "";
	for (int i = 0; i < SETTINGS_KEY_MAX; i++)
		memcpy(key80 + 2 * i, "ü", 3);
	json_t *patch = json_pack("{s:b,s:b,s:b,s:i,s:s,s:s,s:[s,s]}", "all_contacts", 0,
	                          "without_contact_type", 1, "create_estates", 1,
	                          "import_interval_s", 10, "agentslog_kind", key80, "origin_key",
	                          "BOTTIMMO", "contact_types", "Eigentümer", "Kunde");
	json_t *types = json_array();
	for (int i = 0; i < SETTINGS_TYPES_MAX; i++)
		json_array_append_new(types, json_sprintf("t%d", i));
	json_t *out = NULL;
	assert_int_equal(settings_put_json(f->db, f->a, patch, &out, &e), ERR_OK);
	json_decref(patch);
	/* The answer is the whole object, as a later read shows it. */
	json_t *got = get(f, f->a);
	assert_true(json_equal(out, got));
	json_decref(out);
	assert_true(json_is_false(json_object_get(got, "all_contacts")));
	assert_true(json_is_true(json_object_get(got, "without_contact_type")));
	assert_true(json_is_true(json_object_get(got, "create_estates")));
	assert_int_equal(json_integer_value(json_object_get(got, "import_interval_s")), 10);
	assert_string_equal(json_string_value(json_object_get(got, "agentslog_kind")), key80);
	assert_string_equal(json_string_value(json_object_get(got, "origin_key")), "BOTTIMMO");
	assert_string_equal(
	    json_string_value(json_array_get(json_object_get(got, "contact_types"), 0)),
	    "Eigentümer");
	assert_true(json_is_null(json_object_get(got, "agentslog_type")));
	json_decref(got);
	/* The upper limits; null resets a key; absent keys keep their values. */
	patch = json_pack("{s:i,s:n,s:o}", "import_interval_s", 86400, "origin_key",
	                  "contact_types", types);
	assert_int_equal(settings_put_json(f->db, f->a, patch, &out, &e), ERR_OK);
	json_decref(patch);
	assert_int_equal(json_integer_value(json_object_get(out, "import_interval_s")), 86400);
	assert_true(json_is_null(json_object_get(out, "origin_key")));
	assert_int_equal(json_array_size(json_object_get(out, "contact_types")),
	                 SETTINGS_TYPES_MAX);
	assert_string_equal(json_string_value(json_object_get(out, "agentslog_kind")), key80);
	assert_true(json_is_true(json_object_get(out, "create_estates")));
	json_decref(out);
	assert_int_equal(put(f, f->a, "{}", &e), ERR_OK);
	/* R-T1: B keeps its defaults; an unknown company has nothing to change. */
	got = get(f, f->b);
	json_t *want = defaults();
	assert_true(json_equal(got, want));
	json_decref(got);
	json_decref(want);
	assert_int_equal(put(f, 999, "{\"create_estates\": true}", &e), ERR_NOT_FOUND);
}

static void start_and_stop_follow_the_states(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	char st[16] = "";
	/* R-S2: not linked, and linked before the initial sync, refuse both. */
	assert_int_equal(syncstate_start(f->db, f->a, st, sizeof(st), &e), ERR_NOT_LINKED);
	assert_int_equal(syncstate_stop(f->db, f->a, st, sizeof(st), &e), ERR_NOT_LINKED);
	state_is(f, f->a, "not_linked");
	set_state(f, f->a, "linked");
	assert_int_equal(syncstate_start(f->db, f->a, st, sizeof(st), &e), ERR_CONFLICT);
	assert_int_equal(syncstate_stop(f->db, f->a, st, sizeof(st), &e), ERR_CONFLICT);
	state_is(f, f->a, "linked");
	set_state(f, f->a, "stopped");
	assert_int_equal(syncstate_stop(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	assert_string_equal(st, "stopped");
	assert_int_equal(syncstate_start(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	assert_string_equal(st, "running");
	assert_int_equal(syncstate_start(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	assert_string_equal(st, "running");
	state_is(f, f->a, "running");
	state_is(f, f->b, "not_linked");
	assert_int_equal(syncstate_stop(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	assert_string_equal(st, "stopped");
	state_is(f, f->a, "stopped");
	assert_int_equal(syncstate_get(f->db, 999, st, sizeof(st), &e), ERR_NOT_FOUND);
	assert_int_equal(syncstate_start(f->db, 999, st, sizeof(st), &e), ERR_NOT_FOUND);
}

static void start_releases_held_rows_in_automatic_mode_only(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	char st[16];
	set_state(f, f->a, "stopped");
	set_state(f, f->b, "stopped");
	held_row(f, f->a, KA1);
	held_row(f, f->b, KB);
	/* Manual: start leaves them held. */
	assert_int_equal(syncstate_start(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	assert_int_equal(rows_in(f, f->a, "held"), 1);
	assert_int_equal(syncstate_stop(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	/* Automatic while stopped: nothing moves until start. */
	assert_int_equal(put(f, f->a, "{\"backsync_mode\": \"automatic\"}", &e), ERR_OK);
	assert_int_equal(rows_in(f, f->a, "held"), 1);
	assert_int_equal(syncstate_start(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	assert_int_equal(rows_in(f, f->a, "due"), 1);
	/* Stop does not touch the queue; B's rows never moved. */
	assert_int_equal(syncstate_stop(f->db, f->a, st, sizeof(st), &e), ERR_OK);
	assert_int_equal(rows_in(f, f->a, "due"), 1);
	assert_int_equal(rows_in(f, f->b, "held"), 1);
}

static void mode_switch_moves_the_queue_of_a_running_company(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	int64_t n = -1;
	set_state(f, f->a, "running");
	set_state(f, f->b, "running");
	held_row(f, f->a, KA1);
	held_row(f, f->a, KA2);
	held_row(f, f->b, KB);
	exec(f,
	     "INSERT INTO outbox (company_id, contact_id, kind, ref_id, state, created_at, "
	     "updated_at) VALUES (%lld, %d, 'note', 2, 'leased', 0, 0), (%lld, %d, 'note', 3, "
	     "'failed', 0, 0)",
	     (long long)f->a, KA1, (long long)f->a, KA1);
	assert_int_equal(put(f, f->a, "{\"backsync_mode\": \"automatic\"}", &e), ERR_OK);
	assert_int_equal(rows_in(f, f->a, "due"), 2);
	assert_int_equal(put(f, f->a, "{\"backsync_mode\": \"manual\"}", &e), ERR_OK);
	assert_int_equal(rows_in(f, f->a, "held"), 2);
	/* Leased and failed rows, and B's queue, are not the mode's business. */
	assert_int_equal(rows_in(f, f->a, "leased"), 1);
	assert_int_equal(rows_in(f, f->a, "failed"), 1);
	assert_int_equal(rows_in(f, f->b, "held"), 1);
	/* Saving the same mode again keeps what the sync button released. */
	assert_int_equal(syncstate_sync_contact(f->db, f->a, KA1, &n, &e), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(
	    put(f, f->a, "{\"backsync_mode\": \"manual\", \"create_estates\": true}", &e), ERR_OK);
	assert_int_equal(rows_in(f, f->a, "due"), 1);
}

static void sync_button_releases_one_contacts_held_rows(void **state)
{
	struct fixture *f = *state;
	struct err e = ERR_INIT;
	int64_t n = -1;
	held_row(f, f->a, KA1);
	held_row(f, f->a, KA1);
	held_row(f, f->a, KA2);
	/* R-B2: not before the company is linked. */
	assert_int_equal(syncstate_sync_contact(f->db, f->a, KA1, &n, &e), ERR_NOT_LINKED);
	assert_int_equal(rows_in(f, f->a, "held"), 3);
	set_state(f, f->a, "stopped");
	/* Unknown, erased, or another company's contact: not found. */
	int64_t refused[] = {999, KA_ERASED, KB};
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(syncstate_sync_contact(f->db, f->a, refused[i], &n, &e),
		                 ERR_NOT_FOUND);
	assert_int_equal(rows_in(f, f->a, "held"), 3);
	assert_int_equal(syncstate_sync_contact(f->db, f->a, KA1, &n, &e), ERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM outbox WHERE contact_id = %d AND state = "
	                       "'due'",
	                       KA1),
	                 2);
	assert_int_equal(count(f,
	                       "SELECT count(*) FROM outbox WHERE contact_id = %d AND state = "
	                       "'held'",
	                       KA2),
	                 1);
	assert_int_equal(syncstate_sync_contact(f->db, f->a, KA1, &n, &e), ERR_OK);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(defaults_are_those_of_the_header, setup, teardown),
	    cmocka_unit_test_setup_teardown(bad_values_name_their_field_and_change_nothing, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(good_values_at_the_limits_are_stored, setup, teardown),
	    cmocka_unit_test_setup_teardown(start_and_stop_follow_the_states, setup, teardown),
	    cmocka_unit_test_setup_teardown(start_releases_held_rows_in_automatic_mode_only, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(mode_switch_moves_the_queue_of_a_running_company, setup,
	                                    teardown),
	    cmocka_unit_test_setup_teardown(sync_button_releases_one_contacts_held_rows, setup,
	                                    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
