/* The API's route table, authentication, scopes and the live pool (api.h); the helpers
 * handlers use are in call.c, so handlers and this dispatcher do not call each other. */
#include "api/api.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/log.h"
#include "core/pool.h"
#include "core/metrics.h"
#include "domain/conversion.h"
#include "store/contact.h"
#include "store/outbox.h"
#include "store/store.h"

struct api_route_spec {
	enum token_scope scope;
	api_handler fn;
};

static void api_entry(struct http_req *req, struct http_resp *resp, void *ctx);

#define API_HTTP_(method, path, scope, fn, cap) {{method, path}, api_entry, cap},
const struct http_route api_routes[] = {
    API_ROUTES(API_HTTP_){{"GET", "/onoffice/open"}, api_onoffice_open, 0}};
#undef API_HTTP_
const size_t api_routes_count = sizeof(api_routes) / sizeof(api_routes[0]);

#define API_SPEC_(method, path, scope, fn, cap) {scope, fn},
static const struct api_route_spec api_specs[] = {API_ROUTES(API_SPEC_)};
#undef API_SPEC_

/* "Bearer <token>" → the token; NULL when the header is absent or malformed. */
static const char *bearer(struct http_req *req)
{
	const char *h = http_header(req, "Authorization");
	if (!h || strncasecmp(h, "Bearer ", 7) != 0)
		return NULL;
	h += 7;
	while (*h == ' ')
		h++;
	return *h ? h : NULL;
}

/* Handlers that call onOffice while the request waits: they run on the live pool, so no
 * HTTP thread waits on onOffice (issue #11; ARCHITECTURE.md "Processes, threads, shutdown"). */
static const api_handler live_handlers[] = {api_onoffice_contact_types, api_onoffice_action_kinds,
                                            api_onoffice_origins, api_sync_preview,
                                            api_settings_put};

static bool calls_onoffice(api_handler fn)
{
	for (size_t i = 0; i < sizeof(live_handlers) / sizeof(live_handlers[0]); i++)
		if (live_handlers[i] == fn)
			return true;
	return false;
}

struct live_call {
	struct api_call call;
	api_handler fn;
	struct http_resp resp;
	pthread_mutex_t handed; /* held by the HTTP thread until it has deferred the request */
};

static void live_run(void *arg)
{
	struct live_call *lc = arg;
	lc->call.resp = &lc->resp;
	lc->fn(&lc->call);
	/* Resume only what was suspended: wait for the HTTP thread's http_defer. */
	pthread_mutex_lock(&lc->handed);
	pthread_mutex_unlock(&lc->handed);
	pthread_mutex_destroy(&lc->handed);
	http_resume(lc->call.req, &lc->resp);
	free(lc);
}

/* Runs the handler on the live pool; the connection waits suspended. A full queue, or a
 * pool closed while the server stops, is answered 503 at once, without deferring. */
static void run_live(struct api_call *call, struct pool *live, api_handler fn)
{
	struct err e = ERR_INIT;
	struct live_call *lc = malloc(sizeof(*lc));
	if (!lc) {
		err_set(&e, ERR_NOMEM, NULL, NULL);
		api_fail(call, &e);
		return;
	}
	*lc = (struct live_call){
	    .call = *call, .fn = fn, .resp = {.status = 500, .body = BUF_INIT(32 * 1024 * 1024)}};
	pthread_mutex_init(&lc->handed, NULL);
	pthread_mutex_lock(&lc->handed);
	int rc = pool_submit(live, live_run, lc);
	if (!rc) {
		http_defer(call->req);
		pthread_mutex_unlock(&lc->handed);
		return;
	}
	pthread_mutex_unlock(&lc->handed);
	pthread_mutex_destroy(&lc->handed);
	free(lc);
	err_set(&e, ERR_BUSY, NULL,
	        rc == ERR_BUSY ? "too many requests to onOffice are waiting; try again in a moment"
	                       : "shutting down");
	api_fail(call, &e);
}

/* "application/json", any case, with parameters ("; charset=utf-8") or not (issue #16:
 * text/plain, forms and XML were stored as if they were JSON). */
static bool json_content_type(const char *v)
{
	static const char json[] = "application/json";
	if (!v)
		return false;
	while (*v == ' ' || *v == '\t')
		v++;
	if (strncasecmp(v, json, sizeof(json) - 1) != 0)
		return false;
	v += sizeof(json) - 1;
	while (*v == ' ' || *v == '\t')
		v++;
	return *v == '\0' || *v == ';';
}

static void api_entry(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct api_call call = {req, resp, ctx, 0, TOKEN_INGEST};
	struct err e = ERR_INIT;
	if (req->route < 0 || (size_t)req->route >= sizeof(api_specs) / sizeof(api_specs[0])) {
		err_set(&e, ERR_NOT_FOUND, NULL, NULL);
		api_fail(&call, &e);
		return;
	}
	const struct api_route_spec *spec = &api_specs[req->route];
	int rc = token_authenticate(call.ctx->db, bearer(req), &call.company_id, &call.scope, &e);
	if (rc) {
		if (rc != ERR_UNAUTHORIZED)
			err_set(&e, ERR_UNAVAILABLE, NULL, "cannot check the token right now");
		api_fail(&call, &e);
		return;
	}
	if (spec->scope == TOKEN_FULL && call.scope != TOKEN_FULL) {
		err_set(&e, ERR_FORBIDDEN, NULL,
		        "this token's scope (ingest) may only post conversions");
		api_fail(&call, &e);
		return;
	}
	if (req->body.len && !json_content_type(http_header(req, "Content-Type"))) {
		err_set(&e, ERR_UNSUPPORTED_MEDIA, "headers.Content-Type",
		        "the body must be JSON, sent as Content-Type: application/json");
		api_fail(&call, &e);
		return;
	}
	char company[24];
	snprintf(company, sizeof(company), "%lld", (long long)call.company_id);
	LOG(LOG_DEBUG, "api.call", LS("company", company), LS("route", req->path));
	struct pool *live = call.ctx->live; /* read once: serve closes it while stopping */
	if (live && calls_onoffice(spec->fn))
		run_live(&call, live, spec->fn);
	else
		spec->fn(&call);
}

bool api_ready(void *ctx, char *why, size_t cap)
{
	struct api_ctx *api = ctx;
	return store_ready(api->db, why, cap);
}

void api_stopping(void *ctx)
{
	struct api_ctx *api = ctx;
	db_shutdown(api->db);
}

static double queue_depth(void *arg)
{
	struct api_ctx *ctx = arg;
	int64_t n = 0;
	return outbox_depth(ctx->db, &n, NULL) == 0 ? (double)n : -1;
}

void api_metrics_init(struct api_ctx *ctx)
{
	metrics_gauge_fn(metrics_default(), "immosync_queue_depth",
	                 "Transfers waiting for onOffice (held, due or leased)", NULL, queue_depth,
	                 ctx);
}
