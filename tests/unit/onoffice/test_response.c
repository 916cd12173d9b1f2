/* Unit tests for src/onoffice/response.c: the quirks of onoffice-protocol §3, both status
 * levels, error classes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/err.h"
#include "onoffice/response.h"
#include "onoffice/values.h"

#define TOP_OK "\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"}"
#define RES_OK "\"status\":{\"errorcode\":0,\"message\":\"OK\"}"

/* A batch of n actions, each a read unless writes[i]. */
static void batch_of(struct oo_batch *b, size_t n, const bool *writes)
{
	oo_batch_init(b);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(oo_batch_add(b, writes && writes[i] ? OO_CREATE : OO_READ,
		                              "address", NULL, NULL, NULL),
		                 ERR_OK);
}

static int parse(struct oo_batch *b, const char *body, struct err *e)
{
	return oo_response_parse(b, body, strlen(body), e);
}

static void read_with_object_elements_and_string_values(void **state)
{
	(void)state;
	struct oo_batch b;
	struct err e = ERR_INIT;
	batch_of(&b, 1, NULL);
	const char *body =
	    "{" TOP_OK ",\"response\":{\"results\":[{\"actionid\":\"urn:onoffice-de-ns:smart:2.5:"
	    "smartml:action:read\",\"resourceid\":\"\",\"resourcetype\":\"address\","
	    "\"cacheable\":true,\"identifier\":\"\",\"data\":{\"meta\":{\"cntabsolute\":2},"
	    "\"records\":[{\"id\":10505,\"type\":\"address\",\"elements\":{\"id\":\"10505\","
	    "\"Vorname\":\"Max\",\"Plz\":\"52074\",\"Land\":null,"
	    "\"ArtDaten\":\"|Interessent||Kunde|\"}},{\"id\":\"10506\",\"type\":\"Address\","
	    "\"elements\":{\"id\":10506,\"ArtDaten\":[\"Kunde\"]}}]}," RES_OK "}]}}";
	assert_int_equal(parse(&b, body, &e), ERR_OK);
	const struct oo_result *r = &b.items[0].result;
	assert_int_equal(r->code, ERR_OK);
	assert_int_equal(r->cntabsolute, 2);
	assert_int_equal(json_array_size(r->records), 2);
	int64_t id;
	json_t *rec0 = json_array_get(r->records, 0), *rec1 = json_array_get(r->records, 1);
	assert_int_equal(oo_record_id(rec0, &id), ERR_OK);
	assert_int_equal(id, 10505);
	assert_int_equal(oo_record_id(rec1, &id), ERR_OK);
	assert_int_equal(id, 10506);
	assert_true(oo_record_type_is(rec1, "address"));
	json_t *el = oo_record_elements(rec0);
	assert_string_equal(json_string_value(json_object_get(el, "Plz")), "52074");
	assert_true(json_is_null(json_object_get(el, "Land")));
	struct oo_strv keys = OO_STRV_INIT;
	assert_int_equal(oo_value_keys(json_object_get(el, "ArtDaten"), &keys), ERR_OK);
	assert_int_equal(
	    oo_value_keys(json_object_get(oo_record_elements(rec1), "ArtDaten"), &keys), ERR_OK);
	assert_int_equal(keys.n, 3);
	assert_string_equal(keys.v[0], "Interessent");
	assert_string_equal(keys.v[1], "Kunde");
	assert_string_equal(keys.v[2], "Kunde");
	oo_strv_release(&keys);
	oo_batch_release(&b);
}

static void create_with_empty_elements_and_null_count(void **state)
{
	(void)state;
	struct oo_batch b;
	bool w[] = {true, true};
	batch_of(&b, 2, w);
	const char *body =
	    "{" TOP_OK ",\"response\":{\"results\":["
	    "{\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:create\",\"resourcetype\":"
	    "\"address\",\"data\":{\"meta\":{\"cntabsolute\":null},\"records\":[{\"id\":181,"
	    "\"type\":\"address\",\"elements\":[]}]}," RES_OK "},"
	    "{\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:create\",\"resourcetype\":"
	    "\"agentslog\",\"data\":{\"meta\":{\"cntabsolute\":null},\"records\":[{\"id\":6065,"
	    "\"type\":\"agentsLog\",\"elements\":[]}]}," RES_OK "}]}}";
	assert_int_equal(parse(&b, body, NULL), ERR_OK);
	for (size_t i = 0; i < 2; i++) {
		const struct oo_result *r = &b.items[i].result;
		assert_int_equal(r->code, ERR_OK);
		assert_int_equal(r->cntabsolute, -1);
		json_t *rec = json_array_get(r->records, 0);
		assert_null(oo_record_elements(rec));
		assert_null(json_object_get(oo_record_elements(rec), "id"));
	}
	int64_t id;
	assert_int_equal(oo_record_id(json_array_get(b.items[1].result.records, 0), &id), ERR_OK);
	assert_int_equal(id, 6065);
	assert_true(oo_record_type_is(json_array_get(b.items[1].result.records, 0), "agentslog"));
	oo_batch_release(&b);
}

