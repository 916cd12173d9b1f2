/*
 * Unit tests for src/web/http.c against a real libmicrohttpd server on 127.0.0.1:0,
 * spoken to over raw sockets: routing, JSON errors, 413 (Content-Length and chunked),
 * request ids, /healthz /readyz /metrics, and draining in-flight requests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <zlib.h>

#include "core/metrics.h"
#include "raw_http.h"
#include "web/http.h"

static atomic_int handler_calls;
static atomic_bool ready_flag = true;

static void echo(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	atomic_fetch_add(&handler_calls, 1);
	http_reply(resp, 200, "application/octet-stream", buf_str(&req->body), req->body.len);
}

static void contact(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	int64_t id;
	if (!http_capture_id(req, "id", &id)) {
		http_reply_err(resp, ERR_INVALID_FIELD, "id", "not an id");
		return;
	}
	const char *q = http_query(req, "q");
	http_reply_json(resp, 200, json_pack("{s:I,s:s?}", "id", (json_int_t)id, "q", q));
}

static atomic_int slow_entered;

static void slow(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	atomic_fetch_add(&slow_entered, 1);
	usleep(400 * 1000);
	http_reply(resp, 200, "text/plain", "slow-done", 9);
}

static void big(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	struct buf b = BUF_INIT(1 << 20);
	for (int i = 0; i < 1000; i++)
		buf_addf(&b, "line %04d of a compressible answer\n", i);
	http_reply(resp, 200, "text/plain", buf_str(&b), b.len);
	buf_release(&b);
	http_gzip_if_accepted(req, resp);
}

static void drop(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	resp->drop = true;
}

static void loopback(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	const char *yes = http_client_is_loopback(req) ? "yes" : "no";
	http_reply(resp, 200, "text/plain", yes, strlen(yes));
}

static void rawq(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	const char *q = req->raw_query ? req->raw_query : "(none)";
	http_reply(resp, 200, "text/plain", q, strlen(q));
}

static bool ready(void *ctx, char *why, size_t cap)
{
	(void)ctx;
	if (!atomic_load(&ready_flag))
		snprintf(why, cap, "test says no");
	return atomic_load(&ready_flag);
}

static const struct http_route routes[] = {
    {{"POST", "/echo"}, echo, 16}, {{"GET", "/contacts/{id}"}, contact, 0},
    {{"GET", "/slow"}, slow, 0},   {{"GET", "/big"}, big, 0},
    {{"GET", "/drop"}, drop, 0},   {{"GET", "/loopback"}, loopback, 0},
    {{"GET", "/rawq"}, rawq, 0},
};

static struct http_server *start(void)
{
	struct http_config cfg = {.listen = "127.0.0.1:0",
	                          .routes = routes,
	                          .nroutes = sizeof(routes) / sizeof(routes[0]),
	                          .metrics_prefix = "t",
	                          .ready = ready,
	                          .threads = 2};
	struct http_server *s = NULL;
	struct err e = ERR_INIT;
	assert_int_equal(http_start(&cfg, &s, &e), ERR_OK);
	assert_true(http_port(s) > 0);
	return s;
}

static char resp[65536];

static void healthz_answers_json_with_a_request_id(void **state)
{
	(void)state;
	struct http_server *s = start();
	int st = call(http_port(s), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	              resp, sizeof(resp));
	assert_int_equal(st, 200);
	assert_non_null(strstr(resp, "{\"status\":\"ok\"}"));
	assert_non_null(strstr(resp, "X-Request-Id: "));
	assert_non_null(strstr(resp, "Content-Type: application/json"));
	st = call(http_port(s),
	          "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\n"
	          "Connection: close\r\n\r\n",
	          resp, sizeof(resp));
	assert_non_null(strstr(resp, "X-Request-Id: abc-123\r\n"));
	st = call(http_port(s),
	          "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Request-Id: a b;c\r\n"
	          "Connection: close\r\n\r\n",
	          resp, sizeof(resp));
	assert_null(strstr(resp, "a b;c"));
	http_stop(s);
}

static void readyz_follows_the_callback(void **state)
{
	(void)state;
	struct http_server *s = start();
	const char *rq = "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(call(http_port(s), rq, resp, sizeof(resp)), 200);
	atomic_store(&ready_flag, false);
	assert_int_equal(call(http_port(s), rq, resp, sizeof(resp)), 503);
	assert_non_null(strstr(resp, "test says no"));
	atomic_store(&ready_flag, true);
	http_stop(s);
}

static void unknown_path_and_wrong_method_answer_json(void **state)
{
	(void)state;
	struct http_server *s = start();
	assert_int_equal(call(http_port(s),
	                      "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", resp,
	                      sizeof(resp)),
	                 404);
	assert_non_null(strstr(resp, "\"code\":\"not_found\""));
	assert_int_equal(call(http_port(s),
	                      "GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", resp,
	                      sizeof(resp)),
	                 405);
	assert_non_null(strstr(resp, "Allow: POST\r\n"));
	assert_non_null(strstr(resp, "\"code\":\"method_not_allowed\""));
	http_stop(s);
}

static void captures_and_query_reach_the_handler(void **state)
{
	(void)state;
	struct http_server *s = start();
	assert_int_equal(call(http_port(s),
	                      "GET /contacts/42?q=M%C3%BCller HTTP/1.1\r\nHost: x\r\n"
	                      "Connection: close\r\n\r\n",
	                      resp, sizeof(resp)),
	                 200);
	assert_non_null(strstr(resp, "{\"id\":42,\"q\":\"Müller\"}"));
	assert_int_equal(call(http_port(s),
	                      "GET /contacts/4x2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
	                      resp, sizeof(resp)),
	                 400);
	assert_non_null(strstr(resp, "\"field\":\"id\""));
	http_stop(s);
}

/* Signed Marketplace URLs are verified over the query as sent: raw_query keeps it. */
static void the_raw_query_is_kept_as_sent(void **state)
{
	(void)state;
	struct http_server *s = start();
	static const char q[] = "apiClaim=a%2Bb+c%7E&x=%C3%BC&empty=&signature=AB";
	char req[512];
	snprintf(req, sizeof(req), "GET /rawq?%s HTTP/1.1\r\nHost: x\r\n\r\n", q);
	snprintf(req + strlen(req), sizeof(req) - strlen(req),
	         "GET /rawq HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
	assert_int_equal(call(http_port(s), req, resp, sizeof(resp)), 200);
	assert_non_null(strstr(resp, q));        /* first request, byte for byte */
	assert_non_null(strstr(resp, "(none)")); /* the second, on the same connection */
	http_stop(s);
}

static void bodies_up_to_the_cap_are_delivered(void **state)
{
	(void)state;
	struct http_server *s = start();
	assert_int_equal(call(http_port(s),
	                      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n"
	                      "Connection: close\r\n\r\n0123456789abcdef",
	                      resp, sizeof(resp)),
	                 200);
	assert_non_null(strstr(resp, "\r\n\r\n0123456789abcdef"));
	http_stop(s);
}

static void oversize_bodies_get_413_without_the_handler(void **state)
{
	(void)state;
	struct http_server *s = start();
	int before = atomic_load(&handler_calls);
	assert_int_equal(call(http_port(s),
	                      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n"
	                      "Connection: close\r\n\r\n0123456789abcdefg",
	                      resp, sizeof(resp)),
	                 413);
	assert_non_null(strstr(resp, "\"code\":\"too_large\""));
	/* Chunked: no Content-Length, so the cap is enforced while reading. */
	assert_int_equal(call(http_port(s),
	                      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	                      "Connection: close\r\n\r\n"
	                      "a\r\n0123456789\r\na\r\n0123456789\r\n0\r\n\r\n",
	                      resp, sizeof(resp)),
	                 413);
	assert_int_equal(atomic_load(&handler_calls), before);
	/* A chunked body within the cap is fine. */
	assert_int_equal(call(http_port(s),
	                      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
	                      "Connection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
	                      resp, sizeof(resp)),
	                 200);
	assert_non_null(strstr(resp, "\r\n\r\nhello"));
	http_stop(s);
}

static void metrics_count_requests(void **state)
{
	(void)state;
	struct http_server *s = start();
	call(http_port(s), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", resp,
	     sizeof(resp));
	assert_int_equal(call(http_port(s),
	                      "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", resp,
	                      sizeof(resp)),
	                 200);
	assert_non_null(strstr(resp, "t_http_requests_total{method=\"GET\",route=\"/healthz\","
	                             "code=\"200\"}"));
	assert_non_null(strstr(resp, "# TYPE t_http_request_seconds histogram"));
	http_stop(s);
}

struct slow_call {
	int port;
	int status;
	char out[4096];
};

static void *do_slow(void *arg)
{
	struct slow_call *c = arg;
	c->status = call(c->port, "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n", c->out, sizeof(c->out));
	return NULL;
}

static void drain_answers_in_flight_requests_then_refuses(void **state)
{
	(void)state;
	struct http_server *s = start();
	int port = http_port(s);
	struct slow_call c = {.port = port};
	pthread_t t;
	atomic_store(&slow_entered, 0);
	pthread_create(&t, NULL, do_slow, &c);
	/* Wait until the request is inside the handler (a fixed sleep is not enough on a
	 * loaded machine: the request may still sit in the listen backlog). */
	for (int i = 0; i < 10000 && !atomic_load(&slow_entered); i++)
		usleep(1000);
	assert_int_equal(atomic_load(&slow_entered), 1);
	assert_int_equal(http_drain(s, 3000), 0);
	pthread_join(t, NULL);
	assert_int_equal(c.status, 200);
	assert_non_null(strstr(c.out, "slow-done"));
	assert_non_null(strstr(c.out, "Connection: close"));
	assert_int_equal(connect_to(port), -1);
	http_stop(s);
}

static void bad_listen_addresses_fail_cleanly(void **state)
{
	(void)state;
	struct http_config cfg = {.listen = "nohost", .routes = routes, .nroutes = 3};
	struct http_server *s = NULL;
	struct err e = ERR_INIT;
	assert_int_not_equal(http_start(&cfg, &s, &e), ERR_OK);
	assert_string_equal(e.field, "listen");
	struct http_route bad[] = {{{"GET", "no-slash"}, echo, 0}};
	cfg = (struct http_config){.listen = "127.0.0.1:0", .routes = bad, .nroutes = 1};
	assert_int_not_equal(http_start(&cfg, &s, &e), ERR_OK);
}

/* The body after the header block of a raw answer. */
static const char *body_of(const char *raw, size_t *len, size_t total)
{
	const char *p = strstr(raw, "\r\n\r\n");
	if (!p)
		return NULL;
	p += 4;
	*len = total - (size_t)(p - raw);
	return p;
}

static void gzip_only_when_accepted(void **state)
{
	(void)state;
	struct http_server *s = start();
	static char raw[200000];
	int fd = connect_to(http_port(s));
	const char *rq = "GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: deflate, gzip\r\n"
	                 "Connection: close\r\n\r\n";
	assert_int_equal(write(fd, rq, strlen(rq)), (ssize_t)strlen(rq));
	size_t got = 0;
	ssize_t n;
	while ((n = read(fd, raw + got, sizeof(raw) - got)) > 0)
		got += (size_t)n;
	close(fd);
	assert_non_null(strstr(raw, "Content-Encoding: gzip\r\n"));
	size_t zlen = 0;
	const char *zbody = body_of(raw, &zlen, got);
	assert_non_null(zbody);
	static char plain[100000];
	z_stream z = {0};
	assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)zbody;
	z.avail_in = (uInt)zlen;
	z.next_out = (Bytef *)plain;
	z.avail_out = sizeof(plain);
	assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
	assert_int_equal(z.total_out, 1000 * 35);
	assert_memory_equal(plain + 999 * 35, "line 0999 of a compressible answer\n", 35);
	assert_true(zlen < z.total_out / 4);
	inflateEnd(&z);

	assert_int_equal(call(http_port(s),
	                      "GET /big HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip;q=0\r\n"
	                      "Connection: close\r\n\r\n",
	                      raw, sizeof(raw)),
	                 200);
	assert_null(strstr(raw, "Content-Encoding"));
	assert_non_null(strstr(raw, "line 0999 of a compressible answer"));
	http_stop(s);
}

