/* Unit tests for src/onoffice/fields.c: field configuration parsing and the per-client cache
 * (onoffice-protocol §9).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/fields.h"

#define FIELDS_RECORDS                                                                           \
	"[{\"id\":\"address\",\"type\":\"\",\"elements\":{"                                      \
	"\"label\":\"Adressen\","                                                                \
	"\"ArtDaten\":{\"type\":\"multiselect\",\"length\":null,\"permittedvalues\":{"           \
	"\"Eigentümer\":\"Eigentümer\",\"Interessent\":\"Interessent\",\"Systembenutzer\":"    \
	"\"Systembenutzer\"},\"default\":null,\"filters\":[],\"dependencies\":[],"               \
	"\"compoundFields\":[],\"label\":\"Kontaktart\"},"                                       \
	"\"DSGVOStatus\":{\"type\":\"singleselect\",\"length\":\"0\",\"permittedvalues\":["      \
	"\"ignorieren\",\"speicherungwiderrufen\",\"speicherungzugestimmt\"],\"default\":"       \
	"\"ignorieren\",\"label\":\"DSGVO-Status\"},"                                            \
	"\"Vorname\":{\"type\":\"varchar\",\"length\":80,\"permittedvalues\":null,\"default\":"  \
	"null,\"label\":\"Vorname\"},"                                                           \
	"\"Status\":{\"type\":\"boolean\",\"length\":1,\"permittedvalues\":[],\"default\":1}}}," \
	"{\"id\":\"estate\",\"type\":\"\",\"elements\":{\"label\":\"Immobilien\","               \
	"\"objekttyp\":{\"type\":\"singleselect\",\"permittedvalues\":{\"carport\":\"Carport\"," \
	"\"einfamilienhaus\":\"Einfamilienhaus\"},\"dependencies\":{\"carport\":\"parken\","     \
	"\"einfamilienhaus\":\"haus\"},\"label\":\"Objekttyp\"}}},"                              \
	"{\"id\":17,\"elements\":{}}]"

static void records_become_modules_and_fields(void **state)
{
	(void)state;
	json_t *records = json_loads(FIELDS_RECORDS, 0, NULL);
	assert_non_null(records);
	struct oo_fields f;
	assert_int_equal(oo_fields_from_records(records, &f), ERR_OK);
	json_decref(records); /* the structs own copies */
	assert_int_equal(f.nmodules, 2);
	assert_string_equal(f.modules[0].name, "address");
	assert_string_equal(f.modules[0].label, "Adressen");
	assert_int_equal(f.modules[0].nfields, 4); /* the string "label" is not a field */
	const struct oo_field *art = oo_fields_find(&f, "address", "ArtDaten");
	assert_non_null(art);
	assert_string_equal(art->type, "multiselect");
	assert_string_equal(art->label, "Kontaktart");
	assert_int_equal(art->length, 0);
	assert_null(art->default_value);
	assert_null(art->dependencies);
	assert_int_equal(art->npermitted, 3);
	assert_string_equal(art->permitted[0].key, "Eigentümer");
	assert_true(oo_field_permits(art, "Systembenutzer"));
	assert_false(oo_field_permits(art, "Kunde"));
	const struct oo_field *gdpr = oo_fields_find(&f, "address", "DSGVOStatus");
	assert_int_equal(gdpr->npermitted, 3);
	assert_string_equal(gdpr->permitted[2].key, "speicherungzugestimmt");
	assert_string_equal(gdpr->permitted[2].label, "speicherungzugestimmt");
	assert_string_equal(gdpr->default_value, "ignorieren");
	const struct oo_field *name = oo_fields_find(&f, "address", "Vorname");
	assert_int_equal(name->length, 80);
	assert_int_equal(name->npermitted, 0);
	assert_null(name->permitted);
	const struct oo_field *status = oo_fields_find(&f, "address", "Status");
	assert_string_equal(status->default_value, "1");
	assert_null(status->label);
	assert_null(oo_fields_find(&f, "address", "label"));
	assert_null(oo_fields_find(&f, "estate", "ArtDaten"));
	const struct oo_field *typ = oo_fields_find(&f, "estate", "objekttyp");
	assert_non_null(typ->dependencies);
	assert_string_equal(json_string_value(json_object_get(typ->dependencies, "carport")),
	                    "parken");
	oo_fields_release(&f);
	assert_int_equal(f.nmodules, 0);
}

