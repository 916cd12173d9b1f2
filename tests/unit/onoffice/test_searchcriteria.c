/* Unit tests for src/onoffice/searchcriteria.c: search profiles (onoffice-protocol §8.1, §8.2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/searchcriteria.h"

/* The onoffice-protocol §8.1 example, field by field; numbers given for range keys become text. */
static void create_matches_the_docs_example(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 ENVELOPE(CREATED_RESULT("searchcriteria", "searchCriteria", "25"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "<apiClaim>");
	json_t *data =
	    json_pack("{s:s, s:[s], s:s, s:i, s:s, s:i, s:f, s:s, s:s, s:s, s:i, s:s}", "objektart",
	              "haus", "objekttyp", "einfamilienhaus", "vermarktungsart", "kauf",
	              "kaufpreis__von", 50000, "kaufpreis__bis", "100000", "anzahl_zimmer__von", 3,
	              "wohnflaeche__von", 90.0, "range_plz", "52068", "range_ort", "Aachen",
	              "range_land", "DEU", "range", 25, "krit_bemerkung", "via connector");
	int64_t id = 0;
	struct err e = ERR_INIT;
	assert_int_equal(oo_searchcriteria_create(c, 153, data, &id, &e), ERR_OK);
	assert_int_equal(id, 25);
	assert_int_equal(f.flags[0], OO_POST_ONCE);
	assert_action(
	    &f, 0, 0, "create", "searchcriteria", "\"\"",
	    "{\"addressid\":153,\"data\":{\"objektart\":\"haus\",\"objekttyp\":["
	    "\"einfamilienhaus\"],\"vermarktungsart\":\"kauf\",\"kaufpreis__von\":"
	    "\"50000\",\"kaufpreis__bis\":\"100000\",\"anzahl_zimmer__von\":\"3\","
	    "\"wohnflaeche__von\":\"90\",\"range_plz\":\"52068\",\"range_ort\":\"Aachen\","
	    "\"range_land\":\"DEU\",\"range\":\"25\",\"krit_bemerkung\":\"via "
	    "connector\"},\"extendedclaim\":\"<apiClaim>\"}");
	json_decref(data);
	oo_client_free(c);
	fake_release(&f);
}

static void create_refusals(void **state)
{
	(void)state;
	json_t *ok = json_pack("{s:s}", "objektart", "haus"), *p = (json_t *)1;
	assert_int_equal(oo_searchcriteria_params(0, ok, &p, NULL), ERR_INVALID_ARG);
	assert_null(p);
	assert_int_equal(oo_searchcriteria_params(1, NULL, &p, NULL), ERR_INVALID_ARG);
	json_t *frac = json_pack("{s:f}", "anzahl_zimmer", 2.5);
	assert_int_equal(oo_searchcriteria_params(1, frac, &p, NULL), ERR_INVALID_ARG);
	json_t *range = json_pack("{s:f}", "anzahl_zimmer__von", 2.5);
	assert_int_equal(oo_searchcriteria_params(1, range, &p, NULL), ERR_OK);
	assert_string_equal(
	    json_string_value(json_object_get(json_object_get(p, "data"), "anzahl_zimmer__von")),
	    "2.5");
	json_decref(p);
	json_decref(range);
	json_decref(frac);
	json_decref(ok);
}

static void unknown_fields_and_records_are_final(void **state)
{
	(void)state;
	const char *bodies[] = {
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("141", "Unknown field \\\"stellplatz__von\\\"") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("80", "Unknown record") "]}}",
	};
	int codes[] = {141, 80};
	for (size_t i = 0; i < 2; i++) {
		struct fake f = {.replies = {{0, true, 0, bodies[i]}}, .nreplies = 1};
		struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
		json_t *data = json_pack("{s:s}", "stellplatz__von", "1");
		int64_t id = 9;
		struct err e = ERR_INIT;
		assert_int_equal(oo_searchcriteria_create(c, 5, data, &id, &e), ERR_OO_FINAL);
		assert_int_equal(e.remote_code, codes[i]);
		assert_int_equal(id, 0);
		json_decref(data);
		oo_client_free(c);
		fake_release(&f);
	}
}

#define SC_PAGE                                                                                   \
	ENVELOPE(OK_RESULT("searchcriterias",                                                     \
	                   "[{\"id\":25,\"type\":\"searchcriteria\",\"elements\":{\"objektart\":" \
	                   "[\"haus\"],\"range_kaufpreis\":[\"50000\",\"100000\"],"               \
	                   "\"krit_bemerkung\":\"[immosync:sr:7]\",\"_meta\":{"                   \
	                   "\"internaladdressid\":\"153\"}}}]",                                   \
	                   "null"))
#define EMPTY_PAGE ENVELOPE(OK_RESULT("searchcriterias", "[]", "null"))

static void read_per_address_pages_until_empty(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, SC_PAGE}, {0, true, 0, EMPTY_PAGE}},
	                 .nreplies = 2};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	json_t *records = NULL;
	assert_int_equal(oo_searchcriterias_of_address(c, 153, &records, NULL), ERR_OK);
	assert_int_equal(json_array_size(records), 1);
	assert_int_equal(f.calls, 2); /* cntabsolute null: until an empty page */
	assert_int_equal(f.flags[0], 0);
	assert_action(&f, 0, 0, "get", "searchcriterias", "\"\"",
	              "{\"mode\":\"internal\",\"ids\":[153],\"listlimit\":500,\"listoffset\":0}");
	assert_action(&f, 1, 0, "get", "searchcriterias", "\"\"",
	              "{\"mode\":\"internal\",\"ids\":[153],\"listlimit\":500,\"listoffset\":1}");
	json_decref(records);
	oo_client_free(c);
	fake_release(&f);

	json_t *p;
	int64_t bad[] = {0};
	assert_int_equal(oo_searchcriterias_params(bad, 0, &p, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_searchcriterias_params(bad, 1, &p, NULL), ERR_INVALID_ARG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_matches_the_docs_example),
	    cmocka_unit_test(create_refusals),
	    cmocka_unit_test(unknown_fields_and_records_are_final),
	    cmocka_unit_test(read_per_address_pages_until_empty),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
