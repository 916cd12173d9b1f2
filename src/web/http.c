#include "web/http.h"

#include <arpa/inet.h>
#include <assert.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "core/log.h"
#include "core/metrics.h"
#include "core/opt.h"
#include "core/utf8.h"
#include "web/target.h"

struct http_server {
	struct MHD_Daemon *daemon;
	struct http_config cfg;
	char address[300];
	int port;
	atomic_int in_flight;
	atomic_bool draining;
	atomic_uint_fast64_t next_id;
	atomic_uint_fast64_t connections;
	bool tls;
	unsigned id_prefix;
	pthread_mutex_t lock;
	pthread_cond_t idle;
	struct metric *m_in_flight;
	MHD_socket quiesced_fd; /* the listening socket after http_drain, closed by http_stop */
};

static int64_t mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- response helpers ---- */

int http_set_header(struct http_resp *resp, const char *name, const char *value)
{
	if (resp->nheaders == HTTP_MAX_HEADERS || strlen(name) >= sizeof(resp->headers[0].name) ||
	    strlen(value) >= sizeof(resp->headers[0].value) || strpbrk(value, "\r\n"))
		return ERR_INVALID_ARG;
	struct http_header *h = &resp->headers[resp->nheaders++];
	snprintf(h->name, sizeof(h->name), "%s", name);
	snprintf(h->value, sizeof(h->value), "%s", value);
	return ERR_OK;
}

void http_reply(struct http_resp *resp, int status, const char *content_type, const char *body,
                size_t len)
{
	resp->status = status;
	snprintf(resp->content_type, sizeof(resp->content_type), "%s", content_type);
	buf_reset(&resp->body);
	if (buf_add(&resp->body, body, len)) {
		resp->status = 500;
		snprintf(resp->content_type, sizeof(resp->content_type), "text/plain");
		buf_reset(&resp->body);
		buf_adds(&resp->body, "response too large\n");
	}
}

static int dump_cb(const char *p, size_t n, void *arg)
{
	return buf_add(arg, p, n) ? -1 : 0;
}

void http_reply_json(struct http_resp *resp, int status, json_t *doc)
{
	buf_reset(&resp->body);
	if (!doc || json_dump_callback(doc, dump_cb, &resp->body, JSON_COMPACT) != 0) {
		json_decref(doc);
		resp->status = 500;
		snprintf(resp->content_type, sizeof(resp->content_type), "application/json");
		buf_reset(&resp->body);
		buf_adds(&resp->body, "{\"error\":{\"code\":\"internal\",\"field\":null,"
		                      "\"message\":\"could not build the answer\"}}");
		return;
	}
	json_decref(doc);
	buf_addc(&resp->body, '\n');
	resp->status = status;
	snprintf(resp->content_type, sizeof(resp->content_type), "application/json");
}

void http_reply_error(struct http_resp *resp, const struct err *e)
{
	json_t *inner = json_object();
	json_t *doc = json_object();
	const char *msg = e->message[0] ? e->message : err_default_message(e->code);
	if (!inner || !doc || json_object_set_new(inner, "code", json_string(err_slug(e->code))) ||
	    json_object_set_new(inner, "field",
	                        e->field[0] ? json_string(e->field) : json_null()) ||
	    json_object_set_new(inner, "message", json_string(msg))) {
		json_decref(inner);
		json_decref(doc);
		http_reply_json(resp, 500, NULL);
		return;
	}
	json_object_set_new(doc, "error", inner);
	http_reply_json(resp, err_http_status(e), doc);
}

void http_reply_err(struct http_resp *resp, int code, const char *field, const char *message)
{
	struct err e = ERR_INIT;
	err_set(&e, code, field, message ? "%s" : NULL, message);
	http_reply_error(resp, &e);
}

/* ---- answers from another thread ---- */

void http_defer(struct http_req *req)
{
	/* MHD resumes a thread-per-connection connection unreliably (seen in review): only the
	 * thread pool (serve) defers. */
	assert(!req->server->cfg.thread_per_connection);
	req->deferred = true;
	MHD_suspend_connection(req->conn);
}

void http_resume(struct http_req *req, struct http_resp *r)
{
	struct http_resp *d = malloc(sizeof(*d));
	if (d) {
		*d = *r;
		r->body = (struct buf)BUF_INIT(0);
	} else {
		buf_release(&r->body);
	}
	req->deferred_to = d; /* NULL (no memory): answered 500 */
	req->resumed = true;
	MHD_resume_connection(req->conn);
}

/* ---- request accessors ---- */

