#include "onoffice/response.h"

#include <stdio.h>
#include <string.h>

#include "onoffice/values.h"

/* onOffice errorcode → class. Codes not listed are ERR_OO_FINAL. */
static const struct {
	int lo, hi;
	int code;
} errorcode_table[] = {
    {13, 13, ERR_OO_AUTH},    /* missing or invalid token */
    {22, 22, ERR_OO_AUTH},    /* not authenticated */
    {28, 49, ERR_OO_AUTH},    /* credential errors (49: secret is wrong) */
    {136, 136, ERR_OO_CLOCK}, /* timestamp too old or server time wrong */
    {137, 137, ERR_OO_AUTH},  /* the HMAC is invalid */
    {193, 193, ERR_OO_CLAIM}, /* extendedclaim required but missing/empty/invalid */
    {201, 201, ERR_OO_CLAIM}, /* extendedclaim outdated */
    {248, 248, ERR_OO_CLAIM}, /* no matching extendedclaim */
};

int oo_errorcode_class(int errorcode)
{
	if (errorcode == 0)
		return ERR_OK;
	for (size_t i = 0; i < sizeof(errorcode_table) / sizeof(errorcode_table[0]); i++)
		if (errorcode >= errorcode_table[i].lo && errorcode <= errorcode_table[i].hi)
			return errorcode_table[i].code;
	return ERR_OO_FINAL;
}

int oo_unanswered_class(const struct oo_batch *b)
{
	return oo_batch_writes(b) ? ERR_OO_UNCERTAIN : ERR_OO_RETRYABLE;
}

const char *oo_class_label(int code)
{
	switch (code) {
	case ERR_OK:
		return "ok";
	case ERR_OO_NOT_SENT:
		return "not_sent";
	case ERR_OO_UNCERTAIN:
		return "uncertain";
	case ERR_OO_RETRYABLE:
		return "retryable";
	case ERR_OO_FINAL:
		return "final";
	case ERR_OO_AUTH:
		return "auth";
	case ERR_OO_CLAIM:
		return "claim";
	case ERR_OO_CLOCK:
		return "clock";
	default:
		return "error";
	}
}

static void set_result(struct oo_result *r, int code, int remote_code, const char *message)
{
	*r = (struct oo_result){.code = code, .remote_code = remote_code, .cntabsolute = -1};
	snprintf(r->message, sizeof(r->message), "%s", message ? message : "");
}

int oo_batch_fail(struct oo_batch *b, int code, int remote_code, const char *message)
{
	json_decref(b->response);
	b->response = NULL;
	for (size_t i = 0; i < b->n; i++)
		set_result(&b->items[i].result, code, remote_code, message);
	return code;
}

/* Higher is more serious: it decides what the caller does with the whole batch. */
static int severity(int code)
{
	static const int order[] = {ERR_OO_FINAL,     ERR_OO_RETRYABLE, ERR_OO_NOT_SENT,
	                            ERR_OO_UNCERTAIN, ERR_OO_CLOCK,     ERR_OO_CLAIM,
	                            ERR_OO_AUTH};
	if (code == ERR_OK)
		return 0;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == code)
			return (int)i + 2;
	return 1; /* a non-onOffice code (ERR_NOMEM, …): below every class */
}

int oo_batch_outcome(const struct oo_batch *b, struct err *e)
{
	size_t worst = 0;
	int worst_severity = 0;
	for (size_t i = 0; i < b->n; i++) {
		int s = severity(b->items[i].result.code);
		if (s > worst_severity) {
			worst_severity = s;
			worst = i;
		}
	}
	if (worst_severity == 0)
		return ERR_OK;
	const struct oo_batch_item *it = &b->items[worst];
	const struct oo_result *r = &it->result;
	err_set(e, r->code, NULL, "%s %s (action %zu of %zu): %s", oo_action_name(it->action),
	        it->resourcetype, worst + 1, b->n,
	        r->message[0] ? r->message : err_default_message(r->code));
	if (e)
		e->remote_code = r->remote_code;
	return r->code;
}

