#include "onoffice/unlock.h"

#include <string.h>

#include "onoffice/values.h"
#include "onoffice/write.h"

int oo_unlock_params(const char *parameter_cache_id, const char *activation_claim,
                     enum oo_regular_customer regular, json_t **out, struct err *e)
{
	*out = NULL;
	if (!parameter_cache_id || !*parameter_cache_id)
		return err_set(e, ERR_INVALID_ARG, "parameterCacheId", "is required");
	if (!activation_claim || !*activation_claim)
		return err_set(e, ERR_INVALID_ARG, "extendedclaim",
		               "the activation claim is required");
	json_t *p = json_pack("{s:s, s:s}", "parameterCacheId", parameter_cache_id, "extendedclaim",
	                      activation_claim);
	if (p && regular != OO_REGULAR_UNSET &&
	    json_object_set_new(p, "isRegularCustomer",
	                        json_integer(regular == OO_REGULAR_YES ? 1 : 0))) {
		json_decref(p);
		p = NULL;
	}
	if (!p)
		return err_set(e, ERR_NOMEM, NULL, "cannot build the unlock (invalid UTF-8?)");
	*out = p;
	return 0;
}

int oo_unlock_add(struct oo_batch *b, const char *parameter_cache_id, const char *activation_claim,
                  enum oo_regular_customer regular, struct err *e)
{
	json_t *p;
	int rc = oo_unlock_params(parameter_cache_id, activation_claim, regular, &p, e);
	if (rc || (rc = oo_batch_add(b, OO_DO, "unlockProvider", NULL, p, e)))
		return rc;
	b->items[b->n - 1].own_claim = true;
	return 0;
}

int oo_unlock_result(const struct oo_batch_item *it, struct err *e)
{
	const struct oo_result *r = &it->result;
	if (r->code) {
		err_set(e, r->code, NULL, "unlockProvider: %s", r->message);
		if (e)
			e->remote_code = r->remote_code;
		return r->code;
	}
	json_t *rec = json_array_get(r->records, 0);
	if (!rec)
		return err_set(e, ERR_OO_UNCERTAIN, NULL,
		               "unlockProvider answered without a record");
	const char *success =
	    json_string_value(json_object_get(oo_record_elements(rec), "success"));
	if (!success || strcmp(success, "success") != 0)
		return err_set(e, ERR_OO_FINAL, NULL, "unlockProvider answered success=\"%.40s\"",
		               success ? success : "(none)");
	return 0;
}

int oo_unlock_provider(struct oo_client *c, const char *parameter_cache_id,
                       const char *activation_claim, struct err *e)
{
	struct oo_batch b = OO_BATCH_INIT;
	int rc = oo_unlock_add(&b, parameter_cache_id, activation_claim, OO_REGULAR_UNSET, e);
	if (!rc)
		rc = oo_write_call(c, &b, NULL, NULL, e);
	if (!rc)
		rc = oo_unlock_result(&b.items[0], e);
	oo_batch_release(&b);
	return rc;
}