const char *http_header(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_query(struct http_req *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

bool http_capture(const struct http_req *req, const char *name, char *out, size_t cap)
{
	size_t n = strlen(name);
	for (size_t i = 0; i < req->match.ncaptures; i++) {
		const struct route_capture *c = &req->match.captures[i];
		if (c->name_len != n || memcmp(c->name, name, n) != 0)
			continue;
		if (c->value_len >= cap)
			return false;
		memcpy(out, c->value, c->value_len);
		out[c->value_len] = '\0';
		return true;
	}
	return false;
}

bool http_capture_id(const struct http_req *req, const char *name, int64_t *out)
{
	char s[24];
	if (!http_capture(req, name, s, sizeof(s)) || !s[0] || strlen(s) > 18)
		return false;
	int64_t v = 0;
	for (const char *c = s; *c; c++) {
		if (*c < '0' || *c > '9')
			return false;
		v = v * 10 + (*c - '0');
	}
	if (v <= 0)
		return false;
	*out = v;
	return true;
}

bool http_client_is_loopback(struct http_req *req)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (!ci || !ci->client_addr)
		return false;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;
		return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;
		static const unsigned char v4mapped[12] = {0, 0, 0, 0, 0,    0,
		                                           0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(in6->sin6_addr.s6_addr, v4mapped, 12) == 0)
			return in6->sin6_addr.s6_addr[12] == 127;
		return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	return false;
}

/* True when an Accept-Encoding value allows gzip (a "gzip" token not followed by q=0). */
static bool accepts_gzip(const char *v)
{
	for (const char *p = v; p && (p = strcasestr(p, "gzip")); p += 4) {
		bool start = p == v || p[-1] == ' ' || p[-1] == ',';
		const char *q = p + 4;
		while (*q == ' ')
			q++;
		if (!start || (*q && *q != ',' && *q != ';'))
			continue;
		if (*q == ';') {
			const char *qv = strstr(q, "q=");
			const char *comma = strchr(q, ',');
			if (qv && (!comma || qv < comma) && strtod(qv + 2, NULL) == 0.0)
				return false;
		}
		return true;
	}
	return false;
}

int http_gzip_if_accepted(struct http_req *req, struct http_resp *resp)
{
	if (resp->body.len < 256 || !accepts_gzip(http_header(req, "Accept-Encoding")))
		return ERR_OK;
	z_stream z = {0};
	/* windowBits 15 + 16: a gzip wrapper instead of zlib's. */
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return ERR_INTERNAL;
	int rc = ERR_OK;
	uLong bound = deflateBound(&z, (uLong)resp->body.len);
	struct buf out = BUF_INIT(resp->body.max);
	char *dst = malloc(bound);
	if (!dst) {
		rc = ERR_NOMEM;
		goto out_end;
	}
	z.next_in = (Bytef *)resp->body.data;
	z.avail_in = (uInt)resp->body.len;
	z.next_out = (Bytef *)dst;
	z.avail_out = (uInt)bound;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		rc = ERR_INTERNAL;
		goto out_free;
	}
	/* Swap only when everything fits: on failure the answer stays as it was. */
	if ((rc = buf_add(&out, dst, z.total_out)) ||
	    (rc = http_set_header(resp, "Content-Encoding", "gzip")))
		goto out_free;
	buf_release(&resp->body);
	resp->body = out;
	out = (struct buf)BUF_INIT(0);
out_free:
	free(dst);
out_end:
	buf_release(&out);
	deflateEnd(&z);
	return rc;
}

const char *http_event_loop(const struct http_server *s)
{
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_FLAGS);
	if (!info)
		return "unknown";
	return (info->flags & MHD_USE_EPOLL)  ? "epoll"
	       : (info->flags & MHD_USE_POLL) ? "poll"
	                                      : "select";
}

uint64_t http_connections_total(const struct http_server *s)
{
	return atomic_load(&((struct http_server *)(uintptr_t)s)->connections);
}

/* ---- built-in routes ---- */

static void healthz(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	json_t *doc = json_pack("{s:s}", "status", "ok");
	http_reply_json(resp, 200, doc);
}

static void readyz(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct http_server *s = req->server;
	char why[200] = "";
	bool ok = !atomic_load(&s->draining);
	if (!ok)
		snprintf(why, sizeof(why), "shutting down");
	else if (s->cfg.ready && !s->cfg.ready(ctx, why, sizeof(why)))
		ok = false;
	json_t *doc = ok ? json_pack("{s:s}", "status", "ready")
	                 : json_pack("{s:s,s:s}", "status", "not_ready", "reason", why);
	http_reply_json(resp, ok ? 200 : 503, doc);
}

static void metrics_page(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	struct buf out = BUF_INIT(8 * 1024 * 1024);
	if (metrics_render(metrics_default(), &out)) {
		buf_release(&out);
		http_reply_err(resp, ERR_INTERNAL, NULL, "metrics could not be rendered");
		return;
	}
	http_reply(resp, 200, "text/plain; version=0.0.4; charset=utf-8", buf_str(&out), out.len);
	buf_release(&out);
}

static const struct http_route builtin_routes[] = {
    {{"GET", "/healthz"}, healthz, 0},
    {{"GET", "/readyz"}, readyz, 0},
    {{"GET", "/metrics"}, metrics_page, 0},
};
#define NBUILTIN (sizeof(builtin_routes) / sizeof(builtin_routes[0]))

