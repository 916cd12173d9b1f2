/* The /_emu/ control endpoints and the emulator's route table (control.h). */
#include "control.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "api.h"
#include "claim.h"
#include "config.h"
#include "core/log.h"
#include "core/time.h"
#include "customer.h"
#include "emu.h"
#include "control_req.h"
#include "fixtures.h"
#include "state.h"

#define CLOCK_OFFSET_MAX (20LL * 366 * 86400) /* ±20 years */
#define LATENCY_MAX_MS   60000

/* ---- counters ---- */

static void counters_get(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	if (!emu_control_allowed(req, resp))
		return;
	http_reply_json(resp, 200,
	                emu_state_counters(emu->state, http_connections_total(req->server)));
}

static void counters_delete(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	if (!emu_control_allowed(req, resp))
		return;
	emu_state_reset_counters(emu->state, http_connections_total(req->server));
	counters_get(req, resp, ctx);
}

/* ---- faults ---- */

static json_t *faults_doc(struct emu *emu)
{
	struct emu_faults f;
	emu_state_faults(emu->state, &f);
	return json_pack("{s:f, s:s, s:I, s:f, s:b, s:I, s:I}", "error_rate", f.error_rate, "mode",
	                 f.after ? "after" : "before", "latency_ms", (json_int_t)f.latency_ms,
	                 "drop_rate", f.drop_rate, "error_http", f.error_http, "error_next",
	                 (json_int_t)f.error_next, "drop_next", (json_int_t)f.drop_next);
}

static void faults_get(struct http_req *req, struct http_resp *resp, void *ctx)
{
	if (emu_control_allowed(req, resp))
		http_reply_json(resp, 200, faults_doc(ctx));
}

static bool rate(json_t *v, double *out)
{
	if (!json_is_number(v))
		return false;
	double d = json_number_value(v);
	if (!isfinite(d) || d < 0 || d > 1)
		return false;
	*out = d;
	return true;
}

static bool count(json_t *v, int64_t max, int64_t *out)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > max)
		return false;
	*out = json_integer_value(v);
	return true;
}

/* Parses a PUT /_emu/faults body; absent keys take their defaults (no fault). */
static bool parse_faults(json_t *doc, struct emu_faults *f, const char **bad, const char **why)
{
	memset(f, 0, sizeof(*f));
	const char *key;
	json_t *v;
	json_object_foreach(doc, key, v)
	{
		bool ok;
		*bad = key;
		if (!strcmp(key, "error_rate")) {
			ok = rate(v, &f->error_rate);
			*why = "must be a number from 0 to 1";
		} else if (!strcmp(key, "drop_rate")) {
			ok = rate(v, &f->drop_rate);
			*why = "must be a number from 0 to 1";
		} else if (!strcmp(key, "latency_ms")) {
			ok = count(v, LATENCY_MAX_MS, &f->latency_ms);
			*why = "must be an integer from 0 to 60000";
		} else if (!strcmp(key, "mode")) {
			ok = json_is_string(v) && (!strcmp(json_string_value(v), "before") ||
			                           !strcmp(json_string_value(v), "after"));
			f->after = ok && !strcmp(json_string_value(v), "after");
			*why = "must be \"before\" or \"after\"";
		} else if (!strcmp(key, "error_http")) {
			ok = json_is_boolean(v);
			f->error_http = json_is_true(v);
			*why = "must be true or false";
		} else if (!strcmp(key, "error_next")) {
			ok = count(v, 1000000, &f->error_next);
			*why = "must be an integer from 0 to 1000000";
		} else if (!strcmp(key, "drop_next")) {
			ok = count(v, 1000000, &f->drop_next);
			*why = "must be an integer from 0 to 1000000";
		} else {
			ok = false;
			*why = "unknown key (error_rate, mode, latency_ms, drop_rate, error_http, "
			       "error_next, drop_next)";
		}
		if (!ok)
			return false;
	}
	return true;
}

static void faults_put(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	if (!emu_control_allowed(req, resp))
		return;
	json_t *doc = emu_control_body(req, resp);
	if (!doc)
		return;
	struct emu_faults f;
	const char *bad = NULL, *why = NULL;
	struct err e = ERR_INIT;
	if (!parse_faults(doc, &f, &bad, &why)) {
		http_reply_err(resp, ERR_INVALID_FIELD, bad, why);
	} else if (emu_state_set_faults(emu->state, &f, &e)) {
		http_reply_error(resp, &e);
	} else {
		LOG(LOG_INFO, "emu.faults", LD("error_rate", f.error_rate),
		    LD("drop_rate", f.drop_rate), LI("latency_ms", f.latency_ms),
		    LS("mode", f.after ? "after" : "before"));
		http_reply_json(resp, 200, faults_doc(emu));
	}
	json_decref(doc);
}

/* ---- clock ---- */

