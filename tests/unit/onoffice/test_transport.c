/*
 * Unit tests for src/onoffice/transport.c: the write-callback cap, "sent"
 * detection, and the curl transport against a tiny HTTP/1.1 server on
 * 127.0.0.1 in a thread (keep-alive, headers, caps, timeouts, abort, drops).
 * TLS and gzip against the emulator are covered by the system tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "core/log.h"
#include "core/time.h"
#include "onoffice/client.h"
#include "onoffice/transport.h"

struct server {
	int lfd;
	int port;
	pthread_t thread;
	atomic_bool stop;
	atomic_int accepts;
	atomic_int requests;
	/* behaviour */
	const char *answer; /* body of every answer */
	size_t answer_len;
	int delay_ms; /* before answering */
	bool drop;    /* close after reading the request, without answering */
	int drop_nth; /* close after reading the n-th request (from 1) without answering; 0: none */
	/* the last request, guarded by lock */
	pthread_mutex_t lock;
	char headers[4096];
	char body[4096];
	size_t body_len; /* the whole body's length (body holds its start) */
};

static bool stopped(struct server *s)
{
	return atomic_load(&s->stop);
}

/* Reads more bytes into buf; false on EOF, error, full buffer or stop. */
static bool read_some(struct server *s, int fd, char *buf, size_t cap, size_t *len)
{
	while (!stopped(s)) {
		struct pollfd p = {fd, POLLIN, 0};
		if (poll(&p, 1, 20) <= 0)
			continue;
		if (*len >= cap)
			return false;
		ssize_t n = recv(fd, buf + *len, cap - *len, 0);
		if (n <= 0)
			return false;
		*len += (size_t)n;
		return true;
	}
	return false;
}

static void send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return;
		p += w;
		n -= (size_t)w;
	}
}

static void answer(struct server *s, int fd)
{
	for (int waited = 0; waited < s->delay_ms && !stopped(s); waited += 10) {
		struct timespec ts = {0, 10 * 1000000L};
		nanosleep(&ts, NULL);
	}
	char head[200];
	int n = snprintf(head, sizeof(head),
	                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
	                 "Content-Length: %zu\r\n\r\n",
	                 s->answer_len);
	send_all(fd, head, (size_t)n);
	send_all(fd, s->answer, s->answer_len);
}

static void serve_connection(struct server *s, int fd)
{
	static char buf[65536];
	size_t len = 0;
	for (;;) {
		char *end;
		while (!(end = memmem(buf, len, "\r\n\r\n", 4)))
			if (!read_some(s, fd, buf, sizeof(buf), &len))
				return;
		size_t hdr = (size_t)(end + 4 - buf), clen = 0;
		const char *cl = strcasestr(buf, "content-length:");
		if (cl && cl < end)
			clen = strtoul(cl + 15, NULL, 10);
		while (len < hdr + clen)
			if (!read_some(s, fd, buf, sizeof(buf), &len))
				return;
		pthread_mutex_lock(&s->lock);
		snprintf(s->headers, sizeof(s->headers), "%.*s", (int)hdr, buf);
		snprintf(s->body, sizeof(s->body), "%.*s", (int)clen, buf + hdr);
		s->body_len = clen;
		pthread_mutex_unlock(&s->lock);
		int nth = atomic_fetch_add(&s->requests, 1) + 1;
		memmove(buf, buf + hdr + clen, len - hdr - clen);
		len -= hdr + clen;
		if (s->drop || nth == s->drop_nth)
			return;
		answer(s, fd);
	}
}