static void drop_closes_without_an_answer(void **state)
{
	(void)state;
	struct http_server *s = start();
	assert_int_equal(
	    call(http_port(s), "GET /drop HTTP/1.1\r\nHost: x\r\n\r\n", resp, sizeof(resp)), 0);
	assert_string_equal(resp, "");
	http_stop(s);
}

static void connections_are_counted_once_per_tcp_connection(void **state)
{
	(void)state;
	struct http_server *s = start();
	int fd = connect_to(http_port(s));
	const char *two = "GET /loopback HTTP/1.1\r\nHost: x\r\n\r\n"
	                  "GET /loopback HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
	assert_int_equal(write(fd, two, strlen(two)), (ssize_t)strlen(two));
	size_t got = 0;
	ssize_t n;
	while ((n = read(fd, resp + got, sizeof(resp) - 1 - got)) > 0)
		got += (size_t)n;
	resp[got] = '\0';
	close(fd);
	/* Two answers, both "yes" (we are on loopback), over one connection. */
	const char *first = strstr(resp, "\r\n\r\nyes");
	assert_non_null(first);
	assert_non_null(strstr(first + 4, "\r\n\r\nyes"));
	assert_int_equal(http_connections_total(s), 1);
	call(http_port(s), "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", resp,
	     sizeof(resp));
	assert_int_equal(http_connections_total(s), 2);
	http_stop(s);
}

