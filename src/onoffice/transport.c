#include "onoffice/transport.h"

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#ifndef IMMO_VERSION
#define IMMO_VERSION "dev"
#endif

/* The request body as curl reads it (CURLOPT_READFUNCTION), and whether it may be re-sent. */
struct body_cursor {
	const char *p;
	size_t len, pos;
	bool once;           /* OO_POST_ONCE: refuse to rewind */
	bool rewind_refused; /* curl wanted to send the body again and was refused */
};

struct curl_transport {
	CURL *h;
	struct curl_slist *headers;
	char *ca_file;
	atomic_bool *abort_flag;
	char errbuf[CURL_ERROR_SIZE];
};

size_t oo_curl_write(char *ptr, size_t size, size_t nmemb, void *arg)
{
	struct oo_sink *sink = arg;
	if (nmemb && size > (size_t)-1 / nmemb) {
		sink->too_large = true;
		return 0;
	}
	int rc = buf_add(sink->out, ptr, size * nmemb);
	if (rc == ERR_TOO_LARGE)
		sink->too_large = true;
	return rc ? 0 : size * nmemb;
}

/* CURLOPT_READFUNCTION: the next piece of the body. */
static size_t read_body(char *buf, size_t size, size_t nitems, void *arg)
{
	struct body_cursor *b = arg;
	size_t room = nitems && size > (size_t)-1 / nitems ? (size_t)-1 : size * nitems;
	size_t n = b->len - b->pos < room ? b->len - b->pos : room;
	memcpy(buf, b->p + b->pos, n);
	b->pos += n;
	return n;
}

/* CURLOPT_SEEKFUNCTION: curl rewinds the body only to send it again (a retry
 * on a fresh connection); refused for OO_POST_ONCE bodies. */
static int seek_body(void *arg, curl_off_t offset, int origin)
{
	struct body_cursor *b = arg;
	if (b->once) {
		b->rewind_refused = true;
		return CURL_SEEKFUNC_FAIL;
	}
	if (origin != SEEK_SET || offset < 0 || (curl_off_t)b->len < offset)
		return CURL_SEEKFUNC_FAIL;
	b->pos = (size_t)offset;
	return CURL_SEEKFUNC_OK;
}

/* CURLOPT_XFERINFOFUNCTION: a non-zero return aborts the transfer. */
static int curl_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                         curl_off_t ulnow)
{
	(void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
	struct curl_transport *t = arg;
	return t->abort_flag && atomic_load(t->abort_flag) ? 1 : 0;
}

bool oo_curl_maybe_sent(int curl_code, long request_size)
{
	switch (curl_code) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_FAILED_INIT:
	case CURLE_URL_MALFORMAT:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return false;
	case CURLE_SEND_FAIL_REWIND:
		return true;
	default:
		return request_size > 0;
	}
}

static int curl_fail(struct curl_transport *t, CURLcode cc, const struct oo_sink *sink,
                     const struct body_cursor *body, struct err *e)
{
	if (body->rewind_refused)
		return err_set(e, ERR_IO, NULL,
		               "onOffice closed the connection after the request was sent and "
		               "before answering; a write is not sent again");
	if (sink->too_large)
		return err_set(e, ERR_TOO_LARGE, NULL, "the onOffice answer exceeds %zu bytes",
		               sink->out->max);
	if (cc == CURLE_ABORTED_BY_CALLBACK)
		return err_set(e, ERR_UNAVAILABLE, NULL,
		               "onOffice transfer aborted (shutting down)");
	const char *why = t->errbuf[0] ? t->errbuf : curl_easy_strerror(cc);
	if (cc == CURLE_OPERATION_TIMEDOUT)
		return err_set(e, ERR_TIMEOUT, NULL, "onOffice timed out: %s", why);
	return err_set(e, ERR_IO, NULL, "onOffice transfer failed: %s", why);
}