static void params_of_a_query(void **state)
{
	(void)state;
	const char *mods[] = {"address", "estate"}, *list[] = {"ArtDaten", "objekttyp"};
	struct oo_fields_query q = {.modules = mods,
	                            .nmodules = 2,
	                            .field_list = list,
	                            .nfield_list = 2,
	                            .dependencies = true};
	json_t *p;
	assert_int_equal(oo_fields_params(&q, &p, NULL), ERR_OK);
	char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"fieldList\":[\"ArtDaten\",\"objekttyp\"],\"labels\":true,"
	                          "\"language\":\"DEU\",\"modules\":[\"address\",\"estate\"],"
	                          "\"showfielddependencies\":true}");
	free(text);
	json_decref(p);
	struct oo_fields_query none = {0};
	struct err e = ERR_INIT;
	assert_int_equal(oo_fields_params(&none, &p, &e), ERR_INVALID_ARG);
	assert_string_equal(e.field, "modules");
}

static void cache_answers_within_ttl(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0,
	                              OK_ENVELOPE_BEGIN OK_RESULT("fields", FIELDS_RECORDS, "null")
	                                  OK_ENVELOPE_END}},
	                 .nreplies = 1};
	struct fake_clock clock = {1000, 0};
	struct oo_client *c = fake_client(&f, &clock, NULL, NULL);
	const char *mods[] = {"address"}, *both[] = {"address", "estate"};
	struct oo_fields_query q = {.modules = mods, .nmodules = 1};
	struct oo_fields_query q2 = {.modules = both, .nmodules = 2};
	const struct oo_fields *out;
	assert_int_equal(oo_fields_cached(c, 600, &q, &out, NULL), ERR_OK);
	assert_int_equal(out->nmodules, 2);
	assert_int_equal(f.calls, 1);
	clock.now += 599;
	assert_int_equal(oo_fields_cached(c, 600, &q, &out, NULL), ERR_OK);
	assert_int_equal(f.calls, 1);
	assert_non_null(oo_fields_find(out, "address", "Vorname"));
	/* Another query is another entry. */
	assert_int_equal(oo_fields_cached(c, 600, &q2, &out, NULL), ERR_OK);
	assert_int_equal(f.calls, 2);
	/* Expired: fetched again. */
	clock.now += 1;
	assert_int_equal(oo_fields_cached(c, 600, &q, &out, NULL), ERR_OK);
	assert_int_equal(f.calls, 3);
	assert_int_equal(oo_fields_cached(c, 600, &q2, &out, NULL), ERR_OK);
	assert_int_equal(f.calls, 3);
	oo_fields_invalidate(c);
	assert_int_equal(oo_fields_cached(c, 600, &q, &out, NULL), ERR_OK);
	assert_int_equal(f.calls, 4);
	oo_client_free(c);
	fake_release(&f);
}

static void errors_are_not_cached(void **state)
{
	(void)state;
	struct fake f = {.replies = {{ERR_TIMEOUT, true, 0, NULL},
	                             {ERR_TIMEOUT, true, 0, NULL},
	                             {ERR_TIMEOUT, true, 0, NULL},
	                             {0, true, 0,
	                              OK_ENVELOPE_BEGIN OK_RESULT("fields", FIELDS_RECORDS, "null")
	                                  OK_ENVELOPE_END}},
	                 .nreplies = 4};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	const char *mods[] = {"address"};
	struct oo_fields_query q = {.modules = mods, .nmodules = 1};
	const struct oo_fields *out = (const struct oo_fields *)1;
	struct err e = ERR_INIT;
	assert_int_equal(oo_fields_cached(c, 600, &q, &out, &e), ERR_OO_RETRYABLE);
	assert_null(out);
	assert_int_equal(f.calls, 3);
	assert_int_equal(oo_fields_cached(c, 600, &q, &out, &e), ERR_OK);
	assert_int_equal(f.calls, 4);
	assert_int_equal(out->nmodules, 2);
	/* The uncached call returns its own copy. */
	struct oo_fields own;
	assert_int_equal(oo_fields_get(c, &q, &own, &e), ERR_OK);
	assert_int_equal(own.nmodules, 2);
	oo_fields_release(&own);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(records_become_modules_and_fields),
	    cmocka_unit_test(params_of_a_query),
	    cmocka_unit_test(cache_answers_within_ttl),
	    cmocka_unit_test(errors_are_not_cached),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
