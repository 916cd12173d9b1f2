/* Unit tests for src/onoffice/address.c: read parameters, filters, contact entries
 * (onoffice-protocol §5.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/address.h"
#include "onoffice/values.h"

static void params_are_built_from_the_query(void **state)
{
	(void)state;
	const char *data[] = {"Vorname", "Name", "Email", "phone", "email"};
	int64_t ids[] = {5, 7};
	json_t *filter = NULL, *p;
	assert_int_equal(
	    oo_filter_add(&filter, "Aenderung", ">=", json_string("2025-01-01 00:00:00")), ERR_OK);
	assert_int_equal(
	    oo_filter_add(&filter, "ArtDaten", "in", json_pack("[s,s]", "Kunde", "Makler")),
	    ERR_OK);
	assert_int_equal(
	    oo_filter_add(&filter, "Aenderung", "<", json_string("2026-01-01 00:00:00")), ERR_OK);
	struct oo_address_query q = {.data = data,
	                             .ndata = 5,
	                             .filter = filter,
	                             .sortby = "Aenderung",
	                             .sortorder = "ASC",
	                             .listlimit = 500,
	                             .listoffset = 1000,
	                             .country_iso = "ISO-3166-2",
	                             .recordids = ids,
	                             .nrecordids = 2};
	assert_int_equal(oo_address_params(&q, &p, NULL), ERR_OK);
	char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(
	    text,
	    "{\"countryIsoCodeType\":\"ISO-3166-2\",\"data\":[\"Vorname\",\"Name\",\"Email\","
	    "\"phone\",\"email\"],\"filter\":{\"Aenderung\":[{\"op\":\">=\",\"val\":"
	    "\"2025-01-01 00:00:00\"},{\"op\":\"<\",\"val\":\"2026-01-01 00:00:00\"}],"
	    "\"ArtDaten\":[{\"op\":\"in\",\"val\":[\"Kunde\",\"Makler\"]}]},\"listlimit\":500,"
	    "\"listoffset\":1000,\"recordids\":[5,7],\"sortby\":\"Aenderung\",\"sortorder\":"
	    "\"ASC\"}");
	free(text);
	json_decref(p);
	json_decref(filter);

	/* A minimal query sends only data. */
	struct oo_address_query min = {.data = data, .ndata = 1};
	assert_int_equal(oo_address_params(&min, &p, NULL), ERR_OK);
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"data\":[\"Vorname\"]}");
	free(text);
	json_decref(p);
}

static void invalid_queries_are_refused(void **state)
{
	(void)state;
	const char *bad_data[] = {"Name", ""};
	json_t *p = (json_t *)1, *not_object = json_array();
	struct err e = ERR_INIT;
	struct oo_address_query q[] = {
	    {.listlimit = 501},
	    {.listlimit = -1},
	    {.listoffset = -5},
	    {.sortorder = "asc"},
	    {.data = bad_data, .ndata = 2},
	    {.nrecordids = 501},
	    {.filter = not_object},
	};
	const char *field[] = {"listlimit", "listlimit", "listoffset", "sortorder",
	                       "data",      "recordids", "filter"};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		assert_int_equal(oo_address_params(&q[i], &p, &e), ERR_INVALID_ARG);
		assert_null(p);
		assert_string_equal(e.field, field[i]);
	}
	json_decref(not_object);
	json_t *filter = NULL;
	assert_int_equal(oo_filter_add(&filter, "", "=", json_string("x")), ERR_INVALID_ARG);
	assert_int_equal(oo_filter_add(&filter, "Name", NULL, json_string("x")), ERR_INVALID_ARG);
	assert_int_equal(oo_filter_add(&filter, "Name", "=", NULL), ERR_INVALID_ARG);
	assert_null(filter);
}

#define RECORD                                                                                   \
	"{\"id\":10891,\"type\":\"address\",\"elements\":{\"id\":\"10891\",\"Vorname\":\"Max\"," \
	"\"Name\":\"Mustermann\",\"ArtDaten\":\"|Interessent||Kunde|\","                         \
	"\"phone__13021\":\"024124561\",\"phone__13021__Comment\":\"Telefonbemerkung\","         \
	"\"phone__13022\":\"0241 9999\",\"mobile__13030\":\"0170 1234567\","                     \
	"\"mobile__13031\":\"+49 171 7654321\",\"mobile__13031__Comment\":\"privat\","           \
	"\"fax__13023\":\"0221156498\",\"email__13027\":\"max.mustermann1@my-onoffice.de\","     \
	"\"email__13027__Comment\":\"Hauptadresse\",\"email__13028\":\"max@example.com\","       \
	"\"email__13029\":null,\"email__13040\":\"\",\"phone__\":\"odd\"}}"

