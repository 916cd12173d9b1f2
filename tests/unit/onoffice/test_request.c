/* Unit tests for src/onoffice/request.c: batches and the signed envelope (onoffice-protocol §2). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "onoffice/request.h"
#include "onoffice/sign.h"

static const struct oo_credentials sdk_cred = {"testtoken", "testsecret", NULL};

static void build(const struct oo_batch *b, const struct oo_credentials *cred, int64_t ts,
                  struct buf *out)
{
	struct err e = ERR_INIT;
	assert_int_equal(oo_request_build(b, cred, ts, out, &e), ERR_OK);
}

static void envelope_is_exact_with_fixed_clock(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	struct buf out = BUF_INIT(1 << 16);
	/* Nested objects keep their order; only the first level is sorted. */
	json_t *p = json_loads("{\"listlimit\":10,\"data\":[\"Vorname\",\"Name\"],"
	                       "\"filter\":{\"z\":[],\"a\":[]}}",
	                       0, NULL);
	assert_int_equal(oo_batch_add(&b, OO_READ, "calendar", NULL, p, NULL), ERR_OK);
	build(&b, &sdk_cred, 1646228220, &out);
	assert_string_equal(
	    buf_str(&out),
	    "{\"token\":\"testtoken\",\"request\":{\"actions\":[{"
	    "\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:read\","
	    "\"resourceid\":\"\",\"resourcetype\":\"calendar\",\"identifier\":\"\","
	    "\"timestamp\":1646228220,\"hmac_version\":2,"
	    "\"hmac\":\"w6ifKMmAdJoKhu0vl2twvfP+ltyOTQ7LqLpvsZkOnlg=\","
	    "\"parameters\":{\"data\":[\"Vorname\",\"Name\"],\"filter\":{\"z\":[],\"a\":[]},"
	    "\"listlimit\":10}}]}}");
	buf_release(&out);
	oo_batch_release(&b);
}

static void claim_goes_into_parameters_only_when_set(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	struct buf out = BUF_INIT(1 << 16);
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL), ERR_OK);
	/* A caller-set extendedclaim is replaced by the client's claim. */
	assert_int_equal(oo_batch_add(&b, OO_CREATE, "agentslog", NULL,
	                              json_pack("{s:s, s:s}", "note", "n", "extendedclaim", "old"),
	                              NULL),
	                 ERR_OK);
	struct oo_credentials cred = {"tok", "sec", "CLAIM-123"};
	build(&b, &cred, 1700000000, &out);
	json_t *req = json_loads(buf_str(&out), 0, NULL);
	json_t *actions = json_object_get(json_object_get(req, "request"), "actions");
	assert_int_equal(json_array_size(actions), 2);
	for (size_t i = 0; i < 2; i++) {
		json_t *a = json_array_get(actions, i);
		json_t *params = json_object_get(a, "parameters");
		assert_string_equal(json_string_value(json_object_get(params, "extendedclaim")),
		                    "CLAIM-123");
		assert_null(json_object_get(a, "extendedclaim"));
	}
	assert_null(json_object_get(req, "extendedclaim"));
	assert_non_null(strstr(buf_str(&out), "\"parameters\":{\"extendedclaim\":\"CLAIM-123\"}"));
	assert_non_null(strstr(buf_str(&out),
	                       "\"parameters\":{\"extendedclaim\":\"CLAIM-123\",\"note\":\"n\"}"));
	json_decref(req);

	/* Without a claim: no extendedclaim anywhere except what the caller set. */
	buf_reset(&out);
	build(&b, &sdk_cred, 1700000000, &out);
	assert_null(strstr(buf_str(&out), "CLAIM-123"));
	assert_non_null(strstr(buf_str(&out), "\"parameters\":{}"));
	buf_release(&out);
	oo_batch_release(&b);
}

