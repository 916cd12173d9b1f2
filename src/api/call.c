/* What every API handler uses: answers, errors, the body, ids, contact fields (api.h). */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "core/log.h"
#include "core/metrics.h"
#include "domain/conversion.h"
#include "store/contact.h"

void api_reply(struct api_call *call, int status, json_t *doc)
{
	http_reply_json(call->resp, status, doc);
}

void api_fail(struct api_call *call, const struct err *e)
{
	if (e->code == ERR_DB_CONSTRAINT) {
		/* A race with a concurrent change (a company deleted mid-request, say): the
		 * engine's text is for the log, not for the client. */
		LOG(LOG_WARN, "api.constraint", LS("message", e->message));
		struct err generic = ERR_INIT;
		err_set(&generic, ERR_CONFLICT, NULL,
		        "the change conflicts with data stored meanwhile");
		e = &generic;
		http_reply_error(call->resp, e);
		metric_inc(metrics_counter(metrics_default(), "immosync_api_errors_total",
		                           "API requests answered with an error",
		                           "code=\"conflict\""));
		return;
	}
	char labels[80];
	snprintf(labels, sizeof(labels), "code=\"%s\"", err_slug(e->code));
	metric_inc(metrics_counter(metrics_default(), "immosync_api_errors_total",
	                           "API requests answered with an error", labels));
	if (err_http_status(e) >= 500)
		LOG(LOG_ERROR, "api.error", LS("code", err_name(e->code)),
		    LS("message", e->message));
	http_reply_error(call->resp, e);
	if (e->code == ERR_UNAUTHORIZED)
		http_set_header(call->resp, "WWW-Authenticate", "Bearer");
}

json_t *api_body_object(struct api_call *call)
{
	json_error_t je;
	struct err e = ERR_INIT;
	const struct buf *b = &call->req->body;
	json_t *doc = json_loadb(buf_str(b), b->len, JSON_REJECT_DUPLICATES, &je);
	if (!doc) {
		err_set(&e, ERR_INVALID_JSON, NULL, "the body is not valid JSON: %s (at byte %d)",
		        je.text, je.position);
		api_fail(call, &e);
		return NULL;
	}
	if (!json_is_object(doc)) {
		json_decref(doc);
		err_set(&e, ERR_INVALID_JSON, NULL, "the body must be a JSON object");
		api_fail(call, &e);
		return NULL;
	}
	return doc;
}

struct contact_fields api_contact_fields(const struct conv_lead *l, int consent)
{
	return (struct contact_fields){
	    .email = l->email,
	    .salutation = l->salutation,
	    .first_name = l->first_name,
	    .last_name = l->last_name,
	    .phone_raw = l->phone,
	    .phone_e164 = l->phone_e164[0] ? l->phone_e164 : NULL,
	    .street = l->street,
	    .zip = l->zip,
	    .city = l->city,
	    .country = l->country[0] ? l->country : NULL,
	    .status = l->status,
	    .gdpr_consent = consent,
	};
}

bool api_capture_id(struct api_call *call, int64_t *id)
{
	if (http_capture_id(call->req, "id", id))
		return true;
	struct err e = ERR_INIT;
	err_set(&e, ERR_NOT_FOUND, "id", "no such id");
	api_fail(call, &e);
	return false;
}
