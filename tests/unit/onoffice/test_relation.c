/* Unit tests for src/onoffice/relation.c: relation create and idsfromrelation
 * (onoffice-protocol §7). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/relation.h"

/* The onoffice-protocol §7 owner link, field by field. */
static void owner_link_matches_the_docs_example(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, ENVELOPE(EMPTY_RESULT)}}, .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "<apiClaim>");
	int64_t estate = 102, address = 181;
	struct err e = ERR_INIT;
	assert_int_equal(
	    oo_relation_create(c, OO_RELATION_ESTATE_OWNER, &estate, 1, &address, 1, &e), ERR_OK);
	assert_int_equal(f.flags[0], OO_POST_ONCE);
	assert_action(&f, 0, 0, "create", "relation", "\"\"",
	              "{\"relationtype\":\"urn:onoffice-de-ns:smart:2.5:relationTypes:estate:"
	              "address:owner\",\"parentid\":[102],\"childid\":[181],\"extendedclaim\":"
	              "\"<apiClaim>\"}");
	oo_client_free(c);
	fake_release(&f);
}

static void create_refusals(void **state)
{
	(void)state;
	int64_t one[] = {1}, two[] = {1, 2}, zero[] = {0};
	json_t *p;
	assert_int_equal(oo_relation_params("owner", one, 1, one, 1, &p, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_relation_params(OO_RELATION_PREFIX, one, 1, one, 1, &p, NULL),
	                 ERR_INVALID_ARG);
	assert_int_equal(oo_relation_params(OO_RELATION_ESTATE_OWNER, one, 0, one, 1, &p, NULL),
	                 ERR_INVALID_ARG);
	assert_int_equal(oo_relation_params(OO_RELATION_ESTATE_OWNER, one, 1, one, 0, &p, NULL),
	                 ERR_INVALID_ARG);
	assert_int_equal(oo_relation_params(OO_RELATION_ESTATE_OWNER, two, 2, two, 2, &p, NULL),
	                 ERR_INVALID_ARG);
	assert_int_equal(oo_relation_params(OO_RELATION_ESTATE_OWNER, zero, 1, one, 1, &p, NULL),
	                 ERR_INVALID_ARG);
	/* 1:n either way is fine */
	assert_int_equal(oo_relation_params(OO_RELATION_ESTATE_OWNER, one, 1, two, 2, &p, NULL),
	                 ERR_OK);
	json_decref(p);
	assert_int_equal(oo_relation_params(OO_RELATION_ESTATE_OWNER, two, 2, one, 1, &p, NULL),
	                 ERR_OK);
	json_decref(p);
}

static void relation_errors_are_final(void **state)
{
	(void)state;
	const char *bodies[] = {
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("173", "Relation could not be created") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("219", "n:n relations are not allowed") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("80", "Unknown record") "]}}",
	};
	int codes[] = {173, 219, 80};
	for (size_t i = 0; i < 3; i++) {
		struct fake f = {.replies = {{0, true, 0, bodies[i]}}, .nreplies = 1};
		struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
		int64_t estate = 1, address = 2;
		struct err e = ERR_INIT;
		assert_int_equal(
		    oo_relation_create(c, OO_RELATION_ESTATE_OWNER, &estate, 1, &address, 1, &e),
		    ERR_OO_FINAL);
		assert_int_equal(e.remote_code, codes[i]);
		assert_int_equal(f.calls, 1);
		oo_client_free(c);
		fake_release(&f);
	}
}

static void links_in_every_shape(void **state)
{
	(void)state;
	json_t *records = json_loads(
	    "[{\"id\":0,\"type\":\"\",\"elements\":{\"102\":[\"181\",182],\"103\":\"|190||191|\","
	    "\"104\":200,\"x\":[1],\"105\":[],\"106\":null}},{\"id\":0,\"elements\":[]},"
	    "{\"elements\":{\"102\":[181]}}]",
	    0, NULL);
	struct oo_relation_links l = {0};
	assert_int_equal(oo_relation_links_from_records(records, &l), ERR_OK);
	const struct oo_relation_link want[] = {
	    {102, 181}, {102, 182}, {103, 190}, {103, 191}, {104, 200}};
	assert_int_equal(l.n, 5); /* the repeated 102→181 only once */
	for (size_t i = 0; i < 5; i++) {
		assert_int_equal(l.v[i].from, want[i].from);
		assert_int_equal(l.v[i].to, want[i].to);
	}
	oo_relation_links_release(&l);
	json_decref(records);
}

static void estate_owners_are_read(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{0, true, 0,
	                 ENVELOPE(OK_RESULT(
	                     "idsfromrelation",
	                     "[{\"id\":0,\"type\":\"\",\"elements\":{\"102\":[\"183\",\"181\"]}}]",
	                     "null"))}},
	    .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "CL");
	struct oo_idv owners = OO_IDV_INIT;
	assert_int_equal(oo_estate_owners(c, 102, &owners, NULL), ERR_OK);
	assert_int_equal(owners.n, 2);
	assert_int_equal(owners.v[0], 181);
	assert_int_equal(owners.v[1], 183);
	assert_int_equal(f.flags[0], 0);
	assert_action(&f, 0, 0, "get", "idsfromrelation", "\"\"",
	              "{\"relationtype\":\"urn:onoffice-de-ns:smart:2.5:relationTypes:estate:"
	              "address:owner\",\"parentids\":[102],\"extendedclaim\":\"CL\"}");
	oo_idv_release(&owners);
	oo_client_free(c);
	fake_release(&f);

	/* by child, and refusals */
	struct fake g = {
	    .replies = {{0, true, 0,
	                 ENVELOPE(OK_RESULT("idsfromrelation", "[{\"elements\":{\"181\":[102]}}]",
	                                    "null"))}},
	    .nreplies = 1};
	c = fake_client(&g, NULL, NULL, NULL);
	int64_t child = 181;
	struct oo_relation_links l = {0};
	assert_int_equal(oo_relation_get(c, OO_RELATION_ESTATE_OWNER, NULL, 0, &child, 1, &l, NULL),
	                 ERR_OK);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.v[0].to, 102);
	assert_action(&g, 0, 0, "get", "idsfromrelation", "\"\"",
	              "{\"relationtype\":\"urn:onoffice-de-ns:smart:2.5:relationTypes:estate:"
	              "address:owner\",\"childids\":[181]}");
	assert_int_equal(
	    oo_relation_get(c, OO_RELATION_ESTATE_OWNER, &child, 1, &child, 1, &l, NULL),
	    ERR_INVALID_ARG);
	assert_int_equal(l.n, 0);
	assert_int_equal(oo_relation_get(c, OO_RELATION_ESTATE_OWNER, NULL, 0, NULL, 0, &l, NULL),
	                 ERR_INVALID_ARG);
	assert_int_equal(g.calls, 1);
	oo_relation_links_release(&l);
	oo_client_free(c);
	fake_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(owner_link_matches_the_docs_example),
	    cmocka_unit_test(create_refusals),
	    cmocka_unit_test(relation_errors_are_final),
	    cmocka_unit_test(links_in_every_shape),
	    cmocka_unit_test(estate_owners_are_read),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