static void several_actions_each_signed(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	struct buf out = BUF_INIT(1 << 16);
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL), ERR_OK);
	assert_int_equal(oo_batch_add(&b, OO_MODIFY, "address", json_integer(32),
	                              json_pack("{s:s}", "Strasse", "Hauptstr. 2"), NULL),
	                 ERR_OK);
	assert_int_equal(oo_batch_add(&b, OO_GET, "search", json_string("address"), NULL, NULL),
	                 ERR_OK);
	snprintf(b.items[2].identifier, sizeof(b.items[2].identifier), "lookup");
	build(&b, &sdk_cred, 1234567890, &out);
	json_t *req = json_loads(buf_str(&out), 0, NULL);
	json_t *actions = json_object_get(json_object_get(req, "request"), "actions");
	assert_int_equal(json_array_size(actions), 3);
	const char *types[] = {"address", "address", "search"};
	enum oo_action ids[] = {OO_READ, OO_MODIFY, OO_GET};
	for (size_t i = 0; i < 3; i++) {
		json_t *a = json_array_get(actions, i);
		char expect[64];
		assert_int_equal(oo_hmac_v2("testsecret", 1234567890, "testtoken", types[i],
		                            oo_action_urn(ids[i]), expect),
		                 ERR_OK);
		assert_string_equal(json_string_value(json_object_get(a, "hmac")), expect);
		assert_true(json_is_integer(json_object_get(a, "timestamp")));
		assert_true(json_is_integer(json_object_get(a, "hmac_version")));
		assert_int_equal(json_integer_value(json_object_get(a, "hmac_version")), 2);
		assert_string_equal(json_string_value(json_object_get(a, "actionid")),
		                    oo_action_urn(ids[i]));
	}
	assert_int_equal(
	    json_integer_value(json_object_get(json_array_get(actions, 1), "resourceid")), 32);
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(actions, 2), "resourceid")),
	    "address");
	assert_string_equal(
	    json_string_value(json_object_get(json_array_get(actions, 2), "identifier")), "lookup");
	json_decref(req);
	buf_release(&out);
	oo_batch_release(&b);
}

static void invalid_actions_are_refused_and_arguments_freed(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	struct err e = ERR_INIT;
	/* Stolen references are released on failure; ASan/LSan would report a leak otherwise. */
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", json_real(1.5), NULL, &e),
	                 ERR_INVALID_ARG);
	assert_string_equal(e.field, "resourceid");
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, json_array(), &e),
	                 ERR_INVALID_ARG);
	assert_string_equal(e.field, "parameters");
	assert_int_equal(oo_batch_add(&b, OO_READ, "", NULL, json_object(), &e), ERR_INVALID_ARG);
	assert_int_equal(oo_batch_add(&b, OO_READ, NULL, NULL, NULL, &e), ERR_INVALID_ARG);
	char long_type[80];
	memset(long_type, 'a', sizeof(long_type) - 1);
	long_type[79] = '\0';
	assert_int_equal(oo_batch_add(&b, OO_READ, long_type, NULL, NULL, &e), ERR_INVALID_ARG);
	assert_int_equal(b.n, 0);
	for (int i = 0; i < OO_BATCH_MAX; i++)
		assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, NULL, &e), ERR_OK);
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, json_object(), &e),
	                 ERR_INVALID_ARG);
	assert_int_equal(b.n, OO_BATCH_MAX);
	oo_batch_release(&b);
	assert_int_equal(b.n, 0);
}

static void writes_are_detected(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	assert_false(oo_batch_writes(&b));
	oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL);
	oo_batch_add(&b, OO_GET, "fields", NULL, NULL, NULL);
	assert_false(oo_batch_writes(&b));
	oo_batch_add(&b, OO_DO, "unlockProvider", NULL, NULL, NULL);
	assert_true(oo_batch_writes(&b));
	oo_batch_release(&b);
	enum oo_action writes[] = {OO_CREATE, OO_MODIFY, OO_DELETE, OO_DO};
	for (size_t i = 0; i < 4; i++)
		assert_true(oo_action_writes(writes[i]));
	assert_string_equal(oo_action_name(OO_DELETE), "delete");
}

