/*
 * fake_transport.h - a scripted stand-in for the curl transport, and a fake
 * clock and sleep, shared by the onoffice unit tests.
 *
 * The fake records a copy of every request body and answers from a script
 * (replies[]; the last one repeats) or from a handler function. The test owns
 * the struct fake; the client never frees it (ops.free is NULL).
 */
#ifndef TEST_ONOFFICE_FAKE_TRANSPORT_H
#define TEST_ONOFFICE_FAKE_TRANSPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/err.h"
#include "onoffice/client.h"

#define FAKE_MAX_CALLS 64

struct fake_reply {
	int rc;      /* 0: an HTTP answer; else the transport error */
	bool sent;   /* for rc != 0 */
	long status; /* HTTP status; 0 means 200 */
	const char *body;
};

struct fake {
	struct fake_reply replies[8];
	size_t nreplies;
	/* When set, answers instead of replies: fill out and *status, return 0. */
	int (*handler)(struct fake *f, json_t *request, struct buf *out, long *status);
	void *handler_arg;
	size_t calls;
	char *bodies[FAKE_MAX_CALLS];
	unsigned flags[FAKE_MAX_CALLS]; /* the post flags of each call (OO_POST_ONCE) */
	char url[256];
};

static inline int fake_post(void *ctx, const char *url, const char *body, size_t len,
                            unsigned flags, struct buf *out, long *http_status, bool *sent,
                            struct err *e)
{
	struct fake *f = ctx;
	size_t i = f->calls++;
	if (i < FAKE_MAX_CALLS) {
		f->bodies[i] = strndup(body, len);
		f->flags[i] = flags;
	}
	snprintf(f->url, sizeof(f->url), "%s", url);
	if (f->handler) {
		json_t *req = json_loadb(body, len, 0, NULL);
		*sent = true;
		*http_status = 200;
		int rc = f->handler(f, req, out, http_status);
		json_decref(req);
		return rc;
	}
	const struct fake_reply *r = &f->replies[i < f->nreplies ? i : f->nreplies - 1];
	*sent = r->rc ? r->sent : true;
	*http_status = r->rc ? 0 : (r->status ? r->status : 200);
	if (r->rc)
		return err_set(e, r->rc, NULL, "fake transport failure");
	return buf_adds(out, r->body ? r->body : "");
}

static inline void fake_release(struct fake *f)
{
	for (size_t i = 0; i < f->calls && i < FAKE_MAX_CALLS; i++)
		free(f->bodies[i]);
	memset(f, 0, sizeof(*f));
}

/* The n-th request body as JSON (caller decrefs). */
static inline json_t *fake_request(const struct fake *f, size_t n)
{
	return n < f->calls && n < FAKE_MAX_CALLS ? json_loads(f->bodies[n], 0, NULL) : NULL;
}

/* The n-th request's first action's parameters, borrowed from *req (set; caller decrefs *req). */
static inline json_t *fake_params(const struct fake *f, size_t n, json_t **req)
{
	*req = fake_request(f, n);
	json_t *actions = json_object_get(json_object_get(*req, "request"), "actions");
	return json_object_get(json_array_get(actions, 0), "parameters");
}

/* A clock that advances by step seconds on every reading. */
struct fake_clock {
	int64_t now;
	int64_t step;
};

static inline int64_t fake_now(void *arg)
{
	struct fake_clock *c = arg;
	int64_t t = c->now;
	c->now += c->step;
	return t;
}

struct fake_sleep {
	int calls;
	long total_ms;
	long last_ms;
};

static inline void fake_sleep_ms(void *arg, long ms)
{
	struct fake_sleep *s = arg;
	s->calls++;
	s->total_ms += ms;
	s->last_ms = ms;
}

#define FAKE_TOKEN  "tok-0123456789abcdef0123456789ab"
#define FAKE_SECRET "sec-0123456789abcdef0123456789abcdef0123456789abcdef0123456789ab"

/* A client on the fake transport with a fake clock and sleep (either may be NULL). */
static inline struct oo_client *fake_client(struct fake *f, struct fake_clock *clock,
                                            struct fake_sleep *sleep, const char *claim)
{
	struct oo_transport tp = {fake_post, NULL, f};
	struct oo_config cfg = {.url = "http://fake.invalid/api/stable/api.php",
	                        .token = FAKE_TOKEN,
	                        .secret = FAKE_SECRET,
	                        .claim = claim,
	                        .now_s = clock ? fake_now : NULL,
	                        .clock_arg = clock,
	                        .sleep_ms = fake_sleep_ms,
	                        .sleep_arg = sleep,
	                        .transport = &tp};
	static struct fake_sleep ignored;
	if (!sleep)
		cfg.sleep_arg = &ignored;
	struct oo_client *c = NULL;
	struct err e = ERR_INIT;
	if (oo_client_new(&cfg, &c, &e))
		return NULL;
	return c;
}

