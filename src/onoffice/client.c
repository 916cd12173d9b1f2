#include "onoffice/client.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/crypto.h"
#include "core/log.h"
#include "core/metrics.h"
#include "core/time.h"
#include "onoffice/response.h"

#define OO_BODY_MAX ((size_t)8 * 1024 * 1024)

struct oo_client {
	struct oo_config cfg; /* defaults applied; strings below replace cfg's */
	char *url, *token, *secret, *claim;
	struct oo_transport tp;
	void *cache;
	void (*cache_free)(void *);
};

static int64_t wall_clock_s(void *arg)
{
	(void)arg;
	return time_now_ms() / 1000;
}

/* Sleeps ms in short slices so that a shutdown (abort flag) cuts it short. */
static void abortable_sleep(void *arg, long ms)
{
	atomic_bool *abort_flag = arg;
	while (ms > 0 && !(abort_flag && atomic_load(abort_flag))) {
		long slice = ms < 50 ? ms : 50;
		struct timespec ts = {0, slice * 1000000L};
		nanosleep(&ts, NULL);
		ms -= slice;
	}
}

static void free_secret(char *s)
{
	if (s) {
		crypto_cleanse(s, strlen(s));
		free(s);
	}
}

void oo_client_free(struct oo_client *c)
{
	if (!c)
		return;
	if (c->cache_free)
		c->cache_free(c->cache);
	if (c->tp.free)
		c->tp.free(c->tp.ctx);
	free(c->url);
	free_secret(c->token);
	free_secret(c->secret);
	free_secret(c->claim);
	free(c);
}

static void apply_defaults(struct oo_config *cfg)
{
	if (!cfg->connect_timeout_ms)
		cfg->connect_timeout_ms = 10000;
	if (!cfg->timeout_ms)
		cfg->timeout_ms = 60000;
	if (!cfg->max_response)
		cfg->max_response = (size_t)32 * 1024 * 1024;
	if (cfg->max_attempts <= 0)
		cfg->max_attempts = 3;
	if (cfg->backoff_base_ms <= 0)
		cfg->backoff_base_ms = 250;
	if (cfg->backoff_max_ms <= 0)
		cfg->backoff_max_ms = 5000;
	if (!cfg->now_s)
		cfg->now_s = wall_clock_s;
	if (!cfg->sleep_ms) {
		cfg->sleep_ms = abortable_sleep;
		cfg->sleep_arg = cfg->abort_flag;
	}
}

static int check_config(const struct oo_config *cfg, struct err *e)
{
	if (!cfg->token || !*cfg->token || !cfg->secret || !*cfg->secret)
		return err_set(e, ERR_INVALID_ARG, NULL, "onOffice token and secret are required");
	if (cfg->connect_timeout_ms < 0 || cfg->timeout_ms < 0)
		return err_set(e, ERR_INVALID_ARG, NULL, "onOffice timeouts must not be negative");
	return 0;
}

static int copy_strings(struct oo_client *c, const struct oo_config *cfg, struct err *e)
{
	c->url = strdup(cfg->url ? cfg->url : OO_URL_STABLE);
	c->token = strdup(cfg->token);
	c->secret = strdup(cfg->secret);
	if (!c->url || !c->token || !c->secret || oo_client_set_claim(c, cfg->claim))
		return err_set(e, ERR_NOMEM, NULL, NULL);
	/* Only the copies are used from here on; the caller's strings may go away. */
	c->cfg.url = c->cfg.token = c->cfg.secret = c->cfg.claim = c->cfg.ca_file = NULL;
	c->cfg.transport = NULL;
	return 0;
}

int oo_client_new(const struct oo_config *cfg, struct oo_client **out, struct err *e)
{
	*out = NULL;
	struct oo_client *c = calloc(1, sizeof(*c));
	if (!c) {
		if (cfg->transport && cfg->transport->free)
			cfg->transport->free(cfg->transport->ctx);
		return err_set(e, ERR_NOMEM, NULL, NULL);
	}
	c->cfg = *cfg;
	apply_defaults(&c->cfg);
	if (cfg->transport)
		c->tp = *cfg->transport; /* taken over now, so that every error path frees it */
	int rc = check_config(cfg, e);
	if (!rc && !cfg->transport) {
		struct oo_curl_options o = {cfg->ca_file, c->cfg.connect_timeout_ms,
		                            c->cfg.timeout_ms, cfg->abort_flag};
		rc = oo_transport_curl_new(&o, &c->tp, e);
	}
	if (rc || (rc = copy_strings(c, cfg, e)))
		goto out_free;
	*out = c;
	return 0;
out_free:
	oo_client_free(c);
	return rc;
}

