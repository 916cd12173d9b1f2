/* Unit tests for src/onoffice/actionkinds.c: agents-log kinds and types (onoffice-protocol §6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/actionkinds.h"

#define KINDS                                                                                 \
	"[{\"id\":1,\"type\":\"actionkindtypes\",\"elements\":{\"key\":\"Email\",\"label\":"  \
	"\"E-Mail\",\"types\":{\"Eingang\":\"Eingang\",\"Ausgang\":\"Ausgang\"},\"default\":" \
	"\"Ausgang\"}},"                                                                      \
	"{\"id\":2,\"elements\":{\"key\":\"Notiz\",\"label\":\"Notiz\",\"types\":[],"         \
	"\"default\":null}},"                                                                 \
	"{\"id\":\"Sonstiges\",\"elements\":{\"types\":[\"Info\"]}},"                         \
	"{\"key\":\"Anruf\",\"label\":\"Anruf\",\"types\":{\"Eingang\":\"Eingehend\"}},"      \
	"{\"id\":null,\"elements\":{\"label\":\"kein Schlüssel\"}}]"

static void kinds_and_types_are_parsed(void **state)
{
	(void)state;
	json_t *records = json_loads(KINDS, 0, NULL);
	struct oo_action_kinds k;
	assert_int_equal(oo_action_kinds_from_records(records, &k), ERR_OK);
	json_decref(records);
	assert_int_equal(k.n, 4);
	const struct oo_action_kind *email = oo_action_kind_find(&k, "Email");
	assert_non_null(email);
	assert_string_equal(email->label, "E-Mail");
	assert_int_equal(email->ntypes, 2);
	assert_true(oo_action_kind_has_type(email, "Eingang"));
	assert_true(oo_action_kind_has_type(email, "Ausgang"));
	assert_false(oo_action_kind_has_type(email, "Notiz"));
	assert_string_equal(email->default_value, "Ausgang");
	const struct oo_action_kind *note = oo_action_kind_find(&k, "Notiz");
	assert_int_equal(note->ntypes, 0);
	assert_null(note->default_value);
	const struct oo_action_kind *other = oo_action_kind_find(&k, "Sonstiges");
	assert_non_null(other); /* key from the record id */
	assert_string_equal(other->label, "Sonstiges");
	assert_true(oo_action_kind_has_type(other, "Info"));
	const struct oo_action_kind *call = oo_action_kind_find(&k, "Anruf"); /* no elements */
	assert_non_null(call);
	assert_string_equal(call->types[0].label, "Eingehend");
	assert_null(oo_action_kind_find(&k, "Besichtigung"));
	oo_action_kinds_release(&k);
}

static void get_sends_lang(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0,
	                              OK_ENVELOPE_BEGIN OK_RESULT("actionkindtypes", KINDS, "5")
	                                  OK_ENVELOPE_END}},
	                 .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_action_kinds k;
	assert_int_equal(oo_action_kinds_get(c, "DEU", &k, NULL), ERR_OK);
	assert_int_equal(k.n, 4);
	json_t *req;
	json_t *p = fake_params(&f, 0, &req);
	assert_string_equal(json_string_value(json_object_get(p, "lang")), "DEU");
	json_t *a = json_array_get(json_object_get(json_object_get(req, "request"), "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "resourcetype")),
	                    "actionkindtypes");
	json_decref(req);
	oo_action_kinds_release(&k);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(kinds_and_types_are_parsed),
	    cmocka_unit_test(get_sends_lang),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