/* The class of a request-level status, or 0 when the results decide. */
static int top_level_class(const struct oo_batch *b, int64_t code, int64_t errorcode)
{
	bool specific = errorcode != 0 && errorcode != 97;
	int by_table = specific ? oo_errorcode_class((int)errorcode) : ERR_OO_FINAL;
	if (code >= 500)
		return oo_unanswered_class(b);
	if (code == 400)
		return by_table == ERR_OO_CLAIM || by_table == ERR_OO_CLOCK ? by_table
		                                                            : ERR_OO_AUTH;
	if (code >= 300 || specific)
		return by_table;
	return 0;
}

static void parse_data(struct oo_result *r, json_t *data)
{
	if (!json_is_object(data))
		return; /* `data: []` on errors and on some do-actions */
	r->data = data;
	json_t *records = json_object_get(data, "records");
	r->records = json_is_array(records) ? records : NULL;
	int64_t cnt;
	json_t *meta = json_object_get(data, "meta");
	if (oo_value_int(json_object_get(meta, "cntabsolute"), &cnt) == 0 && cnt >= 0)
		r->cntabsolute = cnt;
}

static void parse_result(struct oo_batch_item *it, json_t *res)
{
	int64_t errorcode;
	json_t *status = json_object_get(res, "status");
	int unanswered = oo_action_writes(it->action) ? ERR_OO_UNCERTAIN : ERR_OO_RETRYABLE;
	if (!json_is_object(res) ||
	    oo_value_int(json_object_get(status, "errorcode"), &errorcode)) {
		set_result(&it->result, unanswered, 0, "the answer has no status for this action");
		return;
	}
	const char *msg = json_string_value(json_object_get(status, "message"));
	if (errorcode != 0) {
		set_result(&it->result, oo_errorcode_class((int)errorcode), (int)errorcode,
		           msg ? msg : "error without a message");
		return;
	}
	set_result(&it->result, ERR_OK, 0, NULL);
	parse_data(&it->result, json_object_get(res, "data"));
}

static int parse_document(struct oo_batch *b, json_t *root, struct err *e)
{
	int64_t code = 200, errorcode = 0;
	json_t *status = json_object_get(root, "status");
	if (status) {
		if (oo_value_int(json_object_get(status, "code"), &code))
			code = 200;
		if (oo_value_int(json_object_get(status, "errorcode"), &errorcode))
			errorcode = 0;
	}
	const char *msg = json_string_value(json_object_get(status, "message"));
	int cls = top_level_class(b, code, errorcode);
	if (cls) {
		char text[160];
		snprintf(text, sizeof(text), "status %lld, errorcode %lld: %s", (long long)code,
		         (long long)errorcode, msg ? msg : "no message");
		oo_batch_fail(b, cls, (int)errorcode, text);
		return oo_batch_outcome(b, e);
	}
	json_t *results = json_object_get(json_object_get(root, "response"), "results");
	if (!json_is_array(results) || json_array_size(results) != b->n) {
		char text[160];
		snprintf(text, sizeof(text), "onOffice answered %zu results for %zu actions",
		         json_array_size(results), b->n);
		oo_batch_fail(b, oo_unanswered_class(b), 0, text);
		return oo_batch_outcome(b, e);
	}
	b->response = json_incref(root);
	for (size_t i = 0; i < b->n; i++)
		parse_result(&b->items[i], json_array_get(results, i));
	return oo_batch_outcome(b, e);
}

int oo_response_parse(struct oo_batch *b, const char *body, size_t len, struct err *e)
{
	json_error_t jerr;
	oo_batch_fail(b, ERR_OK, 0, NULL);
	json_t *root = body && len ? json_loadb(body, len, 0, &jerr) : NULL;
	if (!json_is_object(root)) {
		char text[96];
		/* jerr.text may quote the body, so only its position is reported. */
		if (!body || !len)
			snprintf(text, sizeof(text), "empty answer");
		else if (root)
			snprintf(text, sizeof(text), "the answer is JSON but not an object");
		else
			snprintf(text, sizeof(text),
			         "the answer is not valid JSON (line %d, column %d)", jerr.line,
			         jerr.column);
		oo_batch_fail(b, oo_unanswered_class(b), 0, text);
		json_decref(root);
		return oo_batch_outcome(b, e);
	}
	int rc = parse_document(b, root, e);
	json_decref(root);
	return rc;
}
