/* Unit tests for src/onoffice/unlock.c: do/unlockProvider
 * (onoffice-protocol §10.1 step 5, R-A3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/unlock.h"

#define UNLOCK_RESULT(success)                                                                   \
	"{\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:do\",\"resourceid\":\"\","  \
	"\"resourcetype\":\"unlockProvider\",\"cacheable\":false,\"identifier\":\"\",\"data\":{" \
	"\"meta\":{\"cntabsolute\":null},\"records\":[{\"id\":0,\"type\":\"\",\"elements\":{"    \
	"\"success\":\"" success "\"}}]},\"status\":{\"errorcode\":0,\"message\":\"OK\"}}"

/* The example of onoffice-protocol §10.1; the activation claim is sent even when the client
 * holds another. */
static void unlock_matches_the_docs_example(void **state)
{
	(void)state;
	for (int with_stored_claim = 0; with_stored_claim < 2; with_stored_claim++) {
		struct fake f = {.replies = {{0, true, 0, ENVELOPE(UNLOCK_RESULT("success"))}},
		                 .nreplies = 1};
		struct oo_client *c =
		    fake_client(&f, NULL, NULL, with_stored_claim ? "STORED-CLAIM" : NULL);
		struct err e = ERR_INIT;
		assert_int_equal(oo_unlock_provider(c, "6802c44a-7ac0-4210-a3d4-e5581e3fa0b6",
		                                    "<apiClaim from the activation URL>", &e),
		                 ERR_OK);
		assert_int_equal(f.calls, 1);
		assert_int_equal(f.flags[0], OO_POST_ONCE);
		assert_action(&f, 0, 0, "do", "unlockProvider", "\"\"",
		              "{\"parameterCacheId\":\"6802c44a-7ac0-4210-a3d4-e5581e3fa0b6\","
		              "\"extendedclaim\":\"<apiClaim from the activation URL>\"}");
		oo_client_free(c);
		fake_release(&f);
	}
}

static void outcomes(void **state)
{
	(void)state;
	const char *bodies[] = {
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("177", "Parameter cache does not exist") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("178", "Missing entries in parameter cache") "]}}",
	    ERR_ENVELOPE_BEGIN ERROR_RESULT("137", "The HMAC is invalid") "]}}",
	    ENVELOPE(UNLOCK_RESULT("error")),
	    ENVELOPE(EMPTY_RESULT),
	};
	int want[] = {ERR_OO_FINAL, ERR_OO_FINAL, ERR_OO_AUTH, ERR_OO_FINAL, ERR_OO_UNCERTAIN};
	int codes[] = {177, 178, 137, 0, 0};
	for (size_t i = 0; i < 5; i++) {
		struct fake f = {.replies = {{0, true, 0, bodies[i]}}, .nreplies = 1};
		struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
		struct err e = ERR_INIT;
		assert_int_equal(oo_unlock_provider(c, "cache", "claim", &e), want[i]);
		assert_int_equal(e.remote_code, codes[i]);
		assert_int_equal(f.calls, 1);
		oo_client_free(c);
		fake_release(&f);
	}
}

static void parameters(void **state)
{
	(void)state;
	json_t *p;
	assert_int_equal(oo_unlock_params("", "c", OO_REGULAR_UNSET, &p, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_unlock_params("x", NULL, OO_REGULAR_UNSET, &p, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_unlock_params("x", "c", OO_REGULAR_YES, &p, NULL), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(p, "isRegularCustomer")), 1);
	json_decref(p);
	assert_int_equal(oo_unlock_params("x", "c", OO_REGULAR_NO, &p, NULL), ERR_OK);
	assert_int_equal(json_integer_value(json_object_get(p, "isRegularCustomer")), 0);
	json_decref(p);
	struct oo_batch b = OO_BATCH_INIT;
	assert_int_equal(oo_unlock_add(&b, "x", "c", OO_REGULAR_UNSET, NULL), ERR_OK);
	assert_true(b.items[0].own_claim);
	assert_true(oo_batch_writes(&b));
	oo_batch_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(unlock_matches_the_docs_example),
	    cmocka_unit_test(outcomes),
	    cmocka_unit_test(parameters),
	};
	log_set_level(LOG_ERROR);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
