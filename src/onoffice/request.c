#include "onoffice/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/crypto.h"
#include "onoffice/sign.h"

void oo_batch_init(struct oo_batch *b)
{
	*b = (struct oo_batch)OO_BATCH_INIT;
}

void oo_batch_release(struct oo_batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		json_decref(b->items[i].resourceid);
		json_decref(b->items[i].parameters);
	}
	free(b->items);
	json_decref(b->response);
	oo_batch_init(b);
}

static int check_action(struct oo_batch *b, const char *resourcetype, const json_t *resourceid,
                        const json_t *parameters, struct err *e)
{
	size_t rtlen = resourcetype ? strlen(resourcetype) : 0;
	if (rtlen == 0 || rtlen >= sizeof(b->items[0].resourcetype))
		return err_set(e, ERR_INVALID_ARG, "resourcetype", "must be 1-63 bytes");
	if (resourceid && !json_is_string(resourceid) && !json_is_integer(resourceid))
		return err_set(e, ERR_INVALID_ARG, "resourceid", "must be a string or an integer");
	if (parameters && !json_is_object(parameters))
		return err_set(e, ERR_INVALID_ARG, "parameters", "must be an object");
	if (b->n >= OO_BATCH_MAX)
		return err_set(e, ERR_INVALID_ARG, NULL, "more than %d actions in one request",
		               OO_BATCH_MAX);
	return 0;
}

static int grow(struct oo_batch *b, struct err *e)
{
	if (b->n < b->cap)
		return 0;
	size_t cap = b->cap ? b->cap * 2 : 4;
	struct oo_batch_item *items = realloc(b->items, cap * sizeof(*items));
	if (!items)
		return err_set(e, ERR_NOMEM, NULL, NULL);
	b->items = items;
	b->cap = cap;
	return 0;
}

int oo_batch_add(struct oo_batch *b, enum oo_action action, const char *resourcetype,
                 json_t *resourceid, json_t *parameters, struct err *e)
{
	int rc = check_action(b, resourcetype, resourceid, parameters, e);
	if (rc || (rc = grow(b, e)))
		goto out_drop;
	if (!resourceid)
		resourceid = json_string("");
	if (!parameters)
		parameters = json_object();
	if (!resourceid || !parameters) {
		rc = err_set(e, ERR_NOMEM, NULL, NULL);
		goto out_drop;
	}
	struct oo_batch_item *it = &b->items[b->n++];
	memset(it, 0, sizeof(*it));
	it->action = action;
	snprintf(it->resourcetype, sizeof(it->resourcetype), "%s", resourcetype);
	it->resourceid = resourceid;
	it->parameters = parameters;
	it->result.cntabsolute = -1;
	return 0;
out_drop:
	json_decref(resourceid);
	json_decref(parameters);
	return rc;
}

void oo_batch_truncate(struct oo_batch *b, size_t n)
{
	while (b->n > n) {
		b->n--;
		json_decref(b->items[b->n].resourceid);
		json_decref(b->items[b->n].parameters);
	}
}

bool oo_batch_writes(const struct oo_batch *b)
{
	for (size_t i = 0; i < b->n; i++)
		if (oo_action_writes(b->items[i].action))
			return true;
	return false;
}

static int cmp_keys(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A new object with params' first-level keys in sorted order and, when claim is
 * set, "extendedclaim" = claim. Values are shared (reference counted). */
static json_t *sorted_parameters(json_t *params, const char *claim)
{
	size_t n = json_object_size(params) + 1, used = 0;
	const char **keys = malloc(n * sizeof(*keys));
	json_t *out = json_object();
	if (!keys || !out)
		goto out_fail;
	const char *key;
	json_t *val;
	json_object_foreach(params, key, val)
	{
		if (!claim || strcmp(key, "extendedclaim") != 0)
			keys[used++] = key;
	}
	if (claim)
		keys[used++] = "extendedclaim";
	qsort(keys, used, sizeof(*keys), cmp_keys);
	for (size_t i = 0; i < used; i++) {
		bool is_claim = claim && strcmp(keys[i], "extendedclaim") == 0;
		val = is_claim ? json_string(claim) : json_incref(json_object_get(params, keys[i]));
		if (json_object_set_new(out, keys[i], val))
			goto out_fail;
	}
	free(keys);
	return out;
out_fail:
	free(keys);
	json_decref(out);
	return NULL;
}

/* *out = the action as JSON, signed over ts; a new reference. */
static int signed_action(const struct oo_batch_item *it, const struct oo_credentials *cred,
                         int64_t ts, json_t **out, struct err *e)
{
	char hmac[64];
	const char *actionid = oo_action_urn(it->action);
	int rc = oo_hmac_v2(cred->secret, ts, cred->token, it->resourcetype, actionid, hmac);
	if (rc)
		return err_set(e, rc, NULL, "cannot sign the %s %s action",
		               oo_action_name(it->action), it->resourcetype);
	json_t *params = sorted_parameters(it->parameters, it->own_claim ? NULL : cred->claim);
	/* "o?" turns a NULL params into null, which is refused below (json_pack
	 * releases the stolen reference itself when it fails). */
	*out = json_pack("{s:s, s:O, s:s, s:s, s:I, s:i, s:s, s:o?}", "actionid", actionid,
	                 "resourceid", it->resourceid, "resourcetype", it->resourcetype,
	                 "identifier", it->identifier, "timestamp", (json_int_t)ts, "hmac_version",
	                 2, "hmac", hmac, "parameters", params);
	crypto_cleanse(hmac, sizeof(hmac));
	if (*out && params)
		return 0;
	json_decref(*out);
	*out = NULL;
	return err_set(e, ERR_NOMEM, NULL,
	               "cannot build the %s %s action (out of memory or invalid UTF-8)",
	               oo_action_name(it->action), it->resourcetype);
}

static int dump_to_buf(const char *p, size_t n, void *arg)
{
	return buf_add(arg, p, n) ? -1 : 0;
}

int oo_request_build(const struct oo_batch *b, const struct oo_credentials *cred, int64_t timestamp,
                     struct buf *out, struct err *e)
{
	if (b->n == 0)
		return err_set(e, ERR_INVALID_ARG, NULL, "empty onOffice request");
	if (!cred || !cred->token || !cred->secret)
		return err_set(e, ERR_INVALID_ARG, NULL, "onOffice token and secret are required");
	int rc = ERR_NOMEM;
	json_t *actions = json_array();
	json_t *env = json_pack("{s:s, s:{s:o}}", "token", cred->token, "request", "actions",
	                        json_incref(actions));
	if (!actions || !env) {
		rc = err_set(e, ERR_NOMEM, NULL, "cannot build the onOffice request");
		goto out_free;
	}
	for (size_t i = 0; i < b->n; i++) {
		json_t *a;
		if ((rc = signed_action(&b->items[i], cred, timestamp, &a, e)))
			goto out_free;
		if (json_array_append_new(actions, a)) {
			rc = err_set(e, ERR_NOMEM, NULL, NULL);
			goto out_free;
		}
	}
	rc = 0;
	if (json_dump_callback(env, dump_to_buf, out, JSON_COMPACT))
		rc = err_set(e, ERR_TOO_LARGE, NULL, "the onOffice request exceeds %zu bytes",
		             out->max);
out_free:
	json_decref(actions);
	json_decref(env);
	return rc;
}