static int curl_post(void *ctx, const char *url, const char *body, size_t len, unsigned flags,
                     struct buf *out, long *http_status, bool *sent, struct err *e)
{
	struct curl_transport *t = ctx;
	struct oo_sink sink = {out, false};
	struct body_cursor cursor = {body, len, 0, (flags & OO_POST_ONCE) != 0, false};
	long request_size = 0;
	*http_status = 0;
	*sent = false;
	t->errbuf[0] = '\0';
	if (curl_easy_setopt(t->h, CURLOPT_URL, url) != CURLE_OK)
		return err_set(e, ERR_IO, NULL, "onOffice URL refused by curl");
	/* The body goes through read_body (not CURLOPT_POSTFIELDS, which curl can
	 * always rewind) so that seek_body decides whether it may be sent again. */
	curl_easy_setopt(t->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	curl_easy_setopt(t->h, CURLOPT_READDATA, &cursor);
	curl_easy_setopt(t->h, CURLOPT_SEEKDATA, &cursor);
	curl_easy_setopt(t->h, CURLOPT_WRITEDATA, &sink);
	CURLcode cc = curl_easy_perform(t->h);
	curl_easy_setopt(t->h, CURLOPT_WRITEDATA, NULL);
	curl_easy_setopt(t->h, CURLOPT_READDATA, NULL);
	curl_easy_setopt(t->h, CURLOPT_SEEKDATA, NULL);
	curl_easy_getinfo(t->h, CURLINFO_REQUEST_SIZE, &request_size);
	if (cc == CURLE_OK && !cursor.rewind_refused) {
		*sent = true;
		curl_easy_getinfo(t->h, CURLINFO_RESPONSE_CODE, http_status);
		return 0;
	}
	*sent = sink.too_large || cursor.rewind_refused || oo_curl_maybe_sent(cc, request_size);
	return curl_fail(t, cc, &sink, &cursor, e);
}

static void curl_free_transport(void *ctx)
{
	struct curl_transport *t = ctx;
	if (!t)
		return;
	if (t->h)
		curl_easy_cleanup(t->h);
	curl_slist_free_all(t->headers);
	free(t->ca_file);
	free(t);
}

/* Sets every option that stays the same for the life of the handle. */
static CURLcode curl_setup(struct curl_transport *t, const struct oo_curl_options *o)
{
	CURL *h = t->h;
	CURLcode cc = CURLE_OK;
#define SET(opt, val)                                       \
	do {                                                \
		if (cc == CURLE_OK)                         \
			cc = curl_easy_setopt(h, opt, val); \
	} while (0)
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_POST, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
	SET(CURLOPT_ACCEPT_ENCODING, "");
	SET(CURLOPT_HTTPHEADER, t->headers);
	SET(CURLOPT_USERAGENT, "immosync/" IMMO_VERSION);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_WRITEFUNCTION, oo_curl_write);
	SET(CURLOPT_READFUNCTION, read_body);
	SET(CURLOPT_SEEKFUNCTION, seek_body);
	SET(CURLOPT_ERRORBUFFER, t->errbuf);
	SET(CURLOPT_XFERINFOFUNCTION, curl_progress);
	SET(CURLOPT_XFERINFODATA, t);
	SET(CURLOPT_NOPROGRESS, 0L);
	if (t->ca_file)
		SET(CURLOPT_CAINFO, t->ca_file);
#undef SET
	return cc;
}

int oo_transport_curl_new(const struct oo_curl_options *o, struct oo_transport *out, struct err *e)
{
	if (!o || o->connect_timeout_ms <= 0 || o->timeout_ms <= 0)
		return err_set(e, ERR_INVALID_ARG, NULL, "onOffice timeouts must be positive");
	int rc = ERR_NOMEM;
	struct curl_transport *t = calloc(1, sizeof(*t));
	if (!t)
		goto out_fail;
	t->abort_flag = o->abort_flag;
	t->h = curl_easy_init();
	t->headers = curl_slist_append(NULL, "Content-Type: application/json");
	struct curl_slist *more = t->headers ? curl_slist_append(t->headers, "Expect:") : NULL;
	if (!t->h || !more || (o->ca_file && !(t->ca_file = strdup(o->ca_file))))
		goto out_fail;
	rc = ERR_INTERNAL;
	CURLcode cc = curl_setup(t, o);
	if (cc != CURLE_OK) {
		err_set(e, rc, NULL, "curl refused an option: %s", curl_easy_strerror(cc));
		goto out_free;
	}
	*out = (struct oo_transport){curl_post, curl_free_transport, t};
	return 0;
out_fail:
	err_set(e, rc, NULL, "cannot set up the onOffice HTTP client");
out_free:
	curl_free_transport(t);
	return rc;
}
