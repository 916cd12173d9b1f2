/* Unit tests for src/onoffice/estate.c: estate create and read (onoffice-protocol §7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/estate.h"
#include "onoffice/write.h"

/* The onoffice-protocol §7 example, field by field; coordinates given as numbers become text. */
static void create_matches_the_docs_example(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0, ENVELOPE(CREATED_RESULT("estate", "estate", "102"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "<apiClaim>");
	json_t *data = json_pack(
	    "{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:f, s:f, s:i}", "objektart", "haus",
	    "objekttyp", "einfamilienhaus", "nutzungsart", "wohnen", "vermarktungsart", "kauf",
	    "strasse", "Charlottenburger Allee", "hausnummer", "5", "plz", "52068", "ort", "Aachen",
	    "land", "DEU", "breitengrad", 50.7762106, "laengengrad", 6.0857545, "status", 1);
	int64_t id = 0;
	struct err e = ERR_INIT;
	assert_int_equal(oo_estate_create(c, data, &id, &e), ERR_OK);
	assert_int_equal(id, 102);
	assert_int_equal(f.flags[0], OO_POST_ONCE);
	assert_action(&f, 0, 0, "create", "estate", "\"\"",
	              "{\"data\":{\"objektart\":\"haus\",\"objekttyp\":\"einfamilienhaus\","
	              "\"nutzungsart\":\"wohnen\",\"vermarktungsart\":\"kauf\",\"strasse\":"
	              "\"Charlottenburger Allee\",\"hausnummer\":\"5\",\"plz\":\"52068\",\"ort\":"
	              "\"Aachen\",\"land\":\"DEU\",\"breitengrad\":\"50.7762106\",\"laengengrad\":"
	              "\"6.0857545\",\"status\":1},\"extendedclaim\":\"<apiClaim>\"}");
	/* The caller's object is not changed. */
	assert_true(json_is_real(json_object_get(data, "breitengrad")));
	json_decref(data);
	oo_client_free(c);
	fake_release(&f);
}

static void create_refusals(void **state)
{
	(void)state;
	const char *bad[] = {"[]",
	                     "{\"land\":\"DE\"}",
	                     "{\"land\":\"Deutschland\"}",
	                     "{\"land\":1}",
	                     "{\"wohnflaeche\":120.5}",
	                     "{\"x\":{\"y\":1}}",
	                     NULL};
	for (size_t i = 0; bad[i]; i++) {
		json_t *data = json_loads(bad[i], 0, NULL), *p = (json_t *)1;
		assert_int_equal(oo_estate_params(data, &p, NULL), ERR_INVALID_ARG);
		assert_null(p);
		json_decref(data);
	}
	/* integers for coordinates, text kept, null land */
	json_t *data = json_loads("{\"breitengrad\":50,\"laengengrad\":\"6.1\",\"land\":null,"
	                          "\"objektnr_extern\":\"IMMO-1\"}",
	                          0, NULL),
	       *p;
	assert_int_equal(oo_estate_params(data, &p, NULL), ERR_OK);
	json_t *want = json_loads("{\"data\":{\"breitengrad\":\"50\",\"laengengrad\":\"6.1\","
	                          "\"land\":null,\"objektnr_extern\":\"IMMO-1\"}}",
	                          0, NULL);
	assert_true(json_equal(p, want));
	json_decref(want);
	json_decref(p);
	json_decref(data);
}

static void decimal_text(void **state)
{
	(void)state;
	char out[48];
	const struct {
		double v;
		const char *text;
	} cases[] = {{50.7762106, "50.7762106"},
	             {6.0857545, "6.0857545"},
	             {25, "25"},
	             {-0.5, "-0.5"},
	             {1e-9, "0"},
	             {-1e-9, "0"},
	             {2.5, "2.5"},
	             {123456789.125, "123456789.125"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(oo_decimal_text(cases[i].v, out, sizeof(out)), ERR_OK);
		assert_string_equal(out, cases[i].text);
	}
	assert_int_equal(oo_decimal_text(1e300, out, sizeof(out)), ERR_INVALID_ARG);
	assert_int_equal(oo_decimal_text(50.5, out, 3), ERR_INVALID_ARG);
}

static void read_with_a_filter(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 ENVELOPE(OK_RESULT("estate",
	                                    "[{\"id\":102,\"type\":\"estate\",\"elements\":{"
	                                    "\"objektnr_extern\":\"IMMO-1\"}}]",
	                                    "1"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	json_t *filter = NULL;
	assert_int_equal(oo_filter_add(&filter, "objektnr_extern", "=", json_string("IMMO-1")),
	                 ERR_OK);
	const char *data[] = {"objektnr_extern", "ort"};
	struct oo_address_query q = {.data = data, .ndata = 2, .filter = filter, .listlimit = 10};
	json_t *records;
	int64_t total;
	assert_int_equal(oo_estate_read(c, &q, &records, &total, NULL), ERR_OK);
	assert_int_equal(total, 1);
	assert_int_equal(json_array_size(records), 1);
	assert_action(&f, 0, 0, "read", "estate", "\"\"",
	              "{\"data\":[\"objektnr_extern\",\"ort\"],\"filter\":{\"objektnr_extern\":[{"
	              "\"op\":\"=\",\"val\":\"IMMO-1\"}]},\"listlimit\":10}");
	json_decref(records);
	json_decref(filter);
	oo_client_free(c);
	fake_release(&f);
}

static void onoffice_refusals_of_an_estate(void **state)
{
	(void)state;
	const char *bodies[] = {
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("77", "Invalid singleselect key") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("252", "Unknown value in select field") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("76", "Invalid multiselect key") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("193", "extendedclaim missing") "]}}",
	};
	int want[] = {ERR_OO_FINAL, ERR_OO_FINAL, ERR_OO_FINAL, ERR_OO_CLAIM};
	int codes[] = {77, 252, 76, 193};
	for (size_t i = 0; i < 4; i++) {
		struct fake f = {.replies = {{0, true, 0, bodies[i]}}, .nreplies = 1};
		struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
		json_t *data = json_pack("{s:s}", "objektart", "schloss");
		int64_t id = 1;
		struct err e = ERR_INIT;
		assert_int_equal(oo_estate_create(c, data, &id, &e), want[i]);
		assert_int_equal(e.remote_code, codes[i]);
		assert_int_equal(id, 0);
		assert_int_equal(f.calls, 1);
		json_decref(data);
		oo_client_free(c);
		fake_release(&f);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(create_matches_the_docs_example),
	    cmocka_unit_test(create_refusals),
	    cmocka_unit_test(decimal_text),
	    cmocka_unit_test(read_with_a_filter),
	    cmocka_unit_test(onoffice_refusals_of_an_estate),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
