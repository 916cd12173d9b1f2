/*
 * Unit tests for src/onoffice/write.c and the classes of every typed write:
 * created ids, uncertain vs not sent, never retried, onOffice's codes, and
 * extendedclaim on every action of a mixed batch.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/address_write.h"
#include "onoffice/agentslog.h"
#include "onoffice/estate.h"
#include "onoffice/relation.h"
#include "onoffice/searchcriteria.h"
#include "onoffice/unlock.h"
#include "onoffice/write.h"

/* Every typed write, called with valid input; returns its class. */
typedef int (*write_fn)(struct oo_client *c, struct err *e);

static int do_address_create(struct oo_client *c, struct err *e)
{
	struct oo_contact_value cv[] = {{OO_EMAIL, "a@b.de", true}};
	struct oo_address_new a = {.contacts = cv, .ncontacts = 1};
	int64_t id;
	return oo_address_create(c, &a, &id, e);
}

static int do_address_modify(struct oo_client *c, struct err *e)
{
	struct oo_address_change ch = {.id = 3, .land_name = "Deutschland"};
	return oo_address_modify(c, &ch, e);
}

static int do_agentslog(struct oo_client *c, struct err *e)
{
	int64_t a = 3;
	struct oo_agentslog_new x = {.actionkind = "Email", .addressids = &a, .naddressids = 1};
	int64_t id;
	return oo_agentslog_create(c, &x, &id, e);
}

static int do_estate(struct oo_client *c, struct err *e)
{
	json_t *data = json_pack("{s:s}", "objektart", "haus");
	int64_t id;
	int rc = oo_estate_create(c, data, &id, e);
	json_decref(data);
	return rc;
}

static int do_relation(struct oo_client *c, struct err *e)
{
	int64_t p = 1, ch = 2;
	return oo_relation_create(c, OO_RELATION_ESTATE_OWNER, &p, 1, &ch, 1, e);
}

static int do_searchcriteria(struct oo_client *c, struct err *e)
{
	json_t *data = json_pack("{s:s}", "objektart", "haus");
	int64_t id;
	int rc = oo_searchcriteria_create(c, 3, data, &id, e);
	json_decref(data);
	return rc;
}

static int do_unlock(struct oo_client *c, struct err *e)
{
	return oo_unlock_provider(c, "cache", "claim", e);
}

static const struct {
	const char *name;
	write_fn fn;
} writes[] = {
    {"address create", do_address_create}, {"address modify", do_address_modify},
    {"agentslog create", do_agentslog},    {"estate create", do_estate},
    {"relation create", do_relation},      {"searchcriteria create", do_searchcriteria},
    {"unlockProvider", do_unlock},
};
#define NWRITES (sizeof(writes) / sizeof(writes[0]))

/* Sent and no trustworthy answer → uncertain; not sent → not_sent; one attempt each. */
static void no_answer_classes_of_every_write(void **state)
{
	(void)state;
	const struct fake_reply cases[] = {
	    {ERR_TIMEOUT, true, 0, NULL}, /* timeout after sending */
	    {ERR_IO, true, 0, NULL},      /* dropped connection after sending */
	    {0, true, 503, "busy"},       /* HTTP 5xx */
	    {0, true, 0, "{\"status\""},  /* unparsable body */
	    {0, true, 0, ""},             /* empty body */
	    {0, true, 0, "{\"status\":{\"code\":500,\"errorcode\":0,\"message\":\"error\"}}"},
	    {0, true, 0, ENVELOPE(EMPTY_RESULT "," EMPTY_RESULT)}, /* result count mismatch */
	    {ERR_TOO_LARGE, true, 0, NULL},
	    {ERR_IO, false, 0, NULL},      /* connect failed */
	    {ERR_TIMEOUT, false, 0, NULL}, /* connect timeout */
	};
	for (size_t w = 0; w < NWRITES; w++)
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			struct fake f = {.replies = {cases[i]}, .nreplies = 1};
			struct fake_sleep sl = {0};
			struct oo_client *c = fake_client(&f, NULL, &sl, NULL);
			struct err e = ERR_INIT;
			int want = cases[i].sent ? ERR_OO_UNCERTAIN : ERR_OO_NOT_SENT;
			int got = writes[w].fn(c, &e);
			if (got != want)
				fail_msg("%s, case %zu: %s instead of %s", writes[w].name, i,
				         err_name(got), err_name(want));
			assert_int_equal(f.calls, 1); /* never retried */
			assert_int_equal(sl.calls, 0);
			assert_int_equal(f.flags[0], OO_POST_ONCE);
			oo_client_free(c);
			fake_release(&f);
		}
}

