/*
 * The API endpoint (api.h): faults, envelope, per-action checks (structure,
 * token, timestamp, HMAC v2), dispatch, and the response envelope with the
 * quirks of onoffice-protocol §3.
 */
#include "api.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "actions.h"
#include "claim.h"
#include "config.h"
#include "core/crypto.h"
#include "core/log.h"
#include "core/time.h"
#include "core/utf8.h"
#include "state.h"
#include "text.h"

#define URN_PREFIX     "urn:onoffice-de-ns:smart:2.5:smartml:action:"
#define TIMESTAMP_SKEW 120 /* seconds either way (onoffice-protocol §2.1, §11) */

/* The actions the emulator answers. */
static const struct {
	const char *verb;
	const char *resourcetype;
	emu_action_fn fn;
	const char *resourceid; /* the resourceid the action needs, or NULL for any */
} handlers[] = {
    {"read", "address", emu_act_read_address, NULL},
    {"get", "search", emu_act_search, "address"},
    {"get", "fields", emu_act_fields, NULL},
    {"get", "actionkindtypes", emu_act_actionkindtypes, NULL},
    {"get", "searchCriteriaFields", emu_act_search_criteria_fields, NULL},
    {"create", "address", emu_act_create_address, NULL},
    {"modify", "address", emu_act_modify_address, NULL},
    {"create", "agentslog", emu_act_create_agentslog, NULL},
    {"read", "agentslog", emu_act_read_agentslog, NULL},
    {"create", "estate", emu_act_create_estate, NULL},
    {"read", "estate", emu_act_read_estate, NULL},
    {"create", "relation", emu_act_create_relation, NULL},
    {"get", "idsfromrelation", emu_act_idsfromrelation, NULL},
    {"create", "searchcriteria", emu_act_create_searchcriteria, NULL},
    {"get", "searchcriterias", emu_act_searchcriterias, NULL},
    {"do", "unlockProvider", emu_act_unlock_provider, NULL},
};

/* Resource types onOffice documents that the emulator does not answer (yet): error 199. */
static const char *const known_resourcetypes[] = {
    "address",
    "estate",
    "agentslog",
    "relation",
    "idsfromrelation",
    "searchcriteria",
    "searchcriterias",
    "searchCriteriaFields",
    "fields",
    "search",
    "actionkindtypes",
    "multiselectconfiguration",
    "addressCompletionFields",
    "confignewaddressfields",
    "unlockProvider",
    "marketplaceCancelAbo",
    "estateCategories",
    "calendar",
};

static const char *const verbs[] = {"read", "create", "modify", "delete", "get", "do"};

/* ---- one action ---- */

static const char *verb_of(const char *actionid)
{
	if (strncmp(actionid, URN_PREFIX, strlen(URN_PREFIX)) != 0)
		return NULL;
	const char *v = actionid + strlen(URN_PREFIX);
	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(v, verbs[i]) == 0)
			return verbs[i];
	}
	return NULL;
}

static bool resourcetype_known(const char *rt)
{
	for (size_t i = 0; i < sizeof(known_resourcetypes) / sizeof(known_resourcetypes[0]); i++) {
		if (strcmp(rt, known_resourcetypes[i]) == 0)
			return true;
	}
	return false;
}