static void clock_get(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	if (!emu_control_allowed(req, resp))
		return;
	int64_t now = emu_state_now_ms(emu->state);
	char local[TIME_ONOFFICE_MAX];
	time_format_onoffice(now, local, sizeof(local));
	http_reply_json(resp, 200,
	                json_pack("{s:I, s:I, s:s}", "offset_s",
	                          (json_int_t)emu_state_clock_offset(emu->state), "now_unix",
	                          (json_int_t)(now / 1000), "now_berlin", local));
}

static void clock_put(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	if (!emu_control_allowed(req, resp))
		return;
	json_t *doc = emu_control_body(req, resp);
	if (!doc)
		return;
	json_t *v = json_object_get(doc, "offset_s");
	struct err e = ERR_INIT;
	if (json_object_size(doc) != 1 || !json_is_integer(v) ||
	    json_integer_value(v) > CLOCK_OFFSET_MAX || json_integer_value(v) < -CLOCK_OFFSET_MAX)
		http_reply_err(resp, ERR_INVALID_FIELD, "offset_s",
		               "expected {\"offset_s\": N}, an integer number of seconds within "
		               "±20 years");
	else if (emu_state_set_clock(emu->state, json_integer_value(v), &e))
		http_reply_error(resp, &e);
	else
		clock_get(req, resp, ctx);
	json_decref(doc);
}

/* ---- customer configuration ---- */

/* A control call on /_emu/customers/{webid}…: allowed from here and the capture into web_id
 * (32 bytes); otherwise the answer is sent and false returned. */
static bool customer_route(struct http_req *req, struct http_resp *resp, char web_id[32])
{
	if (!emu_control_allowed(req, resp))
		return false;
	if (!http_capture(req, "webid", web_id, 32)) {
		http_reply_err(resp, ERR_NOT_FOUND, "webid", "no such customer");
		return false;
	}
	return true;
}

static void config_get(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	char web_id[32];
	struct emu_customer c;
	struct err e = ERR_INIT;
	if (!customer_route(req, resp, web_id))
		return;
	int rc = emu_customer_by_webid(emu->db, web_id, &c, &e);
	if (rc) {
		http_reply_error(resp, &e);
		return;
	}
	http_reply_json(resp, 200, emu_config_effective(c.config));
	emu_customer_release(&c);
}

static void config_put(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	char web_id[32];
	if (!customer_route(req, resp, web_id))
		return;
	json_t *doc = emu_control_body(req, resp);
	if (!doc)
		return;
	struct err e = ERR_INIT;
	if (emu_customer_patch_config(emu->db, web_id, doc, &e))
		http_reply_error(resp, &e);
	else
		config_get(req, resp, ctx);
	json_decref(doc);
}

/* GET /_emu/customers/{webid}: the customer and its Marketplace state (claim.h). */
static void customer_get(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	char web_id[32];
	struct emu_customer c;
	struct err e = ERR_INIT;
	json_t *doc = NULL;
	if (!customer_route(req, resp, web_id))
		return;
	if (emu_customer_by_webid(emu->db, web_id, &c, &e)) {
		http_reply_err(resp, ERR_NOT_FOUND, "webid", "no such customer");
		return;
	}
	if (emu_claim_status(emu->db, c.id, &doc, &e)) {
		http_reply_error(resp, &e);
	} else {
		json_object_set_new(doc, "customer_web_id", json_string(c.web_id));
		json_object_set_new(doc, "name", json_string(c.name));
		http_reply_json(resp, 200, doc);
	}
	emu_customer_release(&c);
}

/* ---- the route table ---- */

#define API_BODY_MAX     (4 * 1024 * 1024)
#define FIXTURE_BODY_MAX (32 * 1024 * 1024)

const struct http_route emu_routes[] = {
    {{"POST", "/api/stable/api.php"}, emu_api_handler, API_BODY_MAX},
    {{"POST", "/api/latest/api.php"}, emu_api_handler, API_BODY_MAX},
    {{"GET", "/_emu/counters"}, counters_get, 0},
    {{"DELETE", "/_emu/counters"}, counters_delete, 0},
    {{"GET", "/_emu/faults"}, faults_get, 0},
    {{"PUT", "/_emu/faults"}, faults_put, 0},
    {{"GET", "/_emu/clock"}, clock_get, 0},
    {{"PUT", "/_emu/clock"}, clock_put, 0},
    {{"GET", "/_emu/customers/{webid}"}, customer_get, 0},
    {{"GET", "/_emu/customers/{webid}/config"}, config_get, 0},
    {{"PUT", "/_emu/customers/{webid}/config"}, config_put, 0},
    {{"POST", "/_emu/customers/{webid}/addresses"}, emu_fixtures_post, FIXTURE_BODY_MAX},
    {{"DELETE", "/_emu/customers/{webid}/addresses"}, emu_fixtures_delete, 0},
};

const size_t emu_routes_count = sizeof(emu_routes) / sizeof(emu_routes[0]);
