/* Unit tests for src/onoffice/client.c: attempts, re-signing, retry policy, classes, metrics, logs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/metrics.h"
#include "fake_transport.h"
#include "onoffice/client.h"
#include "onoffice/sign.h"

#define READ_OK                                                                                \
	OK_ENVELOPE_BEGIN OK_RESULT(                                                           \
	    "address", "[{\"id\":1,\"type\":\"address\",\"elements\":{\"Name\":\"A\"}}]", "1") \
	    OK_ENVELOPE_END

#define HMAC_INVALID                                                                         \
	"{\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"},\"response\":{"       \
	"\"results\":[{\"data\":[],\"status\":{\"errorcode\":137,\"message\":\"The HMAC is " \
	"invalid\"}}]}}"

static struct oo_batch read_batch(void)
{
	struct oo_batch b = OO_BATCH_INIT;
	assert_int_equal(
	    oo_batch_add(&b, OO_READ, "address", NULL, json_pack("{s:[s]}", "data", "Name"), NULL),
	    ERR_OK);
	return b;
}

static struct oo_batch write_batch(void)
{
	struct oo_batch b = OO_BATCH_INIT;
	assert_int_equal(oo_batch_add(&b, OO_CREATE, "agentslog", NULL,
	                              json_pack("{s:s}", "note", "hello"), NULL),
	                 ERR_OK);
	return b;
}

static double counter(const char *result)
{
	char labels[40];
	snprintf(labels, sizeof(labels), "result=\"%s\"", result);
	return metric_value(metrics_counter(metrics_default(), "immosync_onoffice_requests_total",
	                                    "onOffice HTTP attempts by result class", labels));
}

/* The histogram's sample count, from the exposition text. */
static double latency_count(void)
{
	struct buf out = BUF_INIT(1 << 20);
	assert_int_equal(metrics_render(metrics_default(), &out), ERR_OK);
	const char *key = "immosync_onoffice_request_seconds_count ";
	const char *p = strstr(buf_str(&out), key);
	double v = p ? strtod(p + strlen(key), NULL) : 0;
	buf_release(&out);
	return v;
}