static void do_action_with_id_zero_and_string_count(void **state)
{
	(void)state;
	struct oo_batch b;
	batch_of(&b, 1, NULL);
	const char *body = "{" TOP_OK ",\"response\":{\"results\":[{\"data\":{\"meta\":{"
	                   "\"cntabsolute\":\"1234\"},\"records\":[{\"id\":0,\"type\":\"\","
	                   "\"elements\":{\"success\":\"success\"}}]}," RES_OK "}]}}";
	assert_int_equal(parse(&b, body, NULL), ERR_OK);
	int64_t id = -1;
	assert_int_equal(oo_record_id(json_array_get(b.items[0].result.records, 0), &id), ERR_OK);
	assert_int_equal(id, 0);
	assert_int_equal(b.items[0].result.cntabsolute, 1234);
	oo_batch_release(&b);
}

static void lar_invalid_hmac_answer(void **state)
{
	(void)state;
	struct oo_batch b;
	struct err e = ERR_INIT;
	batch_of(&b, 1, NULL);
	const char *body = "{\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"},"
	                   "\"response\":{\"results\":[{\"actionid\":\"urn:onoffice-de-ns:smart:"
	                   "2.5:smartml:action:read\",\"resourceid\":\"\",\"resourcetype\":"
	                   "\"address\",\"cacheable\":false,\"identifier\":\"\",\"data\":[],"
	                   "\"status\":{\"errorcode\":137,\"message\":\"The HMAC is invalid\"}}]}}";
	assert_int_equal(parse(&b, body, &e), ERR_OO_AUTH);
	assert_int_equal(e.code, ERR_OO_AUTH);
	assert_int_equal(e.remote_code, 137);
	assert_non_null(strstr(e.message, "The HMAC is invalid"));
	assert_non_null(strstr(e.message, "read address"));
	const struct oo_result *r = &b.items[0].result;
	assert_int_equal(r->remote_code, 137);
	assert_null(r->data);
	assert_null(r->records);
	assert_int_equal(json_array_size(r->records), 0);
	oo_batch_release(&b);
}

static void top_level_400_is_auth(void **state)
{
	(void)state;
	struct oo_batch b;
	struct err e = ERR_INIT;
	bool w[] = {false, true};
	batch_of(&b, 2, w);
	const char *body = "{\"status\":{\"code\":400,\"errorcode\":22,\"message\":\"Not "
	                   "authenticated\"},\"response\":[]}";
	assert_int_equal(parse(&b, body, &e), ERR_OO_AUTH);
	assert_int_equal(e.remote_code, 22);
	assert_int_equal(b.items[0].result.code, ERR_OO_AUTH);
	assert_int_equal(b.items[1].result.code, ERR_OO_AUTH);
	/* 400 without an errorcode is auth too; with a clock or claim code those win. */
	assert_int_equal(parse(&b, "{\"status\":{\"code\":400,\"errorcode\":0}}", &e), ERR_OO_AUTH);
	assert_int_equal(parse(&b, "{\"status\":{\"code\":400,\"errorcode\":136}}", &e),
	                 ERR_OO_CLOCK);
	assert_int_equal(parse(&b, "{\"status\":{\"code\":\"400\",\"errorcode\":\"201\"}}", &e),
	                 ERR_OO_CLAIM);
	assert_int_equal(parse(&b, "{\"status\":{\"code\":400,\"errorcode\":75}}", &e),
	                 ERR_OO_AUTH);
	oo_batch_release(&b);
}