static void build_errors(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	struct buf out = BUF_INIT(64);
	struct err e = ERR_INIT;
	assert_int_equal(oo_request_build(&b, &sdk_cred, 1, &out, &e), ERR_INVALID_ARG);
	oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL);
	struct oo_credentials no_secret = {"t", NULL, NULL};
	assert_int_equal(oo_request_build(&b, &no_secret, 1, &out, &e), ERR_INVALID_ARG);
	/* The body does not fit the 64-byte cap. */
	assert_int_equal(oo_request_build(&b, &sdk_cred, 1, &out, &e), ERR_TOO_LARGE);
	assert_null(strstr(e.message, "testtoken"));
	buf_release(&out);
	oo_batch_release(&b);
}

static void each_build_uses_its_own_timestamp(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	struct buf one = BUF_INIT(1 << 16), two = BUF_INIT(1 << 16);
	oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL);
	build(&b, &sdk_cred, 1000, &one);
	build(&b, &sdk_cred, 1001, &two);
	assert_non_null(strstr(buf_str(&one), "\"timestamp\":1000,"));
	assert_non_null(strstr(buf_str(&two), "\"timestamp\":1001,"));
	json_t *a = json_loads(buf_str(&one), 0, NULL), *c = json_loads(buf_str(&two), 0, NULL);
	const char *h1 = json_string_value(json_object_get(
	    json_array_get(json_object_get(json_object_get(a, "request"), "actions"), 0), "hmac"));
	const char *h2 = json_string_value(json_object_get(
	    json_array_get(json_object_get(json_object_get(c, "request"), "actions"), 0), "hmac"));
	assert_string_not_equal(h1, h2);
	json_decref(a);
	json_decref(c);
	buf_release(&one);
	buf_release(&two);
	oo_batch_release(&b);
}

/* An action with its own extendedclaim (unlockProvider) keeps it; the others get the client's. */
static void own_claim_is_kept(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	struct buf out = BUF_INIT(1 << 16);
	assert_int_equal(oo_batch_add(&b, OO_DO, "unlockProvider", NULL,
	                              json_pack("{s:s}", "extendedclaim", "ACTIVATION"), NULL),
	                 ERR_OK);
	b.items[0].own_claim = true;
	assert_int_equal(oo_batch_add(&b, OO_CREATE, "agentslog", NULL, NULL, NULL), ERR_OK);
	assert_false(b.items[1].own_claim);
	struct oo_credentials cred = {"tok", "sec", "STORED"};
	build(&b, &cred, 1700000000, &out);
	assert_non_null(strstr(buf_str(&out), "\"parameters\":{\"extendedclaim\":\"ACTIVATION\"}"));
	assert_non_null(strstr(buf_str(&out), "\"parameters\":{\"extendedclaim\":\"STORED\"}"));
	buf_release(&out);
	oo_batch_release(&b);
}

static void truncate_drops_trailing_actions(void **state)
{
	(void)state;
	struct oo_batch b = OO_BATCH_INIT;
	for (int i = 0; i < 3; i++)
		assert_int_equal(oo_batch_add(&b, OO_CREATE, "agentslog", json_integer(i),
		                              json_pack("{s:i}", "n", i), NULL),
		                 ERR_OK);
	oo_batch_truncate(&b, 5);
	assert_int_equal(b.n, 3);
	oo_batch_truncate(&b, 1);
	assert_int_equal(b.n, 1);
	assert_int_equal(json_integer_value(b.items[0].resourceid), 0);
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL), ERR_OK);
	assert_int_equal(b.n, 2);
	oo_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(envelope_is_exact_with_fixed_clock),
	    cmocka_unit_test(claim_goes_into_parameters_only_when_set),
	    cmocka_unit_test(several_actions_each_signed),
	    cmocka_unit_test(invalid_actions_are_refused_and_arguments_freed),
	    cmocka_unit_test(writes_are_detected),
	    cmocka_unit_test(build_errors),
	    cmocka_unit_test(each_build_uses_its_own_timestamp),
	    cmocka_unit_test(own_claim_is_kept),
	    cmocka_unit_test(truncate_drops_trailing_actions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
