/*
 * action.h - one onOffice action as the emulator answers it: the onOffice error
 * codes, the action and its answer, and the helpers every handler (act_*.c)
 * uses. The dispatcher (api.c) builds a struct emu_action per action of a
 * request and calls the handler actions.h names for it; handlers never call
 * back into the dispatcher, so the files of emu/ form no include or call cycle
 * (tests/system/test_emu_layering.py keeps it so).
 */
#ifndef IMMO_EMU_ACTION_H
#define IMMO_EMU_ACTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "customer.h"
#include "emu.h"
#include "store/db.h"

/* onOffice error codes the emulator answers with (onoffice-protocol §3.1). */
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
	OO_INVALID_MULTISELECT = 76,
	OO_INVALID_SINGLESELECT = 77,
	OO_MISSING_RECORD_ID = 79,
	OO_UNKNOWN_RECORD = 80,
	OO_PHONE_MISSING_TYPE = 81,
	OO_PHONE_INVALID_TYPE = 82,
	OO_PHONE_UNKNOWN_RECORD = 83,
	OO_PHONE_INVALID_RECORD = 84,
	OO_PHONE_MISSING_VALUE = 85,
	OO_PHONE_MISSING_IDENTIFIER = 86,
	OO_PHONE_AMBIGUOUS = 87,
	OO_ERROR_IN_ACTION = 97,
	OO_MISSING_RELATION = 98,
	OO_ADDRESSIDS_NOT_ARRAY = 99,
	OO_UNKNOWN_ACTIONKIND = 100,
	OO_UNKNOWN_ACTIONTYPE = 101,
	OO_UNKNOWN_RELATIONTYPE = 132,
	OO_TIMESTAMP = 136,
	OO_HMAC = 137,
	OO_UNKNOWN_FIELD = 141,
	OO_UNKNOWN_OPERATOR = 142,
	OO_UNKNOWN_ESTATE_FIELD = 143,
	OO_SEARCH_TOO_SHORT = 151,
	OO_RELATION_FAILED = 173,
	OO_CACHE_MISSING = 177,
	OO_CACHE_INCOMPLETE = 178,
	OO_RELATIONINFO = 179,
	OO_BAD_RECORD_IDS = 185,
	OO_CLAIM_REQUIRED = 193,
	OO_NOT_IMPLEMENTED = 199,
	OO_CLAIM_OUTDATED = 201,
	OO_SC_MODE = 204,
	OO_UNKNOWN_SORT = 212,
	OO_NN_RELATION = 219,
	OO_UNKNOWN_ORIGIN = 220,
	OO_UNKNOWN_FEATURE = 221,
	OO_EXPECTED_STRING = 227,
	OO_EXPECTED_INTEGER = 228,
	OO_EXPECTED_FLOAT = 229,
	OO_MULTISELECT_OP = 232,
	OO_CLAIM_NO_MATCH = 248,
	OO_UNKNOWN_SELECT_VALUE = 252,
	OO_MANDATORY = 254,
	OO_BAD_PARAMETER = 255,
	OO_BAD_FILTER = 257,
	OO_DEFAULT_ENTRY = 258,
	OO_DEFAULT_MODIFY = 259,
	OO_DEFAULT_PHONE = 260,
	OO_UNKNOWN_FILTERID = 284,
	OO_PHONE_INVALID_VALUE = 300,
	OO_TOO_MANY_IDS = 302,
};

/* The message of "Unknown record" (80), as onOffice words it. */
#define OO_UNKNOWN_RECORD_MSG                                                        \
	"Unknown record. Record may not exist or the permission rights are not set " \
	"accordingly for this action."

/* What a write transaction body returns when it refused the action (after emu_fail): it
 * rolls the transaction back. */
#define EMU_TX_REFUSED ERR_CONFLICT

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

/* A record id: a positive integer or a string of digits, as *out; false otherwise. */
bool emu_json_id(json_t *v, int64_t *out);

/* The action's resourceid (text, as struct emu_action holds it) as a positive record id;
 * false when it is empty or not all digits. */
bool emu_resourceid(const char *rid, int64_t *out);

/* The action's time as onOffice's Berlin local "Y-m-d H:i:s" (out holds TIME_ONOFFICE_MAX). */
void emu_action_now_text(const struct emu_action *a, char *out, size_t cap);

/*
 * Runs fn(c, arg, e) in one write transaction for a handler. fn refuses the action by
 * calling emu_fail(ans, …) and returning EMU_TX_REFUSED, which rolls back; ans is reset
 * before every attempt (db_tx may run fn again when the database is busy). Returns 0, the
 * refusal's code, or 1 (with ans set) when the database failed.
 */
int emu_write_tx(struct emu_action *a, struct emu_answer *ans, db_tx_fn fn, void *arg);

/*
 * The configured mandatory fields of module ("address", "estate"; configuration key
 * mandatory_fields): each must have a non-empty value in obj (not null, "" or []). When
 * creating, a missing one fails too; otherwise only one given empty. 254 naming the field.
 */
int emu_check_mandatory(struct emu_action *a, const char *module, json_t *obj, bool creating,
                        struct emu_answer *ans);

/* Like emu_write_tx for a read-only transaction. */
int emu_read_tx(struct emu_action *a, struct emu_answer *ans, db_tx_fn fn, void *arg);

/* A new record {"id": id, "type": type, "elements": elements}; id and elements are stolen
 * (also on failure, and either may be NULL, which fails). NULL when out of memory. */
json_t *emu_record(json_t *id, const char *type, json_t *elements);

#endif
