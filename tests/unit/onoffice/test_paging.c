/* Unit tests for src/onoffice/paging.c: 500 per page, offset by records received, stops. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "core/log.h"
#include "fake_transport.h"
#include "onoffice/paging.h"
#include "onoffice/values.h"

/* A server with `total` addresses 1..total. */
struct server {
	int64_t total;
	bool null_count;  /* cntabsolute: null */
	int64_t short_at; /* the page at this offset returns one record fewer; -1 none */
	int64_t empty_at; /* the page at this offset returns none; -1 none */
};

static int serve(struct fake *f, json_t *req, struct buf *out, long *status)
{
	struct server *s = f->handler_arg;
	(void)status;
	json_t *a = json_array_get(json_object_get(json_object_get(req, "request"), "actions"), 0);
	json_t *p = json_object_get(a, "parameters");
	int64_t limit = json_integer_value(json_object_get(p, "listlimit"));
	int64_t offset = json_integer_value(json_object_get(p, "listoffset"));
	int64_t n = offset < s->total ? s->total - offset : 0;
	if (n > limit)
		n = limit;
	if (offset == s->short_at && n > 0)
		n--;
	if (offset == s->empty_at)
		n = 0;
	json_t *records = json_array();
	for (int64_t i = 0; i < n; i++)
		json_array_append_new(records, json_pack("{s:I, s:s, s:{s:s}}", "id",
		                                         (json_int_t)(offset + i + 1), "type",
		                                         "address", "elements", "Name", "X"));
	json_t *cnt = s->null_count ? json_null() : json_integer(s->total);
	json_t *answer =
	    json_pack("{s:{s:i, s:i}, s:{s:[{s:{s:{s:o}, s:o}, s:{s:i, s:s}}]}}", "status", "code",
	              200, "errorcode", 0, "response", "results", "data", "meta", "cntabsolute",
	              cnt, "records", records, "status", "errorcode", 0, "message", "OK");
	char *text = json_dumps(answer, JSON_COMPACT);
	int rc = buf_adds(out, text);
	free(text);
	json_decref(answer);
	return rc;
}

struct seen {
	int pages;
	int64_t records;
	int64_t next_id; /* the id expected first on the next page */
	int64_t offsets[16];
	int64_t total;
	int stop_after; /* return an error after this many pages; 0 never */
};

static int on_page(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	struct seen *s = arg;
	if (s->pages < 16)
		s->offsets[s->pages] = offset;
	s->pages++;
	s->total = total;
	for (size_t i = 0; i < json_array_size(records); i++) {
		int64_t id;
		assert_int_equal(oo_record_id(json_array_get(records, i), &id), ERR_OK);
		assert_int_equal(id, s->next_id);
		s->next_id++;
	}
	s->records += (int64_t)json_array_size(records);
	if (s->stop_after && s->pages >= s->stop_after)
		return err_set(e, ERR_INTERNAL, NULL, "stop");
	return 0;
}

static int64_t request_offset(const struct fake *f, size_t n, int64_t *limit)
{
	json_t *req;
	json_t *p = fake_params(f, n, &req);
	int64_t offset = json_integer_value(json_object_get(p, "listoffset"));
	if (limit)
		*limit = json_integer_value(json_object_get(p, "listlimit"));
	json_decref(req);
	return offset;
}

static int run(struct server *srv, struct fake *f, struct seen *seen, json_t *params,
               int64_t *total, struct err *e)
{
	memset(f, 0, sizeof(*f));
	f->handler = serve;
	f->handler_arg = srv;
	seen->next_id = 1;
	struct oo_client *c = fake_client(f, NULL, NULL, NULL);
	json_t *p = params ? params : json_pack("{s:[s]}", "data", "Name");
	int rc = oo_read_pages(c, "address", p, on_page, seen, total, e);
	json_decref(p);
	oo_client_free(c);
	return rc;
}

static void three_pages_for_1234(void **state)
{
	(void)state;
	struct server srv = {1234, false, -1, -1};
	struct fake f;
	struct seen seen = {0};
	int64_t total = 0, limit = 0;
	assert_int_equal(run(&srv, &f, &seen, NULL, &total, NULL), ERR_OK);
	assert_int_equal(f.calls, 3);
	assert_int_equal(request_offset(&f, 0, &limit), 0);
	assert_int_equal(limit, 500);
	assert_int_equal(request_offset(&f, 1, NULL), 500);
	assert_int_equal(request_offset(&f, 2, NULL), 1000);
	assert_int_equal(seen.pages, 3);
	assert_int_equal(seen.records, 1234);
	assert_int_equal(seen.total, 1234);
	assert_int_equal(total, 1234);
	fake_release(&f);
}

static void short_page_advances_by_records_received(void **state)
{
	(void)state;
	struct server srv = {1234, false, 0, -1};
	struct fake f;
	struct seen seen = {0};
	assert_int_equal(run(&srv, &f, &seen, NULL, NULL, NULL), ERR_OK);
	assert_int_equal(request_offset(&f, 0, NULL), 0);
	assert_int_equal(request_offset(&f, 1, NULL), 499);
	assert_int_equal(request_offset(&f, 2, NULL), 999);
	assert_int_equal(f.calls, 3);
	assert_int_equal(seen.records, 1234); /* every id once, in order (checked in on_page) */
	fake_release(&f);
}