static void retries_are_signed_afresh(void **state)
{
	(void)state;
	struct fake f = {
	    .replies = {{ERR_IO, false, 0, NULL}, {0, true, 503, "busy"}, {0, true, 0, READ_OK}},
	    .nreplies = 3};
	struct fake_clock clock = {1700000000, 7};
	struct fake_sleep sl = {0};
	struct oo_client *c = fake_client(&f, &clock, &sl, NULL);
	struct oo_batch b = read_batch();
	struct err e = ERR_INIT;
	assert_int_equal(oo_call(c, &b, &e), ERR_OK);
	assert_int_equal(f.calls, 3);
	assert_int_equal(sl.calls, 2);
	assert_int_equal(json_array_size(b.items[0].result.records), 1);
	int64_t seen[3];
	for (size_t i = 0; i < 3; i++) {
		json_t *req = fake_request(&f, i);
		json_t *a =
		    json_array_get(json_object_get(json_object_get(req, "request"), "actions"), 0);
		seen[i] = json_integer_value(json_object_get(a, "timestamp"));
		char expect[64];
		assert_int_equal(oo_hmac_v2(FAKE_SECRET, seen[i], FAKE_TOKEN, "address",
		                            oo_action_urn(OO_READ), expect),
		                 ERR_OK);
		assert_string_equal(json_string_value(json_object_get(a, "hmac")), expect);
		json_decref(req);
	}
	assert_true(seen[0] == 1700000000);
	assert_true(seen[0] != seen[1] && seen[1] != seen[2] && seen[0] != seen[2]);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

static void read_gives_up_after_max_attempts(void **state)
{
	(void)state;
	struct fake f = {.replies = {{ERR_TIMEOUT, true, 0, NULL}}, .nreplies = 1};
	struct fake_sleep sl = {0};
	struct oo_client *c = fake_client(&f, NULL, &sl, NULL);
	struct oo_batch b = read_batch();
	struct err e = ERR_INIT;
	assert_int_equal(oo_call(c, &b, &e), ERR_OO_RETRYABLE);
	assert_int_equal(e.code, ERR_OO_RETRYABLE);
	assert_int_equal(f.calls, 3);
	assert_int_equal(sl.calls, 2);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

static void write_is_never_retried(void **state)
{
	(void)state;
	struct fake_reply cases[] = {
	    {ERR_TIMEOUT, true, 0, NULL},  /* sent, no answer → uncertain */
	    {ERR_IO, false, 0, NULL},      /* connect failed → not sent */
	    {0, true, 502, "bad gateway"}, /* 5xx after sending → uncertain */
	    {0, true, 0, "{\"status\""},   /* unparsable → uncertain */
	    {ERR_TOO_LARGE, true, 0, NULL} /* answer too large → uncertain */
	};
	int want[] = {ERR_OO_UNCERTAIN, ERR_OO_NOT_SENT, ERR_OO_UNCERTAIN, ERR_OO_UNCERTAIN,
	              ERR_OO_UNCERTAIN};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f = {.replies = {cases[i]}, .nreplies = 1};
		struct fake_sleep sl = {0};
		struct oo_client *c = fake_client(&f, NULL, &sl, NULL);
		struct oo_batch b = write_batch();
		struct err e = ERR_INIT;
		assert_int_equal(oo_call(c, &b, &e), want[i]);
		assert_int_equal(b.items[0].result.code, want[i]);
		assert_int_equal(f.calls, 1);
		assert_int_equal(sl.calls, 0);
		oo_batch_release(&b);
		oo_client_free(c);
		fake_release(&f);
	}
}

static void read_classes_from_the_transport(void **state)
{
	(void)state;
	struct fake_reply cases[] = {
	    {ERR_IO, false, 0, NULL},       /* not sent */
	    {ERR_IO, true, 0, NULL},        /* dropped after sending → retryable for a read */
	    {ERR_TOO_LARGE, true, 0, NULL}, /* would be too large again → final */
	    {0, true, 404, "<html>"},       /* refused at HTTP level → final */
	    {0, true, 429, ""},             /* throttled → retryable */
	};
	int want[] = {ERR_OO_NOT_SENT, ERR_OO_RETRYABLE, ERR_OO_FINAL, ERR_OO_FINAL,
	              ERR_OO_RETRYABLE};
	size_t calls[] = {3, 3, 1, 1, 3};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct fake f = {.replies = {cases[i]}, .nreplies = 1};
		struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
		struct oo_batch b = read_batch();
		assert_int_equal(oo_call(c, &b, NULL), want[i]);
		assert_int_equal(f.calls, calls[i]);
		oo_batch_release(&b);
		oo_client_free(c);
		fake_release(&f);
	}
}

static void auth_claim_clock_final_are_not_retried(void **state)
{
	(void)state;
	const char *bodies[] = {
	    HMAC_INVALID,
	    "{\"status\":{\"code\":400,\"errorcode\":22,\"message\":\"Not authenticated\"}}",
	    "{\"status\":{\"code\":200,\"errorcode\":97},\"response\":{\"results\":[{\"data\":[],"
	    "\"status\":{\"errorcode\":201,\"message\":\"outdated\"}}]}}",
	    "{\"status\":{\"code\":200,\"errorcode\":97},\"response\":{\"results\":[{\"data\":[],"
	    "\"status\":{\"errorcode\":136,\"message\":\"timestamp too old\"}}]}}",
	    "{\"status\":{\"code\":200,\"errorcode\":97},\"response\":{\"results\":[{\"data\":[],"
	    "\"status\":{\"errorcode\":141,\"message\":\"Unknown field\"}}]}}",
	};
	int want[] = {ERR_OO_AUTH, ERR_OO_AUTH, ERR_OO_CLAIM, ERR_OO_CLOCK, ERR_OO_FINAL};
	int remote[] = {137, 22, 201, 136, 141};
	for (size_t i = 0; i < 5; i++) {
		struct fake f = {.replies = {{0, true, 0, bodies[i]}}, .nreplies = 1};
		struct fake_sleep sl = {0};
		struct oo_client *c = fake_client(&f, NULL, &sl, NULL);
		struct oo_batch b = read_batch();
		struct err e = ERR_INIT;
		assert_int_equal(oo_call(c, &b, &e), want[i]);
		assert_int_equal(e.remote_code, remote[i]);
		assert_int_equal(f.calls, 1);
		assert_int_equal(sl.calls, 0);
		oo_batch_release(&b);
		oo_client_free(c);
		fake_release(&f);
	}
}

