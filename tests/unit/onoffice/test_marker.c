/* Unit tests for src/onoffice/marker.c: the lookups before a write is sent again (R-X6). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/marker.h"

static void addresses_by_email_exactly(void **state)
{
	(void)state;
	struct fake f = {
	    .replies =
	        {{0, true, 0,
	          ENVELOPE(OK_RESULT(
	              "address",
	              "[{\"id\":5,\"type\":\"address\",\"elements\":{\"id\":5,\"Email\":null,"
	              "\"email__11\":\"x@y.de\",\"email__12\":\" Anna@Example.DE \"}},"
	              "{\"id\":\"3\",\"type\":\"address\",\"elements\":{\"Email\":"
	              "\"anna@example.de\"}},"
	              "{\"id\":9,\"type\":\"address\",\"elements\":{\"email__2\":"
	              "\"anna@example.de.evil\"}},{\"type\":\"address\"}]",
	              "4"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_idv ids = OO_IDV_INIT;
	assert_int_equal(oo_find_addresses_by_email(c, "anna@example.de", &ids, NULL), ERR_OK);
	assert_int_equal(ids.n, 2);
	assert_int_equal(ids.v[0], 3);
	assert_int_equal(ids.v[1], 5);
	assert_int_equal(f.flags[0], 0);
	assert_action(
	    &f, 0, 0, "read", "address", "\"\"",
	    "{\"data\":[\"Email\",\"email\"],\"filter\":{\"email\":[{\"op\":\"=\",\"val\":"
	    "\"anna@example.de\"}]},\"listlimit\":500,\"listoffset\":0}");
	oo_idv_release(&ids);
	oo_client_free(c);
	fake_release(&f);
}

static void agentslog_by_marker_in_the_note(void **state)
{
	(void)state;
	struct fake f = {
	    .replies =
	        {{0, true, 0,
	          ENVELOPE(OK_RESULT(
	              "agentslog",
	              "[{\"id\":70,\"type\":\"agentslog\",\"elements\":{\"Bemerkung\":"
	              "\"Bewertung\\n[immosync:conv:123]\"}},{\"id\":71,\"type\":"
	              "\"agentslog\",\"elements\":{\"Bemerkung\":\"Bewertung durchgef\\u00fchrt"
	              "\\nLead-ID: 9\\n[immosync:conv:12]\"}},{\"id\":72,\"type\":"
	              "\"agentslog\",\"elements\":{\"Bemerkung\":null}}]",
	              "3"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "CL");
	struct oo_idv ids = OO_IDV_INIT;
	assert_int_equal(oo_find_agentslog_by_marker(c, 34, "[immosync:conv:12]", &ids, NULL),
	                 ERR_OK);
	assert_int_equal(ids.n, 1);
	assert_int_equal(ids.v[0], 71);
	assert_action(&f, 0, 0, "read", "agentslog", "\"\"",
	              "{\"data\":[\"Bemerkung\"],\"addressid\":[34],\"listlimit\":500,"
	              "\"listoffset\":0,\"extendedclaim\":\"CL\"}");
	oo_idv_release(&ids);
	oo_client_free(c);
	fake_release(&f);
}

static void estates_by_external_number(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 ENVELOPE(OK_RESULT(
	                     "estate",
	                     "[{\"id\":102,\"type\":\"estate\",\"elements\":{\"objektnr_extern\":"
	                     "\"IMMO-70\"}},{\"id\":104,\"type\":\"estate\",\"elements\":{"
	                     "\"objektnr_extern\":\"IMMO-7\"}},{\"id\":103,\"type\":\"estate\","
	                     "\"elements\":{\"objektnr_extern\":\"IMMO-7\"}}]",
	                     "3"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_idv ids = OO_IDV_INIT;
	assert_int_equal(oo_find_estates_by_marker(c, "IMMO-7", &ids, NULL), ERR_OK);
	assert_int_equal(ids.n, 2); /* a duplicate made earlier shows too */
	assert_int_equal(ids.v[0], 103);
	assert_int_equal(ids.v[1], 104);
	assert_action(
	    &f, 0, 0, "read", "estate", "\"\"",
	    "{\"data\":[\"objektnr_extern\"],\"filter\":{\"objektnr_extern\":[{\"op\":\"=\","
	    "\"val\":\"IMMO-7\"}]},\"listlimit\":500,\"listoffset\":0}");
	oo_idv_release(&ids);
	oo_client_free(c);
	fake_release(&f);
}