static void empty_page_stops(void **state)
{
	(void)state;
	struct server srv = {1234, false, -1, 500};
	struct fake f;
	struct seen seen = {0};
	assert_int_equal(run(&srv, &f, &seen, NULL, NULL, NULL), ERR_OK);
	assert_int_equal(f.calls, 2);
	assert_int_equal(seen.pages, 1);
	assert_int_equal(seen.records, 500);
	fake_release(&f);

	struct server none = {0, false, -1, -1};
	memset(&seen, 0, sizeof(seen));
	int64_t total = 99;
	assert_int_equal(run(&none, &f, &seen, NULL, &total, NULL), ERR_OK);
	assert_int_equal(f.calls, 1);
	assert_int_equal(seen.pages, 0);
	assert_int_equal(total, 0);
	fake_release(&f);
}

static void null_count_pages_until_empty(void **state)
{
	(void)state;
	struct server srv = {1000, true, -1, -1};
	struct fake f;
	struct seen seen = {0};
	int64_t total = 0;
	assert_int_equal(run(&srv, &f, &seen, NULL, &total, NULL), ERR_OK);
	assert_int_equal(f.calls, 3); /* 500, 500, then an empty page */
	assert_int_equal(seen.records, 1000);
	assert_int_equal(total, -1);
	assert_int_equal(seen.total, -1);
	fake_release(&f);
}

static void smaller_limit_and_start_offset_are_kept(void **state)
{
	(void)state;
	struct server srv = {250, false, -1, -1};
	struct fake f;
	struct seen seen = {0};
	int64_t limit = 0;
	json_t *p = json_pack("{s:i, s:i}", "listlimit", 100, "listoffset", 0);
	assert_int_equal(run(&srv, &f, &seen, p, NULL, NULL), ERR_OK);
	assert_int_equal(f.calls, 3);
	assert_int_equal(request_offset(&f, 2, &limit), 200);
	assert_int_equal(limit, 100);
	fake_release(&f);

	/* Over 500 is clamped to 500. */
	memset(&seen, 0, sizeof(seen));
	p = json_pack("{s:i}", "listlimit", 1000);
	assert_int_equal(run(&srv, &f, &seen, p, NULL, NULL), ERR_OK);
	assert_int_equal(f.calls, 1);
	request_offset(&f, 0, &limit);
	assert_int_equal(limit, 500);
	fake_release(&f);
}

static void callback_error_stops(void **state)
{
	(void)state;
	struct server srv = {1234, false, -1, -1};
	struct fake f;
	struct seen seen = {.stop_after = 1};
	struct err e = ERR_INIT;
	assert_int_equal(run(&srv, &f, &seen, NULL, NULL, &e), ERR_INTERNAL);
	assert_string_equal(e.message, "stop");
	assert_int_equal(f.calls, 1);
	fake_release(&f);
}

static void call_error_stops(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0,
	                              "{\"status\":{\"code\":400,\"errorcode\":22,\"message\":"
	                              "\"Not authenticated\"}}"}},
	                 .nreplies = 1};
	struct seen seen = {0};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	json_t *p = json_object();
	struct err e = ERR_INIT;
	assert_int_equal(oo_read_pages(c, "address", p, on_page, &seen, NULL, &e), ERR_OO_AUTH);
	assert_int_equal(seen.pages, 0);
	assert_int_equal(oo_read_pages(c, "address", NULL, on_page, &seen, NULL, &e),
	                 ERR_INVALID_ARG);
	json_decref(p);
	oo_client_free(c);
	fake_release(&f);
}

static int count_records(void *arg, json_t *records, int64_t offset, int64_t total, struct err *e)
{
	(void)offset, (void)total, (void)e;
	*(size_t *)arg += json_array_size(records);
	return 0;
}

/* The same paging for `get` lists; writes are refused before anything is sent. */
static void list_pages_with_get_and_not_with_writes(void **state)
{
	(void)state;
	struct fake f = {.replies = {{0, true, 0,
	                              OK_ENVELOPE_BEGIN OK_RESULT(
	                                  "searchcriterias", "[{\"id\":1,\"elements\":{}}]", "1")
	                                  OK_ENVELOPE_END}},
	                 .nreplies = 1};
	struct oo_client *c = fake_client(&f, NULL, NULL, NULL);
	json_t *p = json_pack("{s:s}", "mode", "internal");
	size_t n = 0;
	assert_int_equal(
	    oo_list_pages(c, OO_GET, "searchcriterias", p, count_records, &n, NULL, NULL), ERR_OK);
	assert_int_equal(n, 1);
	json_t *req;
	json_t *a = fake_action(&f, 0, 0, &req);
	assert_string_equal(json_string_value(json_object_get(a, "actionid")),
	                    "urn:onoffice-de-ns:smart:2.5:smartml:action:get");
	json_decref(req);
	assert_int_equal(
	    oo_list_pages(c, OO_CREATE, "searchcriteria", p, count_records, &n, NULL, NULL),
	    ERR_INVALID_ARG);
	assert_int_equal(f.calls, 1);
	json_decref(p);
	oo_client_free(c);
	fake_release(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(three_pages_for_1234),
	    cmocka_unit_test(short_page_advances_by_records_received),
	    cmocka_unit_test(empty_page_stops),
	    cmocka_unit_test(null_count_pages_until_empty),
	    cmocka_unit_test(smaller_limit_and_start_offset_are_kept),
	    cmocka_unit_test(callback_error_stops),
	    cmocka_unit_test(call_error_stops),
	    cmocka_unit_test(list_pages_with_get_and_not_with_writes),
	};
	log_set_level(LOG_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