int oo_client_set_claim(struct oo_client *c, const char *claim)
{
	char *copy = NULL;
	if (claim && !(copy = strdup(claim)))
		return ERR_NOMEM;
	free_secret(c->claim);
	c->claim = copy;
	return 0;
}

int64_t oo_client_now(struct oo_client *c)
{
	return c->cfg.now_s(c->cfg.clock_arg);
}

void *oo_client_cache(struct oo_client *c)
{
	return c->cache;
}

void oo_client_set_cache(struct oo_client *c, void *cache, void (*free_fn)(void *))
{
	if (c->cache_free && c->cache != cache)
		c->cache_free(c->cache);
	c->cache = cache;
	c->cache_free = free_fn;
}

/* Empties a buffer that held a request body, wiping token, HMACs and claim. */
static void wipe_body(struct buf *body)
{
	if (body->data)
		crypto_cleanse(body->data, body->len);
	buf_reset(body);
}

/* The class of an attempt whose transport failed. */
static int transport_class(struct oo_batch *b, int rc, bool sent, struct err *e)
{
	int cls = oo_unanswered_class(b);
	if (!sent)
		cls = ERR_OO_NOT_SENT;
	else if (rc == ERR_TOO_LARGE && !oo_batch_writes(b))
		cls = ERR_OO_FINAL; /* the same read would be too large again */
	oo_batch_fail(b, cls, 0, e->message);
	return oo_batch_outcome(b, e);
}

/* The class of an attempt that got an HTTP answer. */
static int answer_class(struct oo_batch *b, long status, const struct buf *answer, struct err *e)
{
	char text[64];
	snprintf(text, sizeof(text), "HTTP status %ld", status);
	if (status >= 500 || status == 408 || status == 429) {
		oo_batch_fail(b, oo_unanswered_class(b), 0, text);
		return oo_batch_outcome(b, e);
	}
	int cls = oo_response_parse(b, answer->data, answer->len, e);
	bool refused = status < 200 || status >= 300;
	if (refused && !b->response) {
		/* An HTTP-level refusal (404, 413, …) without an onOffice document:
		 * the actions did not run, and sending them again will not help. */
		oo_batch_fail(b, ERR_OO_FINAL, 0, text);
		cls = oo_batch_outcome(b, e);
	}
	return cls;
}

static void summarize_actions(const struct oo_batch *b, char *out, size_t cap)
{
	size_t used = 0;
	out[0] = '\0';
	for (size_t i = 0; i < b->n && used < cap; i++) {
		int n = i < 4
		            ? snprintf(out + used, cap - used, "%s%s:%s", i ? "," : "",
		                       oo_action_name(b->items[i].action), b->items[i].resourcetype)
		            : snprintf(out + used, cap - used, ",+%zu", b->n - i);
		if (n < 0 || (size_t)n >= cap - used)
			break;
		used += (size_t)n;
		if (i >= 4)
			break;
	}
}

