/*
 * do/unlockProvider (onoffice-protocol §10.1 step 5): the call a provider makes
 * with the token from the activation link and the API key the administrator
 * pasted (the customer's secret; the HMAC check in api.c is the credential
 * check). The parameter cache must exist for this customer (177) and not be
 * consumed yet (178), and extendedclaim must be its activation claim (193
 * missing, 248 another). Success consumes the cache and marks the customer
 * unlocked.
 */
#include <string.h>

#include "actions.h"
#include "claim.h"

int emu_act_unlock_provider(struct emu_action *a, struct emu_answer *ans)
{
	json_t *cid = json_object_get(a->params, "parameterCacheId");
	json_t *claim = json_object_get(a->params, "extendedclaim");
	json_t *regular = json_object_get(a->params, "isRegularCustomer");
	int64_t reg;
	if (regular && !json_is_null(regular) &&
	    (!emu_json_int(regular, &reg) || (reg != 0 && reg != 1)))
		return emu_fail(ans, OO_BAD_PARAMETER,
		                "Invalid value for parameter \"isRegularCustomer\"");
	if (!json_is_string(cid) || !json_string_length(cid))
		return emu_fail(ans, OO_CACHE_MISSING, "Parameter cache does not exist");
	enum emu_unlock_result r;
	struct err e = ERR_INIT;
	/* A claim that is not a string counts as missing (193, after the cache checks). */
	if (emu_claim_unlock(a->emu->db, a->cust->id, json_string_value(cid),
	                     json_string_value(claim), a->now_ms, &r, &e))
		return emu_fail(ans, 1, "Unknown error occurred (%.200s)", e.message);
	switch (r) {
	case EMU_UNLOCK_NO_CACHE:
		return emu_fail(ans, OO_CACHE_MISSING, "Parameter cache does not exist");
	case EMU_UNLOCK_USED:
		return emu_fail(ans, OO_CACHE_INCOMPLETE, "Missing entries in parameter cache");
	case EMU_UNLOCK_NO_CLAIM:
		return emu_fail(
		    ans, OO_CLAIM_REQUIRED,
		    "Parameter extendedclaim is required, but missing, empty or invalid");
	case EMU_UNLOCK_WRONG_CLAIM:
		return emu_fail(ans, OO_CLAIM_NO_MATCH, "No matching extendedclaim");
	case EMU_UNLOCK_OK:
		break;
	}
	ans->records = json_array();
	json_t *rec = emu_record(json_integer(0), "", json_pack("{s:s}", "success", "success"));
	if (!rec || json_array_append_new(ans->records, rec))
		return emu_fail(ans, 1, "out of memory");
	return 0;
}