/* ---- the MHD side ---- */

static bool sane_request_id(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 36)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static void count_request(struct http_server *s, struct http_req *req)
{
	const char *route = "unmatched";
	if (req->route >= 0)
		route = s->cfg.routes[req->route].key.pattern;
	else if (req->match.route >= 0 && req->match.status == 200)
		route = builtin_routes[req->match.route].key.pattern;
	char name[96], labels[200];
	snprintf(labels, sizeof(labels), "method=\"%s\",route=\"%s\",code=\"%d\"",
	         req->route >= 0 || req->match.status == 200 ? req->method : "other", route,
	         req->status);
	snprintf(name, sizeof(name), "%s_http_requests_total", s->cfg.metrics_prefix);
	metric_inc(metrics_counter(metrics_default(), name, "HTTP requests answered", labels));
	static const double bounds[] = {0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5};
	snprintf(name, sizeof(name), "%s_http_request_seconds", s->cfg.metrics_prefix);
	metric_observe(metrics_histogram(metrics_default(), name, "HTTP request duration", NULL,
	                                 bounds, sizeof(bounds) / sizeof(bounds[0])),
	               (double)(mono_ms() - req->start_ms) / 1000.0);
}

static enum MHD_Result queue(struct http_server *s, struct http_req *req, struct http_resp *resp)
{
	size_t len = resp->body.len;
	char *body = buf_detach(&resp->body, NULL);
	struct MHD_Response *r =
	    MHD_create_response_from_buffer_with_free_callback(len, body, free);
	if (!r) {
		free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type",
	                        resp->content_type[0] ? resp->content_type : "text/plain");
	MHD_add_response_header(r, "X-Request-Id", req->id);
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	for (size_t i = 0; i < resp->nheaders; i++)
		MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
	if (atomic_load(&s->draining))
		MHD_add_response_header(r, "Connection", "close");
	req->status = resp->status;
	req->bytes_out = len;
	req->answered = true;
	enum MHD_Result ret = MHD_queue_response(req->conn, (unsigned)resp->status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result answer_err(struct http_server *s, struct http_req *req, const struct err *e)
{
	struct http_resp resp = {.body = BUF_INIT(4096)};
	http_reply_error(&resp, e);
	if (e->code == ERR_METHOD && req->match.allow[0])
		http_set_header(&resp, "Allow", req->match.allow);
	enum MHD_Result r = queue(s, req, &resp);
	buf_release(&resp.body);
	return r;
}

static enum MHD_Result answer_error(struct http_server *s, struct http_req *req, int code,
                                    const char *message)
{
	struct err e = ERR_INIT;
	err_set(&e, code, NULL, "%s", message);
	return answer_err(s, req, &e);
}

static size_t body_cap(struct http_server *s, struct http_req *req)
{
	if (req->route < 0)
		return 0;
	size_t max = s->cfg.routes[req->route].body_max;
	return max ? max : HTTP_BODY_DEFAULT;
}

/* ---- the request head: nothing cut short by a NUL ----
 *
 * libmicrohttpd 0.9.75 (Debian 12's) parses the request head in its read buffer and hands
 * out C strings into it: the method, the target, the version and each header's name and
 * value. It ends a header value with strlen(), so "Authorization: Bearer T\0garbage"
 * reaches us as "Bearer T", and a raw NUL in the target cuts the path; its API has no way
 * to tell. What it leaves behind is the layout: those strings lie in order in the first
 * MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE bytes from the method, and between them stand
 * only the NULs it wrote over the separators (SP after the method and before the version,
 * ':' after a name, CR LF or LF after a line) and the whitespace it skipped. head_clean()
 * walks that layout: any other byte between the strings is the rest of a string that a
 * NUL cut short, and any string outside the head (a folded header line, which MHD moves)
 * is refused as well. It also refuses control bytes inside the strings (HTAB is allowed
 * in values). A change of libmicrohttpd that moves this layout makes every request fail
 * this check, loudly, in every system test - never silently.
 *
 * What it cannot see: a NUL as the very last byte before a bare-LF line end looks like the
 * CR of a CR LF ("ab\0\n" reads as "ab"). docs/decisions.md, "Control bytes".
 */

struct head_field {
	size_t key, klen, val, vlen; /* offsets from the method */
};

struct head_fields {
	struct head_field *v;
	size_t n, cap;
	uintptr_t base;
	size_t size;
	bool outside; /* a string lies outside the head */
};

static enum MHD_Result collect_field(void *cls, enum MHD_ValueKind kind, const char *key,
                                     size_t klen, const char *value, size_t vlen)
{
	(void)kind;
	struct head_fields *h = cls;
	uintptr_t k = (uintptr_t)key, v = (uintptr_t)value;
	if (!key || !value || k < h->base || v < h->base || k - h->base + klen > h->size ||
	    v - h->base + vlen > h->size || h->n == h->cap) {
		h->outside = true;
		return MHD_NO;
	}
	h->v[h->n++] = (struct head_field){k - h->base, klen, v - h->base, vlen};
	return MHD_YES;
}

static int by_key(const void *a, const void *b)
{
	size_t x = ((const struct head_field *)a)->key, y = ((const struct head_field *)b)->key;
	return x < y ? -1 : x > y;
}

/* Bytes head[from..to) are min..max NULs, then only SP/HTAB when ws is set. */
static bool gap_ok(const char *head, size_t from, size_t to, size_t min, size_t max, bool ws)
{
	if (to < from)
		return false;
	size_t nul = 0;
	while (from + nul < to && head[from + nul] == '\0')
		nul++;
	if (nul < min || nul > max)
		return false;
	for (size_t i = from + nul; i < to; i++)
		if (!ws || (head[i] != ' ' && head[i] != '\t'))
			return false;
	return true;
}

static bool clean_text(const char *p, size_t n, bool tab_ok)
{
	for (size_t i = 0; i < n; i++)
		if (target_is_ctl((unsigned char)p[i]) && !(tab_ok && p[i] == '\t'))
			return false;
	return true;
}

/* Names the header at f in field ("headers.Idempotency-Key"), when its name is printable. */
static void header_field_name(const char *head, const struct head_field *f, char *out, size_t cap)
{
	bool ascii = true; /* the name goes into a JSON string: printable ASCII only */
	for (size_t i = 0; i < f->klen; i++)
		ascii = ascii && (unsigned char)head[f->key + i] < 0x80;
	if (f->klen && f->klen < 64 && ascii && clean_text(head + f->key, f->klen, false))
		snprintf(out, cap, "headers.%.*s", (int)f->klen, head + f->key);
	else
		snprintf(out, cap, "headers");
}

/* The log shows the path as sent: when a NUL cut MHD's copy of the target short inside the
 * path, the rest of the path is appended, escaped. tail[0] is that NUL; MHD has since written
 * NULs over the '?', '=' and '&' after it (it finds the query past the NUL), so the path ends
 * at the next NUL or '?', and no query byte reaches the log. A NUL in the query leaves the
 * logged path as it is. */
static void log_path_as_sent(struct http_req *req, const char *tail, size_t n)
{
	if (req->raw_query || !req->target || n == 0)
		return;
	size_t end = 1;
	while (end < n && tail[end] != '\0' && tail[end] != '?')
		end++;
	n = end;
	char *esc = target_escape(tail, n);
	size_t have = strlen(req->target);
	char *path = esc ? malloc(have + strlen(esc) + 1) : NULL;
	if (path) {
		memcpy(path, req->target, have);
		memcpy(path + have, esc, strlen(esc) + 1);
		char *q = strchr(path, '?');
		if (q)
			*q = '\0';
		free(req->target);
		req->target = path;
		req->raw_path = path;
	}
	free(esc);
}

/* Headers whose meaning breaks when given twice (which Authorization counts? which
 * length frames the body?), and Content-Length beside Transfer-Encoding (how request
 * smuggling starts): refused, 400, naming the header (issue #16). */
static int singletons_once(const char *head, const struct head_fields *h, struct err *e)
{
	static const char *const once[] = {"Authorization",     "Content-Length",  "Content-Type",
	                                   "Transfer-Encoding", "Idempotency-Key", "Host"};
	int seen[sizeof(once) / sizeof(once[0])] = {0};
	for (size_t i = 0; i < h->n; i++) {
		const struct head_field *f = &h->v[i];
		for (size_t k = 0; k < sizeof(once) / sizeof(once[0]); k++) {
			if (f->klen != strlen(once[k]) ||
			    strncasecmp(head + f->key, once[k], f->klen))
				continue;
			if (++seen[k] > 1) {
				char field[48];
				snprintf(field, sizeof(field), "headers.%s", once[k]);
				return err_set(e, ERR_INVALID_ARG, field,
				               "the header %s is given twice", once[k]);
			}
		}
	}
	if (seen[1] && seen[3])
		return err_set(e, ERR_INVALID_ARG, "headers.Transfer-Encoding",
		               "Content-Length and Transfer-Encoding together are refused");
	return ERR_OK;
}

static int head_clean(struct http_req *req, const char *method, const char *version, struct err *e)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	const char *head = method;
	uintptr_t base = (uintptr_t)method;
	size_t size = ci ? ci->header_size : 0;
	size_t mlen = strlen(method);
	uintptr_t u = (uintptr_t)req->mhd_uri, v = (uintptr_t)version;
	if (!ci || !req->mhd_uri || u <= base + mlen || v <= u || v - base >= size)
		return err_set(e, ERR_INVALID_ARG, NULL, "malformed request line");
	size_t uoff = u - base, voff = v - base, vend = voff + strlen(version);
	/* method SP+ target SP version: MHD wrote one NUL over the first SP and skipped the
	 * rest; over the SP before the version it wrote the NUL that ends the target. */
	if (!gap_ok(head, mlen, uoff, 1, 1, true) || uoff + req->mhd_uri_len + 1 != voff ||
	    !clean_text(method, mlen, false) || !clean_text(version, vend - voff, false)) {
		if (uoff + req->mhd_uri_len < voff)
			log_path_as_sent(req, head + uoff + req->mhd_uri_len,
			                 voff - 1 - uoff - req->mhd_uri_len);
		return err_set(e, ERR_INVALID_ARG, NULL,
		               "the request line holds a control character (a NUL byte?)");
	}

	int count = MHD_get_connection_values_n(req->conn, MHD_HEADER_KIND, NULL, NULL);
	struct head_fields h = {.base = base, .size = size};
	h.cap = count > 0 ? (size_t)count : 0;
	if (h.cap && !(h.v = calloc(h.cap, sizeof(*h.v))))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	MHD_get_connection_values_n(req->conn, MHD_HEADER_KIND, collect_field, &h);
	int rc = ERR_OK;
	if (h.outside) {
		rc = err_set(e, ERR_INVALID_ARG, "headers",
		             "a header line could not be read as sent (folded header lines are "
		             "not accepted)");
		goto out_free;
	}
	if (h.n > 1) /* qsort wants a non-null array even for no elements */
		qsort(h.v, h.n, sizeof(*h.v), by_key);
	size_t pos = vend;
	for (size_t i = 0; i <= h.n; i++) {
		const struct head_field *f = i < h.n ? &h.v[i] : NULL;
		/* CR LF (two NULs) or LF (one) ends the line before; after the last header also the
		 * empty line (two to four NULs up to the head's end). Bytes left there belong to
		 * the line before: the request line, or the previous header. */
		bool ok = f ? gap_ok(head, pos, f->key, 1, 2, false)
		            : gap_ok(head, pos, size, 2, 4, false);
		if (!ok && i == 0) {
			rc = err_set(e, ERR_INVALID_ARG, NULL,
			             "the request line holds a control character (a NUL byte?)");
			goto out_free;
		}
		/* Two NULs or more before the stray bytes: the line before ended (CR LF) and a new
		 * line starts with a NUL or without a name; one NUL: the value before went on. */
		size_t nul = 0;
		while (!ok && pos + nul < size && head[pos + nul] == '\0')
			nul++;
		if (!ok && nul >= 2) {
			rc = err_set(e, ERR_INVALID_ARG, "headers",
			             "a header line starts with a NUL byte or has no name");
			goto out_free;
		}
		/* ':' (one NUL) and optional whitespace lie between name and value. */
		const struct head_field *bad = !ok ? &h.v[i - 1] : NULL;
		if (f && !bad &&
		    (!gap_ok(head, f->key + f->klen, f->val, 1, 1, true) ||
		     !clean_text(head + f->key, f->klen, false) ||
		     !clean_text(head + f->val, f->vlen, true)))
			bad = f;
		if (bad) {
			char field[80];
			header_field_name(head, bad, field, sizeof(field));
			rc = err_set(e, ERR_INVALID_ARG, field,
			             "a header holds a control character (a NUL byte?)");
			goto out_free;
		}
		if (f)
			pos = f->val + f->vlen;
	}
	rc = singletons_once(head, &h, e);
out_free:
	free(h.v);
	return rc;
}

/* Everything about a request that is decided before it is routed: the target's size, the
 * head (head_clean), the query, the path decoded into req->path (*path_len bytes). */
static int check_request(struct http_req *req, const char *method, const char *version,
                         size_t *path_len, struct err *e)
{
	if (req->target_too_long) {
		err_set(e, ERR_INVALID_ARG, "path", "the request target is longer than %d bytes",
		        HTTP_TARGET_MAX);
		e->http_status = 414;
		return e->code;
	}
	if (!req->target)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	int rc = head_clean(req, method, version, e);
	if (rc)
		return rc;
	if (req->raw_query && (rc = target_check_query(req->raw_query, strlen(req->raw_query), e)))
		return rc;
	size_t n = strlen(req->raw_path);
	if (!(req->path_buf = malloc(n + 1)))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	if ((rc = target_decode_path(req->raw_path, n, req->path_buf, n + 1, path_len, e)))
		return rc;
	req->path = req->path_buf;
	return ERR_OK;
}

/* First callback of a request: create its state and route it. Returns false when an error
 * answer was queued already. */
static struct http_req *begin(struct http_server *s, struct MHD_Connection *conn, const char *url,
                              const char *method, struct http_req *req)
{
	if (!req && !(req = calloc(1, sizeof(*req))))
		return NULL;
	req->started = true;
	req->conn = conn;
	req->server = s;
	req->method = method;
	req->path = "";
	if (!req->raw_path)
		req->raw_path = url;
	req->start_ms = mono_ms();
	req->route = -1;
	const char *rid = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "X-Request-Id");
	if (sane_request_id(rid))
		snprintf(req->id, sizeof(req->id), "%s", rid);
	else
		snprintf(req->id, sizeof(req->id), "%08x%08llx", s->id_prefix,
		         (unsigned long long)atomic_fetch_add(&s->next_id, 1));
	atomic_fetch_add(&s->in_flight, 1);
	metric_set(s->m_in_flight, atomic_load(&s->in_flight));
	return req;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
	struct http_server *s = cls;
	struct http_req *req = *con_cls;

