/*
 * service.c - the Marketplace service entry (R-A12): onOffice opens immosync from
 * inside enterprise with a signed URL carrying a fresh apiClaim. The claim is stored
 * sealed for the company linked to the URL's customerWebId, a pause for want of a
 * claim ends, and the scheduler is woken.
 */
#include <string.h>

#include "core/log.h"
#include "core/time.h"
#include "onoffice/marketplace.h"
#include "store/link.h"
#include "sync/sync_int.h"

int sync_service_entry(struct sync_engine *eng, const char *base, const char *query,
                       const char *provider_secret, struct sync_service_result *r, struct err *e)
{
	struct oo_mp_check chk = {
	    .secret = provider_secret, .kind = OO_MP_SERVICE, .now_s = time_now_ms() / 1000};
	struct oo_mp_link l;
	memset(r, 0, sizeof(*r));
	int rc = oo_mp_verify(base, query ? query : "", &chk, &l, e);
	r->failure = (int)l.failure;
	if (rc) {
		LOG(LOG_WARN, "service.refused", LS("why", oo_mp_failure_name(l.failure)),
		    LS("field", e->field));
		return rc;
	}
	rc = link_company_of(eng->db, l.customer_web_id, &r->company_id, e);
	if (!rc && !eng->nkeys)
		rc = err_set(e, ERR_UNAVAILABLE, NULL, "no master key to seal the claim with");
	if (!rc)
		rc = link_set_claim(eng->db, &eng->keys[0], r->company_id, l.api_claim, e);
	struct link_creds creds;
	if (!rc && link_get(eng->db, eng->keys, eng->nkeys, r->company_id, &creds, NULL) == 0) {
		r->revoked = strcmp(creds.state, "active") != 0;
		link_creds_release(&creds);
	}
	if (rc) {
		LOG(LOG_WARN, "service.not_stored", LS("customer_web_id", l.customer_web_id),
		    LS("error", e->message));
	} else {
		LOG(LOG_INFO, "service.claim_stored", LI("company", r->company_id),
		    LS("customer_web_id", l.customer_web_id), LS("user_id", l.user_id),
		    LB("revoked", r->revoked));
		sync_kick(eng);
	}
	oo_mp_link_release(&l);
	return rc;
}
