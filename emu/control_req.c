/* What every control endpoint does with its request first (control_req.h). */
#include "control_req.h"

bool emu_control_allowed(struct http_req *req, struct http_resp *resp)
{
	if (http_client_is_loopback(req))
		return true;
	http_reply_err(resp, ERR_FORBIDDEN, NULL,
	               "the control endpoints answer loopback clients only");
	return false;
}

json_t *emu_control_body(struct http_req *req, struct http_resp *resp)
{
	json_error_t jerr;
	json_t *doc = json_loadb(req->body.data ? req->body.data : "", req->body.len,
	                         JSON_REJECT_DUPLICATES, &jerr);
	if (!json_is_object(doc)) {
		json_decref(doc);
		http_reply_err(resp, ERR_INVALID_JSON, NULL, "the body must be a JSON object");
		return NULL;
	}
	return doc;
}