	if (!req || !req->started) {
		req = begin(s, conn, url, method, req);
		if (!req)
			return MHD_NO;
		*con_cls = req;
		log_set_context("req", req->id);
		if (atomic_load(&s->draining))
			return answer_error(s, req, ERR_UNAVAILABLE, "shutting down");
		struct err e = ERR_INIT;
		size_t plen = 0;
		if (check_request(req, method, version, &plen, &e))
			return answer_err(s, req, &e);
		/* HEAD is answered where GET is (MHD sends the headers without the body). */
		const char *as = strcmp(method, "HEAD") == 0 ? "GET" : method;
		router_match(builtin_routes, sizeof(builtin_routes[0]), NBUILTIN, as, req->path,
		             plen, &req->match);
		if (req->match.status != 200) {
			router_match(s->cfg.routes, sizeof(s->cfg.routes[0]), s->cfg.nroutes, as,
			             req->path, plen, &req->match);
			req->route = req->match.route;
		}
		if (req->match.status == 404)
			return answer_error(s, req, ERR_NOT_FOUND, "no such resource");
		if (req->match.status == 405)
			return answer_error(s, req, ERR_METHOD, "method not allowed here");
		if (req->match.status != 200)
			return answer_error(s, req, ERR_INVALID_ARG, "malformed path");
		buf_init(&req->body, req->route >= 0 ? body_cap(s, req) : 0);
		const char *cl =
		    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
		if (cl) {
			char *end;
			unsigned long long n = strtoull(cl, &end, 10);
			if (*end || n > req->body.max) {
				req->too_large = true;
				return answer_error(s, req, ERR_TOO_LARGE,
				                    "the body is larger than allowed here");
			}
		}
		return MHD_YES;
	}