static void *serve(void *arg)
{
	struct server *s = arg;
	while (!stopped(s)) {
		struct pollfd p = {s->lfd, POLLIN, 0};
		if (poll(&p, 1, 20) <= 0)
			continue;
		int fd = accept(s->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		atomic_fetch_add(&s->accepts, 1);
		serve_connection(s, fd);
		close(fd);
	}
	return NULL;
}

/* A bound, listening loopback socket on an ephemeral port. */
static int listen_any(int *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &alen), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static int server_setup(void **state)
{
	struct server *s = calloc(1, sizeof(*s));
	pthread_mutex_init(&s->lock, NULL);
	s->lfd = listen_any(&s->port);
	s->answer = "{\"ok\":true}";
	s->answer_len = strlen(s->answer);
	*state = s;
	return 0;
}

static void server_start(struct server *s)
{
	assert_int_equal(pthread_create(&s->thread, NULL, serve, s), 0);
}

static int server_teardown(void **state)
{
	struct server *s = *state;
	atomic_store(&s->stop, true);
	if (s->thread)
		pthread_join(s->thread, NULL);
	close(s->lfd);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return 0;
}

static void url_of(const struct server *s, const char *scheme, char *out, size_t cap)
{
	snprintf(out, cap, "%s://127.0.0.1:%d/api/stable/api.php", scheme, s->port);
}

static struct oo_transport curl_transport(long timeout_ms, atomic_bool *abort_flag,
                                          const char *ca_file)
{
	struct oo_curl_options o = {ca_file, 2000, timeout_ms, abort_flag};
	struct oo_transport tp;
	assert_int_equal(oo_transport_curl_new(&o, &tp, NULL), ERR_OK);
	return tp;
}

static void write_callback_enforces_the_cap(void **state)
{
	(void)state;
	struct buf out = BUF_INIT(10);
	struct oo_sink sink = {&out, false};
	char data[] = "abcdefghijkl";
	assert_int_equal(oo_curl_write(data, 1, 6, &sink), 6);
	assert_false(sink.too_large);
	assert_int_equal(oo_curl_write(data, 1, 4, &sink), 4);
	assert_int_equal(oo_curl_write(data, 1, 1, &sink), 0);
	assert_true(sink.too_large);
	assert_int_equal(out.len, 10);
	assert_string_equal(buf_str(&out), "abcdefabcd");
	struct oo_sink huge = {&out, false};
	assert_int_equal(oo_curl_write(data, SIZE_MAX / 2, 4, &huge), 0);
	assert_true(huge.too_large);
	buf_release(&out);
}

static void sent_detection(void **state)
{
	(void)state;
	assert_false(oo_curl_maybe_sent(CURLE_COULDNT_RESOLVE_HOST, 0));
	assert_false(oo_curl_maybe_sent(CURLE_COULDNT_CONNECT, 0));
	assert_false(oo_curl_maybe_sent(CURLE_COULDNT_CONNECT, 500));
	assert_false(oo_curl_maybe_sent(CURLE_SSL_CONNECT_ERROR, 0));
	assert_false(oo_curl_maybe_sent(CURLE_PEER_FAILED_VERIFICATION, 0));
	assert_false(oo_curl_maybe_sent(CURLE_SSL_CACERT_BADFILE, 0));
	assert_false(oo_curl_maybe_sent(CURLE_OPERATION_TIMEDOUT, 0));
	assert_true(oo_curl_maybe_sent(CURLE_OPERATION_TIMEDOUT, 230));
	assert_true(oo_curl_maybe_sent(CURLE_GOT_NOTHING, 230));
	assert_true(oo_curl_maybe_sent(CURLE_RECV_ERROR, 230));
	assert_true(oo_curl_maybe_sent(CURLE_SEND_ERROR, 1));
	assert_true(oo_curl_maybe_sent(CURLE_ABORTED_BY_CALLBACK, 230));
	assert_false(oo_curl_maybe_sent(CURLE_ABORTED_BY_CALLBACK, 0));
}

static void keep_alive_headers_and_body(void **state)
{
	struct server *s = *state;
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	struct oo_transport tp = curl_transport(5000, NULL, NULL);
	const char *body = "{\"token\":\"t\",\"request\":{\"actions\":[]}}";
	for (int i = 0; i < 3; i++) {
		struct buf out = BUF_INIT(1024);
		long status = 0;
		bool sent = false;
		assert_int_equal(
		    tp.post(tp.ctx, url, body, strlen(body), 0, &out, &status, &sent, NULL),
		    ERR_OK);
		assert_int_equal(status, 200);
		assert_true(sent);
		assert_string_equal(buf_str(&out), "{\"ok\":true}");
		buf_release(&out);
	}
	assert_int_equal(atomic_load(&s->requests), 3);
	assert_int_equal(atomic_load(&s->accepts), 1); /* one TCP connection for all three */
	pthread_mutex_lock(&s->lock);
	assert_non_null(strstr(s->headers, "POST /api/stable/api.php HTTP/1.1\r\n"));
	assert_non_null(strcasestr(s->headers, "\r\nContent-Type: application/json\r\n"));
	const char *ae = strcasestr(s->headers, "\r\nAccept-Encoding: ");
	assert_non_null(ae);
	assert_non_null(strstr(ae, "gzip"));
	assert_null(strcasestr(s->headers, "Expect:"));
	assert_string_equal(s->body, body);
	pthread_mutex_unlock(&s->lock);
	tp.free(tp.ctx);
}

static void oversized_answer_is_refused(void **state)
{
	struct server *s = *state;
	static char big[100 * 1024];
	memset(big, 'x', sizeof(big));
	s->answer = big;
	s->answer_len = sizeof(big);
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	struct oo_transport tp = curl_transport(5000, NULL, NULL);
	struct buf out = BUF_INIT(10 * 1024);
	long status;
	bool sent = false;
	struct err e = ERR_INIT;
	assert_int_equal(tp.post(tp.ctx, url, "{}", 2, 0, &out, &status, &sent, &e), ERR_TOO_LARGE);
	assert_true(sent);
	assert_true(out.len <= 10 * 1024);
	assert_non_null(strstr(e.message, "exceeds"));
	buf_release(&out);
	tp.free(tp.ctx);
}

static void refused_connection_is_not_sent(void **state)
{
	(void)state;
	int port;
	int fd = listen_any(&port);
	close(fd); /* nothing listens there now */
	char url[128];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/stable/api.php", port);
	struct oo_transport tp = curl_transport(2000, NULL, NULL);
	struct buf out = BUF_INIT(1024);
	long status;
	bool sent = true;
	struct err e = ERR_INIT;
	assert_int_equal(tp.post(tp.ctx, url, "{}", 2, 0, &out, &status, &sent, &e), ERR_IO);
	assert_false(sent);
	buf_release(&out);
	tp.free(tp.ctx);
}

static void slow_answer_times_out_after_sending(void **state)
{
	struct server *s = *state;
	s->delay_ms = 3000;
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	struct oo_transport tp = curl_transport(300, NULL, NULL);
	struct buf out = BUF_INIT(1024);
	long status;
	bool sent = false;
	struct err e = ERR_INIT;
	int64_t t0 = time_mono_ms();
	assert_int_equal(tp.post(tp.ctx, url, "{}", 2, 0, &out, &status, &sent, &e), ERR_TIMEOUT);
	assert_true(time_mono_ms() - t0 < 2000);
	assert_true(sent);
	buf_release(&out);
	tp.free(tp.ctx);
}

static void dropped_connection_is_sent(void **state)
{
	struct server *s = *state;
	s->drop = true;
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	struct oo_transport tp = curl_transport(2000, NULL, NULL);
	struct buf out = BUF_INIT(1024);
	long status;
	bool sent = false;
	assert_int_equal(tp.post(tp.ctx, url, "{}", 2, 0, &out, &status, &sent, NULL), ERR_IO);
	assert_true(sent);
	assert_int_equal(atomic_load(&s->requests), 1);
	buf_release(&out);
	tp.free(tp.ctx);
}

/* Two posts over one keep-alive connection; the server reads the second and
 * closes the connection without answering (drop_nth = 2). rc, sent and the
 * server's request count after the second post are returned. */
static int post_twice(struct server *s, unsigned flags, bool *sent, struct err *e)
{
	s->drop_nth = 2;
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	struct oo_transport tp = curl_transport(2000, NULL, NULL);
	int rc = 0;
	for (int i = 0; i < 2; i++) {
		struct buf out = BUF_INIT(1024);
		long status = 0;
		rc = tp.post(tp.ctx, url, "{\"n\":1}", 7, flags, &out, &status, sent, e);
		if (i == 0) {
			assert_int_equal(rc, ERR_OK);
			assert_int_equal(status, 200);
		}
		buf_release(&out);
	}
	tp.free(tp.ctx);
	return rc;
}

/* Positive control: curl itself re-sends a request when a reused connection
 * dies before the answer (Curl_retry_request), so the server runs it twice. */
static void read_is_resent_by_curl_on_a_dead_reused_connection(void **state)
{
	struct server *s = *state;
	bool sent = false;
	assert_int_equal(post_twice(s, 0, &sent, NULL), ERR_OK);
	assert_int_equal(atomic_load(&s->requests), 3); /* the second post arrived twice */
	assert_int_equal(atomic_load(&s->accepts), 2);
}

/* With OO_POST_ONCE the re-send is refused: the server sees the second post
 * once, and the caller learns that it was sent without an answer. */
static void write_is_not_resent_on_a_dead_reused_connection(void **state)
{
	struct server *s = *state;
	bool sent = false;
	struct err e = ERR_INIT;
	assert_int_equal(post_twice(s, OO_POST_ONCE, &sent, &e), ERR_IO);
	assert_true(sent);
	assert_non_null(strstr(e.message, "not sent again"));
	assert_int_equal(atomic_load(&s->requests), 2);
}

/* A write batch through the client on the same fault: uncertain, sent once. */
static void client_write_on_a_dead_reused_connection_is_uncertain(void **state)
{
	struct server *s = *state;
	s->answer =
	    "{\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"},\"response\":{"
	    "\"results\":[{\"data\":{\"meta\":{\"cntabsolute\":null},\"records\":[{\"id\":7,"
	    "\"type\":\"agentsLog\",\"elements\":[]}]},\"status\":{"
	    "\"errorcode\":0,\"message\":\"OK\"}}]}}";
	s->answer_len = strlen(s->answer);
	s->drop_nth = 2;
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	struct oo_config cfg = {.url = url, .token = "tok", .secret = "sec", .timeout_ms = 5000};
	struct oo_client *c;
	assert_int_equal(oo_client_new(&cfg, &c, NULL), ERR_OK);
	int expect[] = {ERR_OK, ERR_OO_UNCERTAIN, ERR_OK};
	for (int i = 0; i < 3; i++) {
		struct oo_batch b = OO_BATCH_INIT;
		assert_int_equal(oo_batch_add(&b, OO_CREATE, "agentslog", NULL, NULL, NULL),
		                 ERR_OK);
		struct err e = ERR_INIT;
		assert_int_equal(oo_call(c, &b, &e), expect[i]);
		assert_int_equal(atomic_load(&s->requests), i + 1); /* each write arrived once */
		oo_batch_release(&b);
	}
	oo_client_free(c);
}