/* One successful result with records (a JSON array text) and cntabsolute (a JSON value text). */
#define OK_ENVELOPE_BEGIN                                                                          \
	"{\"status\":{\"code\":200,\"errorcode\":0,\"message\":\"OK\"},\"response\":{\"results\":" \
	"["
#define OK_ENVELOPE_END "]}}"
#define OK_RESULT(rt, records, cnt)                                                               \
	"{\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:read\",\"resourceid\":\"\"," \
	"\"resourcetype\":\"" rt "\",\"cacheable\":true,\"identifier\":\"\","                     \
	"\"data\":{\"meta\":{\"cntabsolute\":" cnt "},\"records\":" records "},"                  \
	"\"status\":{\"errorcode\":0,\"message\":\"OK\"}}"

/* A create result: records [{"id": id, "type": type, "elements": []}] (onoffice-protocol §3). */
#define CREATED_RESULT(rt, type, id)                                                             \
	"{\"actionid\":\"urn:onoffice-de-ns:smart:2.5:smartml:action:create\",\"resourceid\":"   \
	"\"\",\"resourcetype\":\"" rt "\",\"cacheable\":false,\"identifier\":\"\","              \
	"\"data\":{\"meta\":{\"cntabsolute\":null},\"records\":[{\"id\":" id ",\"type\":\"" type \
	"\",\"elements\":[]}]},\"status\":{\"errorcode\":0,"                                     \
	"\"message\":\"OK\"}}"
/* A successful result without records (relation create). */
#define EMPTY_RESULT                                                              \
	"{\"data\":{\"meta\":{\"cntabsolute\":null},\"records\":[]},\"status\":{" \
	"\"errorcode\":0,\"message\":\"OK\"}}"
/* A failed result, as onOffice sends it (`data: []`). */
#define ERROR_RESULT(code, msg) \
	"{\"data\":[],\"status\":{\"errorcode\":" code ",\"message\":\"" msg "\"}}"
/* The envelope when an action failed: top-level errorcode 97 ("Error in action"). */
#define ERR_ENVELOPE_BEGIN                                                   \
	"{\"status\":{\"code\":200,\"errorcode\":97,\"message\":\"Error in " \
	"action\"},\"response\":{\"results\":["
#define ENVELOPE(results) OK_ENVELOPE_BEGIN results OK_ENVELOPE_END

/* Action i of request n, borrowed from *req (set; caller decrefs *req). */
static inline json_t *fake_action(const struct fake *f, size_t n, size_t i, json_t **req)
{
	*req = fake_request(f, n);
	return json_array_get(json_object_get(json_object_get(*req, "request"), "actions"), i);
}

/* Asserts that action i of request n is `urn:…:<action>` on resourcetype with the
 * given resourceid (JSON text) and parameters equal to the JSON text params. */
#define assert_action(f, n, i, action, rt, rid, params)                                          \
	do {                                                                                     \
		json_t *req_, *want_p_ = json_loads(params, 0, NULL),                            \
		              *want_id_ = json_loads(rid, JSON_DECODE_ANY, NULL);                \
		json_t *a_ = fake_action(f, n, i, &req_);                                        \
		assert_non_null(a_);                                                             \
		assert_non_null(want_p_);                                                        \
		assert_string_equal(json_string_value(json_object_get(a_, "actionid")),          \
		                    "urn:onoffice-de-ns:smart:2.5:smartml:action:" action);      \
		assert_string_equal(json_string_value(json_object_get(a_, "resourcetype")), rt); \
		assert_true(json_equal(json_object_get(a_, "resourceid"), want_id_));            \
		if (!json_equal(json_object_get(a_, "parameters"), want_p_)) {                   \
			char *got_ = json_dumps(json_object_get(a_, "parameters"),               \
			                        JSON_SORT_KEYS | JSON_COMPACT);                  \
			fail_msg("parameters differ: %s", got_);                                 \
		}                                                                                \
		json_decref(want_p_);                                                            \
		json_decref(want_id_);                                                           \
		json_decref(req_);                                                               \
	} while (0)

#endif