static void contact_entries_are_collected(void **state)
{
	(void)state;
	json_t *rec = json_loads(RECORD, 0, NULL);
	struct oo_address a;
	assert_int_equal(oo_address_from_record(rec, &a, NULL), ERR_OK);
	assert_int_equal(a.id, 10891);
	assert_int_equal(a.phones.n, 2);
	assert_string_equal(a.phones.v[0].entry_id, "13021");
	assert_string_equal(a.phones.v[0].value, "024124561");
	assert_string_equal(a.phones.v[1].entry_id, "13022");
	assert_string_equal(a.phones.v[1].value, "0241 9999");
	assert_int_equal(a.mobiles.n, 2);
	assert_string_equal(a.mobiles.v[1].value, "+49 171 7654321");
	assert_int_equal(a.faxes.n, 1);
	assert_int_equal(a.emails.n, 2); /* null and "" entries skipped */
	assert_string_equal(a.emails.v[0].value, "max.mustermann1@my-onoffice.de");
	assert_string_equal(a.emails.v[1].entry_id, "13028");
	/* Ordinary fields stay, comments and contact keys do not. */
	assert_string_equal(json_string_value(json_object_get(a.fields, "Vorname")), "Max");
	assert_non_null(json_object_get(a.fields, "ArtDaten"));
	assert_non_null(json_object_get(a.fields, "phone__")); /* no entry id: not an entry */
	const char *key;
	json_t *v;
	json_object_foreach(a.fields, key, v)
	{
		assert_null(strstr(key, "__Comment"));
		assert_true(strncmp(key, "email__", 7) != 0);
		assert_true(strncmp(key, "mobile__", 8) != 0);
	}
	oo_address_release(&a);
	assert_null(a.fields);
	assert_int_equal(a.phones.n, 0);
	json_decref(rec);
}

static void records_without_id_or_elements(void **state)
{
	(void)state;
	struct oo_address a;
	struct err e = ERR_INIT;
	json_t *rec = json_loads("{\"id\":\"DEU\",\"elements\":{}}", 0, NULL);
	assert_int_equal(oo_address_from_record(rec, &a, &e), ERR_INVALID_FIELD);
	assert_null(a.fields);
	json_decref(rec);
	rec = json_loads("{\"id\":181,\"type\":\"address\",\"elements\":[]}", 0, NULL);
	assert_int_equal(oo_address_from_record(rec, &a, &e), ERR_OK);
	assert_int_equal(a.id, 181);
	assert_int_equal(json_object_size(a.fields), 0);
	oo_address_release(&a);
	json_decref(rec);
}

static void read_one_page_through_the_client(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0,
	                              OK_ENVELOPE_BEGIN OK_RESULT("address", "[" RECORD "]", "1")
	                                  OK_ENVELOPE_END}},
	                 .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	const char *data[] = {"Vorname", "phone", "mobile", "email"};
	struct oo_address_query q = {.data = data, .ndata = 4, .listlimit = 10};
	json_t *records, *req;
	int64_t total = 0;
	assert_int_equal(oo_address_read(c, &q, &records, &total, NULL), ERR_OK);
	assert_int_equal(json_array_size(records), 1);
	assert_int_equal(total, 1);
	json_t *p = fake_params(&f, 0, &req);
	assert_int_equal(json_integer_value(json_object_get(p, "listlimit")), 10);
	json_t *a = json_array_get(json_object_get(json_object_get(req, "request"), "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "resourcetype")), "address");
	assert_string_equal(json_string_value(json_object_get(a, "actionid")),
	                    "urn:onoffice-de-ns:smart:2.5:smartml:action:read");
	json_decref(req);
	json_decref(records);
	oo_client_free(c);
	fake_release(&f);
}

static int count_page(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset, (void)total, (void)e;
	*(size_t *)arg += json_array_size(records);
	return 0;
}

static void read_all_and_errors(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0,
	                              OK_ENVELOPE_BEGIN OK_RESULT("address", "[" RECORD "]", "1")
	                                  OK_ENVELOPE_END},
	                             {0, true, 0,
	                              "{\"status\":{\"code\":200,\"errorcode\":97},\"response\":{"
	                              "\"results\":[{\"data\":[],\"status\":{\"errorcode\":142,"
	                              "\"message\":\"Unknown operator\"}}]}}"}},
	                 .nreplies = 2};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	const char *data[] = {"Name"};
	struct oo_address_query q = {.data = data, .ndata = 1};
	size_t n = 0;
	int64_t total;
	json_t *records = (json_t *)1;
	struct err e = ERR_INIT;
	assert_int_equal(oo_address_read_all(c, &q, count_page, &n, &total, NULL), ERR_OK);
	assert_int_equal(n, 1);
	assert_int_equal(total, 1);
	assert_int_equal(oo_address_read(c, &q, &records, NULL, &e), ERR_OO_FINAL);
	assert_null(records);
	assert_int_equal(e.remote_code, 142);
	q.listlimit = 900;
	assert_int_equal(oo_address_read(c, &q, &records, NULL, &e), ERR_INVALID_ARG);
	assert_int_equal(f.calls, 2);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(params_are_built_from_the_query),
	    cmocka_unit_test(invalid_queries_are_refused),
	    cmocka_unit_test(contact_entries_are_collected),
	    cmocka_unit_test(records_without_id_or_elements),
	    cmocka_unit_test(read_one_page_through_the_client),
	    cmocka_unit_test(read_all_and_errors),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