/* onOffice's codes for writes: final or claim, remote code kept, never retried. */
static void error_codes_of_every_write(void **state)
{
	(void)state;
	const struct {
		int code;
		int cls;
	} codes[] = {{76, ERR_OO_FINAL},  {77, ERR_OO_FINAL},  {252, ERR_OO_FINAL},
	             {80, ERR_OO_FINAL},  {98, ERR_OO_FINAL},  {99, ERR_OO_FINAL},
	             {100, ERR_OO_FINAL}, {101, ERR_OO_FINAL}, {173, ERR_OO_FINAL},
	             {219, ERR_OO_FINAL}, {177, ERR_OO_FINAL}, {178, ERR_OO_FINAL},
	             {254, ERR_OO_FINAL}, {193, ERR_OO_CLAIM}, {201, ERR_OO_CLAIM},
	             {248, ERR_OO_CLAIM}, {137, ERR_OO_AUTH},  {136, ERR_OO_CLOCK}};
	for (size_t w = 0; w < NWRITES; w++)
		for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
			char body[256];
			snprintf(body, sizeof(body),
			         ERR_ENVELOPE_BEGIN "{\"data\":[],\"status\":{\"errorcode\":%d,"
			                            "\"message\":\"refused\"}}]}}",
			         codes[i].code);
			struct fake f = {.replies = {{0, true, 0, body}}, .nreplies = 1};
			struct fake_sleep sl = {0};
			struct oo_client *c = fake_client(&f, NULL, &sl, NULL);
			struct err e = ERR_INIT;
			int got = writes[w].fn(c, &e);
			if (got != codes[i].cls || e.remote_code != codes[i].code)
				fail_msg("%s, code %d: %s (%d)", writes[w].name, codes[i].code,
				         err_name(got), e.remote_code);
			assert_int_equal(f.calls, 1);
			assert_int_equal(sl.calls, 0);
			oo_client_free(c);
			fake_release(&f);
		}
}

static void created_ids(void **state)
{
	(void)state;
	const struct {
		const char *body;
		const char *type;
		int rc;
		int64_t id;
	} cases[] = {
	    {ENVELOPE(CREATED_RESULT("agentslog", "agentsLog", "6065")), "agentslog", ERR_OK, 6065},
	    {ENVELOPE(CREATED_RESULT("agentslog", "agentslog", "\"6066\"")), "agentslog", ERR_OK,
	     6066},
	    {ENVELOPE(CREATED_RESULT("searchcriteria", "searchCriteria", "25")), "searchcriteria",
	     ERR_OK, 25},
	    {ENVELOPE(CREATED_RESULT("estate", "", "102")), "estate", ERR_OK, 102},
	    {ENVELOPE(CREATED_RESULT("estate", "address", "102")), "estate", ERR_OO_UNCERTAIN, 0},
	    {ENVELOPE(CREATED_RESULT("estate", "estate", "0")), "estate", ERR_OO_UNCERTAIN, 0},
	    {ENVELOPE(CREATED_RESULT("estate", "estate", "\"x\"")), "estate", ERR_OO_UNCERTAIN, 0},
	    {ENVELOPE(EMPTY_RESULT), "estate", ERR_OO_UNCERTAIN, 0},
	    {ENVELOPE("{\"data\":[],\"status\":{\"errorcode\":0,\"message\":\"OK\"}}"), "estate",
	     ERR_OO_UNCERTAIN, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f = {.replies = {{0, true, 0, cases[i].body}}, .nreplies = 1};
		struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
		struct oo_batch b = OO_BATCH_INIT;
		assert_int_equal(oo_batch_add(&b, OO_CREATE, "x", NULL, NULL, NULL), ERR_OK);
		int64_t id = -1;
		struct err e = ERR_INIT;
		int got = oo_write_call(c, &b, cases[i].type, &id, &e);
		if (got != cases[i].rc)
			fail_msg("case %zu: %s", i, err_name(got));
		assert_int_equal(id, cases[i].id);
		assert_int_equal(f.calls, 1);
		oo_batch_release(&b);
		oo_client_free(c);
		fake_release(&f);
	}
	/* A failed item keeps its class and code. */
	struct oo_batch_item it = {.action = OO_CREATE, .resourcetype = "estate"};
	it.result.code = ERR_OO_FINAL;
	it.result.remote_code = 77;
	int64_t id;
	struct err e = ERR_INIT;
	assert_int_equal(oo_created_id(&it, "estate", &id, &e), ERR_OO_FINAL);
	assert_int_equal(e.remote_code, 77);
}

static void write_call_refuses_reads(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, ENVELOPE(EMPTY_RESULT)}}, .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_batch b = OO_BATCH_INIT;
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL), ERR_OK);
	int64_t id = 5;
	assert_int_equal(oo_write_call(c, &b, NULL, &id, NULL), ERR_INVALID_ARG);
	assert_int_equal(id, 0);
	assert_int_equal(f.calls, 0);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