static void claim_is_sent_and_can_change(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0, READ_OK}}, .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, "claim-one");
	struct oo_batch b = read_batch();
	json_t *req;
	assert_int_equal(oo_call(c, &b, NULL), ERR_OK);
	assert_string_equal(
	    json_string_value(json_object_get(fake_params(&f, 0, &req), "extendedclaim")),
	    "claim-one");
	json_decref(req);
	assert_int_equal(oo_client_set_claim(c, "claim-two"), ERR_OK);
	assert_int_equal(oo_call(c, &b, NULL), ERR_OK);
	assert_string_equal(
	    json_string_value(json_object_get(fake_params(&f, 1, &req), "extendedclaim")),
	    "claim-two");
	json_decref(req);
	assert_int_equal(oo_client_set_claim(c, NULL), ERR_OK);
	assert_int_equal(oo_call(c, &b, NULL), ERR_OK);
	assert_null(json_object_get(fake_params(&f, 2, &req), "extendedclaim"));
	json_decref(req);
	assert_string_equal(f.url, "http://fake.invalid/api/stable/api.php");
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

static void set_abort(void *arg, long ms)
{
	(void)ms;
	atomic_store((atomic_bool *)arg, true);
}

static void abort_flag_stops_sending_and_retrying(void **state)
{
	(void)state;
	atomic_bool stop = true;
	struct fake f = {.replies = {{ERR_IO, false, 0, NULL}}, .nreplies = 1};
	struct oo_transport tp = {fake_post, NULL, &f};
	struct oo_config cfg = {.token = "t", .secret = "s", .abort_flag = &stop, .transport = &tp};
	struct oo_client *c;
	assert_int_equal(oo_client_new(&cfg, &c, NULL), ERR_OK);
	struct oo_batch b = read_batch();
	struct err e = ERR_INIT;
	assert_int_equal(oo_call(c, &b, &e), ERR_OO_NOT_SENT);
	assert_int_equal(f.calls, 0);
	oo_client_free(c);

	/* Shutdown during the backoff: no further attempt. */
	atomic_store(&stop, false);
	cfg.sleep_ms = set_abort;
	cfg.sleep_arg = &stop;
	assert_int_equal(oo_client_new(&cfg, &c, NULL), ERR_OK);
	assert_int_equal(oo_call(c, &b, &e), ERR_OO_NOT_SENT);
	assert_int_equal(f.calls, 1);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

static void backoff_grows_with_jitter_and_cap(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 500, ""}}, .nreplies = 1};
	struct fake_sleep sl = {0};
	struct oo_transport tp = {fake_post, NULL, &f};
	struct oo_config cfg = {.token = "t",
	                        .secret = "s",
	                        .max_attempts = 5,
	                        .backoff_base_ms = 100,
	                        .backoff_max_ms = 300,
	                        .sleep_ms = fake_sleep_ms,
	                        .sleep_arg = &sl,
	                        .transport = &tp};
	struct oo_client *c;
	assert_int_equal(oo_client_new(&cfg, &c, NULL), ERR_OK);
	struct oo_batch b = read_batch();
	assert_int_equal(oo_call(c, &b, NULL), ERR_OO_RETRYABLE);
	assert_int_equal(f.calls, 5);
	assert_int_equal(sl.calls, 4);
	/* delays ∈ [50,100], [100,200], [150,300], [150,300] → total in [450, 900] */
	assert_true(sl.total_ms >= 450 && sl.total_ms <= 900);
	assert_true(sl.last_ms >= 150 && sl.last_ms <= 300);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

static int freed;
static void count_free(void *ctx)
{
	(void)ctx;
	freed++;
}