static void top_level_500_is_retryable_or_uncertain(void **state)
{
	(void)state;
	struct oo_batch reads, writes;
	struct err e = ERR_INIT;
	bool w[] = {false, true};
	batch_of(&reads, 2, NULL);
	batch_of(&writes, 2, w);
	const char *body =
	    "{\"status\":{\"code\":500,\"errorcode\":0,\"message\":\"server error\"}}";
	assert_int_equal(parse(&reads, body, &e), ERR_OO_RETRYABLE);
	assert_int_equal(parse(&writes, body, &e), ERR_OO_UNCERTAIN);
	assert_int_equal(writes.items[0].result.code, ERR_OO_UNCERTAIN);
	assert_int_equal(writes.items[1].result.code, ERR_OO_UNCERTAIN);
	oo_batch_release(&reads);
	oo_batch_release(&writes);
}

static void top_level_errorcode_decides_for_all(void **state)
{
	(void)state;
	struct oo_batch b;
	struct err e = ERR_INIT;
	batch_of(&b, 2, NULL);
	assert_int_equal(parse(&b,
	                       "{\"status\":{\"code\":200,\"errorcode\":13,\"message\":"
	                       "\"missing token\"}}",
	                       &e),
	                 ERR_OO_AUTH);
	assert_int_equal(e.remote_code, 13);
	assert_int_equal(parse(&b, "{\"status\":{\"code\":200,\"errorcode\":15}}", &e),
	                 ERR_OO_FINAL);
	assert_int_equal(b.items[1].result.code, ERR_OO_FINAL);
	assert_int_equal(b.items[1].result.remote_code, 15);
	assert_int_equal(parse(&b, "{\"status\":{\"code\":200,\"errorcode\":136}}", &e),
	                 ERR_OO_CLOCK);
	/* Another non-2xx top-level code without errorcode: final. */
	assert_int_equal(parse(&b, "{\"status\":{\"code\":403,\"errorcode\":0}}", &e),
	                 ERR_OO_FINAL);
	oo_batch_release(&b);
}

static void errorcode_97_partial_failure_by_position(void **state)
{
	(void)state;
	struct oo_batch b;
	struct err e = ERR_INIT;
	batch_of(&b, 3, NULL);
	const char *body =
	    "{\"status\":{\"code\":200,\"errorcode\":97,\"message\":\"Error in action\"},"
	    "\"response\":{\"results\":["
	    "{\"identifier\":\"\",\"data\":{\"meta\":{\"cntabsolute\":1},\"records\":[{\"id\":1,"
	    "\"type\":\"address\",\"elements\":{\"Name\":\"A\"}}]}," RES_OK "},"
	    "{\"identifier\":\"\",\"data\":[],\"status\":{\"errorcode\":75,\"message\":"
	    "\"Unknown field \\\"Nmae\\\"\"}},"
	    "{\"identifier\":\"\",\"data\":{\"meta\":{\"cntabsolute\":0},\"records\":[]}," RES_OK
	    "}]}}";
	assert_int_equal(parse(&b, body, &e), ERR_OO_FINAL);
	assert_int_equal(b.items[0].result.code, ERR_OK);
	assert_int_equal(json_array_size(b.items[0].result.records), 1);
	assert_int_equal(b.items[1].result.code, ERR_OO_FINAL);
	assert_int_equal(b.items[1].result.remote_code, 75);
	assert_string_equal(b.items[1].result.message, "Unknown field \"Nmae\"");
	assert_int_equal(b.items[2].result.code, ERR_OK);
	assert_int_equal(b.items[2].result.cntabsolute, 0);
	assert_int_equal(e.remote_code, 75);
	assert_non_null(strstr(e.message, "action 2 of 3"));
	oo_batch_release(&b);
}

static void most_serious_failure_is_reported(void **state)
{
	(void)state;
	struct oo_batch b;
	struct err e = ERR_INIT;
	bool w[] = {true, true, true};
	batch_of(&b, 3, w);
	const char *body =
	    "{\"status\":{\"code\":200,\"errorcode\":97},\"response\":{\"results\":["
	    "{\"data\":[],\"status\":{\"errorcode\":252,\"message\":\"Unknown value\"}},"
	    "{\"data\":[],\"status\":{\"errorcode\":201,\"message\":\"outdated\"}},"
	    "{\"data\":[],\"status\":{\"errorcode\":80,\"message\":\"Unknown record\"}}"
	    "]}}";
	assert_int_equal(parse(&b, body, &e), ERR_OO_CLAIM);
	assert_int_equal(e.remote_code, 201);
	assert_non_null(strstr(e.message, "create address (action 2 of 3): outdated"));
	assert_int_equal(b.items[0].result.code, ERR_OO_FINAL);
	assert_int_equal(b.items[2].result.code, ERR_OO_FINAL);
	oo_batch_release(&b);
}

