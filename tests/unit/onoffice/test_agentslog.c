/* Unit tests for src/onoffice/agentslog.c: agents-log create and read (onoffice-protocol §6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "fake_transport.h"
#include "onoffice/address.h"
#include "onoffice/agentslog.h"

static int64_t instant(const char *rfc3339)
{
	int64_t ms = 0;
	assert_int_equal(time_parse_rfc3339(rfc3339, strlen(rfc3339), &ms, NULL), ERR_OK);
	return ms;
}

/* The onoffice-protocol §6 example, field by field; the answer's type is spelled agentsLog. */
static void create_matches_the_docs_example(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0, ENVELOPE(CREATED_RESULT("agentslog", "agentsLog", "6065"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "<apiClaim>");
	int64_t addresses[] = {34};
	struct oo_agentslog_new x = {.when_ms = instant("2021-02-08T10:13:30Z"), /* CET */
	                             .actionkind = "Email",
	                             .actiontype = "Ausgang",
	                             .note = "Vertragsunterlagen versendet",
	                             .addressids = addresses,
	                             .naddressids = 1,
	                             .estateid = 41,
	                             .origincontact = "immobilienscout24_system"};
	int64_t id = 0;
	struct err e = ERR_INIT;
	assert_int_equal(oo_agentslog_create(c, &x, &id, &e), ERR_OK);
	assert_int_equal(id, 6065);
	assert_int_equal(f.flags[0], OO_POST_ONCE);
	assert_action(
	    &f, 0, 0, "create", "agentslog", "\"\"",
	    "{\"addressids\":[34],\"estateid\":41,\"actionkind\":\"Email\",\"actiontype\":"
	    "\"Ausgang\",\"note\":\"Vertragsunterlagen versendet\",\"datetime\":"
	    "\"2021-02-08 11:13:30\",\"origincontact\":\"immobilienscout24_system\","
	    "\"extendedclaim\":\"<apiClaim>\"}");
	oo_client_free(c);
	fake_release(&f);
}

static void optional_parameters_and_summer_time(void **state)
{
	(void)state;
	struct oo_agentslog_new x = {.when_ms = instant("2026-07-01T10:00:00.999Z"),
	                             .actionkind = "Notiz",
	                             .note = "Zeile 1\nZeile 2",
	                             .estateid = 9};
	json_t *p;
	assert_int_equal(oo_agentslog_params(&x, &p, NULL), ERR_OK);
	json_t *want = json_loads("{\"actionkind\":\"Notiz\",\"datetime\":\"2026-07-01 12:00:00\","
	                          "\"note\":\"Zeile 1\\nZeile 2\",\"estateid\":9}",
	                          0, NULL);
	assert_true(json_equal(p, want));
	json_decref(want);
	json_decref(p);

	/* No time: onOffice takes now; several addresses. */
	int64_t addresses[] = {1, 2, 3};
	struct oo_agentslog_new y = {
	    .actionkind = "Email", .addressids = addresses, .naddressids = 3};
	assert_int_equal(oo_agentslog_params(&y, &p, NULL), ERR_OK);
	want = json_loads("{\"actionkind\":\"Email\",\"addressids\":[1,2,3]}", 0, NULL);
	assert_true(json_equal(p, want));
	json_decref(want);
	json_decref(p);
}

static void local_refusals(void **state)
{
	(void)state;
	int64_t zero[] = {0};
	struct oo_agentslog_new cases[] = {
	    {.actionkind = NULL, .estateid = 1},
	    {.actionkind = "", .estateid = 1},
	    {.actionkind = "Email", .addressids = zero, .naddressids = 1},
	    {.actionkind = "Email", .estateid = -1},
	    {.actionkind = "Email", .estateid = 1, .when_ms = INT64_MAX},
	};
	const char *fields[] = {"actionkind", "actionkind", "addressids", "estateid", "datetime"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *p = (json_t *)1;
		struct err e = ERR_INIT;
		assert_int_equal(oo_agentslog_params(&cases[i], &p, &e), ERR_INVALID_ARG);
		assert_null(p);
		assert_string_equal(e.field, fields[i]);
	}
	/* Neither addresses nor estate: onOffice decides (98), not we. */
	struct oo_agentslog_new none = {.actionkind = "Email"};
	json_t *p;
	assert_int_equal(oo_agentslog_params(&none, &p, NULL), ERR_OK);
	json_decref(p);
}

/* onOffice's refusals of an entry are final, keep their code, and are sent once. */
static void onoffice_refusals_are_final(void **state)
{
	(void)state;
	const char *bodies[] = {
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("98", "Missing relation to address or estate") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("99", "Address ids not in array") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("100", "Unknown kind of action") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("101", "Unknown type of action") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("80", "Unknown record") "]}}",
	};
	int codes[] = {98, 99, 100, 101, 80};
	for (size_t i = 0; i < 5; i++) {
		struct fake f = {.replies = {{0, true, 0, bodies[i]}}, .nreplies = 1};
		struct fake_sleep sl = {0};
		struct oo_client *c = fake_client(&f, NULL, &sl, NULL);
		struct oo_agentslog_new x = {.actionkind = "Email", .estateid = 1};
		int64_t id = 5;
		struct err e = ERR_INIT;
		assert_int_equal(oo_agentslog_create(c, &x, &id, &e), ERR_OO_FINAL);
		assert_int_equal(e.remote_code, codes[i]);
		assert_int_equal(id, 0);
		assert_int_equal(f.calls, 1);
		assert_int_equal(sl.calls, 0);
		oo_client_free(c);
		fake_release(&f);
	}
}

#define LOG_PAGE                                                                                   \
	ENVELOPE(OK_RESULT(                                                                        \
	    "agentslog",                                                                           \
	    "[{\"id\":67075,\"type\":\"agentslog\",\"elements\":{\"Aktionsart\":\"Email\","        \
	    "\"Aktionstyp\":\"Ausgang\",\"Datum\":\"2021-02-23 12:28:30\",\"Bemerkung\":"          \
	    "\"Vertragsunterlagen versendet\",\"Adress_nr\":[\"34\",35]}},{\"id\":\"67035\","      \
	    "\"type\":\"agentslog\",\"elements\":{\"Aktionsart\":\"Email\",\"Aktionstyp\":null,"   \
	    "\"Datum\":\"2021-02-20 15:30:00\",\"Bemerkung\":\"Hallo\",\"Adress_nr\":\"|36|\"}}]", \
	    "2"))

static void read_per_address(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, LOG_PAGE}}, .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "CL");
	int64_t addresses[] = {34, 35};
	json_t *filter = NULL;
	assert_int_equal(oo_filter_add(&filter, "Aktionsart", "=", json_string("Email")), ERR_OK);
	struct oo_agentslog_query q = {.addressids = addresses,
	                               .naddressids = 2,
	                               .filter = filter,
	                               .sortby = "Datum",
	                               .sortorder = "DESC",
	                               .listlimit = 100};
	json_t *records = NULL;
	int64_t total = 0;
	assert_int_equal(oo_agentslog_read(c, &q, &records, &total, NULL), ERR_OK);
	assert_int_equal(total, 2);
	assert_int_equal(json_array_size(records), 2);
	assert_int_equal(f.flags[0], 0); /* a read may be re-sent */
	assert_action(&f, 0, 0, "read", "agentslog", "\"\"",
	              "{\"data\":[\"Aktionsart\",\"Aktionstyp\",\"Datum\",\"Bemerkung\"],"
	              "\"addressid\":[34,35],\"filter\":{\"Aktionsart\":[{\"op\":\"=\",\"val\":"
	              "\"Email\"}]},\"sortby\":\"Datum\",\"sortorder\":\"DESC\",\"listlimit\":100,"
	              "\"extendedclaim\":\"CL\"}");

	struct oo_agentslog_entry x;
	assert_int_equal(oo_agentslog_entry_from_record(json_array_get(records, 0), &x, NULL),
	                 ERR_OK);
	assert_int_equal(x.id, 67075);
	assert_string_equal(x.kind, "Email");
	assert_string_equal(x.type, "Ausgang");
	assert_string_equal(x.datetime, "2021-02-23 12:28:30");
	assert_string_equal(x.note, "Vertragsunterlagen versendet");
	assert_int_equal(x.addressids.n, 2);
	assert_int_equal(x.addressids.v[1], 35);
	oo_agentslog_entry_release(&x);
	assert_int_equal(oo_agentslog_entry_from_record(json_array_get(records, 1), &x, NULL),
	                 ERR_OK);
	assert_int_equal(x.id, 67035);
	assert_null(x.type);
	assert_int_equal(x.addressids.n, 1);
	assert_int_equal(x.addressids.v[0], 36);
	oo_agentslog_entry_release(&x);
	json_t *no_id = json_loads("{\"type\":\"agentslog\",\"elements\":{}}", 0, NULL);
	assert_int_equal(oo_agentslog_entry_from_record(no_id, &x, NULL), ERR_INVALID_FIELD);
	json_decref(no_id);
	json_decref(records);
	json_decref(filter);
	oo_client_free(c);
	fake_release(&f);
}