static void config_is_validated_and_transport_taken_over(void **state)
{
	(void)state;
	struct fake f = {0};
	struct oo_transport tp = {fake_post, count_free, &f};
	struct oo_config cfg = {.token = "t", .secret = "", .transport = &tp};
	struct oo_client *c = (struct oo_client *)&f;
	struct err e = ERR_INIT;
	freed = 0;
	assert_int_equal(oo_client_new(&cfg, &c, &e), ERR_INVALID_ARG);
	assert_null(c);
	assert_int_equal(freed, 1);
	cfg.secret = "s";
	cfg.timeout_ms = -1;
	assert_int_equal(oo_client_new(&cfg, &c, &e), ERR_INVALID_ARG);
	assert_int_equal(freed, 2);
	cfg.timeout_ms = 0;
	assert_int_equal(oo_client_new(&cfg, &c, &e), ERR_OK);
	oo_client_free(c);
	assert_int_equal(freed, 3);

	/* The default clock is the wall clock. */
	cfg.transport = NULL;
	tp.free = NULL;
	cfg.transport = &tp;
	assert_int_equal(oo_client_new(&cfg, &c, &e), ERR_OK);
	int64_t now = (int64_t)time(NULL);
	assert_true(oo_client_now(c) >= now - 1 && oo_client_now(c) <= now + 1);
	struct oo_batch empty = OO_BATCH_INIT;
	assert_int_equal(oo_call(c, &empty, &e), ERR_INVALID_ARG);
	oo_client_free(c);
	oo_client_free(NULL);
}

static void metrics_count_each_attempt(void **state)
{
	(void)state;
	double ok = counter("ok"), not_sent = counter("not_sent"), auth = counter("auth");
	double samples = latency_count();
	struct fake f = {.replies = {{ERR_IO, false, 0, NULL},
	                             {0, true, 0, READ_OK},
	                             {0, true, 0, HMAC_INVALID}},
	                 .nreplies = 3};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	struct oo_batch b = read_batch();
	assert_int_equal(oo_call(c, &b, NULL), ERR_OK);
	assert_int_equal(oo_call(c, &b, NULL), ERR_OO_AUTH);
	assert_true(counter("ok") == ok + 1);
	assert_true(counter("not_sent") == not_sent + 1);
	assert_true(counter("auth") == auth + 1);
	assert_true(latency_count() == samples + 3);
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

static void logs_hold_no_secrets(void **state)
{
	(void)state;
	char path[] = "/tmp/oo_client_log_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	log_set_fd(fd);
	struct fake f = {
	    .replies = {{ERR_IO, true, 0, NULL}, {0, true, 0, READ_OK}, {0, true, 0, HMAC_INVALID}},
	    .nreplies = 3};
	struct fake_clock clock = {1700000000, 1};
	struct oo_client *c = fake_client(&f, &clock, NULL, "CLAIM-SECRET-XYZ");
	struct oo_batch b = read_batch();
	assert_int_equal(oo_call(c, &b, NULL), ERR_OK);
	assert_int_equal(oo_call(c, &b, NULL), ERR_OO_AUTH);
	log_set_fd(2);
	char text[8192];
	ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
	close(fd);
	assert_true(n > 0);
	text[n] = '\0';
	/* Positive control: the lines are there. */
	assert_non_null(strstr(text, "event=onoffice.request"));
	assert_non_null(strstr(text, "actions=read:address"));
	assert_non_null(strstr(text, "attempt=2"));
	assert_non_null(strstr(text, "result=auth"));
	assert_non_null(strstr(text, "remote_code=137"));
	assert_null(strstr(text, FAKE_TOKEN));
	assert_null(strstr(text, FAKE_SECRET));
	assert_null(strstr(text, "CLAIM-SECRET-XYZ"));
	assert_null(strstr(text, "\"Name\""));
	for (size_t i = 0; i < f.calls; i++) {
		json_t *req = fake_request(&f, i);
		const char *hmac = json_string_value(json_object_get(
		    json_array_get(json_object_get(json_object_get(req, "request"), "actions"), 0),
		    "hmac"));
		assert_non_null(hmac);
		assert_null(strstr(text, hmac));
		json_decref(req);
	}
	oo_batch_release(&b);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(retries_are_signed_afresh),
	    cmocka_unit_test(read_gives_up_after_max_attempts),
	    cmocka_unit_test(write_is_never_retried),
	    cmocka_unit_test(read_classes_from_the_transport),
	    cmocka_unit_test(auth_claim_clock_final_are_not_retried),
	    cmocka_unit_test(claim_is_sent_and_can_change),
	    cmocka_unit_test(abort_flag_stops_sending_and_retrying),
	    cmocka_unit_test(backoff_grows_with_jitter_and_cap),
	    cmocka_unit_test(config_is_validated_and_transport_taken_over),
	    cmocka_unit_test(metrics_count_each_attempt),
	    cmocka_unit_test(logs_hold_no_secrets),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	metrics_shutdown();
	return rc;
}
