/*
 * unlock.h - `do`/`unlockProvider`, the one call of the Marketplace
 * activation (onoffice-protocol §10.1 step 5, R-A3).
 *
 * The client is made with token = the activation URL's `apiToken` and secret
 * = the API key the administrator pasted; the action carries
 * `parameterCacheId` and `extendedclaim` = the activation URL's `apiClaim`.
 * That claim is valid only for the unlock (onoffice-protocol §2.3), so it is the action's own:
 * a claim the client may hold is NOT put in its place (request.h own_claim).
 * Success: records[0].elements.success == "success". onOffice refuses an
 * unknown or used parameter cache with 177/178 (final); wrong credentials
 * are auth errors; both mean the activation failed and nothing is stored.
 */
#ifndef IMMO_ONOFFICE_UNLOCK_H
#define IMMO_ONOFFICE_UNLOCK_H

#include <jansson.h>

#include "core/err.h"
#include "onoffice/client.h"
#include "onoffice/request.h"

/* `isRegularCustomer`: omitted, 0 or 1 (onoffice-protocol §10.1). */
enum oo_regular_customer { OO_REGULAR_UNSET, OO_REGULAR_NO, OO_REGULAR_YES };

/* The parameters, a new object in *out. ERR_INVALID_ARG for an empty cache id or claim. */
int oo_unlock_params(const char *parameter_cache_id, const char *activation_claim,
                     enum oo_regular_customer regular, json_t **out, struct err *e);

/* Appends the action to b, marked own_claim. */
int oo_unlock_add(struct oo_batch *b, const char *parameter_cache_id, const char *activation_claim,
                  enum oo_regular_customer regular, struct err *e);

/*
 * Reads the outcome of an unlock action that came back: 0 when
 * elements.success is "success"; ERR_OO_FINAL when onOffice answered with
 * another value; ERR_OO_UNCERTAIN when the answer holds no record; the
 * action's class when it failed.
 */
int oo_unlock_result(const struct oo_batch_item *it, struct err *e);

/* Unlocks in one request. Returns 0 or the class. */
int oo_unlock_provider(struct oo_client *c, const char *parameter_cache_id,
                       const char *activation_claim, struct err *e);

#endif
