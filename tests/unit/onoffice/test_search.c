/* Unit tests for src/onoffice/search.c: the quick search and exact matching
 * (onoffice-protocol §5.3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/search.h"

#define HITS                                                                                    \
	"[{\"id\":12,\"type\":\"address\",\"elements\":{\"customerno\":\"1012\",\"firstname\":" \
	"\"Max\",\"surname\":\"Mustermann\",\"company\":\"\",\"addressDescription\":\"x\","     \
	"\"emailaddress\":[\"max@example.com\",\"info@max.de\"],\"primaryEmail\":"              \
	"\"max@example.com\"}},"                                                                \
	"{\"id\":\"13\",\"type\":\"address\",\"elements\":{\"customerno\":1013,\"firstname\":"  \
	"\"Maxi\",\"surname\":\"M\",\"emailaddress\":\"|maxi.max@example.com.au|\","            \
	"\"primaryEmail\":null}},"                                                              \
	"{\"id\":\"none\",\"elements\":{}}]"

static void params_and_validation(void **state)
{
	(void)state;
	json_t *p;
	struct err e = ERR_INIT;
	struct oo_search_query q = {
	    .input = "max@example.com", .includecontactdata = true, .listlimit = 50};
	assert_int_equal(oo_search_params(&q, &p, &e), ERR_OK);
	char *text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	assert_string_equal(text, "{\"includecontactdata\":true,\"input\":\"max@example.com\","
	                          "\"listlimit\":50}");
	free(text);
	json_decref(p);
	q.input = "";
	assert_int_equal(oo_search_params(&q, &p, &e), ERR_INVALID_ARG);
	assert_string_equal(e.field, "input");
	q.input = "x";
	q.listlimit = 501;
	assert_int_equal(oo_search_params(&q, &p, &e), ERR_INVALID_ARG);
}

static void hits_are_parsed_and_checked_exactly(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 OK_ENVELOPE_BEGIN OK_RESULT("search", HITS, "3") OK_ENVELOPE_END}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_search_query q = {.input = "max@example.com", .includecontactdata = true};
	struct oo_search_hits h;
	assert_int_equal(oo_search(c, &q, &h, NULL), ERR_OK);
	assert_int_equal(h.n, 2); /* the record without a numeric id is skipped */
	assert_int_equal(h.v[0].id, 12);
	assert_string_equal(h.v[0].customerno, "1012");
	assert_string_equal(h.v[0].surname, "Mustermann");
	assert_int_equal(h.v[0].emails.n, 2);
	assert_int_equal(h.v[1].id, 13);
	assert_string_equal(h.v[1].customerno, "1013");
	assert_null(h.v[1].primary_email);
	assert_int_equal(h.v[1].emails.n, 1);
	/* "term appears in field" is not a match: only exact (case-insensitive) equality. */
	assert_true(oo_search_hit_has_email(&h.v[0], "max@example.com"));
	assert_true(oo_search_hit_has_email(&h.v[0], " MAX@Example.COM "));
	assert_true(oo_search_hit_has_email(&h.v[0], "info@max.de"));
	assert_false(oo_search_hit_has_email(&h.v[1], "max@example.com"));
	assert_false(oo_search_hit_has_email(&h.v[0], "ax@example.com"));
	assert_false(oo_search_hit_has_email(&h.v[0], ""));
	json_t *req = fake_request(&f, 0);
	json_t *a = json_array_get(json_object_get(json_object_get(req, "request"), "actions"), 0);
	assert_string_equal(json_string_value(json_object_get(a, "resourcetype")), "search");
	assert_string_equal(json_string_value(json_object_get(a, "resourceid")), "address");
	assert_string_equal(json_string_value(json_object_get(a, "actionid")),
	                    "urn:onoffice-de-ns:smart:2.5:smartml:action:get");
	json_decref(req);
	oo_search_hits_release(&h);
	assert_int_equal(h.n, 0);
	oo_client_free(c);
	fake_release(&f);
}

static void short_input_error_is_final(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 "{\"status\":{\"code\":200,\"errorcode\":97},\"response\":{"
	                 "\"results\":[{\"data\":[],\"status\":{\"errorcode\":151,"
	                 "\"message\":\"search string has not enough characters\"}}]}}"}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_search_query q = {.input = "m", .resource = "estate"};
	struct oo_search_hits h;
	struct err e = ERR_INIT;
	assert_int_equal(oo_search(c, &q, &h, &e), ERR_OO_FINAL);
	assert_int_equal(e.remote_code, 151);
	assert_int_equal(h.n, 0);
	oo_search_hits_release(&h);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(params_and_validation),
	    cmocka_unit_test(hits_are_parsed_and_checked_exactly),
	    cmocka_unit_test(short_input_error_is_final),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