static void result_count_mismatch(void **state)
{
	(void)state;
	struct oo_batch reads, writes;
	struct err e = ERR_INIT;
	bool w[] = {false, true};
	batch_of(&reads, 2, NULL);
	batch_of(&writes, 2, w);
	const char *body = "{" TOP_OK ",\"response\":{\"results\":[{\"data\":[]," RES_OK "}]}}";
	assert_int_equal(parse(&reads, body, &e), ERR_OO_RETRYABLE);
	assert_non_null(strstr(e.message, "1 results for 2 actions"));
	assert_int_equal(parse(&writes, body, &e), ERR_OO_UNCERTAIN);
	assert_int_equal(writes.items[0].result.code, ERR_OO_UNCERTAIN);
	/* No results at all. */
	assert_int_equal(parse(&reads, "{" TOP_OK "}", &e), ERR_OO_RETRYABLE);
	assert_int_equal(parse(&writes, "{" TOP_OK ",\"response\":{\"results\":{}}}", &e),
	                 ERR_OO_UNCERTAIN);
	oo_batch_release(&reads);
	oo_batch_release(&writes);
}

static void invalid_or_missing_answers(void **state)
{
	(void)state;
	struct oo_batch reads, writes;
	struct err e = ERR_INIT;
	bool w[] = {true};
	batch_of(&reads, 1, NULL);
	batch_of(&writes, 1, w);
	const char *bad[] = {"<html>502 Bad Gateway SECRETBODY</html>", "{\"status\":", "[1,2]",
	                     "\"text\"", "{" TOP_OK ",\"response\":{\"results\":[7]}}"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(&reads, bad[i], &e), ERR_OO_RETRYABLE);
		assert_null(strstr(e.message, "SECRETBODY"));
		assert_null(strstr(e.message, "html"));
		assert_int_equal(parse(&writes, bad[i], &e), ERR_OO_UNCERTAIN);
	}
	assert_int_equal(oo_response_parse(&reads, NULL, 0, &e), ERR_OO_RETRYABLE);
	assert_int_equal(oo_response_parse(&writes, "", 0, &e), ERR_OO_UNCERTAIN);
	assert_non_null(strstr(e.message, "empty answer"));
	oo_batch_release(&reads);
	oo_batch_release(&writes);
}

static void result_without_status(void **state)
{
	(void)state;
	struct oo_batch b;
	bool w[] = {false, true};
	batch_of(&b, 2, w);
	const char *body = "{" TOP_OK ",\"response\":{\"results\":[{\"data\":[]},{\"data\":[]}]}}";
	assert_int_equal(parse(&b, body, NULL), ERR_OO_UNCERTAIN);
	assert_int_equal(b.items[0].result.code, ERR_OO_RETRYABLE);
	assert_int_equal(b.items[1].result.code, ERR_OO_UNCERTAIN);
	oo_batch_release(&b);
}

static void missing_top_status_lets_results_decide(void **state)
{
	(void)state;
	struct oo_batch b;
	batch_of(&b, 1, NULL);
	const char *body = "{\"response\":{\"results\":[{\"data\":{\"records\":[]}," RES_OK "}]}}";
	assert_int_equal(parse(&b, body, NULL), ERR_OK);
	assert_int_equal(b.items[0].result.cntabsolute, -1);
	/* Parsing again replaces the earlier answer (no leak, results reset). */
	assert_int_equal(parse(&b, body, NULL), ERR_OK);
	oo_batch_release(&b);
}