/* A body larger than curl's upload buffer goes through the read callback intact. */
static void large_write_body_arrives_whole(void **state)
{
	struct server *s = *state;
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	static char big[40000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	struct oo_transport tp = curl_transport(5000, NULL, NULL);
	for (unsigned flags = 0; flags <= OO_POST_ONCE; flags++) {
		struct buf out = BUF_INIT(1024);
		long status = 0;
		bool sent = false;
		assert_int_equal(
		    tp.post(tp.ctx, url, big, sizeof(big), flags, &out, &status, &sent, NULL),
		    ERR_OK);
		assert_int_equal(status, 200);
		pthread_mutex_lock(&s->lock);
		assert_int_equal(s->body_len, sizeof(big));
		assert_memory_equal(s->body, big, sizeof(s->body) - 1);
		pthread_mutex_unlock(&s->lock);
		buf_release(&out);
	}
	tp.free(tp.ctx);
}

static void *raise_later(void *arg)
{
	struct timespec ts = {0, 200 * 1000000L};
	nanosleep(&ts, NULL);
	atomic_store((atomic_bool *)arg, true);
	return NULL;
}

static void abort_flag_stops_a_running_transfer(void **state)
{
	struct server *s = *state;
	s->delay_ms = 5000;
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	atomic_bool stop = false;
	struct oo_transport tp = curl_transport(10000, &stop, NULL);
	struct buf out = BUF_INIT(1024);
	long status;
	bool sent = false;
	pthread_t t;
	pthread_create(&t, NULL, raise_later, &stop);
	int64_t t0 = time_mono_ms();
	assert_int_equal(tp.post(tp.ctx, url, "{}", 2, 0, &out, &status, &sent, NULL),
	                 ERR_UNAVAILABLE);
	assert_true(time_mono_ms() - t0 < 3000);
	assert_true(sent);
	pthread_join(t, NULL);
	buf_release(&out);
	tp.free(tp.ctx);
}

static void tls_is_verified(void **state)
{
	struct server *s = *state;
	server_start(s);
	char url[128];
	url_of(s, "https", url, sizeof(url));
	/* A CA file that does not exist, and then the system store against a server
	 * that speaks no TLS: both fail before any request byte is sent. */
	const char *ca[] = {"/nonexistent/ca.pem", NULL};
	for (size_t i = 0; i < 2; i++) {
		struct oo_transport tp = curl_transport(500, NULL, ca[i]);
		struct buf out = BUF_INIT(1024);
		long status;
		bool sent = true;
		assert_int_not_equal(tp.post(tp.ctx, url, "{}", 2, 0, &out, &status, &sent, NULL),
		                     ERR_OK);
		assert_false(sent);
		buf_release(&out);
		tp.free(tp.ctx);
	}
	assert_int_equal(atomic_load(&s->requests), 0);
}

static void options_are_checked(void **state)
{
	(void)state;
	struct oo_curl_options o = {NULL, 0, 1000, NULL};
	struct oo_transport tp;
	assert_int_equal(oo_transport_curl_new(&o, &tp, NULL), ERR_INVALID_ARG);
	o.connect_timeout_ms = 1000;
	o.timeout_ms = -1;
	assert_int_equal(oo_transport_curl_new(&o, &tp, NULL), ERR_INVALID_ARG);
	assert_int_equal(oo_transport_curl_new(NULL, &tp, NULL), ERR_INVALID_ARG);
}

static void client_over_curl_end_to_end(void **state)
{
	struct server *s = *state;
	s->answer = "{\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"},\"response\":{"
	            "\"results\":[{\"data\":{\"meta\":{\"cntabsolute\":1},\"records\":[{\"id\":7,"
	            "\"type\":\"address\",\"elements\":{\"Name\":\"A\"}}]},\"status\":{"
	            "\"errorcode\":0,\"message\":\"OK\"}}]}}";
	s->answer_len = strlen(s->answer);
	server_start(s);
	char url[128];
	url_of(s, "http", url, sizeof(url));
	struct oo_config cfg = {.url = url, .token = "tok", .secret = "sec", .timeout_ms = 5000};
	struct oo_client *c;
	assert_int_equal(oo_client_new(&cfg, &c, NULL), ERR_OK);
	struct oo_batch b = OO_BATCH_INIT;
	assert_int_equal(oo_batch_add(&b, OO_READ, "address", NULL, NULL, NULL), ERR_OK);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(oo_call(c, &b, NULL), ERR_OK);
		assert_int_equal(json_array_size(b.items[0].result.records), 1);
	}
	assert_int_equal(atomic_load(&s->accepts), 1);
	pthread_mutex_lock(&s->lock);
	assert_non_null(strstr(s->body, "\"hmac_version\":2"));
	pthread_mutex_unlock(&s->lock);
	oo_batch_release(&b);
	oo_client_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(write_callback_enforces_the_cap),
	    cmocka_unit_test(sent_detection),
	    cmocka_unit_test_setup_teardown(keep_alive_headers_and_body, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(oversized_answer_is_refused, server_setup,
	                                    server_teardown),
	    cmocka_unit_test(refused_connection_is_not_sent),
	    cmocka_unit_test_setup_teardown(slow_answer_times_out_after_sending, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(dropped_connection_is_sent, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(abort_flag_stops_a_running_transfer, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(tls_is_verified, server_setup, server_teardown),
	    cmocka_unit_test(options_are_checked),
	    cmocka_unit_test_setup_teardown(read_is_resent_by_curl_on_a_dead_reused_connection,
	                                    server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(write_is_not_resent_on_a_dead_reused_connection,
	                                    server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(client_write_on_a_dead_reused_connection_is_uncertain,
	                                    server_setup, server_teardown),
	    cmocka_unit_test_setup_teardown(large_write_body_arrives_whole, server_setup,
	                                    server_teardown),
	    cmocka_unit_test_setup_teardown(client_over_curl_end_to_end, server_setup,
	                                    server_teardown),
	};
	curl_global_init(CURL_GLOBAL_DEFAULT);
	log_set_level(LOG_ERROR);
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	curl_global_cleanup();
	return rc;
}