static void observe(const struct oo_batch *b, int attempt, long status, int cls,
                    const struct err *e, int64_t ms)
{
	static const double bounds[] = {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
	char labels[40], actions[160];
	snprintf(labels, sizeof(labels), "result=\"%s\"", oo_class_label(cls));
	metric_inc(metrics_counter(metrics_default(), "immosync_onoffice_requests_total",
	                           "onOffice HTTP attempts by result class", labels));
	metric_observe(metrics_histogram(metrics_default(), "immosync_onoffice_request_seconds",
	                                 "onOffice HTTP attempt duration", NULL, bounds,
	                                 sizeof(bounds) / sizeof(bounds[0])),
	               (double)ms / 1000.0);
	summarize_actions(b, actions, sizeof(actions));
	LOG(cls ? LOG_WARN : LOG_INFO, "onoffice.request", LS("actions", actions),
	    LI("count", b->n), LI("attempt", attempt), LI("http_status", status),
	    LS("result", oo_class_label(cls)), LI("remote_code", cls ? e->remote_code : 0),
	    LS("error", cls ? e->message : ""), LI("ms", ms));
}

static int attempt_once(struct oo_client *c, struct oo_batch *b, int attempt, struct buf *body,
                        struct buf *answer, struct err *e)
{
	struct oo_credentials cred = {c->token, c->secret, c->claim};
	long status = 0;
	bool sent = false;
	wipe_body(body);
	buf_reset(answer);
	/* The gate first, then the signature: a wait must not age the timestamp. */
	const struct oo_gate *g = c->cfg.gate;
	if (g && !g->enter(g->arg, c->cfg.gate_wait_ms)) {
		err_set(
		    e, ERR_OO_NOT_SENT, NULL,
		    "not sent: onOffice is being given a rest after errors, or the service stops");
		oo_batch_fail(b, ERR_OO_NOT_SENT, 0, e->message);
		return oo_batch_outcome(b, e);
	}
	int rc = oo_request_build(b, &cred, c->cfg.now_s(c->cfg.clock_arg), body, e);
	if (rc) {
		if (g)
			g->leave(g->arg, -1);
		oo_batch_fail(b, rc, 0, e->message);
		return rc;
	}
	int64_t t0 = time_mono_ms();
	unsigned flags = oo_batch_writes(b) ? OO_POST_ONCE : 0;
	rc = c->tp.post(c->tp.ctx, c->url, body->data, body->len, flags, answer, &status, &sent, e);
	if (g)
		g->leave(g->arg, rc ? 0 : status);
	wipe_body(body);
	int cls = rc ? transport_class(b, rc, sent, e) : answer_class(b, status, answer, e);
	observe(b, attempt, status, cls, e, time_mono_ms() - t0);
	return cls;
}

static bool aborted(const struct oo_client *c)
{
	return c->cfg.abort_flag && atomic_load(c->cfg.abort_flag);
}

static bool should_retry(const struct oo_client *c, const struct oo_batch *b, int cls, int attempt)
{
	if (attempt >= c->cfg.max_attempts || aborted(c) || oo_batch_writes(b))
		return false;
	return cls == ERR_OO_NOT_SENT || cls == ERR_OO_RETRYABLE || cls == ERR_OO_UNCERTAIN;
}

/* Exponential backoff with jitter: a random delay in [d/2, d], d = base·2^(attempt-1) ≤ max. */
static long backoff_ms(const struct oo_client *c, int attempt)
{
	long d = c->cfg.backoff_base_ms;
	for (int i = 1; i < attempt && d < c->cfg.backoff_max_ms; i++)
		d *= 2;
	if (d > c->cfg.backoff_max_ms)
		d = c->cfg.backoff_max_ms;
	unsigned int r = 0;
	if (crypto_random(&r, sizeof(r)))
		return d;
	return d / 2 + (long)(r % (unsigned long)(d / 2 + 1));
}

int oo_call(struct oo_client *c, struct oo_batch *b, struct err *e)
{
	struct err le = ERR_INIT;
	if (b->n == 0)
		return err_set(e, ERR_INVALID_ARG, NULL, "empty onOffice request");
	if (aborted(c)) {
		oo_batch_fail(b, ERR_OO_NOT_SENT, 0, "shutting down");
		return err_set(e, ERR_OO_NOT_SENT, NULL,
		               "onOffice request not sent: shutting down");
	}
	struct buf body = BUF_INIT(OO_BODY_MAX);
	struct buf answer = BUF_INIT(c->cfg.max_response);
	int cls;
	for (int attempt = 1;; attempt++) {
		err_clear(&le);
		cls = attempt_once(c, b, attempt, &body, &answer, &le);
		if (!should_retry(c, b, cls, attempt))
			break;
		c->cfg.sleep_ms(c->cfg.sleep_arg, backoff_ms(c, attempt));
		if (aborted(c))
			break;
	}
	wipe_body(&body);
	buf_release(&body);
	buf_release(&answer);
	if (e)
		*e = le;
	return cls;
}