/* One request with many writes: extendedclaim on each, the unlock keeps its own. */
static void claim_on_every_action_of_a_mixed_batch(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0,
	                              ENVELOPE(EMPTY_RESULT "," EMPTY_RESULT "," EMPTY_RESULT
	                                                    "," EMPTY_RESULT "," EMPTY_RESULT
	                                                    "," EMPTY_RESULT "," EMPTY_RESULT)}},
	                 .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "LATEST");
	struct oo_batch b = OO_BATCH_INIT;
	int64_t one = 1, two = 2;
	struct oo_contact_value cv[] = {{OO_EMAIL, "a@b.de", false}};
	struct oo_address_new a = {.contacts = cv, .ncontacts = 1};
	struct oo_address_change ch = {.id = 1, .land_name = "Deutschland"};
	struct oo_agentslog_new x = {.actionkind = "Email", .addressids = &one, .naddressids = 1};
	json_t *data = json_pack("{s:s}", "objektart", "haus");
	assert_int_equal(oo_address_create_add(&b, &a, NULL), ERR_OK);
	assert_int_equal(oo_address_modify_add(&b, &ch, NULL, NULL), ERR_OK);
	assert_int_equal(oo_agentslog_add(&b, &x, NULL), ERR_OK);
	assert_int_equal(oo_estate_add(&b, data, NULL), ERR_OK);
	assert_int_equal(oo_relation_add(&b, OO_RELATION_ESTATE_OWNER, &one, 1, &two, 1, NULL),
	                 ERR_OK);
	assert_int_equal(oo_searchcriteria_add(&b, 1, data, NULL), ERR_OK);
	assert_int_equal(oo_unlock_add(&b, "cache", "ACTIVATION", OO_REGULAR_UNSET, NULL), ERR_OK);
	assert_int_equal(oo_call(c, &b, NULL), ERR_OK);
	json_t *req;
	for (size_t i = 0; i < b.n; i++) {
		json_t *p = json_object_get(fake_action(&f, 0, i, &req), "parameters");
		assert_string_equal(json_string_value(json_object_get(p, "extendedclaim")),
		                    i == 6 ? "ACTIVATION" : "LATEST");
		json_decref(req);
	}
	assert_int_equal(f.calls, 1);
	assert_int_equal(f.flags[0], OO_POST_ONCE);
	json_decref(data);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

static void field_rules(void **state)
{
	(void)state;
	const char *const reserved[] = {"email", NULL};
	const struct {
		const char *json;
		int rc;
		const char *field;
	} cases[] = {
	    {"{\"a\":\"x\",\"b\":1,\"c\":true,\"d\":null,\"e\":[\"k\",2],\"f\":[]}", ERR_OK, ""},
	    {"{\"email\":\"x\"}", ERR_INVALID_ARG, "f.email"},
	    {"{\"\":\"x\"}", ERR_INVALID_ARG, "f"},
	    {"{\"a\":1.5}", ERR_INVALID_ARG, "f.a"},
	    {"{\"a\":{}}", ERR_INVALID_ARG, "f.a"},
	    {"{\"a\":[null]}", ERR_INVALID_ARG, "f.a"},
	    {"{\"a\":[[\"x\"]]}", ERR_INVALID_ARG, "f.a"},
	    {"[]", ERR_INVALID_ARG, "f"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *v = json_loads(cases[i].json, 0, NULL);
		struct err e = ERR_INIT;
		assert_int_equal(oo_check_fields(v, reserved, "f", &e), cases[i].rc);
		assert_string_equal(e.field, cases[i].field);
		json_decref(v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(no_answer_classes_of_every_write),
	    cmocka_unit_test(error_codes_of_every_write),
	    cmocka_unit_test(created_ids),
	    cmocka_unit_test(write_call_refuses_reads),
	    cmocka_unit_test(claim_on_every_action_of_a_mixed_batch),
	    cmocka_unit_test(field_rules),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
