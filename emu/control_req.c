/* What every control endpoint does with its request first (control_req.h). */
#include "control_req.h"

#include <string.h>
#include <strings.h>

/* A Host header naming this machine's loopback: localhost, 127.x.y.z or [::1], any port. A
 * page elsewhere that a developer's browser runs can reach 127.0.0.1 through DNS
 * rebinding only under its own host name, which this refuses. */
static bool loopback_host(const char *host)
{
	if (!host)
		return false;
	size_t n = strcspn(host, ":");
	if (host[0] == '[')
		return strncmp(host, "[::1]", 5) == 0 && (host[5] == '\0' || host[5] == ':');
	if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
		return true;
	if (strncmp(host, "127.", 4) != 0)
		return false;
	for (size_t i = 4; i < n; i++)
		if (!(host[i] == '.' || (host[i] >= '0' && host[i] <= '9')))
			return false;
	return true;
}

/* No Origin (a test, curl), or the emulator's own: http(s)://<the Host header>. */
static bool own_origin(const char *origin, const char *host)
{
	if (!origin)
		return true;
	const char *rest = strncmp(origin, "http://", 7) == 0    ? origin + 7
	                   : strncmp(origin, "https://", 8) == 0 ? origin + 8
	                                                         : NULL;
	return rest && host && strcasecmp(rest, host) == 0;
}

bool emu_control_allowed(struct http_req *req, struct http_resp *resp)
{
	const char *host = http_header(req, "Host");
	if (!http_client_is_loopback(req)) {
		http_reply_err(resp, ERR_FORBIDDEN, NULL,
		               "the control endpoints answer loopback clients only");
		return false;
	}
	if (!loopback_host(host) || !own_origin(http_header(req, "Origin"), host)) {
		/* A page in a developer's browser must not plant addresses or faults (issue #16).
		 */
		http_reply_err(resp, ERR_FORBIDDEN, NULL,
		               "the control endpoints refuse other origins and non-loopback hosts");
		return false;
	}
	return true;
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
