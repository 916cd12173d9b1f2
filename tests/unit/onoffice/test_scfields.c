/* Unit tests for src/onoffice/scfields.c: enabled search-criteria fields
 * (onoffice-protocol §8.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/scfields.h"

#define CATEGORIES                                                                               \
	"[{\"id\":\"Preis\",\"type\":\"searchCriteriaFields\",\"elements\":{\"name\":\"Preis\"," \
	"\"fields\":[{\"id\":\"kaufpreis\",\"name\":\"Kaufpreis\",\"position\":1,\"type\":"      \
	"\"urn:onoffice-de-ns:smart:2.5:dbAccess:dataType:float\",\"rangefield\":\"true\","      \
	"\"ko\":\"false\",\"mandatory\":\"false\",\"values\":[],\"default\":null},"              \
	"{\"id\":\"vermarktungsart\",\"name\":\"Vermarktungsart\",\"type\":\"singleselect\","    \
	"\"rangefield\":\"false\",\"values\":{\"kauf\":\"Kauf\",\"miete\":\"Miete\"}},"          \
	"{\"name\":\"no id\"}]}},"                                                               \
	"{\"id\":\"Umkreis\",\"elements\":{\"name\":\"Umkreis\",\"fields\":{\"range_plz\":{"     \
	"\"id\":\"range_plz\",\"name\":\"PLZ\",\"type\":\"varchar\",\"rangefield\":false},"      \
	"\"range\":{\"id\":\"range\",\"name\":\"Radius\",\"rangefield\":true}}}},"               \
	"{\"id\":\"leer\",\"elements\":[]}]"

static void categories_and_fields_are_parsed(void **state)
{
	(void)state;
	json_t *records = json_loads(CATEGORIES, 0, NULL);
	struct oo_sc_fields f;
	assert_int_equal(oo_sc_fields_from_records(records, &f), ERR_OK);
	json_decref(records);
	assert_int_equal(f.n, 3);
	assert_string_equal(f.v[0].name, "Preis");
	assert_int_equal(f.v[0].nfields, 2); /* the field without an id is skipped */
	const struct oo_sc_field *price = oo_sc_fields_find(&f, "kaufpreis");
	assert_non_null(price);
	assert_true(price->rangefield);
	assert_string_equal(price->type, "urn:onoffice-de-ns:smart:2.5:dbAccess:dataType:float");
	assert_int_equal(price->nvalues, 0);
	const struct oo_sc_field *kind = oo_sc_fields_find(&f, "vermarktungsart");
	assert_false(kind->rangefield);
	assert_int_equal(kind->nvalues, 2);
	assert_string_equal(kind->values[1].key, "miete");
	assert_string_equal(kind->values[1].label, "Miete");
	/* fields as an object; rangefield as a JSON boolean */
	assert_int_equal(f.v[1].nfields, 2);
	assert_true(oo_sc_fields_find(&f, "range")->rangefield);
	assert_false(oo_sc_fields_find(&f, "range_plz")->rangefield);
	assert_string_equal(oo_sc_fields_find(&f, "range")->type, "");
	assert_int_equal(f.v[2].nfields, 0);
	assert_null(f.v[2].name);
	assert_null(oo_sc_fields_find(&f, "wohnflaeche"));
	oo_sc_fields_release(&f);
}

static void get_sends_language(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 OK_ENVELOPE_BEGIN OK_RESULT("searchCriteriaFields", CATEGORIES, "3")
	                     OK_ENVELOPE_END}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_sc_fields sc;
	assert_int_equal(oo_sc_fields_get(c, "ENG", &sc, NULL), ERR_OK);
	assert_int_equal(sc.n, 3);
	json_t *req;
	json_t *p = fake_params(&f, 0, &req);
	assert_string_equal(json_string_value(json_object_get(p, "language")), "ENG");
	json_t *a = json_array_get(json_object_get(json_object_get(req, "request"), "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "resourcetype")),
	                    "searchCriteriaFields");
	json_decref(req);
	oo_sc_fields_release(&sc);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(categories_and_fields_are_parsed),
	    cmocka_unit_test(get_sends_language),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