	log_set_context("req", req->id);
	if (*upload_data_size) {
		if (!req->too_large && !req->answered &&
		    buf_add(&req->body, upload_data, *upload_data_size))
			req->too_large = true;
		if (req->too_large || req->answered) {
			/* MHD can answer only before the body or after all of it: discard up to
			 * HTTP_DISCARD_MAX so a slightly oversize body still gets its 413, then
			 * close the connection rather than read an endless stream. */
			req->discarded += *upload_data_size;
			if (req->discarded > HTTP_DISCARD_MAX)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (req->answered)
		return MHD_YES;
	if (req->deferred) { /* resumed: the other thread's answer */
		if (!req->resumed)
			return MHD_YES;
		if (!req->deferred_to)
			return answer_error(s, req, ERR_NOMEM, "out of memory");
		struct http_resp *d = req->deferred_to;
		req->deferred_to = NULL;
		enum MHD_Result dr = queue(s, req, d);
		buf_release(&d->body);
		free(d);
		return dr;
	}
	if (req->too_large)
		return answer_error(s, req, ERR_TOO_LARGE, "the body is larger than allowed here");

	struct http_resp resp = {.status = 500, .body = BUF_INIT(32 * 1024 * 1024)};
	const struct http_route *r =
	    req->route >= 0 ? &s->cfg.routes[req->route] : &builtin_routes[req->match.route];
	r->fn(req, &resp, s->cfg.ctx);
	if (req->deferred) { /* suspended; http_resume brings the answer */
		buf_release(&resp.body);
		return MHD_YES;
	}
	if (resp.drop) {
		buf_release(&resp.body);
		req->status = 0;
		return MHD_NO; /* MHD closes the connection without an answer */
	}
	if (resp.status < 100 || resp.status > 599)
		resp.status = 500;
	enum MHD_Result ret = queue(s, req, &resp);
	buf_release(&resp.body);
	return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	(void)conn;
	struct http_server *s = cls;
	struct http_req *req = *con_cls;
	if (!req)
		return;
	*con_cls = NULL;
	if (!req->started) { /* the request line came, the handler never ran */
		free(req->target);
		free(req);
		return;
	}
	if (!req->answered && req->status != 0)
		req->status = 499; /* the client went away before an answer */
	log_set_context("req", req->id);
	LOG(toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? LOG_INFO : LOG_WARN, "http.request",
	    LS("method", req->method), LS("path", req->raw_path), LI("status", req->status),
	    LI("ms", mono_ms() - req->start_ms), LI("bytes", req->bytes_out),
	    LB("complete", toe == MHD_REQUEST_TERMINATED_COMPLETED_OK));
	log_clear_context();
	count_request(s, req);
	buf_release(&req->body);
	if (req->deferred_to) { /* resumed, but the connection closed before it was sent */
		buf_release(&req->deferred_to->body);
		free(req->deferred_to);
	}
	free(req->path_buf);
	free(req->target);
	free(req);
	pthread_mutex_lock(&s->lock);
	if (atomic_fetch_sub(&s->in_flight, 1) == 1)
		pthread_cond_broadcast(&s->idle);
	pthread_mutex_unlock(&s->lock);
	metric_set(s->m_in_flight, atomic_load(&s->in_flight));
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode toe)
{
	(void)conn;
	(void)socket_ctx;
	struct http_server *s = cls;
	if (toe == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&s->connections, 1);
}

__attribute__((format(printf, 2, 0))) static void mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	char msg[512];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
		msg[--n] = '\0';
	LOG(LOG_WARN, "http.mhd", LS("message", msg));
}

/* MHD_OPTION_URI_LOG_CALLBACK: sees the request target before MHD decodes it. Keeps a copy
 * of the bytes as sent (the path is checked and decoded from it, signed Marketplace URLs
 * are verified over the raw query, the log shows it) and where MHD's own copy lies, for
 * head_clean(). The returned state becomes the request's, completed by begin(). */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	(void)cls;
	(void)conn;
	struct http_req *req = calloc(1, sizeof(*req));
	if (!req)
		return NULL;
	size_t n = uri ? strlen(uri) : 0;
	req->mhd_uri = uri;
	req->mhd_uri_len = n;
	if (n > HTTP_TARGET_MAX) {
		req->target_too_long = true;
		n = 256; /* enough of it for the log line */
	}
	if ((req->target = malloc(n + 1))) { /* NULL on ENOMEM: answered 500 in check_request */
		memcpy(req->target, uri ? uri : "", n);
		req->target[n] = '\0';
		char *q = memchr(req->target, '?', n);
		if (q) {
			*q = '\0';
			req->raw_query = q + 1;
		}
		req->raw_path = req->target;
	}
	return req;
}

