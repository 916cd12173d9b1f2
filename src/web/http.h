/*
 * http.h - the HTTP server: libmicrohttpd behind a route table.
 *
 * A program declares a table of routes (method, pattern, handler, body cap)
 * and starts a server on an address. The server adds /healthz, /readyz and
 * /metrics, gives each request an id (the client's X-Request-Id when it is
 * sane, else a fresh one) that is echoed back and put into every log line
 * the handler writes, refuses bodies over the route's cap with 413 before
 * reading them when Content-Length says so (a chunked one is answered 413 once
 * it ends, or its connection is closed after 1 MiB past the cap),
 * and answers unknown paths, wrong methods and oversize bodies with JSON
 * errors. A request whose target (path or query) decodes to a control byte, or
 * whose request line or headers hold one, NUL included, is answered 400 before
 * it is routed (web/target.h; the head check in http.c says why that needs care
 * with libmicrohttpd). Handlers run on the server's thread pool once the body is
 * complete; they fill a struct http_resp and return.
 *
 * Shutdown (http_drain then http_stop): stop accepting, let in-flight
 * requests finish (their answers carry Connection: close), then stop.
 */
#ifndef IMMO_WEB_HTTP_H
#define IMMO_WEB_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/buf.h"
#include "core/err.h"
#include "web/router.h"

#define HTTP_BODY_DEFAULT (64 * 1024)
/* The longest query string taken (signed URLs are far shorter); longer targets get 414. */
#define HTTP_QUERY_MAX   (16 * 1024)
#define HTTP_TARGET_MAX  (ROUTER_MAX_PATH + 1 + HTTP_QUERY_MAX)
#define HTTP_MAX_HEADERS 8
#define HTTP_DISCARD_MAX (1024 * 1024) /* oversize body bytes read before closing instead */

struct http_server;
struct MHD_Connection;

struct http_req {
	struct MHD_Connection *conn;
	struct http_server *server;
	const char *method;
	const char *path;      /* percent-decoded, without the query; holds no control byte */
	const char *raw_path;  /* the path as the client sent it (for the log), "" if none */
	const char *raw_query; /* the query string as received (after '?', not decoded), or NULL */
	char *target;          /* owns raw_path and raw_query: the target with '?' cut to NUL */
	char *path_buf;        /* owns path */
	const char *mhd_uri;   /* libmicrohttpd's copy of the target, for the head check */
	size_t mhd_uri_len;
	bool target_too_long;
	bool started; /* routed (the first handler call happened) */
	struct route_match match;
	struct buf body; /* complete when the handler runs; NUL-terminated */
	char id[40];     /* request id */
	int64_t start_ms;
	int route;  /* index into the program's table; -1 for built-ins and errors */
	int status; /* the status that was answered (for the completion log) */
	size_t bytes_out;
	size_t discarded; /* body bytes thrown away after the cap or an early answer */
	bool too_large;
	bool answered;
	bool deferred;                 /* http_defer: the answer comes from another thread */
	bool resumed;                  /* http_resume was called */
	struct http_resp *deferred_to; /* http_resume's answer, queued when MHD resumes us */
};

struct http_header {
	char name[40];
	char value[512];
};

struct http_resp {
	int status;
	bool drop; /* close the connection without answering (fault injection) */
	char content_type[80];
	struct buf body;
	size_t nheaders;
	struct http_header headers[HTTP_MAX_HEADERS];
};

typedef void (*http_handler)(struct http_req *req, struct http_resp *resp, void *ctx);

struct http_route {
	struct route_key key; /* method and pattern; must come first (router_match) */
	http_handler fn;
	size_t body_max; /* 0: HTTP_BODY_DEFAULT */
};