static void classification_table(void **state)
{
	(void)state;
	static const struct {
		int code, cls;
	} table[] = {
	    {0, ERR_OK},         {13, ERR_OO_AUTH},     {22, ERR_OO_AUTH},   {28, ERR_OO_AUTH},
	    {40, ERR_OO_AUTH},   {45, ERR_OO_AUTH},     {49, ERR_OO_AUTH},   {137, ERR_OO_AUTH},
	    {136, ERR_OO_CLOCK}, {193, ERR_OO_CLAIM},   {201, ERR_OO_CLAIM}, {248, ERR_OO_CLAIM},
	    {14, ERR_OO_FINAL},  {15, ERR_OO_FINAL},    {16, ERR_OO_FINAL},  {27, ERR_OO_FINAL},
	    {50, ERR_OO_FINAL},  {75, ERR_OO_FINAL},    {76, ERR_OO_FINAL},  {77, ERR_OO_FINAL},
	    {78, ERR_OO_FINAL},  {80, ERR_OO_FINAL},    {95, ERR_OO_FINAL},  {100, ERR_OO_FINAL},
	    {131, ERR_OO_FINAL}, {135, ERR_OO_FINAL},   {138, ERR_OO_FINAL}, {141, ERR_OO_FINAL},
	    {143, ERR_OO_FINAL}, {145, ERR_OO_FINAL},   {151, ERR_OO_FINAL}, {192, ERR_OO_FINAL},
	    {202, ERR_OO_FINAL}, {232, ERR_OO_FINAL},   {240, ERR_OO_FINAL}, {243, ERR_OO_FINAL},
	    {247, ERR_OO_FINAL}, {249, ERR_OO_FINAL},   {252, ERR_OO_FINAL}, {254, ERR_OO_FINAL},
	    {302, ERR_OO_FINAL}, {99999, ERR_OO_FINAL}, {-1, ERR_OO_FINAL},
	};
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		if (oo_errorcode_class(table[i].code) != table[i].cls)
			fail_msg("errorcode %d: got %s, want %s", table[i].code,
			         err_name(oo_errorcode_class(table[i].code)),
			         err_name(table[i].cls));
	}
}

static void class_labels(void **state)
{
	(void)state;
	assert_string_equal(oo_class_label(ERR_OK), "ok");
	assert_string_equal(oo_class_label(ERR_OO_NOT_SENT), "not_sent");
	assert_string_equal(oo_class_label(ERR_OO_UNCERTAIN), "uncertain");
	assert_string_equal(oo_class_label(ERR_OO_RETRYABLE), "retryable");
	assert_string_equal(oo_class_label(ERR_OO_FINAL), "final");
	assert_string_equal(oo_class_label(ERR_OO_AUTH), "auth");
	assert_string_equal(oo_class_label(ERR_OO_CLAIM), "claim");
	assert_string_equal(oo_class_label(ERR_OO_CLOCK), "clock");
	assert_string_equal(oo_class_label(ERR_NOMEM), "error");
}

static void batch_fail_marks_every_action(void **state)
{
	(void)state;
	struct oo_batch b;
	struct err e = ERR_INIT;
	batch_of(&b, 3, NULL);
	assert_int_equal(oo_batch_fail(&b, ERR_OO_NOT_SENT, 0, "connection refused"),
	                 ERR_OO_NOT_SENT);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(b.items[i].result.code, ERR_OO_NOT_SENT);
		assert_string_equal(b.items[i].result.message, "connection refused");
	}
	assert_int_equal(oo_batch_outcome(&b, &e), ERR_OO_NOT_SENT);
	assert_non_null(strstr(e.message, "read address (action 1 of 3): connection refused"));
	assert_int_equal(oo_batch_fail(&b, ERR_OK, 0, NULL), ERR_OK);
	assert_int_equal(oo_batch_outcome(&b, &e), ERR_OK);
	oo_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(read_with_object_elements_and_string_values),
	    cmocka_unit_test(create_with_empty_elements_and_null_count),
	    cmocka_unit_test(do_action_with_id_zero_and_string_count),
	    cmocka_unit_test(lar_invalid_hmac_answer),
	    cmocka_unit_test(top_level_400_is_auth),
	    cmocka_unit_test(top_level_500_is_retryable_or_uncertain),
	    cmocka_unit_test(top_level_errorcode_decides_for_all),
	    cmocka_unit_test(errorcode_97_partial_failure_by_position),
	    cmocka_unit_test(most_serious_failure_is_reported),
	    cmocka_unit_test(result_count_mismatch),
	    cmocka_unit_test(invalid_or_missing_answers),
	    cmocka_unit_test(result_without_status),
	    cmocka_unit_test(missing_top_status_lets_results_decide),
	    cmocka_unit_test(classification_table),
	    cmocka_unit_test(class_labels),
	    cmocka_unit_test(batch_fail_marks_every_action),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