/* libmicrohttpd's fatal errors: logged as one line (the default prints to stderr
 * unstructured), then the process aborts as MHD requires. */
static void mhd_panic(void *cls, const char *file, unsigned int line, const char *reason)
{
	(void)cls;
	LOG(LOG_ERROR, "http.mhd_panic", LS("file", file ? file : ""), LI("line", line),
	    LS("reason", reason ? reason : ""));
	abort();
}

/* Resolves host:port (numeric or a name such as localhost) into a socket address. */
static int resolve(const char *listen, struct sockaddr_storage *ss, bool *v6, struct err *e)
{
	char host[256];
	int port;
	if (!opt_split_listen(listen, host, sizeof(host), &port))
		return err_set(e, ERR_INVALID_ARG, "listen", "'%s' is not HOST:PORT", listen);
	struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
	struct addrinfo *res = NULL;
	char portstr[8];
	snprintf(portstr, sizeof(portstr), "%d", port);
	int rc = getaddrinfo(host, portstr, &hints, &res);
	if (rc != 0 || !res)
		return err_set(e, ERR_INVALID_ARG, "listen", "cannot resolve '%s': %s", host,
		               gai_strerror(rc));
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*v6 = res->ai_family == AF_INET6;
	freeaddrinfo(res);
	return ERR_OK;
}