static void searchcriteria_by_reference_in_the_comment(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 ENVELOPE(OK_RESULT(
	                     "searchcriterias",
	                     "[{\"id\":25,\"type\":\"searchcriteria\",\"elements\":{"
	                     "\"krit_bemerkung\":\"Wohntraum [immosync:sr:7]\"}},"
	                     "{\"id\":26,\"type\":\"searchcriteria\",\"elements\":{\"_meta\":{"
	                     "\"publicnote\":\"x [immosync:sr:7]\"}}},"
	                     "{\"id\":27,\"type\":\"searchcriteria\",\"elements\":{"
	                     "\"krit_bemerkung\":\"[immosync:sr:70]\",\"objektart\":[\"haus\"]}}]",
	                     "null"))},
	                {0, true, 0, ENVELOPE(OK_RESULT("searchcriterias", "[]", "null"))}},
	    .nreplies = 2};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_idv ids = OO_IDV_INIT;
	assert_int_equal(oo_find_searchcriteria_by_marker(c, 153, "[immosync:sr:7]", &ids, NULL),
	                 ERR_OK);
	assert_int_equal(ids.n, 2);
	assert_int_equal(ids.v[0], 25);
	assert_int_equal(ids.v[1], 26);
	assert_int_equal(f.calls, 2);
	assert_action(&f, 0, 0, "get", "searchcriterias", "\"\"",
	              "{\"mode\":\"internal\",\"ids\":[153],\"listlimit\":500,\"listoffset\":0}");
	oo_idv_release(&ids);
	oo_client_free(c);
	fake_release(&f);
}

static void nothing_found_refusals_and_failures(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, ENVELOPE(OK_RESULT("address", "[]", "0"))}},
	                 .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_idv ids = OO_IDV_INIT;
	assert_int_equal(oo_find_addresses_by_email(c, "nobody@example.de", &ids, NULL), ERR_OK);
	assert_int_equal(ids.n, 0);
	assert_int_equal(oo_find_addresses_by_email(c, "", &ids, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_find_agentslog_by_marker(c, 1, NULL, &ids, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_find_estates_by_marker(c, "", &ids, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_find_searchcriteria_by_marker(c, 1, "", &ids, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_find_agentslog_by_marker(c, 0, "m", &ids, NULL), ERR_INVALID_ARG);
	assert_int_equal(f.calls, 1);
	oo_client_free(c);
	fake_release(&f);

	/* A lookup is a read: retried, and its class comes back. */
	struct fake g = {.replies = {{ERR_TIMEOUT, true, 0, NULL}}, .nreplies = 1};
	c = fake_client(&g, NULL, NULL, NULL);
	struct err e = ERR_INIT;
	assert_int_equal(oo_find_estates_by_marker(c, "IMMO-1", &ids, &e), ERR_OO_RETRYABLE);
	assert_int_equal(g.calls, 3);
	assert_int_equal(g.flags[2], 0);
	assert_int_equal(ids.n, 0);
	oo_client_free(c);
	fake_release(&g);
}

static void text_search_depth(void **state)
{
	(void)state;
	json_t *v = json_loads("{\"a\":[1,{\"b\":\"xx NEEDLE\"}],\"c\":null}", 0, NULL);
	assert_true(oo_json_has_text(v, "NEEDLE"));
	assert_false(oo_json_has_text(v, "needle"));
	json_decref(v);
	v = json_loads("{\"a\":{\"b\":{\"c\":{\"d\":{\"e\":\"NEEDLE\"}}}}}", 0, NULL);
	assert_false(oo_json_has_text(v, "NEEDLE")); /* deeper than 4 */
	json_decref(v);
	assert_false(oo_json_has_text(NULL, "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(addresses_by_email_exactly),
	    cmocka_unit_test(agentslog_by_marker_in_the_note),
	    cmocka_unit_test(estates_by_external_number),
	    cmocka_unit_test(searchcriteria_by_reference_in_the_comment),
	    cmocka_unit_test(nothing_found_refusals_and_failures),
	    cmocka_unit_test(text_search_depth),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