static int count_page(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset, (void)total, (void)e;
	*(size_t *)arg += json_array_size(records);
	return 0;
}

static void read_all_and_query_refusals(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, LOG_PAGE}}, .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	int64_t a = 34;
	const char *data[] = {"Bemerkung"};
	struct oo_agentslog_query q = {
	    .addressids = &a, .naddressids = 1, .data = data, .ndata = 1};
	size_t n = 0;
	assert_int_equal(oo_agentslog_read_all(c, &q, count_page, &n, NULL, NULL), ERR_OK);
	assert_int_equal(n, 2);
	assert_int_equal(f.calls, 1); /* cntabsolute 2 reached */
	assert_action(&f, 0, 0, "read", "agentslog", "\"\"",
	              "{\"data\":[\"Bemerkung\"],\"addressid\":[34],\"listlimit\":500,"
	              "\"listoffset\":0}");
	oo_client_free(c);
	fake_release(&f);

	int64_t bad = -1;
	const char *empty[] = {""};
	json_t *not_obj = json_array();
	struct oo_agentslog_query cases[] = {
	    {.listlimit = 501},
	    {.listoffset = -1},
	    {.sortorder = "asc"},
	    {.filter = not_obj},
	    {.data = empty, .ndata = 1},
	    {.addressids = &bad, .naddressids = 1},
	    {.estateids = &bad, .nestateids = 1},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *p;
		assert_int_equal(oo_agentslog_read_params(&cases[i], &p, NULL), ERR_INVALID_ARG);
	}
	json_decref(not_obj);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_matches_the_docs_example),
	    cmocka_unit_test(optional_parameters_and_summer_time),
	    cmocka_unit_test(local_refusals),
	    cmocka_unit_test(onoffice_refusals_are_final),
	    cmocka_unit_test(read_per_address),
	    cmocka_unit_test(read_all_and_query_refusals),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