int http_start(const struct http_config *cfg, struct http_server **out, struct err *e)
{
	for (size_t i = 0; i < cfg->nroutes; i++)
		if (!router_pattern_valid(cfg->routes[i].key.pattern))
			return err_set(e, ERR_INTERNAL, NULL, "bad route pattern '%s'",
			               cfg->routes[i].key.pattern);
	struct http_server *s = calloc(1, sizeof(*s));
	if (!s)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	s->cfg = *cfg;
	s->quiesced_fd = MHD_INVALID_SOCKET;
	MHD_set_panic_func(mhd_panic, NULL);
	if (!s->cfg.metrics_prefix)
		s->cfg.metrics_prefix = "immosync";
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->idle, NULL);
	unsigned char rnd[4];
	FILE *ur = fopen("/dev/urandom", "rb");
	if (ur && fread(rnd, 1, sizeof(rnd), ur) == sizeof(rnd))
		memcpy(&s->id_prefix, rnd, sizeof(rnd));
	if (ur)
		fclose(ur);
	char name[96];
	snprintf(name, sizeof(name), "%s_http_in_flight", s->cfg.metrics_prefix);
	s->m_in_flight = metrics_gauge(metrics_default(), name, "HTTP requests being served", NULL);

	struct sockaddr_storage ss;
	bool v6 = false;
	int rc = resolve(cfg->listen, &ss, &v6, e);
	if (rc)
		goto out_free;
	/* poll(), not epoll (what MHD_USE_AUTO picks for a thread pool): in libmicrohttpd
	 * 0.9.75 MHD_quiesce_daemon races a worker's own removal of the listening socket
	 * from its epoll set, and the loser's epoll_ctl fails with ENOENT and MHD_PANICs
	 * (seen once in CI as serve aborting on SIGTERM). The poll() loop has no such path:
	 * quiescing there only wakes the workers through their ITC. */
	unsigned flags = MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG |
	                 MHD_ALLOW_SUSPEND_RESUME;
	if (v6)
		flags |= MHD_USE_IPv6;
	if (cfg->thread_per_connection)
		flags |= MHD_USE_THREAD_PER_CONNECTION;
	struct MHD_OptionItem opts[16];
	size_t n = 0;
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_SOCK_ADDR, 0, &ss};
	if (!cfg->thread_per_connection)
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_THREAD_POOL_SIZE,
		                                    cfg->threads ? cfg->threads : 4, NULL};
	opts[n++] = (struct MHD_OptionItem){
	    MHD_OPTION_CONNECTION_LIMIT, cfg->connection_limit ? cfg->connection_limit : 512, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_PER_IP_CONNECTION_LIMIT,
	                                    cfg->per_ip_limit ? cfg->per_ip_limit : 128, NULL};
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_CONNECTION_TIMEOUT,
	                                    cfg->timeout_s ? cfg->timeout_s : 30, NULL};
	if (cfg->tls_cert_pem && cfg->tls_key_pem) {
		flags |= MHD_USE_TLS;
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_CERT, 0,
		                                    (void *)(uintptr_t)cfg->tls_cert_pem};
		opts[n++] = (struct MHD_OptionItem){MHD_OPTION_HTTPS_MEM_KEY, 0,
		                                    (void *)(uintptr_t)cfg->tls_key_pem};
	}
	opts[n++] = (struct MHD_OptionItem){MHD_OPTION_END, 0, NULL};
	/* The logger first, so MHD's own start-up messages go through it too. */
	s->daemon =
	    MHD_start_daemon(flags, 0, NULL, NULL, on_request, s, MHD_OPTION_EXTERNAL_LOGGER,
	                     mhd_log, s, MHD_OPTION_ARRAY, opts, MHD_OPTION_NOTIFY_COMPLETED,
	                     on_completed, s, MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
	                     MHD_OPTION_URI_LOG_CALLBACK, on_uri, s, MHD_OPTION_END);
	if (!s->daemon) {
		rc = err_set(e, ERR_IO, "listen", "cannot listen on %s (in use, or not allowed)",
		             cfg->listen);
		goto out_free;
	}
	const union MHD_DaemonInfo *info =
	    MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : 0;
	char host[256];
	int ignored;
	opt_split_listen(cfg->listen, host, sizeof(host), &ignored);
	snprintf(s->address, sizeof(s->address), v6 ? "[%s]:%d" : "%s:%d", host, s->port);
	s->tls = cfg->tls_cert_pem && cfg->tls_key_pem;
	*out = s;
	return ERR_OK;