/* The resourceid as text, or false when it is neither a string, an integer nor null. */
static bool resourceid_text(json_t *v, char *out, size_t cap)
{
	if (json_is_null(v))
		snprintf(out, cap, "%s", "");
	else if (json_is_string(v))
		snprintf(out, cap, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(out, cap, "%lld", (long long)json_integer_value(v));
	else
		return false;
	emu_text_make_valid_utf8(out);
	return true;
}

/*
 * Checks the action's token, timestamp and HMAC v2 (onoffice-protocol §2.1):
 * base64(HMAC-SHA256(secret, timestamp . token . resourcetype . actionid)).
 */
static int authenticate(json_t *act, struct emu_state *state, const struct emu_customer *cust,
                        const char *token, const char *rt, const char *actionid, int64_t now_ms,
                        struct emu_answer *ans)
{
	if (!cust)
		return emu_fail(ans, OO_NOT_AUTHENTICATED, "Not authenticated");
	json_t *jts = json_object_get(act, "timestamp");
	int64_t ts;
	if (!emu_json_int(jts, &ts))
		return emu_fail(ans, OO_TIMESTAMP,
		                "Your timestamp is too old or your server time is wrong.");
	emu_state_note_timestamp(state, ts);
	int64_t now_s = now_ms / 1000;
	if (ts < now_s - TIMESTAMP_SKEW || ts > now_s + TIMESTAMP_SKEW)
		return emu_fail(ans, OO_TIMESTAMP,
		                "Your timestamp is too old or your server time is wrong.");
	json_t *ver = json_object_get(act, "hmac_version");
	bool v2 = (json_is_integer(ver) && json_integer_value(ver) == 2) ||
	          (json_is_string(ver) && strcmp(json_string_value(ver), "2") == 0);
	json_t *hmac = json_object_get(act, "hmac");
	if (!v2 || !json_is_string(hmac))
		return emu_fail(ans, OO_HMAC, "The HMAC is invalid.");

	struct buf msg = BUF_INIT(4096);
	char tstext[32];
	if (json_is_string(jts))
		snprintf(tstext, sizeof(tstext), "%s", json_string_value(jts));
	else
		snprintf(tstext, sizeof(tstext), "%lld", (long long)ts);
	unsigned char mac[CRYPTO_SHA256_LEN];
	char expect[CRYPTO_BASE64_LEN(CRYPTO_SHA256_LEN) + 1];
	bool ok = !buf_adds(&msg, tstext) && !buf_adds(&msg, token) && !buf_adds(&msg, rt) &&
	          !buf_adds(&msg, actionid) &&
	          !crypto_hmac_sha256(cust->secret, strlen(cust->secret), msg.data, msg.len, mac) &&
	          !crypto_base64_encode(mac, sizeof(mac), expect, sizeof(expect), NULL) &&
	          crypto_streq(expect, json_string_value(hmac));
	buf_release(&msg);
	crypto_cleanse(mac, sizeof(mac));
	return ok ? 0 : emu_fail(ans, OO_HMAC, "The HMAC is invalid.");
}

/*
 * The per-customer switch "claim required" (emu/README.md, "Marketplace"): every action
 * except do/unlockProvider must carry the customer's current service claim as
 * parameters.extendedclaim. Missing or empty → 193, a service claim this customer was
 * issued before the current one → 201, anything else → 248.
 */
static int check_claim(struct emu_action *a, struct emu_answer *ans)
{
	if (!strcmp(a->verb, "do") && !strcmp(a->resourcetype, "unlockProvider"))
		return 0;
	json_t *cfg = emu_action_config(a);
	if (!cfg)
		return emu_fail(ans, 1, "out of memory");
	if (!json_is_true(json_object_get(cfg, "claim_required")))
		return 0;
	json_t *claim = json_object_get(a->params, "extendedclaim");
	if (!json_is_string(claim) || !json_string_length(claim))
		return emu_fail(
		    ans, OO_CLAIM_REQUIRED,
		    "Parameter extendedclaim is required, but missing, empty or invalid");
	enum emu_claim_state st;
	struct err e = ERR_INIT;
	if (emu_claim_check(a->emu->db, a->cust->id, json_string_value(claim), &st, &e))
		return emu_fail(ans, 1, "Unknown error occurred (%.200s)", e.message);
	if (st == EMU_CLAIM_OUTDATED)
		return emu_fail(ans, OO_CLAIM_OUTDATED, "Parameter \"extendedclaim\" is outdated");
	if (st == EMU_CLAIM_NO_MATCH)
		return emu_fail(ans, OO_CLAIM_NO_MATCH, "No matching extendedclaim");
	return 0;
}

static int dispatch(struct emu_action *a, struct emu_answer *ans)
{
	bool type_seen = false;
	for (size_t i = 0; i < sizeof(handlers) / sizeof(handlers[0]); i++) {
		if (strcmp(handlers[i].resourcetype, a->resourcetype) != 0)
			continue;
		type_seen = true;
		if (strcmp(handlers[i].verb, a->verb) != 0)
			continue;
		const char *need = handlers[i].resourceid;
		if (need && strcmp(need, a->resourceid) != 0) {
			if (!strcmp(a->resourceid, "estate") ||
			    !strcmp(a->resourceid, "searchcriteria"))
				return emu_fail(ans, OO_NOT_IMPLEMENTED, "Not implemented");
			return emu_fail(ans, OO_NO_RESOURCEID,
			                "Missing configuration for resourceId \"%.60s\"",
			                a->resourceid);
		}
		return handlers[i].fn(a, ans);
	}
	if (type_seen || resourcetype_known(a->resourcetype))
		return emu_fail(ans, OO_NOT_IMPLEMENTED, "Not implemented");
	return emu_fail(ans, OO_NO_RESOURCETYPE, "Missing configuration for resourceType \"%.60s\"",
	                a->resourcetype);
}

struct request_ctx {
	struct emu *emu;
	const struct emu_customer *cust; /* NULL: unknown token */
	const char *token;
	int64_t now_ms;
};

/* Checks the action's structure; fills the texts the result echoes. */
static int check_structure(json_t *act, const char **actionid, char *rid, size_t ridcap,
                           const char **rt, json_t **params, struct emu_answer *ans)
{
	if (!json_is_object(act))
		return emu_fail(ans, OO_ACTIONID, "Missing or invalid attribute: actionid");
	json_t *jaid = json_object_get(act, "actionid");
	json_t *jrt = json_object_get(act, "resourcetype");
	json_t *jrid = json_object_get(act, "resourceid");
	json_t *jp = json_object_get(act, "parameters");
	*actionid = json_is_string(jaid) ? json_string_value(jaid) : "";
	*rt = json_is_string(jrt) ? json_string_value(jrt) : "";
	if (!json_is_string(jaid))
		return emu_fail(ans, OO_ACTIONID, "Missing or invalid attribute: actionid");
	if (!**actionid)
		return emu_fail(ans, OO_ACTIONID_EMPTY, "Empty attribute: actionid");
	if (!jrid || !resourceid_text(jrid, rid, ridcap))
		return emu_fail(ans, OO_RESOURCEID, "Missing or invalid attribute: resourceid");
	if (!json_is_string(jrt))
		return emu_fail(ans, OO_RESOURCETYPE, "Missing or invalid attribute: resourcetype");
	if (json_is_object(jp)) {
		*params = json_incref(jp);
	} else if (json_is_array(jp) && json_array_size(jp) == 0) {
		*params = json_object(); /* PHP encodes an empty array as [] */
	} else {
		return emu_fail(ans, OO_PARAMETERS, "Missing or invalid element: parameters");
	}
	return *params ? 0 : emu_fail(ans, 1, "out of memory");
}

static json_t *identifier_echo(json_t *act)
{
	json_t *id = json_object_get(act, "identifier");
	if (json_is_string(id))
		return json_incref(id);
	if (json_is_integer(id)) {
		char s[32];
		snprintf(s, sizeof(s), "%lld", (long long)json_integer_value(id));
		return json_string(s);
	}
	return json_string("");
}

/* Answers one action: the result object of response.results, and its error code. */
static json_t *process_action(struct request_ctx *rc, json_t *act, int *errorcode)
{
	struct emu_answer ans = {0};
	const char *actionid = "", *rt = "";
	char rid[256] = "";
	json_t *params = NULL;
	struct emu_action a = {0};

	if (!check_structure(act, &actionid, rid, sizeof(rid), &rt, &params, &ans) &&
	    !authenticate(act, rc->emu->state, rc->cust, rc->token, rt, actionid, rc->now_ms,
	                  &ans)) {
		a = (struct emu_action){rc->emu, rc->cust, NULL,   verb_of(actionid),
		                        rt,      rid,      params, rc->now_ms};
		if (!a.verb)
			emu_fail(&ans, OO_NO_ACTIONID,
			         "Missing configuration for actionId \"%.80s\"", actionid);
		else if (!check_claim(&a, &ans))
			dispatch(&a, &ans);
	}
	const char *verb = verb_of(actionid);
	char key[96];
	snprintf(key, sizeof(key), "%s/%.60s", verb ? verb : "unknown", rt);
	emu_state_count_action(rc->emu->state, key);
	LOG(LOG_DEBUG, "emu.action", LS("action", key), LI("errorcode", ans.errorcode));

	bool cacheable = verb && (!strcmp(verb, "read") || !strcmp(verb, "get")) &&
	                 strcmp(rt, "searchCriteriaFields") != 0;
	json_t *data;
	if (ans.errorcode) {
		json_decref(ans.records);
		data = json_array(); /* "data": [] on errors (onoffice-protocol §3) */
	} else {
		data = json_pack("{s:{s:o}, s:o}", "meta", "cntabsolute",
		                 ans.has_cnt ? json_integer((json_int_t)ans.cnt) : json_null(),
		                 "records", ans.records ? ans.records : json_array());
	}
	json_t *res =
	    json_pack("{s:s, s:s, s:s, s:b, s:o, s:o, s:{s:i, s:s}}", "actionid", actionid,
	              "resourceid", rid, "resourcetype", rt, "cacheable", cacheable, "identifier",
	              identifier_echo(json_is_object(act) ? act : NULL), "data", data, "status",
	              "errorcode", ans.errorcode, "message", ans.errorcode ? ans.message : "OK");
	json_decref(params);
	json_decref(a.cfg);
	*errorcode = ans.errorcode;
	return res;
}

/* ---- the envelope ---- */

static json_t *top_error(int code, int errorcode, const char *message)
{
	return json_pack("{s:{s:i, s:i, s:s}, s:[]}", "status", "code", code, "errorcode",
	                 errorcode, "message", message, "response");
}

static bool auth_error(int code)
{
	return code == OO_NOT_AUTHENTICATED || code == OO_TIMESTAMP || code == OO_HMAC;
}

/*
 * The customer's rate_limit_per_s (emu/README.md "Customer configuration"), read from its
 * stored overrides only: the default is 0 (off), so a customer without the key costs a
 * strstr and no parse.
 */
static int64_t rate_limit_of(const struct emu_customer *cust)
{
	if (!cust->config || !strstr(cust->config, "\"rate_limit_per_s\""))
		return 0;
	json_t *ov = json_loads(cust->config, 0, NULL);
	json_int_t v = json_integer_value(json_object_get(ov, "rate_limit_per_s"));
	json_decref(ov);
	return v > 0 ? (int64_t)v : 0;
}

/* Our decision (emu/README.md): beyond a customer's rate limit, HTTP 429 with this body and
 * Retry-After: 1; no action is processed. */
static json_t *too_many_requests(void)
{
	return json_pack("{s:{s:i, s:i, s:s}}", "status", "code", 429, "errorcode", 0, "message",
	                 "Too Many Requests");
}

/* Answers one API request body; *http_status is 200, or 429 when the customer's rate
 * limit refused it. */
static json_t *process(struct emu *emu, const char *body, size_t len, int *http_status)
{
	*http_status = 200;
	if (len == 0)
		return top_error(400, OO_EMPTY_REQUEST, "Empty request");
	json_error_t jerr;
	json_t *doc = json_loadb(body, len, 0, &jerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return top_error(400, OO_INVALID_JSON, "Invalid or malformed JSON");
	}
	json_t *out = NULL;
	json_t *token = json_object_get(doc, "token");
	json_t *request = json_object_get(doc, "request");
	json_t *actions = json_object_get(request, "actions");
	if (!json_is_string(token) || !*json_string_value(token)) {
		out = top_error(400, OO_TOKEN, "Missing or invalid element: token");
		goto out;
	}
	if (!json_is_object(request)) {
		out = top_error(400, OO_REQUEST, "Missing or invalid element: request");
		goto out;
	}
	if (!json_is_array(actions) || json_array_size(actions) == 0) {
		out = top_error(400, OO_ACTIONS, "Missing or invalid element: actions");
		goto out;
	}
	struct emu_customer cust;
	struct err e = ERR_INIT;
	int lrc = emu_customer_by_token(emu->db, json_string_value(token), &cust, &e);
	if (lrc && lrc != ERR_NOT_FOUND) {
		out = top_error(500, 1, "Unknown error occurred");
		goto out;
	}
	struct request_ctx rc = {emu, lrc ? NULL : &cust, json_string_value(token),
	                         emu_state_now_ms(emu->state)};
	/* The token names the customer: its rate limit applies before any action is answered
	 * (a fixed window per second of the emulator's clock). */
	if (!lrc &&
	    !emu_state_rate_allow(emu->state, cust.id, rc.now_ms / 1000, rate_limit_of(&cust))) {
		LOG(LOG_INFO, "emu.rate_limited", LS("customer", cust.web_id));
		emu_customer_release(&cust);
		*http_status = 429;
		out = too_many_requests();
		goto out;
	}
	json_t *results = json_array();
	bool processing_error = false;
	size_t i;
	json_t *act;
	json_array_foreach(actions, i, act)
	{
		int code = 0;
		json_array_append_new(results, process_action(&rc, act, &code));
		processing_error = processing_error || (code && !auth_error(code));
	}
	if (!lrc)
		emu_customer_release(&cust);
	/* Our decision (emu/README.md): 97 when an action failed in processing; failures of
	 * authentication (22, 136, 137) leave the top level at 0, as in the LAR stub
	 * (onoffice-protocol §3). */
	out =
	    json_pack("{s:{s:i, s:i, s:s}, s:{s:o}}", "status", "code", 200, "errorcode",
	              processing_error ? OO_ERROR_IN_ACTION : 0, "message",
	              processing_error ? "Error in action" : "OK", "response", "results", results);
out:
	json_decref(doc);
	return out;
}

static void sleep_ms(int64_t ms)
{
	struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void handle(struct emu *emu, struct http_req *req, struct http_resp *resp)
{
	struct emu_fault_plan plan = emu_state_draw_fault(emu->state);
	int status = 200;
	if (plan.latency_ms > 0)
		sleep_ms(plan.latency_ms);
	json_t *doc = NULL;
	if (plan.kind == EMU_FAULT_NONE || plan.after)
		doc = process(emu, req->body.data ? req->body.data : "", req->body.len, &status);
	if (plan.kind != EMU_FAULT_NONE) {
		json_decref(doc);
		doc = NULL;
		LOG(LOG_INFO, "emu.fault",
		    LS("kind", plan.kind == EMU_FAULT_DROP ? "drop" : "error"),
		    LS("mode", plan.after ? "after" : "before"));
	}
	if (plan.kind == EMU_FAULT_DROP) {
		resp->drop = true;
		emu_state_count_http(emu->state, req->body.len, 0, false);
		return;
	}
	if (plan.kind == EMU_FAULT_ERROR) {
		doc = top_error(500, 1, "Unknown error occurred (fault injected by onoffice-emu)");
		status = plan.error_http ? 500 : 200;
	} else if (status == 429) {
		http_set_header(resp, "Retry-After", "1");
	}
	http_reply_json(resp, status, doc);
	http_gzip_if_accepted(req, resp);
	bool gzip = false;
	for (size_t i = 0; i < resp->nheaders; i++)
		gzip = gzip || strcasecmp(resp->headers[i].name, "Content-Encoding") == 0;
	emu_state_count_http(emu->state, req->body.len, resp->body.len, gzip);
}

void emu_api_handler(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct emu *emu = ctx;
	/* From arrival to a ready answer (injected latency included) the request counts as
	 * concurrent (GET /_emu/counters: concurrent, peak_concurrent). */
	emu_state_api_enter(emu->state);
	handle(emu, req, resp);
	emu_state_api_leave(emu->state);
}
