/*
 * api.h - the emulated API endpoint: envelope, authentication, dispatch, and
 * the interface every action handler (act_*.c) implements.
 *
 * POST /api/stable/api.php and /api/latest/api.php take the request envelope of
 * onoffice-api.md §2 and answer with the response envelope of §3, quirks
 * included. Each action is checked on its own (structure, token, timestamp,
 * HMAC v2) and answered in order; emu/README.md lists every error code used.
 */
#ifndef IMMO_EMU_API_H
#define IMMO_EMU_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "customer.h"
#include "emu.h"
#include "web/http.h"

/* onOffice error codes the emulator answers with (onoffice-api.md §3.1). */
enum {
	OO_INVALID_JSON = 4,
	OO_EMPTY_REQUEST = 9,
	OO_TOKEN = 13,
	OO_REQUEST = 14,
	OO_ACTIONS = 15,
	OO_ACTIONID = 16,
	OO_ACTIONID_EMPTY = 17,
	OO_RESOURCEID = 18,
	OO_RESOURCETYPE = 19,
	OO_PARAMETERS = 20,
	OO_NOT_AUTHENTICATED = 22,
	OO_NO_ACTIONID = 23,
	OO_NO_RESOURCEID = 24,
	OO_NO_RESOURCETYPE = 25,
	OO_NOT_ARRAY = 74,
	OO_ERROR_IN_ACTION = 97,
	OO_TIMESTAMP = 136,
	OO_HMAC = 137,
	OO_UNKNOWN_FIELD = 141,
	OO_UNKNOWN_OPERATOR = 142,
	OO_SEARCH_TOO_SHORT = 151,
	OO_BAD_RECORD_IDS = 185,
	OO_NOT_IMPLEMENTED = 199,
	OO_UNKNOWN_SORT = 212,
	OO_MULTISELECT_OP = 232,
	OO_BAD_PARAMETER = 255,
	OO_BAD_FILTER = 257,
	OO_UNKNOWN_FILTERID = 284,
	OO_TOO_MANY_IDS = 302,
};

/* One action being answered. */
struct emu_action {
	struct emu *emu;
	const struct emu_customer *cust;
	json_t *cfg;              /* the customer's effective configuration; emu_action_config */
	const char *verb;         /* "read", "get", … */
	const char *resourcetype; /* as sent */
	const char *resourceid;   /* as text: "" when empty, digits for a number */
	json_t *params;           /* always an object (an empty one for [] or {}) */
	int64_t now_ms;           /* the emulator's clock */
};

/* What a handler answers: records and cntabsolute, or an error. */
struct emu_answer {
	int errorcode; /* 0 = OK */
	char message[256];
	json_t *records; /* array of {id, type, elements}; owned; NULL = [] */
	bool has_cnt;    /* false: cntabsolute is null */
	int64_t cnt;
};

typedef int (*emu_action_fn)(struct emu_action *a, struct emu_answer *ans);

/* Sets ans to error code with a printf-style message and returns code. */
int emu_fail(struct emu_answer *ans, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The effective configuration of the action's customer (built once per action); NULL when
 * out of memory. The action owns it. */
json_t *emu_action_config(struct emu_action *a);

/* An integer or a string of digits (with an optional '-') as *out; false otherwise. */
bool emu_json_int(json_t *v, int64_t *out);

/*
 * An integer parameter: absent or null gives def; an integer or a string of digits (with
 * an optional '-') gives its value. false for anything else.
 */
bool emu_param_int(json_t *params, const char *name, int64_t def, int64_t *out);
/* A flag parameter: true, 1, "1", "true" (any case) are true; everything else false. */
bool emu_param_bool(json_t *params, const char *name);

/* A new record {"id": id, "type": type, "elements": elements}; id and elements are stolen
 * (also on failure, and either may be NULL, which fails). NULL when out of memory. */
json_t *emu_record(json_t *id, const char *type, json_t *elements);

int emu_act_read_address(struct emu_action *a, struct emu_answer *ans);
int emu_act_search(struct emu_action *a, struct emu_answer *ans);
int emu_act_fields(struct emu_action *a, struct emu_answer *ans);
int emu_act_actionkindtypes(struct emu_action *a, struct emu_answer *ans);
int emu_act_search_criteria_fields(struct emu_action *a, struct emu_answer *ans);

/* The route handler for both API URLs (ctx is the struct emu). */
void emu_api_handler(struct http_req *req, struct http_resp *resp, void *ctx);

#endif