out_free:
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return rc;
}

int http_port(const struct http_server *s)
{
	return s->port;
}

const char *http_address(const struct http_server *s)
{
	return s->address;
}

const char *http_scheme(const struct http_server *s)
{
	return s->tls ? "https" : "http";
}

int http_drain(struct http_server *s, int timeout_ms)
{
	atomic_store(&s->draining, true);
	/* New connections are refused from now on (on Linux, shutdown() of a listening
	 * socket stops the listening), but the descriptor stays open until MHD_stop_daemon
	 * has joined the workers: closed here, its number could be reused by another socket
	 * while a worker still holds it. */
	if (s->quiesced_fd == MHD_INVALID_SOCKET) {
		s->quiesced_fd = MHD_quiesce_daemon(s->daemon);
		if (s->quiesced_fd != MHD_INVALID_SOCKET &&
		    shutdown(s->quiesced_fd, SHUT_RDWR) != 0)
			LOG(LOG_WARN, "http.drain_listen",
			    LS("why", "new connections wait in the backlog until the stop"),
			    LS("error", strerror(errno)));
	}
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->lock);
	while (atomic_load(&s->in_flight) > 0)
		if (pthread_cond_timedwait(&s->idle, &s->lock, &until) != 0)
			break;
	int left = atomic_load(&s->in_flight);
	pthread_mutex_unlock(&s->lock);
	return left;
}

void http_stop(struct http_server *s)
{
	if (!s)
		return;
	MHD_stop_daemon(s->daemon);
	if (s->quiesced_fd != MHD_INVALID_SOCKET)
		close(s->quiesced_fd);
	pthread_cond_destroy(&s->idle);
	pthread_mutex_destroy(&s->lock);
	free(s);
}