static void an_endless_chunked_body_is_cut_off(void **state)
{
	(void)state;
	struct http_server *s = start();
	int fd = connect_to(http_port(s));
	const char *head = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
	assert_int_equal(write(fd, head, strlen(head)), (ssize_t)strlen(head));
	static char chunk[65536 + 16];
	int n = snprintf(chunk, sizeof(chunk), "10000\r\n");
	memset(chunk + n, 'x', 65536);
	memcpy(chunk + n + 65536, "\r\n", 2);
	size_t len = (size_t)n + 65536 + 2, sent = 0;
	/* 8 MiB offered; the server must stop reading after cap + 1 MiB of discard. */
	for (int i = 0; i < 128; i++) {
		ssize_t w = send(fd, chunk, len, MSG_NOSIGNAL);
		if (w <= 0)
			break;
		sent += (size_t)w;
	}
	close(fd);
	assert_true(sent < 8u * 1024 * 1024);
	http_stop(s);
}

static int teardown(void **state)
{
	(void)state;
	metrics_shutdown();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(healthz_answers_json_with_a_request_id),
	    cmocka_unit_test(readyz_follows_the_callback),
	    cmocka_unit_test(unknown_path_and_wrong_method_answer_json),
	    cmocka_unit_test(captures_and_query_reach_the_handler),
	    cmocka_unit_test(the_raw_query_is_kept_as_sent),
	    cmocka_unit_test(bodies_up_to_the_cap_are_delivered),
	    cmocka_unit_test(oversize_bodies_get_413_without_the_handler),
	    cmocka_unit_test(metrics_count_requests),
	    cmocka_unit_test(drain_answers_in_flight_requests_then_refuses),
	    cmocka_unit_test(bad_listen_addresses_fail_cleanly),
	    cmocka_unit_test(gzip_only_when_accepted),
	    cmocka_unit_test(drop_closes_without_an_answer),
	    cmocka_unit_test(connections_are_counted_once_per_tcp_connection),
	    cmocka_unit_test(an_endless_chunked_body_is_cut_off),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