struct http_config {
	const char *listen; /* "127.0.0.1:8080"; port 0 picks a free one */
	const struct http_route *routes;
	size_t nroutes;
	void *ctx;                  /* passed to handlers and to ready */
	const char *metrics_prefix; /* "immosync": names immosync_http_requests_total */
	unsigned threads;           /* thread pool size; 0: 4 */
	unsigned connection_limit;  /* 0: 512 */
	unsigned per_ip_limit;      /* 0: 128 */
	unsigned timeout_s;         /* idle connection timeout; 0: 30 */
	/* One thread per connection instead of a pool: a handler that sleeps (injected
	 * latency in the emulator) then delays only its own connection. */
	bool thread_per_connection;
	/* HTTPS when both are set: PEM text of the certificate chain and the private key. */
	const char *tls_cert_pem;
	const char *tls_key_pem;
	/* /readyz: true when the program can serve (database open, …). NULL: always ready.
	 * On false it may write a short reason into why. */
	bool (*ready)(void *ctx, char *why, size_t cap);
	/* Called by web_run when a stop signal arrives, before in-flight requests are drained:
	 * make slow work give up (e.g. db_shutdown). NULL: nothing. */
	void (*on_stopping)(void *ctx);
};

/* Starts the server. On success *out is running and http_port tells the bound port. */
int http_start(const struct http_config *cfg, struct http_server **out, struct err *e);
int http_port(const struct http_server *s);
/* "127.0.0.1:8080" with the bound port, for printing. */
const char *http_address(const struct http_server *s);
/* "https" when the server speaks TLS, else "http". */
const char *http_scheme(const struct http_server *s);

/* The event loop libmicrohttpd runs: "poll", "epoll" or "select" (logged at start; the
 * thread pool must not be "epoll", see http.c). */
const char *http_event_loop(const struct http_server *s);

/* TCP connections accepted since start (keep-alive reuse shows as few connections). */
uint64_t http_connections_total(const struct http_server *s);

/* Stops accepting connections and waits up to timeout_ms for in-flight requests to be
 * answered. Returns the number of requests still in flight (0 = drained). */
int http_drain(struct http_server *s, int timeout_ms);
/* Stops the server and frees it (NULL-safe). */
void http_stop(struct http_server *s);

/* Request accessors. Returned strings belong to the request. */
const char *http_header(struct http_req *req, const char *name);
const char *http_query(struct http_req *req, const char *name);
/* Copies capture `name` into out (NUL-terminated). false if absent or too long. */
bool http_capture(const struct http_req *req, const char *name, char *out, size_t cap);
/* A capture as a positive 63-bit id; false when absent or not digits. */
bool http_capture_id(const struct http_req *req, const char *name, int64_t *out);

/* True when the client connected from a loopback address (127.0.0.0/8 or ::1). */
bool http_client_is_loopback(struct http_req *req);

/*
 * Takes a request's answer off the HTTP thread (work that waits on onOffice): called by a
 * handler, it suspends the connection, and the handler returns at once leaving its resp
 * untouched. Later, from any thread, http_resume(req, r) sends r (filled like a handler's
 * resp; its body is taken over). Every http_defer is followed by exactly one http_resume,
 * also when the work fails, and before the server stops (libmicrohttpd refuses to stop
 * with a suspended connection). The request stays valid until then; its accessors may be
 * used from the other thread, nothing else touches it meanwhile. Only for a server with a
 * thread pool (not thread_per_connection: MHD does not resume those reliably). A server
 * whose handlers defer must, while stopping, let the deferred work finish and then drain
 * again (http_drain) before http_stop, so the resumed answers go out.
 */
void http_defer(struct http_req *req);
void http_resume(struct http_req *req, struct http_resp *r);

/* Response helpers. A later call replaces the body of an earlier one. */
int http_set_header(struct http_resp *resp, const char *name, const char *value);
void http_reply(struct http_resp *resp, int status, const char *content_type, const char *body,
                size_t len);
/* Serialises doc (reference stolen, as with json_object_set_new) compactly. */
void http_reply_json(struct http_resp *resp, int status, json_t *doc);
/* {"error": {"code": slug, "field": … or null, "message": …}} with err_http_status(e). */
void http_reply_error(struct http_resp *resp, const struct err *e);
/*
 * Compresses the body with gzip and sets Content-Encoding when the request's
 * Accept-Encoding allows gzip and the body is worth it (≥ 256 bytes). Returns 0, or an
 * error code with the body left as it was.
 */
int http_gzip_if_accepted(struct http_req *req, struct http_resp *resp);

/* Shorthand for an error without detail beyond a message. */
void http_reply_err(struct http_resp *resp, int code, const char *field, const char *message);

#endif
